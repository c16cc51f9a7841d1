/**
 * The queue bytes of a large entry, counted again once converted for the wire. What the caller
 * estimated is what it was given: a log line of a megabyte whose record is sent with its body
 * clipped to 64 KiB and its attributes to 8 KiB would take a megabyte of `queue.maxBytes` (and
 * one over the whole queue would be dropped `too_large`) though a tenth of it is sent. Small
 * entries, nearly all of them, keep their estimate: counting costs a pass over the JSON.
 */
import { WireJson } from '../transport/wire-json.js';
import { jsonTextBytes } from './wire-bytes.js';

/** Entries estimated above this are counted again from what is sent. */
export const RECOUNT_ABOVE_BYTES = 16 * 1024;

/** The UTF-8 bytes of `item`'s wire JSON (a WireJson or a record), or `estimate` if unknown. */
export function convertedBytes(item: unknown, estimate: number): number {
  if (item instanceof WireJson) return jsonTextBytes(item.json);
  try {
    const json = JSON.stringify(item);
    return json === undefined ? estimate : Buffer.byteLength(json);
  } catch {
    return estimate;
  }
}
