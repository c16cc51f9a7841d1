/** The hand-written prediction check agrees with the schema's compiled validator on every case. */
import { PredictionEvent, validateItem } from '@driftwatch/schema';
import { describe, expect, it } from 'vitest';
import {
  checkFeatures,
  copyFeatures,
  FEATURE_NAME,
  isModelName,
  isName,
  isValidPrediction,
} from '../../src/predictions/prediction-check.js';

const base: PredictionEvent = {
  predictionId: 'p-1',
  model: 'risk',
  modelVersion: '3',
  timeUnixMs: 1_700_000_000_000,
  features: { age: 41, city: 'Oslo', vip: true, income: null },
  prediction: 1,
  score: 0.5,
  segment: 'eu',
  requestId: 'r-1',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  serviceName: 'svc',
};

/** As the recorder checks: the features copy, then the rest of the event. */
function fastValid(event: PredictionEvent): boolean {
  const features = copyFeatures(event.features);
  return (
    features !== undefined &&
    checkFeatures(features) >= 0 &&
    isModelName(event.model, event.modelVersion) &&
    (event.serviceName === undefined || isName(event.serviceName)) &&
    isValidPrediction(event, false, false)
  );
}

const hidden = Object.defineProperty({ a: 1 } as Record<string, unknown>, 'b', {
  value: {},
  enumerable: false,
});
const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, i]));
const cases: Array<[string, Record<string, unknown>]> = [
  ['valid', {}],
  ['no optional fields', { score: undefined, segment: undefined, requestId: undefined }],
  ['feature object', { features: { a: { nested: 1 } } }],
  ['feature array', { features: { a: [1] } }],
  ['feature long string', { features: { a: 'x'.repeat(1025) } }],
  ['feature 1024 string', { features: { a: 'x'.repeat(1024) } }],
  ['bad value under a control-character name', { features: { 'a\u0001': {} } }],
  ['bad value under an empty name', { features: { '': {} } }],
  ['long name', { features: { ['n'.repeat(200)]: 1 } }],
  ['5000-character name', { features: { ['n'.repeat(5000)]: 'x' } }],
  ['128-character name', { features: { ['n'.repeat(128)]: 1 } }],
  ['129-character name', { features: { ['n'.repeat(129)]: 1 } }],
  ['empty name, valid value', { features: { '': 1 } }],
  ['control-character name, valid value', { features: { 'bad\u0001name': 'x' } }],
  ['newline name, null value', { features: { 'a\nb': null } }],
  ['DEL name, valid value', { features: { 'a\u007f': true } }],
  ['non-ASCII names', { features: { 'é😀': 1, 'a/b~c': 'x', ['😀'.repeat(64)]: 2 } }],
  ['non-ASCII name too long', { features: { ['😀'.repeat(65)]: 1 } }],
  ['nested object under a valid name', { features: { ok: 1, a: { b: 1 } } }],
  ['features array', { features: [1, 2] }],
  ['features null', { features: null }],
  ['features Date', { features: new Date() }],
  ['features Uint8Array', { features: new Uint8Array(2) }],
  ['1001 features', { features: many }],
  ['non-enumerable feature', { features: hidden }],
  ['empty model', { model: '' }],
  ['model with newline', { model: 'a\nb' }],
  ['model too long', { model: 'm'.repeat(129) }],
  ['model with DEL', { model: 'a\u007f' }],
  ['modelVersion too long', { modelVersion: 'v'.repeat(65) }],
  ['modelVersion empty', { modelVersion: '' }],
  ['modelVersion number', { modelVersion: 3 }],
  ['model number', { model: 3 }],
  ['timeUnixMs fraction', { timeUnixMs: 1.5 }],
  ['timeUnixMs negative', { timeUnixMs: -1 }],
  ['timeUnixMs too large', { timeUnixMs: 8_640_000_000_000_001 }],
  ['timeUnixMs at 9999-12-31T23:59:59.999Z', { timeUnixMs: 253_402_300_799_999 }],
  ['timeUnixMs past the year 9999', { timeUnixMs: 253_402_300_800_000 }],
  ['timeUnixMs in microseconds', { timeUnixMs: 1_700_000_000_000_000 }],
  ['prediction string', { prediction: 'yes' }],
  ['prediction boolean', { prediction: false }],
  ['prediction null', { prediction: null }],
  ['prediction NaN', { prediction: Number.NaN }],
  ['prediction long', { prediction: 'p'.repeat(1025) }],
  ['score NaN', { score: Number.NaN }],
  ['score string', { score: '0.5' }],
  ['segment too long', { segment: 's'.repeat(257) }],
  ['segment number', { segment: 1 }],
  ['requestId empty', { requestId: '' }],
  ['requestId control', { requestId: 'a\tb' }],
  ['requestId too long', { requestId: 'r'.repeat(129) }],
  ['traceId upper case', { traceId: '0AF7651916CD43DD8448EB211C80319C' }],
  ['traceId short', { traceId: '0af7' }],
  ['spanId long', { spanId: 'b7ad6b71692033311' }],
  ['predictionId control', { predictionId: 'a\u0000' }],
  ['serviceName control', { serviceName: 'a\u001f' }],
  ['feature named __proto__', { features: JSON.parse('{"__proto__":1,"ok":2}') as object }],
  ['feature named __proto__x', { features: { __proto__x: 1 } }],
];

