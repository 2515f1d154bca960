// `switchyard translate -f DIR` as a whole process (start-up, reading and
// validating the YAML, translate, printing) on the translate fixture written
// as manifests. Median wall time of a few runs, and the child's CPU time
// (user + system, from /proc: steadier than wall time on a shared machine).
// Then the start-up of `version` and `--help` (median of 9 runs each).
// Bounded: a size whose first run takes over TRANSLATE_CLI_BUDGET_S gets no
// more runs, and larger sizes are skipped.
// Env: TRANSLATE_CLI_ROUTES (default "1000,10000,30000"), TRANSLATE_CLI_RUNS
// (default 3), TRANSLATE_CLI_BUDGET_S (default 120), SWITCHYARD_MAIN (the CLI to run).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeBenchManifests } from "./manifests.ts";
import { median } from "./stats.ts";

const sizes = (process.env.TRANSLATE_CLI_ROUTES ?? "1000,10000,30000").split(",").map(Number);
const budgetMs = Number(process.env.TRANSLATE_CLI_BUDGET_S ?? 120) * 1000;
const runs = Number(process.env.TRANSLATE_CLI_RUNS ?? 3);
const mainTs = process.env.SWITCHYARD_MAIN ?? join(import.meta.dirname, "../src/cli/main.ts");

/** CPU ms of this process's waited-for children so far (Linux /proc; 0 elsewhere). */
function childCpuMs(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in 100 Hz ticks
  } catch {
    return 0;
  }
}

console.log(`switchyard translate -f DIR (one file of routes + base.yaml), whole process; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log("routes  input MB  runs  median ms  min ms  max ms  median CPU ms");
let overBudget = false;
for (const n of sizes) {
  if (overBudget) {
    console.log(`${String(n).padStart(6)}  skipped: the previous size took over ${budgetMs / 1000} s a run`);
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), "switchyard-translate-cli-"));
  writeBenchManifests(dir, n);
  const du = spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0];
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = childCpuMs();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [mainTs, "translate", "-f", dir], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
    times.push(performance.now() - t0);
    cpu.push(childCpuMs() - c0);
    if (r.status !== 0) throw new Error(`translate exited ${r.status}: ${r.stderr}`);
    if (times[i]! > budgetMs) {
      overBudget = true;
      break;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const mb = (Number(du) / 1024 / 1024).toFixed(1);
  console.log(`${String(n).padStart(6)}  ${mb.padStart(8)}  ${String(times.length).padStart(4)}  ${median(times).toFixed(0).padStart(9)}  ${Math.min(...times).toFixed(0).padStart(6)}  ${Math.max(...times).toFixed(0).padStart(6)}  ${median(cpu).toFixed(0).padStart(13)}`);
}

console.log("start-up: median of 9 runs (wall ms, CPU ms)");
for (const args of [["version"], ["--help"]]) {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 9; i++) {
    const c0 = childCpuMs();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [mainTs, ...args], { stdio: "ignore" });
    times.push(performance.now() - t0);
    cpu.push(childCpuMs() - c0);
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}`);
  }
  console.log(`  switchyard ${args.join(" ").padEnd(8)} ${median(times).toFixed(0).padStart(6)} ms wall  ${median(cpu).toFixed(0).padStart(5)} ms CPU`);
}
