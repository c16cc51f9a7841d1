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

interface LazyChild {
  readonly bindings: Bindings;
  readonly options: ChildLoggerOptions;
  real: Logger | undefined;
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
    (lazy.real ??= parent.child(lazy.bindings, lazy.options) as unknown as Logger);
  const threshold = (lazy: LazyChild): number => {
    const level = lazy.options.level;
    return level === undefined ? parent.levelVal : (parent.levels.values[level] ?? Infinity);
  };
  for (const name of LEVEL_METHODS) {
    const value = parent.levels.values[name] ?? 0;
    proto[name] = function (this: LazyChild, ...args: unknown[]): void {
      if (this.real === undefined && value < threshold(this)) return;
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
      return this.real?.level ?? this.options.level ?? parent.level;
    },
    set(this: LazyChild, level: string) {
      realize(this).level = level;
    },
  });
  Object.defineProperty(proto, 'levelVal', {
    get(this: LazyChild) {
      return this.real?.levelVal ?? threshold(this);
    },
  });

  // A class over that prototype: every child has the same three-field shape.
  class Child implements LazyChild {
    real: Logger | undefined = undefined;
    constructor(
      readonly bindings: Bindings,
      readonly options: ChildLoggerOptions,
    ) {}
  }
  Object.setPrototypeOf(Child.prototype, proto);
  return (bindings, options) => new Child(bindings, options) as unknown as Logger;
}
