// Every Gateway API v1.7.0 conformance manifest (with base-manifests.yaml)
// through translate(): the status conditions the upstream conformance tests
// assert (expectations.ts), plus generic checks on every manifest.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Condition, K8sObject } from "../../src/api/meta.ts";
import type { ListenerStatus, ParentReference } from "../../src/api/gateway-api.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { expectationFor, type Cond, type GatewayExpect, type ListenerExpect, type RouteExpect } from "./expectations.ts";
import { CLASS, cond, gatewayStatusOf, listenerSetStatusOf, policyAncestorsOf, routeParentsOf, translateConformance } from "./harness.ts";

const FILES = readdirSync(join(import.meta.dirname, "manifests", "tests"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();

function checkConds(actual: readonly Condition[] | undefined, want: readonly Cond[], where: string): void {
  for (const [type, status, reason] of want) {
    const c = cond(actual, type);
    expect(c, `${where}: condition ${type}`).toBeDefined();
    expect(c?.status, `${where}: ${type}.status (${c?.reason}: ${c?.message})`).toBe(status);
    if (reason !== undefined) expect(c?.reason, `${where}: ${type}.reason`).toBe(reason);
    expect(c?.observedGeneration, `${where}: ${type}.observedGeneration`).toBe(1);
  }
}

function ourGateways(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === "Gateway" && (o as { spec?: { gatewayClassName?: string } }).spec?.gatewayClassName === CLASS);
}

function defaultGateway(o: K8sObject): GatewayExpect {
  const listeners = ((o as { spec?: { listeners?: { name: string }[] } }).spec?.listeners ?? []).map((l) => ({
    name: l.name,
    conditions: [["Accepted", "True"], ["ResolvedRefs", "True"], ["Programmed", "True"]] as Cond[],
  }));
  return { name: o.metadata.name, namespace: o.metadata.namespace, conditions: [["Accepted", "True"], ["Programmed", "True"]], listeners };
}

describe("Gateway API v1.7.0 conformance manifests", () => {
  it("finds the manifests", () => {
    expect(FILES.length).toBeGreaterThan(100);
  });

  it("programs every Gateway of base-manifests.yaml (the suite waits for them)", () => {
    const { result } = translateConformance("httproute-simple-same-namespace.yaml");
    for (const name of ["same-namespace", "same-namespace-with-https-listener", "all-namespaces", "backend-namespaces"]) {
      const st = gatewayStatusOf(result, "gateway-conformance-infra", name);
      checkConds(st?.conditions, [["Accepted", "True", "Accepted"], ["Programmed", "True", "Programmed"]], `Gateway ${name}`);
      for (const l of st?.listeners ?? []) checkConds(l.conditions, [["Accepted", "True"], ["ResolvedRefs", "True"], ["Programmed", "True"], ["Conflicted", "False"]], `${name}/${l.name}`);
      expect(result.gateways.some((g) => g.key === `gateway-conformance-infra/${name}` && g.resources.listeners.length > 0)).toBe(true);
    }
  });

  for (const file of FILES) {
    const exp = expectationFor(file);
    describe(file, () => {
      it("translates deterministically into valid xDS", () => {
        const { rs, result } = translateConformance(file);
        for (const g of result.gateways) expect(validateResources(g.resources).failures, g.key).toEqual([]);
        const again = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
        expect(JSON.stringify(again.statuses)).toBe(JSON.stringify(result.statuses));
        expect(again.gateways.map((g) => g.key)).toEqual(result.gateways.map((g) => g.key));
      });

      // Status of TLS, GRPCRoute and L4 manifests is asserted in exp.coveredBy.
      if (exp.coveredBy) return;
      it.skipIf(exp.skip !== undefined)(`status as the conformance test asserts${exp.skip ? ` (skipped: ${exp.skip})` : ""}`, () => {
        const { testObjects, result } = translateConformance(file);
        const ignore = new Set(exp.ignore ?? []);
        // Gateways: explicit expectations, else the default.
        const checkListeners = (listeners: readonly ListenerStatus[] | undefined, want: readonly ListenerExpect[], owner: string) => {
          for (const le of want) {
            const ls = listeners?.find((l) => l.name === le.name);
            expect(ls, `listener ${owner}/${le.name}`).toBeDefined();
            checkConds(ls?.conditions, le.conditions, `listener ${owner}/${le.name}`);
            if (le.attachedRoutes !== undefined) expect(ls?.attachedRoutes, `listener ${owner}/${le.name} attachedRoutes`).toBe(le.attachedRoutes);
            if (le.supportedKinds !== undefined) {
              const kinds = ls?.supportedKinds.map((k) => k.kind) ?? [];
              if (le.supportedKinds.length === 0) expect(kinds).toEqual([]);
              else expect(kinds).toEqual(expect.arrayContaining(le.supportedKinds));
            }
          }
        };
        for (const o of ourGateways(testObjects)) {
          const e = exp.gateways?.find((g) => g.name === o.metadata.name) ?? defaultGateway(o);
          const ns = e.namespace ?? o.metadata.namespace ?? "default";
          const st = gatewayStatusOf(result, ns, e.name);
          expect(st, `Gateway ${ns}/${e.name} has status`).toBeDefined();
          checkConds(st?.conditions, e.conditions ?? [], `Gateway ${e.name}`);
          checkListeners(st?.listeners, e.listeners ?? [], e.name);
          if (e.attachedListenerSets !== undefined) expect(st?.attachedListenerSets ?? 0, `Gateway ${e.name} attachedListenerSets`).toBe(e.attachedListenerSets);
        }
        for (const e of exp.listenerSets ?? []) {
          const ns = e.namespace ?? "gateway-conformance-infra";
          const st = listenerSetStatusOf(result, ns, e.name);
          expect(st, `ListenerSet ${ns}/${e.name} has status`).toBeDefined();
          checkConds(st?.conditions, e.conditions, `ListenerSet ${e.name}`);
          checkListeners(st?.listeners, e.listeners ?? [], e.name);
        }
        // HTTPRoutes: every parentRef to one of our Gateways.
        const gwNames = new Set(ourGateways(testObjects).map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
        const baseGateways = ["same-namespace", "same-namespace-with-https-listener", "all-namespaces", "backend-namespaces"].map((n) => `gateway-conformance-infra/${n}`);
        for (const n of baseGateways) gwNames.add(n);
        // ListenerSets whose parent is one of our Gateways: routes may name them too.
        const setNames = new Set(
          testObjects
            .filter((o) => o.kind === "ListenerSet")
            .filter((o) => {
              const ref = (o as { spec?: { parentRef?: { name: string; namespace?: string } } }).spec?.parentRef;
              return ref !== undefined && gwNames.has(`${ref.namespace ?? o.metadata.namespace}/${ref.name}`);
            })
            .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
        );
        const ours = (r: ParentReference, ns: string) => ((r.kind ?? "Gateway") === "ListenerSet" ? setNames : gwNames).has(`${r.namespace ?? ns}/${r.name}`);
        for (const o of testObjects) {
          if (o.kind !== "HTTPRoute" || ignore.has(o.kind)) continue;
          const ns = o.metadata.namespace ?? "default";
          const refs = ((o as { spec?: { parentRefs?: ParentReference[] } }).spec?.parentRefs ?? []).filter((r) => ours(r, ns));
          if (refs.length === 0) continue;
          const parents = routeParentsOf(result, "HTTPRoute", ns, o.metadata.name);
          expect(parents, `HTTPRoute ${ns}/${o.metadata.name} has status`).toBeDefined();
          expect(parents?.length, `HTTPRoute ${ns}/${o.metadata.name}: one status entry per parentRef of ours`).toBe(refs.length);
          for (const ref of refs) {
            const kind = ref.kind === "ListenerSet" ? "ListenerSet" : undefined;
            const e: RouteExpect = exp.routes?.find((r) => r.name === o.metadata.name && r.parent === ref.name && r.parentKind === kind && (r.namespace === undefined || r.namespace === ns)) ?? { name: o.metadata.name, parent: ref.name, conditions: [["Accepted", "True"], ["ResolvedRefs", "True"]] };
            const p = parents?.find((x) => x.parentRef.name === ref.name && x.parentRef.kind === ref.kind && x.parentRef.sectionName === ref.sectionName && x.parentRef.port === ref.port);
            expect(p, `HTTPRoute ${o.metadata.name} parent ${ref.name}`).toBeDefined();
            expect(p?.controllerName).toBe(DEFAULT_CONTROLLER_NAME);
            checkConds(p?.conditions, e.conditions, `HTTPRoute ${o.metadata.name} -> ${ref.name}/${ref.sectionName ?? ""}`);
          }
        }
        // Other route kinds: only what is listed, and each listed route must be in the manifest.
        for (const e of exp.routes ?? []) {
          if (e.kind === undefined || e.kind === "HTTPRoute") {
            // Every listed HTTPRoute expectation must have been used: it names a route and parent of the manifest.
            const o = testObjects.find((x) => x.kind === "HTTPRoute" && x.metadata.name === e.name && (e.namespace === undefined || x.metadata.namespace === e.namespace));
            expect(o, `HTTPRoute ${e.namespace ?? ""}/${e.name} is in ${file}`).toBeDefined();
            continue;
          }
          const o = testObjects.find((x) => x.kind === e.kind && x.metadata.name === e.name && (e.namespace === undefined || x.metadata.namespace === e.namespace));
          expect(o, `${e.kind} ${e.name} is in ${file}`).toBeDefined();
          const parents = routeParentsOf(result, e.kind, o?.metadata.namespace ?? "default", e.name);
          const p = parents?.find((x) => x.parentRef.name === e.parent);
          expect(p, `${e.kind} ${e.name} parent ${e.parent}`).toBeDefined();
          expect(p?.controllerName).toBe(DEFAULT_CONTROLLER_NAME);
          checkConds(p?.conditions, e.conditions, `${e.kind} ${e.name} -> ${e.parent}`);
        }
        for (const e of exp.policies ?? []) {
          const o = testObjects.find((x) => x.kind === e.kind && x.metadata.name === e.name);
          expect(o, `${e.kind} ${e.name} is in ${file}`).toBeDefined();
          const a = policyAncestorsOf(result, e.kind, o?.metadata.namespace ?? "default", e.name)?.find((x) => x.ancestorRef.name === e.ancestor);
          expect(a, `${e.kind} ${e.name} ancestor ${e.ancestor}`).toBeDefined();
          expect(a?.controllerName).toBe(DEFAULT_CONTROLLER_NAME);
          checkConds(a?.conditions, e.conditions, `${e.kind} ${e.name} -> ${e.ancestor}`);
        }
      });
    });
  }
});
