/**
 * The full route pattern of a request: for `app.use('/api/users/:userId', router)` Express gives
 * `baseUrl` `/api/users/1000`, and a route built from it would carry one value per user into
 * `http.route` (span names, histogram series); once a route passed an error on, `baseUrl` is no
 * longer the route's at all. This walks the app's router stack (Express 5, `router` 2.x layers)
 * to find the patterns that were matched.
 */

/** Mounts nested deeper than this are not followed (a router mounted inside itself would loop). */
const MAX_MOUNT_DEPTH = 16;

/** The parts of a `router` 2.x Layer read here; internals, so every field is checked before use. */
interface Layer {
  /** The pattern given to `use()` or `route()`: a string, a RegExp or a (flattened) array. */
  readonly rawPath?: unknown;
  /** Matchers built from `rawPath`: pure `(path) => false | { path, params }`. */
  readonly matchers?: unknown;
  /** True for a `use()` at `/`: it matches every path and consumes nothing. */
  readonly slash?: unknown;
  /** Set on the layers of `route()`/`get()`…; those are routes, not mounts. */
  readonly route?: unknown;
  readonly handle?: unknown;
}

type Matcher = (path: string) => false | { readonly path: string };

/** An Express application, as far as it is read here. */
interface App {
  readonly router: { readonly stack: unknown };
  /** The app this one was last mounted on with `app.use()`. */
  readonly parent?: unknown;
}

/** A router stack to search and the app whose tree it belongs to. */
interface Scope {
  readonly stack: readonly Layer[];
  readonly app: App;
}

function isApp(value: unknown): value is App {
  if (typeof value !== 'function') return false;
  const { handle, set, router } = value as { handle?: unknown; set?: unknown; router?: unknown };
  return (
    typeof handle === 'function' &&
    typeof set === 'function' &&
    Array.isArray((router as { stack?: unknown } | undefined)?.stack)
  );
}

/** The app and the apps it is mounted under, innermost first. */
function appChain(app: unknown): App[] {
  const chain: App[] = [];
  for (let current = app; isApp(current) && !chain.includes(current); current = current.parent) {
    chain.push(current);
  }
  return chain;
}

/**
 * The stacks a mount layer leads into: a router's own stack, an app mounted into a router, or a
 * sub-app mounted with `app.use()`. Express hides the latter behind a `mounted_app` closure, so
 * its candidates are the known apps (those the request passed through) whose parent owns the layer.
 */
function scopesBehind(layer: Layer, owner: App, knownApps: readonly App[]): Scope[] {
  const { handle } = layer;
  const stack = (handle as { stack?: unknown } | undefined)?.stack;
  if (typeof handle === 'function' && Array.isArray(stack)) return [{ stack, app: owner }];
  if (isApp(handle)) return [{ stack: handle.router.stack as Layer[], app: handle }];
  if (typeof handle === 'function' && handle.name === 'mounted_app') {
    return knownApps
      .filter((app) => app.parent === owner)
      .map((app) => ({ stack: app.router.stack as Layer[], app }));
  }
  return [];
}

/**
 * The part of `path` that a mount layer's matcher consumes, as the router checks it: a prefix
 * that ends at a `/` or at the end of the path.
 */
function consumedBy(matcher: Matcher, path: string): string | undefined {
  const match = matcher(path);
  if (match === false || !path.startsWith(match.path)) return undefined;
  const next = path[match.path.length];
  return next === undefined || next === '/' ? match.path : undefined;
}

/** What the search looks for: a route, reached by the path the router consumed. */
interface Target {
  /**
   * The route's pattern when its layer lies in `stack` and the rest of the path leads to it:
   * `rest` is what the mounts left of the full path (`''` is the mount's root, `/` to a route),
   * or, searching by `baseUrl`, `''` once it is consumed.
   */
  atRoute(stack: readonly Layer[], rest: string): string | undefined;
}

/** The layer holding `route` in `stack`, if any. */
function layerOf(stack: readonly Layer[], route: object): Layer | undefined {
  for (const layer of stack) if (layer.route === route) return layer;
  return undefined;
}

