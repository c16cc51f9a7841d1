/** The CPUs a container's CFS quota allows, read from cgroup v2's cpu.max or v1's quota/period. */
import { describe, expect, it } from 'vitest';
import { cgroupCpuLimit } from '../../src/metrics/cgroup-cpu-limit.js';

const files = (entries: Record<string, string>) => (path: string) => entries[path];

describe('cgroup CPU limit', () => {
  it.each([
    ['v2, half a CPU', { '/sys/fs/cgroup/cpu.max': '50000 100000\n' }, 0.5],
    ['v2, two CPUs', { '/sys/fs/cgroup/cpu.max': '200000 100000\n' }, 2],
    ['v2, no limit', { '/sys/fs/cgroup/cpu.max': 'max 100000\n' }, undefined],
    [
      'v1, one and a half CPUs',
      {
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '150000\n',
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      },
      1.5,
    ],
    [
      'v1 (cpu,cpuacct), no limit',
      {
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      },
      undefined,
    ],
    ['no cgroup files', {}, undefined],
    ['garbage', { '/sys/fs/cgroup/cpu.max': 'x y' }, undefined],
  ])('%s', (_case, entries, expected) => {
    expect(cgroupCpuLimit(files(entries))).toBe(expected);
  });

  it('reads this machine without throwing', () => {
    const limit = cgroupCpuLimit();
    expect(limit === undefined || limit > 0).toBe(true);
  });
});
