/**
 * The package's `createHttpTransport` (for pipelines of the caller's own) checks its config as
 * init()'s `transport` option is: a bad field fails at creation naming it, not at every send.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, SdkError } from '../../src/index.js';
import {
  receivedItems,
  startIngestReceiver,
  type IngestReceiver,
} from '../support/ingest-receiver.js';

let receiver: IngestReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function creationError(config: unknown): SdkError {
  try {
    createHttpTransport(config as Parameters<typeof createHttpTransport>[0]);
  } catch (error) {
    if (error instanceof SdkError) return error;
    throw error;
  }
  throw new Error(`createHttpTransport(${JSON.stringify(config)}) did not throw`);
}

describe('createHttpTransport config', () => {
  it.each([
    ['transport.url', { url: 'ftp://collector' }, 'ftp://collector'],
    ['transport.url', { url: 'http://host:99999' }, 'http://host:99999'],
    ['transport.timeoutMs', { url: 'http://127.0.0.1:1', timeoutMs: 0 }, 0],
    ['transport.gzipMinBytes', { url: 'http://127.0.0.1:1', gzipMinBytes: -1 }, -1],
    ['transport.gzipLevel', { url: 'http://127.0.0.1:1', gzipLevel: 10 }, 10],
  ])('refuses a bad %s, naming it and the value', (option, config, value) => {
    const error = creationError(config);
    expect(error.code).toBe('DW_SDK_INVALID_OPTION');
    expect(error.message).toContain(option);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('refuses an unknown field without repeating its value (it may be a secret)', () => {
    const error = creationError({ url: 'http://127.0.0.1:1', tokn: 'sekret' });
    expect(error.message).toContain('transport.tokn');
    expect(error.message).not.toContain('sekret');
  });

  it('never repeats the token it refuses', () => {
    const error = creationError({ url: 'http://127.0.0.1:1', token: 'sek\u0001ret' });
    expect(error.message).toContain('transport.token');
    expect(error.message).not.toContain('sek');
  });

  it('refuses a config that is not an object', () => {
    expect(creationError(null).message).toContain('invalid option transport: got null');
  });

  it('reads no environment: the URL given is the one used', async () => {
    receiver = await startIngestReceiver();
    process.env.DRIFTWATCH_COLLECTOR_URL = 'http://127.0.0.1:1';
    try {
      const transport = createHttpTransport({ url: receiver.url, timeoutMs: undefined });
      const result = await transport.send({
        resource: { 'service.name': 'checkout' },
        predictions: [],
        labels: [{ predictionId: 'p1', label: 1, timeUnixMs: 1 }],
        logs: [],
        spans: [],
        metrics: [],
      } as Parameters<typeof transport.send>[0]);
      expect(result.ok).toBe(true);
      expect(receivedItems(receiver, 'labels')).toEqual([
        expect.objectContaining({ predictionId: 'p1', label: 1 }),
      ]);
      await transport.shutdown(1000);
    } finally {
      delete process.env.DRIFTWATCH_COLLECTOR_URL;
    }
  });
});
