/**
 * Property checks of the hand-rendered wire JSON: for thousands of generated records built from
 * hostile strings and numbers, each renderer writes byte for byte what `JSON.stringify` makes of
 * the record it stands for (prediction samples, completion records, request spans, jsonString).
 * The generator is seeded, so a failure names a case that can be replayed.
 */
import type { PredictionEvent } from '@driftwatch/schema';
import { describe, expect, it } from 'vitest';
import { baseAttributesJson, CompletionRecord } from '../../src/logs/completion-record.js';
import { jsonString } from '../../src/logs/json-string.js';
import { predictionJson } from '../../src/predictions/prediction-json.js';
import { requestSpanJson } from '../../src/traces/request-span-json.js';
import { RequestSpan } from '../../src/traces/request-span.js';
import { spanRecordFromRequest } from '../../src/traces/span-record.js';

const STRINGS = [
  '',
  'plain',
  'q"uote',
  'back\\slash',
  '\\u0041 \\n written out',
  '\u2028\u2029',
  '\u0000\u0001\u0007\b\f\n\r\t\u000b\u001f\u007f',
  '\ud800',
  '\udfff lone low',
  'high at the end \ud83d',
  '\udc00\ud800',
  '😀 pair',
  'é 中文 \u{10ffff} \ufeff \ufffd',
  '</script>',
  '~ \u007e \u0080 \u00ff',
  '1e21',
  '-0',
  '007',
  'NaN',
  'Infinity',
  'null',
  'true',
  '__proto__',
  'constructor',
  '{"json":1}',
  'x'.repeat(5000),
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1 + 0.2,
  1e21,
  1e-7,
  123e-20,
  5e-324,
  -5e-324,
  1.7976931348623157e308,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 31),
  1_700_000_000_123,
];
const NAMES = STRINGS.filter((s) => s.length > 0);

/** mulberry32: a small seeded generator, so that every run checks the same cases. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function picker(seed: number) {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const text = (): string => (next() < 0.3 ? pick(STRINGS) + pick(STRINGS) : pick(STRINGS));
  const maybe = (): boolean => next() < 0.5;
  const hex = (length: number): string =>
    Array.from({ length }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
  return { next, pick, text, maybe, hex };
}

const CASES = 3000;

describe('hand-rendered wire JSON equals JSON.stringify of its record', () => {
  it('jsonString, for every hostile string and their pairs', () => {
    for (const a of STRINGS) {
      expect(jsonString(a)).toBe(JSON.stringify(a));
      for (const b of STRINGS) expect(jsonString(a + b)).toBe(JSON.stringify(a + b));
    }
    for (let code = 0; code <= 0xffff; code += 1) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });

  it('prediction samples', () => {
    const { pick, text, maybe, hex, next } = picker(1);
    for (let i = 0; i < CASES; i += 1) {
      const features: Record<string, string | number | boolean | null> = {};
      const count = Math.floor(next() * 6);
      for (let f = 0; f < count; f += 1) {
        features[pick([...NAMES, '1', '0', '10', '-1', '01'])] = pick<
          string | number | boolean | null
        >([text(), pick(NUMBERS), true, false, null]);
      }
      // Members in the order the recorder sets them.
      const event: PredictionEvent = {
        predictionId: pick(NAMES),
        model: pick(NAMES),
        modelVersion: pick(NAMES),
        timeUnixMs: pick([0, 1_700_000_000_123, 8_640_000_000_000_000, -0]),
        features,
        prediction: pick<string | number | boolean>([text(), pick(NUMBERS), true, false]),
      };
      if (maybe()) event.serviceName = pick(NAMES);
      if (maybe()) event.score = pick(NUMBERS);
      if (maybe()) event.segment = text();
      if (maybe()) event.requestId = pick(NAMES);
      if (maybe()) {
        event.traceId = hex(32);
        event.spanId = hex(16);
      }
      expect(predictionJson(event), `case ${i}`).toBe(JSON.stringify(event));
    }
  });

  it('"request completed" records', () => {
    const { pick, text, maybe, hex, next } = picker(2);
    for (let i = 0; i < CASES; i += 1) {
      const base: Record<string, string> = {};
      if (maybe()) base.environment = text();
      if (maybe()) base[pick(NAMES)] = text();
      const record = new CompletionRecord(
        pick([0, 1_700_000_000_123]),
        base,
        baseAttributesJson(base),
        text(),
        hex(32),
        hex(16),
        pick(['GET', 'POST', 'PROPFIND', 'get', text()]),
        text(),
        maybe() ? undefined : text(),
        pick([100, 200, 404, 599, 999]),
        pick([...NUMBERS, Math.round(next() * 1e6) / 1e3]),
      );
      const wire = record.toWire();
      expect(wire.json, `case ${i}`).toBe(JSON.stringify(record.toRecord()));
      expect(wire.key).toBe(record.traceId);
    }
  });

  it('request spans', () => {
    const { pick, text, maybe, hex, next } = picker(3);
    for (let i = 0; i < CASES; i += 1) {
      const attributes: Record<string, string> = {};
      const count = Math.floor(next() * 8);
      for (let a = 0; a < count; a += 1) attributes[pick([...NAMES, '1', '0', '-0'])] = text();
      const span = new RequestSpan({
        traceId: hex(32),
        spanId: hex(16),
        parentSpanId: maybe() ? hex(16) : undefined,
        sampled: true,
        // As OTel serializes one: printable ASCII, quotes and backslashes included.
        traceState: pick([undefined, 'k=v', 'a=q"uote,b=back\\slash', `k=${'~'.repeat(500)}`]),
        name: pick(NAMES),
        attributes,
        onEnd: () => undefined,
      });
      // The values request-span.ts stores besides strings: numbers (status), booleans, arrays.
      const stored = span.attributes as Record<string, unknown>;
      if (maybe()) stored['http.response.status_code'] = pick(NUMBERS);
      // (Never "__proto__" on this path: a key the host sets makes the span go through its record.)
      const key = pick(NAMES.filter((name) => name !== '__proto__'));
      if (maybe()) stored[key] = pick([true, false, [text(), pick(NUMBERS), true]]);
      span.endPerfMs = span.startPerfMs + next() * 1000;
      const offsetMs = pick([0, -3, 12345]);
      expect(requestSpanJson(span, offsetMs), `case ${i}`).toBe(
        JSON.stringify(spanRecordFromRequest(span, offsetMs)),
      );
    }
  });
});
