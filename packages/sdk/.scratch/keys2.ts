import { readFileSync } from 'node:fs';
import { startMokapi } from '../test/kafka/mokapi.js';
import kafkajs from 'kafkajs';
const m = await startMokapi({ topics: [{ name: 't1', signal: 'metrics' }, { name: 't2', signal: 'logs' }] });
try {
  const kafka = new kafkajs.Kafka({ brokers: m.brokers, logLevel: kafkajs.logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  const v = JSON.stringify({ name: 'http.server.request.duration', timeUnixNano: '1', type: 'gauge', value: 1 });
  const lg = JSON.stringify({ timeUnixNano: '1', severityNumber: 9, body: 'x' });
  for (const [topic, key, value] of [['t1', 'http.x', v], ['t1', 'abc', v], ['t1', null, v], ['t2', '0123abc', lg], ['t2', 'abcd', lg], ['t2', '12ab', lg]] as const) {
    try { await p.send({ topic, messages: [{ key, value }] }); console.log(topic, JSON.stringify(key), 'ok'); }
    catch (e) { console.log(topic, JSON.stringify(key), 'FAIL', (e as Error).message); }
  }
  await p.disconnect();
  console.log(readFileSync(m.logFile, 'utf8').split('\n').filter((l) => l.includes('level=error')).join('\n'));
} finally { await m.stop(); }
