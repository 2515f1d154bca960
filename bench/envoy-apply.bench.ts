// Change → applied in a real Envoy: the path users hit. `switchyard serve` watches a directory of
// N HTTPRoutes; a real Envoy (bootstrap from `switchyard bootstrap`) is connected over ADS. Each
// sample edits one route's path in its file and measures until (a) switchyard reports the proxy
// has ACKed the new snapshot in full and (b) a request for the new path is answered by the backend
// through Envoy. Needs root (network namespaces) and ENVOY_BIN. Prints medians.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataPlane, until } from "../test/envoy/harness.ts";
import { netnsAvailable } from "../test/envoy/netns.ts";
import { backend, closeAll, gateway, GATEWAY_CLASS } from "../test/envoy/world.ts";

const envoy = process.env.ENVOY_BIN;
const SIZES = (process.env.BENCH_ROUTES ?? "1,10000").split(",").map(Number);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);

function routes(n: number, edited: string): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    const path = i === 0 ? edited : `/r${i}`;
    out += `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r${i}, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [h${i % 50}.example.com]
  rules: [{ matches: [{ path: { type: PathPrefix, value: "${path}" } }], backendRefs: [{ name: web, port: 8080 }] }]
`;
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

if (!envoy || !netnsAvailable()) {
  console.log("envoy-apply: skipped (needs ENVOY_BIN and root for network namespaces)");
} else {
  const web = await backend("web");
  try {
    for (const n of SIZES) {
      const dp = await DataPlane.start(envoy, {
        files: { "gw.yaml": GATEWAY_CLASS + gateway("eg", "    - { name: http, protocol: HTTP, port: 80 }\n"), "web.yaml": web.yaml, "routes.yaml": routes(n, "/edit-0") },
        gateways: ["default/eg"],
        readyTimeoutMs: 600_000,
      });
      const synced: number[] = [];
      const served: number[] = [];
      try {
        for (let k = 1; k <= SAMPLES; k++) {
          const before = await dp.snapshotVersion("default/eg");
          const t0 = performance.now();
          writeFileSync(join(dp.dir, "routes.yaml"), routes(n, `/edit-${k}`));
          // (a) switchyard: a new snapshot, ACKed in full by the proxy.
          // The admin API may be slow to answer while a big reload runs; until() retries.
          await until("a new snapshot", async () => ((await dp.snapshotVersion("default/eg")) !== before ? true : undefined), 600_000);
          await dp.waitSynced("default/eg", 600_000);
          synced.push(performance.now() - t0);
          // (b) Envoy: the new path reaches the backend.
          await until("the new path through Envoy", async () => ((await dp.request("default/eg", { port: 80, path: `/edit-${k}`, host: "h0.example.com" })).echo ? true : undefined), 600_000);
          served.push(performance.now() - t0);
        }
      } finally {
        await dp.stop();
      }
      console.log(`${String(n).padStart(6)} routes: edit -> proxy ACKed median ${median(synced).toFixed(0)} ms, -> new path served by Envoy median ${median(served).toFixed(0)} ms (${SAMPLES} samples: ${served.map((x) => x.toFixed(0)).join(", ")})`);
    }
  } finally {
    await closeAll([web]);
  }
}
