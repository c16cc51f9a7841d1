/**
 * Writes a log line to the host's destination without letting its failure reach anything else.
 * A destination whose `write()` throws (a `pino.destination` the host destroyed: "SonicBoom
 * destroyed") loses its own copy of the line; the line is still exported, the log call or the
 * request it was written for goes on, and the failure is reported on the diagnostic log once a
 * minute with how many lines it cost.
 */
import type { DestinationStream } from 'pino';
import { errorMessage } from '../errors.js';
import { ReportLimiter } from '../pipeline/report-limiter.js';
import type { Diagnostics } from './diagnostics.js';

export type LineWrite = (line: string) => void;

export function destinationWrite(out: DestinationStream, diagnostics?: Diagnostics): LineWrite {
  const limiter = new ReportLimiter<'write'>();
  return (line) => {
    try {
      out.write(line);
    } catch (error) {
      const report = limiter.admit('write');
      if (report === undefined || diagnostics === undefined) return;
      diagnostics.warn(
        `driftwatch: the log destination's write() threw (${report.times} line(s) not written there since the last report; exported lines are still exported): ${errorMessage(error)}`,
      );
    }
  };
}
