/**
 * Log lines of one event-loop turn leave in one write to a byte-stream destination (a Node
 * writable, pino.destination), errors at once, everything on flush, shutdown and process exit;
 * custom `{ write(line) }` destinations and pino.multistream still get one line per call.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type InitOptions, type Monitor } from '../../src/index.js';
import { MAX_PENDING_CHARS } from '../../src/logs/turn-batched-writes.js';
import { captureLogs } from '../support/log-capture.js';

/** A real Writable that keeps each chunk it is given. */
function chunkRecorder(): { stream: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, chunks };
}

const linesOf = (chunks: readonly string[]): Array<Record<string, unknown>> =>
  chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown();
  monitor = undefined;
});

function start(logs: NonNullable<InitOptions['logs']>, diagnostics = captureLogs()): Monitor {
  monitor = init(
    {
      serviceName: 'batched-logs',
      transport: { type: 'memory' },
      metrics: { enabled: false },
      logs,
      diagnostics: { destination: diagnostics.destination },
    },
    {},
  );
  return monitor;
}

describe('batched log writes', () => {
  it('writes the lines of one turn in one write, at the end of the turn, in order', async () => {
    const { stream, chunks } = chunkRecorder();
    const { logger } = start({ destination: stream });
    for (let index = 0; index < 3; index += 1) logger.info({ index }, 'one turn');
    expect(chunks).toEqual([]);
    await nextTurn();
    expect(chunks).toHaveLength(1);
    expect(linesOf(chunks).map((line) => line.index)).toEqual([0, 1, 2]);
    logger.warn('next turn');
    await nextTurn();
    expect(chunks).toHaveLength(2);
    expect(linesOf(chunks.slice(1))).toMatchObject([{ level: 40, msg: 'next turn' }]);
  });

  it.each([true, false])(
    'writes a line at level error or above at once, with the lines held before it (export %s)',
    (exported) => {
      const { stream, chunks } = chunkRecorder();
      const { logger } = start({ destination: stream, export: exported });
      logger.info('before');
      logger.error('failed');
      expect(chunks).toHaveLength(1);
      expect(linesOf(chunks).map((line) => line.msg)).toEqual(['before', 'failed']);
      logger.fatal('fatal too');
      expect(chunks).toHaveLength(2);
      logger.info('after the error: held again');
      expect(chunks).toHaveLength(2);
    },
  );

  it('never holds more than MAX_PENDING_CHARS: a burst is written in bounded chunks', async () => {
    const { stream, chunks } = chunkRecorder();
    const { logger } = start({ destination: stream });
    const filler = 'x'.repeat(1000);
    const count = Math.ceil((3 * MAX_PENDING_CHARS) / 1000);
    for (let index = 0; index < count; index += 1) logger.info({ index, filler }, 'burst');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(MAX_PENDING_CHARS + 1200);
    await nextTurn();
    expect(linesOf(chunks).map((line) => line.index)).toEqual([...Array(count).keys()]);
  });

  it('monitor.flush() and shutdown() write what is held without waiting for the turn', async () => {
    const { stream, chunks } = chunkRecorder();
    const started = start({ destination: stream });
    started.logger.info('held');
    const flushed = started.flush();
    expect(linesOf(chunks).map((line) => line.msg)).toEqual(['held']);
    await flushed;
    started.logger.info('at shutdown');
    const stopped = started.shutdown();
    expect(linesOf(chunks).map((line) => line.msg)).toEqual(['held', 'at shutdown']);
    await stopped;
  });

  it('writes each line at once with batchWrites: false', () => {
    const { stream, chunks } = chunkRecorder();
    const { logger } = start({ destination: stream, batchWrites: false });
    logger.info('first');
    logger.info('second');
    expect(chunks).toHaveLength(2);
  });

  it('gives a custom { write(line) } destination one line per call, at once', () => {
    const logs = captureLogs();
    const { logger } = start({ destination: logs.destination });
    logger.info('first');
    logger.info('second');
    expect(logs.raw).toHaveLength(2);
    expect(logs.lines.map((line) => line.msg)).toEqual(['first', 'second']);
  });

  it('leaves pino.multistream its per-line level routing', () => {
    const infoAndUp = chunkRecorder();
    const errorsOnly = chunkRecorder();
    const { logger } = start({
      destination: pino.multistream([
        { level: 'info', stream: infoAndUp.stream },
        { level: 'error', stream: errorsOnly.stream },
      ]),
    });
    logger.info('routine');
    logger.error('broken');
    expect(linesOf(infoAndUp.chunks).map((line) => line.msg)).toEqual(['routine', 'broken']);
    expect(linesOf(errorsOnly.chunks).map((line) => line.msg)).toEqual(['broken']);
  });

  it('reports a destination that throws on a joined write, and keeps the host running', async () => {
    const diagnostics = captureLogs();
    let throwing = true;
    const kept: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        kept.push(String(chunk));
        callback();
      },
    });
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string) => {
      if (throwing) throw new Error('disk gone');
      return write(chunk);
    }) as typeof stream.write;
    const { logger } = start({ destination: stream }, diagnostics);
    logger.info('lost');
    await nextTurn();
    expect(diagnostics.lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        lostWrites: 1,
        msg: expect.stringContaining('disk gone') as unknown,
      }),
    );
    throwing = false;
    logger.info('kept');
    await nextTurn();
    expect(linesOf(kept).map((line) => line.msg)).toEqual(['kept']);
  });
});

describe('batched log writes at process exit', () => {
  const child = fileURLToPath(new URL('../support/log-exit-child.ts', import.meta.url));

  it.each([
    ['exit', 0],
    ['throw', 1],
    ['async', 0],
  ])('lines held when the process ends (%s) are in the file', async (how, expectedCode) => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-log-exit-'));
    try {
      const file = join(dir, 'out.log');
      const spawned = spawn(process.execPath, ['--import', 'tsx', child, file, how], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const [code] = (await once(spawned, 'exit')) as [number | null];
      expect(code).toBe(expectedCode);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { line: number }).line)).toEqual([
        0, 1, 2, 3, 4,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
