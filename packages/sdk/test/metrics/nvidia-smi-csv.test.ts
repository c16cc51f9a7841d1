/** `nvidia-smi … --format=csv,noheader,nounits` rows: only values a device can report. */
import { describe, expect, it } from 'vitest';
import { parseGpuLine } from '../../src/metrics/nvidia-smi-csv.js';

describe('parseGpuLine', () => {
  it('reads a recorded row, a name with commas and an unreported field', () => {
    expect(parseGpuLine('1, GPU-9c8d, NVIDIA H100, 80GB, 37, 1234, 81559, 41, [N/A]')).toEqual({
      index: '1',
      uuid: 'GPU-9c8d',
      name: 'NVIDIA H100, 80GB',
      utilization: 0.37,
      memoryUsedBytes: 1234 * 1024 * 1024,
      memoryTotalBytes: 81559 * 1024 * 1024,
      temperatureCelsius: 41,
      powerWatts: undefined,
    });
  });

  it('refuses a row without an index or a uuid', () => {
    expect(parseGpuLine('x, GPU-1, name, 1, 1, 1, 1, 1')).toBeUndefined();
    expect(parseGpuLine('0, , , 1, 1, 1, 1, 1')).toBeUndefined();
    expect(parseGpuLine('0, GPU-1, name, 1, 1')).toBeUndefined();
  });

  it('leaves out values no device reports: negative, hex, octal, exponent, over 100 %', () => {
    const sample = parseGpuLine('0, GPU-1, name, -0.5, 0x10, 0o7, -300, 1e3');
    expect(sample).toMatchObject({
      index: '0',
      utilization: undefined,
      memoryUsedBytes: undefined,
      memoryTotalBytes: undefined,
      temperatureCelsius: undefined,
      powerWatts: undefined,
    });
    expect(parseGpuLine('0, GPU-1, name, 101, 1, 2, 3, 4.5')?.utilization).toBeUndefined();
    expect(parseGpuLine('0, GPU-1, name, 100, 1, 2, 3, 4.5')).toMatchObject({
      utilization: 1,
      powerWatts: 4.5,
    });
  });
});
