/**
 * Resource attributes as Prometheus labels of `target_info`. The exporter only replaces the
 * characters a label name may not hold, so a key it accepts from the host (`resourceAttributes`,
 * `OTEL_RESOURCE_ATTRIBUTES`) could still make a name that starts with a digit, or two keys the
 * same name (`k8s.pod-name` and `k8s.pod.name`; any two non-Latin keys): either makes the whole
 * exposition invalid, and Prometheus then drops every series of the scrape, not only this one.
 * Names follow OpenTelemetry's Prometheus compatibility rules: other characters become `_`, runs
 * of `_` one (as the exporter writes them, so that it leaves these names as they are), a name
 * starting with a digit, or named `le` or `quantile`, gets `key_` before it, and keys that meet in one name have their values
 * joined with `;`, in the order of the keys.
 */
import type { AttributeValue, Attributes } from '@opentelemetry/api';

const NOT_LABEL_CHARACTER = /[^a-zA-Z0-9_]/g;
const UNDERSCORES = /_{2,}/g;
// Labels Prometheus keeps for histogram buckets and summary quantiles: on `target_info`, a gauge,
// promtool refuses them. An empty key would make an empty name.
const RESERVED = new Set(['le', 'quantile', '']);

/** The Prometheus label name of an attribute key. */
export function prometheusLabelName(key: string): string {
  const name = key.replace(NOT_LABEL_CHARACTER, '_').replace(UNDERSCORES, '_');
  return /^[0-9]/.test(name) || RESERVED.has(name) ? `key_${name}` : name;
}

function text(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `attributes` keyed by their label names, colliding keys' values joined in key order. */
export function prometheusLabels(attributes: Attributes): Record<string, string> {
  const labels: Record<string, string> = {};
  const keys = Object.keys(attributes).sort();
  for (const key of keys) {
    const value = attributes[key];
    if (value === undefined) continue;
    const name = prometheusLabelName(key);
    const held = labels[name];
    labels[name] = held === undefined ? text(value) : `${held};${text(value)}`;
  }
  return labels;
}
