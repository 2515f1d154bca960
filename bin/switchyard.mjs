#!/usr/bin/env node
// Runs the TypeScript CLI on Node's built-in type stripping (Node >= 22.18 has it
// on by default; 22.6-22.17 need the flag, so re-exec with it there).
import { spawnSync } from "node:child_process";
import { enableCompileCache } from "node:module";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
if (process.features.typescript) {
  // See src/cli/main.ts: keeps the type-stripped modules between runs.
  enableCompileCache();
  const { main: run } = await import(main);
  process.exitCode = await run(process.argv.slice(2));
} else {
  const r = spawnSync(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", main, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
}
