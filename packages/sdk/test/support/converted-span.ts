/**
 * A span converted both ways (record, wire JSON) at one placement on the wall clock. Each
 * conversion reads the wall clock's offset; when it moves between the two (the VM's clock slewed
 * past the offset's 2 ms step, see span-time.ts) their times differ by that step, so the pair is
 * converted again.
 */
import { convertSpan } from '../../src/traces/span-record.js';
import { wallClockOffsetMs } from '../../src/traces/span-time.js';

type Converted = ReturnType<typeof convertSpan>;

export function convertedTwice(span: unknown): { result: Converted; wire: Converted } {
  for (let attempt = 1; ; attempt += 1) {
    const offsetMs = wallClockOffsetMs();
    const result = convertSpan(span, false);
    const wire = convertSpan(span, true);
    if (wallClockOffsetMs() === offsetMs || attempt === 3) return { result, wire };
  }
}
