// `switchyard version` and `--help` must answer at once: they load only the
// CLI's entry point and what they print, never the translator, the xDS server
// or the Kubernetes client (which together take seconds to load). This checks
// the module graph, not the clock.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "switchyard-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in its own process; returns what it printed and every module URL it loaded. */
function loadsOf(args: string[]): { status: number | null; stdout: string; loaded: string[] } {
  const file = join(dir, `${args.join("_") || "none"}.txt`);
  const r = spawnSync(process.execPath, ["--import", "./test/helpers/record-loads.ts", "src/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, SWITCHYARD_LOADS_FILE: file },
  });
  return { status: r.status, stdout: r.stdout, loaded: readFileSync(file, "utf8").split("\n").filter(Boolean) };
}

const HEAVY = [/\/src\/translator\//, /\/src\/xds\//, /\/src\/watch\//, /\/src\/controller\//, /\/src\/gen\//, /node_modules\/@kubernetes\/client-node\//, /node_modules\/@grpc\//, /node_modules\/yaml\//, /node_modules\/ajv\//];

describe("CLI start-up", () => {
  for (const args of [["version"], ["--help"], ["version", "--help"]]) {
    it(`\`switchyard ${args.join(" ")}\` loads no translator, xDS, source or Kubernetes client module`, () => {
      const { status, stdout, loaded } = loadsOf(args);
      expect(status).toBe(0);
      expect(stdout.length).toBeGreaterThan(0);
      // The hook saw the entry point, so an empty list cannot pass by accident.
      expect(loaded.some((u) => u.endsWith("/src/cli/main.ts"))).toBe(true);
      expect(loaded.filter((u) => HEAVY.some((re) => re.test(u)))).toEqual([]);
    });
  }

  it("the recorder sees what `translate` loads (the check above can fail)", () => {
    const { loaded } = loadsOf(["translate", "--help"]);
    expect(loaded.some((u) => /\/src\/translator\//.test(u))).toBe(true);
  });
});
