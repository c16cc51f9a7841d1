/**
 * A line whose level pino did not write as its number: a child logger made with `customLevels`
 * and `formatters.level` writes what the formatter returns (`{"level":"error",…`, or
 * `{"severity":"ERROR",…`), and a caller's `level` or `time` field then stands beside it in the
 * same object. The line travels to the converter with the level and time pino gave it.
 */
export class FormattedLine {
  constructor(
    readonly line: string,
    /** pino's level number of the call. */
    readonly level: number,
    /** pino's time in epoch milliseconds; undefined when it was not a plain integer. */
    readonly timeMs: number | undefined,
  ) {}
}
