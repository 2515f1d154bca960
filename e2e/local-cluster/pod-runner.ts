// Runs one Pod on this node: its network namespace, its volumes, one local process per container
// (inside the namespace, logs under the Pod's directory), restarts of containers that exit (restartPolicy
// Always/OnFailure, backoff 1 s doubling to 10 s), readiness probes (httpGet and tcpSocket, as the Pod
// spec sets them; until the first success they run every second so a new Pod is not held back by a long
// period), and a stop that sends SIGTERM and SIGKILL after the grace period (at most 10 s; a preStop hook
// is not run). Every change of what the status shows calls onChange.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { execArgv, argv as imageArgv, resolveImage, type Binaries } from "./images.ts";
import { IP, findBinary, type ClusterNetwork, type PodNetwork } from "./network.ts";
import { removeServiceNames, routeServicesVia, writeServiceNames, type ServiceName } from "./mesh-network.ts";
import { SIDECAR_CONTAINER, type SidecarPlan } from "./sidecar.ts";
import { containerEnv, expand, mountRewriter, PodSpecError, writeVolumes, type ReadData } from "./pod-spec.ts";
import type { Container, Pod, Probe } from "./pod-types.ts";

const MAX_GRACE_MS = 10_000;
const UNSHARE = findBinary("unshare");
const NSENTER = findBinary("nsenter");
const SH = findBinary("sh");
const HOSTNAME = findBinary("hostname");
const MAX_BACKOFF_MS = 10_000;

export interface ContainerState {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  pid?: number;
  startedAt?: string;
  waiting?: { reason: string; message?: string };
  lastExit?: { exitCode: number; reason: string; finishedAt: string };
}

export interface PodRunnerDeps {
  bins: Binaries;
  networks: ClusterNetwork;
  read: ReadData;
  dir: string;
  onChange(): void;
  /** A Pod event (reason, message), e.g. a container that cannot run here. */
  event(type: "Normal" | "Warning", reason: string, message: string): void;
  /** Set for a Pod of a mesh namespace: its sidecar (sidecar.ts) and the Services it resolves (mesh-network.ts). */
  mesh?: { sidecar(dir: string): SidecarPlan; services(): ServiceName[] };
}

export class PodRunner {
  readonly pod: Pod;
  readonly containers: ContainerState[];
  net: PodNetwork | undefined;
  /** A mesh Pod's sidecar runs in a network namespace of its own (mesh-network.ts). */
  private sidecarNet: PodNetwork | undefined;
  /** Set when the Pod cannot run here (unsupported image, missing volume source): it stays Pending. */
  failed: string | undefined;
  startedAt = new Date().toISOString();
  private readonly deps: PodRunnerDeps;
  private readonly children = new Map<string, ChildProcess>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private volumes: Map<string, string> | undefined;
  private stopping = false;

  constructor(pod: Pod, deps: PodRunnerDeps) {
    this.pod = pod;
    this.deps = deps;
    this.containers = pod.spec.containers.map((c) => ({ name: c.name, image: c.image, ready: false, restartCount: 0, waiting: { reason: "ContainerCreating" } }));
  }

  get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  get ready(): boolean {
    return !this.failed && this.containers.every((c) => c.ready);
  }

  async start(): Promise<void> {
    const all = [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers];
    for (const c of all) {
      const img = resolveImage(c.image, this.deps.bins);
      const refused = "refused" in img ? img.refused : (() => { const a = imageArgv(img, c.command, c.args); return "refused" in a ? a.refused : undefined; })();
      if (refused) return this.refuse("ImageNotSupported", `container ${c.name}: ${refused}`);
    }
    mkdirSync(this.deps.dir, { recursive: true });
    const volumes = await this.mountVolumes();
    if (!volumes) return;
    this.volumes = volumes;
    // A failed sandbox is retried, as a kubelet does: one event, then every second.
    for (let reported = false; !this.net; ) {
      try {
        this.net = this.deps.networks.open();
      } catch (err) {
        if (!reported) this.deps.event("Warning", "FailedCreatePodSandBox", (err as Error).message);
        reported = true;
        await new Promise<void>((resolve) => this.after(1_000, resolve));
        if (this.stopping) return;
      }
    }
    this.deps.onChange(); // the Pod IP
    if (this.deps.mesh) {
      try {
        this.sidecarNet = this.deps.networks.open();
        routeServicesVia(this.net.netns, this.sidecarNet);
      } catch (err) {
        return this.refuse("FailedCreatePodSandBox", `mesh sidecar network: ${(err as Error).message}`);
      }
      this.refreshServiceNames();
      this.launchSidecar(this.deps.mesh.sidecar(this.deps.dir), 0);
    }
    for (const c of this.pod.spec.initContainers ?? []) {
      const code = await this.runToCompletion(c, volumes);
      if (this.stopping) return;
      if (code !== 0) return this.refuse("InitContainerFailed", `init container ${c.name} exited with ${code}`);
    }
    for (const c of this.pod.spec.containers) await this.launch(c, volumes, 0);
  }

