// Whether a redirect's Location leaves the port out, and whether a connection
// manager must therefore drop the listener's own port from Host.
//
// The spec says Location SHOULD NOT carry a scheme's default port (http 80,
// https 443). Envoy writes any port_redirect it is given, and with none it
// keeps the request's Host as sent, port included. So a redirect that takes
// the request's host (no hostname in the filter) and omits the port is only
// right if the Host port was dropped before routing; every other request keeps
// its Host port for the backend (the conformance test
// HTTPRouteListenerPortMatching checks "foo.com:8080" arrives as sent).
import type { IrRedirect, IrVirtualHost } from "../ir.ts";

/** The redirect's port is its scheme's default: Location carries none. */
export function omitsPort(r: IrRedirect): boolean {
  return (r.scheme === "https" && r.port === 443) || (r.scheme === "http" && r.port === 80);
}

/** Some route answers with the request's own host and no port: Host must lose the listener port first. */
export function needsListenerPortStripped(virtualHosts: readonly IrVirtualHost[]): boolean {
  return virtualHosts.some((vh) =>
    vh.routes.some((r) => r.action.kind === "redirect" && r.action.redirect.hostname === undefined && omitsPort(r.action.redirect)),
  );
}
