// Session persistence through translate(): per-route enablement, no listener
// change (so no drain) when persistence changes, BackendLBPolicy override and
// status, and the sessionAffinity rejections of GEP-1619.
import { equals, fromBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { FilterConfigSchema } from "../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { ListenerSchema } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { StatefulSessionPerRouteSchema } from "../../src/gen/envoy/extensions/filters/http/stateful_session/v3/stateful_session_pb.js";
import { CookieBasedSessionStateSchema } from "../../src/gen/envoy/extensions/http/stateful_session/cookie/v3/cookie_pb.js";
import { STATEFUL_SESSION_FILTER } from "../../src/translator/features/session-persistence/emit.ts";
import { classAndGateway, translateGw } from "./helpers.ts";

const BASE = `${classAndGateway("  - {name: http, port: 80, protocol: HTTP}")}---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec: {ports: [{name: p, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ip, namespace: default}
spec: {ports: [{name: p, port: 80}], sessionAffinity: ClientIP}
`;

const route = (sp: string, backend = "app") => `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a}}]
    backendRefs: [{name: ${backend}, port: 80}]
${sp ? `    sessionPersistence: ${sp}` : ""}
  - matches: [{path: {type: PathPrefix, value: /b}}]
    backendRefs: [{name: ${backend}, port: 80}]
`;

const run = (extra: string) => translateGw(BASE + extra, true);

function cookieOf(gw: ReturnType<typeof run>["gw"], routeSuffix: string) {
  const rt = gw.routes.flatMap((rc) => rc.virtualHosts.flatMap((v) => v.routes)).find((x) => x.name.endsWith(routeSuffix));
  if (!rt) throw new Error(`no route ${routeSuffix}`);
  const any = rt.typedPerFilterConfig[STATEFUL_SESSION_FILTER];
  if (!any) return undefined;
  const wrapper = fromBinary(FilterConfigSchema, any.value);
  const per = wrapper.config ? fromBinary(StatefulSessionPerRouteSchema, wrapper.config.value) : undefined;
  if (per?.override.case !== "statefulSession") throw new Error("not enabled");
  const tc = per.override.value.sessionState?.typedConfig;
  return tc ? anyUnpack(tc, CookieBasedSessionStateSchema)?.cookie : undefined;
}

function accepted(statuses: StatusUpdate[], kind: string, name: string) {
  const s = statuses.find((x) => x.kind === kind && x.target.name === name);
  if (!s) return undefined;
  const entries = "parents" in s ? s.parents : "ancestors" in s ? s.ancestors : [];
  return entries.map((p) => p.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`).join(","));
}

const SLICES = ["app", "app2", "zero"]
  .map(
    (n, i) => `
---
apiVersion: v1
kind: Service
metadata: {name: ${n === "app" ? "app-x" : n}, namespace: default}
spec: {ports: [{name: p, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${n}-1, namespace: default, labels: {kubernetes.io/service-name: ${n === "app" ? "app-x" : n}}}
addressType: IPv4
ports: [{name: p, port: 8080}]
endpoints: [{addresses: [10.0.0.${i + 1}], zone: z${i}}]`,
  )
  .join("");

describe("session persistence across a weighted split", () => {
  it("routes to one per-rule cluster: weighted localities, weight-0 backends in priority 1", () => {
    const { gw } = run(
      SLICES +
        `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs:
    - {name: app-x, port: 80, weight: 70}
    - {name: app2, port: 80, weight: 30}
    - {name: zero, port: 80, weight: 0}
    sessionPersistence: {}
`,
    );
    const rt = gw.routes[0]?.virtualHosts[0]?.routes[0];
    expect(rt?.action.case === "route" && rt.action.value.clusterSpecifier).toEqual({ case: "cluster", value: "session/httproute/default/split/rule/0" });
    const c = gw.clusters.find((x) => x.name === "session/httproute/default/split/rule/0");
    expect(c?.commonLbConfig?.localityConfigSpecifier.case).toBe("localityWeightedLbConfig");
    const cla = gw.endpoints.find((e) => e.clusterName === "session/httproute/default/split/rule/0");
    expect(cla?.endpoints.map((e) => [e.locality?.zone, e.loadBalancingWeight, e.priority])).toEqual([
      ["service/default/app-x/80", 70, 0],
      ["service/default/app2/80", 30, 0],
      ["service/default/zero/80", 1, 1],
    ]);
  });

  it("keeps per-Service clusters when backends carry their own filters", () => {
    const { gw } = run(
      SLICES +
        `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs:
    - {name: app-x, port: 80, filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x, value: "1"}]}}]}
    - {name: app2, port: 80}
    sessionPersistence: {}
