/**
 * Which option a failed read of the caller's options came from. The options are read where each
 * is resolved; a getter or a Proxy trap of the caller's that throws there would otherwise be
 * reported without the option's name. Only on that error path: the options are walked again,
 * each read guarded, as far as plain objects and arrays go (class instances, such as a stream or
 * a transport, are the host's own and are not walked).
 */

import { OPTION_KEYS } from './option-keys.js';

/** Deeper than any option group (transport.sasl.…): a cyclic input ends here. */
const MAX_DEPTH = 6;

const TRANSPORT_KEYS = [
  ...new Set([
    ...OPTION_KEYS['transport (memory)'],
    ...OPTION_KEYS['transport (http)'],
    ...OPTION_KEYS['transport (kafka)'],
  ]),
];

/**
 * The options a group at `path` may have: read even when the object does not list them (a Proxy
 * that answers reads only), since the resolver reads them by name.
 */
function knownKeys(path: string): readonly string[] {
  if (path === 'transport') return TRANSPORT_KEYS;
  return Object.hasOwn(OPTION_KEYS, path) ? OPTION_KEYS[path as keyof typeof OPTION_KEYS] : [];
}

/**
 * The dotted name of the first option whose read throws (`queue.maxItems`), `options` when the
 * options object itself cannot be listed, or undefined when no read throws again.
 */
export function unreadableOption(input: unknown): string | undefined {
  return walk(input, '', 0);
}

function walk(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return undefined;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    const walked = Array.isArray(value) || proto === Object.prototype || proto === null;
    if (!walked) return undefined;
  } catch {
    return path || 'options';
  }
  const found = walkKeys(value, knownKeys(path), path, depth);
  if (found !== undefined) return found;
  let listed: string[];
  try {
    listed = Object.keys(value);
  } catch {
    return path || 'options';
  }
  return walkKeys(value, listed, path, depth);
}

function walkKeys(
  value: object,
  keys: readonly string[],
  path: string,
  depth: number,
): string | undefined {
  for (const key of keys) {
    const at = path ? `${path}.${key}` : key;
    let child: unknown;
    try {
      child = (value as Record<string, unknown>)[key];
    } catch {
      return at;
    }
    const found = walk(child, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
