/** Request ids: an incoming `x-request-id` is kept only when it is safe to log. */
import { newUuid } from './random-ids.js';

/** Most characters an incoming request id may have. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** true for 1–128 printable ASCII characters (0x20–0x7e): no control characters, nothing odd to log. */
export function isValidRequestId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const length = value.length;
  if (length === 0 || length > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** The incoming id when valid, else a new random UUID. */
export function requestIdFrom(header: string | readonly string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return isValidRequestId(value) ? value : newUuid();
}
