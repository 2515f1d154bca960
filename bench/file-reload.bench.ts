// `switchyard serve --source file` as a process, over a directory of N
// generated HTTPRoutes: how long the first translation takes, and how long a
// one-route edit takes from the write to the published translation (file
// source debounce + reload + translate + publish). Layouts: the routes spread
// over 100 files (default), or all in one file (not run by default: that
// layout re-parses 10 MB per edit).
// Env: FILE_RELOAD_ROUTES (default 10000), FILE_RELOAD_EDITS (default 3),
// FILE_RELOAD_FILES (default "100"; "1,100" adds the one-file layout), SWITCHYARD_MAIN (the CLI to run).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { writeBenchManifests } from "./manifests.ts";
import { median } from "./stats.ts";

const routes = Number(process.env.FILE_RELOAD_ROUTES ?? 10_000);
const edits = Number(process.env.FILE_RELOAD_EDITS ?? 3);
const layouts = (process.env.FILE_RELOAD_FILES ?? "100").split(",").map(Number);
const mainTs = process.env.SWITCHYARD_MAIN ?? join(import.meta.dirname, "../src/cli/main.ts");

console.log(`serve --source file, ${routes} HTTPRoutes: time to the first translation, and a one-route edit to its published translation`);
console.log("files  startup ms  edits  median edit ms  min  max");
for (const files of layouts) {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-reload-"));
  const [first] = writeBenchManifests(dir, routes, files);
  const t0 = performance.now();
  const child = spawn(process.execPath, [mainTs, "serve", "--dir", dir, "--xds-port", "0", "--admin-port", "0", "--log-level", "debug"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  /** Resolves at the next log line with this message. */
  const next = async (msg: string) => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`serve exited before logging ${JSON.stringify(msg)}`);
      if ((JSON.parse(value as string) as { msg: string }).msg === msg) return;
    }
  };
  await next("translated");
  const startup = performance.now() - t0;
  const times: number[] = [];
  const original = readFileSync(first!, "utf8");
  for (let i = 0; i < edits; i++) {
    // One route's path prefix changes; an in-place write, as most tools do.
    const text = original.replace("value: /app-0\n", `value: /app-0-edit-${i}\n`);
    const t1 = performance.now();
    writeFileSync(first!, text);
    await next("translated");
    times.push(performance.now() - t1);
  }
  child.kill("SIGTERM");
  await new Promise((resolve) => child.on("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
  const f = (n: number) => n.toFixed(0).padStart(5);
  console.log(`${String(files).padStart(5)}  ${startup.toFixed(0).padStart(10)}  ${String(edits).padStart(5)}  ${f(median(times)).padStart(14)}  ${f(Math.min(...times))}  ${f(Math.max(...times))}`);
}
