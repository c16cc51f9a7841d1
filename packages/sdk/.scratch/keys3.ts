import { readFileSync } from 'node:fs';
import { startMokapi } from '../test/kafka/mokapi.js';
import kafkajs from 'kafkajs';
const m = await startMokapi({ topics: [{ name: 't2', signal: 'logs' }], partitions: 1 });
try {
  const kafka = new kafkajs.Kafka({ brokers: m.brokers, logLevel: kafkajs.logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  const lg = (i: number) => JSON.stringify({ timeUnixNano: String(i), severityNumber: 9, body: 'x'.repeat(i) });
  const headers = { 'dw-schema-version': '1', 'dw-signal': 'logs', 'content-type': 'application/json' };
  const cases: Record<string, kafkajs.Message[]> = {
    'one+headers': [{ key: 'k', value: lg(1), headers }],
    'two no headers': [{ key: 'k', value: lg(1) }, { key: 'k', value: lg(2) }],
    'two+headers': [{ key: 'k', value: lg(1), headers }, { key: 'k', value: lg(2), headers }],
    'two+headers null key': [{ key: null, value: lg(1), headers }, { key: null, value: lg(22) , headers}],
    'five no headers varying': [1, 50, 3, 200, 7].map((i) => ({ key: 'k' + i, value: lg(i) })),
  };
  for (const [name, messages] of Object.entries(cases)) {
    try { await p.send({ topic: 't2', messages }); console.log(name, 'ok'); }
    catch (e) { console.log(name, 'FAIL', (e as Error).message); }
  }
  await p.disconnect();
  console.log(readFileSync(m.logFile, 'utf8').split('\n').filter((l) => l.includes('level=error')).join('\n'));
} finally { await m.stop(); }
