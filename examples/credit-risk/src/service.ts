/**
 * Runs the credit-risk service. Configured by environment: PORT (0 = any free port), HOST, and
 * the SDK's own DRIFTWATCH_* variables (collector URL, token, metrics port…). The service's name
 * and version are set in code, which wins over DRIFTWATCH_SERVICE_NAME / _VERSION.
 * Prints one JSON line `{"event":"listening","url":…}` to stdout once it serves.
 */
import { init } from '@driftwatch/sdk';
import { buildService } from './server.js';

const monitor = init({ serviceName: 'credit-risk-api', serviceVersion: '1.4.0' });
const app = await buildService(monitor);
const url = await app.listen({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 8080),
});
process.stdout.write(`${JSON.stringify({ event: 'listening', url })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.close();
  // Flushes queued predictions, labels, logs and spans to the collector before exiting.
  await monitor.shutdown({ timeoutMs: 15_000 });
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
