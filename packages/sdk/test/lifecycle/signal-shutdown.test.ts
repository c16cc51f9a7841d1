/**
 * `handleSignals`: on SIGTERM the SDK flushes what is queued, then the process ends as the
 * signal would have ended it; a host with its own SIGTERM listener keeps control of its exit, and
 * what its drain logs is still delivered.
 * Real child processes, real signals, a real HTTP receiver.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';

const child = fileURLToPath(new URL('../support/signal-child.ts', import.meta.url));
let receiver: IngestReceiver;

beforeAll(async () => {
  receiver = await startIngestReceiver();
});
afterAll(() => receiver.close());

async function terminate(mode: 'alone' | 'host' | 'drain' | 'two' | 'once-before') {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child, receiver.url, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(process_, 'exit');
  let output = '';
  for await (const chunk of process_.stdout) {
    output += String(chunk);
    if (output.includes('ready')) break;
  }
  const before = receiver.requests.length;
  const signalledAt = Date.now();
  process_.kill('SIGTERM');
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  const predictions = receiver.requests
    .slice(before)
    .flatMap((request) => request.batch.predictions ?? []);
  return { code, signal, predictions, tookMs: Date.now() - signalledAt };
}

/**
 * Runs the child in `mode`, reading all it prints (terminate stops at ready), and sends each
 * step's signal, in order, once the output holds the step's text.
 */
async function signalChild(mode: string, steps: ReadonlyArray<[text: string, NodeJS.Signals]>) {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child, receiver.url, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(process_, 'exit');
  let output = '';
  let next = 0;
  process_.stdout.on('data', (chunk) => {
    output += String(chunk);
    const step = steps[next];
    if (step !== undefined && output.includes(step[0])) {
      next += 1;
      process_.kill(step[1]);
    }
  });
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  return { code, signal, output };
}

/** `host-shutdown`: SIGTERM once ready, while the host's own shutdown runs. */
function terminateDuringHostShutdown() {
  return signalChild('host-shutdown', [['ready', 'SIGTERM']]);
}

/** `sigint-host`: SIGINT (the host's), then, once it printed `interrupted`, SIGTERM (the SDK's). */
async function interruptThenTerminate() {
  const { code, signal } = await signalChild('sigint-host', [
    ['ready', 'SIGINT'],
    ['interrupted', 'SIGTERM'],
  ]);
  const features = receiver.requests
    .flatMap((request) => request.batch.predictions ?? [])
    .map((prediction) => prediction.features);
  return { code, signal, features };
}

describe('SIGTERM with handleSignals', () => {
  it('flushes the queue, then the process ends by the signal', async () => {
    const result = await terminate('alone');
    expect(result.predictions).toHaveLength(1);
    expect(result.predictions[0]).toMatchObject({ model: 'churn', features: { a: 1 } });
    expect(result.signal).toBe('SIGTERM');
    expect(result.code).toBeNull();
  });

  it('with two monitors, waits for the slower one before the process ends', async () => {
    // The queued batch is answered after 600 ms; the other monitor has nothing to send.
    receiver.respondWith(() => ({ status: 200, body: '{}', delayMs: 600 }));
    try {
      const result = await terminate('two');
      expect(result.predictions).toHaveLength(1);
      expect(result.signal).toBe('SIGTERM');
      expect(result.tookMs).toBeGreaterThanOrEqual(600);
    } finally {
      receiver.respondWith(() => ({ status: 200, body: '{}' }));
    }
  });

  it('during a shutdown the host began: waits for it, then the process ends by the signal', async () => {
    // The handlers went at the start of shutdown(): the SIGTERM killed the process in the
    // middle of its flush (the batch answered after 600 ms).
    receiver.respondWith(() => ({ status: 200, body: '{}', delayMs: 600 }));
    try {
      const result = await terminateDuringHostShutdown();
      expect(result.output).toContain('shut down');
      expect(result.signal).toBe('SIGTERM');
    } finally {
      receiver.respondWith(() => ({ status: 200, body: '{}' }));
    }
  });

  it("flushes, and leaves the exit to the host's own listener", async () => {
    const result = await terminate('host');
    expect(result.predictions).toHaveLength(1);
    expect(result.code).toBe(7);
    expect(result.signal).toBeNull();
    expect(result.tookMs).toBeGreaterThanOrEqual(300);
  });

  it("leaves the exit to a host's process.once listener added before init()", async () => {
    const result = await terminate('once-before');
    expect(result.predictions).toHaveLength(1);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(7);
  });

  it('after a SIGINT the host handled itself, a SIGTERM still flushes, then ends the process', async () => {
    const result = await interruptThenTerminate();
    expect(result.signal).toBe('SIGTERM');
    expect(result.features).toContainEqual({ a: 3 });
  });

  it('with a host listener the monitor stays up for the drain: what the drain logs is delivered', async () => {
    const result = await terminate('drain');
    expect(result.code).toBe(7);
    expect(result.predictions.map((prediction) => prediction.features)).toEqual([
      { a: 1 },
      { a: 2 },
      { a: 2 },
      { a: 2 },
    ]);
  });
});
