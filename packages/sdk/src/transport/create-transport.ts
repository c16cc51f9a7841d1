/** Builds the configured transport. Kafka loads lazily (kafkajs is only required when used). */
import type { DiagLogger } from '@opentelemetry/api';
import { invalidOption, SdkError, SdkErrorCodes } from '../errors.js';
import type { Diagnostics } from '../logs/diagnostics.js';
import type { Env } from '../options-parse.js';
import { resolveTransport, type ResolvedTransport } from './transport-options.js';
import { createHttpTransport, type HttpTransportConfig } from './http-transport.js';
import { resolveKafkaOptions, type KafkaTransportOptions } from './kafka-options.js';
import { createMemoryTransport } from './memory-transport.js';
import type { Transport } from './transport.js';

/**
 * The SDK's diagnostic log as the DiagLogger the Kafka transport writes to: an Error argument
 * becomes `err`, an object argument (kafkajs's log fields) the line's fields.
 */
export function diagLoggerOf(diagnostics: Diagnostics): DiagLogger {
  const at =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, ...args: unknown[]): void => {
      const [first] = args;
      const fields =
        first instanceof Error
          ? { err: first }
          : typeof first === 'object' && first !== null
            ? { ...first }
            : {};
      diagnostics[level](fields, message);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    verbose: at('debug'),
  };
}

/**
 * The transport now, or a promise of it (Kafka). Kafka options are validated synchronously.
 * `diagnostics`: where the Kafka transport reports (without it, OTel's `diag`, silent unless the
 * host set a logger there).
 */
export function createTransport(
  resolved: ResolvedTransport,
  env: Env,
  diagnostics?: Diagnostics,
): Transport | Promise<Transport> {
  switch (resolved.type) {
    case 'custom':
      return resolved.transport;
    case 'memory':
      return createMemoryTransport();
    case 'http':
      return createHttpTransport(resolved);
    case 'kafka': {
      const options = resolveKafkaOptions(resolved.input as KafkaTransportOptions, env);
      return import('./kafka-transport.js').then(
        (module) =>
          module.createKafkaTransport(
            options,
            diagnostics ? { logger: diagLoggerOf(diagnostics) } : {},
          ),
        (error: unknown) => {
          throw new SdkError(
            SdkErrorCodes.TRANSPORT_UNAVAILABLE,
            `kafka transport failed to load: ${String(error)}`,
            {},
            { cause: error },
          );
        },
      );
    }
  }
}

/**
 * The HTTP transport for a pipeline of the caller's own (the package's `createHttpTransport`):
 * its config checked as `init()`'s `transport` option is (URL, token, ranges, unknown keys),
 * from code only, so that a bad value fails here naming the field instead of at every send.
 */
export function checkedHttpTransport(config: HttpTransportConfig): Transport {
  if (typeof config !== 'object' || config === null) {
    throw invalidOption(
      'transport',
      config,
      'an object with url, token, timeoutMs, gzipMinBytes or gzipLevel',
    );
  }
  const resolved = resolveTransport({ ...config, type: 'http' }, {});
  if (resolved.type !== 'http') throw new Error(`unreachable: transport type ${resolved.type}`);
  return createHttpTransport(resolved);
}
