/**
 * The CPUs a container's CFS quota allows. Node 20's `availableParallelism()` (libuv 1.46) counts
 * CPU affinity only, so a pod limited to one CPU on a 32-core node read its CPU utilization as a
 * thirty-second of the truth. cgroup v2 writes `cpu.max` ("max 100000", or "50000 100000" for
 * half a CPU); v1 `cpu.cfs_quota_us` (-1: no limit) and `cpu.cfs_period_us`.
 *
 * The files are those of the process's own cgroup (`/proc/self/cgroup`) and of each cgroup above
 * it, the smallest quota winning, as the kernel enforces them: a quota is not always at the mount's
 * root (a systemd unit's `CPUQuota=`, a container sharing the host's cgroup namespace), and in a
 * container with its own namespace the path reads `/`, which is the root alone.
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

const V2_ROOT = '/sys/fs/cgroup';
const V1_ROOTS = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'];

/** The process's cgroup paths: v2's (`0::/path`) and v1's cpu controller's (`N:cpu,cpuacct:/path`). */
function ownPaths(read: ReadText): { v2: string; v1: string } {
  let v2 = '/';
  let v1 = '/';
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    const match = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, id, controllers, path] = match as unknown as [string, string, string, string];
    if (id === '0' && controllers === '') v2 = path;
    else if (controllers.split(',').includes('cpu')) v1 = path;
  }
  return { v2, v1 };
}

/** `root` + `path`, then each directory above it up to `root` (none outside it). */
function dirsUp(root: string, path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return [root];
  const dirs: string[] = [];
  for (let depth = parts.length; depth >= 0; depth -= 1)
    dirs.push([root, ...parts.slice(0, depth)].join('/'));
  return dirs;
}

/** CPUs allowed by the quota (0.5 for half a CPU), or undefined when there is none or no file. */
export function cgroupCpuLimit(read: ReadText = readText): number | undefined {
  const ratio = (quota: number, period: number): number | undefined =>
    quota > 0 && period > 0 ? quota / period : undefined;
  const smallest = (held: number | undefined, found: number | undefined): number | undefined =>
    found === undefined ? held : held === undefined ? found : Math.min(held, found);
  const paths = ownPaths(read);
  let v2Seen = false;
  let limit: number | undefined;
  for (const dir of dirsUp(V2_ROOT, paths.v2)) {
    const v2 = read(`${dir}/cpu.max`);
    if (v2 === undefined) continue;
    v2Seen = true;
    const [quota, period] = v2.trim().split(/\s+/);
    if (quota !== 'max') limit = smallest(limit, ratio(Number(quota), Number(period)));
  }
  if (v2Seen) return limit;
  for (const root of V1_ROOTS) {
    for (const dir of dirsUp(root, paths.v1)) {
      const quota = read(`${dir}/cpu.cfs_quota_us`);
      const period = read(`${dir}/cpu.cfs_period_us`);
      if (quota !== undefined && period !== undefined)
        limit = smallest(limit, ratio(Number(quota.trim()), Number(period.trim())));
    }
  }
  return limit;
}
