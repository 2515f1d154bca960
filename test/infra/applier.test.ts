// The provisioner against the loopback API server: real client-node
// KubernetesObjectApi requests, server-side apply, garbage collection by label,
// leadership, retries, and Gateway addresses from the Service.
import { EventEmitter } from "node:events";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildResourceSet, type ResourceSet } from "../../src/api/resource-set.ts";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { desiredState } from "../../src/infra/provision/desired.ts";
import { startProvisioner, type Provisioner } from "../../src/infra/provision/index.ts";
import { proxyName } from "../../src/infra/provision/names.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { ApiServerFixture } from "../fixtures/apiserver/fixture.ts";
import { PROVISIONING_RESOURCES } from "../fixtures/apiserver/resources.ts";
import { captureLogger, metricValue, waitFor } from "../watch/kubernetes/helpers.ts";
import { oursResult, parseObjects } from "./helpers.ts";

const NS = "switchyard-system";

class TestLeader extends EventEmitter {
  isLeader: boolean;
  constructor(leading: boolean) {
    super();
    this.isLeader = leading;
  }
  set(leading: boolean): void {
    this.isLeader = leading;
    this.emit(leading ? "started-leading" : "stopped-leading");
  }
}

const CLASS = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: switchyard }
spec: { controllerName: switchyard.dev/gateway-controller }
`;

function gatewayYaml(ns: string, name: string, ports: number[] = [8080], extra = ""): string {
  return `
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${ns}, uid: uid-${ns}-${name} }
spec:
  gatewayClassName: switchyard
  listeners:
