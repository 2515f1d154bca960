// How TLS plugs into the emitters (envoy/index.ts): HTTPS filter chains get
// their DownstreamTlsContext, listeners with SNI chains get tls_inspector,
// TLS ports (TLSRoute) get their own listener. (Clusters under a
// BackendTLSPolicy: features/backend-tls/.)
import type { EmitHooks } from "./hooks.ts";
import type { ListenerHooks } from "./listener.ts";
import { tlsInspectorFilter, tlsRouteChains, tlsRouteListener } from "./tls-passthrough.ts";
import { downstreamTlsTransportSocket, HTTPS_ALPN } from "./tls.ts";

/** TLS in listeners: chains that terminate TLS, tls_inspector, and TLS listeners. */
export const tlsListenerHooks = (features: readonly EmitHooks[]): ListenerHooks => ({
  decorateChain(chain, ir, l) {
    if (ir.tls) chain.transportSocket = downstreamTlsTransportSocket({ ...ir.tls, alpn: ir.tls.alpn ?? (l.protocol === "HTTPS" ? HTTPS_ALPN : []) }, features);
  },
  decorateListener(listener, l) {
    if (l.protocol === "HTTPS") {
      // Never serve a chain without a certificate as plaintext HTTP on an HTTPS port.
      const plain = new Set(l.filterChains.filter((c) => !c.tls).map((c) => c.name));
      listener.filterChains = (listener.filterChains ?? []).filter((c) => !plain.has(c.name ?? ""));
      // TLS listeners on the same port: their TLSRoutes' chains, minus the SNI names HTTPS chains match.
      const https = l.filterChains.filter((c) => !c.l4 && c.tls);
      listener.filterChains.push(...tlsRouteChains(l, features, { names: https.flatMap((c) => c.serverNames), any: https.some((c) => c.serverNames.length === 0) }));
    }
    // SNI (server_names) matching needs the ClientHello read first.
    if (l.filterChains.some((c) => c.tls)) listener.listenerFilters = [tlsInspectorFilter()];
  },
  other: (l) => (l.protocol === "TLS" ? tlsRouteListener(l, features) : undefined),
});
