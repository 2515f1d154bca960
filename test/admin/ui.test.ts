// The admin web UI in a real headless Chromium (Debian's; playwright-core ships none), clicked
// through every view on a realistic control plane (test/admin/ui-world.ts). Screenshots of each
// view go to test-output/ui/ for review; UPDATE_SCREENSHOTS=1 also refreshes the README's.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUiWorld, type UiWorld } from "./ui-world.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const OUT = join(import.meta.dirname, "../../test-output/ui");
const README_IMG = join(import.meta.dirname, "../../docs/img");

let world: UiWorld;
let browser: Browser | undefined;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  world = await startUiWorld();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** Waits until the view has rendered at least `after` times (each render bumps the counter). */
async function rendered(after = 0): Promise<number> {
  const handle = await page.waitForFunction(`Number(document.querySelector("#main")?.dataset.rendered ?? 0) > ${after} && Number(document.querySelector("#main").dataset.rendered)`);
  return Number(await handle.jsonValue());
}
const renders = async () => Number((await page.locator("#main").getAttribute("data-rendered")) ?? 0);

async function shot(name: string, readme?: string): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (readme && process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(README_IMG, { recursive: true });
    copyFileSync(file, join(README_IMG, readme));
  }
}

/** Clicks a link or button and waits for the view it leads to. */
async function click(locator: ReturnType<Page["locator"]>): Promise<void> {
  const before = await renders();
  await locator.click();
  await rendered(before);
}

