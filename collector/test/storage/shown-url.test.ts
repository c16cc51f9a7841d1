/** shownUrl: a ClickHouse URL's password never reaches a message, parseable or not. */
import { describe, expect, it } from 'vitest';
import { shownUrl } from '../../src/storage/shown-url.js';

describe('shownUrl', () => {
  it('masks the password of a URL and keeps the rest', () => {
    expect(shownUrl('http://driftwatch:s3cret@127.0.0.1:8123/db')).toBe(
      'http://driftwatch:***@127.0.0.1:8123/db',
    );
    expect(shownUrl('http://127.0.0.1:8123')).toBe('http://127.0.0.1:8123/');
  });

  it.each([
    ['a password with a slash', 'http://dw:pa/ss@host:port', 'http://dw:***@host:port'],
    ['a password with an at sign', 'http://dw:p@ss@host:99999', 'http://dw:***@host:99999'],
    ['a plain password', 'http://dw:secret@host:99999', 'http://dw:***@host:99999'],
  ])('masks %s in text that is not a URL', (_case, text, shown) => {
    expect(() => new URL(text)).toThrow();
    expect(shownUrl(text)).toBe(shown);
    expect(shownUrl(text)).not.toMatch(/pa\/ss|p@ss|secret/);
  });

  it('leaves text without credentials as it is', () => {
    expect(shownUrl('not a url at all')).toBe('not a url at all');
  });
});
