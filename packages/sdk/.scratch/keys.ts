import { readFileSync } from 'node:fs';
import { startMokapi } from '../test/kafka/mokapi.js';
import kafkajs from 'kafkajs';
const m = await startMokapi({ topics: [{ name: 't1' }] });
try {
  const kafka = new kafkajs.Kafka({ brokers: m.brokers, logLevel: kafkajs.logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  for (const key of ['abc', '0123abc', '1e5f', 'http.server.request.duration', '5h', 'ab12', '12', null]) {
    try { await p.send({ topic: 't1', messages: [{ key, value: '{"a":1}' }] }); console.log(JSON.stringify(key), 'ok'); }
    catch (e) { console.log(JSON.stringify(key), 'FAIL', (e as Error).message); }
  }
  await p.disconnect();
  console.log(readFileSync(m.logFile, 'utf8').split('\n').filter((l) => l.includes('level=error')).join('\n'));
} finally { await m.stop(); }
