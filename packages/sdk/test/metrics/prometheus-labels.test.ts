import { describe, expect, it } from 'vitest';
import { prometheusLabelName, prometheusLabels } from '../../src/metrics/prometheus-labels.js';

describe('prometheusLabelName', () => {
  it('keeps a valid name and replaces what a label name may not hold', () => {
    expect(prometheusLabelName('service_name')).toBe('service_name');
    expect(prometheusLabelName('service.name')).toBe('service_name');
    expect(prometheusLabelName('has space"quote')).toBe('has_space_quote');
  });

  it('puts key_ before a leading digit and writes runs of _ as one, as the exporter would', () => {
    expect(prometheusLabelName('9zone')).toBe('key_9zone');
    expect(prometheusLabelName('1.x')).toBe('key_1_x');
    expect(prometheusLabelName('a..b')).toBe('a_b');
    expect(prometheusLabelName('__reserved')).toBe('_reserved');
    expect(prometheusLabelName('ключ')).toBe('_');
  });

  it('puts key_ before the names Prometheus keeps for buckets and quantiles (promtool refuses them)', () => {
    expect(prometheusLabelName('le')).toBe('key_le');
    expect(prometheusLabelName('quantile')).toBe('key_quantile');
    expect(prometheusLabelName('les')).toBe('les');
  });
});

describe('prometheusLabels', () => {
  it('joins the values of keys that meet in one name with ; in the keys order', () => {
    expect(prometheusLabels({ 'k8s.pod.name': 'y', 'k8s.pod-name': 'x', other: 'z' })).toEqual({
      k8s_pod_name: 'x;y',
      other: 'z',
    });
    expect(prometheusLabels({ ключ: '1', значение: '2' })).toEqual({ _: '2;1' });
  });

  it('writes non-string values as JSON and skips undefined ones', () => {
    expect(prometheusLabels({ 'process.pid': 42, flags: [1, 2], gone: undefined })).toEqual({
      process_pid: '42',
      flags: '[1,2]',
    });
  });
});
