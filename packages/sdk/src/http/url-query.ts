/**
 * A request's query string as the span's `url.query` (the HTTP conventions ask for it when a
 * query was received), with the values of secret parameters replaced by `REDACTED`, as the
 * conventions recommend: tokens and signatures travel in query strings (OAuth's `access_token`,
 * signed URLs' `Signature`, `X-Amz-Signature`, `sig`). A parameter is secret when its name,
 * decoded and lower-cased, holds one of the secret words, is one of the signed-URL names, or is
 * one of `logs.secretKeys`. The names stay, so the query's shape is kept.
 */
import { MAX_ATTRIBUTE_CHARS } from '../traces/request-span.js';

/** Words a secret parameter's name holds (`access_token`, `client_secret`, `api_key`). */
export const SECRET_QUERY_WORDS =
  /token|passw|secret|signature|credential|authorization|cookie|api[-_]?key|session|private/;
/** Names that are secret whole: signed URLs' (AWS, Azure, Google) and OAuth's code. */
export const SECRET_QUERY_NAMES: ReadonlySet<string> = new Set([
  'sig',
  'key',
  'code',
  'awsaccesskeyid',
  'x-goog-credential',
]);

export const REDACTED_VALUE = 'REDACTED';

/** Percent-decoding that never throws (a malformed escape is kept as it is). */
function decodedQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * Whether the parameter named `raw` (as written: percent-encoded, any case) holds a secret: by
 * these rules, or as one of `secretKeys` (lower-cased).
 */
export function isSecretQueryParameter(raw: string, secretKeys: ReadonlySet<string>): boolean {
  const name = decodedQueryName(raw).toLowerCase();
  return SECRET_QUERY_WORDS.test(name) || SECRET_QUERY_NAMES.has(name) || secretKeys.has(name);
}

/**
 * `query` (without its `?`) with secret parameters' values redacted, clipped to the attribute
 * limit. `secretKeys`: the configured `logs.secretKeys`, lower-cased.
 */
export function urlQueryAttribute(query: string, secretKeys: ReadonlySet<string>): string {
  const parts = query.split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    if (isSecretQueryParameter(part.slice(0, equals), secretKeys)) {
      parts[i] = `${part.slice(0, equals)}=${REDACTED_VALUE}`;
    }
  }
  const attribute = parts.join('&');
  return attribute.length > MAX_ATTRIBUTE_CHARS
    ? attribute.slice(0, MAX_ATTRIBUTE_CHARS)
    : attribute;
}
