/**
 * Counts the spans in an OTLP/HTTP trace export body (ExportTraceServiceRequest), protobuf or
 * JSON, so that the bench can check that the conventional stack (c) exported a span for every
 * request: a BatchSpanProcessor that overflowed would drop spans and make (c) look cheaper.
 * A minimal protobuf walk: resource_spans (1) → scope_spans (2) → spans (2).
 */

interface Field {
  readonly field: number;
  readonly bytes: Uint8Array | undefined;
}

function readVarint(buf: Uint8Array, at: { i: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[at.i];
    if (byte === undefined) throw new Error('truncated protobuf varint');
    at.i += 1;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
}

/** The top-level fields of one protobuf message (length-delimited ones with their bytes). */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = readVarint(buf, at);
    const wire = key % 8;
    const field = Math.floor(key / 8);
    if (wire === 0) {
      readVarint(buf, at);
      out.push({ field, bytes: undefined });
    } else if (wire === 1 || wire === 5) {
      at.i += wire === 1 ? 8 : 4;
      out.push({ field, bytes: undefined });
    } else if (wire === 2) {
      const length = readVarint(buf, at);
      out.push({ field, bytes: buf.subarray(at.i, at.i + length) });
      at.i += length;
    } else {
      throw new Error(`unexpected protobuf wire type ${wire}`);
    }
  }
  if (at.i !== buf.length) throw new Error('truncated protobuf message');
  return out;
}

function children(buf: Uint8Array, field: number): Uint8Array[] {
  return fields(buf).flatMap((entry) =>
    entry.field === field && entry.bytes ? [entry.bytes] : [],
  );
}

interface JsonTraces {
  resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
}

export function countOtlpSpans(body: Buffer, contentType: string | undefined): number {
  if (contentType?.includes('json')) {
    const request = JSON.parse(body.toString('utf8')) as JsonTraces;
    return (request.resourceSpans ?? [])
      .flatMap((resource) => resource.scopeSpans ?? [])
      .reduce((sum, scope) => sum + (scope.spans?.length ?? 0), 0);
  }
  let spans = 0;
  for (const resource of children(body, 1)) {
    for (const scope of children(resource, 2)) spans += children(scope, 2).length;
  }
  return spans;
}
