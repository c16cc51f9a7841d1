/**
 * Retry-After as RFC 9110 defines it: delay-seconds, or an HTTP-date in one of its three forms,
 * all GMT whatever the host's time zone. Other text is no answer (the pipeline's own backoff
 * applies): `Date.parse` alone reads "x 2030" as a date in 2030, a five-minute pause.
 */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/transport/http-answers.js';

// A zone off GMT, so that a date read as local time shows (Node rereads TZ when it is set).
process.env.TZ = 'America/New_York';
const now = Date.UTC(1994, 10, 6, 8, 49, 0);

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
  ])('reads an %s date as GMT', (_, text) => {
    expect(parseRetryAfter(text, now)).toBe(37_000);
  });

  it('reads a date already past as no wait', () => {
    expect(parseRetryAfter('Sat, 05 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it.each(['x 2030', 'soon', '-1', '1.5', 'Sun, 06 Nov 1994 08:49:37 PST', 'Nov 6 2030', ''])(
    'takes %j for no answer',
    (text) => {
      expect(parseRetryAfter(text, now)).toBeUndefined();
    },
  );
});
