// A real data plane for tests: `switchyard serve` (the CLI, as a process) on a temp directory of
// manifests, one real Envoy per Gateway (its bootstrap from the same code as `switchyard bootstrap`),
// each in its own network namespace so every Gateway can use the ports it names. It waits on
// signals, never on sleeps: Envoy's /ready, and switchyard's /api/nodes saying the proxy has ACKed
// the snapshot version /api/snapshots serves. stop() ends everything it started.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { bootstrapJson } from "../../src/infra/bootstrap.ts";
import { spawnServe, type ServeProcess } from "../helpers/serve-process.ts";
import { startOrStop } from "../helpers/start-or-stop.ts";
import type { EchoReply } from "./echo.ts";
import { createNetNs, HOST_IP, type NetNs } from "./netns.ts";

const ENVOY_ADMIN_PORT = 19001;

export interface Proxy {
  key: string;
  nodeId: string;
  ns: NetNs;
  /** The address tests send traffic to. */
  addr: string;
  proc: ChildProcess;
  log: () => string;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The echo backend's report, when a backend answered. */
  echo?: EchoReply;
}

export interface RequestOptions {
  port: number;
  path?: string;
  host?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** HTTPS: the SNI and the CA to trust; `cert`/`key` present a client certificate. */
  tls?: { servername: string; ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  /** Reuse connections through this agent (keep-alive); default a fresh connection. */
  agent?: http.Agent;
}

/** Polls `probe` until it returns a value, or fails after `ms` with `what` and the last error. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

export interface DataPlaneOptions {
  /** File name → YAML text, written into the watched directory. */
  files: Record<string, string>;
  /** Gateways (`namespace/name`) that get an Envoy. */
  gateways: string[];
  delta?: boolean;
  /** Extra flags for `switchyard serve`. */
  serveArgs?: string[];
  /** Changes each Gateway's bootstrap before Envoy starts (e.g. xDS over mTLS). */
  bootstrap?: (key: string, json: JsonObject) => JsonObject;
  /** How long to wait for each Envoy's first config (default 30 s; large benchmarks need more). */
  readyTimeoutMs?: number;
}

export class DataPlane {
  readonly dir: string;
  readonly proxies = new Map<string, Proxy>();
  adminPort = 0;
  xdsPort = 0;
  #serve: ServeProcess | undefined;
  #stopped = false;
  #envoy = "";
  #options: DataPlaneOptions = { files: {}, gateways: [] };

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async start(envoy: string, o: DataPlaneOptions): Promise<DataPlane> {
    const dp = new DataPlane(mkdtempSync(join(tmpdir(), "switchyard-dp-")));
    dp.#envoy = envoy;
    dp.#options = o;
    return startOrStop(dp, async () => {
      dp.#writeFiles(o.files);
      await dp.#startServe(o.serveArgs ?? []);
      for (const key of o.gateways) await dp.#startEnvoy(envoy, key, o);
      for (const key of o.gateways) await dp.waitSynced(key, o.readyTimeoutMs);
    });
  }

  proxy(key: string): Proxy {
    const p = this.proxies.get(key);
    if (!p) throw new Error(`no Envoy for Gateway ${key}`);
    return p;
  }

  serveLog(): string {
    return this.#serve?.output() ?? "";
  }

