/** The SDK's own diagnostic logger: JSON on stderr, never exported through the transport. */
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { ReportLimiter } from '../pipeline/report-limiter.js';

export type Diagnostics = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export function createDiagnostics(level: Level, destination?: DestinationStream): Diagnostics {
  return pino(
    { level, base: { name: 'driftwatch' } },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/**
 * How a failing log destination is reported: at most once a minute, with how many joined writes
 * (and so their lines) were lost since the last report; the host's code never sees the error.
 */
export function reportLogWriteError(diagnostics: Diagnostics): (error: unknown) => void {
  const reports = new ReportLimiter<'write'>();
  return (error) => {
    const lost = reports.admit('write');
    if (lost === 0) return;
    diagnostics.error(
      { lostWrites: lost },
      `driftwatch: the log destination threw on write (${errorMessage(error)}); the lines of ${lost} write(s) are lost`,
    );
  };
}
