/**
 * Test helper: a real Prometheus (Debian's 2.42) on a free loopback port with a temp config that
 * scrapes one target every second, and `promtool check metrics` on a text exposition.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './net.js';

export interface PrometheusServer {
  readonly url: string;
  /** Resolves once the scrape target reports health "up". */
  waitUntilUp(): Promise<void>;
  /** Instant query; returns the result vector. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Every metric name Prometheus holds. */
  names(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(target: {
  host: string;
  port: number;
  route: string;
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-prometheus-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: sdk',
      `    metrics_path: ${target.route}`,
      '    static_configs:',
      `      - targets: ['${target.host}:${target.port}']`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`prometheus ready (${stderr})`, async () =>
      (await fetch(`${url}/-/ready`)).ok ? true : undefined,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  }
  return {
    url,
    async waitUntilUp() {
      await waitFor('scrape target up', async () => {
        const data = await api<{ activeTargets: Array<{ health: string; lastError: string }> }>(
          '/api/v1/targets',
        );
        const target = data.activeTargets[0];
        if (target?.lastError) throw new Error(target.lastError);
        return target?.health === 'up' ? true : undefined;
      });
    },
    async query(expr) {
      const data = await api<{
        result: Array<{ metric: Record<string, string>; value: [number, string] }>;
      }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result;
    },
    names: () => api<string[]>('/api/v1/label/__name__/values'),
    stop,
  };
}

/** Runs `promtool check metrics` on a text exposition; returns its exit status and output. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
