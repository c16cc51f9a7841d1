/**
 * monitor.span from JavaScript callers: a name that is not a string becomes the span's string
 * name (the span ends, its byte estimate stays a number, fn's result comes back), one with no
 * string form a described one; attributes that throw when read are left out, never thrown; a thrown value
 * with no string form reaches the caller as it was thrown, and the span still ends as an error;
 * a thenable that is not a Promise is awaited like one; no function is a clear error.
 */
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { init, SdkErrorCodes, type MemoryTransport } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const monitor = init(
  {
    serviceName: 'monitor-span-test',
    transport: { type: 'memory' },
    logs: { destination: captureLogs().destination },
    diagnostics: { destination: captureLogs().destination },
    metrics: { enabled: false },
  },
  {},
);
afterAll(() => monitor.shutdown());

/** A Proxy already revoked: every operation on it throws, Array.isArray included. */
function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('monitor.span', () => {
  it.each([
    [42, '42'],
    [undefined, 'undefined'],
    [null, 'null'],
  ])('named %j: runs fn, returns its result, exports a span named %j', async (name, exported) => {
    expect(monitor.span(name as never, () => 'result')).toBe('result');
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans');
    expect(spans.at(-1)?.name).toBe(exported);
    expect(monitor.stats.dropped.invalid).toBe(0);
  });

  it.each([
    [
      'a throwing toString',
      {
        toString: (): never => {
          throw new Error('no name');
        },
      },
      'an object',
    ],
    [
      'a Proxy that throws on every read',
      new Proxy(
        {},
        {
          get: (): never => {
            throw new Error('trap');
          },
        },
      ),
      'an object',
    ],
    ['a revoked Proxy', revokedProxy(), 'a revoked proxy'],
  ])(
    'named by %s: runs fn, returns its result, exports a span, throws nothing',
    async (_, name, exported) => {
      expect(monitor.span(name as never, () => 'result')).toBe('result');
      await monitor.flush();
      expect((monitor.transport as MemoryTransport).items('spans').at(-1)?.name).toBe(exported);
    },
  );

  it.each([
    [
      'a throwing getter',
      {
        get model(): never {
          throw new Error('getter');
        },
      },
    ],
    [
      'a Proxy that throws on every read',
      new Proxy(
        {},
        {
          ownKeys: (): never => {
            throw new Error('trap');
          },
        },
      ),
    ],
  ])(
    'attributes with %s: runs fn, returns its result, the span is exported without them',
    async (label, attributes) => {
      const name = `attributes-${label}`;
      expect(monitor.span(name, () => 'result', attributes as never)).toBe('result');
      await monitor.flush();
      const span = (monitor.transport as MemoryTransport)
        .items('spans')
        .find((item) => item.name === name);
      expect(span).toBeDefined();
      expect(span?.attributes).toBeUndefined();
    },
  );

  it('attributes beside one that throws: the readable ones are kept', async () => {
    const attributes = {
      model: 'risk',
      get broken(): never {
        throw new Error('getter');
      },
      tags: new Proxy(['a', 'b'], {
        get: (target, key): unknown => {
          if (key === '1') throw new Error('element');
          return Reflect.get(target, key) as unknown;
        },
      }),
      'model.version': 3,
    };
    expect(monitor.span('partly-readable', () => 'result', attributes as never)).toBe('result');
    await monitor.flush();
    const span = (monitor.transport as MemoryTransport)
      .items('spans')
      .find((item) => item.name === 'partly-readable');
    expect(span?.attributes).toEqual({ model: 'risk', 'model.version': 3 });
  });

  it.each([
    ['synchronously', false],
    ['as a rejection', true],
  ])(
    'a thrown value with no string form, %s: the caller gets it, the span ends',
    async (_, async) => {
      const hostile: unknown = Object.create(null);
      const failing = (): unknown => {
        if (async) return Promise.reject(hostile);
        throw hostile;
      };
      let caught: unknown;
      try {
        await monitor.span(`hostile-${String(async)}`, failing);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(hostile);
      await monitor.flush();
      const span = (monitor.transport as MemoryTransport)
        .items('spans')
        .find((item) => item.name === `hostile-${String(async)}`);
      expect(span?.status).toEqual({ code: 'ERROR' });
    },
  );

  it.each([
    ['a string', 'model not loaded', 'model not loaded'],
    ['a plain object with a message', { code: 'E_TIMEOUT', message: 'timed out' }, 'timed out'],
    ['a number', 503, '503'],
  ])(
    'a thrown value that is no Error (%s): status ERROR and an exception event with its message',
    async (_, thrown, message) => {
      const name = `non-error-${message}`;
      await expect(monitor.span(name, () => Promise.reject(thrown))).rejects.toBe(thrown);
      await monitor.flush();
      const span = (monitor.transport as MemoryTransport)
        .items('spans')
        .find((item) => item.name === name);
      expect(span?.status).toEqual({ code: 'ERROR', message });
      expect(span?.events).toEqual([
        {
          name: 'exception',
          timeUnixNano: expect.any(String),
          attributes: { 'exception.message': message },
        },
      ]);
    },
  );

  it('a thenable that is not a Promise: its value comes back and the span ends, whatever its then returns', async () => {
    const thenable = {
      then(resolve: (value: number) => void) {
        setTimeout(() => resolve(42), 5);
        // A then that returns nothing: valid for await, not a Promise.
      },
    };
    await expect(monitor.span('thenable', () => thenable)).resolves.toBe(42);
    const broken = {
      then() {
        throw new RangeError('then failed');
      },
    };
    await expect(monitor.span('thenable-broken', () => broken)).rejects.toThrow('then failed');
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans');
    const ended = spans.find((span) => span.name === 'thenable');
    expect(ended).toBeDefined();
    expect(ended?.status?.code).not.toBe('ERROR');
    expect(spans.find((span) => span.name === 'thenable-broken')?.status).toMatchObject({
      code: 'ERROR',
      message: 'then failed',
    });
  });

  it("a lazy thenable (a query builder) does its work in the span's context", async () => {
    let spanId: string | undefined;
    const lazy = {
      then(resolve: (value: unknown) => void) {
        // The query starts here: its lines and child spans belong to the span.
        const child = monitor.tracer.startSpan('query');
        child.end();
        resolve(monitor.activeContext()?.spanId);
      },
    };
    const inThen = await monitor.span('lazy', (span) => {
      spanId = span.spanContext().spanId;
      return lazy;
    });
    expect(inThen).toBe(spanId);
    await monitor.flush();
    const query = (monitor.transport as MemoryTransport)
      .items('spans')
      .find((item) => item.name === 'query');
    expect(query?.parentSpanId).toBe(spanId);
  });

  it('a result whose then getter throws: the caller gets that error, the span ends as an error', async () => {
    const hostile = {
      get then(): never {
        throw new TypeError('no then here');
      },
    };
    expect(() => monitor.span('then-getter', () => hostile)).toThrow('no then here');
    await monitor.flush();
    const span = (monitor.transport as MemoryTransport)
      .items('spans')
      .find((item) => item.name === 'then-getter');
    expect(span?.status).toMatchObject({ code: 'ERROR', message: 'no then here' });
  });

  it('without a function: a clear error naming the argument, and no span', async () => {
    await monitor.flush();
    const before = (monitor.transport as MemoryTransport).items('spans').length;
    expect(() => monitor.span('no-work', 42 as never)).toThrow(
      expect.objectContaining({
        code: SdkErrorCodes.INVALID_ARGUMENT,
        message: 'monitor.span: fn must be a function, got 42',
      }),
    );
    // A value without a string form is described, not converted (which would throw).
    expect(() => monitor.span('no-work', Object.create(null) as never)).toThrow(
      'monitor.span: fn must be a function, got an object',
    );
    await monitor.flush();
    expect((monitor.transport as MemoryTransport).items('spans')).toHaveLength(before);
  });
});

describe("monitor.span's times", () => {
  it("are on the request span's clock: within their parent, to the nanosecond", async () => {
    const request = monitor.http.start({ method: 'POST', path: '/predict', headers: {} });
    // Started microseconds after their parent: on OTel's own clock (Date.now(), whole
    // milliseconds) most started before it.
    for (let i = 0; i < 20; i += 1)
      monitor.contextStorage.run(request.store, () => monitor.span('step', () => i));
    request.end({ statusCode: 200, route: '/predict' });
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans');
    const parent = spans.find((span) => span.spanId === request.store.span.spanContext().spanId);
    const children = spans.filter((span) => span.parentSpanId === parent?.spanId);
    expect(children).toHaveLength(20);
    const start = BigInt(parent!.startTimeUnixNano);
    const end = BigInt(parent!.endTimeUnixNano);
    for (const child of children) {
      expect(BigInt(child.startTimeUnixNano)).toBeGreaterThanOrEqual(start);
      expect(BigInt(child.endTimeUnixNano)).toBeLessThanOrEqual(end);
      expect(BigInt(child.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(child.startTimeUnixNano));
    }
    expect(children.some((child) => !child.startTimeUnixNano.endsWith('000000'))).toBe(true);
  });
});

describe('addReadinessCheck', () => {
  it('refuses a check that is not a function, or no name, with a clear error', async () => {
    expect(() => monitor.addReadinessCheck('db', 42 as never)).toThrow(
      'addReadinessCheck: check must be a function, got 42',
    );
    expect(() => monitor.addReadinessCheck('', () => true)).toThrow(
      'addReadinessCheck: name must be a non-empty string, got ""',
    );
    expect(await monitor.readiness()).toMatchObject({ checks: {} });
  });
});

describe("monitor.span's result", () => {
  it('is typed and made as it comes back: a value as is, a thenable as a native Promise', async () => {
    expectTypeOf(monitor.span('sync', () => 1)).toEqualTypeOf<number>();
    expectTypeOf(monitor.span('async', async () => 'a')).toEqualTypeOf<Promise<string>>();
    const thenable: PromiseLike<number> = { then: (resolve) => Promise.resolve(7).then(resolve) };
    expectTypeOf(monitor.span('thenable', () => thenable)).toEqualTypeOf<Promise<number>>();

    class Cancellable<T> extends Promise<T> {
      cancel(): void {}
    }
    const given = new Cancellable<number>((resolve) => resolve(3));
    const result = monitor.span('subclass', () => given);
    // Awaited once: a new native Promise, without the subclass's own methods.
    expect(Object.getPrototypeOf(result)).toBe(Promise.prototype);
    expect(await result).toBe(3);
    let thenCalls = 0;
    const lazy = {
      then(resolve: (value: number) => void) {
        thenCalls += 1;
        resolve(9);
      },
    };
    expect(await monitor.span('lazy', () => lazy)).toBe(9);
    // A lazy builder (a query that runs on then) runs once.
    expect(thenCalls).toBe(1);
  });
});
