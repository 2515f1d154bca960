// A Kubernetes cluster on this machine without Docker: real etcd, kube-apiserver and
// kube-controller-manager on loopback, the node agent (node-agent.ts) as the only Node, the repository's
// Gateway API v1.7.0 CRDs (experimental channel), a GatewayClass `switchyard`, and switchyard itself on
// the host (`serve --source kubernetes`, provisioning an Envoy Pod per Gateway in the Gateway's namespace,
// xDS on the pod network's host address so those Pods reach it). stop() ends everything start() began.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { RealApiServer } from "../../test/kube/real-apiserver.ts";
import { KubeClient } from "../../src/watch/kubernetes/kube-http.ts";
import { createServer } from "node:net";
import { ClusterNetwork } from "./network.ts";
import { NodeAgent } from "./node-agent.ts";
import type { LocalPeers } from "./peers.ts";
import { LoggedProcess } from "./process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
export const CRDS = join(ROOT, "deploy/crds/gateway-api-v1.7.0/experimental");
export const GATEWAY_CLASS = "switchyard";
export const NODE_NAME = "switchyard-local";
/** Namespaces whose Pods get a mesh sidecar: the mesh conformance tests' (LOCAL_CLUSTER_MESH_NAMESPACES adds more). */
export const MESH_NAMESPACES = ["gateway-conformance-mesh", "gateway-conformance-mesh-consumer", ...(process.env.LOCAL_CLUSTER_MESH_NAMESPACES ?? "").split(",").filter(Boolean)];
const KCM_CONTROLLERS = [
  "deployment-controller",
  "replicaset-controller",
  "endpointslice-controller",
  "endpointslice-mirroring-controller",
  "garbage-collector-controller",
  "namespace-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "root-ca-certificate-publisher-controller",
];

export interface LocalClusterOptions {
  /** State directory: kubeconfig, logs, Pod files. */
  dir: string;
  peers: LocalPeers;
  log(msg: string): void;
  /** Bound on the whole start (default 5 min: a loaded 2-core machine). */
  startTimeoutMs?: number;
}

export class LocalCluster {
  readonly kubeconfigPath: string;
  /** switchyard's admin server (loopback) and xDS address (the pod network's host address). */
  adminUrl = "";
  xdsAddress = "";
  network: ClusterNetwork | undefined;
  private readonly o: LocalClusterOptions;
  private api: RealApiServer | undefined;
  private kcm: LoggedProcess | undefined;
  private agent: NodeAgent | undefined;
  private switchyard: LoggedProcess | undefined;

  private constructor(o: LocalClusterOptions) {
    this.o = o;
    this.kubeconfigPath = join(o.dir, "kubeconfig");
  }

