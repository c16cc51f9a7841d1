/** The SDK's own diagnostic logger: JSON on stderr, never exported through the transport. */
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type Diagnostics = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export function createDiagnostics(level: Level, destination?: DestinationStream): Diagnostics {
  return pino(
    { level, base: { name: 'driftwatch' } },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
