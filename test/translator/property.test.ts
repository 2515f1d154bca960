// Property tests: random, well-formed and malformed inputs never make
// translate() throw, its output is deterministic, and every Envoy resource it
// emits passes Envoy's validate.rules.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { TRANSLATOR_ERROR } from "../../src/translator/resolve/index.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { renderGolden } from "../golden/render.ts";
import { objects, wellFormed } from "./arbitraries.ts";
import { distribution, worldStats } from "./world-stats.ts";

describe("translate() properties", () => {
  it("never throws, is deterministic, and emits only valid Envoy resources", () => {
    fc.assert(
      fc.property(objects, (objs) => {
        const rs = buildResourceSet(objs);
        const a = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
        const b = translate(buildResourceSet(structuredClone(objs)), { controllerName: DEFAULT_CONTROLLER_NAME });
        expect(renderGolden(b)).toBe(renderGolden(a));
        for (const g of a.gateways) expect(validateResources(g.resources).failures).toEqual([]);
        for (const s of a.statuses) {
          if ("parents" in s) for (const p of s.parents) expect(p.controllerName).toBe(DEFAULT_CONTROLLER_NAME);
          expect(JSON.stringify(s)).not.toContain(TRANSLATOR_ERROR);
        }
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 300), seed: Number(process.env.PROP_SEED ?? 20261123) },
    );
  }, 300_000);

  it("does not depend on the order objects arrive in", () => {
    fc.assert(
      fc.property(objects, fc.func(fc.integer()), (objs, key) => {
        const shuffled = [...objs].sort((x, y) => key(x.metadata.name) - key(y.metadata.name) || 0);
        const a = renderGolden(translate(buildResourceSet(objs), { controllerName: DEFAULT_CONTROLLER_NAME }));
        const b = renderGolden(translate(buildResourceSet(shuffled), { controllerName: DEFAULT_CONTROLLER_NAME }));
        // Same-key duplicates legitimately depend on order (last wins), so compare only when keys are unique.
        const keys = objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
        if (new Set(keys).size === keys.length) expect(b).toBe(a);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe("well-formed inputs", () => {
  it("accept every route, resolve every reference and program every backend, on every Gateway", () => {
    const reached = { gateways: new Set<number>(), ports: new Set<number>() };
    fc.assert(
      fc.property(wellFormed, (objs) => {
        const r = translate(buildResourceSet(objs), { controllerName: DEFAULT_CONTROLLER_NAME });
        const routes = r.statuses.filter((s) => s.kind === "HTTPRoute");
        expect(routes.length).toBe(objs.filter((o) => o.kind === "HTTPRoute").length);
        for (const s of routes) {
          if (!("parents" in s)) continue;
          expect(s.parents.length).toBe(1);
          for (const p of s.parents) for (const c of p.conditions) expect(`${c.type}=${c.status}`, c.message).toMatch(/^(Accepted|ResolvedRefs)=True$/);
        }
        // Every listener of every Gateway is programmed.
        for (const s of r.statuses) {
          if (s.kind !== "Gateway") continue;
          for (const l of s.status.listeners ?? []) expect(l.conditions.filter((c) => c.status !== (c.type === "Conflicted" ? "False" : "True")), `${s.target.name}/${l.name}`).toEqual([]);
        }
        expect(r.gateways.map((g) => g.key)).toEqual(objs.filter((o) => o.kind === "Gateway").map((o) => `default/${o.metadata.name}`).sort());
        reached.gateways.add(r.gateways.length);
        for (const g of r.gateways) {
          const clusters = new Set(g.resources.clusters.map((c) => c.name));
          expect(g.resources.endpoints.map((e) => e.clusterName).sort()).toEqual([...clusters].sort());
          expect(validateResources(g.resources).failures).toEqual([]);
          // Every forwarding route names only clusters that are sent.
          for (const rc of g.resources.routes) {
            for (const vh of rc.virtualHosts) {
              expect(vh.routes.length).toBeGreaterThan(0);
              for (const route of vh.routes) {
                expect(route.action.case).toBe("route");
                if (route.action.case !== "route") continue;
                const spec = route.action.value.clusterSpecifier;
                const names = spec.case === "cluster" ? [spec.value] : spec.case === "weightedClusters" ? spec.value.clusters.map((c) => c.name) : [];
                for (const n of names) expect(clusters.has(n), n).toBe(true);
              }
            }
          }
          for (const l of g.resources.listeners) {
            const a = l.address?.address.case === "socketAddress" ? l.address.address.value : undefined;
            if (a?.portSpecifier.case === "portValue") reached.ports.add(a.portSpecifier.value);
          }
        }
      }),
      { numRuns: 200, seed: 99 },
    );
    // The samples covered one to three Gateways and every port the generator uses.
    expect([...reached.gateways].sort()).toEqual([1, 2, 3]);
    expect([...reached.ports].sort((x, y) => x - y)).toEqual([80, 443, 8080]);
  });
});

describe("the generator", () => {
  it("reaches attached, forwarding routes on several Gateways, ports, protocols and hostnames", () => {
    const samples = fc.sample(objects, { numRuns: 300, seed: 42 });
    const d = distribution(samples.map((objs) => worldStats(objs, translate(buildResourceSet(objs), { controllerName: DEFAULT_CONTROLLER_NAME }))));
    console.info(`translate() property worlds: ${JSON.stringify(d)}`);
    const report = JSON.stringify(d, null, 1);
    // Most worlds forward traffic; many do so on several Gateways, ports, protocols and hostnames.
    expect(d.forwarding / d.samples, report).toBeGreaterThan(0.6);
    expect(d.severalGateways / d.samples, report).toBeGreaterThan(0.25);
    expect(d.severalPorts / d.samples, report).toBeGreaterThan(0.35);
    expect(d.severalProtocols / d.samples, report).toBeGreaterThan(0.25);
    expect(d.severalHostnames / d.samples, report).toBeGreaterThan(0.35);
    expect(d.routesPerSample["20+"], report).toBeGreaterThan(15);
    expect(d.ports, report).toEqual([80, 443, 8080, 8443]);
    expect(d.protocols, report).toEqual(["HTTP", "HTTPS"]);
    // And some do not: malformed input still comes through.
    expect(d.forwarding, report).toBeLessThan(d.samples);
  });
});