  #writeFiles(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, name)), { recursive: true });
      writeFileSync(join(this.dir, name), text);
    }
  }

  async #startServe(extra: string[]): Promise<void> {
    const serve = spawnServe(["--source", "file", "--dir", this.dir, "--xds-address", HOST_IP, "--xds-port", "0", "--admin-port", "0", ...extra], { ...process.env, SWITCHYARD_LOG_LEVEL: "info" });
    this.#serve = serve;
    ({ xdsPort: this.xdsPort, adminPort: this.adminPort } = await serve.serving);
  }

  async #startEnvoy(envoy: string, key: string, o: DataPlaneOptions): Promise<void> {
    const ns = createNetNs();
    const nodeId = `envoy-${key.replace("/", "-")}-${ns.name}`;
    let json = bootstrapJson({ gateway: key, nodeId, xdsHost: HOST_IP, xdsPort: this.xdsPort, delta: o.delta, adminPort: ENVOY_ADMIN_PORT });
    // The admin listens on the namespace's address so that the test (outside) can read it.
    json = { ...json, admin: { address: { socketAddress: { address: ns.addr, portValue: ENVOY_ADMIN_PORT } } } };
    if (o.bootstrap) json = o.bootstrap(key, json);
    const file = join(this.dir, `.bootstrap-${ns.name}.json`);
    writeFileSync(file, JSON.stringify(json));
    const argv = ns.wrap([envoy, "-c", file, "--disable-hot-restart", "--service-node", nodeId, "-l", "warning", "--drain-time-s", "1"]);
    const proc = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    proc.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    this.proxies.set(key, { key, nodeId, ns, addr: ns.addr, proc, log: () => log });
    await until(
      `Envoy for ${key} to be LIVE`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`Envoy exited: ${log}`);
        const r = await fetch(`http://${ns.addr}:${ENVOY_ADMIN_PORT}/ready`);
        return r.status === 200 ? true : undefined;
      },
      o.readyTimeoutMs,
    );
  }

  /** The snapshot version switchyard serves for `key`. */
  async snapshotVersion(key: string): Promise<string> {
    const r = await getJson(`http://127.0.0.1:${this.adminPort}/api/snapshots/${key}`);
    return r.status === 200 ? String((r.body as { version: string }).version) : "";
  }

  /** Waits until the Envoy of `key` has ACKed, in full, the snapshot version switchyard serves. */
  async waitSynced(key: string, ms?: number): Promise<void> {
    const { nodeId } = this.proxy(key);
    await until(
      `Envoy ${nodeId} to ACK the snapshot of ${key}`,
      async () => {
        const version = await this.snapshotVersion(key);
        const nodes = (await getJson(`http://127.0.0.1:${this.adminPort}/api/nodes`)).body as { nodeId: string; syncedVersion?: string }[];
        return version !== "" && nodes.some((n) => n.nodeId === nodeId && n.syncedVersion === version) ? true : undefined;
      },
      ms,
    );
  }

  /**
   * Writes (or, with null, deletes) files, waits for switchyard to serve a new snapshot of each
   * Gateway in `changes` (default all), and for their Envoys to ACK it.
   */
  async apply(files: Record<string, string | null>, changes: string[] = [...this.proxies.keys()]): Promise<void> {
    const before = new Map<string, string>();
    for (const key of changes) before.set(key, await this.snapshotVersion(key));
    for (const [name, text] of Object.entries(files)) {
      if (text === null) rmSync(join(this.dir, name), { force: true });
      else this.#writeFiles({ [name]: text });
    }
    for (const key of changes) {
      await until(`a new snapshot of ${key}`, async () => ((await this.snapshotVersion(key)) !== before.get(key) ? true : undefined));
      await this.waitSynced(key);
    }
  }

  /**
   * Starts an Envoy for one more Gateway (one a later manifest brings) and waits until it is LIVE
   * and has ACKed the snapshot switchyard serves for it.
   */
  async addGateway(key: string): Promise<void> {
    if (this.proxies.has(key)) return;
    await this.#startEnvoy(this.#envoy, key, this.#options);
    await this.waitSynced(key);
  }

  /** Stops the Envoy of `key` (started by start() or addGateway()) and frees its namespace. */
  async removeGateway(key: string): Promise<void> {
    const p = this.proxies.get(key);
    if (!p) return;
    this.proxies.delete(key);
    if (p.proc.exitCode === null) {
      const exited = new Promise((r) => p.proc.once("exit", r));
      p.proc.kill("SIGKILL");
      await exited;
    }
    p.ns.close();
  }

  /**
   * Writes (or, with null, deletes) files without waiting for anything. Each file appears whole:
   * it is written beside its name, then renamed, so the watcher never reads half a file.
   */
  writeFiles(files: Record<string, string | null>): void {
    for (const [name, text] of Object.entries(files)) {
      const path = join(this.dir, name);
      if (text === null) {
        rmSync(path, { force: true });
        continue;
      }
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.partial`, text);
      renameSync(`${path}.partial`, path);
    }
  }

  /** Waits until every running Envoy has ACKed the snapshot switchyard serves for its Gateway. */
  async waitAllSynced(): Promise<void> {
    for (const key of this.proxies.keys()) await this.waitSynced(key);
  }

  async admin(path: string): Promise<{ status: number; body: unknown }> {
    return getJson(`http://127.0.0.1:${this.adminPort}${path}`);
  }

  async envoyAdmin(key: string, path: string): Promise<{ status: number; body: unknown }> {
    return getJson(`http://${this.proxy(key).addr}:${ENVOY_ADMIN_PORT}${path}`);
  }

  /** One HTTP/1.1 request through the Envoy of `key`. */
  request(key: string, o: RequestOptions): Promise<HttpResult> {
    const addr = this.proxy(key).addr;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...(o.host ? { host: o.host } : {}), ...o.headers };
      const base = { host: addr, port: o.port, path: o.path ?? "/", method: o.method ?? "GET", headers, agent: o.agent ?? false };
      const onRes = (res: http.IncomingMessage) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => {
          let echo: EchoReply | undefined;
          if (res.headers["x-echo-service"]) {
            try {
              echo = JSON.parse(body) as EchoReply;
            } catch {
              // a body that is not the echo's report
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...(echo ? { echo } : {}) });
        });
      };
      const req = o.tls
        ? https.request({ ...base, servername: o.tls.servername, ca: o.tls.ca, cert: o.tls.cert, key: o.tls.key, rejectUnauthorized: o.tls.rejectUnauthorized ?? !!o.tls.ca }, onRes)
        : http.request(base, onRes);
      req.on("error", reject);
      req.setTimeout(20_000, () => req.destroy(new Error(`request ${o.path ?? "/"} timed out`)));
      req.end(o.body);
    });
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const exits: Promise<unknown>[] = [];
    for (const p of this.proxies.values()) {
      if (p.proc.exitCode === null) {
        exits.push(new Promise((r) => p.proc.once("exit", r)));
        p.proc.kill("SIGKILL");
      }
    }
    const serve = this.#serve?.proc;
    if (serve && serve.exitCode === null) {
      exits.push(new Promise((r) => serve.once("exit", r)));
      serve.kill("SIGTERM");
    }
    await Promise.all(exits);
    for (const p of this.proxies.values()) p.ns.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
