/**
 * The shipped alertmanager.yml in a real Alertmanager (`alertmanager`, or Debian's
 * `prometheus-alertmanager`), its webhook pointed at a local HTTP receiver: a Driftwatch alert is
 * delivered with the payload the collector's planned endpoint reads, and a down target inhibits
 * the alerts that follow from it (its job's prediction volume, its own export errors) and no
 * other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, waitFor } from '../../packages/sdk/test/support/net.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

interface WebhookPayload {
  receiver: string;
  status: string;
  groupLabels: Record<string, string>;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}
interface AlertmanagerConfig {
  receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
}

function existsOnPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((p) => p !== '' && existsSync(join(p, command)));
}
/** Upstream's binary name, or Debian's. */
const ALERTMANAGER = ['alertmanager', 'prometheus-alertmanager'].find(existsOnPath);

describe.skipIf(ALERTMANAGER === undefined)('Alertmanager with the shipped config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-alertmanager-'));
  const received: WebhookPayload[] = [];
  let receiver: Server;
  let child: ChildProcess | undefined;
  let url = '';
  let stderr = '';

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body) as WebhookPayload);
        response.end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/alerts/alertmanager`;
    // The shipped file with only the webhook's host swapped for the local receiver.
    const shipped = readFileSync(join(ROOT, 'dashboards/alertmanager/alertmanager.yml'), 'utf8');
    const urls = (parse(shipped) as AlertmanagerConfig).receivers.flatMap((r) =>
      (r.webhook_configs ?? []).map((w) => w.url),
    );
    expect(urls).toEqual(['http://collector:7070/v1/alerts/alertmanager']);
    const config = join(dir, 'alertmanager.yml');
    writeFileSync(config, shipped.replace(urls[0]!, webhook));

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      ALERTMANAGER!,
      [
        `--config.file=${config}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(`alertmanager ready (${stderr})`, async () =>
      (await fetch(`${url}/-/ready`)).ok ? true : undefined,
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((done) => receiver?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Posts alerts as Prometheus does (API v2), firing from a minute ago. */
  async function post(alerts: Array<Record<string, string>>): Promise<void> {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const response = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((labels) => ({ labels, startsAt }))),
    });
    expect(response.status, await response.text()).toBe(200);
  }

  it('delivers a critical Driftwatch alert to the webhook, grouped by alert and job', async () => {
    await post([
      {
        alertname: 'DriftwatchHigh5xxRate',
        severity: 'critical',
        job: 'credit-risk',
        stack: 'driftwatch',
      },
    ]);
    const payload = await waitFor(
      `a webhook delivery (${stderr})`,
      () => received.find((p) => p.groupLabels.alertname === 'DriftwatchHigh5xxRate'),
      30_000,
    );
    expect(payload).toMatchObject({
      receiver: 'driftwatch-webhook',
      status: 'firing',
      groupLabels: { alertname: 'DriftwatchHigh5xxRate', job: 'credit-risk' },
    });
    expect(payload.alerts.map((a) => a.labels)).toEqual([
      expect.objectContaining({ severity: 'critical', job: 'credit-risk' }),
    ]);
  });

  it('a down target inhibits its job’s prediction-volume alerts and its own export errors, not a healthy replica’s', async () => {
    await post([
      {
        alertname: 'DriftwatchTargetDown',
        severity: 'critical',
        job: 'fraud',
        instance: 'f1:9464',
      },
      {
        alertname: 'DriftwatchPredictionVolumeZero',
        severity: 'critical',
        job: 'fraud',
        model: 'f',
      },
      // Export errors are per instance: the down one's follow from it, a healthy replica's do not.
      {
        alertname: 'DriftwatchSdkExportErrors',
        severity: 'warning',
        job: 'fraud',
        instance: 'f1:9464',
      },
      {
        alertname: 'DriftwatchSdkExportErrors',
        severity: 'warning',
        job: 'fraud',
        instance: 'f2:9464',
      },
      {
        alertname: 'DriftwatchPredictionVolumeZero',
        severity: 'critical',
        job: 'churn',
        model: 'c',
      },
    ]);
    const statuses = async (): Promise<Array<[string, string, string, boolean]>> => {
      const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as Array<{
        labels: Record<string, string>;
        status: { inhibitedBy: string[] };
      }>;
      return alerts
        .filter((a) => a.labels.job !== 'credit-risk')
        .map((a): [string, string, string, boolean] => [
          a.labels.alertname!,
          a.labels.job!,
          a.labels.instance ?? '',
          a.status.inhibitedBy.length > 0,
        ])
        .sort();
    };
    // Alertmanager's inhibitor learns of a posted source alert on its own goroutine: until it
    // has, the API answers that nothing is inhibited. Once anything is, it has taken the target
    // down in, and every status is final.
    const inhibited = await waitFor(
      `the inhibitor to take the posted alerts in (${stderr})`,
      async () => {
        const current = await statuses();
        return current.some(([, , , muted]) => muted) ? current : undefined;
      },
    );
    expect(inhibited).toEqual([
      ['DriftwatchPredictionVolumeZero', 'churn', '', false],
      ['DriftwatchPredictionVolumeZero', 'fraud', '', true],
      ['DriftwatchSdkExportErrors', 'fraud', 'f1:9464', true],
      ['DriftwatchSdkExportErrors', 'fraud', 'f2:9464', false],
      ['DriftwatchTargetDown', 'fraud', 'f1:9464', false],
    ]);
  });
});
