/**
 * The bytes text takes in the wire JSON (UTF-8, escaped), for the queue and batch byte
 * estimates. They run per item on the host's request path: a string of printable ASCII, the
 * common case, costs one regex test; any other is measured by V8's own JSON escaping and UTF-8
 * count, never by a walk of the string in JavaScript.
 */

/** Anything but printable ASCII other than `"` and `\`, which JSON writes as one byte each. */
const NOT_ONE_BYTE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The bytes of `text` inside a JSON string literal (its quotes not counted), as the wire JSON
 * writes it (byte for byte `JSON.stringify`'s). Exact, not a multiple of the length: a bound of
 * 6 bytes per character for a string holding one control character would make a queue of
 * accented text refuse most of what fits in queue.maxBytes.
 */
export function jsonStringBytes(text: string): number {
  if (!NOT_ONE_BYTE.test(text)) return text.length;
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** `jsonStringBytes` of a value that is a string, 0 for any other (an unchecked field). */
export function stringJsonBytes(value: unknown): number {
  return typeof value === 'string' ? jsonStringBytes(value) : 0;
}

/** The UTF-8 bytes of text that is JSON already (a log line): its escapes are in its length. */
export function jsonTextBytes(json: string): number {
  return NON_ASCII.test(json) ? Buffer.byteLength(json) : json.length;
}
