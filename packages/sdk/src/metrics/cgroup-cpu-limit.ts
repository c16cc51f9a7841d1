/**
 * The CPUs a container's CFS quota allows. Node 20's `availableParallelism()` (libuv 1.46) counts
 * CPU affinity only, so a pod limited to one CPU on a 32-core node read its CPU utilization as a
 * thirty-second of the truth. cgroup v2 writes `cpu.max` ("max 100000", or "50000 100000" for
 * half a CPU); v1 `cpu.cfs_quota_us` (-1: no limit) and `cpu.cfs_period_us`.
 */
import { readFileSync } from 'node:fs';

export type ReadText = (path: string) => string | undefined;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const V1_DIRS = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'];

/** CPUs allowed by the quota (0.5 for half a CPU), or undefined when there is none or no file. */
export function cgroupCpuLimit(read: ReadText = readText): number | undefined {
  const ratio = (quota: number, period: number): number | undefined =>
    quota > 0 && period > 0 ? quota / period : undefined;
  const v2 = read('/sys/fs/cgroup/cpu.max');
  if (v2 !== undefined) {
    const [quota, period] = v2.trim().split(/\s+/);
    return quota === 'max' ? undefined : ratio(Number(quota), Number(period));
  }
  for (const dir of V1_DIRS) {
    const quota = read(`${dir}/cpu.cfs_quota_us`);
    const period = read(`${dir}/cpu.cfs_period_us`);
    if (quota !== undefined && period !== undefined)
      return ratio(Number(quota.trim()), Number(period.trim()));
  }
  return undefined;
}
