/**
 * The `transport` option of `init()`: its typed input (http, kafka, memory, or a Transport
 * object) and its resolution, code > `DRIFTWATCH_*` environment > defaults.
 */
import { invalidOption } from '../errors.js';
import { rejectUnknownKeys } from '../option-keys.js';
import { label, MS, pick, toChoice, toNumber, toText, type Env } from '../options-parse.js';
import { defaultGzipLevel } from './http-transport.js';
import type { Transport } from './transport.js';
import { resolveKafkaOptions, type KafkaTransportOptions } from './kafka-options.js';

/** Send batches to the collector's `POST {url}/v1/ingest`. */
export interface HttpTransportOptions {
  type: 'http';
  /** Collector base URL. Env `DRIFTWATCH_COLLECTOR_URL`. @default 'http://127.0.0.1:7070' */
  url?: string | undefined;
  /** Bearer token. Env `DRIFTWATCH_COLLECTOR_TOKEN`. @default none */
  token?: string | undefined;
  /** Timeout of one HTTP request. Env `DRIFTWATCH_COLLECTOR_TIMEOUT_MS`. @default 10000 */
  timeoutMs?: number | undefined;
  /** Bodies at least this large are gzip-encoded. @default 1024 */
  gzipMinBytes?: number | undefined;
  /**
   * zlib level (1 fastest … 9 smallest; 0 sends bodies uncompressed). Compression runs on the
   * host's CPU (level 1: about 10 µs per request's worth of telemetry, half of zlib's default 6)
   * and only pays where bytes cross a network, so the default is 0 for a loopback collector URL
   * (`localhost`, `127.0.0.0/8`, `::1`) and 1 otherwise.
   * @default 1 (0 for a loopback URL)
   */
  gzipLevel?: number | undefined;
}
/** Keep batches in memory (tests). */
export interface MemoryTransportOptions {
  type: 'memory';
}
/** Kafka: the Kafka transport's options (also `DRIFTWATCH_KAFKA_*`), type-checked. */
export interface KafkaTransportInput extends KafkaTransportOptions {
  type: 'kafka';
}
/**
 * A bearer token: what Node accepts in a header value without throwing on every request (visible
 * ASCII, space and tab: a token with "€" would pass a printable-text check and fail each send),
 * not starting or ending with a blank (the receiver trims them: it could never match).
 */
