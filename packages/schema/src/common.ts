/** Building blocks shared by the event schemas. */
import { Type } from '@sinclair/typebox';

/**
 * The `Name` rule as one pattern, length included: used as a Record key (feature names), a
 * TypeBox string schema is checked by its pattern alone, so the bounds must live in it. No
 * lookaround: other validators of these schemas (Go's RE2, in the Kafka broker tests) have none.
 */
export const NAME_PATTERN = '^[^\\u0000-\\u001f\\u007f]{1,128}$';

/** Names of models, features, services: 1–128 characters, no control characters. */
export const Name = Type.String({ minLength: 1, maxLength: 128, pattern: NAME_PATTERN });

/** Free identifiers (prediction ids, request ids): 1–128 printable characters. */
export const Identifier = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
});

/** W3C trace-context ids, lower-case hex. */
export const TraceId = Type.String({ pattern: '^[0-9a-f]{32}$' });
export const SpanId = Type.String({ pattern: '^[0-9a-f]{16}$' });

/**
 * Milliseconds since the Unix epoch (predictions, labels), up to 9999-12-31T23:59:59.999Z: the
 * last instant the collector's DateTime64(3) columns store as sent. Beyond it (a time in
 * microseconds, 1.7e15) the collector refused the item after the SDK had queued it; over Kafka
 * it was lost without a word to the host.
 */
export const MAX_TIME_UNIX_MS = 253_402_300_799_999;
export const TimeUnixMs = Type.Integer({ minimum: 0, maximum: MAX_TIME_UNIX_MS });

/** Nanoseconds since the Unix epoch as a decimal string, as in OTLP/JSON (logs, spans, metrics). */
export const TimeUnixNano = Type.String({ pattern: '^[0-9]{1,20}$' });

/** OpenTelemetry attribute values (flat). */
export const AttributeValue = Type.Union([
  Type.String({ maxLength: 8192 }),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.Union([Type.String({ maxLength: 8192 }), Type.Number(), Type.Boolean()]), {
    maxItems: 128,
  }),
]);
/**
 * Attribute keys: 1–256 characters. As a Record key a string schema is checked by its pattern
 * alone (see NAME_PATTERN), and other keys only fail with `additionalProperties: false`.
 */
export const ATTRIBUTE_KEY_PATTERN = '^[\\s\\S]{1,256}$';
const AttributeKey = Type.String({ minLength: 1, maxLength: 256, pattern: ATTRIBUTE_KEY_PATTERN });

export const Attributes = Type.Record(AttributeKey, AttributeValue, {
  additionalProperties: false,
});

/** Resource attributes (service.name, service.version, deployment.environment.name, …). */
export const Resource = Type.Record(AttributeKey, Type.String({ maxLength: 1024 }), {
  additionalProperties: false,
});
