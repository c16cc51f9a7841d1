/**
 * pino.multistream as `logs.destination`: it routes each line by the level pino sets on it just
 * before the write (pino's metadata). The export tee passes that on, and the request completion
 * line, which the SDK otherwise writes itself, goes through pino so that it carries it too.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

function lineRecorder(): { stream: Writable; messages: string[] } {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line !== '') messages.push((JSON.parse(line) as { msg: string }).msg);
      }
      callback();
    },
  });
  return { stream, messages };
}

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown();
  monitor = undefined;
});

function completeRequest(started: Monitor): void {
  const handle = started.http.start({
    method: 'GET',
    path: '/orders',
    headers: {},
    requestId: undefined,
    scheme: 'http',
  });
  handle.end({ statusCode: 200, route: '/orders', error: undefined });
}

describe('pino.multistream as the log destination', () => {
  it.each([true, false])('routes every line by its level (log export %s)', async (exported) => {
    const infoAndUp = lineRecorder();
    const errorsOnly = lineRecorder();
    monitor = init(
      {
        serviceName: 'multistream',
        transport: { type: 'memory' },
        metrics: { enabled: false },
        logs: {
          export: exported,
          destination: pino.multistream([
            { level: 'info', stream: infoAndUp.stream },
            { level: 'error', stream: errorsOnly.stream },
          ]),
        },
        diagnostics: { destination: captureLogs().destination },
      },
      {},
    );
    completeRequest(monitor);
    monitor.logger.info('routine');
    monitor.logger.error('broken');
    completeRequest(monitor);
    await new Promise((resolve) => setImmediate(resolve));
    expect(infoAndUp.messages).toEqual([
      'request completed',
      'routine',
      'broken',
      'request completed',
    ]);
    expect(errorsOnly.messages).toEqual(['broken']);
  });
});
