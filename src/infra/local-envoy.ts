// A local data plane, like Envoy Gateway's standalone host mode: one Envoy process per Gateway on
// this machine, each with the bootstrap `switchyard bootstrap` prints, started when its Gateway
// appears, restarted (with backoff) if it dies, and stopped when the Gateway goes or switchyard stops.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../observability/log.ts";
import { bootstrapJson } from "./bootstrap.ts";

export interface LocalEnvoyOptions {
  /** The envoy binary. */
  envoy: string;
  xdsHost: string;
  xdsPort: number;
  logger: Logger;
  /** Extra Envoy flags (tests use `--disable-hot-restart` implicitly; this is for users). */
  args?: string[];
}

interface Proxy {
  key: string;
  proc?: ChildProcess;
  restarts: number;
  timer?: NodeJS.Timeout;
  startedAt: number;
  stopping: boolean;
  /** Envoy's admin address once it has written it. */
  admin?: string;
}

/** Throws a one-line reason when `envoy` cannot run. */
export function checkEnvoy(envoy: string): void {
  const r = spawnSync(envoy, ["--version"], { encoding: "utf8" });
  if (r.error) throw new Error(`cannot run ${envoy}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${envoy} --version exited ${r.status}: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
}

const MAX_BACKOFF_MS = 30_000;
/** An Envoy that stayed up this long gets its backoff reset. */
const HEALTHY_MS = 60_000;

export class LocalEnvoys {
  readonly #o: LocalEnvoyOptions;
  readonly #dir = mkdtempSync(join(tmpdir(), "switchyard-envoy-"));
  readonly #proxies = new Map<string, Proxy>();
  #closed = false;

  constructor(o: LocalEnvoyOptions) {
    this.#o = o;
  }

  /** Makes the set of running Envoys equal the given Gateways. */
  sync(keys: readonly string[]): void {
    if (this.#closed) return;
    const want = new Set(keys);
    for (const [key, p] of this.#proxies) if (!want.has(key)) void this.#stopOne(p);
    for (const key of want) if (!this.#proxies.has(key)) this.#start({ key, restarts: 0, startedAt: 0, stopping: false });
  }

  /** `gateway → Envoy admin address` of the Envoys that are up. */
  admins(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, p] of this.#proxies) {
      if (!p.admin) p.admin = this.#readAdmin(key);
      if (p.admin) out[key] = p.admin;
    }
    return out;
  }

  #file(key: string, what: string): string {
    return join(this.#dir, `${key.replace("/", "_")}.${what}`);
  }

  #readAdmin(key: string): string | undefined {
    try {
      return readFileSync(this.#file(key, "admin"), "utf8").trim() || undefined;
    } catch {
      return undefined;
    }
  }

  #start(p: Proxy): void {
    this.#proxies.set(p.key, p);
    const [ns, name] = p.key.split("/") as [string, string];
    // Admin and readiness on port 0: several Envoys (and switchyard's own admin) share the machine.
    const bootstrap = bootstrapJson({ gateway: p.key, nodeId: `local-${ns}-${name}`, xdsHost: this.#o.xdsHost, xdsPort: this.#o.xdsPort, adminPort: 0, readinessPort: 0 });
    writeFileSync(this.#file(p.key, "json"), JSON.stringify(bootstrap));
    rmSync(this.#file(p.key, "admin"), { force: true });
    p.admin = undefined;
    const args = ["-c", this.#file(p.key, "json"), "--disable-hot-restart", "--admin-address-path", this.#file(p.key, "admin"), "-l", "warning", ...(this.#o.args ?? [])];
    const log = this.#o.logger.child({ gateway: p.key });
    const proc = spawn(this.#o.envoy, args, { stdio: ["ignore", "pipe", "pipe"] });
    p.proc = proc;
    p.startedAt = Date.now();
    const forward = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) log.warn({ envoy: line.trim() }, "envoy says");
    };
    proc.stdout?.on("data", forward);
    proc.stderr?.on("data", forward);
    proc.once("spawn", () => log.info({ pid: proc.pid }, "local Envoy started"));
    proc.once("error", (err) => log.error({ err: err.message, envoy: this.#o.envoy }, "local Envoy could not start"));
    proc.once("exit", (code, signal) => {
      if (p.stopping || this.#closed) return;
      if (Date.now() - p.startedAt > HEALTHY_MS) p.restarts = 0;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** p.restarts);
      p.restarts++;
      log.warn({ code, signal, restartInMs: delay }, "local Envoy exited; restarting");
      p.timer = setTimeout(() => {
        if (!p.stopping && !this.#closed) this.#start(p);
      }, delay);
    });
  }

  async #stopOne(p: Proxy): Promise<void> {
    p.stopping = true;
    this.#proxies.delete(p.key);
    if (p.timer) clearTimeout(p.timer);
    const proc = p.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGTERM");
    const kill = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(kill);
    this.#o.logger.info({ gateway: p.key }, "local Envoy stopped");
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#proxies.values()].map((p) => this.#stopOne(p)));
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
