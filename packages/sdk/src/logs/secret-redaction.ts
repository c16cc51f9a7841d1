/**
 * The default redaction, applied to each serialized line instead of through pino's `redact`.
 * pino's redactor runs every path on every line: with the default wildcard paths (secret keys at
 * four levels, in three spellings) a line with a small object cost 90–200 µs, against 3 µs
 * without, and a line with a message alone 14–35 µs. Here a line whose text holds no secret key
 * costs one regex test; in a line that does, the values of secret keys are replaced at any
 * depth, in the text itself (the rest of the line stays as pino wrote it). It runs after pino's
 * serializers and on child bindings, so it also reaches what a serializer or `logger.child()`
 * put in the line; and inside string values, the secret keys' query parameters and raw header
 * lines.
 */

import {
  isSecretQueryParameter,
  SECRET_QUERY_NAMES,
  SECRET_QUERY_WORDS,
} from '../http/url-query.js';

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

/** Node's flat name/value arrays of a message's headers, as an IncomingMessage holds them. */
const RAW_HEADER_KEYS = new Set(['rawHeaders', 'rawTrailers']);

/** One open object or array of the line being read. */
interface Container {
  readonly object: boolean;
  /** An array under `rawHeaders`: even items are header names, odd ones their values. */
  readonly rawHeaders: boolean;
  /** The array item's index (counted for raw header arrays only). */
  index: number;
  /** The next item is the value of a secret header (`["Set-Cookie","sid=…"]`). */
  secretNext: boolean;
}

/**
 * `line` with the value of each member whose key is secret replaced by `"[Redacted]"`, and in
 * Node's raw header arrays (a response on an HTTP client's error) the value after a secret
 * header's name, read from the text itself: parsing and writing the line again would change
 * more than the secrets (pino writes a caller's `level` or `time` after its own, and JSON.parse
 * keeps the caller's; a BigInt's digits beyond double precision would be lost). Undefined when
 * no value was replaced or the line cannot be read to the end of a secret value.
 */
function redactText(line: string, isSecret: (key: string) => boolean): string | undefined {
  const containers: Container[] = [];
  let expectKey = false;
  /** The key whose value is read next (a raw header array is known by it). */
  let lastKey = '';
  let out = '';
  let copiedTo = 0;
  /** Replaces the value at `start`; the index after it, or -1 when it does not end. */
  const replace = (start: number): number => {
    const valueStop = valueEnd(line, start);
    if (valueStop < 0) return -1;
    out += `${line.slice(copiedTo, start)}"${REDACTED}"`;
    copiedTo = valueStop;
    return valueStop;
  };
  for (let i = 0; i < line.length;) {
    const code = line.charCodeAt(i);
    const top = containers[containers.length - 1];
    if (code === QUOTE) {
      const end = stringEnd(line, i);
      if (end < 0) return undefined;
      if (!expectKey) {
        if (top?.rawHeaders === true && top.index % 2 === 0)
          top.secretNext = isSecret(line.slice(i + 1, end - 1));
        i = end;
        continue;
      }
      expectKey = false;
      // Secret keys hold no quote, backslash or control character: JSON writes them as they are.
      const key = line.slice(i + 1, end - 1);
      const colon = skipWhitespace(line, end);
      if (line.charCodeAt(colon) !== COLON) return undefined;
      i = skipWhitespace(line, colon + 1);
      if (!isSecret(key)) {
        lastKey = key;
        continue;
      }
      i = replace(i);
      if (i < 0) return undefined;
    } else {
      // Whitespace and the characters of numbers and literals change nothing here.
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        containers.push({
          object: code === OPEN_OBJECT,
          rawHeaders: code === OPEN_ARRAY && RAW_HEADER_KEYS.has(lastKey),
          index: 0,
          secretNext: false,
        });
        lastKey = '';
        expectKey = code === OPEN_OBJECT;
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        containers.pop();
        expectKey = false;
      } else if (code === COMMA) {
        expectKey = top?.object === true;
        if (top?.rawHeaders === true) {
          top.index += 1;
          if (top.secretNext) {
            top.secretNext = false;
            i = replace(skipWhitespace(line, i + 1));
            if (i < 0) return undefined;
            continue;
          }
        }
      }
      i += 1;
    }
  }
  return copiedTo === 0 ? undefined : out + line.slice(copiedTo);
}

