/**
 * One long-lived `nvidia-smi -lms N` child: each sweep of device rows replaces the previous one
 * (a device missing from the output disappears). Restarted with backoff when it dies after
 * reporting (the backoff starts over only after a healthy run); when nvidia-smi is absent or
 * reports no GPU, one info log and no GPU series. A child that goes silent after reporting (a
 * driver that stopped answering) loses its devices and is killed, then restarted like a dead one;
 * so is a restarted child that never prints (a first child that never prints means no GPU). A
 * spawn that fails after a child has reported is retried too. On stop, and when the host exits,
 * the child is killed, with SIGKILL if SIGTERM does not end it; `kill()` ends it at once for a host
 * about to die by a signal (which emits no 'exit').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import split2 from 'split2';
import type { Diagnostics } from '../logs/diagnostics.js';
import { GPU_QUERY_FIELDS, parseGpuLine, type GpuSample } from './nvidia-smi-csv.js';

// A device row is under 300 bytes; a command that prints no newline (a wrong binary at
// metrics.gpu.command) would otherwise be held in memory until the string limit throws.
const MAX_LINE_CHARS = 4096;
// More devices than one machine has: a command printing ever new indexes ends its sweep here.
const MAX_DEVICES = 64;
// A longer line is skipped up to its newline, not kept (split2 4 has `skipOverflow`; its
// published types do not list it).
const SPLIT_OPTIONS: split2.Options & { skipOverflow: boolean } = {
  maxLength: MAX_LINE_CHARS,
  skipOverflow: true,
};

export interface GpuMonitorConfig {
  readonly command: string;
  readonly intervalMs: number;
  readonly diagnostics: Diagnostics;
  /** Wait before the first restart after a healthy run; doubles on each quick death. @default 1000 */
  readonly firstRestartDelayMs?: number;
  /**
   * A child that reported GPUs and ran this long was healthy: its death starts the backoff over.
   * Equal to the backoff cap, so a crash loop, quick or slow, settles at no more than about one
   * restart per cap. @default 60000
   */
  readonly stableRunMs?: number;
  /**
   * A child silent this long after its last device row has stalled: its devices are dropped (no
   * last value reported as current) and it is killed. @default 3 × intervalMs + 5000
   */
  readonly staleAfterMs?: number;
  /**
   * A child that printed no device row this long after its start is stuck (a driver that hangs
   * nvidia-smi from the start) and is killed: restarted with backoff if an earlier child reported,
   * else taken for "no GPU". Longer than staleAfterMs: a first query of many GPUs without
   * persistence mode can take seconds. @default max(staleAfterMs, 30000)
   */
  readonly firstReportTimeoutMs?: number;
  /** After stop's SIGTERM, how long the child has before SIGKILL. @default 2000 */
  readonly stopTimeoutMs?: number;
}

const MAX_RESTART_DELAY_MS = 60_000;

export class GpuMonitor {
  private child: ChildProcess | undefined;
  /** Children not yet exited: the current one, and one stop or the watchdog is ending. */
  private readonly live = new Set<ChildProcess>();
  private published: readonly GpuSample[] = [];
  private sweep = new Map<string, GpuSample>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly firstRestartDelayMs: number;
  private readonly stableRunMs: number;
  private readonly staleAfterMs: number;
  private readonly firstReportTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private restartDelayMs: number;
  private stopped = false;
  private loggedAbsent = false;
  private everSawData = false;

  constructor(private readonly config: GpuMonitorConfig) {
    this.firstRestartDelayMs = config.firstRestartDelayMs ?? 1000;
    this.stableRunMs = config.stableRunMs ?? MAX_RESTART_DELAY_MS;
    this.staleAfterMs = config.staleAfterMs ?? 3 * config.intervalMs + 5000;
    this.firstReportTimeoutMs = config.firstReportTimeoutMs ?? Math.max(this.staleAfterMs, 30_000);
    this.stopTimeoutMs = config.stopTimeoutMs ?? 2000;
    this.restartDelayMs = this.firstRestartDelayMs;
  }

