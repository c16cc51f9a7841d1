/**
 * A misconfigured or unhealthy Kafka, against real sockets: no broker on the port, a broker that
 * accepts connections and never answers, SASL or TLS against a plaintext broker (Mokapi). Each
 * gives one specific diagnostic naming the brokers and the cause (not one line per batch or per
 * connection attempt), drops counted under the right reason, and no unhandled rejection.
 *
 * TLS is tried against a plaintext listener of our own, not Mokapi: Mokapi 0.52 reads a TLS
 * ClientHello as a Kafka frame, allocates the tens of GB its bytes ask for, and dies of "out of
 * memory" (some ClientHellos, depending on their random bytes), so the test met a refused port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { createTransport } from '../../src/transport/create-transport.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';
import { freePort, startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';

let mokapi: Mokapi;
let silent: Server;
let silentBroker: string;
let plaintext: Server;
let plaintextBroker: string;
const sockets = new Set<Socket>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  mokapi = await startMokapi({ topics: [{ name: 'dw-misconfig.logs' }] });
  // Accepts connections and never answers: a hung broker, or a proxy in front of a dead one.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentBroker = `127.0.0.1:${(silent.address() as { port: number }).port}`;
  plaintext = createServer(closeOversizedFrames);
  await new Promise<void>((resolve) => plaintext.listen(0, '127.0.0.1', resolve));
  plaintextBroker = `127.0.0.1:${(plaintext.address() as { port: number }).port}`;
}, 30_000);

/** Kafka's default `socket.request.max.bytes`. */
const MAX_REQUEST_BYTES = 104_857_600;

/**
 * A plaintext listener as a Kafka broker treats a frame it cannot take: the first 4 bytes are
 * the request size, and a size over `socket.request.max.bytes` closes the connection. A TLS
 * ClientHello begins 0x16 0x03, a size of about 370 MB.
 */
function closeOversizedFrames(socket: Socket): void {
  sockets.add(socket);
  socket.on('error', () => undefined);
  let head = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]).subarray(0, 4);
    if (head.length === 4 && head.readInt32BE(0) > MAX_REQUEST_BYTES) socket.destroy();
  });
}

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await new Promise((resolve) => plaintext.close(resolve));
  await mokapi.stop();
});

interface Run {
  readonly pipeline: ExportPipeline;
  readonly logs: LogCapture;
  /** Lines at warn or above. */
  reports(): Array<Record<string, unknown>>;
}

/** A pipeline with the Kafka transport, fed a log item every 20 ms until `until` holds, then 1.5 s more. */
async function run(
  kafka: Record<string, unknown>,
  until: (run: Run) => boolean,
  level: 'info' | 'debug' = 'info',
): Promise<Run> {
  const options = resolveOptions(
    {
      batch: { lingerMs: 10 },
      retry: { initialBackoffMs: 50, maxBackoffMs: 200, deadlineMs: 1500 },
    },
    {},
  );
  const logs = captureLogs();
  const diagnostics = createDiagnostics(level, logs.destination);
  const pipeline = new ExportPipeline({
    queue: options.queue,
    batch: options.batch,
    retry: options.retry,
    resource: { 'service.name': 'svc' },
    diagnostics,
  });
  pipeline.setTransport(
    createTransport(
      {
        type: 'kafka',
        input: {
          topics: { logs: 'dw-misconfig.logs' },
          compression: 'none',
          connectionTimeoutMs: 500,
          requestTimeoutMs: 700,
          sendTimeoutMs: 2500,
          retries: 1,
          ...kafka,
        },
      },
      {},
      diagnostics,
    ),
  );
  const result: Run = {
    pipeline,
    logs,
    reports: () => logs.lines.filter((line) => (line.level as number) >= 40),
  };
  const feed = setInterval(() => {
    pipeline.enqueue('logs', { timeUnixNano: '1', severityText: 'INFO', body: 'x' }, 100);
  }, 20);
  try {
    await waitFor('the failure to show', () => (until(result) ? true : undefined), 20_000);
    // Batches keep failing meanwhile: still the same one report.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } finally {
    clearInterval(feed);
  }
  await pipeline.shutdown(500);
  return result;
}

const messageOf = (line: Record<string, unknown> | undefined): string => String(line?.msg);

describe('kafka misconfiguration diagnostics', () => {
  it('no broker on the port: one warning naming the broker and the refusal; retried, not dropped as failed', async () => {
    const port = await freePort();
    const { pipeline, reports } = await run(
      { brokers: [`127.0.0.1:${port}`] },
      (r) => r.reports().length > 0 && r.pipeline.stats.dropped.retry_exhausted > 0,
    );
    expect(reports()).toHaveLength(1);
    expect(messageOf(reports()[0])).toMatch(
      new RegExp(
        `^driftwatch: export failing, retrying: kafka 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`,
      ),
    );
    expect(pipeline.stats.dropped.send_failed).toBe(0);
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('a broker that accepts connections and never answers: retried (not send_failed), and said so', async () => {
    const { pipeline, reports } = await run(
      { brokers: [silentBroker] },
      (r) => r.reports().length > 0 && r.pipeline.stats.dropped.retry_exhausted > 0,
    );
    expect(pipeline.stats.dropped.send_failed).toBe(0);
    expect(reports()).toHaveLength(1);
    expect(messageOf(reports()[0])).toContain(
      `kafka ${silentBroker}: the broker accepted the connection but did not answer`,
    );
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('SASL against a listener without SASL: one error that names SASL, batches dropped as send_failed', async () => {
    const { pipeline, reports } = await run(
      {
        brokers: mokapi.brokers,
        sasl: { mechanism: 'plain', username: 'svc-user', password: 'secret-pw' },
      },
      (r) => r.pipeline.stats.dropped.send_failed > 3,
    );
    expect(reports()).toHaveLength(1);
    const message = messageOf(reports()[0]);
    expect(message).toContain(`kafka ${mokapi.brokers[0]}: the broker does not take SASL`);
    expect(message).toContain('transport.sasl');
    expect(JSON.stringify(reports())).not.toContain('secret-pw');
    expect(pipeline.stats.sentItems).toBe(0);
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('TLS against a plaintext listener: one warning that names the TLS handshake', async () => {
    const { reports } = await run(
      { brokers: [plaintextBroker], tls: true },
      (r) => r.reports().length > 0 && r.pipeline.stats.dropped.retry_exhausted > 0,
    );
    expect(reports()).toHaveLength(1);
    expect(messageOf(reports()[0])).toContain(
      `kafka ${plaintextBroker}: the TLS handshake did not complete`,
    );
    // The listener closed it (as a broker does), not a connection timeout.
    expect(messageOf(reports()[0])).toContain('disconnected before secure TLS connection');
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('the transport writes to the SDK diagnostic log (kafkajs detail at debug only)', async () => {
    const port = await freePort();
    const { logs } = await run(
      { brokers: [`127.0.0.1:${port}`] },
      (r) => r.logs.lines.some((line) => String(line.msg).startsWith('kafkajs ')),
      'debug',
    );
    const kafkajsLines = logs.lines.filter((line) => String(line.msg).startsWith('kafkajs '));
    expect(kafkajsLines.length).toBeGreaterThan(0);
    expect(kafkajsLines.every((line) => line.level === 20)).toBe(true);
  }, 30_000);
});
