// The path users hit, end to end: `switchyard serve --source file` as its own
// process over a directory of N generated HTTPRoutes, with Envoy-like ADS
// clients in this process (so the server's CPU is its own). Measures, as
// medians over a few edits:
//  - start-up: spawn -> the first stream has its RouteConfiguration;
//  - one-route edit (an in-place write) -> ACKed by 1 stream, then by all of
//    PIPELINE_STREAMS streams;
//  - one-endpoint EndpointSlice edit -> the new ClusterLoadAssignment ACKed;
//  - during each: the server's event-loop lag (the max of prom-client's
//    monitorEventLoopDelay histogram, which /metrics resets on every scrape),
//    the slowest /healthz answer, and the server's CPU time per change.
// Bounded: every wait gives up after PIPELINE_TIMEOUT_S and the run goes on.
// Env: PIPELINE_ROUTES (default 10000), PIPELINE_FILES (default 100),
// PIPELINE_STREAMS (default 1000), PIPELINE_EDITS (default 5), PIPELINE_GATEWAYS (default 1: the routes
// are dealt out over that many Gateways; the streams and the edited route are on the first),
// PIPELINE_TIMEOUT_S (default 180), SWITCHYARD_MAIN (the CLI to run).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { AdsClients } from "./ads-clients.ts";
import { writeBenchManifests } from "./manifests.ts";
import { measureChanges, startServe, stopServe, Timeout, within } from "./pipeline-measure.ts";

const routes = Number(process.env.PIPELINE_ROUTES ?? 10_000);
const files = Number(process.env.PIPELINE_FILES ?? 100);
const gateways = Number(process.env.PIPELINE_GATEWAYS ?? 1);
const streams = Number(process.env.PIPELINE_STREAMS ?? 1000);
const edits = Number(process.env.PIPELINE_EDITS ?? 5);
const mainTs = process.env.SWITCHYARD_MAIN ?? join(import.meta.dirname, "../src/cli/main.ts");
const SERVICES = 50; // bench/translate-fixture.ts

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-pipeline-"));
  const [routeFile] = writeBenchManifests(dir, routes, files, gateways);
  const baseFile = join(dir, "base.yaml");
  const routeText = readFileSync(routeFile!, "utf8");
  const baseText = readFileSync(baseFile, "utf8");
  if (!routeText.includes("value: /app-0\n") || !baseText.includes("- 10.0.0.1\n")) throw new Error("fixture changed: edit anchors not found");

  console.log(`serve --source file: ${routes} HTTPRoutes in ${files} file(s) on ${gateways} Gateway(s), ${streams} ADS streams (SotW, one connection each); load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const t0 = performance.now();
  const { child, ports } = startServe(mainTs, ["--dir", dir]);
  let clients: AdsClients | undefined;
  try {
    const { xdsPort, adminPort } = await within(ports, "serve start-up", 4);
    const admin = `http://127.0.0.1:${adminPort}`;
    clients = new AdsClients(`127.0.0.1:${xdsPort}`, {
      gateway: "default/eg",
      routeConfigs: ["default/eg/http"],
      clusters: Array.from({ length: SERVICES }, (_, s) => `service/default/svc-${s}/8080`),
    });
    await within(clients.grow(1), "first stream");
    const startup = performance.now() - t0;
    console.log(`start-up: spawn -> first stream has its RouteConfiguration: ${startup.toFixed(0)} ms`);

    let edit = 0;
    const routeEdit = () => writeFileSync(routeFile!, routeText.replace("value: /app-0\n", `value: /app-0-edit-${++edit}\n`));
    const sliceEdit = () => writeFileSync(baseFile, baseText.replace("- 10.0.0.1\n", `- 10.0.9.${(++edit % 250) + 1}\n`));
    await measureChanges(child, admin, clients, { edits, streams, routeEdit, sliceEdit });

  } catch (err) {
    // A timeout, or a stream the loaded machine dropped: report what was measured.
    console.log(`gave up: ${(err as Error).message}`);
    if (!(err instanceof Timeout)) process.exitCode = 1;
  } finally {
    clients?.close();
    await stopServe(child);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
}

await main();
