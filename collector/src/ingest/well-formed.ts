/**
 * Lone UTF-16 surrogates (`"\ud800"` in the JSON) pass the schema, but ClickHouse refuses the
 * escape and fails the whole insert, so one such string made every valid item of its batch a 503
 * the SDK retried until it dropped them. UTF-8 cannot hold a lone surrogate: it becomes U+FFFD,
 * as Go's OTLP/JSON decoding does. Everything else is kept as is.
 */

/** String methods of ES2024 (Node 20 has them; the compiler's lib is ES2023). */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * The value with each lone surrogate, in strings and object keys at any depth, replaced by
 * U+FFFD. Returns the same object when nothing needed replacing (the common case copies nothing).
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') {
    const text = value as unknown as WellFormedString;
    return (text.isWellFormed() ? value : text.toWellFormed()) as T;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((element: unknown, i) => {
      const fixed = wellFormed(element);
      if (fixed !== element) (out ??= [...value])[i] = fixed;
    });
    return (out ?? value) as T;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, element]) => {
    const fixedKey = wellFormed(key);
    const fixed = wellFormed(element);
    if (fixedKey !== key || fixed !== element) changed = true;
    return [fixedKey, fixed] as const;
  });
  return changed ? (Object.fromEntries(entries) as T) : value;
}
