/**
 * The app whose router holds a route. Express keeps the sub-app that handles a request only as
 * the request's prototype, and resets that to the parent's once the request leaves the sub-app
 * (an error or `next()` passed on); a sub-app mounted with `app.use()` is hidden behind a
 * closure. By the time the response closes, the route's mount can then no longer be told. So
 * `req.route` becomes an accessor, defined once on the request prototype of the app the
 * middleware runs in (its sub-apps' prototypes inherit from it): when the router assigns a
 * route, the route (a shared object) notes `request.app` of that moment. The request itself gets
 * no property beyond the one Express would have added (measured: within noise of Express's plain
 * assignment; a second property on the request cost about as much as the assignment itself).
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
 * Makes `req.route` note its app on the requests that inherit from `prototype` (an app's
 * `app.request`). Leaves a prototype that already has its own `route` (ours, or someone else's)
 * as it is. Never throws: a frozen prototype keeps plain assignments (no app noted).
 */
export function noteRouteApps(prototype: object): void {
  try {
    if (!Object.prototype.hasOwnProperty.call(prototype, 'route')) {
      Object.defineProperty(prototype, 'route', ROUTE_ACCESSOR);
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
