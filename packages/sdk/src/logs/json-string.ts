/**
 * JSON string literals for the hand-serialized log line: the common case (printable ASCII, no
 * quote or backslash) is just wrapped in quotes, about a third of JSON.stringify's cost; anything
 * else goes through JSON.stringify. Literals of repeated values (methods, routes) are cached.
 */

/** `JSON.stringify(text)`, faster for plain printable ASCII. */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0x7e) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** A bounded cache of literals, for values that repeat (HTTP methods, route templates). */
export function cachedJsonString(maxEntries: number): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let literal = cache.get(text);
    if (literal === undefined) {
      literal = jsonString(text);
      if (cache.size < maxEntries) cache.set(text, literal);
    }
    return literal;
  };
}

/** Literals of HTTP methods and route templates, shared by the completion line and its record. */
export const httpMethodJson = cachedJsonString(64);
export const routeJson = cachedJsonString(2000);