  static async start(o: LocalClusterOptions): Promise<LocalCluster> {
    const c = new LocalCluster(o);
    try {
      await c.boot();
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  private async boot(): Promise<void> {
    const { dir, peers, log } = this.o;
    const deadline = Date.now() + (this.o.startTimeoutMs ?? 300_000);
    const left = () => Math.max(1_000, deadline - Date.now());
    mkdirSync(join(dir, "logs"), { recursive: true });
    const network = (this.network = ClusterNetwork.create());
    log(`pod network ${network.cidr} on bridge ${network.bridge}`);
    this.api = await RealApiServer.start({ bin: peers.kubeBin, startTimeoutMs: left() });
    copyFileSync(this.api.kubeconfigPath, this.kubeconfigPath);
    log(`kube-apiserver ${this.api.url} ready in ${this.api.readyMs} ms`);
    const kubectl = (...args: string[]) => execFileSync("kubectl", ["--kubeconfig", this.kubeconfigPath, ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: left() }).toString();
    kubectl("apply", "--server-side", "-k", CRDS);
    kubectl("wait", "--for=condition=Established", "crd", "--all", `--timeout=${Math.round(left() / 1_000)}s`);
    log("Gateway API v1.7.0 CRDs established");
    const pki = this.api.pki;
    this.kcm = new LoggedProcess(
      "kube-controller-manager",
      [
        join(peers.kubeBin, "kube-controller-manager"),
        `--kubeconfig=${this.kubeconfigPath}`,
        `--controllers=${KCM_CONTROLLERS.join(",")}`,
        "--leader-elect=false",
        "--secure-port=0",
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        "--use-service-account-credentials=false",
        // Kubernetes waits 1 s between EndpointSlice batches by default; the suite waits on every one.
        "--endpointslice-updates-batch-period=0s",
        "--v=1",
      ],
      join(dir, "logs", "kube-controller-manager.log"),
    );
    const [xdsPort, adminPort] = (await freePorts(2)) as [number, number];
    const mesh = { namespaces: new Set(MESH_NAMESPACES), envoy: peers.envoy, xdsHost: network.hostAddress, xdsPort };
    this.agent = new NodeAgent({ mesh, kubeConfig: this.api.kubeConfig(), nodeName: NODE_NAME, bins: { echoBasic: peers.echoBasic, envoy: peers.envoy, ...(peers.meshEcho ? { meshEcho: peers.meshEcho } : {}) }, network, dir: join(dir, "node"), log: (m) => log(`node: ${m}`) });
    await this.agent.start();
    log(`Node ${NODE_NAME} registered`);
    await this.applyGatewayClass();
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    this.xdsAddress = `${network.hostAddress}:${xdsPort}`;
    this.switchyard = new LoggedProcess(
      "switchyard",
      [
        process.execPath,
        join(ROOT, "bin/switchyard.mjs"),
        "serve",
        "--source=kubernetes",
        `--kubeconfig=${this.kubeconfigPath}`,
        "--proxy-namespace=gateway",
        `--xds-address=${network.hostAddress}`,
        `--xds-port=${xdsPort}`,
        `--xds-advertise-host=${network.hostAddress}`,
        `--xds-advertise-port=${xdsPort}`,
        "--admin-address=127.0.0.1",
        `--admin-port=${adminPort}`,
        "--disable-leader-election",
        // Sidecars in the mesh namespaces (sidecar.ts) read their namespace's view.
        "--mesh-sidecars",
      ],
      join(dir, "logs", "switchyard.log"),
    );
    await this.waitGatewayClassAccepted(deadline);
    log(`switchyard accepted GatewayClass ${GATEWAY_CLASS} (admin ${this.adminUrl}, xDS ${this.xdsAddress})`);
  }

  private client(): KubeClient {
    return new KubeClient(this.api!.kubeConfig());
  }

  private async applyGatewayClass(): Promise<void> {
    await this.client().json({
      method: "POST",
      path: "/apis/gateway.networking.k8s.io/v1/gatewayclasses",
      body: { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: GATEWAY_CLASS }, spec: { controllerName: "switchyard.dev/gateway-controller" } },
    });
  }

  private async waitGatewayClassAccepted(deadline: number): Promise<void> {
    const client = this.client();
    for (;;) {
      if (!this.switchyard!.running) throw new Error(`switchyard exited:\n${this.switchyard!.tail()}`);
      if (!this.kcm!.running) throw new Error(`kube-controller-manager exited:\n${this.kcm!.tail()}`);
      const gc = (await client.json({ method: "GET", path: `/apis/gateway.networking.k8s.io/v1/gatewayclasses/${GATEWAY_CLASS}` })) as { status?: { conditions?: { type: string; status: string }[] } };
      if (gc.status?.conditions?.some((c) => c.type === "Accepted" && c.status === "True")) return;
      if (Date.now() > deadline) throw new Error(`GatewayClass ${GATEWAY_CLASS} not accepted in time:\n${this.switchyard!.tail()}`);
      await new Promise((r) => setTimeout(r, 250)); // polling the API server, as kubectl wait does
    }
  }

  /** Stops switchyard, the Pods, the controller manager, the API server and etcd, and removes the network. */
  async stop(): Promise<void> {
    await this.switchyard?.stop();
    await this.agent?.stop();
    await this.kcm?.stop();
    await this.api?.stop();
    this.network?.close();
  }
}

/** Ports the kernel just handed out (held together, so they are distinct), then released. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
