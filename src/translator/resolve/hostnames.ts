// Hostname matching and intersection as the Gateway API defines it: a
// wildcard `*.example.com` matches one or more labels before `.example.com`,
// never `example.com` itself; a listener without hostname matches everything.

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Gateway API hostname: DNS-1123, optionally with a leading `*.` label; never an IP. */
export function validHostnamePattern(h: unknown): h is string {
  return typeof h === "string" && h.length <= 253 && HOSTNAME.test(h.toLowerCase()) && !/^[0-9.]+$/.test(h);
}

export function isWildcard(h: string): boolean {
  return h.startsWith("*.");
}

/** Does the wildcard or exact `pattern` cover `host` (which may itself be a wildcard)? */
export function covers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!isWildcard(pattern)) return false;
  const suffix = pattern.slice(1); // ".example.com"
  return host.endsWith(suffix) && host.length > suffix.length && host.slice(0, host.length - suffix.length) !== "*";
}

/**
 * The hostname traffic for a route hostname gets on a listener, or undefined
 * when they do not overlap. The more specific of the two wins.
 */
export function intersect(listenerHost: string | undefined, routeHost: string): string | undefined {
  const r = routeHost.toLowerCase();
  if (!listenerHost) return r;
  const l = listenerHost.toLowerCase();
  if (covers(l, r)) return r;
  if (covers(r, l)) return l;
  return undefined;
}

/**
 * Effective hostnames of a route on a listener: the route's hostnames
 * intersected with the listener's, or the listener's own (or `*`) when the
 * route has none. Empty means the route does not fit the listener.
 */
export function routeHostnamesOn(listenerHost: string | undefined, routeHosts: readonly string[] | undefined): string[] {
  if (!routeHosts || routeHosts.length === 0) return [listenerHost ? listenerHost.toLowerCase() : "*"];
  const out = new Set<string>();
  for (const h of routeHosts) {
    // Hostnames the API server would reject (and Envoy would NACK as a domain) are ignored.
    if (!validHostnamePattern(h)) continue;
    const i = intersect(listenerHost, h);
    if (i) out.add(i);
  }
  return [...out].sort();
}

/** Specificity for ordering listeners: exact > longer wildcard > shorter wildcard > none. */
export function specificity(h: string | undefined): number {
  if (!h || h === "*") return 0;
  if (isWildcard(h)) return 1 + h.length;
  return 100_000 + h.length;
}
