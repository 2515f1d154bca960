// A real etcd + kube-apiserver on loopback for tests (one per test file, shared by its tests):
//   - free ports, a temp dir, a serving cert and client CA (openssl), an admin client certificate
//     (O=system:masters), service-account signing keys, RBAC authorization, no endpoint reconciler;
//   - start() resolves once /readyz answers 200 (it rejects, with the peers' last log lines, if one exits);
//   - a kubeconfig file for the admin, KubeConfigs for ServiceAccount tokens;
//   - stop() kills what it started and removes the temp dir. kube-apiserver takes >10 s to exit on
//     SIGTERM, so tests SIGKILL it (nothing of it outlives the temp dir).
// There is no controller-manager or kubelet: Deployments never get pods, Services no load balancer.
import { request } from "node:https";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { KubeClient } from "../../src/watch/kubernetes/kube-http.ts";
import { freePorts } from "../helpers/free-ports.ts";
import { startOrStop } from "../helpers/start-or-stop.ts";
import { installCrds, type Crd, type CrdSet } from "./crds.ts";
import { makeApiServerPki, type ApiServerPki } from "./pki.ts";
import { PeerProcess } from "./process.ts";

export interface RealApiServerOptions {
  /** Directory with etcd and kube-apiserver (kubePeersBin()). */
  bin: string;
  /** Gateway API CRDs to install once ready; none when absent. */
  crds?: CrdSet;
  /** Bound on the start, CRDs included (default 90 s: a loaded 2-core machine). */
  startTimeoutMs?: number;
  /** Write an audit log (metadata of every request: user, verb, path, response code); see auditEvents(). */
  audit?: boolean;
}

/** The parts of an audit.k8s.io/v1 Event tests read. */
export interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  responseStatus?: { code?: number };
}

export class RealApiServer {
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly pki: ApiServerPki;
  port = 0;
  crds: Crd[] = [];
  /** The admin (system:masters) client. */
  client!: KubeClient;
  /** How long start() took, in ms (readiness and CRDs), and of that until /readyz answered. */
  startMs = 0;
  readyMs = 0;
  private readonly opts: RealApiServerOptions;
  private etcd: PeerProcess | undefined;
  private apiserver: PeerProcess | undefined;
  private etcdPorts: [number, number] = [0, 0];

  constructor(opts: RealApiServerOptions) {
    this.opts = opts;
    this.dir = mkdtempSync(join(tmpdir(), "switchyard-kube-"));
    this.kubeconfigPath = join(this.dir, "kubeconfig");
    this.pki = makeApiServerPki(this.dir);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  static async start(opts: RealApiServerOptions): Promise<RealApiServer> {
    const s = new RealApiServer(opts);
    return startOrStop(s, () => s.boot());
  }

  private async boot(): Promise<void> {
    const started = performance.now();
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 90_000);
    const [etcdClient = 0, etcdPeer = 0, apiPort = 0] = await freePorts(3);
    this.etcdPorts = [etcdClient, etcdPeer];
    this.port = apiPort;
    this.startEtcd();
    this.startApiServer();
    await this.waitReady(deadline);
    this.readyMs = Math.round(performance.now() - started);
    this.writeKubeconfig();
    this.client = new KubeClient(this.kubeConfig());
    if (this.opts.crds) this.crds = await installCrds(this.client, this.opts.crds, Math.max(1_000, deadline - Date.now()));
    this.startMs = Math.round(performance.now() - started);
  }

  private startEtcd(): void {
    const [client, peer] = this.etcdPorts;
    this.etcd = new PeerProcess("etcd", join(this.opts.bin, "etcd"), [
      "--name=default",
      `--data-dir=${join(this.dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${client}`,
      `--advertise-client-urls=http://127.0.0.1:${client}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=default=http://127.0.0.1:${peer}`,
      "--unsafe-no-fsync", // a throwaway store: durability costs time and buys nothing
      "--log-level=warn",
    ]);
  }