  /** The devices of the latest complete sweep. */
  devices(): readonly GpuSample[] {
    return this.published;
  }

  start(): void {
    if (this.stopped || this.child) return;
    const args = [
      `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(this.config.intervalMs),
    ];
    let child: ChildProcess;
    try {
      child = spawn(this.config.command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (error) {
      // Thrown for the rarer errors (ETXTBSY, ENOMEM, E2BIG); the common ones come as 'error'.
      this.spawnFailed(error as NodeJS.ErrnoException, true);
      return;
    }
    this.child = child;
    // Without a pid the spawn failed: 'error' follows, and no 'exit'.
    if (child.pid !== undefined) this.live.add(child);
    const startedAt = performance.now();
    let sawData = false;
    let otherOutput: string | undefined;
    // Unref'd, the child outlives a host that exits without stop(): killed then (kill is
    // synchronous, so it still runs in 'exit'), a child stuck in the driver is not left behind.
    const killOnHostExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnHostExit);
    this.watchStart(child, () => {
      if (otherOutput === undefined)
        otherOutput = `printed no GPU row in ${this.firstReportTimeoutMs} ms`;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A spawn that failed emits no 'exit': undo here what the exit handler would.
      const spawnFailed = child.pid === undefined && this.child === child;
      if (child.pid === undefined) process.off('exit', killOnHostExit);
      if (spawnFailed) {
        this.child = undefined;
        if (this.stallTimer) clearTimeout(this.stallTimer);
        this.stallTimer = undefined;
      }
      if (spawnFailed) this.spawnFailed(error, false);
      else if (!this.stopped)
        this.config.diagnostics.warn({ err: error }, 'driftwatch: nvidia-smi failed');
    });
    if (child.stdout) {
      const lines = child.stdout.pipe(split2(SPLIT_OPTIONS));
      lines.on('data', (line: string) => {
        // A replaced or stopped child's late rows are not current, and must not arm the
        // watchdog of the child that replaced it.
        if (this.child !== child) return;
        const sample = parseGpuLine(line);
        if (!sample) {
          if (otherOutput === undefined && line.trim() !== '')
            otherOutput = line.trim().slice(0, 300);
          return;
        }
        if (sawData) this.stallTimer?.refresh();
        else this.watchForStall(child);
        sawData = true;
        this.everSawData = true;
        this.take(sample);
      });
      (child.stdout as { unref?: () => void }).unref?.();
    }
    child.unref();
    child.once('exit', (code, signal) => {
      process.off('exit', killOnHostExit);
      this.live.delete(child);
      if (this.child === child) {
        this.child = undefined;
        if (this.stallTimer) clearTimeout(this.stallTimer);
        this.stallTimer = undefined;
      }
      this.publish();
      this.published = [];
      if (this.stopped || this.loggedAbsent) return;
      if (!this.everSawData) {
        // nvidia-smi is installed but reports no GPU (no driver, no device): say so once, at info.
        // Not restarted: a missing driver does not come back while the process runs.
        this.absent(
          new Error(
            `exited with ${signal ?? `code ${code}`} before reporting a GPU${otherOutput ? `: ${otherOutput}` : ''}`,
          ),
        );
        return;
      }
      // Only a healthy run starts the backoff over: a child that prints one sweep and crashes
      // would otherwise be restarted every second forever.
      if (sawData && performance.now() - startedAt >= this.stableRunMs)
        this.restartDelayMs = this.firstRestartDelayMs;
      this.scheduleRestart();
    });
  }

  /** Starts a new child after the current backoff, and doubles the backoff. */
  private scheduleRestart(): void {
    if (this.stopped) return;
    this.config.diagnostics.debug(
      `driftwatch: nvidia-smi ended; restarting in ${this.restartDelayMs} ms`,
    );
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.start(), this.restartDelayMs);
    this.restartTimer.unref();
    this.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, this.restartDelayMs * 2);
  }

  /**
   * Ends the child: SIGTERM, then SIGKILL after `stopTimeoutMs`. Resolves once it has exited (at
   * once without one), so that a shutdown can wait for it within its own deadline.
   */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const child = this.child;
    this.child = undefined;
    this.published = [];
    if (!child || !this.live.has(child)) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    // A child that ignores SIGTERM (or is slow to act on it) must not outlive the monitor.
    const killTimer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, this.stopTimeoutMs);
    killTimer.unref();
    child.once('exit', () => clearTimeout(killTimer));
    return exited;
  }

  /**
   * SIGKILLs every child not yet exited, synchronously: for a host about to end by a signal, whose
   * death emits no 'exit' (so neither stop's delayed SIGKILL nor the host-exit kill would run).
   */
  kill(): void {
    this.stopped = true;
    for (const child of this.live) child.kill('SIGKILL');
  }

  /**
   * Before any child has reported, a missing or unrunnable nvidia-smi (ENOENT, EACCES, or any error
   * spawn throws) means no GPU metrics. Once one has, the binary was there and worked: any spawn
   * error (a driver upgrade replacing it, ETXTBSY, ENOMEM) is taken as passing and retried with
   * the backoff, as are EMFILE and EAGAIN from the start.
   */
  private spawnFailed(error: NodeJS.ErrnoException, thrown: boolean): void {
    if (this.stopped) return;
    if (!this.everSawData && (thrown || error.code === 'ENOENT' || error.code === 'EACCES')) {
      this.absent(error);
      return;
    }
    this.config.diagnostics.warn({ err: error }, 'driftwatch: nvidia-smi failed to start');
    this.scheduleRestart();
  }

  private absent(error: Error): void {
    if (!this.loggedAbsent) {
      this.loggedAbsent = true;
      this.config.diagnostics.info(
        `driftwatch: ${this.config.command} not available (${error.message}); no GPU metrics`,
      );
    }
  }

  /**
   * Arms the watchdog of a child that has printed no device row yet: one stuck from its start
   * would otherwise never be killed, and GPU metrics would not come back after a restart.
   */
  private watchStart(child: ChildProcess, noteSilence: () => void): void {
    this.killWhenSilent(child, this.firstReportTimeoutMs, () => {
      this.config.diagnostics.debug(
        `driftwatch: nvidia-smi printed no GPU row in ${this.firstReportTimeoutMs} ms; killing it`,
      );
      noteSilence();
    });
  }

  /** Arms the stall watchdog of `child` at its first device row (later rows refresh it). */
  private watchForStall(child: ChildProcess): void {
    this.killWhenSilent(child, this.staleAfterMs, () => {
      this.config.diagnostics.warn(
        `driftwatch: nvidia-smi reported nothing for ${this.staleAfterMs} ms; GPU series dropped, restarting it`,
      );
      if (this.sweepTimer) clearTimeout(this.sweepTimer);
      this.sweep = new Map();
      this.published = [];
    });
  }

  /**
   * The one watchdog timer: after `ms` of silence from `child`, still the current one, `onSilence`
   * then SIGKILL (a child stuck in the driver may not act on SIGTERM). Its exit restarts it, or
   * logs "no GPU" if none ever reported.
   */
  private killWhenSilent(child: ChildProcess, ms: number, onSilence: () => void): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.child !== child || this.stopped) return;
      onSilence();
      child.kill('SIGKILL');
    }, ms);
    this.stallTimer.unref();
  }

  /**
   * A repeated index starts a new sweep; a quiet spell also ends the current one. Devices past
   * MAX_DEVICES in one sweep are left out.
   */
  private take(sample: GpuSample): void {
    if (this.sweep.has(sample.index)) this.publish();
    else if (this.sweep.size >= MAX_DEVICES) return;
    this.sweep.set(sample.index, sample);
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => this.publish(), Math.min(200, this.config.intervalMs / 2));
    this.sweepTimer.unref();
  }

  private publish(): void {
    if (this.sweep.size === 0) return;
    this.published = [...this.sweep.values()];
    this.sweep = new Map();
  }
}