describe.skipIf(!haveChromium)(`admin web UI${haveChromium ? "" : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  it("overview: lists both Gateways and the routes with coloured conditions, and does not say ready while problems are listed", { timeout: 30_000 }, async () => {
    await page.goto(`${world.adminUrl}/`);
    await rendered();
    const health = page.locator("#health");
    expect(await health.textContent()).toBe("serving, 6 problems");
    expect(await health.getAttribute("class")).toContain("warn");
    const rows = page.locator("main table").first().locator("tbody tr");
    expect(await rows.locator("td:first-child").allTextContents()).toEqual(["default/eg", "ops/internal"]);
    // A False condition is red, with its reason and message next to it.
    const dashboard = page.locator("tr", { hasText: "ops/dashboard" });
    expect(await dashboard.locator(".chip.bad").textContent()).toBe("ResolvedRefs=False");
    expect(await dashboard.textContent()).toContain("BackendNotFound: Service ops/ghost does not exist");
    expect(await page.locator("tr", { hasText: "default/api" }).locator(".chip.bad").textContent()).toBe("PartiallyInvalid");
    expect(await page.locator('.chip[title="envoy-eg-7d9f"]').textContent()).toBe("envoy-eg-7d9f: NACKED");
    expect(await page.locator('.chip[title="envoy-eg-7d9f"]').getAttribute("class")).toContain("bad");
    expect(await page.locator('.chip[title="envoy-internal-5c2a"]').getAttribute("class")).toContain("ok");
    await shot("1-overview");
  });

  it("gateway: listeners -> virtual hosts -> routes -> clusters -> endpoints by clicking, raw JSON one click away, secrets redacted", { timeout: 30_000 }, async () => {
    await click(page.getByRole("link", { name: "default/eg", exact: true }).first());
    expect(await page.locator("h1").textContent()).toContain("default/eg");
    const https = page.locator("tr.sub", { hasText: "default/eg/https" });
    expect(await https.textContent()).toContain("SNI *.example.com");
    expect(await https.locator(".chip.bad").textContent()).toBe("Programmed=False");
    await shot("2-gateway-listeners");

    await click(page.getByRole("link", { name: "HTTP → default/eg/http", exact: true }));
    expect(await page.locator(".filter").textContent()).toContain("default/eg/http");
    const split = page.locator("tr.sub", { hasText: "HTTPRoute default/shop rule 0 match 0" });
    expect(await split.textContent()).toContain("split");
    expect(await split.textContent()).toContain("weight 20");
    await shot("3-gateway-routes");

    await click(split.getByRole("link", { name: "service/default/shop-v2/8080" }));
    expect(await page.locator("tr.hl td").first().textContent()).toBe("service/default/shop-v2/8080");
    expect(await page.locator("tr.hl").textContent()).toContain("Service default/shop-v2 port 8080");
    await shot("4-gateway-clusters");

    await click(page.locator("tr.hl").getByRole("link", { name: "1/1 healthy" }));
    expect(await page.locator("main tbody tr td:nth-child(2)").allTextContents()).toEqual(["10.244.0.21:3000"]);
    await page.locator("main tbody tr").first().getByRole("button", { name: "{ }" }).click();
    expect(await page.locator("#drawer-title").textContent()).toBe("endpoints service/default/shop-v2/8080");
    expect(await page.locator("#drawer-body").textContent()).toContain('"clusterName": "service/default/shop-v2/8080"');
    await shot("5-gateway-endpoints-json");
    await page.locator("#drawer-close").click();

    await page.getByRole("button", { name: "raw snapshot" }).click();
    const raw = (await page.locator("#drawer-body").textContent()) ?? "";
    expect(raw).toContain('"name": "secret/default/shop-cert"');
    expect(raw).toContain("[redacted]");
    expect(raw).not.toContain("PRIVATE KEY");
    await page.locator("#drawer-close").click();
  });

  it("problems: the broken file, every False condition with reason and message, and the NACK", { timeout: 30_000 }, async () => {
    await click(page.locator("header nav").getByRole("link", { name: /Problems/ }));
    const text = (await page.locator("main tbody").textContent()) ?? "";
    expect(await page.locator("main tbody tr").count()).toBe(6);
    expect(text).toContain("broken.yaml");
    expect(text).toContain("Service ops/ghost does not exist");
    expect(text).toContain('regex "/v[0-9+/items" is not valid RE2');
    expect(text).toContain("Invalid path: /etc/envoy/missing.pem");
    expect(await page.locator("main tbody .chip").allTextContents()).toEqual(["config file", "NACK", "status", "status", "status", "status"]);
    await shot("6-problems");
  });

  it("proxies: SYNCED / NACKED per type, with the NACK message and the synced snapshot version", { timeout: 30_000 }, async () => {
    await click(page.locator("header nav").getByRole("link", { name: "Proxies" }));
    const eg = page.locator("tr", { hasText: "envoy-eg-7d9f" }).first();
    expect(await eg.locator("td .chip").allTextContents()).toEqual(["SYNCED", "NACKED", "SYNCED", "SYNCED", "SYNCED", "NACKED"]);
    expect(await page.locator(".nack").textContent()).toContain("LDS NACK");
    const internal = page.locator("tr", { hasText: "envoy-internal-5c2a" });
    expect(await internal.locator("td .chip").last().textContent()).toBe("SYNCED");
    const version = world.plane.cache.getSnapshot("ops/internal")!.version;
    expect(await internal.textContent()).toContain(version.slice(0, 10));
    await shot("7-proxies");
  });

  it("explain: why Host shop.example.com /shop reaches shop-v2 (the 20% share of rule 0)", { timeout: 30_000 }, async () => {
    // From a virtual host's row, the form comes filled in: its listener's port, SNI, a host.
    await page.goto(`${world.adminUrl}/#/gateway/default/eg/routes`);
    const link = page.locator("tr", { hasText: "default/eg/https/shop.example.com" }).getByRole("link", { name: "explain a request…" });
    await link.waitFor();
    await click(link);
    expect(await page.locator("input[name=port]").inputValue()).toBe("8443");
    expect(await page.locator("input[name=sni]").inputValue()).toBe("shop.example.com");
    expect(await page.locator('.steps li[data-stage="filter chain"] .chosen').textContent()).toBe("default/eg/https");
    expect(await page.locator("#outcome").textContent()).toBe("forwarded to Service default/shop-v1 port 8080");

    await click(page.locator("header nav").getByRole("link", { name: "Explain" }));
    await page.locator("select[name=gateway]").selectOption("default/eg");
    await page.locator("input[name=host]").fill("shop.example.com");
    await page.locator("input[name=path]").fill("/shop");
    await click(page.getByRole("button", { name: "Explain", exact: true }));
    expect(await page.locator("#outcome").textContent()).toBe("split: 80% Service default/shop-v1 port 8080, 20% Service default/shop-v2 port 8080");
    const route = page.locator('.steps li[data-stage="route"]');
    expect(await route.textContent()).toContain("HTTPRoute default/shop rule 0 match 0");
    expect(await page.locator('.steps li[data-stage="cluster"]', { hasText: "service/default/shop-v2/8080" }).textContent()).toContain("20% of requests");
    await shot("8-explain", "ui-explain.png");

    await page.locator("input[name=path]").fill("/nope");
    await page.locator("input[name=host]").fill("ops.example.com");
    await click(page.getByRole("button", { name: "Explain", exact: true }));
    expect(await page.locator("#outcome").textContent()).toBe("no virtual host for ops.example.com: 404");
    expect(await page.locator(".steps li.miss details").textContent()).toContain("domains shop.example.com do not cover ops.example.com");
    await shot("9-explain-no-match");
  });

  it("updates live: fixing the broken file drops its problem without a reload", { timeout: 30_000 }, async () => {
    await click(page.locator("header nav").getByRole("link", { name: /Problems/ }));
    const seq = Number((await page.locator("body").getAttribute("data-seq")) ?? 0);
    writeFileSync(join(world.dir, "broken.yaml"), "# fixed\n");
    await world.files.reload();
    // The server says something changed; the page re-reads and re-renders by itself.
    await page.waitForFunction(`Number(document.body.dataset.seq ?? 0) > ${seq}`);
    await page.waitForFunction(`document.querySelector("#health")?.textContent === "serving, 5 problems"`);
    expect(await page.locator("main tbody").textContent()).not.toContain("broken.yaml");
    expect(await page.locator("#problem-count").textContent()).toBe("5");
    expect(errors).toEqual([]);
  });
});
