/**
 * One long-lived `nvidia-smi -lms N` child: each sweep of device rows replaces the previous one
 * (a device missing from the output disappears). Restarted with backoff when it dies after
 * reporting (the backoff starts over only after a healthy run); when nvidia-smi is absent or
 * reports no GPU, one info log and no GPU series.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Diagnostics } from '../logs/diagnostics.js';
import { GPU_QUERY_FIELDS, parseGpuLine, type GpuSample } from './nvidia-smi-csv.js';

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
}

const MAX_RESTART_DELAY_MS = 60_000;

export class GpuMonitor {
  private child: ChildProcess | undefined;
  private published: readonly GpuSample[] = [];
  private sweep = new Map<string, GpuSample>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly firstRestartDelayMs: number;
  private readonly stableRunMs: number;
  private restartDelayMs: number;
  private stopped = false;
  private loggedAbsent = false;
  private everSawData = false;

  constructor(private readonly config: GpuMonitorConfig) {
    this.firstRestartDelayMs = config.firstRestartDelayMs ?? 1000;
    this.stableRunMs = config.stableRunMs ?? MAX_RESTART_DELAY_MS;
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
      this.absent(error as Error);
      return;
    }
    this.child = child;
    const startedAt = performance.now();
    let sawData = false;
    let otherOutput: string | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') this.absent(error);
      else this.config.diagnostics.warn({ err: error }, 'driftwatch: nvidia-smi failed');
    });
    if (child.stdout) {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const sample = parseGpuLine(line);
        if (!sample) {
          if (otherOutput === undefined && line.trim() !== '')
            otherOutput = line.trim().slice(0, 300);
          return;
        }
        sawData = true;
        this.everSawData = true;
        this.take(sample);
      });
      (child.stdout as { unref?: () => void }).unref?.();
    }
    child.unref();
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
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
      this.config.diagnostics.debug(
        `driftwatch: nvidia-smi exited; restarting in ${this.restartDelayMs} ms`,
      );
      this.restartTimer = setTimeout(() => this.start(), this.restartDelayMs);
      this.restartTimer.unref();
      this.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, this.restartDelayMs * 2);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.child?.kill('SIGTERM');
    this.child = undefined;
    this.published = [];
  }

  private absent(error: Error): void {
    if (!this.loggedAbsent) {
      this.loggedAbsent = true;
      this.config.diagnostics.info(
        `driftwatch: ${this.config.command} not available (${error.message}); no GPU metrics`,
      );
    }
  }

  /** A repeated index starts a new sweep; a quiet spell also ends the current one. */
  private take(sample: GpuSample): void {
    if (this.sweep.has(sample.index)) this.publish();
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
