// deploy/base RBAC is exact: every request the kubernetes inputs make in a
// full run (sync, watch, leader election, status writes incl. a conflict,
// release) is allowed by the ClusterRole/Role, and every verb the roles grant
// is used by some request.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { StatusUpdate } from "../../../src/api/translation.ts";
import { silentLogger } from "../../../src/observability/log.ts";
import { createRegistry } from "../../../src/observability/metrics.ts";
import { DEFAULT_LEASE_NAME, startKubernetesInputs } from "../../../src/watch/kubernetes/index.ts";
import { RESOURCES } from "../../../src/watch/kubernetes/resources.ts";
import { ApiServerFixture, type RecordedRequest } from "../../fixtures/apiserver/fixture.ts";
import { GATEWAY_API_V1_1_EXPERIMENTAL } from "../../fixtures/apiserver/resources.ts";
import { FAST_TIMING, waitFor } from "./helpers.ts";

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const deploy = new URL("../../../deploy/base/", import.meta.url);
const docs = (file: string) => parseAllDocuments(readFileSync(new URL(file, deploy), "utf8")).map((d) => d.toJS() as { kind: string; rules: Rule[] });
const clusterRules = docs("clusterrole.yaml").flatMap((d) => d.rules);
const leaseRules = docs("role.yaml").flatMap((d) => d.rules);
const NS = "switchyard-system";

interface Access {
  group: string;
  resource: string;
  verb: string;
  namespace?: string;
  name?: string;
}

/** What the API server's authorizer would see for a request (undefined for discovery paths). */
function accessOf(r: RecordedRequest): Access | undefined {
  const parts = r.path.split("?")[0]!.split("/").filter(Boolean);
  const core = parts[0] === "api";
  const rest = parts.slice(core ? 2 : 3);
  if (rest.length === 0) return undefined; // /api, /apis, /apis/<g>, /apis/<g>/<v>
  const group = core ? "" : parts[1]!;
  let namespace: string | undefined;
  let p = rest;
  if (p[0] === "namespaces" && p.length >= 3) {
    namespace = p[1];
    p = p.slice(2);
  }
  const [plural, name, sub] = p;
  const resource = sub ? `${plural}/${sub}` : plural!;
  const verb =
    r.method === "GET" ? (name ? "get" : r.watch ? "watch" : "list") : ({ PUT: "update", POST: "create", PATCH: "patch", DELETE: "delete" } as Record<string, string>)[r.method]!;
  return { group, resource, verb, namespace, name };
}

function allowedBy(a: Access, rules: Rule[]): Rule | undefined {
  return rules.find(
    (rule) =>
      rule.apiGroups.includes(a.group) &&
      rule.resources.includes(a.resource) &&
      rule.verbs.includes(a.verb) &&
      (!rule.resourceNames || (a.name !== undefined && rule.resourceNames.includes(a.name))),
  );
}

let fixture: ApiServerFixture;
afterEach(async () => fixture?.stop());

describe("deploy/base RBAC", () => {
  it("lists exactly the kinds the source watches, and status only for kinds we report on", () => {
    const listed = clusterRules.filter((r) => r.verbs.includes("list")).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`)));
    expect(listed.sort()).toEqual(RESOURCES.map((r) => `${r.group}/${r.plural}`).sort());
    const statusKinds: StatusUpdate["kind"][] = ["GatewayClass", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "BackendTLSPolicy", "BackendLBPolicy"];
    const status = clusterRules.filter((r) => r.resources.some((x) => x.endsWith("/status"))).flatMap((r) => r.resources);
    expect(status.sort()).toEqual(statusKinds.map((k) => `${RESOURCES.find((r) => r.kind === k)!.plural}/status`).sort());
  });

  it("allows every request of a full run, and grants no verb that run does not use", async () => {
    fixture = await new ApiServerFixture({ resources: GATEWAY_API_V1_1_EXPERIMENTAL }).start();
    const G = "gateway.networking.k8s.io/v1";
    fixture.apply({ apiVersion: G, kind: "HTTPRoute", metadata: { name: "r", namespace: "default" }, spec: {} });
    const k = startKubernetesInputs({
      kubeConfig: fixture.kubeConfig(),
      controllerName: "switchyard.dev/gc",
      logger: silentLogger(),
      registry: createRegistry(),
      leaseNamespace: NS,
      identity: "me",
      timing: { ...FAST_TIMING, leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 },
    });
    await k.source.start();
    await waitFor(() => k.leader.isLeader, "leadership");
    await waitFor(() => fixture.requests.some((r) => r.method === "PUT" && r.path.includes("/leases/")), "a lease renewal");
    // Make the cache stale (the watches go quiet), so the write meets a 409 and reads /status again.
    fixture.muteWatches();
    const other = { parentRef: { name: "x" }, controllerName: "example.com/other", conditions: [] };
    const current = fixture.get(G, "HTTPRoute", "r", "default")!;
    fixture.apply({ ...current, status: { parents: [other] } });
    k.statusSink.publish([
      {
        kind: "HTTPRoute",
        target: { apiVersion: G, namespace: "default", name: "r" },
        parents: [{ parentRef: { name: "gw" }, controllerName: "switchyard.dev/gc", conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "" }] }],
      },
    ]);
    await waitFor(() => fixture.requests.some((r) => r.method === "PUT" && r.path.endsWith("/status") && r.status === 200), "the status write");
    await k.stop();

    const used = new Set<string>();
    for (const r of fixture.requests) {
      const a = accessOf(r);
      if (!a) continue;
      const viaRole = a.namespace === NS ? allowedBy(a, leaseRules) : undefined;
      const rule = viaRole ?? allowedBy(a, clusterRules);
      expect(rule, `${r.method} ${r.path} needs ${a.verb} on ${a.group}/${a.resource}`).toBeDefined();
      for (const v of rule!.verbs) if (v === a.verb) used.add(`${rule!.apiGroups.join()}|${rule!.resources.join()}|${v}`);
    }
    expect(fixture.requests.some((r) => r.method === "PUT" && r.path.endsWith("/status") && r.status === 409)).toBe(true);
    const granted = [...clusterRules, ...leaseRules].flatMap((rule) => rule.verbs.map((v) => `${rule.apiGroups.join()}|${rule.resources.join()}|${v}`));
    expect(granted.filter((g) => !used.has(g))).toEqual([]);
    expect(leaseRules.find((r) => r.resourceNames)?.resourceNames).toEqual([DEFAULT_LEASE_NAME]);
  });
});
