// translate() on one Gateway with 100, 1,000 and 10,000 HTTPRoutes (5
// hostnames, mixed matches). Reports the median wall time of several runs and
// the heap the result keeps alive. CPU time (user + system, this process,
// including GC threads) is reported too: on a shared machine it moves less
// than wall time. Run with `npm run bench` (it passes
// --expose-gc so heap numbers are measured after a full collection).
import { loadavg } from "node:os";
import { DEFAULT_CONTROLLER_NAME } from "../src/api/translation.ts";
import { translate } from "../src/translator/translate.ts";
import { benchResourceSet } from "./translate-fixture.ts";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

console.log(`translate(): one Gateway, 5 hostnames, mixed matches (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})`);
console.log("routes   runs  median ms  min ms  max ms  median CPU ms  result heap MB  peak heap MB  envoy routes");
for (const n of [100, 1_000, 10_000]) {
  const rs = benchResourceSet(n);
  const runs = n >= 10_000 ? 7 : 15;
  translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME }); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  let retained = 0;
  let peak = 0;
  let envoyRoutes = 0;
  for (let i = 0; i < runs; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
    times.push(performance.now() - t0);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    gc();
    retained = Math.max(retained, process.memoryUsage().heapUsed - before);
    envoyRoutes = result.gateways[0]?.resources.routes.reduce((s, rc) => s + rc.virtualHosts.reduce((t, vh) => t + vh.routes.length, 0), 0) ?? 0;
  }
  console.log(
    `${String(n).padStart(6)}  ${String(runs).padStart(4)}  ${median(times).toFixed(1).padStart(9)}  ${Math.min(...times).toFixed(1).padStart(6)}  ${Math.max(...times).toFixed(1).padStart(6)}  ${median(cpu).toFixed(1).padStart(13)}  ${mb(retained).padStart(14)}  ${mb(peak).padStart(12)}  ${String(envoyRoutes).padStart(12)}`,
  );
}