  /**
   * Writes the volumes, retrying while a ConfigMap or Secret is missing (it is often created after the
   * Pod, as a kubelet retries): one FailedMount event, then every second until it appears or the Pod goes.
   */
  private async mountVolumes(): Promise<Map<string, string> | undefined> {
    let reported = false;
    for (;;) {
      try {
        return await writeVolumes(this.pod, this.deps.dir, this.deps.read);
      } catch (err) {
        if (!(err instanceof PodSpecError)) {
          this.refuse("FailedMount", (err as Error).message);
          return undefined;
        }
        if (!reported) {
          reported = true;
          for (const s of this.containers) s.waiting = { reason: "ContainerCreating", message: err.message };
          this.deps.event("Warning", "FailedMount", err.message);
          this.deps.onChange();
        }
      }
      await new Promise<void>((resolve) => this.after(1_000, resolve));
      if (this.stopping) return undefined;
    }
  }

  private refuse(reason: string, message: string): void {
    this.failed = message;
    for (const s of this.containers) s.waiting = { reason, message };
    this.deps.event("Warning", reason, message);
    this.deps.onChange();
  }

  private async plan(c: Container, volumes: Map<string, string>): Promise<{ argv: string[]; env: Record<string, string> }> {
    const img = resolveImage(c.image, this.deps.bins);
    if ("refused" in img) throw new Error(img.refused);
    const rewrite = mountRewriter(c, volumes);
    const env = await containerEnv(this.pod, c, this.net!.ip, rewrite, this.deps.read);
    const argv = imageArgv(img, c.command?.map((s) => expand(s, env)), c.args?.map((s) => rewrite(expand(s, env))));
    if ("refused" in argv) throw new Error(argv.refused);
    return { argv, env };
  }

  /** The container's log: one line per output line, prefixed with its time (what `kubectl logs` reads). */
  logPath(container: string): string {
    return join(this.deps.dir, `${container}.log`);
  }

  /**
   * A container process: in the Pod's network namespace and in a UTS namespace of its own named after the
   * Pod, as a container's hostname is (the mesh echo app reports it; unshare and sh exec, so the pid is the
   * program's).
   */
  private spawn(c: Container, plan: { argv: string[]; env: Record<string, string> }, net: PodNetwork = this.net!): ChildProcess {
    const log = openSync(this.logPath(c.name), "a");
    const uts = [UNSHARE, "--uts", SH, "-c", `${HOSTNAME} "$0" && exec "$@"`, this.pod.metadata.name.slice(0, 63)];
    const child = spawn(IP, ["netns", "exec", net.netns, ...uts, ...plan.argv], { env: plan.env, cwd: this.deps.dir, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => appendFileSync(log, `${new Date().toISOString()} ${line}\n`));
    }
    child.once("close", () => closeSync(log));
    return child;
  }

  /** Rewrites the mesh Pod's Service names (after a Service change). */
  refreshServiceNames(): void {
    if (!this.deps.mesh || !this.net || this.stopping) return;
    writeServiceNames(this.net.netns, { name: this.pod.metadata.name, namespace: this.pod.metadata.namespace ?? "default", ip: this.net.ip }, this.deps.mesh.services());
  }

  /** The injected sidecar: not a container of the spec (no status), restarted like one. */
  private launchSidecar(plan: SidecarPlan, attempt: number): void {
    if (this.stopping) return;
    const child = this.spawn({ name: SIDECAR_CONTAINER, image: "" }, plan, this.sidecarNet);
    this.children.set(SIDECAR_CONTAINER, child);
    child.once("exit", (code, signal) => {
      this.children.delete(SIDECAR_CONTAINER);
      if (this.stopping) return;
      this.deps.event("Warning", "BackOff", `sidecar exited with ${code ?? signal}; restarting`);
      this.after(Math.min(1_000 * 2 ** attempt, MAX_BACKOFF_MS), () => this.launchSidecar(plan, attempt + 1));
    });
  }

  /** What `kubectl exec` runs in a container: its namespaces, its environment, the command's paths mapped. */
  async execPlan(container: string, command: string[]): Promise<{ argv: string[]; env: Record<string, string> } | { error: string }> {
    const c = this.pod.spec.containers.find((x) => x.name === container);
    const state = this.containers.find((x) => x.name === container);
    if (!c || !state) return { error: `container ${container} is not in Pod ${this.key}` };
    if (!this.net || !this.volumes || state.pid === undefined) return { error: `container ${container} is not running` };
    const img = resolveImage(c.image, this.deps.bins);
    if ("refused" in img) return { error: img.refused };
    const rewrite = mountRewriter(c, this.volumes);
    const env = await containerEnv(this.pod, c, this.net.ip, rewrite, this.deps.read);
    // The container's UTS namespace (its hostname); `ip netns exec` gives the network namespace and the
    // Pod's /etc/netns files (hosts, resolv.conf).
    const argv = [IP, "netns", "exec", this.net.netns, NSENTER, `--target=${state.pid}`, "--uts", "--", ...execArgv(img, command).map(rewrite)];
    return { argv, env };
  }

