// Requests through the real Envoy of Gateway e2e/eg. Start e2e/kind-up.sh, then
// the port-forward that kind-up.sh prints, and `npm run e2e`.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const base = process.env.E2E_URL ?? "http://127.0.0.1:8080";

async function backendOf(path: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(base + path, { headers });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { pod: string };
  return body.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, "");
}

/** Polls until `check` passes: xDS pushes reach Envoy asynchronously. */
async function eventually(check: () => Promise<void>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe("HTTP through Envoy", () => {
  it("routes by header", async () => {
    expect(await backendOf("/", { "x-version": "v2" })).toBe("echo-v2");
    expect(await backendOf("/")).toBe("echo-v1");
  });

  it("splits /split 80/20 (400 requests, 4-sigma bounds)", async () => {
    let v2 = 0;
    for (let i = 0; i < 400; i++) if ((await backendOf("/split")) === "echo-v2") v2++;
    // Binomial(400, 0.2): mean 80, sigma 8.
    expect(v2).toBeGreaterThan(48);
    expect(v2).toBeLessThan(112);
  });

  it("redirects /old to /new with 301", async () => {
    const res = await fetch(base + "/old/x", { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toMatch(/\/new\/x$/);
  });

  it("picks up a route change", async () => {
    execFileSync("kubectl", ["-n", "e2e", "patch", "httproute", "echo", "--type=json", "-p",
      JSON.stringify([{ op: "replace", path: "/spec/rules/3/backendRefs/0/name", value: "echo-v2" }])]);
    try {
      await eventually(async () => expect(await backendOf("/")).toBe("echo-v2"));
    } finally {
      execFileSync("kubectl", ["-n", "e2e", "patch", "httproute", "echo", "--type=json", "-p",
        JSON.stringify([{ op: "replace", path: "/spec/rules/3/backendRefs/0/name", value: "echo-v1" }])]);
    }
  });
});
