/**
 * One benchmark server in its own process: `server-process.ts <bare|driftwatch|conventional>`
 * (or BENCH_VARIANT). Answers the driver's IPC requests: `cpu` (process CPU time so far and
 * predictions served) and `finish` (flush telemetry, report delivery counters).
 * The conventional variant is started with `--import otel-register.ts` by the driver.
 */
import { pino } from 'pino';
import { buildApp } from './build-app.js';
import { serveRequests } from './ipc.js';
import { parseVariant } from './variants.js';

export interface CpuSample {
  /** User + system CPU time of this process (all threads), microseconds. */
  readonly cpuUs: number;
  readonly served: number;
}

const variant = parseVariant(process.argv[2] ?? process.env.BENCH_VARIANT);
const server = await buildApp({
  variant,
  sinkUrl: process.env.BENCH_SINK_URL ?? 'http://127.0.0.1:7070',
  ensembleMembers: Number(process.env.BENCH_ENSEMBLE_MEMBERS ?? 20_000),
  logDestination: pino.destination({ dest: process.env.BENCH_LOG_FILE ?? '/dev/null', sync: true }),
});
await server.app.listen({ host: '127.0.0.1', port: 0 });
const address = server.app.server.address();
serveRequests(typeof address === 'object' && address ? address.port : 0, {
  cpu: (): CpuSample => {
    const usage = process.cpuUsage();
    return { cpuUs: usage.user + usage.system, served: server.served() };
  },
  finish: () => server.finish(),
});
process.on('SIGTERM', () => {
  void server.app.close().finally(() => process.exit(0));
});