`,
    );
    const rt = gw.routes[0]?.virtualHosts[0]?.routes[0];
    expect(rt?.action.case === "route" && rt.action.value.clusterSpecifier.case).toBe("weightedClusters");
  });
});

describe("session persistence wiring", () => {
  it("enables the filter only on the rule's routes, with a per-rule cookie", () => {
    const { gw } = run(route("{}"));
    const a = cookieOf(gw, "rule/0/match/0");
    expect(a?.name).toMatch(/^sy-default-web-rule0-[0-9a-f]{8}$/);
    expect(a?.path).toBe("/a");
    expect(cookieOf(gw, "rule/1/match/0")).toBeUndefined();
  });

  it("adding, changing or removing persistence leaves every Listener byte-identical (no drain)", () => {
    const variants = ["", "{}", "{type: Header}", "{sessionName: s, absoluteTimeout: 5m, cookieConfig: {lifetimeType: Permanent}}"];
    const listeners = variants.map((v) => run(route(v)).gw.listeners);
    for (const ls of listeners.slice(1)) {
      expect(ls.length).toBe(listeners[0]?.length);
      ls.forEach((l, i) => {
        const base = listeners[0]?.[i];
        if (!base) throw new Error("missing listener");
        expect(equals(ListenerSchema, l, base)).toBe(true);
      });
    }
  });

  it("rule-level persistence with a ClientIP-affinity Service is rejected (GEP-1619)", () => {
    const { r, gw } = run(route("{}", "ip"));
    expect(accepted(r.statuses, "HTTPRoute", "web")?.[0]).toContain("PartiallyInvalid=True/UnsupportedValue");
    const rt = gw.routes[0]?.virtualHosts[0]?.routes.find((x) => x.name.endsWith("rule/0/match/0"));
    expect(rt?.action.case).toBe("directResponse");
  });

  it("BackendLBPolicy applies with Path unset and a per-rule name; route config overrides it", () => {
    const policy = `
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: BackendLBPolicy
metadata: {name: lbp, namespace: default, generation: 3}
spec:
  targetRefs: [{group: "", kind: Service, name: app}]
  sessionPersistence: {sessionName: svc}`;
    const { r, gw } = run(route("{sessionName: mine}") + policy);
    const a = cookieOf(gw, "rule/0/match/0");
    const b = cookieOf(gw, "rule/1/match/0");
    expect(a?.name).toBe("mine");
    expect(a?.path).toBe("/a");
    expect(b?.name).toMatch(/^svc-[0-9a-f]{8}$/);
    expect(b?.path).toBe("");
    expect(accepted(r.statuses, "BackendLBPolicy", "lbp")).toEqual(["Accepted=True/Accepted"]);
    const s = r.statuses.find((x) => x.kind === "BackendLBPolicy");
    expect(s && "ancestors" in s ? s.ancestors[0]?.ancestorRef : undefined).toEqual({ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "default", name: "gw" });
    expect(s && "ancestors" in s ? s.ancestors[0]?.conditions[0]?.observedGeneration : undefined).toBe(3);
  });

  it("two rules to one policy-backed Service never share a session", () => {
    const { gw } = run(
      route("") +
        `
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: BackendLBPolicy
metadata: {name: lbp, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: app}]
  sessionPersistence: {sessionName: svc}`,
    );
    const a = cookieOf(gw, "rule/0/match/0")?.name;
    const b = cookieOf(gw, "rule/1/match/0")?.name;
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
  });

  it("a BackendLBPolicy on a ClientIP-affinity Service is rejected on its ancestors", () => {
    const { r, gw } = run(
      route("", "ip") +
        `
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: BackendLBPolicy
metadata: {name: lbp, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: ip}]
  sessionPersistence: {}`,
    );
    expect(accepted(r.statuses, "BackendLBPolicy", "lbp")).toEqual(["Accepted=False/Invalid"]);
    expect(cookieOf(gw, "rule/0/match/0")).toBeUndefined();
  });

  it("an invalid policy (idleTimeout) is Accepted=False and not applied", () => {
    const { r, gw } = run(
      route("") +
        `
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: BackendLBPolicy
metadata: {name: lbp, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: app}]
  sessionPersistence: {idleTimeout: 5m}`,
    );
    expect(accepted(r.statuses, "BackendLBPolicy", "lbp")).toEqual(["Accepted=False/Invalid"]);
    expect(cookieOf(gw, "rule/0/match/0")).toBeUndefined();
  });
});
