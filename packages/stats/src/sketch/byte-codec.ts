/**
 * Little-endian byte writer/reader shared by the sketch formats. Every format is
 * `magic (4 bytes) | version (u8) | body | FNV-1a 32-bit checksum of everything before it`,
 * and every read is bounds-checked so corrupt input becomes a CORRUPT_SKETCH error.
 */
import { StatsError, StatsErrorCodes } from '../errors.js';

export class ByteWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #length = 0;

  constructor(initialBytes = 256) {
    this.#buffer = new Uint8Array(Math.max(16, initialBytes));
    this.#view = new DataView(this.#buffer.buffer);
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const next = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + bytes));
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
    this.#view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.#reserve(1);
    this.#view.setUint8(this.#length, value);
    this.#length += 1;
  }

  u32(value: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#length, value, true);
    this.#length += 4;
  }

  f64(value: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#length, value, true);
    this.#length += 8;
  }

  f64Array(values: Float64Array): void {
    this.#reserve(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.#view.setFloat64(this.#length, values[i] as number, true);
      this.#length += 8;
    }
  }

  bytes(values: Uint8Array): void {
    this.#reserve(values.length);
    this.#buffer.set(values, this.#length);
    this.#length += values.length;
  }

  /** The written bytes followed by their checksum. */
  finish(): Uint8Array {
    const checksum = fnv1a(this.#buffer, this.#length);
    this.u32(checksum);
    return this.#buffer.slice(0, this.#length);
  }
}

export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  readonly #what: string;
  #offset = 0;

  /** Checks the trailing checksum and the magic before anything else is read. */
  constructor(bytes: Uint8Array, magic: string, what: string) {
    this.#what = what;
    if (!(bytes instanceof Uint8Array)) this.fail('expected a Uint8Array');
    if (bytes.length < magic.length + 1 + 4) this.fail(`too short (${bytes.length} bytes)`);
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#end = bytes.length - 4;
    const stored = this.#view.getUint32(this.#end, true);
    if (fnv1a(bytes, this.#end) !== stored) this.fail('checksum mismatch');
    for (let i = 0; i < magic.length; i++) {
      if (bytes[i] !== magic.charCodeAt(i)) this.fail('wrong magic bytes (not this sketch type)');
    }
    this.#offset = magic.length;
  }

  fail(reason: string, details: Record<string, unknown> = {}): never {
    throw new StatsError(
      StatsErrorCodes.CORRUPT_SKETCH,
      `cannot read ${this.#what}: ${reason}`,
      details,
    );
  }

  #need(bytes: number): void {
    if (this.#offset + bytes > this.#end) this.fail(`truncated at byte ${this.#offset}`);
  }

  u8(): number {
    this.#need(1);
    const value = this.#view.getUint8(this.#offset);
    this.#offset += 1;
    return value;
  }

  u32(): number {
    this.#need(4);
    const value = this.#view.getUint32(this.#offset, true);
    this.#offset += 4;
    return value;
  }

  f64(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.#offset, true);
    this.#offset += 8;
    return value;
  }

  f64Array(length: number): Float64Array {
    this.#need(length * 8);
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      out[i] = this.#view.getFloat64(this.#offset, true);
      this.#offset += 8;
    }
    return out;
  }

  bytes(length: number): Uint8Array {
    this.#need(length);
    const out = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  /** Fails unless every byte before the checksum was consumed. */
  end(): void {
    if (this.#offset !== this.#end)
      this.fail(`${this.#end - this.#offset} unexpected trailing bytes`);
  }
}

/** FNV-1a 32-bit hash of the first `length` bytes. */
function fnv1a(bytes: Uint8Array, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