${ports.map((p) => `    - { name: l${p}, port: ${p}, protocol: HTTP }`).join("\n")}
${extra}`;
}

function inputs(...gateways: string[]): ResourceSet {
  return buildResourceSet(parseObjects(CLASS + gateways.join("")));
}

const KINDS = [
  ["v1", "ServiceAccount"],
  ["v1", "ConfigMap"],
  ["apps/v1", "Deployment"],
  ["v1", "Service"],
] as const;

describe("provisioner against the API server fixture", () => {
  let api: ApiServerFixture;
  let prov: Provisioner | undefined;
  let leader: TestLeader;
  const writes = () => api.requests.filter((r) => r.method !== "GET");

  beforeEach(async () => {
    api = await new ApiServerFixture({ extraResources: PROVISIONING_RESOURCES }).start();
    leader = new TestLeader(true);
  });
  afterEach(async () => {
    await prov?.stop();
    prov = undefined;
    await api.stop();
  });

  const start = (extra: Partial<Parameters<typeof startProvisioner>[0]> = {}) =>
    (prov = startProvisioner({
      kubeConfig: api.kubeConfig(),
      leader,
      logger: silentLogger(),
      registry: new Registry(),
      controllerNamespace: NS,
      retryInitialMs: 10,
      retryMaxMs: 50,
      resyncMs: 0,
      ...extra,
    }));

  const sync = async (p: Provisioner, rs: ResourceSet) => {
    p.sync(oursResult(rs), rs);
    await p.idle();
  };

  it("the leader server-side applies every object once; an unchanged translation writes nothing", async () => {
    const p = start();
    const rs = inputs(gatewayYaml("default", "eg"));
    await sync(p, rs);
    const name = proxyName("default", "eg");
    for (const [v, k] of KINDS) {
      const obj = api.get(v, k, name, NS);
      expect(obj, `${k} ${name}`).toBeDefined();
      expect(obj?.metadata.labels).toMatchObject({ "gateway.networking.k8s.io/gateway-name": "eg", "app.kubernetes.io/managed-by": "switchyard" });
      expect(obj?.metadata.managedFields).toEqual([expect.objectContaining({ manager: "switchyard", operation: "Apply" })]);
    }
    // client-node's serializer dropped nothing on the way (it drops fields its models lack).
    const rendered = desiredState(oursResult(rs), rs, { controllerNamespace: NS, xdsHost: "switchyard.switchyard-system.svc.cluster.local", xdsPort: 18000 });
    for (const o of rendered.gateways.get("default/eg")?.objects ?? []) {
      const stored = api.get(o.apiVersion, o.kind, name, NS) as Record<string, unknown>;
      for (const field of ["spec", "data", "automountServiceAccountToken"]) expect(stored[field], `${o.kind}.${field}`).toEqual(o[field]);
      expect(stored.metadata).toMatchObject({ labels: o.metadata.labels, annotations: o.metadata.annotations });
    }
    const patches = writes().filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(4);
    expect(patches.every((r) => r.path.includes("fieldManager=switchyard") && r.path.includes("force=true"))).toBe(true);
    expect(patches.every((r) => r.status === 201)).toBe(true);

    expect(p.rendered().get("default/eg")?.objects?.map((o) => o.kind)).toEqual(["ServiceAccount", "ConfigMap", "Deployment", "Service"]);
    const before = api.requests.length;
    await sync(p, inputs(gatewayYaml("default", "eg")));
    expect(api.requests.slice(before)).toEqual([]);
  });

  it("re-applies what changed, and deletes the objects of a Gateway that is gone, by label", async () => {
    const p = start();
    await sync(p, inputs(gatewayYaml("default", "a"), gatewayYaml("default", "b")));
    // Someone else's object with our labels but no Gateway annotation is not ours to delete.
    api.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "lookalike", namespace: NS, labels: { "app.kubernetes.io/managed-by": "switchyard", "app.kubernetes.io/component": "proxy" } } });

    const mark = api.requests.length;
    await sync(p, inputs(gatewayYaml("default", "b", [8080, 9090])));
    const a = proxyName("default", "a");
    const b = proxyName("default", "b");
    for (const [v, k] of KINDS) expect(api.get(v, k, a, NS), `${k} of a`).toBeUndefined();
    expect(api.get("v1", "ConfigMap", "lookalike", NS)).toBeDefined();
    const svc = api.get("v1", "Service", b, NS) as unknown as { spec: { ports: { port: number }[] } };
    expect(svc.spec.ports.map((x) => x.port)).toEqual([8080, 9090]);
    const recent = api.requests.slice(mark).filter((r) => r.method !== "GET" || r.path.includes("labelSelector"));
    expect(recent.filter((r) => r.method === "DELETE").map((r) => r.path.split("?")[0])).toEqual([
      `/api/v1/namespaces/${NS}/serviceaccounts/${a}`,
      `/api/v1/namespaces/${NS}/configmaps/${a}`,
      `/apis/apps/v1/namespaces/${NS}/deployments/${a}`,
      `/api/v1/namespaces/${NS}/services/${a}`,
    ]);
    // Only b's Deployment (new container port), ConfigMap unchanged, Service (new port) were re-applied.
    expect(recent.filter((r) => r.method === "PATCH").map((r) => (r.path.split("?")[0] ?? "").split("/").slice(-2)[0]).sort()).toEqual(["deployments", "services"]);
    expect(recent.filter((r) => r.method === "GET").every((r) => r.path.includes("labelSelector=app.kubernetes.io%2Fmanaged-by%3Dswitchyard%2Capp.kubernetes.io%2Fcomponent%3Dproxy"))).toBe(true);
  });

  it("keeps a Gateway's objects while its parameters are invalid", async () => {
    const p = start();
    await sync(p, inputs(gatewayYaml("default", "eg")));
    const bad = `  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: missing } }`;
    const mark = api.requests.length;
    await sync(p, inputs(gatewayYaml("default", "eg", [8080], bad)));
    expect(api.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect(api.get("apps/v1", "Deployment", proxyName("default", "eg"), NS)).toBeDefined();
  });

  it("a follower writes nothing; on becoming leader it applies at once", async () => {
    leader = new TestLeader(false);
    const p = start();
    await sync(p, inputs(gatewayYaml("default", "eg")));
    expect(writes()).toEqual([]);
    leader.set(true);
    await waitFor(() => api.get("v1", "Service", proxyName("default", "eg"), NS) !== undefined, "the new leader applies");
    await p.idle();
    expect(writes().filter((r) => r.method === "PATCH")).toHaveLength(4);
    // Losing the lease stops writes.
    leader.set(false);
    const mark = api.requests.length;
    await sync(p, inputs(gatewayYaml("default", "eg", [8081])));
    expect(api.requests.slice(mark)).toEqual([]);
  });

  it("retries failed writes with backoff and never throws into the caller", async () => {
    api.addFault({ method: "PATCH", times: 3, action: { type: "status", status: 500 } });
    const p = start();
    expect(() => p.sync(oursResult(inputs(gatewayYaml("default", "eg"))), inputs(gatewayYaml("default", "eg")))).not.toThrow();
    await waitFor(() => KINDS.every(([v, k]) => api.get(v, k, proxyName("default", "eg"), NS) !== undefined), "all objects applied after the faults");
    expect(api.requests.filter((r) => r.method === "PATCH" && r.status === 500)).toHaveLength(3);
  });

  it("429 with Retry-After: the pass ends at the refused write, and no change is written while the server asks to wait", async () => {
    // 5 minutes (the longest Retry-After taken): longer than this test, against a backoff of at most 50 ms.
    api.addFault({ method: "PATCH", times: 1, action: { type: "status", status: 429, message: "too many requests", retryAfterSeconds: 300 } });
    const { logger, lines } = captureLogger();
    const registry = new Registry();
    const p = start({ logger, registry });
    await sync(p, inputs(gatewayYaml("default", "a")));
    expect(writes().map((r) => r.status)).toEqual([429]);
    // A change kicks the applier; held, it runs no pass (idle() would wait for one) and writes nothing.
    await sync(p, inputs(gatewayYaml("default", "a"), gatewayYaml("default", "b")));
    expect(writes().map((r) => r.status)).toEqual([429]);
    expect(await metricValue(registry, "switchyard_provision_operations_total", { op: "apply", result: "throttled" })).toBe(1);
    const warned = lines().filter((l) => String(l.msg).startsWith("provisioning throttled"));
    expect(warned).toEqual([expect.objectContaining({ object: expect.stringContaining("/ServiceAccount/"), status: 429, retryAfterMs: 300_000 })]);
  });

  it("429 with Retry-After: every object is applied once the wait is over, none before it", async () => {
    api.addFault({ method: "PATCH", times: 1, action: { type: "status", status: 429, message: "too many requests", retryAfterSeconds: 1 } });
    const p = start();
    p.sync(oursResult(inputs(gatewayYaml("default", "eg"))), inputs(gatewayYaml("default", "eg")));
    await waitFor(() => KINDS.every(([v, k]) => api.get(v, k, proxyName("default", "eg"), NS) !== undefined), "all objects applied after the wait", 20_000);
    const patches = writes().filter((r) => r.method === "PATCH");
    const [throttled, ...after] = patches;
    expect(throttled?.status).toBe(429);
    expect(after.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    // A lower bound (the backoff alone is at most 50 ms): a loaded machine can only make it later.
    for (const r of after) expect(r.at - throttled!.at).toBeGreaterThanOrEqual(1_000);
  });

  it("survives an API server outage and applies when it is back", async () => {
    const p = start();
    await api.goDown();
    p.sync(oursResult(inputs(gatewayYaml("default", "eg"))), inputs(gatewayYaml("default", "eg")));
    await p.idle();
    await api.comeUp();
    await waitFor(() => api.get("apps/v1", "Deployment", proxyName("default", "eg"), NS) !== undefined, "applied after the outage", 10_000);
  });

  it("Gateway namespace mode: proxies next to their Gateway, owned by it, collected across namespaces", async () => {
    const p = start({ proxyNamespace: "gateway" });
    await sync(p, inputs(gatewayYaml("team-a", "gw"), gatewayYaml("team-b", "gw")));
    const a = api.get("apps/v1", "Deployment", proxyName("team-a", "gw"), "team-a");
    expect(a?.metadata.ownerReferences).toEqual([{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name: "gw", uid: "uid-team-a-gw", controller: true }]);
    await sync(p, inputs(gatewayYaml("team-b", "gw")));
    expect(api.get("apps/v1", "Deployment", proxyName("team-a", "gw"), "team-a")).toBeUndefined();
    expect(api.get("apps/v1", "Deployment", proxyName("team-b", "gw"), "team-b")).toBeDefined();
    // Listing for garbage collection spans all namespaces.
    expect(api.requests.some((r) => r.method === "GET" && r.path.startsWith("/apis/apps/v1/deployments?"))).toBe(true);
  });

  it("Gateway status.addresses come from the proxy Service, and change when its load balancer does", async () => {
    const p = start({ addressPollMs: 20 });
    const published: StatusUpdate[][] = [];
    const sink = p.statusSink({ publish: (u) => published.push([...u]) });
    const rs = inputs(gatewayYaml("default", "eg"));
    const gwStatus: StatusUpdate = {
      kind: "Gateway",
      target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "eg" },
      status: { conditions: [{ type: "Programmed", status: "True", reason: "Programmed", message: "ok" }], listeners: [] },
    };
    sink.publish([gwStatus]);
    // Before the Service is seen the status passes unchanged (the writer keeps old addresses).
    expect(published.at(-1)?.[0]).toEqual(gwStatus);
    await sync(p, rs);
    // The applied Service has no load balancer yet, and no proxy pod is available (that comes first).
    const pending = published.at(-1)?.[0] as Extract<StatusUpdate, { kind: "Gateway" }>;
    expect(pending.status.addresses).toEqual([]);
    expect(pending.status.conditions?.[0]).toMatchObject({ status: "False", reason: "NoResources" });

    // The load balancer gets an address; the informer's copy reaches sync() with the next translation.
    const name = proxyName("default", "eg");
    const svc = api.get("v1", "Service", name, NS)!;
    api.apply({ ...svc, status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } } });
    const withSvc = buildResourceSet([...rs.list("GatewayClass"), ...rs.list("Gateway"), { ...api.get("v1", "Service", name, NS)!, apiVersion: "v1", kind: "Service" } as never]);
    const count = published.length;
    await sync(p, withSvc);
    expect(published.length).toBe(count + 1);
    const addressed = published.at(-1)?.[0] as Extract<StatusUpdate, { kind: "Gateway" }>;
    expect(addressed.status.addresses).toEqual([{ type: "IPAddress", value: "203.0.113.7" }]);
    expect(p.addressesFor("default/eg")).toEqual([{ type: "IPAddress", value: "203.0.113.7" }]);
    // The Deployment has no available replica yet.
    expect(addressed.status.conditions?.[0]).toMatchObject({ status: "False", reason: "NoResources" });
    // Nothing changed: no republish.
    await sync(p, withSvc);
    expect(published.length).toBe(count + 1);

    // Envoy becomes ready; the leader re-reads the Deployment and the Gateway is Programmed.
    const dep = api.get("apps/v1", "Deployment", name, NS)!;
    api.apply({ ...dep, status: { replicas: 1, availableReplicas: 1, readyReplicas: 1 } });
    const last = () => published.at(-1)?.[0] as Extract<StatusUpdate, { kind: "Gateway" }>;
    await waitFor(() => last().status.conditions?.[0]?.status === "True", "Programmed=True once a replica is available");
    expect(last().status.conditions?.[0]).toMatchObject({ reason: "Programmed" });
    expect(last().status.addresses).toEqual([{ type: "IPAddress", value: "203.0.113.7" }]);
  });

  it("re-reads a pending Service when the inputs do not watch its namespace", async () => {
    const p = start({ addressPollMs: 20 });
    const published: StatusUpdate[][] = [];
    const sink = p.statusSink({ publish: (u) => published.push([...u]) });
    sink.publish([
      {
        kind: "Gateway",
        target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "eg" },
        status: { conditions: [{ type: "Programmed", status: "True", reason: "Programmed", message: "ok" }], listeners: [] },
      },
    ]);
    await sync(p, inputs(gatewayYaml("default", "eg")));
    const name = proxyName("default", "eg");
    const svc = api.get("v1", "Service", name, NS)!;
    api.apply({ ...svc, status: { loadBalancer: { ingress: [{ hostname: "lb.example.com" }] } } });
    const addresses = () => (published.at(-1)?.[0] as Extract<StatusUpdate, { kind: "Gateway" }> | undefined)?.status.addresses;
    await waitFor(() => addresses()?.length === 1, "the polled address is published");
    expect(addresses()).toEqual([{ type: "Hostname", value: "lb.example.com" }]);
    // Once the address is known the polling stops.
    const reads = () => api.requests.filter((r) => r.method === "GET" && r.path === `/api/v1/namespaces/${NS}/services/${name}`).length;
    const n = reads();
    // A bounded negative wait: no event marks a read that does not happen.
    await new Promise((r) => setTimeout(r, 100));
    expect(reads()).toBe(n);
  });
});
