import { describe, expect, it } from 'vitest';
import { urlQueryAttribute } from '../../src/http/url-query.js';

const none = new Set<string>();

describe('urlQueryAttribute', () => {
  it('keeps a query without secrets as it is', () => {
    expect(urlQueryAttribute('q=1&page=2&flag', none)).toBe('q=1&page=2&flag');
  });

  it.each([
    ['access_token=a', 'access_token=REDACTED'],
    ['client_secret=b&x=1', 'client_secret=REDACTED&x=1'],
    ['X-Amz-Signature=c&X-Amz-Credential=d', 'X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED'],
    ['sig=e&se=2026', 'sig=REDACTED&se=2026'],
    ['AWSAccessKeyId=f', 'AWSAccessKeyId=REDACTED'],
    ['api-key=g&apiKey=h', 'api-key=REDACTED&apiKey=REDACTED'],
    ['pass%77ord=i', 'pass%77ord=REDACTED'],
    ['code=j&state=k', 'code=REDACTED&state=k'],
  ])('redacts the value of a secret parameter: %s', (query, expected) => {
    expect(urlQueryAttribute(query, none)).toBe(expected);
  });

  it("redacts the host's own secret keys, in any letter case, and survives bad escapes", () => {
    expect(urlQueryAttribute('TENANT=acme&ssn=1&bad=%E0%A4%A', new Set(['tenant']))).toBe(
      'TENANT=REDACTED&ssn=1&bad=%E0%A4%A',
    );
  });

  it('clips a query longer than an attribute may be', () => {
    expect(urlQueryAttribute(`q=${'x'.repeat(9000)}`, none)).toHaveLength(8192);
  });
});
