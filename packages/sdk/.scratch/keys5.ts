import { readFileSync } from 'node:fs';
import { startMokapi } from '../test/kafka/mokapi.js';
import kafkajs from 'kafkajs';
const m = await startMokapi({ topics: [{ name: 't1' }], partitions: 1 });
try {
  const kafka = new kafkajs.Kafka({ brokers: m.brokers, logLevel: kafkajs.logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  const v = (i: number) => JSON.stringify({ i, body: 'x'.repeat(i) });
  for (const sizes of [[400, 10], [440, 10], [470, 10], [480, 10], [490, 10], [500, 10], [10, 10, 490], [10, 490, 10], [250, 250, 10], [3000]]) {
    try { await p.send({ topic: 't1', messages: sizes.map((s) => ({ key: 'k', value: v(s) })) }); console.log(sizes, 'ok'); }
    catch (e) { console.log(sizes, 'FAIL', (e as Error).message); }
  }
  await p.disconnect();
  console.log(readFileSync(m.logFile, 'utf8').split('\n').filter((l) => l.includes('level=error')).join('\n'));
} finally { await m.stop(); }
