// `switchyard serve` with a --dir it cannot use: one line on stderr naming the
// directory, exit 1, and no port opened.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function serve(dir: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["src/cli/main.ts", "serve", "--dir", dir, "--xds-port", "0", "--admin-port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => void (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => void (err += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out, err })));
}

describe("switchyard serve --dir that cannot be read", () => {
  it("exits 1 with one line naming a missing directory", async () => {
    const r = await serve("/does/not/exist");
    expect(r.code).toBe(1);
    expect(r.err).toBe("switchyard serve: cannot start: config directory /does/not/exist does not exist\n");
    expect(r.out).not.toContain("listening");
  });

  it("exits 1 when --dir is a file", async () => {
    const r = await serve("examples/gateway.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toBe("switchyard serve: cannot start: config directory examples/gateway.yaml is not a directory\n");
  });

  // root reads any directory, whatever its mode.
  it.skipIf(process.getuid?.() === 0)("exits 1 when the directory is unreadable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-unreadable-"));
    chmodSync(dir, 0);
    try {
      const r = await serve(dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`switchyard serve: cannot start: config directory ${dir} is not readable (permission denied)\n`);
    } finally {
      chmodSync(dir, 0o700);
      rmSync(dir, { recursive: true });
    }
  });
});
