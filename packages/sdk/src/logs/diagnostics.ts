/** The SDK's own diagnostic logger: JSON on stderr, never exported through the transport. */
import { pino, type DestinationStream, type Level, type LogFn, type Logger } from 'pino';

export type Diagnostics = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The diagnostic logger. Its methods never throw: a destination whose write throws (a
 * `pino.destination` the host destroyed: "SonicBoom destroyed") loses the line, never the item
 * being reported, a count, or the export loop (a throw there was an unhandled rejection).
 */
export function createDiagnostics(level: Level, destination?: DestinationStream): Diagnostics {
  const logger = pino(
    { level, base: { name: 'driftwatch' } },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
  return quietDiagnostics(logger);
}

/**
 * `diagnostics` with methods that never throw (each call's line is lost instead): for the
 * pipeline, which may be handed a Diagnostics object that createDiagnostics did not make.
 */
export function quietDiagnostics(diagnostics: Diagnostics): Diagnostics {
  const quiet = (write: LogFn): LogFn =>
    function (this: unknown, ...args: unknown[]): void {
      try {
        (write as (...line: unknown[]) => void).apply(diagnostics, args);
      } catch {
        // Nowhere left to report it: the diagnostic log is what failed.
      }
    } as LogFn;
  return {
    debug: quiet(diagnostics.debug),
    info: quiet(diagnostics.info),
    warn: quiet(diagnostics.warn),
    error: quiet(diagnostics.error),
  };
}
