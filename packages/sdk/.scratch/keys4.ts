import { readFileSync } from 'node:fs';
import { startMokapi } from '../test/kafka/mokapi.js';
import kafkajs from 'kafkajs';
const m = await startMokapi({ topics: [{ name: 't1' }, { name: 't2' }] });
try {
  const kafka = new kafkajs.Kafka({ brokers: m.brokers, logLevel: kafkajs.logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  const v = (i: number) => JSON.stringify({ i, body: 'x'.repeat(i) });
  const msgs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'k' + i, value: v(i * 7) }));
  const cases: Record<string, kafkajs.TopicMessages[]> = {
    'one topic 3 partitions': [{ topic: 't1', messages: msgs(6) }],
    'two topics': [{ topic: 't1', messages: msgs(2) }, { topic: 't2', messages: msgs(2) }],
    'two topics many': [{ topic: 't1', messages: msgs(9) }, { topic: 't2', messages: msgs(9) }],
  };
  for (const [name, topicMessages] of Object.entries(cases)) {
    try { await p.sendBatch({ topicMessages }); console.log(name, 'ok'); }
    catch (e) { console.log(name, 'FAIL', (e as Error).message); }
  }
  await p.disconnect();
  console.log(readFileSync(m.logFile, 'utf8').split('\n').filter((l) => l.includes('level=error')).join('\n'));
} finally { await m.stop(); }
