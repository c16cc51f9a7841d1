import { readFileSync } from 'node:fs';
import { startMokapi } from '../test/kafka/mokapi.js';
import { init, type MemoryTransport } from '@driftwatch/sdk';
import { resolveKafkaOptions } from '../src/transport/kafka-options.js';
import { createKafkaTransport } from '../src/transport/kafka-transport.js';
import { encodeBatch } from '../src/transport/kafka-messages.js';
import { buildFastifyApp, lineSink, TOPIC_SIGNALS } from '../test/kafka/apps.js';
const topics = { predictions: 'p', labels: 'l', logs: 'lg', spans: 'sp', metrics: 'mt' };
const m = await startMokapi({ topics: TOPIC_SIGNALS.map((s) => ({ name: topics[s], signal: s })) });
try {
  const monitor = init({ serviceName: 'x', transport: { type: 'memory' }, metrics: { serve: false, gpu: { enabled: false } }, logs: { destination: lineSink() } }, {});
  const app = await buildFastifyApp(monitor);
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/predict/risk', payload: { features: { income: 1 } } });
  await monitor.flush();
  const mem = monitor.transport as MemoryTransport;
  const tr = createKafkaTransport(resolveKafkaOptions({ brokers: m.brokers, topics, compression: 'none', idempotent: false }, {}));
  for (const signal of TOPIC_SIGNALS) {
    for (const item of mem.items(signal)) {
      const batch = { resource: mem.batches[0]!.resource, predictions: [], labels: [], logs: [], spans: [], metrics: [], [signal]: [item] };
      const r = await tr.send(batch as never);
      if (!r.ok) { console.log(signal, 'FAIL', [...encodeBatch(batch as never, topics, 1e6).topics.values()][0]![0]!.value); }
    }
  }
  console.log('done');
  await tr.shutdown(1000); await app.close(); await monitor.shutdown();
  console.log(readFileSync(m.logFile, 'utf8').split('\n').filter((l) => l.includes('level=error')).slice(0, 5).join('\n'));
} finally { await m.stop(); }
