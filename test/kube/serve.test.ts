// `switchyard serve --source kubernetes` as a process (bin/switchyard.mjs), against a real kube-apiserver
// (Gateway API v1.7.0 CRDs): status with observedGeneration for a Gateway and an HTTPRoute, a
// ReferenceGrant created and then revoked, a ListenerSet and a route on it, and an API-server restart (serving goes on; after the
// restart the informers relist/resume and a new change is seen).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "../watch/kubernetes/helpers.ts";
import { describeKube } from "./peers.ts";
import { CONTROLLER } from "./plane.ts";
import { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
const ROUTE = `/apis/${G}/namespaces/app/httproutes/web`;
const GATEWAY = `/apis/${G}/namespaces/app/gateways/gw`;
const GRANT = `/apis/gateway.networking.k8s.io/v1beta1/namespaces/backend/referencegrants`;

interface Cond {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
}
interface Obj {
  metadata: { generation: number; resourceVersion: string };
  spec: Record<string, unknown>;
  status?: { conditions?: Cond[]; parents?: { controllerName: string; conditions: Cond[] }[]; listeners?: { name: string; conditions: Cond[] }[] };
}

describeKube("real kube-apiserver: switchyard serve --source kubernetes", (bin) => {
  let server: RealApiServer;
  let proc: ChildProcess | undefined;
  let adminPort = 0;
  const logs: Record<string, unknown>[] = [];

  const api = <T = Obj>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) => server.client.json({ method, path, body }) as Promise<T>;
  const get = (path: string) => api("GET", path);
  /** A spec edit as a merge patch: no resourceVersion, so our own status writes cannot make it conflict. */
  const patchSpec = (path: string, spec: Record<string, unknown>) =>
    server.client.json({ method: "PATCH", path, body: { spec }, contentType: "application/merge-patch+json" }) as Promise<Obj>;
  const cond = (conds: Cond[] | undefined, type: string) => conds?.find((c) => c.type === type);
  const ours = (o: Obj) => o.status?.parents?.find((p) => p.controllerName === CONTROLLER);
  const admin = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${adminPort}${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    server = await RealApiServer.start({ bin, crds: "v1.7.0" });
    console.log(`kube-apiserver with v1.7.0 CRDs ready in ${server.startMs} ms`);
    for (const name of ["switchyard-system", "app", "backend"]) await api("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    await api("POST", `/apis/${G}/gatewayclasses`, { apiVersion: G, kind: "GatewayClass", metadata: { name: "switchyard" }, spec: { controllerName: CONTROLLER } });
    await api("POST", `/apis/${G}/namespaces/app/gateways`, {
      apiVersion: G,
      kind: "Gateway",
      metadata: { name: "gw" },
      spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" } } }] },
    });
    await api("POST", "/api/v1/namespaces/backend/services", { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 8080 }], selector: { app: "web" } } });
    await api("POST", `/apis/${G}/namespaces/app/httproutes`, {
      apiVersion: G,
      kind: "HTTPRoute",
      metadata: { name: "web" },
      spec: { parentRefs: [{ name: "gw" }], rules: [{ backendRefs: [{ name: "web", namespace: "backend", port: 8080 }] }] },
    });

    proc = spawn(process.execPath, ["bin/switchyard.mjs", "serve", "--source", "kubernetes", "--kubeconfig", server.kubeconfigPath, "--disable-leader-election", "--xds-port", "0", "--admin-port", "0"], {
      env: { ...process.env, POD_NAMESPACE: "switchyard-system", SWITCHYARD_LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === "switchyard is serving") adminPort = entry.adminPort as number;
      } catch {
        logs.push({ msg: line });
      }
    });
    proc.stderr!.on("data", (d: Buffer) => logs.push({ stderr: d.toString() }));
    await waitFor(() => adminPort > 0 || proc?.exitCode !== null, "switchyard serving", 60_000);
    expect(adminPort, JSON.stringify(logs.slice(-5))).toBeGreaterThan(0);
  }, 180_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    }
    await server?.stop();
  });

  it("writes status with observedGeneration; a ReferenceGrant resolves the backend, revoking it unresolves it", { timeout: 90_000 }, async () => {
    const resolved = async () => cond(ours(await get(ROUTE))?.conditions, "ResolvedRefs");
    await waitFor(async () => (await resolved())?.reason === "RefNotPermitted", "HTTPRoute ResolvedRefs=False RefNotPermitted", 30_000);
    const route = await get(ROUTE);
    expect(cond(ours(route)?.conditions, "Accepted")).toMatchObject({ status: "True", observedGeneration: 1 });
    const gw = await get(GATEWAY);
    expect(cond(gw.status?.conditions, "Accepted")).toMatchObject({ status: "True", observedGeneration: 1 });

    await api("POST", GRANT, {
      apiVersion: "gateway.networking.k8s.io/v1beta1",
      kind: "ReferenceGrant",
      metadata: { name: "routes-to-web" },
      spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "app" }], to: [{ group: "", kind: "Service", name: "web" }] },
    });
    await waitFor(async () => (await resolved())?.status === "True", "ResolvedRefs=True once granted", 20_000);
    const snapshot = (await admin("/api/snapshots/app/gw")).body as { resources: { cluster: { name: string }[] } };
    expect(snapshot.resources.cluster.map((c) => c.name).join(" ")).toContain("backend");

    // A spec edit bumps the generation; every condition we own follows it.
    await patchSpec(ROUTE, { hostnames: ["web.example.com"] });
    await waitFor(async () => cond(ours(await get(ROUTE))?.conditions, "Accepted")?.observedGeneration === 2, "HTTPRoute observedGeneration 2", 20_000);
    expect(ours(await get(ROUTE))?.conditions.every((c) => c.observedGeneration === 2)).toBe(true);
    const gw1 = await get(GATEWAY);
    await patchSpec(GATEWAY, { listeners: [...(gw1.spec.listeners as object[]), { name: "http-8080", port: 8080, protocol: "HTTP" }] });
    await waitFor(async () => (await get(GATEWAY)).status?.listeners?.length === 2, "the new listener's status", 20_000);
    const gw2 = await get(GATEWAY);
    expect(gw2.metadata.generation).toBe(2);
    expect(gw2.status?.conditions?.every((c) => c.observedGeneration === 2)).toBe(true);
    expect(gw2.status?.listeners?.flatMap((l) => l.conditions).every((c) => c.observedGeneration === 2)).toBe(true);

    await api("DELETE", `${GRANT}/routes-to-web`);
    await waitFor(async () => (await resolved())?.reason === "RefNotPermitted", "RefNotPermitted again once revoked", 20_000);
    const refused = logs.filter((l) => String(l.msg).includes("rejected") || l.level === 50);
    expect(refused).toEqual([]);
  });

  it("writes its route status again when another writer clears it", { timeout: 60_000 }, async () => {
    await waitFor(async () => ours(await get(ROUTE)) !== undefined, "our HTTPRoute status", 20_000);
    const route = await get(ROUTE);
    await api("PUT", `${ROUTE}/status`, { ...route, status: { parents: [] } });
    expect(ours(await get(ROUTE))).toBeUndefined();
    await waitFor(async () => cond(ours(await get(ROUTE))?.conditions, "Accepted")?.status === "True", "our HTTPRoute status written again", 20_000);
  });

  it("a ListenerSet: refused until the Gateway allows it, then attached; its status, the Gateway's count, and a route on it", { timeout: 90_000 }, async () => {
    const SET = `/apis/${G}/namespaces/app/listenersets/extra`;
    await api("POST", `/apis/${G}/namespaces/app/listenersets`, {
      apiVersion: G,
      kind: "ListenerSet",
      metadata: { name: "extra" },
      spec: { parentRef: { name: "gw" }, listeners: [{ name: "http", port: 9090, protocol: "HTTP" }] },
    });
    await waitFor(async () => cond((await get(SET)).status?.conditions, "Accepted")?.reason === "NotAllowed", "ListenerSet Accepted=False NotAllowed", 30_000);
    await patchSpec(GATEWAY, { allowedListeners: { namespaces: { from: "Same" } } });
    await waitFor(async () => cond((await get(SET)).status?.conditions, "Accepted")?.status === "True", "ListenerSet Accepted=True once allowed", 30_000);
    const set = await get(SET);
    expect(cond(set.status?.conditions, "Programmed")).toMatchObject({ status: "True", observedGeneration: 1 });
    expect(set.status?.listeners?.map((l) => [l.name, cond(l.conditions, "Programmed")?.status])).toEqual([["http", "True"]]);
    expect(((await get(GATEWAY)).status as { attachedListenerSets?: number }).attachedListenerSets).toBe(1);
    // A route whose parentRef is the ListenerSet gets a status entry for it.
    await api("POST", `/apis/${G}/namespaces/app/httproutes`, {
      apiVersion: G,
      kind: "HTTPRoute",
      metadata: { name: "on-set" },
      spec: { parentRefs: [{ kind: "ListenerSet", name: "extra", sectionName: "http" }], rules: [{ backendRefs: [{ name: "web", namespace: "backend", port: 8080 }] }] },
    });
    const ON_SET = `/apis/${G}/namespaces/app/httproutes/on-set`;
    await waitFor(async () => cond(ours(await get(ON_SET))?.conditions, "Accepted")?.status === "True", "the route on the ListenerSet accepted", 30_000);
    const snapshot = (await admin("/api/snapshots/app/gw")).body as { resources: { listener: { name: string }[] } };
    expect(snapshot.resources.listener.map((l) => l.name)).toContain("app/gw/listenerset/app/extra/http");
  });

  it("an API-server restart: xDS keeps serving the last snapshot, and changes after the restart arrive", { timeout: 90_000 }, async () => {
    const before = (await admin("/api/snapshots/app/gw")).body as { version: string };
    await server.killApiServer();
    // Down: the snapshot stays as it was.
    const during = await admin("/api/snapshots/app/gw");
    expect(during.status).toBe(200);
    expect((during.body as { version: string }).version).toBe(before.version);
    await server.restartApiServer();
    await api("POST", GRANT, {
      apiVersion: "gateway.networking.k8s.io/v1beta1",
      kind: "ReferenceGrant",
      metadata: { name: "after-restart" },
      spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "app" }], to: [{ group: "", kind: "Service", name: "web" }] },
    });
    await waitFor(async () => cond(ours(await get(ROUTE))?.conditions, "ResolvedRefs")?.status === "True", "a change after the restart reaches status", 45_000);
    expect(((await admin("/api/snapshots/app/gw")).body as { version: string }).version).not.toBe(before.version);
  });
});
