/**
 * Objects that look like records to `typeof` but whose data are not their own enumerable
 * properties: a spread or `Object.entries` of one copies nothing (a Map, a promise, an Error) or
 * splits it by index (a typed array, a boxed string). Features and option records given as one
 * are refused, naming what was given, instead of being taken as empty or garbled.
 */

/**
 * Why `value` is not a record of its own properties, or undefined when it is: a plain object, or
 * an instance of the host's own class.
 */
export function whyNotARecord(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return undefined;
  if (
    value instanceof Map ||
    value instanceof Set ||
    value instanceof WeakMap ||
    value instanceof WeakSet
  ) {
    return 'its entries are not its properties; Object.fromEntries(map) makes one';
  }
  // Copied by index: named "0", "1", … (while an array is refused).
  if (ArrayBuffer.isView(value)) return 'values without names';
  if (typeof (value as { then?: unknown }).then === 'function') return 'a promise: await it first';
  // A built-in's tag (`[object RegExp]`); a class of the host's own has `Object` (or its own tag).
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return BUILT_IN_TAGS.has(tag) ? 'its values are not its own properties' : undefined;
}

/** `Object.prototype.toString` tags of built-ins whose data a spread loses or splits. */
const BUILT_IN_TAGS = new Set([
  'Arguments',
  'ArrayBuffer',
  'BigInt',
  'Blob',
  'Boolean',
  'DataView',
  'Date',
  'Error',
  'FinalizationRegistry',
  'FormData',
  'Headers',
  'Number',
  'Promise',
  'RegExp',
  'SharedArrayBuffer',
  'String',
  'Symbol',
  'URL',
  'URLSearchParams',
  'WeakRef',
]);

/** "a Promise", "a RegExp": the kind of a refused object, for its report. */
export function objectKind(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== ''
    ? `a ${name}`
    : `an object (${Object.prototype.toString.call(value)})`;
}