const TOKEN_SAFE = /^[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?$/;

/** http, kafka or memory options, or your own `Transport` (send, isReady and shutdown). */
export type TransportOption =
  HttpTransportOptions | MemoryTransportOptions | KafkaTransportInput | Transport;

export type ResolvedTransport =
  | {
      readonly type: 'http';
      readonly url: string;
      readonly token: string | undefined;
      readonly timeoutMs: number;
      readonly gzipMinBytes: number;
      readonly gzipLevel: number;
    }
  | { readonly type: 'memory' }
  // The ResolvedKafkaOptions, already resolved (validated, defaults and env applied, frozen):
  // resolving them again with the same env, as createTransport does, gives the same options.
  | { readonly type: 'kafka'; readonly input: Readonly<Record<string, unknown>> }
  | { readonly type: 'custom'; readonly transport: Transport };

/**
 * A URL as a message may show it: a password in it (`https://user:secret@host`) is not
 * repeated. Everything before the last `@` ahead of the query or fragment is hidden, the scheme
 * kept: a URL that failed to parse may lack its `//` or hold a `/` or a line break in its
 * password, and a query's own `@` (`?email=a@b`) must leave the host in view.
 */
function withoutUserinfo(url: string): string {
  const end = url.search(/[?#]/);
  const head = end < 0 ? url : url.slice(0, end);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(head)?.[0] ?? '';
  let at = head.lastIndexOf('@');
  // A password holding `?` or `#` (`http://u:s3cr#t@host`) ends `head` inside it: with no path
  // begun before that, the authority is still open and the userinfo runs to the next `@`.
  if (at < 0 && end >= 0 && !head.slice(scheme.length).includes('/')) at = url.indexOf('@', end);
  if (at < 0) return url;
  return `${scheme}***${url.slice(at)}`;
}

/** Trailing slashes off the path only: a query (`?next=/`) or fragment is kept as written. */
function withoutTrailingSlash(url: string): string {
  const end = url.search(/[?#]/);
  const path = end < 0 ? url : url.slice(0, end);
  return path.replace(/\/+$/, '') + (end < 0 ? '' : url.slice(end));
}

function isTransport(value: unknown): value is Transport {
  return (
    typeof value === 'object' && value !== null && typeof (value as Transport).send === 'function'
  );
}

export function resolveTransport(input: TransportOption | undefined, env: Env): ResolvedTransport {
  // An object of the host's own with a `send` that is no function: a Transport gone wrong, not
  // options with a misspelt key.
  if (
    typeof input === 'object' &&
    input !== null &&
    'send' in input &&
    !('type' in input) &&
    !isTransport(input)
  ) {
    throw invalidOption(
      'transport.send',
      (input as { send?: unknown }).send,
      'a function (a Transport has send, isReady and shutdown)',
    );
  }
  if (isTransport(input)) {
    // A JavaScript caller's object without these fails at every readiness probe (never ready,
    // without a word) or at shutdown: say so now.
    for (const method of ['isReady', 'shutdown'] as const) {
      if (typeof input[method] !== 'function')
        throw invalidOption(
          `transport.${method}`,
          input[method],
          'a function (a Transport has send, isReady and shutdown)',
        );
    }
    return Object.freeze({ type: 'custom', transport: input });
  }
  if (input !== undefined && (typeof input !== 'object' || input === null)) {
    throw invalidOption(
      'transport',
      // A collector URL given as the option itself: its password is not shown.
      typeof input === 'string' ? withoutUserinfo(input) : input,
      'an object with type http, kafka or memory, or a Transport (a collector URL goes in transport.url)',
    );
  }
  const type = toChoice('transport.type', pick(input?.type, env, 'DRIFTWATCH_TRANSPORT'), 'http', [
    'http',
    'kafka',
    'memory',
  ] as const);
  if (type === 'memory') {
    rejectUnknownKeys('transport (memory)', 'transport.', input);
    return Object.freeze({ type });
  }
  if (type === 'kafka') {
    const { type: _type, ...rest } = (input ?? {}) as KafkaTransportInput;
    // Options without a type made kafka by the environment: an http option among them (`url`)
    // is named with where the type came from.
    const typeFromEnv =
      input?.type === undefined
        ? ' for the kafka transport (transport.type from DRIFTWATCH_TRANSPORT)'
        : '';
    // Resolved here, so that a bad Kafka option fails resolveOptions() too, and the result is
    // frozen all the way down without freezing (or sharing) the caller's arrays and objects.
    const kafka: Readonly<Record<string, unknown>> = {
      ...resolveKafkaOptions(rest, env, typeFromEnv),
    };
    return Object.freeze({ type, input: Object.freeze(kafka) });
  }
  // Here the type is http: given in code, or (no type in code) from the env or the default. A
  // JavaScript caller's `{ url, token }` without a type is an http transport's options.
  const http = (input ?? {}) as Partial<HttpTransportOptions>;
  rejectUnknownKeys('transport (http)', 'transport.', http);
  const urlSource = pick(http.url, env, 'DRIFTWATCH_COLLECTOR_URL');
  const url = urlSource.value ?? 'http://127.0.0.1:7070';
  // The pattern lets through what the URL parser refuses (a port past 65535, an unclosed IPv6
  // host, a bad escape): the transport would throw a bare TypeError from init().
  if (
    typeof url !== 'string' ||
    url.length > 2048 ||
    // Any letter case of the scheme, as URLs have it; a host right after `//` (`http:///v1`
    // would be read as the host `v1`).
    !/^https?:\/\/[^\s/]\S*$/i.test(url) ||
    !URL.canParse(url)
  ) {
    throw invalidOption(
      label('transport.url', urlSource.envName),
      typeof url === 'string' ? withoutUserinfo(url) : url,
      'an http:// or https:// URL of at most 2048 characters',
    );
  }
  const tokenSrc = pick(http.token, env, 'DRIFTWATCH_COLLECTOR_TOKEN');
  const token =
    tokenSrc.value === undefined
      ? undefined
      : toText('transport.token', tokenSrc, '', {
          maxLength: 4096,
          pattern: TOKEN_SAFE,
          expected:
            'visible ASCII characters, not starting or ending with a blank (it is sent in the Authorization header)',
          secret: true,
        });
  return Object.freeze({
    type,
    url: withoutTrailingSlash(url),
    token,
    timeoutMs: toNumber(
      'transport.timeoutMs',
      pick(http.timeoutMs, env, 'DRIFTWATCH_COLLECTOR_TIMEOUT_MS'),
      10_000,
      { ...MS, min: 1 },
    ),
    gzipMinBytes: toNumber('transport.gzipMinBytes', { value: http.gzipMinBytes }, 1024, {
      min: 0,
      max: 2 ** 31,
      integer: true,
    }),
    gzipLevel: toNumber('transport.gzipLevel', { value: http.gzipLevel }, defaultGzipLevel(url), {
      min: 0,
      max: 9,
      integer: true,
    }),
  });
}
