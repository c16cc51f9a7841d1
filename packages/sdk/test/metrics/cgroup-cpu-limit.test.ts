/**
 * The CPUs a container's CFS quota allows, read from cgroup v2's cpu.max or v1's quota/period, of
 * the process's own cgroup (/proc/self/cgroup) and those above it.
 */
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
    [
      "v2, a systemd unit's CPUQuota= on its own cgroup, not the root",
      {
        '/proc/self/cgroup': '0::/system.slice/app.service\n',
        '/sys/fs/cgroup/cpu.max': 'max 100000\n',
        '/sys/fs/cgroup/system.slice/app.service/cpu.max': '50000 100000\n',
      },
      0.5,
    ],
    [
      'v2, a smaller quota on a parent cgroup wins',
      {
        '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
        '/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': '200000 100000\n',
        '/sys/fs/cgroup/kubepods/pod1/cpu.max': '150000 100000\n',
        '/sys/fs/cgroup/kubepods/cpu.max': 'max 100000\n',
      },
      1.5,
    ],
    [
      'v2, own namespace (path /): the root only',
      { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '100000 100000\n' },
      1,
    ],
    [
      "v1, the cpu controller's own cgroup (host cgroup namespace)",
      {
        '/proc/self/cgroup': '4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
        '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '25000\n',
        '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
      },
      0.25,
    ],
    [
      'a path that climbs out of the mount is not followed',
      {
        '/proc/self/cgroup': '0::/../../etc\n',
        '/sys/fs/cgroup/cpu.max': 'max 100000\n',
        '/sys/fs/cgroup/../../etc/cpu.max': '1000 100000\n',
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
