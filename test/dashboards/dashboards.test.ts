/**
 * The shipped observability assets, checked for real: every ClickHouse panel's SQL runs against
 * embedded ClickHouse (chDB) with the collector's migrations and seeded telemetry, every PromQL
 * expression and alert rule goes through promtool (rules unit tests included) and is checked
 * against a real scrape of an instrumented service (metric and label names), Alertmanager's
 * config through amtool, and docker-compose.yml is checked against the files it references.
 * Over 500 lines on purpose: one suite for all shipped assets, because they reference each other
 * (data source uids, mount paths, ports, alert names); helpers live in grafana-macros.ts and
 * seed-telemetry.ts.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// The collector's built package: the same storage module and migrations it runs with.
import {
  EventWriter,
  migrate,
  openStorage,
  resolveCollectorOptions,
  type Storage,
} from '@driftwatch/collector';
import { resolveKafkaOptions } from '@driftwatch/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  expandClickHouseSql,
  expandPromQl,
  type TimeRange,
  type Variables,
} from './grafana-macros.js';
import { scrapeInstrumentedService, type Exposition } from './sdk-exposition.js';
import { MODEL, MODEL_VERSIONS, SERVICES, seedAnalysisRuns, seedEvents } from './seed-telemetry.js';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const at = (...parts: string[]) => join(ROOT, ...parts);
const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8'), { merge: true }) as T;

// ---------------------------------------------------------------------------------------------
// Shapes of the files, as far as the checks read them.
interface DataSourceRef {
  type?: string;
  uid?: string;
}
interface Target {
  refId: string;
  datasource?: DataSourceRef;
  rawSql?: string;
  format?: number;
  queryType?: string;
  expr?: string;
  legendFormat?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DataSourceRef;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface TemplateVariable {
  type: string;
  name: string;
  query: string | { query: string };
  datasource?: DataSourceRef;
  multi?: boolean;
  includeAll?: boolean;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: TemplateVariable[] };
}
interface ProvisionedDataSource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, unknown>;
}
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  environment?: Record<string, string | number | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  command?: string | string[];
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
}
interface RuleGroup {
  name: string;
  rules: Array<{
    alert?: string;
    record?: string;
    expr: string;
    annotations?: Record<string, string>;
  }>;
}

const dashboardFiles = readdirSync(at('dashboards/grafana/dashboards')).filter((f) =>
  f.endsWith('.json'),
);
const dashboards = new Map<string, Dashboard>(
  dashboardFiles.map((file) => [
    file,
    JSON.parse(readFileSync(at('dashboards/grafana/dashboards', file), 'utf8')) as Dashboard,
  ]),
);
const provisionedDataSources = readdirSync(
  at('dashboards/grafana/provisioning/datasources'),
).flatMap(
  (file) =>
    readYaml<{ datasources: ProvisionedDataSource[] }>(
      at('dashboards/grafana/provisioning/datasources', file),
    ).datasources,
);
const compose = readYaml<Compose>(at('docker-compose.yml'));
const ruleGroups = readYaml<{ groups: RuleGroup[] }>(
  at('dashboards/prometheus/rules/driftwatch.rules.yml'),
).groups;
const alertNames = ruleGroups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

const panelsWithTargets = (type: string) =>
  [...dashboards].flatMap(([file, d]) =>
    d.panels.flatMap((panel) =>
      (panel.targets ?? [])
        .filter((t) => (t.datasource ?? panel.datasource)?.type === type)
        .map((target) => ({ file, dashboard: d, panel, target })),
    ),
  );
const clickHouseTargets = panelsWithTargets('grafana-clickhouse-datasource');
const prometheusTargets = panelsWithTargets('prometheus');

const PROMQL_WORDS = new Set(
  'sum avg min max count rate irate increase histogram_quantile by without on ignoring group_left group_right and or unless offset bool abs clamp_min clamp_max label_values topk bottomk vector'.split(
    ' ',
  ),
);

/** Metric names in a PromQL expression: words outside strings, label matchers and by/on lists. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\boffset\s+\d+[smhdwy]+/g, '');
  const words = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return words.filter((w) => !PROMQL_WORDS.has(w) && !/^\d/.test(w));
}

// ---------------------------------------------------------------------------------------------
describe('Grafana dashboards and provisioning', () => {
  it('ships the three dashboards with unique uids and titles', () => {
    expect(dashboardFiles.sort()).toEqual([
      'logs-traces.json',
      'model-drift-quality.json',
      'service-health.json',
    ]);
    const all = [...dashboards.values()];
    expect(new Set(all.map((d) => d.uid)).size).toBe(all.length);
    expect(new Set(all.map((d) => d.title)).size).toBe(all.length);
  });

  it.each(dashboardFiles)(
    '%s: unique panel ids, layout within 24 columns, every panel queries',
    (file) => {
      const { panels } = dashboards.get(file)!;
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of panels) {
        expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
        if (panel.type !== 'row')
          expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
      }
    },
  );

  it('every data source a dashboard names is provisioned, with the same type', () => {
    const byUid = new Map(provisionedDataSources.map((ds) => [ds.uid, ds.type]));
    const refs = [...dashboards].flatMap(([file, d]) =>
      [
        ...d.panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
        ...d.templating.list.map((v) => v.datasource),
      ].flatMap((ref) => (ref ? [{ file, ref }] : [])),
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const { file, ref } of refs) {
      expect(byUid.get(ref.uid ?? ''), `${file}: ${JSON.stringify(ref)}`).toBe(ref.type);
    }
    expect(clickHouseTargets.length).toBeGreaterThan(20);
    expect(prometheusTargets.length).toBeGreaterThan(15);
  });

  it('the ClickHouse data source targets the compose server over HTTP; env it reads is set in compose', () => {
    const clickhouse = provisionedDataSources.find(
      (ds) => ds.type === 'grafana-clickhouse-datasource',
    )!;
    expect(clickhouse.jsonData).toMatchObject({
      protocol: 'http',
      port: 8123,
      defaultDatabase: 'driftwatch',
    });
    const grafanaEnv = compose.services.grafana!.environment ?? {};
    const provisioningText = readdirSync(at('dashboards/grafana/provisioning/datasources'))
      .map((file) => readFileSync(at('dashboards/grafana/provisioning/datasources', file), 'utf8'))
      .join('\n')
      .replace(/^\s*#.*$/gm, '');
    const referenced = [...provisioningText.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(grafanaEnv, name).toHaveProperty(name);
    expect(grafanaEnv.DRIFTWATCH_CLICKHOUSE_HOST).toBe('clickhouse');
    expect(String(grafanaEnv.DRIFTWATCH_PROMETHEUS_URL)).toBe('http://prometheus:9090');
  });

  it('the dashboard provider reads the folder compose mounts the dashboards into', () => {
    const providers = readdirSync(at('dashboards/grafana/provisioning/dashboards')).flatMap(
      (file) =>
        readYaml<{ providers: Array<{ options: { path: string } }> }>(
          at('dashboards/grafana/provisioning/dashboards', file),
        ).providers,
    );
    const mounts = new Map(
      (compose.services.grafana!.volumes ?? []).map((v) => {
        const [source, target] = v.split(':');
        return [target, source];
      }),
    );
    for (const provider of providers) {
      expect(resolve(ROOT, mounts.get(provider.options.path) ?? '<not mounted>')).toBe(
        at('dashboards/grafana/dashboards'),
      );
    }
    expect(resolve(ROOT, mounts.get('/etc/grafana/provisioning') ?? '')).toBe(
      at('dashboards/grafana/provisioning'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('ClickHouse panels run against embedded ClickHouse with the collector schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-dashboards-'));
  const nowMs = Date.now();
  const range: TimeRange = { fromMs: nowMs - 6 * 3600_000, toMs: nowMs + 60_000, intervalS: 60 };
  let storage: Storage;

  /** Runs one expanded query; rows as objects plus the column types ClickHouse reports. */
  async function query(sql: string) {
    const result = await storage.client.query({ query: sql, format: 'JSON' });
    const json = await result.json<Record<string, unknown>>();
    return { rows: json.data, meta: json.meta ?? [] };
  }

  /** Variable values as Grafana would take them from the variables' own queries. */
  async function variableOptions(dashboard: Dashboard, bound: Variables): Promise<Variables> {
    const out: Record<string, Variables[string]> = { ...bound };
    for (const variable of dashboard.templating.list) {
      if (variable.type === 'constant') {
        out[variable.name] = { value: String(variable.query), options: [String(variable.query)] };
      } else if (variable.type === 'query') {
        const sql = expandClickHouseSql(String(variable.query), range, out);
        const { rows } = await query(sql);
        const options = rows.map((row) => String(Object.values(row)[0]));
        expect(options.length, `variable ${variable.name} has no values`).toBeGreaterThan(0);
        out[variable.name] = {
          value: variable.multi ? [options[options.length - 1]!] : options[0]!,
          options,
        };
      }
    }
    return out;
  }

  beforeAll(async () => {
    const options = resolveCollectorOptions(
      { storage: { chdbPath: join(dir, 'data'), database: 'driftwatch' } },
      {},
    );
    storage = await openStorage(options.storage);
    await migrate(storage);
    await new EventWriter(storage).write(seedEvents(nowMs));
    const runs = seedAnalysisRuns(nowMs);
    await storage.client.insert({
      table: storage.table('drift_results'),
      values: runs.drift,
      format: 'JSONEachRow',
    });
    await storage.client.insert({
      table: storage.table('performance_results'),
      values: runs.performance,
      format: 'JSONEachRow',
    });
  });

  afterAll(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the variables list the seeded model, versions and services', async () => {
    const drift = await variableOptions(dashboards.get('model-drift-quality.json')!, {});
    expect(drift.model).toMatchObject({ value: MODEL });
    expect(drift.model_version?.options).toEqual([...MODEL_VERSIONS]);
    const logs = await variableOptions(dashboards.get('logs-traces.json')!, {});
    expect(logs.service?.options).toEqual([...SERVICES]);
  });

  it.each(clickHouseTargets.map((t) => [`${t.file} / ${t.panel.title}`, t] as const))(
    '%s returns data, with one version/service selected and with "All"',
    async (_name, { dashboard, panel, target }) => {
      expect(target.rawSql, panel.title).toBeTruthy();
      const selected = await variableOptions(dashboard, {});
      const all: Variables = Object.fromEntries(
        Object.entries(selected).map(([name, binding]) => {
          const variable = dashboard.templating.list.find((v) => v.name === name);
          return [name, variable?.includeAll ? { ...binding, value: 'all' } : binding];
        }),
      );
      for (const variables of [selected, all]) {
        const sql = expandClickHouseSql(target.rawSql!, range, variables);
        const { rows, meta } = await query(sql);
        expect(rows.length, `no rows from:\n${sql}`).toBeGreaterThan(0);
        const columns = new Map(meta.map((m: { name: string; type: string }) => [m.name, m.type]));
        if (target.format === 0) {
          // Time series: a time column and at least one numeric value column.
          expect(columns.get('time'), `${panel.title}: time column`).toMatch(
            /^(Nullable\()?DateTime/,
          );
          expect(
            [...columns.values()].some((type) => /Int|Float|Decimal/.test(type)),
            panel.title,
          ).toBe(true);
        } else if (target.format === 2) {
          // Logs: the plugin needs a timestamp and a body.
          expect(columns.get('timestamp')).toMatch(/^DateTime64/);
          expect(columns.get('body')).toBe('String');
        } else {
          expect(target.format, panel.title).toBe(1);
        }
        const values = rows.flatMap((row) => Object.values(row));
        expect(
          values.some((v) => v !== null && v !== '' && v !== 0 && v !== '0'),
          `only empty values from:\n${sql}`,
        ).toBe(true);
      }
    },
  );

  it('the drift table and quality stat read the latest run', async () => {
    const dashboard = dashboards.get('model-drift-quality.json')!;
    const variables = await variableOptions(dashboard, {});
    const table = clickHouseTargets.find(
      (t) => t.panel.title === 'Drifted features (latest run)' && t.panel.type === 'table',
    )!;
    const { rows } = await query(
      expandClickHouseSql(table.target.rawSql!, range, {
        ...variables,
        model_version: { value: ['1.4.0'], options: [...MODEL_VERSIONS] },
      }),
    );
    expect(rows.filter((r) => r.verdict === 'drifted').map((r) => r.feature)).toEqual([
      'income',
      'region',
    ]);
    expect(rows).toHaveLength(6);
  });

  it('the score distribution puts raw outputs below 0 in the first bin and above 1 in the last', async () => {
    // A model scoring with raw outputs (the schema allows them): its own name, so the seeded
    // model's panels are untouched.
    const model = 'raw-output';
    const scores = [-2.5, -0.05, 0.05, 0.55, 0.95, 1.7, 25.6, 300];
    await new EventWriter(storage).write({
      predictions: scores.map((score, i) => ({
        predictionId: `raw-${i}`,
        model,
        modelVersion: '1.0.0',
        timeUnixMs: nowMs - 60_000,
        features: {},
        prediction: score,
        score,
      })),
      labels: [],
      logs: [],
      spans: [],
      metrics: [],
    });
    const dashboard = dashboards.get('model-drift-quality.json')!;
    const panel = clickHouseTargets.find(
      (t) => t.dashboard === dashboard && t.panel.title === 'Score distribution',
    )!;
    const { rows } = await query(
      expandClickHouseSql(panel.target.rawSql!, range, {
        database: { value: 'driftwatch', options: ['driftwatch'] },
        model: { value: model, options: [model] },
        model_version: { value: 'all', options: ['1.0.0'] },
      }),
    );
    expect(rows.map((r) => [r.score_range, Number(r.predictions)])).toEqual([
      ['0–0.1', 3],
      ['0.5–0.6', 1],
      ['0.9–1', 4],
    ]);
  });
});

