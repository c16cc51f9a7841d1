/**
 * Test helper (shared by the SDK's and the collector's tests): runs a real Kafka-protocol broker
 * (Mokapi's Go binary) from a generated AsyncAPI 3 file, one channel per topic whose messages
 * must match the @driftwatch/schema item schema, be any JSON object, or be any bytes (`raw`).
 * Free loopback ports, no dashboard/MCP listener on :8080, waits until the broker answers,
 * and can be stopped and started again on the same port (Mokapi keeps no data across restarts).
 *
 * Mokapi 0.52 limits found here (real Kafka has none of them), so producers in these tests use
 * `compression: 'none'` and send one record per produce request (SDK `batch.maxItems: 1`):
 * - kafkajs GZIP record batches are not understood;
 * - a record batch with more than one record whose non-last record is over ~512 bytes is
 *   misread ("invalid json format … after top-level value" → INVALID_RECORD);
 * - idempotent sequence numbers are expected to grow by 1 per batch, not per record
 *   (OUT_OF_ORDER_SEQUENCE_NUMBER for a second multi-record batch);
 * - bytes that are not Kafka (a TLS ClientHello) can make it allocate what they seem to ask
 *   for and die of "out of memory": send it Kafka only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { signalSchemas } from '@driftwatch/schema';
import { freePort, freeStablePort } from './net.js';

export { freePort };

export interface MokapiTopic {
  name: string;
  /** Which item schema messages must match; untyped JSON objects when absent. */
  signal?: keyof typeof signalSchemas;
  /**
   * Any bytes, JSON or not (Mokapi refuses a non-JSON value on a JSON channel with
   * INVALID_RECORD): for topics that carry deliberately broken records, and dead-letter topics.
   */
  raw?: boolean;
}

export interface MokapiOptions {
  topics: readonly MokapiTopic[];
  /** @default 3 */
  partitions?: number;
}

export interface Mokapi {
  /** `127.0.0.1:<port>` */
  readonly brokers: string[];
  readonly port: number;
  /** Where the broker's output goes (kept until stop()). */
  readonly logFile: string;
  /** Kills the broker process (SIGKILL), as if the host died. */
  kill(): Promise<void>;
  /** Starts it again on the same ports with the same topics (empty). */
  start(): Promise<void>;
  /** Stops the broker and removes its files. */
  stop(): Promise<void>;
}

/** Path of the Go binary itself: the `mokapi` npm bin is a wrapper that orphans it when killed. */
export function mokapiBinary(): string {
  const require = createRequire(import.meta.url);
  const wrapper = require.resolve('go-mokapi/package.json');
  const platform = `@go-mokapi/${process.platform}-${process.arch}/package.json`;
  const pkg = createRequire(wrapper).resolve(platform);
  return join(dirname(pkg), 'bin', process.platform === 'win32' ? 'mokapi.exe' : 'mokapi');
}

function asyncApi(port: number, options: MokapiOptions): string {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  options.topics.forEach((topic, index) => {
    const payload = topic.signal ? stripIds(signalSchemas[topic.signal]) : { type: 'object' };
    const message = topic.raw
      ? { contentType: 'application/octet-stream', payload: { type: 'string', format: 'binary' } }
      : { contentType: 'application/json', payload };
    channels[`c${index}`] = {
      address: topic.name,
      messages: { item: message },
      bindings: { kafka: { partitions: options.partitions ?? 3 } },
    };
    operations[`send${index}`] = { action: 'send', channel: { $ref: `#/channels/c${index}` } };
  });
  return JSON.stringify({
    asyncapi: '3.0.0',
    info: { title: 'driftwatch-test', version: '1.0.0' },
    servers: { broker: { host: `127.0.0.1:${port}`, protocol: 'kafka' } },
    channels,
    operations,
  });
}

/** JSON Schema patterns are ECMA-262; Mokapi compiles them with Go's RE2, which spells `\uXXXX` as `\x{XXXX}`. */
function goRegex(pattern: string): string {
  return pattern.replace(/\\u([0-9a-fA-F]{4})/g, '\\x{$1}');
}

/** TypeBox adds `$id` and symbol keys; AsyncAPI wants plain JSON Schema that Go can compile. */
function stripIds(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key === '$id') return undefined;
    if (key === 'pattern' && typeof value === 'string') return goRegex(value);
    if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([p, s]) => [goRegex(p), s]));
    }
    return value;
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts Mokapi with the given topics; `await mokapi.stop()` in afterAll. */
export async function startMokapi(options: MokapiOptions): Promise<Mokapi> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-mokapi-'));
  // Outside the ephemeral range: `start()` after `kill()` binds the same ports again.
  const [port, apiPort, healthPort] = [
    await freeStablePort(),
    await freeStablePort(),
    await freeStablePort(),
  ];
  const specFile = join(dir, 'kafka.json');
  const logFile = join(dir, 'mokapi.log');
  writeFileSync(specFile, asyncApi(port, options));
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const out = openSync(logFile, 'a');
    child = spawn(
      mokapiBinary(),
      [
        '--providers-file-filename',
        specFile,
        '--api-port',
        String(apiPort),
        '--health-port',
        String(healthPort),
        '--mcp-server-enabled=false',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    const started = child;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (started.exitCode !== null) throw new Error(`mokapi exited early; see ${logFile}`);
      if ((await healthy(healthPort)) && (await canConnect(port))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`mokapi did not become ready in 20 s; see ${logFile}`);
  }

  async function kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  }

  await start();
  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    logFile,
    kill: () => kill('SIGKILL'),
    start,
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
