/**
 * logPrediction refuses feature names the schema refuses (empty, over 128 characters, control
 * characters), whatever their value: counted as dropped "invalid", with a diagnostic naming the
 * record and the name JSON-escaped; valid predictions beside them are exported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

describe('feature names', () => {
  it('are refused when empty, too long or with a control character, whatever the value', async () => {
    const diagnostics = captureLogs();
    monitor = init(
      {
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: diagnostics.destination },
        metrics: { enabled: false },
        traces: { enabled: false },
      },
      {},
    );
    const log = (features: Record<string, unknown>) =>
      monitor?.logPrediction({
        model: 'risk',
        modelVersion: '3',
        features: features as Record<string, number>,
        prediction: 1,
      });
    log({ 'bad\u0001name': 1 });
    log({ '': 'x' });
    log({ ['n'.repeat(5000)]: null });
    log({ 'bad\nname': { nested: true } });
    log({ ok: 1, ['n'.repeat(128)]: 'x' });
    await monitor.flush();

    expect(monitor.stats.dropped.invalid).toBe(4);
    expect((monitor.transport as MemoryTransport).items('predictions')).toHaveLength(1);
    // One diagnostic per signal and minute: the first refused name.
    expect(diagnostics.lines.filter((line) => line.level === 40)).toEqual([
      expect.objectContaining({
        msg:
          'driftwatch: dropped an invalid predictions item: /features: invalid name ' +
          '"bad\\u0001name" (8 characters): expected 1 to 128 characters, none of them a control character',
      }),
    ]);
  });
});
