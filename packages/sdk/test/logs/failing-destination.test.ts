/**
 * A log destination whose write() throws (a `pino.destination` the host destroyed) costs only its
 * own copy of each line: the log call and the request's completion line go on, every line is
 * still exported, and the failure is reported on the diagnostic log (once a minute, with how
 * many lines it cost), not written again as a `log_error` line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { init, type MemoryTransport } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-failing-destination-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lines are exported and the failure reported once while the destination throws', async () => {
  const destination = pino.destination({ dest: join(dir, 'app.log'), sync: true });
  const diagnostics = captureLogs();
  const monitor = init(
    {
      serviceName: 'failing-destination',
      transport: { type: 'memory' },
      logs: { destination },
      diagnostics: { destination: diagnostics.destination },
      metrics: { enabled: false },
    },
    {},
  );
  try {
    monitor.logger.info('before destroy');
    destination.destroy();
    expect(() => destination.write('x\n')).toThrow();
    for (let i = 0; i < 3; i++) {
      expect(() => monitor.logger.error({ i }, 'after destroy')).not.toThrow();
    }
    // The completion line is written by hand, past pino.
    const request = monitor.http.start({ method: 'GET', path: '/p', headers: {} });
    expect(() => request.end({ statusCode: 200, route: '/p' })).not.toThrow();
    await monitor.flush();
    const bodies = (monitor.transport as MemoryTransport).items('logs').map((r) => r.body);
    expect(bodies).toEqual([
      'before destroy',
      'after destroy',
      'after destroy',
      'after destroy',
      'request completed',
    ]);
    const reports = diagnostics.lines.filter((line) =>
      String(line.msg).includes("the log destination's write() threw"),
    );
    expect(reports).toHaveLength(1);
    expect(String(reports[0]?.msg)).toContain('destroyed');
    expect(Object.values(monitor.stats.dropped).every((count) => count === 0)).toBe(true);
  } finally {
    await monitor.shutdown();
  }
});
