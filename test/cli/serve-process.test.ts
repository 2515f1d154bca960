// The real `switchyard serve` process, as `npm start` runs it, on ephemeral ports.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

describe("switchyard serve (process)", () => {
  it("logs its ports, becomes ready, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["src/cli/main.ts", "serve", "--dir", "examples", "--xds-port", "0", "--admin-port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const lines = createInterface({ input: child.stdout });
    let serving: { xdsPort: number; adminPort: number } | undefined;
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg: string; xdsPort: number; adminPort: number };
      if (entry.msg === "switchyard is serving") {
        serving = entry;
        break;
      }
    }
    expect(serving?.xdsPort).toBeGreaterThan(0);
    const ready = await fetch(`http://127.0.0.1:${serving!.adminPort}/readyz`);
    expect(ready.status).toBe(200);
    const snaps = (await (await fetch(`http://127.0.0.1:${serving!.adminPort}/api/snapshots`)).json()) as { key: string }[];
    expect(snaps.map((s) => s.key)).toEqual(["default/eg"]);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
