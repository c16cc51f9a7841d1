/** Builds the configured transport. Kafka loads lazily (kafkajs is only required when used). */
import { SdkError, SdkErrorCodes } from '../errors.js';
import type { Env } from '../options-parse.js';
import type { ResolvedTransport } from './transport-options.js';
import { createHttpTransport } from './http-transport.js';
import { resolveKafkaOptions, type KafkaTransportOptions } from './kafka-options.js';
import { createMemoryTransport } from './memory-transport.js';
import type { Transport } from './transport.js';

/** The transport now, or a promise of it (Kafka). Kafka options are validated synchronously. */
export function createTransport(
  resolved: ResolvedTransport,
  env: Env,
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
        (module) => module.createKafkaTransport(options),
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
