// HTTPS and TLS listeners on one port (both match by SNI, so the spec lets them share it): one
// Envoy listener whose HTTPS chains run HTTP and whose TLS chains carry the TLSRoutes, whichever
// listener comes first; a TLSRoute name that an HTTPS listener owns stays HTTPS; a passthrough
// backend under a BackendTLSPolicy is not wrapped in TLS again. test/envoy/l4-routes.test.ts shows
// it with a real Envoy.
import { describe, expect, it } from "vitest";
import { caConfigMapYaml, PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { gateway, run, snapshot } from "./tls-helpers.ts";

const TLS_FIRST = `  - {name: pass, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
  - {name: web, port: 443, protocol: HTTPS, hostname: web.example.com, tls: {certificateRefs: [{name: rsa}]}}`;
const HTTPS_FIRST = `  - {name: web, port: 443, protocol: HTTPS, hostname: web.example.com, tls: {certificateRefs: [{name: rsa}]}}
  - {name: pass, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}`;

const ROUTES = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: web}]
  rules: [{backendRefs: [{name: backend, port: 8080}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: pass, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: pass}]
  hostnames: [db.example.com, web.example.com]
  rules: [{backendRefs: [{name: backend, port: 443}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: backend, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: backend}]
  validation: {caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}], hostname: backend.example.com}
`;

describe("HTTPS and TLS listeners on one port", () => {
  for (const [order, listeners] of [["TLS first", TLS_FIRST], ["HTTPS first", HTTPS_FIRST]] as const) {
    it(`${order}: HTTP on the HTTPS chain, tcp_proxy on the TLSRoute's, one chain per SNI name`, () => {
      const r = run(gateway("eg", listeners), ROUTES, tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey), caConfigMapYaml("default", "ca", PEM.backendCa));
      const snap = snapshot(r, "default/eg");
      expect(snap.listeners).toHaveLength(1);
      const chains = snap.listeners[0]!.filterChains.map((c) => ({ sni: c.filterChainMatch?.serverNames ?? [], filter: c.filters[0]?.name }));
      expect(chains.sort((a, b) => (a.sni.join() < b.sni.join() ? -1 : 1))).toEqual([
        // web.example.com belongs to the HTTPS listener (the more specific one): not to the TLSRoute.
        { sni: ["db.example.com"], filter: "envoy.filters.network.tcp_proxy" },
        { sni: ["web.example.com"], filter: "envoy.filters.network.http_connection_manager" },
      ]);
      const table = snap.routes.find((rc) => rc.virtualHosts.some((vh) => vh.domains.includes("web.example.com")));
      expect(table?.virtualHosts.flatMap((vh) => vh.routes.map((x) => x.name))).toEqual(["httproute/default/web/rule/0/match/0"]);
      // The passthrough cluster carries the client's TLS as is; the HTTP one originates TLS.
      const cluster = (port: number) => snap.clusters.find((c) => c.name === `service/default/backend/${port}`);
      expect(cluster(443)?.transportSocket).toBeUndefined();
      expect(cluster(8080)?.transportSocket?.name).toBe("envoy.transport_sockets.tls");
    });
  }
});
