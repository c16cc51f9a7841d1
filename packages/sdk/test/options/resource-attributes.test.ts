/**
 * The resource every signal carries: the process's identity (so that replicas' metric series stay
 * apart), the user's attributes from code or `OTEL_RESOURCE_ATTRIBUTES`, and the service's own
 * options, which fall back on those attributes. Bad input fails at start-up naming the source.
 */
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';
import { buildResource } from '../../src/resource-attributes.js';
import { SDK_VERSION } from '../support/process-resource.js';
import { failure } from '../support/sdk-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resource attributes', () => {
  it('name the process: a random instance id per monitor, the host, the pid and the runtime', () => {
    const options = resolveOptions(
      { serviceName: 'risk', serviceVersion: '3', environment: 'prod' },
      {},
    );
    const first = buildResource(options);
    expect(first).toEqual({
      'service.instance.id': expect.stringMatching(UUID),
      'host.name': hostname(),
      'process.pid': String(process.pid),
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'telemetry.sdk.language': 'nodejs',
      'service.name': 'risk',
      'service.version': '3',
      'deployment.environment.name': 'prod',
      'telemetry.sdk.name': '@driftwatch/sdk',
      'telemetry.sdk.version': SDK_VERSION,
    });
    expect(buildResource(options)['service.instance.id']).not.toBe(first['service.instance.id']);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("take the user's from code, which replace the process's but not the service's identity", () => {
    const options = resolveOptions(
      {
        serviceName: 'risk',
        resourceAttributes: {
          'k8s.pod.name': 'risk-7d9f',
          'host.name': 'node-12',
          'service.instance.id': 'risk-0',
          'telemetry.sdk.name': 'other',
        },
      },
      {},
    );
    expect(options.resourceAttributes['k8s.pod.name']).toBe('risk-7d9f');
    const resource = buildResource(options);
    expect(resource).toMatchObject({
      'k8s.pod.name': 'risk-7d9f',
      'host.name': 'node-12',
      'service.instance.id': 'risk-0',
      'telemetry.sdk.name': '@driftwatch/sdk',
      'service.name': 'risk',
    });
  });

  it('read OTEL_RESOURCE_ATTRIBUTES (percent-encoded), DRIFTWATCH_RESOURCE_ATTRIBUTES first', () => {
    const otel = resolveOptions(
      {},
      { OTEL_RESOURCE_ATTRIBUTES: ' k8s.pod.name = risk-7d9f , team=ml%20platform,,empty=,' },
    );
    expect(otel.resourceAttributes).toEqual({
      'k8s.pod.name': 'risk-7d9f',
      team: 'ml platform',
      empty: '',
    });
    const both = resolveOptions(
      {},
      { DRIFTWATCH_RESOURCE_ATTRIBUTES: 'a=1', OTEL_RESOURCE_ATTRIBUTES: 'b=2' },
    );
    expect(both.resourceAttributes).toEqual({ a: '1' });
    // Code replaces the variables whole.
    const code = resolveOptions(
      { resourceAttributes: { c: '3' } },
      { OTEL_RESOURCE_ATTRIBUTES: 'b=2' },
    );
    expect(code.resourceAttributes).toEqual({ c: '3' });
  });

  it("give the service's options a fallback, as OTel's service.name does", () => {
    const env = {
      OTEL_RESOURCE_ATTRIBUTES:
        'service.name=checkout,service.version=2.1.0,deployment.environment.name=staging',
    };
    expect(resolveOptions({}, env)).toMatchObject({
      serviceName: 'checkout',
      serviceVersion: '2.1.0',
      environment: 'staging',
    });
    // The older deployment.environment, which many platforms still set, when the newer is absent.
    expect(
      resolveOptions({}, { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' }).environment,
    ).toBe('prod');
    expect(
      resolveOptions(
        {},
        {
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=old,deployment.environment.name=new',
        },
      ).environment,
    ).toBe('new');
    // OTEL_SERVICE_NAME comes before the attributes, as in OTel, and after DRIFTWATCH_SERVICE_NAME.
    expect(resolveOptions({}, { ...env, OTEL_SERVICE_NAME: 'otel-name' }).serviceName).toBe(
      'otel-name',
    );
    expect(
      resolveOptions(
        {},
        { ...env, OTEL_SERVICE_NAME: 'otel-name', DRIFTWATCH_SERVICE_NAME: 'ours' },
      ).serviceName,
    ).toBe('ours');
    expect(failure(() => resolveOptions({}, { OTEL_SERVICE_NAME: 'a\u0007b' })).message).toContain(
      'invalid option serviceName (env OTEL_SERVICE_NAME)',
    );
    // The options themselves win, from code or from their own variables.
    expect(
      resolveOptions({ serviceName: 'from-code' }, { ...env, DRIFTWATCH_SERVICE_VERSION: '9' }),
    ).toMatchObject({ serviceName: 'from-code', serviceVersion: '9', environment: 'staging' });
    // Checked as the option is, naming where the value came from.
    const error = failure(() =>
      resolveOptions({}, { OTEL_RESOURCE_ATTRIBUTES: `service.version=${'9'.repeat(65)}` }),
    );
    expect(error.message).toContain(
      'resourceAttributes.service.version (env OTEL_RESOURCE_ATTRIBUTES)',
    );
    expect(
      failure(() => resolveOptions({ resourceAttributes: { 'service.name': '' } }, {})).message,
    ).toContain('invalid option resourceAttributes.service.name: got ""');
  });

  it('refuse bad input at start-up, naming the option, the source and the value', () => {
    const cases: Array<[Parameters<typeof resolveOptions>[0], Record<string, string>, string]> = [
      [
        {},
        { OTEL_RESOURCE_ATTRIBUTES: 'a=1,novalue' },
        'resourceAttributes (env OTEL_RESOURCE_ATTRIBUTES): got "novalue"',
      ],
      [{}, { OTEL_RESOURCE_ATTRIBUTES: '=1' }, 'got "=1"'],
      [
        {},
        { DRIFTWATCH_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' },
        'resourceAttributes (env DRIFTWATCH_RESOURCE_ATTRIBUTES): got "a=%E0%A4%A"',
      ],
      [
        {},
        { OTEL_RESOURCE_ATTRIBUTES: 'a=1%0A2' },
        'resourceAttributes.a (env OTEL_RESOURCE_ATTRIBUTES)',
      ],
      [{ resourceAttributes: { a: 1 as unknown as string } }, {}, 'resourceAttributes.a: got 1'],
      [
        { resourceAttributes: { a: 'x'.repeat(1025) } },
        {},
        'a string of at most 1024 printable characters',
      ],
      [
        { resourceAttributes: { ['k'.repeat(257)]: 'v' } },
        {},
        'attribute keys of 1-256 printable characters',
      ],
      [
        { resourceAttributes: 'a=1' as unknown as Record<string, string> },
        {},
        'resourceAttributes: got "a=1", expected an object',
      ],
      [
        {
          resourceAttributes: Object.fromEntries(
            Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']),
          ),
        },
        {},
        'got "65 attributes", expected at most 64 attributes',
      ],
      // Read from the variable it vanished (set as a prototype); from code it went into every
      // batch, which the collector refuses whole.
      [{}, { OTEL_RESOURCE_ATTRIBUTES: '__proto__=x,a=1' }, 'got "__proto__"'],
      [
        { resourceAttributes: JSON.parse('{"__proto__":"x"}') as Record<string, string> },
        {},
        'resourceAttributes: got "__proto__", expected an attribute key other than __proto__',
      ],
    ];
    for (const [input, env, message] of cases) {
      const error = failure(() => resolveOptions(input, env));
      expect(error.code).toBe('DW_SDK_INVALID_OPTION');
      expect(error.message).toContain(message);
    }
  });
});

describe('through the transport', () => {
  let monitor: Monitor | undefined;
  afterEach(async () => {
    await monitor?.shutdown({ timeoutMs: 1000 });
  });

  it('every batch carries the resource', async () => {
    monitor = init(
      {
        serviceName: 'resource-test',
        transport: { type: 'memory' },
        metrics: { enabled: false },
        logs: { export: true, destination: { write: () => undefined } },
      },
      { OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=resource-test-0' },
    );
    monitor.logger.info('hello');
    monitor.logPrediction({ model: 'm', modelVersion: '1', features: { x: 1 }, prediction: 0 });
    await monitor.flush();
    const { batches } = monitor.transport as MemoryTransport;
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch.resource).toMatchObject({
        'service.name': 'resource-test',
        'k8s.pod.name': 'resource-test-0',
        'service.instance.id': expect.stringMatching(UUID),
      });
    }
  });
});
