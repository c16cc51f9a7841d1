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
  const quiet = (write: LogFn): LogFn =>
    function (this: unknown, ...args: unknown[]): void {
      try {
        (write as (...line: unknown[]) => void).apply(logger, args);
      } catch {
        // Nowhere left to report it: the diagnostic log is what failed.
      }
    } as LogFn;
  return {
    debug: quiet(logger.debug),
    info: quiet(logger.info),
    warn: quiet(logger.warn),
    error: quiet(logger.error),
  };
}
