/**
 * What Grafana and the grafana-clickhouse-datasource plugin (v4) do to a panel's SQL before it
 * reaches ClickHouse: the plugin's `$__` macros, then dashboard variables. A macro this file
 * does not know is an error, so a dashboard cannot use one that the tests never expanded.
 */

export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
  /** Grafana's `$__interval` for the panel, in seconds. */
  readonly intervalS: number;
}

/** A variable's current value: `'all'` is Grafana's "All" option of a multi-value variable. */
export type VariableValue = string | readonly string[] | 'all';

export interface VariableBinding {
  readonly value: VariableValue;
  /** Every value the variable can take (what "All" stands for). */
  readonly options: readonly string[];
}

export type Variables = Readonly<Record<string, VariableBinding>>;

/** Splits `a, f(b, c)` at top-level commas. */
function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}

/** Replaces each `$__name(args)` call, innermost-safe, using balanced parentheses. */
function replaceCalls(sql: string, name: string, expand: (args: string[]) => string): string {
  const marker = `$__${name}(`;
  let out = sql;
  for (let at = out.indexOf(marker); at !== -1; at = out.indexOf(marker, at)) {
    let depth = 0;
    let end = -1;
    for (let i = at + marker.length - 1; i < out.length; i++) {
      if (out[i] === '(') depth++;
      else if (out[i] === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) throw new Error(`unbalanced parentheses after ${marker} in: ${sql}`);
    const replacement = expand(splitArguments(out.slice(at + marker.length, end)));
    out = out.slice(0, at) + replacement + out.slice(end + 1);
    at += replacement.length;
  }
  return out;
}

function isAll(variables: Variables, reference: string): boolean {
  const name = /^\$\{?(\w+)/.exec(reference.trim())?.[1];
  const binding = name === undefined ? undefined : variables[name];
  if (!binding) throw new Error(`$__conditionalAll refers to an unknown variable: ${reference}`);
  return binding.value === 'all';
}

function values(binding: VariableBinding): readonly string[] {
  if (binding.value === 'all') return binding.options;
  return typeof binding.value === 'string' ? [binding.value] : binding.value;
}

/** Grafana's variable interpolation: `$name`, `${name}`, `${name:singlequote}`, `${name:csv}`. */
export function interpolateVariables(text: string, variables: Variables): string {
  return text.replace(
    /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
    (match, braced?: string, format?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      if (name.startsWith('__')) return match;
      const binding = variables[name];
      if (!binding) throw new Error(`unknown dashboard variable $${name}`);
      const list = values(binding);
      switch (format) {
        case undefined:
        case 'csv':
        case 'raw':
          return list.join(',');
        case 'singlequote':
          return list.map((v) => `'${v.replaceAll("'", "\\'")}'`).join(',');
        case 'doublequote':
          return list.map((v) => `"${v.replaceAll('"', '\\"')}"`).join(',');
        default:
          throw new Error(`variable format ${format} is not expanded by the tests (in ${match})`);
      }
    },
  );
}

/** The plugin's macros (docs: grafana-clickhouse-datasource "Macros"), then the variables. */
export function expandClickHouseSql(sql: string, range: TimeRange, variables: Variables): string {
  const fromS = Math.floor(range.fromMs / 1000);
  const toS = Math.floor(range.toMs / 1000);
  const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  let out = replaceCalls(sql, 'conditionalAll', ([condition, variable]) => {
    if (condition === undefined || variable === undefined)
      throw new Error('$__conditionalAll needs two arguments');
    return isAll(variables, variable) ? '1=1' : condition;
  });
  out = replaceCalls(
    out,
    'timeFilter_ms',
    ([c]) =>
      `${c} >= fromUnixTimestamp64Milli(${range.fromMs}) AND ${c} <= fromUnixTimestamp64Milli(${range.toMs})`,
  );
  out = replaceCalls(
    out,
    'timeFilter',
    ([c]) => `${c} >= toDateTime(${fromS}) AND ${c} <= toDateTime(${toS})`,
  );
  out = replaceCalls(
    out,
    'dateFilter',
    ([c]) =>
      `${c} >= toDate('${isoDate(range.fromMs)}') AND ${c} <= toDate('${isoDate(range.toMs)}')`,
  );
  out = replaceCalls(
    out,
    'timeInterval_ms',
    ([c]) =>
      `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${range.intervalS * 1000} millisecond)`,
  );
  out = replaceCalls(
    out,
    'timeInterval',
    ([c]) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${range.intervalS} second)`,
  );
  out = out
    .replaceAll('$__fromTime_ms', `fromUnixTimestamp64Milli(${range.fromMs})`)
    .replaceAll('$__toTime_ms', `fromUnixTimestamp64Milli(${range.toMs})`)
    .replaceAll('$__fromTime', `toDateTime(${fromS})`)
    .replaceAll('$__toTime', `toDateTime(${toS})`)
    .replaceAll('$__interval_s', String(range.intervalS));
  const unknown = /\$__\w+/.exec(out);
  if (unknown) throw new Error(`macro ${unknown[0]} is not expanded by the tests`);
  return interpolateVariables(out, variables);
}

/** Grafana's PromQL interpolation for checking: range macros get fixed durations, "All" a regex. */
export function expandPromQl(expr: string, variables: Variables): string {
  const out = expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h');
  const unknown = /\$__\w+/.exec(out);
  if (unknown) throw new Error(`macro ${unknown[0]} is not expanded by the tests`);
  const regexVariables = Object.fromEntries(
    Object.entries(variables).map(([name, binding]) => [
      name,
      {
        value: binding.value === 'all' ? '.+' : values(binding).join('|'),
        options: binding.options,
      },
    ]),
  );
  return interpolateVariables(out, regexVariables);
}