/**
 * The redactor for `keys`, matched in any letter case (`Authorization`, `TOKEN`). Keys hold no `"`,
 * backslash or control character (checked with the options), so a key appears in the line as written.
 * Besides members, it reaches secrets inside string values: a URL's query parameter
 * (`/predict?token=…`, as Fastify's error lines and HTTP clients' errors write the URL) and a raw
 * HTTP header line (`\r\nAuthorization: Bearer …`, the request text a ClientRequest on an error
 * holds).
 */
export function secretRedactor(
  keys: readonly string[],
  { queryNameRules = false }: { queryNameRules?: boolean } = {},
): SecretRedactor {
  const lowerCase = new Set(keys.map((key) => key.toLowerCase()));
  const alternatives = [...lowerCase].map((key) => key.replace(REGEX_SYNTAX, '\\$&')).join('|');
  // With queryNameRules, a query parameter is also secret by the span's `url.query` rules
  // (`access_token`, `client_secret`, `sig`, a percent-encoded name), so a request's log lines
  // hide what its span hides.
  const ruleNames = queryNameRules
    ? String.raw`|[?&][^=&#"\\\s]*(?:${SECRET_QUERY_WORDS.source}|%[0-9a-f]{2})[^=&#"\\\s]*=|[?&](?:${[...SECRET_QUERY_NAMES].map((name) => name.replace(REGEX_SYNTAX, '\\$&')).join('|')})=`
    : '';
  // A secret key as JSON writes it in a line, in a query string or a header line, or a raw header
  // array. A match inside a string value is harmless: the line is read and only real keys are
  // redacted.
  const mayHoldSecret = new RegExp(
    String.raw`"(?:${alternatives})":|(?:[?&]|\\n)(?:${alternatives})[=:]|"raw(?:Headers|Trailers)":\[${ruleNames}`,
    'i',
  );
  // A query parameter's name (no `?`: in `?x?token=`, `token` is the name), then, for a secret
  // one, its value up to the next parameter, the fragment, a space or the string's end; JSON
  // escapes inside it (`\u0001`, `\\`, `\/`) are part of it. An escaped quote is not: a URL has
  // its quotes percent-encoded, and in JSON written into a message (`%j`) it closes the string
  // that holds the URL. A value that is not secret is read on, for a URL nested in it
  // (`?next=/account?token=…`).
  const queryName = /[?&]([^=&#?"\\\s]+)=/g;
  const queryValue = /(?:[^&#"\\\s]|\\u[0-9a-fA-F]{4}|\\[\\/])+/y;
  const secretParameter = (name: string): boolean =>
    queryNameRules ? isSecretQueryParameter(name, lowerCase) : lowerCase.has(name.toLowerCase());
  const redactQueries = (text: string): string => {
    let out = '';
    let copied = 0;
    queryName.lastIndex = 0;
    for (let match = queryName.exec(text); match !== null; match = queryName.exec(text)) {
      if (!secretParameter(match[1]!)) continue;
      const valueStart = match.index + match[0].length;
      queryValue.lastIndex = valueStart;
      if (!queryValue.test(text)) continue;
      out += text.slice(copied, valueStart) + REDACTED;
      copied = queryValue.lastIndex;
      queryName.lastIndex = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
  // A header line's value ends at its `\r\n` (escaped in the line) or the string's end; its
  // quotes (a Digest `Authorization`, a quoted cookie) are escaped in the line and part of it.
  const headerValue = new RegExp(
    String.raw`(\\n(?:${alternatives}):)(?:[^"\\]|\\u[0-9a-fA-F]{4}|\\[\\/t"])+`,
    'gi',
  );
  const isSecret = (key: string): boolean => lowerCase.has(key.toLowerCase());
  return (line) => {
    if (!mayHoldSecret.test(line)) return line;
    // Not JSON (a destination handed text of its own), or only a mention: left as written.
    const members = redactText(line, isSecret) ?? line;
    return redactQueries(members).replace(headerValue, `$1 ${REDACTED}`);
  };
}
