// The GRPCRoute, TCPRoute and UDPRoute conformance manifests (v1.7.0) through
// translate(): the route status their upstream tests assert, every Gateway
// listener programmed, attachedRoutes where asserted, and valid xDS.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ParentReference } from "../../src/api/gateway-api.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { CLASS, cond, gatewayStatusOf, routeParentsOf, translateConformance } from "../conformance/harness.ts";

const DIR = join(import.meta.dirname, "..", "conformance", "manifests", "tests");
const FILES = readdirSync(DIR).filter((f) => /^(grpcroute|tcproute|udproute)-.*\.yaml$/.test(f)).sort();
const KINDS = new Set(["GRPCRoute", "TCPRoute", "UDPRoute"]);

/** resolvedRefs undefined: the upstream test does not assert it. */
type Want = { accepted: [string, string?]; resolvedRefs?: [string, string?] };
const OK: Want = { accepted: ["True", "Accepted"], resolvedRefs: ["True", "ResolvedRefs"] };

/** Per file, per route name: what the upstream test asserts (default OK). */
const EXPECT: Record<string, Record<string, Want>> = {
  "tcproute-invalid-backendref-nonexistent.yaml": { "*": { accepted: ["True"], resolvedRefs: ["False", "BackendNotFound"] } },
  "udproute-invalid-backendref-nonexistent.yaml": { "*": { accepted: ["True"], resolvedRefs: ["False", "BackendNotFound"] } },
  "tcproute-invalid-cross-namespace-backend-ref.yaml": { "*": { accepted: ["True"], resolvedRefs: ["False", "RefNotPermitted"] } },
  "udproute-invalid-cross-namespace-backend-ref.yaml": { "*": { accepted: ["True"], resolvedRefs: ["False", "RefNotPermitted"] } },
  "tcproute-invalid-non-tcp-listener.yaml": { "*": { accepted: ["False", "NotAllowedByListeners"] } },
  "udproute-not-allowed-by-listeners.yaml": { "*": { accepted: ["False", "NotAllowedByListeners"] } },
};

describe("GRPCRoute/TCPRoute/UDPRoute conformance manifests", () => {
  it("finds them", () => {
    expect(FILES.filter((f) => f.startsWith("grpcroute-")).length).toBeGreaterThan(3);
    expect(FILES.filter((f) => f.startsWith("tcproute-")).length).toBeGreaterThan(5);
    expect(FILES.filter((f) => f.startsWith("udproute-")).length).toBeGreaterThan(5);
  });

  for (const file of FILES) {
    it(file, () => {
      const { result, testObjects } = translateConformance(file);
      for (const g of result.gateways) expect(validateResources(g.resources).failures, g.key).toEqual([]);
      const routes = testObjects.filter((o) => KINDS.has(o.kind));
      expect(routes.length).toBeGreaterThan(0);
      for (const r of routes) {
        const ns = r.metadata.namespace ?? "default";
        const parents = routeParentsOf(result, r.kind, ns, r.metadata.name);
        const refs = ((r as { spec?: { parentRefs?: ParentReference[] } }).spec?.parentRefs ?? []).filter((p) => {
          const gw = testObjects.find((o) => o.kind === "Gateway" && o.metadata.name === p.name) as { spec?: { gatewayClassName?: string } } | undefined;
          // base-manifests Gateways are ours too; only skip refs to other classes.
          return !gw || gw.spec?.gatewayClassName === CLASS;
        });
        expect(parents?.length, `${r.kind} ${r.metadata.name} parents`).toBe(refs.length);
        const want = EXPECT[file]?.[r.metadata.name] ?? EXPECT[file]?.["*"] ?? OK;
        for (const p of parents ?? []) {
          const where = `${r.kind} ${r.metadata.name} -> ${p.parentRef.name}/${p.parentRef.sectionName ?? ""}:${p.parentRef.port ?? ""}`;
          const a = cond(p.conditions, "Accepted");
          const rr = cond(p.conditions, "ResolvedRefs");
          expect(a?.status, `${where} Accepted (${a?.reason}: ${a?.message})`).toBe(want.accepted[0]);
          if (want.accepted[1]) expect(a?.reason, where).toBe(want.accepted[1]);
          if (want.resolvedRefs) {
            expect(rr?.status, `${where} ResolvedRefs (${rr?.message})`).toBe(want.resolvedRefs[0]);
            if (want.resolvedRefs[1]) expect(rr?.reason, where).toBe(want.resolvedRefs[1]);
          }
          expect(a?.observedGeneration).toBe(1);
        }
      }
      // Every listener of the manifest's own Gateways is accepted and programmed.
      for (const g of testObjects.filter((o) => o.kind === "Gateway")) {
        const st = gatewayStatusOf(result, g.metadata.namespace ?? "default", g.metadata.name);
        for (const l of st?.listeners ?? []) {
          expect(cond(l.conditions, "Accepted")?.status, `${g.metadata.name}/${l.name} Accepted`).toBe("True");
          expect(cond(l.conditions, "Programmed")?.status, `${g.metadata.name}/${l.name} Programmed`).toBe("True");
        }
      }
    });
  }

  it("tcproute-multiple-routes-attachment: the manifest's route is attached and carries traffic", () => {
    const { result } = translateConformance("tcproute-multiple-routes-attachment.yaml");
    const st = gatewayStatusOf(result, "gateway-conformance-infra", "tcp-multi-route-attach-gateway");
    expect(st?.listeners?.find((l) => l.name === "tcp")?.attachedRoutes).toBe(1);
  });

  it("grpcroute-listener-hostname-matching: each listener serves its own hostname", () => {
    const { result } = translateConformance("grpcroute-listener-hostname-matching.yaml");
    const gw = result.gateways.find((g) => g.key === "gateway-conformance-infra/grpcroute-listener-hostname-matching");
    const hosts = gw?.resources.routes.flatMap((rc) => rc.virtualHosts.map((v) => `${v.domains.join(",")}=>${v.routes.map((r) => r.name.split("/")[2]).join(",")}`));
    expect(hosts).toEqual(expect.arrayContaining(["bar.com=>backend-v1", "foo.bar.com=>backend-v2"]));
  });
});
