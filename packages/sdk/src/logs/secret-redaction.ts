/**
 * The default redaction, applied to each serialized line instead of through pino's `redact`.
 * pino's redactor runs every path on every line: with the default wildcard paths (secret keys at
 * four levels, in three spellings) a line with a small object cost 90–200 µs, against 3 µs
 * without, and a line with a message alone 14–35 µs. Here a line whose text holds no secret key
 * costs one regex test; in a line that does, the values of secret keys are replaced at any
 * depth, in the text itself (the rest of the line stays as pino wrote it). It runs after pino's
 * serializers and on child bindings, so it also reaches what a serializer or `logger.child()`
 * put in the line.
 */

/** Keys whose values are secrets, as one-word keys and as hyphenated header names. */
export const SECRET_WORDS = ['authorization', 'cookie', 'password', 'token'] as const;
export const SECRET_HEADER_NAMES = ['set-cookie', 'proxy-authorization'] as const;

/** The default secret keys: redacted while the default redaction is on. */
export const DEFAULT_SECRET_KEYS: readonly string[] = Object.freeze([
  ...SECRET_WORDS,
  ...SECRET_HEADER_NAMES,
]);

export const REDACTED = '[Redacted]';

/** Redacts the secrets of one serialized line (one JSON object and its newline). */
export type SecretRedactor = (line: string) => string;

/** Characters a regular expression reads as syntax, escaped to match a key literally. */
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The index after the string literal opening at `start`, or -1 when it does not close. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 1;
    else if (code === QUOTE) return i + 1;
  }
  return -1;
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i += 1;
  return i;
}

/** The index after the JSON value at `start` (nested ones included), or -1 when it does not end. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let i = start; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) {
        i = stringEnd(text, i) - 1;
        if (i < 0) return -1;
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth += 1;
      else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let i = start;
  for (; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || code <= 0x20) break;
  }
  return i === start ? -1 : i;
}

/**
 * `line` with the value of each member whose key is secret replaced by `"[Redacted]"`, read
 * from the text itself: parsing and writing the line again would change more than the secrets
 * (pino writes a caller's `level` or `time` after its own, and JSON.parse keeps the caller's;
 * a BigInt's digits beyond double precision would be lost). Undefined when no value was
 * replaced or the line cannot be read to the end of a secret value.
 */
function redactText(line: string, isSecret: (key: string) => boolean): string | undefined {
  /** Per open container: is it an object (its next string at `expectKey` is a key)? */
  const objects: boolean[] = [];
  let expectKey = false;
  let out = '';
  let copiedTo = 0;
  for (let i = 0; i < line.length;) {
    const code = line.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(line, i);
      if (end < 0) return undefined;
      if (!expectKey) {
        i = end;
        continue;
      }
      expectKey = false;
      // Secret keys hold no quote, backslash or control character: JSON writes them as they are.
      const secret = isSecret(line.slice(i + 1, end - 1));
      const colon = skipWhitespace(line, end);
      if (line.charCodeAt(colon) !== COLON) return undefined;
      i = skipWhitespace(line, colon + 1);
      if (!secret) continue;
      const valueStop = valueEnd(line, i);
      if (valueStop < 0) return undefined;
      out += `${line.slice(copiedTo, i)}"${REDACTED}"`;
      copiedTo = valueStop;
      i = valueStop;
    } else {
      // Whitespace and the characters of numbers and literals change nothing here.
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        objects.push(code === OPEN_OBJECT);
        expectKey = code === OPEN_OBJECT;
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        objects.pop();
        expectKey = false;
      } else if (code === COMMA) expectKey = objects[objects.length - 1] === true;
      i += 1;
    }
  }
  return copiedTo === 0 ? undefined : out + line.slice(copiedTo);
}

/**
 * The redactor for `keys`, matched in any spelling (`Authorization`, `TOKEN`). Keys hold no `"`,
 * backslash or control character (checked with the options), so a key appears in the line as written.
 */
export function secretRedactor(keys: readonly string[]): SecretRedactor {
  const lowerCase = new Set(keys.map((key) => key.toLowerCase()));
  // A secret key as JSON writes it in a line. A match inside a string value is harmless: the
  // line is read and only real keys are redacted.
  const keyInLine = new RegExp(
    `"(?:${[...lowerCase].map((key) => key.replace(REGEX_SYNTAX, '\\$&')).join('|')})":`,
    'i',
  );
  const isSecret = (key: string): boolean => lowerCase.has(key.toLowerCase());
  return (line) => {
    if (!keyInLine.test(line)) return line;
    // Not JSON (a destination handed text of its own), or only a mention: left as written.
    return redactText(line, isSecret) ?? line;
  };
}
