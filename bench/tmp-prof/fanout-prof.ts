// temporary: profile fanout-server at N streams (not committed)
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { DESCRIPTORS, RESOURCE_TYPES, resourcesOf } from "../../src/xds/resource-types.ts";
import { emptyResources, TYPE_URL, type XdsResources } from "../../src/api/xds.ts";
import { apiListener, edsCluster, endpoints, routeConfig } from "../../test/xds/fixtures.ts";
import { AdsClients } from "../ads-clients.ts";
import { cpuMs } from "../pipeline-measure.ts";
const STREAMS = Number(process.env.FANOUT_BENCH_STREAMS ?? 1000);
const ROUNDS = Number(process.env.FANOUT_BENCH_ROUNDS ?? 10);
const ROUTES = 100; const KEY = "bench/gw";
const CLUSTERS = Array.from({ length: ROUTES }, (_, i) => `svc-${i}`);
function gateway(round: number): XdsResources {
  const r = emptyResources();
  r.listeners.push(apiListener("gw", "gw-routes"));
  r.routes.push(routeConfig("gw-routes", ["*"], CLUSTERS.map((c, i) => [i === 0 ? `/changed-${round}` : `/${c}`, c])));
  for (const [i, c] of CLUSTERS.entries()) { r.clusters.push(edsCluster(c)); r.endpoints.push(endpoints(c, [["10.0.0.1", 8000 + i]])); }
  return r;
}
function inputLine(round: number, wait: boolean): string {
  const res = gateway(round); const resources: Record<string, string[]> = {}; const versions: Record<string, string> = {};
  for (const type of RESOURCE_TYPES) { const d = DESCRIPTORS[type]; const items = resourcesOf(res, type); if (!items.length) continue;
    resources[d.typeUrl] = items.map((m) => Buffer.from(d.encode(m)).toString("base64"));
    versions[d.typeUrl] = createHash("sha256").update(resources[d.typeUrl]!.join(",")).digest("hex").slice(0, 16); }
  return JSON.stringify({ key: KEY, versions, resources, await: wait });
}
const flags = (process.env.SERVER_FLAGS ?? "").split(" ").filter(Boolean);
const child = spawn(process.execPath, [...flags, join(import.meta.dirname, "../fanout-server.ts")], { env: { ...process.env, STREAMS: String(STREAMS) }, stdio: ["pipe", "pipe", "inherit"] });
const lines: string[] = []; const waiters: ((l: string) => void)[] = [];
createInterface({ input: child.stdout! }).on("line", (l) => { const w = waiters.shift(); if (w) w(l); else lines.push(l); });
const next = async () => lines.shift() ?? (await new Promise<string>((r) => waiters.push(r)));
const port = Number((await next()).split(" ")[1]);
child.stdin!.write(inputLine(0, false) + "\n"); await next();
const clients = new AdsClients(`127.0.0.1:${port}`, { gateway: KEY, routeConfigs: ["gw-routes"], clusters: CLUSTERS });
await clients.grow(STREAMS);
const cpus: number[] = []; const acks: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const w = clients.waitAll(TYPE_URL.route); const c0 = cpuMs(child.pid!); w.t0(performance.now());
  child.stdin!.write(inputLine(round, true) + "\n"); await next(); acks.push(await w.done); await next(); cpus.push(cpuMs(child.pid!) - c0);
}
console.log("ack ms", acks.map((x) => x.toFixed(0)).join(" "), "cpu ms", cpus.map((x) => x.toFixed(0)).join(" "));
clients.close(); child.stdin!.end();
await new Promise((r) => child.on("exit", r));
