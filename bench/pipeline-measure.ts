// Measuring one change on the path users hit, shared by the pipeline
// benchmarks (file source and kubernetes source): every stream's ACK, the
// server's event-loop lag and CPU, and the slowest /healthz while it happens.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { AdsClients } from "./ads-clients.ts";
import { TYPE_URL } from "../src/api/xds.ts";
import { median } from "./stats.ts";

const timeoutMs = Number(process.env.PIPELINE_TIMEOUT_S ?? 180) * 1000;

export class Timeout extends Error {}

export function within<T>(p: Promise<T>, what: string, factor = 1): Promise<T> {
  let timer: NodeJS.Timeout;
  const ms = timeoutMs * factor;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout(`${what}: no answer in ${ms / 1000} s`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** CPU ms (user + system) of a process so far, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 100 Hz ticks
}

/** Polls /healthz back to back while a change is in flight: the slowest answer shows how long the loop was blocked. */
class HealthProbe {
  private running = false;
  private worst = 0;
  private loop?: Promise<void>;
  private readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  start(): void {
    this.running = true;
    this.worst = 0;
    this.loop = (async () => {
      while (this.running) {
        const t = performance.now();
        await fetch(this.url).then((r) => r.arrayBuffer());
        this.worst = Math.max(this.worst, performance.now() - t);
      }
    })();
  }
  async stop(): Promise<number> {
    this.running = false;
    await this.loop;
    return this.worst;
  }
}

async function lagMaxMs(admin: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text();
  const m = /^switchyard_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : NaN;
}

export interface Sample {
  ms: number;
  lagMs: number;
  healthMs: number;
  cpuMs: number;
}

/** One change: resets the lag histogram, makes the change, waits for every stream to ACK the type. */
export async function measure(child: ChildProcess, admin: string, clients: AdsClients, typeUrl: string, change: () => void): Promise<Sample> {
  await lagMaxMs(admin); // the scrape resets the histogram
  const probe = new HealthProbe(`${admin}/healthz`);
  const wait = clients.waitAll(typeUrl);
  const c0 = cpuMs(child.pid!);
  probe.start();
  wait.t0(performance.now());
  change();
  const ms = await within(wait.done, `${clients.size} streams ACKing ${typeUrl.split(".").pop()}`);
  const cpu = cpuMs(child.pid!) - c0;
  const healthMs = await probe.stop();
  return { ms, lagMs: await lagMaxMs(admin), healthMs, cpuMs: cpu };
}

export function row(label: string, samples: Sample[]): string {
  if (samples.length === 0) return `${label.padEnd(44)} (no samples)`;
  const m = (f: (s: Sample) => number) => median(samples.map(f)).toFixed(0).padStart(8);
  const max = Math.max(...samples.map((s) => s.ms)).toFixed(0).padStart(7);
  return `${label.padEnd(44)} ${String(samples.length).padStart(3)} ${m((s) => s.ms)} ${max} ${m((s) => s.lagMs)} ${m((s) => s.healthMs)} ${m((s) => s.cpuMs)}`;
}

/** `switchyard serve ARGS` as its own process on free ports; `ports` resolves once it logs that it is serving. */
export function startServe(mainTs: string, args: string[]): { child: ChildProcess; ports: Promise<{ xdsPort: number; adminPort: number }> } {
  // PIPELINE_SERVER_FLAGS: Node flags for the server process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const flags = (process.env.PIPELINE_SERVER_FLAGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...flags, mainTs, "serve", ...args, "--xds-port", "0", "--admin-port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const ports = new Promise<{ xdsPort: number; adminPort: number }>((resolve, reject) => {
    // Every line is read, so the child never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const rec = JSON.parse(line) as { msg?: string; xdsPort?: number; adminPort?: number };
        if (rec.msg === "switchyard is serving") resolve({ xdsPort: rec.xdsPort!, adminPort: rec.adminPort! });
      } catch {
        // not JSON: ignore
      }
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, ports };
}

export async function stopServe(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on("exit", resolve)));
}

/**
 * The pipeline benchmarks' sequence: `edits` one-route edits and EndpointSlice edits, each ACKed by the
 * one stream the clients have, then the same with `streams` streams. Prints a row per measure.
 */
export async function measureChanges(
  child: ChildProcess,
  admin: string,
  clients: AdsClients,
  o: { edits: number; streams: number; routeEdit: () => void; sliceEdit: () => void },
): Promise<void> {
  console.log(`${"measure".padEnd(44)}   n   median     max  lag ms  healthz  CPU ms   (medians; ms)`);
  const run = async (label: string, typeUrl: string, change: () => void) => {
    const samples: Sample[] = [];
    try {
      for (let i = 0; i < o.edits; i++) samples.push(await measure(child, admin, clients, typeUrl, change));
    } finally {
      console.log(row(label, samples));
    }
  };
  await run("one-route edit -> ACKed by 1 stream", TYPE_URL.route, o.routeEdit);
  await run("EndpointSlice edit -> ACKed by 1 stream", TYPE_URL.endpoint, o.sliceEdit);
  const tGrow = performance.now();
  // Generous: every stream receives the whole snapshot (at 10,000 routes, 0.5 MB each).
  await within(clients.grow(o.streams), `${o.streams} streams' initial sync`, 3);
  console.log(`initial sync of ${o.streams} streams: ${(performance.now() - tGrow).toFixed(0)} ms`);
  await run(`one-route edit -> ACKed by ${o.streams} streams`, TYPE_URL.route, o.routeEdit);
  await run(`EndpointSlice edit -> ACKed by ${o.streams} streams`, TYPE_URL.endpoint, o.sliceEdit);
}
