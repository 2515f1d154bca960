// The admin web UI in a real headless Chromium (Debian's; playwright-core ships none).
import { existsSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminServer } from "../../src/admin/server.ts";
import { emptyResources } from "../../src/api/xds.ts";
import { ListenerSchema } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);

const resources = { ...emptyResources(), listeners: [create(ListenerSchema, { name: "default/eg/http" })] };
let admin: Awaited<ReturnType<typeof startAdminServer>>;
let browser: Browser | undefined;

beforeAll(async () => {
  admin = await startAdminServer({
    host: "127.0.0.1",
    port: 0,
    registry: createRegistry(),
    logger: silentLogger(),
    state: {
      ready: () => true,
      snapshots: { keys: () => ["default/eg"], getSnapshot: () => ({ version: "abc123", resources }) },
      statuses: () => [],
      configErrors: () => [{ file: "broken.yaml", message: "YAML: unexpected end" }],
      validationFailures: () => ({}),
      nodes: () => [],
    },
  });
  if (haveChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }
});

afterAll(async () => {
  await browser?.close();
  await admin?.close();
});

describe.skipIf(!haveChromium)(`admin web UI${haveChromium ? "" : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  it("lists Gateways, shows a Gateway's resources on click, and shows config errors", async () => {
    const page = await browser!.newPage();
    await page.goto(`http://127.0.0.1:${admin.port}/`);
    const gw = page.getByRole("button", { name: /default\/eg \(1\)/ });
    await gw.click();
    await expect.poll(() => page.locator("#title").textContent()).toBe("Gateway default/eg @ abc123");
    expect(await page.locator("#body").textContent()).toContain('"name": "default/eg/http"');
    await page.getByRole("button", { name: "Config errors" }).click();
    await expect.poll(() => page.locator("#body").textContent()).toContain("broken.yaml");
    expect(await page.locator("#ready").textContent()).toBe("ready");
  });
});
