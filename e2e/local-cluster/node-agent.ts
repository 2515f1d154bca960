// The local cluster's node agent, in place of a kubelet and a scheduler: it registers one Node, binds
// every unscheduled Pod to it, runs the Pods bound to it (pod-runner.ts), reports their IP, readiness and
// container states, deletes terminating Pods once their processes are gone, and gives each LoadBalancer
// Service the addresses of its ready Pods (what cloud-provider-kind does with a container per Service).
import { makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from "@kubernetes/client-node";
import { mkdirSync } from "node:fs";
import type { Server } from "node:https";
import { join } from "node:path";
import { KubeClient, errorMessage } from "../../src/watch/kubernetes/kube-http.ts";
import type { Binaries } from "./images.ts";
import type { ClusterNetwork } from "./network.ts";
import { KUBELET_PORT, selfSignedCert, startKubeletServer } from "./kubelet-server.ts";
import { PodRunner } from "./pod-runner.ts";
import { sidecarPlan, type MeshSidecarOptions } from "./sidecar.ts";
import type { ServiceName } from "./mesh-network.ts";
import type { ReadData } from "./pod-spec.ts";
import type { Pod, Service } from "./pod-types.ts";

export interface NodeAgentOptions {
  kubeConfig: KubeConfig;
  nodeName: string;
  bins: Binaries;
  network: ClusterNetwork;
  /** Where Pods' volumes and logs go. */
  dir: string;
  /** Sidecar injection into the Pods of these namespaces (sidecar.ts). */
  mesh?: MeshSidecarOptions;
  log(msg: string): void;
}

const MERGE = "application/merge-patch+json";

export class NodeAgent {
  private readonly o: NodeAgentOptions;
  private readonly client: KubeClient;
  private readonly runners = new Map<string, PodRunner>();
  private readonly dirty = new Set<string>();
  private readonly statusDirty = new Set<string>();
  private pods!: Informer<KubernetesObject> & { list(): KubernetesObject[]; get(name: string, ns?: string): KubernetesObject | undefined };
  private services!: Informer<KubernetesObject> & { list(): KubernetesObject[] };
  private draining: Promise<void> | undefined;
  private kubelet: Server | undefined;
  private stopped = false;

  constructor(o: NodeAgentOptions) {
    this.o = o;
    this.client = new KubeClient(o.kubeConfig);
  }

  async start(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true });
    this.kubelet = await startKubeletServer(this.o.network.hostAddress, selfSignedCert(this.o.dir, this.o.network.hostAddress), (ns, pod, container) => {
      const r = this.runners.get(`${ns}/${pod}`);
      const name = container ?? r?.pod.spec.containers[0]?.name;
      return r && name ? r.logPath(name) : undefined;
    }, async (ns, pod, container, command) => this.runners.get(`${ns}/${pod}`)?.execPlan(container, command) ?? { error: `Pod ${ns}/${pod} is not running on this node` });
    await this.registerNode();
    this.pods = this.informer("/api/v1/pods", () => this.markAllPods()) as typeof this.pods;
    this.services = this.informer("/api/v1/services", () => this.markAllPods()) as typeof this.services;
    this.pods.on("add", (p) => this.mark(p));
    this.pods.on("update", (p) => this.mark(p));
    this.pods.on("delete", (p) => this.mark(p));
    for (const ev of ["add", "update"] as const) this.services.on(ev, (s) => this.markService(s));
    // Mesh Pods resolve Service names from files: rewrite them when Services change.
    for (const ev of ["add", "update", "delete"] as const) this.services.on(ev, () => { for (const r of this.runners.values()) r.refreshServiceNames(); });
    await Promise.all([this.pods.start(), this.services.start()]);
    this.markAllPods();
  }

  private informer(path: string, onRestart: () => void): Informer<KubernetesObject> {
    const list = async () => (await this.client.json({ method: "GET", path })) as KubernetesListObject<KubernetesObject>;
    const inf = makeInformer(this.o.kubeConfig, path, list);
    // client-node stops an informer on any error but a 410; start it again (it keeps its resourceVersion).
    inf.on("error", (err: unknown) => {
      if (this.stopped) return;
      this.o.log(`watch ${path}: ${errorMessage(err)}; restarting`);
      setTimeout(() => void inf.start().then(onRestart, () => undefined), 1_000);
    });
    return inf;
  }

  private async registerNode(): Promise<void> {
    const name = this.o.nodeName;
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } },
      spec: { podCIDR: this.o.network.cidr, podCIDRs: [this.o.network.cidr] },
    };
    const res = await this.client.request({ method: "POST", path: "/api/v1/nodes", body: node });
    if (res.status !== 201 && res.status !== 409) throw new Error(`registering Node ${name}: HTTP ${res.status}`);
    const now = new Date().toISOString();
    const capacity = { cpu: "64", memory: "256Gi", pods: "1000", "ephemeral-storage": "100Gi" };
    await this.client.json({
      method: "PATCH",
      path: `/api/v1/nodes/${name}/status`,
      contentType: MERGE,
      body: {
        status: {
          capacity,
          allocatable: capacity,
          // The API server reaches the kubelet endpoint (logs) at the first address: no Hostname, which
          // would not resolve.
          addresses: [{ type: "InternalIP", address: this.o.network.hostAddress }],
          daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
          conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "switchyard local node agent", lastHeartbeatTime: now, lastTransitionTime: now }],
          nodeInfo: { kubeletVersion: "v1.37.2", containerRuntimeVersion: "local://switchyard", operatingSystem: "linux", architecture: "amd64", osImage: "", kernelVersion: "", kubeProxyVersion: "", machineID: "", systemUUID: "", bootID: "" },
        },
      },
    });
  }

  private markAllPods(): void {
    for (const p of this.pods?.list() ?? []) this.mark(p);
  }

  private mark(obj: KubernetesObject): void {
    this.dirty.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
    this.kick();
  }

  private markService(s: KubernetesObject): void {
    if ((s as unknown as Service).spec?.type === "LoadBalancer") this.dirty.add(`svc:${s.metadata?.namespace}/${s.metadata?.name}`);
    this.kick();
  }

  /** One worker drains the queue; events that arrive meanwhile are picked up by the same loop. */
  private kick(): void {
    if (this.draining || this.stopped) return;
    this.draining = (async () => {
      while (!this.stopped && (this.dirty.size > 0 || this.statusDirty.size > 0)) {
        const batch = [...this.dirty];
        this.dirty.clear();
        await Promise.all(batch.map((k) => (k.startsWith("svc:") ? this.syncService(k.slice(4)) : this.syncPod(k)).catch((err: unknown) => this.o.log(`${k}: ${errorMessage(err)}`))));
        const statuses = [...this.statusDirty];
        this.statusDirty.clear();
        await Promise.all(statuses.map((k) => this.writeStatus(k).catch((err: unknown) => this.o.log(`${k} status: ${errorMessage(err)}`))));
      }
    })().finally(() => {
      this.draining = undefined;
      if (this.dirty.size > 0 || this.statusDirty.size > 0) this.kick();
    });
  }

  private cached(key: string): Pod | undefined {
    const [ns, name] = key.split("/") as [string, string];
    return this.pods.get(name, ns) as unknown as Pod | undefined;
  }

  private async syncPod(key: string): Promise<void> {
    const pod = this.cached(key);
    const runner = this.runners.get(key);
    if (runner && (!pod || pod.metadata.uid !== runner.pod.metadata.uid)) {
      // Deleted (or deleted and made again under the same name): its processes go.
      this.runners.delete(key);
      await runner.stop();
      this.touchServices(runner.pod);
      if (pod) this.dirty.add(key);
      return;
    }
    if (!pod) return;
    const ns = pod.metadata.namespace!;
    if (!pod.spec.nodeName && !pod.metadata.deletionTimestamp) {
      if (pod.spec.schedulerName && pod.spec.schedulerName !== "default-scheduler") return;
      await this.bind(pod);
      return;
    }
    // A terminating Pod that was never bound has no kubelet to finish it but this one.
    if (pod.spec.nodeName && pod.spec.nodeName !== this.o.nodeName) return;
    if (pod.metadata.deletionTimestamp) {
      if (runner) {
        this.runners.delete(key);
        await runner.stop();
        this.touchServices(pod);
      }
      const res = await this.client.request({ method: "DELETE", path: `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`, body: { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } } });
      if (res.status >= 300 && res.status !== 404 && res.status !== 409) throw new Error(`deleting Pod ${key}: HTTP ${res.status}`);
      return;
    }
    if (runner || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return;
    const r = new PodRunner(pod, {
      bins: this.o.bins,
      networks: this.o.network,
      read: this.read,
      dir: join(this.o.dir, "pods", `${ns}_${pod.metadata.name}_${pod.metadata.uid}`),
      onChange: () => {
        this.statusDirty.add(key);
        this.touchServices(pod);
        this.kick();
      },
      event: (type, reason, message) => void this.event(pod, type, reason, message),
      ...(this.o.mesh?.namespaces.has(ns) ? { mesh: { sidecar: (dir: string) => sidecarPlan(this.o.mesh!, { name: pod.metadata.name, namespace: ns }, dir), services: () => this.serviceNames() } } : {}),
    });
    this.runners.set(key, r);
    this.o.log(`starting Pod ${key}`);
    // Not awaited: a Pod may wait for its volumes' sources, and the queue must keep moving meanwhile.
    void r.start().catch((err: unknown) => this.o.log(`Pod ${key}: ${errorMessage(err)}`));
  }

  private async bind(pod: Pod): Promise<void> {
    const ns = pod.metadata.namespace!;
    const res = await this.client.request({
      method: "POST",
      path: `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/binding`,
      body: { apiVersion: "v1", kind: "Binding", metadata: { name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid }, target: { apiVersion: "v1", kind: "Node", name: this.o.nodeName } },
    });
    if (res.status >= 300 && res.status !== 409 && res.status !== 404) throw new Error(`binding Pod ${ns}/${pod.metadata.name}: HTTP ${res.status}`);
  }

  private readonly read: ReadData = async (kind, namespace, name) => {
    const res = await this.client.request({ method: "GET", path: `/api/v1/namespaces/${namespace}/${kind}/${name}` });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`reading ${kind} ${namespace}/${name}: HTTP ${res.status}`);
    const body = res.body as { data?: Record<string, string>; binaryData?: Record<string, string> };
    const out: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(body.data ?? {})) out[k] = kind === "secrets" ? Buffer.from(v, "base64") : Buffer.from(v, "utf8");
    for (const [k, v] of Object.entries(body.binaryData ?? {})) out[k] = Buffer.from(v, "base64");
    return out;
  };

  private async event(pod: Pod, type: string, reason: string, message: string): Promise<void> {
    const ns = pod.metadata.namespace!;
    const now = new Date().toISOString();
    await this.client
      .request({
        method: "POST",
        path: `/api/v1/namespaces/${ns}/events`,
        body: {
          apiVersion: "v1",
          kind: "Event",
          metadata: { generateName: `${pod.metadata.name}.`, namespace: ns },
          involvedObject: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid },
          type,
          reason,
          message,
          source: { component: "switchyard-node-agent", host: this.o.nodeName },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      })
      .catch(() => undefined);
    this.o.log(`Pod ${ns}/${pod.metadata.name}: ${reason}: ${message}`);
  }

  private async writeStatus(key: string): Promise<void> {
    const r = this.runners.get(key);
    if (!r) return;
    const [ns, name] = key.split("/") as [string, string];
    const now = new Date().toISOString();
    const started = !r.failed && r.net !== undefined && r.containers.every((c) => c.pid !== undefined || c.restartCount > 0);
    const cond = (type: string, ok: boolean) => ({ type, status: ok ? "True" : "False", lastTransitionTime: now, lastProbeTime: null });
    const status = {
      phase: started ? "Running" : "Pending",
      hostIP: this.o.network.hostAddress,
      hostIPs: [{ ip: this.o.network.hostAddress }],
      podIP: r.net?.ip ?? null,
      podIPs: r.net ? [{ ip: r.net.ip }] : null,
      startTime: r.startedAt,
      conditions: [cond("PodScheduled", true), cond("Initialized", started), cond("ContainersReady", r.ready), cond("Ready", r.ready)],
      containerStatuses: r.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: "",
        containerID: c.pid ? `local://${c.pid}` : undefined,
        ready: c.ready,
        started: c.pid !== undefined,
        restartCount: c.restartCount,
        state: c.pid !== undefined ? { running: { startedAt: c.startedAt } } : { waiting: c.waiting ?? { reason: "ContainerCreating" } },
        lastState: c.lastExit ? { terminated: { exitCode: c.lastExit.exitCode, reason: c.lastExit.reason, finishedAt: c.lastExit.finishedAt } } : {},
      })),
    };
    const res = await this.client.request({ method: "PATCH", path: `/api/v1/namespaces/${ns}/pods/${name}/status`, contentType: MERGE, body: { status } });
    if (res.status === 404) return;
    if (res.status >= 300) throw new Error(`HTTP ${res.status}`);
  }

  private serviceNames(): ServiceName[] {
    return (this.services?.list() ?? []).flatMap((s) => {
      const svc = s as unknown as Service;
      const ip = svc.spec.clusterIP;
      return ip && ip !== "None" ? [{ namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name, clusterIP: ip }] : [];
    });
  }

  private touchServices(pod: Pod): void {
    for (const s of this.services?.list() ?? []) {
      const svc = s as unknown as Service;
      if (svc.metadata.namespace === pod.metadata.namespace && svc.spec.type === "LoadBalancer") this.dirty.add(`svc:${svc.metadata.namespace}/${svc.metadata.name}`);
    }
  }

  /** A LoadBalancer Service's ingress: the IPs of the ready Pods it selects, in a stable order. */
  private async syncService(key: string): Promise<void> {
    const [ns, name] = key.split("/") as [string, string];
    const svc = this.services.list().find((s) => s.metadata?.namespace === ns && s.metadata?.name === name) as unknown as Service | undefined;
    if (!svc || svc.spec.type !== "LoadBalancer" || !svc.spec.selector) return;
    const sel = Object.entries(svc.spec.selector);
    const ips = [...this.runners.values()]
      .filter((r) => r.pod.metadata.namespace === ns && r.ready && r.net && sel.every(([k, v]) => r.pod.metadata.labels?.[k] === v))
      .map((r) => r.net!.ip)
      .sort();
    const have = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? "").sort();
    // Keep the last address while no Pod is ready (a restart), as a cloud load balancer keeps its IP.
    if (ips.length === 0 || ips.join() === have.join()) return;
    const res = await this.client.request({ method: "PATCH", path: `/api/v1/namespaces/${ns}/services/${name}/status`, contentType: MERGE, body: { status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: "VIP" })) } } } });
    if (res.status >= 300 && res.status !== 404) throw new Error(`HTTP ${res.status}`);
  }

  /** Stops every Pod's processes and namespace; the API objects are left as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([this.pods?.stop(), this.services?.stop()]);
    this.kubelet?.closeAllConnections();
    await new Promise((r) => (this.kubelet ? this.kubelet.close(r) : r(undefined)));
    await this.draining?.catch(() => undefined);
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
  }
}
