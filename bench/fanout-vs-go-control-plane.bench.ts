// Fan-out, switchyard beside go-control-plane, in one run: each server runs
// alone in its own process and serves the same Gateway snapshot to the same
// STREAMS Envoy-like ADS streams (bench/ads-clients.ts, one connection each).
// A change is one route of the Gateway's RouteConfiguration; per change we
// measure the time until every stream has ACKed it and the server process's
// CPU (user + system, /proc) until the server has seen every ACK. Both servers
// decode the snapshot from the same Any-packed bytes, so neither skips work the
// other does. The go-control-plane server (bench/go-control-plane/) is built
// from the Go module proxy and cached outside the repository.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DESCRIPTORS, RESOURCE_TYPES, resourcesOf } from "../src/xds/resource-types.ts";
import { emptyResources, TYPE_URL, type XdsResources } from "../src/api/xds.ts";
import { apiListener, edsCluster, endpoints, routeConfig } from "../test/xds/fixtures.ts";
import { AdsClients } from "./ads-clients.ts";
import { cpuMs } from "./pipeline-measure.ts";
import { median } from "./stats.ts";

const STREAMS = Number(process.env.FANOUT_BENCH_STREAMS ?? 1000);
const ROUNDS = Number(process.env.FANOUT_BENCH_ROUNDS ?? 10);
const ROUTES = Number(process.env.FANOUT_BENCH_ROUTES ?? 100);
const KEY = "bench/gw";
const CLUSTERS = Array.from({ length: ROUTES }, (_, i) => `svc-${i}`);

/** The Gateway's snapshot at `round`: only route 0 of its RouteConfiguration changes between rounds. */
function gateway(round: number): XdsResources {
  const r = emptyResources();
  r.listeners.push(apiListener("gw", "gw-routes"));
  r.routes.push(routeConfig("gw-routes", ["*"], CLUSTERS.map((c, i) => [i === 0 ? `/changed-${round}` : `/${c}`, c])));
  for (const [i, c] of CLUSTERS.entries()) {
    r.clusters.push(edsCluster(c));
    r.endpoints.push(endpoints(c, [["10.0.0.1", 8000 + i]]));
  }
  return r;
}

function inputLine(round: number, wait: boolean): string {
  const res = gateway(round);
  const resources: Record<string, string[]> = {};
  const versions: Record<string, string> = {};
  for (const type of RESOURCE_TYPES) {
    const d = DESCRIPTORS[type];
    const items = resourcesOf(res, type);
    if (items.length === 0) continue;
    resources[d.typeUrl] = items.map((m) => Buffer.from(d.encode(m)).toString("base64"));
    versions[d.typeUrl] = createHash("sha256").update(resources[d.typeUrl]!.join(",")).digest("hex").slice(0, 16);
  }
  return JSON.stringify({ key: KEY, versions, resources, await: wait });
}

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
  next(prefix: string): Promise<string>;
}

async function start(name: string, cmd: string, args: string[]): Promise<Server> {
  const child = spawn(cmd, args, { env: { ...process.env, STREAMS: String(STREAMS) }, stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const next = async (prefix: string): Promise<string> => {
    const l = lines.shift() ?? (await new Promise<string>((resolve) => waiters.push(resolve)));
    if (!l.startsWith(prefix)) throw new Error(`${name}: expected "${prefix} …", got "${l}"`);
    return l.slice(prefix.length + 1);
  };
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) console.log(`${name} exited with ${code}`);
  });
  const port = Number(await next("port"));
  return { name, child, port, next };
}

interface Result {
  ackMs: number[];
  cpuMs: number[];
}

async function measure(server: Server): Promise<Result> {
  const stdin = server.child.stdin!;
  stdin.write(inputLine(0, false) + "\n");
  await server.next("set");
  const clients = new AdsClients(`127.0.0.1:${server.port}`, { gateway: KEY, routeConfigs: ["gw-routes"], clusters: CLUSTERS });
  await clients.grow(STREAMS);
  const out: Result = { ackMs: [], cpuMs: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const w = clients.waitAll(TYPE_URL.route);
    const cpu0 = cpuMs(server.child.pid!);
    w.t0(performance.now());
    stdin.write(inputLine(round, true) + "\n");
    await server.next("set");
    out.ackMs.push(await w.done);
    await server.next("acked");
    out.cpuMs.push(cpuMs(server.child.pid!) - cpu0);
  }
  clients.close();
  stdin.end();
  server.child.kill();
  return out;
}

const build = spawnSync("bash", [join(import.meta.dirname, "go-control-plane", "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
if (build.status !== 0) {
  console.log("fan-out comparison: building the go-control-plane server failed (bench/go-control-plane/build.sh)");
  process.exit(1);
}
const goBin = build.stdout.trim().split("\n").pop()!;

console.log(`fan-out: one route edit -> ${STREAMS} SotW ADS streams ACKed; ${ROUTES} routes/clusters in the Gateway, ${ROUNDS} changes; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const results: Record<string, Result> = {};
results["go-control-plane v0.14.0"] = await measure(await start("go-control-plane", goBin, []));
results["switchyard"] = await measure(await start("switchyard", process.execPath, [join(import.meta.dirname, "fanout-server.ts")]));
for (const [name, r] of Object.entries(results)) {
  const total = r.cpuMs.reduce((a, b) => a + b, 0);
  console.log(`  ${name.padEnd(26)} all ACKed: median ${median(r.ackMs).toFixed(0)} ms; server CPU per change: median ${median(r.cpuMs).toFixed(0)} ms, mean ${(total / ROUNDS).toFixed(0)} ms`);
}
const [go, sy] = [results["go-control-plane v0.14.0"]!, results["switchyard"]!];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`  switchyard / go-control-plane: CPU per change ${(mean(sy.cpuMs) / mean(go.cpuMs)).toFixed(2)}x, all-ACKed time ${(median(sy.ackMs) / median(go.ackMs)).toFixed(2)}x`);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
