/**
 * A log call never throws into the host and never writes a line that is not JSON: pino alone
 * writes a symbol message raw (`"msg":undefined`), throws on `'%d'` with a symbol, and throws
 * when a getter or a Proxy of the caller's object throws while the line is serialized.
 */
import { expect, it } from 'vitest';
import { logExportMonitor } from '../support/log-export-monitor.js';

const { monitor, logs, exported } = logExportMonitor('hostile-log-calls-test');

it('a symbol message is written as its text, in the line and the exported record', async () => {
  monitor.logger.info(Symbol('alone'));
  expect(logs.lines.at(-1)).toMatchObject({ level: 30, msg: 'Symbol(alone)' });
  monitor.logger.warn({ model: 'm1' }, Symbol('after-object') as unknown as string);
  expect(logs.lines.at(-1)).toMatchObject({ level: 40, model: 'm1', msg: 'Symbol(after-object)' });
  monitor.logger.child({ part: 'c' }).info(Symbol('child'));
  expect(logs.lines.at(-1)).toMatchObject({ part: 'c', msg: 'Symbol(child)' });
  expect((await exported('Symbol(alone)'))?.severityText).toBe('INFO');
  expect((await exported('Symbol(after-object)'))?.attributes).toMatchObject({ model: 'm1' });
});

it("'%d' with a symbol argument does not throw", () => {
  expect(() => monitor.logger.info('%d items', Symbol('n') as unknown as number)).not.toThrow();
  expect(logs.lines.at(-1)).toMatchObject({ msg: 'NaN items' });
});

const hostile: Array<[string, () => object]> = [
  [
    'a getter that throws',
    () => ({
      model: 'm2',
      get secret(): string {
        throw new Error('getter refused');
      },
    }),
  ],
  [
    'a Proxy whose keys throw',
    () =>
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('proxy refused');
          },
        },
      ),
  ],
];

it.each(hostile)('an object with %s: the line keeps its message and says why', async (_, make) => {
  const before = logs.lines.length;
  expect(() => monitor.logger.error(make(), 'scoring failed')).not.toThrow();
  expect(logs.lines.length).toBe(before + 1);
  const line = logs.lines.at(-1);
  expect(line).toMatchObject({ level: 50, msg: 'scoring failed' });
  expect(String(line?.log_error)).toMatch(
    /^the log call's arguments threw: (getter|proxy) refused$/,
  );
  expect((await exported('scoring failed'))?.severityText).toBe('ERROR');
});

it('an error whose message getter throws is still described', () => {
  const error = new Error('x');
  Object.defineProperty(error, 'message', {
    get() {
      throw new Error('no message');
    },
  });
  const target = {
    get field(): string {
      throw error;
    },
  };
  expect(() => monitor.logger.info(target, 'odd error')).not.toThrow();
  expect(logs.lines.at(-1)).toMatchObject({
    msg: 'odd error',
    log_error: "the log call's arguments threw: an error with no string form",
  });
});

it('child() and setBindings() with bindings that throw when read do not throw; the lines say why', () => {
  const bindings = {
    get tenant(): string {
      throw new Error('tenant refused');
    },
  };
  let child: ReturnType<typeof monitor.logger.child> | undefined;
  expect(() => {
    child = monitor.logger.child(bindings);
  }).not.toThrow();
  child?.info('from the child');
  expect(logs.lines.at(-1)).toMatchObject({
    msg: 'from the child',
    log_bindings_error: "the logger's bindings threw: tenant refused",
  });
  // A grandchild is made from its own parent, with that parent's bindings.
  child?.child({ part: 'g' }).info('from the grandchild');
  expect(logs.lines.at(-1)).toMatchObject({ part: 'g', log_bindings_error: expect.any(String) });
  const other = monitor.logger.child({ part: 'o' });
  expect(() => other.setBindings(bindings)).not.toThrow();
  other.info('after setBindings');
  expect(logs.lines.at(-1)).toMatchObject({
    msg: 'after setBindings',
    log_bindings_error: expect.any(String),
  });
  // Bad options are the host's set-up, refused as pino refuses them.
  expect(() => monitor.logger.child({}, { level: 'nope' })).toThrow(/unknown level/);
});
