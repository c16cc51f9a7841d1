/**
 * pino redact paths: the SDK's defaults, and the check that the configured ones compile (made
 * at start-up, where an error can name the option).
 */
import { pino } from 'pino';
import { invalidOption } from '../errors.js';
import { label, toList, type Source } from '../options-parse.js';
import { SECRET_HEADER_NAMES, SECRET_WORDS } from './secret-redaction.js';

/**
 * A key as code and clients spell it: `token`, `Token`, `TOKEN`, `Set-Cookie` (pino matches keys
 * exactly; Node lower-cases only incoming header names, not a config object's or an outgoing
 * request's).
 */
function spellings(key: string): string[] {
  const capitalised = key.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
  return [key, capitalised, key.toUpperCase()];
}

/** Keys that hold secrets, redacted at any of the first four levels of a logged object. */
const SECRET_KEYS = SECRET_WORDS.flatMap(spellings);
/**
 * Header names with a hyphen, in pino's path syntax (`headers.Authorization` is one of the keys
 * above, one level down).
 */
const SECRET_HEADERS = SECRET_HEADER_NAMES.flatMap(spellings).map((name) => `["${name}"]`);

/**
 * The default redaction written as pino paths: `config.db.password`, an HTTP client's
 * `err.config.headers.Authorization`, `res.headers["set-cookie"]`, each key in three spellings
 * at the first four levels. It is the default of `logs.redact` and what a list in code extends
 * (`[...DEFAULT_REDACT_PATHS, 'user.ssn']`). While all of them are configured, the logger does
 * not hand them to pino: it applies secret-redaction.ts to each line, which reaches these keys
 * in any letter case and at any depth, for far less.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = Object.freeze([
  ...['', '*.', '*.*.', '*.*.*.'].flatMap((level) => SECRET_KEYS.map((key) => level + key)),
  ...['', '*.', '*.*.'].flatMap((level) =>
    SECRET_HEADERS.map((header) => `${level}headers${header}`),
  ),
]);

/**
 * The redact paths, checked now: pino would only fail on them when the logger is built, with a
 * message that names neither the option nor the variable.
 */
export function checkedRedactPaths(
  fromCode: readonly string[],
  fromEnv: readonly string[],
): readonly string[] {
  const paths = [...fromCode, ...fromEnv];
  const sink = { write: () => undefined };
  const valid = (list: readonly string[]): boolean => {
    try {
      pino({ redact: [...list] }, sink);
      return true;
    } catch {
      return false;
    }
  };
  if (valid(paths)) return Object.freeze(paths);
  const bad = paths.find((path) => !valid([path])) ?? paths.join(',');
  throw invalidOption(
    label('logs.redact', fromCode.includes(bad) ? undefined : 'DRIFTWATCH_LOG_REDACT'),
    bad,
    'a pino redact path: keys joined by ".", "*" for any one key, ["…"] around keys with other characters',
  );
}

/** A secret key: how JSON writes it is how it is matched, so nothing JSON would escape. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const SECRET_KEY = /^[^"\\\u0000-\u001f\u007f]{1,128}$/;

/** `logs.secretKeys` from code or the environment, each key checked now. */
export function checkedSecretKeys(option: string, src: Source<readonly string[]>): string[] {
  const keys = toList(option, src) ?? [];
  const bad = keys.find((key) => !SECRET_KEY.test(key));
  if (bad !== undefined) {
    throw invalidOption(
      label(option, src.envName),
      bad,
      'keys of 1-128 characters without quotes, backslashes or control characters',
    );
  }
  return keys;
}
