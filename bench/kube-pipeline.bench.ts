// The kubernetes source end to end: a real etcd + kube-apiserver (the pinned
// peers of e2e/peers/build-kube.sh), the bench fixture's objects created
// through the API, and `switchyard serve --source kubernetes` as its own
// process (no provisioning, no leader election). Measures, as medians:
//  - start-up: spawn -> the first stream has its RouteConfiguration;
//  - one-route edit (a merge patch of one HTTPRoute) -> ACKed by 1 stream,
//    then by all of KUBE_BENCH_STREAMS streams;
//  - one-endpoint EndpointSlice patch -> the new ClusterLoadAssignment ACKed;
//  - during each: event-loop lag, slowest /healthz, server CPU (pipeline-measure.ts).
// Env: KUBE_BENCH_ROUTES (default 2000), KUBE_BENCH_STREAMS (default 1000),
// KUBE_BENCH_EDITS (default 5), KUBE_PEERS_BIN, PIPELINE_TIMEOUT_S.
import { loadavg } from "node:os";
import { join } from "node:path";
import type { K8sObject } from "../src/api/meta.ts";
import { collectionPath, objectPath } from "../src/watch/kubernetes/resources.ts";
import { kubePeersBin } from "../test/kube/peers.ts";
import { RealApiServer } from "../test/kube/real-apiserver.ts";
import { AdsClients } from "./ads-clients.ts";
import { measureChanges, startServe, stopServe, Timeout, within } from "./pipeline-measure.ts";
import { benchObjects } from "./translate-fixture.ts";

const routes = Number(process.env.KUBE_BENCH_ROUTES ?? 2000);
const streams = Number(process.env.KUBE_BENCH_STREAMS ?? 1000);
const edits = Number(process.env.KUBE_BENCH_EDITS ?? 5);
const mainTs = process.env.SWITCHYARD_MAIN ?? join(import.meta.dirname, "../src/cli/main.ts");
const SERVICES = 50; // bench/translate-fixture.ts

const PLURAL: Record<string, string> = {
  GatewayClass: "gatewayclasses",
  Gateway: "gateways",
  HTTPRoute: "httproutes",
  Service: "services",
  EndpointSlice: "endpointslices",
};

function pathOf(o: K8sObject, name?: string): string {
  const [group, version] = o.apiVersion.includes("/") ? (o.apiVersion.split("/") as [string, string]) : ["", o.apiVersion];
  const plural = PLURAL[o.kind];
  if (!plural) throw new Error(`bench fixture: no plural for ${o.kind}`);
  const ns = o.metadata.namespace;
  return name ? objectPath(group, version, plural, name, ns) : collectionPath(group, version, plural, ns);
}

/** Creates the objects, a few requests at a time (the API server's default max-in-flight is far above). */
async function createAll(server: RealApiServer, objs: K8sObject[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objs.length) {
      const o = objs[next++]!;
      const { metadata, ...rest } = o;
      // The API server sets generation and creationTimestamp itself.
      const body = { ...rest, metadata: { name: metadata.name, namespace: metadata.namespace, labels: metadata.labels } };
      const res = await server.client.request({ method: "POST", path: pathOf(o), body });
      if (res.status >= 300) throw new Error(`creating ${o.kind} ${metadata.namespace ?? ""}/${metadata.name}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function main(): Promise<void> {
  const bin = kubePeersBin();
  if (!bin) {
    console.log("kubernetes-source pipeline: no kube-apiserver/etcd (run e2e/peers/build-kube.sh or set KUBE_PEERS_BIN)");
    process.exitCode = 1;
    return;
  }
  const server = await RealApiServer.start({ bin, crds: "v1.7.0-standard" });
  let child: ReturnType<typeof startServe>["child"] | undefined;
  let clients: AdsClients | undefined;
  try {
    const objs = benchObjects(routes);
    const t0c = performance.now();
    await createAll(server, objs);
    console.log(
      `serve --source kubernetes: real kube-apiserver, ${routes} HTTPRoutes (${objs.length} objects created in ${((performance.now() - t0c) / 1000).toFixed(1)} s), ${streams} ADS streams; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    );
    const t0 = performance.now();
    const started = startServe(mainTs, ["--source", "kubernetes", "--kubeconfig", server.kubeconfigPath, "--disable-provisioning", "--disable-leader-election"]);
    child = started.child;
    const { xdsPort, adminPort } = await within(started.ports, "serve start-up", 4);
    const admin = `http://127.0.0.1:${adminPort}`;
    clients = new AdsClients(`127.0.0.1:${xdsPort}`, {
      gateway: "default/eg",
      routeConfigs: ["default/eg/http"],
      clusters: Array.from({ length: SERVICES }, (_, s) => `service/default/svc-${s}/8080`),
    });
    await within(clients.grow(1), "first stream");
    console.log(`start-up: spawn -> first stream has its RouteConfiguration: ${(performance.now() - t0).toFixed(0)} ms`);

    const route = objs.find((o) => o.kind === "HTTPRoute")!;
    const slice = objs.find((o) => o.kind === "EndpointSlice")!;
    let edit = 0;
    const patch = (o: K8sObject, body: unknown) => {
      void server.client
        .request({ method: "PATCH", path: pathOf(o, o.metadata.name), body, contentType: "application/merge-patch+json" })
        .then((r) => {
          if (r.status >= 300) console.log(`patch ${o.kind} ${o.metadata.name}: HTTP ${r.status}`);
        });
    };
    const routeSpec = (route as unknown as { spec: { rules: { matches?: { path?: { value?: string } }[] }[] } }).spec;
    const routeEdit = () => {
      const rules = structuredClone(routeSpec.rules);
      const m = rules[0]?.matches?.[0]?.path;
      if (!m) throw new Error("fixture changed: route-0 has no path match");
      m.value = `/app-0-edit-${++edit}`;
      patch(route, { spec: { rules } });
    };
    const endpoints = (slice as unknown as { endpoints: { addresses: string[] }[] }).endpoints;
    const sliceEdit = () => {
      const eps = structuredClone(endpoints);
      eps[0]!.addresses = [`10.0.9.${(++edit % 250) + 1}`];
      patch(slice, { endpoints: eps });
    };
    await measureChanges(child!, admin, clients, { edits, streams, routeEdit, sliceEdit });
  } catch (err) {
    console.log(`gave up: ${(err as Error).message}`);
    if (!(err instanceof Timeout)) process.exitCode = 1;
  } finally {
    clients?.close();
    if (child) await stopServe(child);
    await server.stop();
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
}

await main();