describe('prediction check', () => {
  it.each(cases)('agrees with the schema: %s', (_name, change) => {
    const event = { ...base, ...change } as PredictionEvent;
    for (const key of Object.keys(event) as Array<keyof PredictionEvent>)
      if (event[key] === undefined) delete event[key];
    expect(fastValid(event)).toBe(validateItem('predictions', event).ok);
  });

  it('skips the ids taken from the request context, never a requestId the caller passed', () => {
    const badIds = { ...base, traceId: 'not-hex', spanId: 'x' } as PredictionEvent;
    expect(isValidPrediction(badIds, false, false)).toBe(false);
    expect(isValidPrediction(badIds, false, false, false, true)).toBe(true);
    const badRequestId = { ...base, requestId: 'a\tb' } as PredictionEvent;
    // The requestId came from the caller (requestIdFromContext false): checked even in a request.
    expect(isValidPrediction(badRequestId, false, false, false, true)).toBe(false);
    expect(isValidPrediction(badRequestId, false, false, true, true)).toBe(true);
  });

  it('uses the feature-name pattern of the schema', () => {
    const features = PredictionEvent.properties.features as { patternProperties: object };
    expect(Object.keys(features.patternProperties)).toEqual([FEATURE_NAME.source]);
  });

  it('estimates the bytes of own enumerable features, strings by their length', () => {
    const small = checkFeatures({ a: 1, b: 'x', c: null });
    expect(small).toBeGreaterThan(0);
    const large = checkFeatures({ a: 1, b: 'x'.repeat(1000), ['c'.repeat(100)]: null });
    expect(large - small).toBe(999 + 99);
    expect(checkFeatures(Object.create({ inherited: 1 }) as Record<string, unknown>)).toBe(0);
  });

  it('makes NaN and ±Infinity features missing (null) in the copy, which the schema accepts', () => {
    const features = copyFeatures({ a: Number.NaN, b: Infinity, c: -Infinity, d: 1.5, e: null })!;
    expect(checkFeatures(features)).toBeGreaterThan(0);
    expect(features).toEqual({ a: null, b: null, c: null, d: 1.5, e: null });
    const event = { ...base, features } as PredictionEvent;
    expect(fastValid(event)).toBe(true);
    expect(validateItem('predictions', event).ok).toBe(true);
  });

  it('makes undefined features missing (null) in the copy, so the schema accepts the copy', () => {
    const features = copyFeatures({ a: undefined, b: 1 })!;
    expect(checkFeatures(features)).toBeGreaterThan(0);
    expect(features).toEqual({ a: null, b: 1 });
    expect(Object.hasOwn(features, 'a')).toBe(true);
    expect(validateItem('predictions', { ...base, features }).ok).toBe(true);
  });

  it('copies the features: the copy does not follow later changes to the object of the host', () => {
    const features: Record<string, unknown> = { a: 1 };
    const copy = copyFeatures(features);
    features.a = { nested: 1 };
    features.b = 2;
    expect(copy).toEqual({ a: 1 });
    expect(copyFeatures([1])).toBeUndefined();
    expect(copyFeatures(null)).toBeUndefined();
    expect(copyFeatures(new Date())).toBeUndefined();
  });
});
