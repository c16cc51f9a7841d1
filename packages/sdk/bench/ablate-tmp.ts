import { pino } from 'pino';
import Fastify from 'fastify';
import { init } from '@driftwatch/sdk';
import { driftwatch, fastifyOptions } from '../../fastify/dist/index.js';
import { serveRequests } from './ipc.js';
import { score, MODEL_NAME, MODEL_VERSION, type Features } from './model.js';
const mode = process.argv[2] ?? 'full';
const dest = pino.destination({ dest: '/dev/null', sync: true });
const opts: Record<string, unknown> = {
  serviceName: 'bench-model', serviceVersion: '1.0.0', environment: 'bench',
  transport: { type: 'http', url: process.env.BENCH_SINK_URL },
  logs: { destination: dest }, metrics: { port: 0, host: '127.0.0.1' },
};
if (mode === 'nullt') opts.transport = { name: 'null', send: async () => ({ ok: true }), isReady: () => true, shutdown: async () => {} };
if (mode === 'nologexport') opts.logs = { destination: dest, export: false };
if (mode === 'notraces') opts.traces = { enabled: false };
if (mode === 'nometrics') opts.metrics = { enabled: false };
if (mode === 'noredact') opts.logs = { destination: dest, redact: [] };
const monitor = init(opts, {});
const app = Fastify(fastifyOptions(monitor)) as unknown as import('fastify').FastifyInstance;
await app.register(driftwatch, { monitor });
let served = 0;
app.post<{ Body: { features: Features } }>('/predict', async (request) => {
  const s = score(request.body.features);
  if (mode !== 'nopred') monitor.logPrediction({ model: MODEL_NAME, modelVersion: MODEL_VERSION, features: request.body.features, prediction: s > 0.5 ? 1 : 0, score: s });
  served += 1;
  return { score: s };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const a = app.server.address();
serveRequests(typeof a === 'object' && a ? a.port : 0, {
  cpu: () => { const u = process.cpuUsage(); return { cpuUs: u.user + u.system, served }; },
  finish: async () => { await monitor.flush(); return { stats: monitor.stats }; },
});
process.on('SIGTERM', () => process.exit(0));
