/** Options resolve code > environment > file > default, checked; an empty variable is unset. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCollectorOptions } from '../src/options.js';

describe('collector option requestTimeoutMs', () => {
  it('defaults to 30 s and reads DRIFTWATCH_REQUEST_TIMEOUT_MS', () => {
    expect(resolveCollectorOptions({}, {}).requestTimeoutMs).toBe(30_000);
    expect(
      resolveCollectorOptions({}, { DRIFTWATCH_REQUEST_TIMEOUT_MS: '5000' }).requestTimeoutMs,
    ).toBe(5000);
    expect(
      resolveCollectorOptions({ requestTimeoutMs: 200 }, { DRIFTWATCH_REQUEST_TIMEOUT_MS: '5000' })
        .requestTimeoutMs,
    ).toBe(200);
  });

  it('refuses a value out of range, naming the option', () => {
    for (const value of ['0', '-1', 'soon', '3600001']) {
      expect(() =>
        resolveCollectorOptions({}, { DRIFTWATCH_REQUEST_TIMEOUT_MS: value }),
      ).toThrowError(/requestTimeoutMs/);
    }
  });
});

describe('empty environment variables and the ingest token', () => {
  it('an empty variable is unset: the config file token stands', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dw-options-')), 'collector.json');
    writeFileSync(file, JSON.stringify({ ingestToken: 'from-file', port: 7171 }));
    const options = resolveCollectorOptions(
      { configFile: file },
      { DRIFTWATCH_INGEST_TOKEN: '', DRIFTWATCH_PORT: '', DRIFTWATCH_REQUEST_TIMEOUT_MS: '' },
    );
    expect(options.ingestToken).toBe('from-file');
    expect(options.port).toBe(7171);
    expect(options.requestTimeoutMs).toBe(30_000);
  });

  it('an empty token in code or file is refused, without echoing a token', () => {
    expect(() => resolveCollectorOptions({ ingestToken: '' }, {})).toThrowError(
      /invalid collector option ingestToken="string": expected a non-empty string/,
    );
  });

  it('a token read from a secret file (a trailing newline) is trimmed as the header is', () => {
    expect(
      resolveCollectorOptions({}, { DRIFTWATCH_INGEST_TOKEN: 's3cret-token\n' }).ingestToken,
    ).toBe('s3cret-token');
    expect(() => resolveCollectorOptions({ ingestToken: ' \n' }, {})).toThrowError(/ingestToken/);
  });

  it('a port given as text is checked as the environment value is', () => {
    expect(resolveCollectorOptions({ port: '8080' }, {}).port).toBe(8080);
    expect(() => resolveCollectorOptions({ port: 'abc' }, {})).toThrowError(/port="abc"/);
    expect(() => resolveCollectorOptions({ port: '' }, {})).toThrowError(/port=""/);
  });
});

describe('storage.url in messages', () => {
  it('an invalid server URL is named without its password', () => {
    for (const url of ['ftp://reader:s3cret@ch:8123', 'http//reader:s3cret@ch:8123']) {
      let message = '';
      try {
        resolveCollectorOptions({ storage: { url } }, {});
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/invalid collector option storage\.url=.*reader:\*\*\*@ch:8123/);
      expect(message).not.toContain('s3cret');
    }
  });
});