  private startApiServer(): void {
    const p = this.pki;
    this.apiserver = new PeerProcess("kube-apiserver", join(this.opts.bin, "kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${this.etcdPorts[0]}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${this.port}`,
      `--cert-dir=${join(this.dir, "certs")}`,
      `--tls-cert-file=${p.serverCert}`,
      `--tls-private-key-file=${p.serverKey}`,
      `--client-ca-file=${p.caCert}`,
      `--service-account-key-file=${p.saPub}`,
      `--service-account-signing-key-file=${p.saKey}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--authorization-mode=RBAC",
      "--endpoint-reconciler-type=none",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--profiling=false",
      "--v=1",
      ...(this.opts.audit ? [`--audit-policy-file=${this.auditPolicy()}`, `--audit-log-path=${join(this.dir, "audit.log")}`, "--audit-log-mode=blocking"] : []),
    ]);
  }

  private auditPolicy(): string {
    const path = join(this.dir, "audit-policy.yaml");
    writeFileSync(path, "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n");
    return path;
  }

  /** Every audit event so far (needs `audit: true`). */
  auditEvents(): AuditEvent[] {
    let text = "";
    try {
      text = readFileSync(join(this.dir, "audit.log"), "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);
  }

  /** Polls /readyz (the server's own readiness signal) until 200; fails at once if a peer exits. */
  private async waitReady(deadline: number): Promise<void> {
    const tls = { ca: readFileSync(this.pki.caCert), cert: readFileSync(this.pki.adminCert), key: readFileSync(this.pki.adminKey) };
    for (;;) {
      for (const p of [this.etcd!, this.apiserver!]) if (!p.running) throw new Error(`${p.name} exited during start:\n${p.tail()}`);
      if ((await readyz(this.port, tls)) === 200) return;
      if (Date.now() > deadline) throw new Error(`kube-apiserver not ready in time:\n${this.apiserver!.tail()}`);
      await new Promise((r) => setTimeout(r, 100)); // the poll interval of a readiness probe
    }
  }

  private writeKubeconfig(): void {
    const p = this.pki;
    writeFileSync(
      this.kubeconfigPath,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: real\n  cluster:\n    server: ${this.url}\n    certificate-authority: ${p.caCert}`,
        "users:",
        `- name: admin\n  user:\n    client-certificate: ${p.adminCert}\n    client-key: ${p.adminKey}`,
        "contexts:",
        "- name: real\n  context:\n    cluster: real\n    user: admin",
        "current-context: real",
        "",
      ].join("\n"),
    );
  }

  /** The admin's KubeConfig (a fresh object each call). */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    return kc;
  }

  /** A KubeConfig that authenticates with a bearer token (a ServiceAccount's, see serviceAccountToken). */
  tokenKubeConfig(token: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "real", server: this.url, caFile: this.pki.caCert }],
      users: [{ name: "sa", token }],
      contexts: [{ name: "real", cluster: "real", user: "sa" }],
      currentContext: "real",
    });
    return kc;
  }

  /** A token for a ServiceAccount (TokenRequest API); the ServiceAccount must exist. */
  async serviceAccountToken(namespace: string, name: string): Promise<string> {
    const res = (await this.client.json({
      method: "POST",
      path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
    })) as { status: { token: string } };
    return res.status.token;
  }

  /** Kills kube-apiserver (SIGKILL: see the header), stops etcd, removes the temp dir. */
  async stop(): Promise<void> {
    await this.apiserver?.stop("SIGKILL");
    await this.etcd?.stop("SIGTERM", 5_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Kills kube-apiserver only (etcd and the data stay): an API-server outage. */
  async killApiServer(): Promise<void> {
    await this.apiserver?.stop("SIGKILL");
  }

  /** Starts kube-apiserver again on the same port and etcd; resolves once ready. */
  async restartApiServer(timeoutMs = 60_000): Promise<void> {
    this.startApiServer();
    await this.waitReady(Date.now() + timeoutMs);
  }
}

function readyz(port: number, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/readyz", method: "GET", timeout: 2_000, ...tls }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}
