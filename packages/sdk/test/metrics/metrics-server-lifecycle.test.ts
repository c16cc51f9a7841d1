/**
 * The metrics server's lifecycle: closed before it finished binding (the port must not stay
 * taken), and errors after it listens (an accept that fails for want of descriptors) that must
 * not reach the host as an unhandled 'error' event.
 */
import { createServer as createNetServer } from 'node:net';
import type * as Http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { freePort } from '../support/net.js';

const created = vi.hoisted(() => [] as unknown[]);
vi.mock('node:http', async (importOriginal) => {
  const http = await importOriginal<typeof Http>();
  return {
    ...http,
    createServer: (...args: Parameters<typeof http.createServer>) => {
      const server = http.createServer(...args);
      created.push(server);
      return server;
    },
  };
});

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  created.length = 0;
});

function start(port: number, logs: LogCapture = captureLogs()): MetricsServer {
  server = startMetricsServer({
    host: '127.0.0.1',
    port,
    route: '/metrics',
    handler: (_request, response) => response.end('up 1\n'),
    diagnostics: createDiagnostics('debug', logs.destination),
  });
  return server;
}

/** Whether a fresh server can bind `port` on loopback now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('metrics server lifecycle', () => {
  it('frees its port when closed before it finished binding', async () => {
    const port = await freePort();
    const early = start(port);
    await early.close();
    await early.address;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await canBind(port)).toBe(true);
  });

  it('logs errors after it listens instead of throwing them into the host', async () => {
    const logs = captureLogs();
    expect(await start(0, logs).address).toBeDefined();
    const http = created[0] as Http.Server;
    const accept = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' });
    expect(() => http.emit('error', accept)).not.toThrow();
    expect(() => http.emit('error', accept)).not.toThrow();
    expect(logs.lines.filter((line) => (line.level as number) >= 40)).toHaveLength(2);
    expect(String(logs.lines[0]?.msg)).not.toContain('could not listen');
  });
});