  private async runToCompletion(c: Container, volumes: Map<string, string>): Promise<number | null> {
    const child = this.spawn(c, await this.plan(c, volumes));
    this.children.set(c.name, child);
    return new Promise((resolve) => child.once("exit", (code) => { this.children.delete(c.name); resolve(code); }));
  }

  private async launch(c: Container, volumes: Map<string, string>, attempt: number): Promise<void> {
    if (this.stopping) return;
    const state = this.containers.find((s) => s.name === c.name)!;
    let child: ChildProcess;
    try {
      child = this.spawn(c, await this.plan(c, volumes));
    } catch (err) {
      return this.refuse("CreateContainerConfigError", `container ${c.name}: ${(err as Error).message}`);
    }
    this.children.set(c.name, child);
    state.pid = child.pid;
    state.startedAt = new Date().toISOString();
    state.waiting = undefined;
    state.ready = !c.readinessProbe;
    this.deps.onChange();
    const probing = c.readinessProbe ? this.probe(c, c.readinessProbe, state, child) : undefined;
    child.once("exit", (code, signal) => {
      probing?.();
      this.children.delete(c.name);
      if (this.stopping) return;
      state.ready = false;
      state.pid = undefined;
      state.lastExit = { exitCode: code ?? 128, reason: signal ? `Signal ${signal}` : code === 0 ? "Completed" : "Error", finishedAt: new Date().toISOString() };
      const policy = this.pod.spec.restartPolicy ?? "Always";
      if (policy === "Never" || (policy === "OnFailure" && code === 0)) {
        this.deps.onChange();
        return;
      }
      state.restartCount++;
      state.waiting = { reason: "CrashLoopBackOff", message: `exited with ${code ?? signal}` };
      this.deps.event("Warning", "BackOff", `container ${c.name} exited with ${code ?? signal}; restarting`);
      this.deps.onChange();
      this.after(Math.min(1_000 * 2 ** attempt, MAX_BACKOFF_MS), () => void this.launch(c, volumes, attempt + 1));
    });
  }

  /** Runs the readiness probe until the container exits; returns a function that stops it. */
  private probe(c: Container, p: Probe, state: ContainerState, child: ChildProcess): () => void {
    let stopped = false;
    let successes = 0;
    let failures = 0;
    let everReady = false;
    const tick = async () => {
      if (stopped || this.stopping) return;
      const ok = await this.check(c, p);
      if (stopped || this.stopping || child.exitCode !== null) return;
      if (ok) {
        failures = 0;
        if (++successes >= (p.successThreshold ?? 1) && !state.ready) {
          state.ready = everReady = true;
          this.deps.onChange();
        }
      } else {
        successes = 0;
        if (++failures >= (p.failureThreshold ?? 3) && state.ready) {
          state.ready = false;
          this.deps.onChange();
        }
      }
      this.after(everReady ? (p.periodSeconds ?? 10) * 1_000 : 1_000, () => void tick());
    };
    this.after((p.initialDelaySeconds ?? 0) * 1_000, () => void tick());
    return () => {
      stopped = true;
    };
  }

  private check(c: Container, p: Probe): Promise<boolean> {
    const port = (v: number | string) => (typeof v === "number" ? v : (c.ports?.find((x) => x.name === v)?.containerPort ?? Number(v)));
    const host = this.net!.ip;
    const timeout = (p.timeoutSeconds ?? 1) * 1_000;
    return new Promise((resolve) => {
      if (p.httpGet) {
        if ((p.httpGet.scheme ?? "HTTP") !== "HTTP") return resolve(false);
        const req = request({ host: p.httpGet.host ?? host, port: port(p.httpGet.port), path: p.httpGet.path ?? "/", timeout, agent: false }, (res) => {
          res.resume();
          resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve(false));
        req.end();
      } else if (p.tcpSocket) {
        const s = connect({ host: p.tcpSocket.host ?? host, port: port(p.tcpSocket.port), timeout });
        s.once("connect", () => { s.destroy(); resolve(true); });
        s.once("timeout", () => { s.destroy(); resolve(false); });
        s.once("error", () => resolve(false));
      } else {
        // exec and grpc probes are not run here: the container counts as ready once started.
        resolve(true);
      }
    });
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Stops every process (SIGTERM, SIGKILL after the grace period), removes the namespace and the files. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const grace = Math.min((this.pod.spec.terminationGracePeriodSeconds ?? 30) * 1_000, MAX_GRACE_MS);
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill("SIGKILL"), grace);
            child.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      ),
    );
    this.children.clear();
    if (this.net && this.deps.mesh) removeServiceNames(this.net.netns);
    this.sidecarNet?.close();
    this.net?.close();
    rmSync(this.deps.dir, { recursive: true, force: true });
  }
}
