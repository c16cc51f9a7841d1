/**
 * Fastify makes a child logger per request (`request.log`, bound to its `reqId`). With redaction
 * on, pino serializes and redacts the bindings of every child, about 2 µs per request, although
 * most requests never log through `request.log`. These children are created on their first use.
 */
import type { Logger } from '@driftwatch/sdk';

type Bindings = Parameters<Logger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<Logger['child']>[1]>;

const LEVEL_METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const DELEGATED = ['child', 'isLevelEnabled', 'bindings', 'setBindings', 'flush'] as const;

// The child's own state, under symbols: a field named `bindings` would hide pino's `bindings()`.
const kBindings = Symbol('driftwatch.lazyBindings');
const kOptions = Symbol('driftwatch.lazyOptions');
const kReal = Symbol('driftwatch.lazyReal');

interface LazyChild {
  readonly [kBindings]: Bindings;
  readonly [kOptions]: ChildLoggerOptions;
  [kReal]: Logger | undefined;
}

type LazyFactory = (bindings: Bindings, options: ChildLoggerOptions) => Logger;

/**
 * A factory of lazy children of `parent`. A child answers like `parent.child(bindings, options)`:
 * its methods create that child on first use (a log call below the level creates nothing);
 * anything else pino offers is read from `parent` through the prototype chain.
 */
export function lazyChildFactory(parent: Logger): LazyFactory {
  // Not a pino logger (no level table): plain children.
  if (typeof (parent as Partial<Logger>).levels?.values !== 'object') {
    return (bindings, options) => parent.child(bindings, options) as unknown as Logger;
  }
  const proto = Object.create(parent) as Record<string, unknown>;
  const realize = (lazy: LazyChild): Logger =>
    (lazy[kReal] ??= parent.child(lazy[kBindings], lazy[kOptions]) as unknown as Logger);
  const threshold = (lazy: LazyChild): number => {
    const level = lazy[kOptions].level;
    return level === undefined ? parent.levelVal : (parent.levels.values[level] ?? Infinity);
  };
  for (const name of LEVEL_METHODS) {
    const value = parent.levels.values[name] ?? 0;
    proto[name] = function (this: LazyChild, ...args: unknown[]): void {
      if (this[kReal] === undefined && value < threshold(this)) return;
      const real = realize(this);
      (real[name] as (...a: unknown[]) => void).apply(real, args);
    };
  }
  proto.silent = () => undefined;
  for (const name of DELEGATED) {
    proto[name] = function (this: LazyChild, ...args: unknown[]): unknown {
      const real = realize(this);
      return (real[name] as (...a: unknown[]) => unknown).apply(real, args);
    };
  }
  Object.defineProperty(proto, 'level', {
    get(this: LazyChild) {
      return this[kReal]?.level ?? this[kOptions].level ?? parent.level;
    },
    set(this: LazyChild, level: string) {
      realize(this).level = level;
    },
  });
  Object.defineProperty(proto, 'levelVal', {
    get(this: LazyChild) {
      return this[kReal]?.levelVal ?? threshold(this);
    },
  });

  // A class over that prototype: every child has the same three-field shape.
  class Child implements LazyChild {
    [kReal]: Logger | undefined = undefined;
    readonly [kBindings]: Bindings;
    readonly [kOptions]: ChildLoggerOptions;
    constructor(bindings: Bindings, options: ChildLoggerOptions) {
      this[kBindings] = bindings;
      this[kOptions] = options;
    }
  }
  Object.setPrototypeOf(Child.prototype, proto);
  return (bindings, options) => new Child(bindings, options) as unknown as Logger;
}