/**
 * Labels the result of a PromQL expression keeps: those in all its `by` lists if it aggregates,
 * else its metrics' own.
 */
function outputLabels(expr: string, exposed: Exposition): Set<string> {
  const groupings = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].map(
    (m) => new Set(m[1]!.split(',').map((label) => label.trim())),
  );
  if (groupings.length > 0)
    return groupings.reduce((kept, by) => new Set([...kept].filter((l) => by.has(l))));
  return new Set([
    ...TARGET_LABELS,
    ...metricNames(expr).flatMap((name) => [...(exposed.get(name) ?? [])]),
  ]);
}

/**
 * Checks one expression against a real scrape: its metrics exist, its label matchers name labels
 * those metrics carry, and `used` (legend or annotation labels) survive its aggregation.
 */
function expectExposed(context: string, expr: string, exposed: Exposition, used: string[]): void {
  for (const name of metricNames(expr))
    expect([...exposed.keys()], `${context}: ${name}`).toContain(name);
  for (const [, name, matchers] of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
    for (const [, label] of matchers!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      if (TARGET_LABELS.includes(label!)) continue;
      expect([...(exposed.get(name!) ?? [])], `${context}: ${name}{${label}}`).toContain(label);
    }
  }
  const kept = outputLabels(expr, exposed);
  for (const label of used) expect([...kept], `${context}: {{${label}}}`).toContain(label);
}

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

