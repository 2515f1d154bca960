// A Kubernetes cluster on this machine without Docker: real etcd, kube-apiserver and
// kube-controller-manager on loopback, the node agent (node-agent.ts) as the only Node, the Helm chart
// deploy/helm/switchyard installed as users install it (Gateway API v1.7.0 CRDs, experimental channel;
// ServiceAccount and RBAC; GatewayClass `switchyard`) but without its in-cluster Deployment, and
// switchyard itself on the host (`serve --source kubernetes` as the chart's ServiceAccount, provisioning
// an Envoy Pod per Gateway in the Gateway's namespace, xDS on the pod network's host address so those
// Pods reach it). The node agent runs only echo-basic and Envoy, not switchyard's image, hence the host.
// stop() ends everything start() began.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "../../test/helpers/free-ports.ts";
import { startOrStop } from "../../test/helpers/start-or-stop.ts";
import { RealApiServer } from "../../test/kube/real-apiserver.ts";
import { KubeClient } from "../../src/watch/kubernetes/kube-http.ts";
import { ClusterNetwork } from "./network.ts";
import { NodeAgent } from "./node-agent.ts";
import type { LocalPeers } from "./peers.ts";
import { LoggedProcess } from "./process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
export const CHART = join(ROOT, "deploy/helm/switchyard");
export const GATEWAY_CLASS = "switchyard";
/** The release namespace, and the ServiceAccount the chart makes for switchyard there. */
export const CONTROLLER_NAMESPACE = "switchyard-system";
const SERVICE_ACCOUNT = "switchyard-controller";
/** The chart's values for a switchyard on the host: one writer, proxies next to their Gateways. */
const CHART_VALUES = ["controller.enabled=false", "controller.leaderElection.enabled=false", "proxy.namespace=gateway", `gatewayClass.name=${GATEWAY_CLASS}`];
/** The host switchyard's token lifetime: the cluster may stay up for a long run of the suite. */
const TOKEN_SECONDS = 7 * 24 * 3600;
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
    return startOrStop(c, () => c.boot());
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
    // Helm applies the chart's crds/ first and waits until they are established, then the rest.
    const helmArgs = ["install", "switchyard", CHART, "--namespace", CONTROLLER_NAMESPACE, "--create-namespace", "--kubeconfig", this.kubeconfigPath, "--set", CHART_VALUES.join(",")];
    try {
      execFileSync(peers.helm, helmArgs, { stdio: ["ignore", "pipe", "pipe"], timeout: left(), env: { ...process.env, HELM_CONFIG_HOME: join(dir, "helm", "config"), HELM_CACHE_HOME: join(dir, "helm", "cache"), HELM_DATA_HOME: join(dir, "helm", "data") } });
    } catch (err) {
      throw new Error(`helm install of ${CHART} failed: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`);
    }
    log(`chart deploy/helm/switchyard installed (Gateway API v1.7.0 CRDs, RBAC, GatewayClass ${GATEWAY_CLASS})`);
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
    const switchyardKubeconfig = await this.writeServiceAccountKubeconfig();
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    this.xdsAddress = `${network.hostAddress}:${xdsPort}`;
    this.switchyard = new LoggedProcess(
      "switchyard",
      [
        process.execPath,
        join(ROOT, "bin/switchyard.mjs"),
        "serve",
        "--source=kubernetes",
        `--kubeconfig=${switchyardKubeconfig}`,
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

  /** A kubeconfig with a token of the chart's ServiceAccount: switchyard gets exactly what the chart grants. */
  private async writeServiceAccountKubeconfig(): Promise<string> {
    const res = (await this.client().json({
      method: "POST",
      path: `/api/v1/namespaces/${CONTROLLER_NAMESPACE}/serviceaccounts/${SERVICE_ACCOUNT}/token`,
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: TOKEN_SECONDS } },
    })) as { status: { token: string } };
    const path = join(this.o.dir, "switchyard.kubeconfig");
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "local", cluster: { server: this.api!.url, "certificate-authority": this.api!.pki.caCert } }],
      users: [{ name: SERVICE_ACCOUNT, user: { token: res.status.token } }],
      contexts: [{ name: "local", context: { cluster: "local", user: SERVICE_ACCOUNT } }],
      "current-context": "local",
    };
    writeFileSync(path, JSON.stringify(kubeconfig, null, 2) + "\n", { mode: 0o600 });
    return path;
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
