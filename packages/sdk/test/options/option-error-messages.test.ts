/**
 * What an invalid option's error says: the limit it checks, a value as it is (a BigInt as one),
 * never a secret, and why a misplaced key is misplaced; and valid values that must pass.
 */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/index.js';
import { failure } from '../support/sdk-error.js';

describe('what an invalid option says', () => {
  it("serviceVersion's limit is the one it checks", () => {
    const error = failure(() => resolveOptions({ serviceVersion: 'v'.repeat(65) }, {}));
    expect(error.message).toContain('expected 1-64 printable characters, not all blank');
  });

  it('counts UTF-16 units, as the wire schema does: 64 emoji are a valid name, 65 are not', () => {
    expect(resolveOptions({ serviceName: '📈'.repeat(64) }, {}).serviceName).toBe('📈'.repeat(64));
    const error = failure(() => resolveOptions({ serviceName: '📈'.repeat(65) }, {}));
    expect(error.details.option).toBe('serviceName');
  });

  it('a BigInt is shown as one, not as a number that looks in range', () => {
    const error = failure(() => resolveOptions({ queue: { maxItems: 1n as never } }, {}));
    expect(error.message).toContain('got 1n (a BigInt)');
    const kafka = failure(() =>
      resolveOptions({ transport: { type: 'kafka', brokers: ['k:9092'], acks: 1n as never } }, {}),
    );
    expect(kafka.details.option).toBe('transport.acks');
    expect(kafka.message).toContain('got 1n');
  });

  it('a collector URL given as the transport itself: no password shown, and where it goes', () => {
    const error = failure(() =>
      resolveOptions({ transport: 'https://alice:S3CRET@collector:7070' as never }, {}),
    );
    expect(error.details.option).toBe('transport');
    expect(error.message).not.toContain('S3CRET');
    expect(error.message).toContain('transport.url');
    const sasl = failure(() =>
      resolveOptions(
        { transport: { type: 'kafka', brokers: ['k:9092'], sasl: 'plain:alice:S3CRET' as never } },
        {},
      ),
    );
    expect(sasl.details.option).toBe('transport.sasl');
    expect(JSON.stringify(sasl.details) + sasl.message).not.toContain('S3CRET');
  });

  it('an http option where DRIFTWATCH_TRANSPORT made the transport kafka says so', () => {
    const error = failure(() =>
      resolveOptions(
        { transport: { url: 'http://collector:7070' } as never },
        { DRIFTWATCH_TRANSPORT: 'kafka', DRIFTWATCH_KAFKA_BROKERS: 'k:9092' },
      ),
    );
    expect(error.details.option).toBe('transport.url');
    expect(error.message).toContain(
      'no such option for the kafka transport (transport.type from DRIFTWATCH_TRANSPORT)',
    );
  });

  it('a collector URL scheme in any letter case is a URL', () => {
    const options = resolveOptions({ transport: { type: 'http', url: 'HTTPS://collector' } }, {});
    expect(options.transport).toMatchObject({ type: 'http' });
  });

  it('Kafka tls.ca from code must be PEM, as the CA file must', () => {
    const error = failure(() =>
      resolveOptions(
        { transport: { type: 'kafka', brokers: ['k:9092'], tls: { ca: 'hello' } } },
        {},
      ),
    );
    expect(error.details.option).toBe('transport.tls.ca');
    expect(error.message).toContain('-----BEGIN CERTIFICATE-----');
  });
});
