/**
 * The app whose router holds a route. Express keeps the sub-app that handles a request only as
 * the request's prototype, and resets that to the parent's once the request leaves the sub-app
 * (an error or `next()` passed on); a sub-app mounted with `app.use()` is hidden behind a
 * closure. By the time the response closes, the route's mount can then no longer be told. So
 * `req.route` becomes an accessor, defined once on the request prototype of the outermost app
 * above the one the middleware runs in (every mounted app's prototype inherits from it): when the
 * router assigns a route, the route (a shared object) notes `request.app` of that moment. The
 * request itself gets no property beyond the one Express would have added (measured: within noise
 * of Express's plain assignment; a second property on the request cost about as much as the
 * assignment itself).
 */

const ROUTE = Symbol('driftwatch.express.route');
const APP = Symbol('driftwatch.express.app');

interface Noting {
  [ROUTE]?: unknown;
  readonly app?: unknown;
}

const ROUTE_ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: Noting): unknown {
    return this[ROUTE];
  },
  set(this: Noting, route: unknown) {
    this[ROUTE] = route;
    // A route belongs to one router, hence to one app (a router shared by apps: the last one).
    if (typeof route === 'object' && route !== null) (route as { [APP]?: unknown })[APP] = this.app;
  },
};

/**
 * The outermost app's request prototype in `prototype`'s chain (each `app.request` has its own
 * `app`; a mounted app's inherits from its parent's). Not the innermost: when an error or `next()`
 * takes the request out of a sub-app, Express resets its prototype to the parent's, and an
 * accessor defined on the sub-app's alone left `req.route` reading undefined there, for the
 * parent's own error handlers too.
 */
function outermostAppRequest(prototype: object): object {
  let outermost = prototype;
  let at: object | null = prototype;
  while (at !== null) {
    if (Object.prototype.hasOwnProperty.call(at, 'app')) outermost = at;
    at = Object.getPrototypeOf(at) as object | null;
  }
  return outermost;
}

/**
 * Makes `req.route` note its app on the requests that inherit from `prototype` (a request's
 * prototype: an app's `app.request`), defined on the outermost app's. Leaves a prototype that
 * already has its own `route` (ours, or someone else's) as it is. Never throws: a frozen prototype
 * keeps plain assignments (no app noted).
 */
export function noteRouteApps(prototype: object): void {
  try {
    const target = outermostAppRequest(prototype);
    if (!Object.prototype.hasOwnProperty.call(target, 'route')) {
      Object.defineProperty(target, 'route', ROUTE_ACCESSOR);
    }
  } catch {
    // Not extensible: the route's app is then searched from `request.app` alone.
  }
}

/**
 * The app that was `request.app` when a router last assigned `route`; undefined when none was
 * noted (an app whose request prototype lacks the accessor, such as one mounted in a router).
 */
export function routeAppOf(route: object): unknown {
  return (route as { [APP]?: unknown })[APP];
}
