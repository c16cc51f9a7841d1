/**
 * Upper bounds of the bytes text takes in the wire JSON (UTF-8, escaped), for the queue and batch
 * byte estimates. They run per item on the host's request path: a string of printable ASCII, the
 * common case, costs one regex test; any other is bounded by a multiple of its length, found with
 * a few more tests, never with a walk of the string in JavaScript.
 */

/** Anything but printable ASCII other than `"` and `\`, which JSON writes as one byte each. */
const NOT_ONE_BYTE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/** Anything but ASCII that JSON writes in at most two bytes: printable, `\"`, `\\`, `\b\t\n\f\r`. */
// eslint-disable-next-line no-control-regex -- the control characters with a two-byte escape
const NOT_AT_MOST_TWO_BYTES = /[^\x08-\x0a\x0c\x0d\x20-\x7e]/;
/** What JSON writes as a six-byte `\uXXXX`: the other control characters and lone surrogates. */
const SIX_BYTE_ESCAPE =
  // eslint-disable-next-line no-control-regex -- control characters are what this finds
  /[\x00-\x07\x0b\x0e-\x1f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NON_ASCII = /[\u0080-\uffff]/;

/** At least the bytes of `text` inside a JSON string literal (its quotes not counted). */
export function jsonStringBytes(text: string): number {
  if (!NOT_ONE_BYTE.test(text)) return text.length;
  if (!NOT_AT_MOST_TWO_BYTES.test(text)) return text.length * 2;
  // Otherwise UTF-8 takes at most 3 bytes per UTF-16 unit (4 for a surrogate pair's two units).
  return SIX_BYTE_ESCAPE.test(text) ? text.length * 6 : text.length * 3;
}

/** The UTF-8 bytes of text that is JSON already (a log line): its escapes are in its length. */
export function jsonTextBytes(json: string): number {
  return NON_ASCII.test(json) ? Buffer.byteLength(json) : json.length;
}
