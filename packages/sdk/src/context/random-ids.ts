/**
 * Random ids from one pool of crypto random bytes: trace and span ids, and the UUIDs of requests
 * and predictions. One randomFillSync per 6 KB instead of a small random call per id, hex-encoded
 * straight from the pool: node's randomUUID builds each UUID from 20 string pieces (about 600
 * bytes of garbage per id, two ids per request).
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 24 * 256;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

function take(bytes: number): number {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += bytes;
  return at;
}

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * A new trace id (characters 0–31) and span id (32–47) in one string: one hex conversion
 * instead of two; `slice` then shares its characters.
 */
export function newTraceAndSpanIds(): string {
  for (;;) {
    const at = take(24);
    const ids = pool.toString('hex', at, at + 24);
    if (!ids.startsWith(ZERO_TRACE_ID) && !ids.endsWith(ZERO_SPAN_ID)) return ids;
  }
}

/** A new span id: 16 lower-case hex characters, never all zeros (invalid in W3C trace context). */
export function newSpanId(): string {
  for (;;) {
    const at = take(8);
    const id = pool.toString('hex', at, at + 8);
    if (id !== ZERO_SPAN_ID) return id;
  }
}

/** ASCII codes of the two hex digits of each byte value. */
const HEX = new Uint16Array(256);
for (let byte = 0; byte < 256; byte += 1) {
  const digits = byte.toString(16).padStart(2, '0');
  HEX[byte] = digits.charCodeAt(0) | (digits.charCodeAt(1) << 8);
}
/** Where each of the 16 bytes' digits go in `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
const UUID_POSITIONS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const uuidText = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/**
 * A random (version 4, RFC 9562) UUID in its lower-case 8-4-4-4-12 form, like crypto.randomUUID,
 * written into one scratch buffer and read out as a single flat string.
 */
export function newUuid(): string {
  const at = take(16);
  pool[at + 6] = (pool[at + 6]! & 0x0f) | 0x40;
  pool[at + 8] = (pool[at + 8]! & 0x3f) | 0x80;
  for (let i = 0; i < 16; i += 1) {
    const digits = HEX[pool[at + i]!]!;
    const position = UUID_POSITIONS[i]!;
    uuidText[position] = digits & 0xff;
    uuidText[position + 1] = digits >> 8;
  }
  return uuidText.toString('latin1', 0, 36);
}