/** Searching by the full path: the route's own pattern that matches what the mounts left. */
function byFullPath(route: object): Target {
  return {
    atRoute(stack, rest) {
      const layer = layerOf(stack, route);
      if (layer === undefined) return undefined;
      const patterns = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
      const matchers = layer.matchers;
      if (!Array.isArray(matchers)) return undefined;
      for (const [index, pattern] of patterns.entries()) {
        // A RegExp route has no pattern to report.
        if (typeof pattern !== 'string') continue;
        const matcher = matchers[index] as Matcher | undefined;
        if (matcher?.(rest === '' ? '/' : rest)) return pattern;
      }
      return undefined;
    },
  };
}

/** Searching by `baseUrl`, once fully consumed: the route's (string) path. */
function byBaseUrl(route: object, routePath: string): Target {
  return {
    atRoute: (stack, rest) =>
      rest === '' && layerOf(stack, route) !== undefined ? routePath : undefined,
  };
}

/**
 * Depth-first search for the mounts that consume `path` and lead to the stack holding the
 * target's route; their string patterns and the route's, concatenated. Undefined when none is found.
 */
function search(
  scope: Scope,
  path: string,
  target: Target,
  knownApps: readonly App[],
  depth: number,
): string | undefined {
  const here = target.atRoute(scope.stack, path);
  if (here !== undefined) return here;
  if (depth >= MAX_MOUNT_DEPTH) return undefined;
  for (const layer of scope.stack) {
    if (layer.route !== undefined) continue;
    const patterns = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
    const matchers = layer.matchers;
    if (!Array.isArray(matchers) || matchers.length !== patterns.length) continue;
    for (const [index, pattern] of patterns.entries()) {
      // A RegExp mount has no pattern to report; a layer behind it cannot be named.
      if (typeof pattern !== 'string') continue;
      const consumed = layer.slash === true ? '' : consumedBy(matchers[index] as Matcher, path);
      if (consumed === undefined) continue;
      // baseUrl keeps each consumed part without its trailing slash.
      const rest = path.slice(consumed.replace(/\/$/, '').length);
      for (const inner of scopesBehind(layer, scope.app, knownApps)) {
        const found = search(inner, rest, target, knownApps, depth + 1);
        if (found !== undefined) return pattern.replace(/\/+$/, '') + found;
      }
    }
  }
  return undefined;
}

/**
 * Whether `route` is a route of `app` itself and `app` is mounted nowhere: its path is then the
 * full pattern. Never throws.
 */
export function isOwnRoute(app: unknown, route: object): boolean {
  try {
    return isApp(app) && !isApp(app.parent) && Array.isArray(app.router.stack)
      ? layerOf(app.router.stack as Layer[], route) !== undefined
      : false;
  } catch {
    // Express 4's `app.router` is a getter that throws ("deprecated"): thrown from the response's
    // 'close' listener, it took the host process down at every request a route answered.
    return false;
  }
}

/** Where a request is, when its response ends. */
export interface RequestPaths {
  /** The full path, without the query (from `originalUrl`). */
  readonly path: string;
  /**
   * `request.baseUrl` now. It is the route's own only while the route answers: once a route
   * passed an error or `next()` on, Express has restored the mount's (or unset it).
   */
  readonly baseUrl: unknown;
}

/**
 * The full route pattern (`/api/users/:userId/orders/:orderId`) of a request whose matched route
 * is `route`, found by the full path, then (for an app that rewrites `req.url` before routing) by
 * `baseUrl`; undefined when it cannot be resolved (a RegExp mount or route, a structure other
 * than Express 5's). Never throws: it runs in a response listener.
 *
 * @param app the app the middleware ran in; the search starts at the app it is mounted under.
 * @param innermostApps the sub-apps that may have handled the route: the one noted when the
 *   route was matched, `request.app` now (either may be undefined).
 */
export function routePatternOf(
  app: unknown,
  innermostApps: readonly unknown[],
  paths: RequestPaths,
  route: { readonly path?: unknown },
): string | undefined {
  try {
    const chain = appChain(app);
    const root = chain.at(-1);
    if (root === undefined) return undefined;
    const knownApps = [...new Set([...innermostApps.flatMap(appChain), ...chain])];
    const scope: Scope = { stack: root.router.stack as Layer[], app: root };
    const found = search(scope, paths.path, byFullPath(route), knownApps, 0);
    if (found !== undefined || typeof route.path !== 'string') return found;
    if (typeof paths.baseUrl !== 'string') return undefined;
    return search(scope, paths.baseUrl, byBaseUrl(route, route.path), knownApps, 0);
  } catch {
    // A matcher that throws (it decodes parameters) or an unexpected shape: no pattern.
    return undefined;
  }
}
