/**
 * An item the SDK already rendered as its wire JSON. Request spans, request completion records
 * and prediction samples have shapes the SDK built itself, so they are written with template
 * literals when queued (only the strings that may need it are escaped) instead of being turned
 * into record objects and walked by `JSON.stringify`, which checks every character of every key
 * and value. The pipeline hands these only to transports that declare `acceptsWireJson`; every
 * other transport (memory, custom) gets plain record objects.
 */
export class WireJson {
  constructor(
    /** The item's JSON, byte for byte what `JSON.stringify` makes of its record object. */
    readonly json: string,
    /** The Kafka partition key of the item (model, trace id), null for none. */
    readonly key: string | null,
  ) {}
}
