/**
 * A request target in absolute form (`GET http://host:81/a HTTP/1.1`, which RFC 9112 makes
 * servers accept and proxies send): Node, Fastify and Express hand it over whole, and the span's
 * `url.path` held the client-written scheme and host. The conventions' `url.path` is the path
 * alone. The origin form (`/a`), `*` and the authority form are not absolute.
 */

/** `scheme://` at the start of a target: a letter, then letters, digits, `+`, `-` or `.`. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

export interface AbsoluteFormTarget {
  /** The path (`/` when the target names none). */
  readonly path: string;
  /** The authority (`host:81`), without any userinfo. */
  readonly authority: string;
}

/**
 * `path` (no query string) split into path and authority when it is in absolute form, else
 * undefined. Callers check the first character first: an origin-form path costs nothing.
 */
export function absoluteFormOf(path: string): AbsoluteFormTarget | undefined {
  const scheme = ABSOLUTE_FORM.exec(path);
  if (scheme === null) return undefined;
  const start = scheme[0].length;
  const slash = path.indexOf('/', start);
  const authority = slash === -1 ? path.slice(start) : path.slice(start, slash);
  return {
    path: slash === -1 ? '/' : path.slice(slash),
    authority: authority.slice(authority.lastIndexOf('@') + 1),
  };
}
