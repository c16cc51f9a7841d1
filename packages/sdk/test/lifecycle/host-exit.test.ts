/**
 * The SDK never keeps the process alive when the host has nothing left to do: a child process
 * starts it (metrics endpoint on, a real destination), and must exit on its own. What held it:
 * a scraper's keep-alive socket on the metrics endpoint, the start-up `GET /health` probe to a
 * collector that never answers, and kafkajs's broker sockets and timers (transport/kafkajs-idle.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request, Agent } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';

const child = fileURLToPath(new URL('../support/idle-host-child.ts', import.meta.url));
/** Far longer than an idle process needs to exit, far shorter than what holds it. */
const EXIT_WITHIN_MS = 8000;

let receiver: IngestReceiver;
beforeAll(async () => {
  receiver = await startIngestReceiver();
});
afterAll(() => receiver.close());

/**
 * Runs the child host; `whileIdle` runs once it is ready (the port of its metrics endpoint).
 * Resolves whether it exited by itself within EXIT_WITHIN_MS (it is killed otherwise).
 */
async function exitsOnItsOwn(
  transport: unknown,
  send: boolean | 'queue' | 'readiness',
  whileIdle: (metricsPort: number) => () => void = () => () => undefined,
): Promise<boolean> {
  const host = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      child,
      JSON.stringify(transport),
      typeof send === 'string' ? send : send ? 'send' : 'idle',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(host, 'exit');
  let output = '';
  for await (const chunk of host.stdout) {
    output += String(chunk);
    if (output.includes('\n')) break;
  }
  const port = Number(/^ready (\d+)/.exec(output)?.[1]);
  expect(port).toBeGreaterThan(0);
  const stop = whileIdle(port);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), EXIT_WITHIN_MS);
  });
  const result = await Promise.race([exited.then(() => true), timedOut]);
  clearTimeout(timer);
  stop();
  if (!result) {
    host.kill('SIGKILL');
    await exited;
  }
  return result;
}

describe('the host exits on its own', () => {
  it('after delivering to the collector, its metrics endpoint unscraped', async () => {
    expect(await exitsOnItsOwn({ type: 'http', url: receiver.url }, true)).toBe(true);
  });

  it('while Prometheus scrapes it every second over a keep-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const scrape = (port: number): void => {
      request({ host: '127.0.0.1', port, path: '/metrics', agent }, (response) => response.resume())
        .on('error', () => undefined)
        .end();
    };
    const exited = await exitsOnItsOwn({ type: 'memory' }, true, (port) => {
      scrape(port);
      const every = setInterval(() => scrape(port), 1000);
      return () => {
        clearInterval(every);
        agent.destroy();
      };
    });
    expect(exited).toBe(true);
  });

  /** Runs `check` with the URL of a collector that accepts connections and never answers. */
  async function withHungCollector(
    check: (url: string, sockets: readonly Socket[]) => Promise<void>,
  ): Promise<void> {
    const sockets: Socket[] = [];
    const hung = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as { port: number };
    try {
      await check(`http://127.0.0.1:${port}`, sockets);
    } finally {
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  }

  it('when the collector accepts connections and never answers', async () => {
    await withHungCollector(async (url) => {
      expect(await exitsOnItsOwn({ type: 'http', url, timeoutMs: 60_000 }, false)).toBe(true);
    });
  });

  it('with six batches queued for a collector that never answers, after one deadline', async () => {
    // Each batch held the host for its own 2 s deadline in turn: 12 s before it could exit.
    await withHungCollector(async (url, sockets) => {
      expect(await exitsOnItsOwn({ type: 'http', url, timeoutMs: 60_000 }, 'queue')).toBe(true);
      // The first batch was held to its deadline: it was sent, not left unsent.
      expect(sockets.length).toBeGreaterThan(0);
    });
  });

  it('after asking for readiness while the Kafka broker accepts connections and never answers', async () => {
    // The readiness probe's reconnect held the host until the connect failed or sendTimeoutMs
    // passed, whichever came first (60 s here).
    await withHungCollector(async (url) => {
      const { port } = new URL(url);
      const transport = {
        type: 'kafka',
        brokers: [`127.0.0.1:${port}`],
        sendTimeoutMs: 60_000,
        requestTimeoutMs: 60_000,
      };
      expect(await exitsOnItsOwn(transport, 'readiness')).toBe(true);
    });
  });

  describe('with Kafka', () => {
    let broker: Mokapi;
    beforeAll(async () => {
      const signals = ['predictions', 'labels', 'logs', 'spans', 'metrics'] as const;
      broker = await startMokapi({
        topics: signals.map((signal) => ({ name: `driftwatch.${signal}`, signal })),
      });
    });
    afterAll(() => broker.stop());

    it('after delivering to the broker', async () => {
      const transport = { type: 'kafka', brokers: broker.brokers, compression: 'none' };
      expect(await exitsOnItsOwn(transport, true)).toBe(true);
    });
  });
});
