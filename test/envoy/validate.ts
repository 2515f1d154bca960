// `envoy --mode validate` over many static configs, two processes at a time (the machine has 2 cores).
// Each check takes ~0.2 s; a config that fails comes back with Envoy's own reason.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";

export interface ValidateResult {
  name: string;
  ok: boolean;
  /** Envoy's output when it refused the config. */
  reason: string;
}

function runOne(envoy: string, file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(envoy, ["--mode", "validate", "-c", file, "-l", "error", "--log-format", "%v"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => resolve({ code, out }));
  });
}

export async function validateConfigs(envoy: string, configs: { name: string; config: JsonObject }[], parallel = 2): Promise<ValidateResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "envoy-validate-"));
  try {
    const results: ValidateResult[] = new Array(configs.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < configs.length; i = next++) {
        const c = configs[i]!;
        const file = join(dir, `${i}.json`);
        writeFileSync(file, JSON.stringify(c.config));
        const { code, out } = await runOne(envoy, file);
        const ok = code === 0 && out.includes("OK");
        results[i] = { name: c.name, ok, reason: ok ? "" : out.trim().split("\n").slice(-3).join("\n") };
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, configs.length) }, worker));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