// ---------------------------------------------------------------------------------------------
describe('Prometheus: dashboard queries, alert rules and config through promtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-promql-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** What an instrumented service exposes, plus `up`, which Prometheus writes itself. */
  let exposed: Exposition;
  beforeAll(async () => {
    exposed = await scrapeInstrumentedService();
    exposed.set('up', new Set());
  });

  it('every Service health query parses (as recording rules) and uses only exposed metrics and labels', async () => {
    const rules = prometheusTargets.map(({ dashboard, panel, target }) => {
      const variables: Variables = Object.fromEntries(
        dashboard.templating.list.map((v) => [v.name, { value: 'all', options: [] }]),
      );
      const expr = expandPromQl(target.expr ?? '', variables);
      const legend = [...(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)];
      expectExposed(
        panel.title,
        expr,
        exposed,
        legend.map((m) => m[1]!),
      );
      return { record: `dashboard:panel_${panel.id}_${target.refId}`, expr };
    });
    const variableQueries = [...dashboards.values()].flatMap((d) =>
      d.templating.list
        .filter((v) => v.datasource?.type === 'prometheus')
        .map((v) => (typeof v.query === 'string' ? v.query : v.query.query)),
    );
    for (const [index, q] of variableQueries.entries()) {
      const selector = /^label_values\((.+),\s*\w+\)$/.exec(q)?.[1];
      expect(selector, q).toBeDefined();
      rules.push({
        record: `dashboard:variable_${index}`,
        expr: expandPromQl(selector!, { job: { value: 'all', options: [] } }),
      });
    }
    const file = join(dir, 'dashboard-queries.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard-queries', rules }] }));
    const { stdout } = await run('promtool', ['check', 'rules', file]);
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('error-share panels leave out the probe routes DriftwatchHigh5xxRate leaves out (promtool test rules)', async () => {
    // The alert's route matcher: a readiness 503 is not a failed request, and healthy probes must
    // not dilute real failures. Each error share on the dashboards uses the same one, above and
    // below the division.
    const alert = ruleGroups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === 'DriftwatchHigh5xxRate');
    const probes = /http_route!~"[^"]*"/.exec(alert?.expr ?? '')?.[0];
    expect(probes, 'DriftwatchHigh5xxRate route matcher').toBeDefined();
    const shares = prometheusTargets.filter(({ target }) =>
      /http_response_status_code=~"[45]\.\."/.test(target.expr ?? ''),
    );
    expect(shares.map(({ target }) => target.legendFormat).sort()).toEqual(['4xx', '5xx']);
    for (const { panel, target } of shares) {
      const selectors = [
        ...(target.expr ?? '').matchAll(/http_server_request_duration_\w+\{[^}]*\}/g),
      ];
      expect(selectors.length, `${panel.title} ${target.refId}`).toBeGreaterThanOrEqual(2);
      for (const [selector] of selectors) expect(selector, panel.title).toContain(probes);
    }

    // What the panel draws, on /predict traffic (7 a minute answered 200, 2 answered 500, 1
    // answered 404) next to probes: a readiness route answering 503 and a kubelet's /ops/health.
    // In thousandths, rounded: Prometheus sums the series' rates in no set order, so the share's
    // last bit varies from run to run (0.19999999999999998 once), and promtool compares exactly.
    const rules = shares.map(({ dashboard, panel, target }) => ({
      record: `dashboard:panel_${panel.id}_${target.refId}`,
      expr: `round((${expandPromQl(
        target.expr ?? '',
        Object.fromEntries(
          dashboard.templating.list.map((v) => [v.name, { value: 'all', options: [] }]),
        ),
      )}) * 1000)`,
      expected: /status_code=~"5/.test(target.expr ?? '') ? 200 : 100,
    }));
    const count = (route: string, status: number, perMinute: number) => ({
      series: `http_server_request_duration_count{job="credit-risk", instance="a", http_request_method="GET", http_route="${route}", http_response_status_code="${status}"}`,
      values: `0+${perMinute}x20`,
    });
    const rulesFile = join(dir, 'error-share-rules.yml');
    writeFileSync(
      rulesFile,
      JSON.stringify({
        groups: [
          { name: 'error-share', rules: rules.map(({ record, expr }) => ({ record, expr })) },
        ],
      }),
    );
    const testFile = join(dir, 'error-share.test.yml');
    writeFileSync(
      testFile,
      JSON.stringify({
        rule_files: [rulesFile],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              count('/predict', 200, 7),
              count('/predict', 500, 2),
              count('/predict', 404, 1),
              count('/readiness', 503, 10),
              count('/ops/health', 200, 100),
            ],
            promql_expr_test: rules.map(({ record, expected }) => ({
              expr: record,
              eval_time: '10m',
              exp_samples: [{ labels: record, value: expected }],
            })),
          },
        ],
      }),
    );
    const { stdout } = await run('promtool', ['test', 'rules', testFile]).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`promtool test rules failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    expect(stdout).toContain('SUCCESS');
  });

  it('the alert rules use only exposed metrics and labels, and pass promtool check rules', async () => {
    for (const rule of ruleGroups.flatMap((g) => g.rules)) {
      const annotations = Object.values(rule.annotations ?? {}).join(' ');
      const used = [...annotations.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]!);
      expectExposed(rule.alert ?? rule.record ?? '', rule.expr, exposed, used);
    }
    expect(alertNames).toEqual(
      expect.arrayContaining([
        'DriftwatchHighP99Latency',
        'DriftwatchHigh5xxRate',
        'DriftwatchSdkDroppingTelemetry',
        'DriftwatchSdkExportErrors',
        'DriftwatchGpuMemoryNearFull',
        'DriftwatchGpuHot',
        'DriftwatchEventLoopDelayHigh',
        'DriftwatchPredictionVolumeZero',
      ]),
    );
    const { stdout } = await run('promtool', [
      'check',
      'rules',
      at('dashboards/prometheus/rules/driftwatch.rules.yml'),
    ]);
    expect(stdout).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it('promtool test rules passes, and every alert has a case where it fires', async () => {
    const testsDir = at('dashboards/prometheus/tests');
    const files = readdirSync(testsDir)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join(testsDir, f));
    expect(files.length).toBeGreaterThan(0);
    const { stdout } = await run('promtool', ['test', 'rules', ...files]);
    expect(stdout).toContain('SUCCESS');
    const firing = new Set(
      files.flatMap((file) =>
        readYaml<{
          tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
        }>(file).tests.flatMap((t) =>
          (t.alert_rule_test ?? []).filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname),
        ),
      ),
    );
    for (const alert of alertNames) expect(firing, alert).toContain(alert);
  });

  it('prometheus.yml passes promtool check config with its rule files resolved', async () => {
    const { stdout } = await run('promtool', [
      'check',
      'config',
      at('dashboards/prometheus/prometheus.yml'),
    ]);
    expect(stdout).toContain('is valid prometheus config file syntax');
    expect(stdout).toMatch(/SUCCESS: [1-9]\d* rule files found/);
    expect(stdout).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it.skipIf(!existsOnPath('amtool'))(
    'alertmanager.yml passes amtool check-config and routes to the webhook',
    async () => {
      const { stdout } = await run('amtool', [
        'check-config',
        at('dashboards/alertmanager/alertmanager.yml'),
      ]);
      expect(stdout).toContain('SUCCESS');
      const config = readYaml<{
        receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
      }>(at('dashboards/alertmanager/alertmanager.yml'));
      const url = new URL(config.receivers[0]!.webhook_configs![0]!.url);
      expect(compose.services).toHaveProperty(url.hostname);
    },
  );

  it('the README explains every alert', () => {
    const readme = readFileSync(at('dashboards/README.md'), 'utf8');
    for (const alert of alertNames) expect(readme, alert).toContain(alert);
    // driftwatch_model_predictions_total counts before sampling (prediction-count-sampling.test.ts
    // in the SDK): a sample ratio of 0 is no cause of this alert.
    const volumeRow = readme
      .split('\n')
      .find((line) => line.includes('`DriftwatchPredictionVolumeZero`'));
    expect(volumeRow).toMatch(/before sampling/);
    expect(volumeRow).not.toMatch(/sampling was set to 0/);
  });
});

function existsOnPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((p) => p !== '' && existsSync(join(p, command)));
}

// ---------------------------------------------------------------------------------------------
describe('docker-compose.yml', () => {
  const services = compose.services;
  const env = (service: string) => services[service]?.environment ?? {};

  it('runs the whole stack', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'kafka',
        'clickhouse',
        'collector',
        'credit-risk',
        'prometheus',
        'alertmanager',
        'grafana',
      ]),
    );
    expect(services.kafka!.image).toMatch(/^apache\/kafka:\d/);
    expect(env('kafka').KAFKA_PROCESS_ROLES).toBe('broker,controller');
    const clickhouseVersion = /^clickhouse\/clickhouse-server:(\d+)\./.exec(
      services.clickhouse!.image ?? '',
    )?.[1];
    expect(Number(clickhouseVersion)).toBeGreaterThanOrEqual(24);
    expect(String(env('grafana').GF_INSTALL_PLUGINS)).toContain('grafana-clickhouse-datasource');
  });

  it('every build context holds its Dockerfile, and every file a Dockerfile copies exists', () => {
    const built = Object.entries(services).filter(([, s]) => s.build);
    expect(built.map(([name]) => name).sort()).toEqual(['collector', 'credit-risk']);
    for (const [name, service] of built) {
      const context = resolve(ROOT, service.build!.context);
      const dockerfile = join(context, service.build!.dockerfile ?? 'Dockerfile');
      expect(statSync(context).isDirectory(), name).toBe(true);
      expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
      for (const line of readFileSync(dockerfile, 'utf8').split('\n')) {
        const copy = /^COPY\s+(?!--from)(.+)$/.exec(line.trim());
        if (!copy) continue;
        const sources = copy[1]!.split(/\s+/).slice(0, -1);
        for (const source of sources)
          expect(existsSync(join(context, source)), `${name}: COPY ${source}`).toBe(true);
      }
    }
  });

  it('the images start the built entry points', () => {
    const collector = readFileSync(at('collector/Dockerfile'), 'utf8');
    expect(collector).toMatch(/ENTRYPOINT \["node", "dist\/cli\.js"\]\s+CMD \["serve"\]/);
    expect(existsSync(at('collector/src/cli.ts'))).toBe(true);
    const example = readFileSync(at('examples/credit-risk/Dockerfile'), 'utf8');
    expect(example).toContain('CMD ["node", "dist/service.js"]');
    expect(existsSync(at('examples/credit-risk/src/service.ts'))).toBe(true);
  });

  it('every bind mount exists, and every volume is declared', () => {
    const declared = Object.keys(
      (compose as unknown as { volumes?: Record<string, unknown> }).volumes ?? {},
    );
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.') || source.startsWith('/'))
          expect(existsSync(resolve(ROOT, source)), `${name}: ${source}`).toBe(true);
        else expect(declared, `${name}: ${source}`).toContain(source);
      }
    }
  });

  it('depends_on names real services; "healthy" conditions have a healthcheck', () => {
    const conditions = new Set([
      'service_started',
      'service_healthy',
      'service_completed_successfully',
    ]);
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services, `${name} → ${dependency}`).toHaveProperty(dependency);
        expect(conditions, `${name} → ${dependency}`).toContain(condition);
        if (condition === 'service_healthy')
          expect(services[dependency]!.healthcheck, `${dependency} healthcheck`).toBeDefined();
      }
    }
    expect(services.collector!.depends_on?.clickhouse?.condition).toBe('service_healthy');
    expect(services['credit-risk']!.depends_on?.collector?.condition).toBe('service_healthy');
  });

  it('the services point at each other consistently', () => {
    const clickhouseUrl = new URL(String(env('collector').DRIFTWATCH_CLICKHOUSE_URL));
    expect(clickhouseUrl.hostname).toBe('clickhouse');
    expect(services.clickhouse!.image).toBeDefined();
    const collectorUrl = new URL(String(env('credit-risk').DRIFTWATCH_COLLECTOR_URL));
    expect(collectorUrl.hostname).toBe('collector');
    expect(collectorUrl.port).toBe(String(env('collector').DRIFTWATCH_PORT));
    expect(String(env('credit-risk').DRIFTWATCH_TRANSPORT)).toMatch(
      /^\$\{DRIFTWATCH_TRANSPORT:-(http|kafka)\}$|^(http|kafka)$/,
    );
    const brokers = String(env('credit-risk').DRIFTWATCH_KAFKA_BROKERS).split(',');
    expect(brokers).toEqual(['kafka:9092']);
    expect(String(env('kafka').KAFKA_ADVERTISED_LISTENERS)).toContain('//kafka:9092');
    // Prometheus scrapes the example's SDK metrics port and alerts through the compose Alertmanager.
    const prometheus = readYaml<{
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    }>(at('dashboards/prometheus/prometheus.yml'));
    const targets = prometheus.scrape_configs.flatMap((c) =>
      c.static_configs.flatMap((s) => s.targets),
    );
    expect(targets).toContain(`credit-risk:${env('credit-risk').DRIFTWATCH_METRICS_PORT}`);
    for (const target of targets) {
      const host = target.split(':')[0]!;
      if (host !== 'localhost') expect(services, target).toHaveProperty(host);
    }
    expect(prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual([
      'alertmanager:9093',
    ]);
    const prometheusVolumes = services.prometheus!.volumes ?? [];
    expect(prometheusVolumes).toContain('./dashboards/prometheus:/etc/prometheus:ro');
    expect(services.alertmanager!.volumes).toContain(
      './dashboards/alertmanager:/etc/alertmanager:ro',
    );
  });

  it('the example gets the time its shutdown flush may take before Docker kills it', () => {
    // service.ts flushes queued telemetry on SIGTERM with this deadline; Docker sends SIGKILL
    // after stop_grace_period (10 s when unset), which would cut the flush short.
    const flushMs = Number(
      /monitor\.shutdown\(\{ timeoutMs: ([\d_]+) \}\)/
        .exec(readFileSync(at('examples/credit-risk/src/service.ts'), 'utf8'))?.[1]
        ?.replaceAll('_', ''),
    );
    expect(flushMs).toBeGreaterThan(0);
    const grace = /^(\d+)(s|m)$/.exec(services['credit-risk']!.stop_grace_period ?? '10s');
    expect(grace, services['credit-risk']!.stop_grace_period).not.toBeNull();
    const graceMs = Number(grace![1]) * (grace![2] === 'm' ? 60_000 : 1000);
    // Room for app.close() before the flush starts.
    expect(graceMs).toBeGreaterThanOrEqual(flushMs + 5000);
  });

  it("kafka-init creates exactly the SDK's default topics and the collector's DLQ", () => {
    const sdkTopics = resolveKafkaOptions({ brokers: 'kafka:9092' }, {}).topics;
    const collectorKafka = resolveCollectorOptions(
      {},
      { DRIFTWATCH_KAFKA_BROKERS: 'kafka:9092' },
    ).kafka!;
    // The collector consumes what the SDK produces, by default.
    expect(collectorKafka.topics).toEqual(sdkTopics);
    const defaults = [...Object.values(sdkTopics), collectorKafka.deadLetterTopic].sort();
    const command = ([] as string[]).concat(services['kafka-init']?.command ?? []).join('\n');
    const created = /for topic in ([^;]+);/.exec(command)?.[1]?.trim().split(/\s+/).sort();
    expect(created).toEqual(defaults);
  });

  it('the collector consumes the Kafka topics once kafka-init made them', () => {
    expect(String(env('collector').DRIFTWATCH_KAFKA_BROKERS).split(',')).toEqual(['kafka:9092']);
    expect(services.collector!.depends_on?.['kafka-init']?.condition).toBe(
      'service_completed_successfully',
    );
  });
});
