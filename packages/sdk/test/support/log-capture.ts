/** Test helper: a pino destination that keeps every JSON line, parsed. */
export interface LogCapture {
  /** Pass as `logs.destination` / `diagnostics.destination`. */
  readonly destination: { write(line: string): void };
  readonly lines: Array<Record<string, unknown>>;
  /** Raw text of every line (to prove a value never appears, even escaped). */
  readonly raw: string[];
}

export function captureLogs(): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  return {
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
    lines,
    raw,
  };
}
