// The commands that read a running control plane (status, proxy-status, explain, config) against
// the realistic plane of the UI tests, and the one-line usage errors of every command.
import { createServer, type AddressInfo } from "node:net";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUiWorld, type UiWorld } from "../admin/ui-world.ts";
import { runCli } from "../helpers/cli.ts";

let world: UiWorld;
const run = (argv: string[]) => runCli([...argv, "--admin", world.adminUrl]);

beforeAll(async () => {
  world = await startUiWorld();
}, 60_000);
afterAll(() => world?.close());

describe("switchyard status", () => {
  it("shows Gateways and routes with their conditions, and every problem, without saying ready", async () => {
    const r = await run(["status"]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe(`${world.adminUrl}: serving, 6 problems`);
    expect(lines.find((l) => l.startsWith("default/eg "))).toMatch(/^default\/eg\s+True\s+False\s+http\(1\),https\(2\)\s+0\/1 synced/);
    expect(lines.find((l) => l.startsWith("ops/internal "))).toMatch(/True\s+True\s+http\(1\)\s+1\/1 synced/);
    expect(lines.find((l) => l.startsWith("HTTPRoute ops/dashboard"))).toMatch(/ops\/internal\s+True\s+False\s+BackendNotFound: Service ops\/ghost does not exist$/);
    expect(r.out).toContain("Problems (6):");
    expect(r.out).toMatch(/config\s+\S*broken\.yaml/);
  });

  it("prints the same as JSON and YAML", async () => {
    const json = JSON.parse((await run(["status", "-o", "json"])).out) as { ready: boolean; problems: unknown[] };
    expect(json.ready).toBe(true);
    expect(json.problems).toHaveLength(6);
    expect(parseYaml((await run(["status", "-o", "yaml"])).out)).toEqual(json);
  });
});

describe("switchyard proxy-status", () => {
  it("shows SYNCED / NACKED per type with the NACK message and the synced snapshot version", async () => {
    const r = await run(["proxy-status"]);
    expect(r.code).toBe(0);
    const [head, eg, internal] = r.out.split("\n");
    expect(head).toMatch(/^PROXY\s+GATEWAY\s+CDS\s+LDS\s+EDS\s+RDS\s+SDS\s+SYNCED VERSION\s+SNAPSHOT\s+PROTOCOL$/);
    expect(eg).toMatch(/^envoy-eg-7d9f\s+default\/eg\s+SYNCED\s+NACKED\s+SYNCED\s+SYNCED\s+SYNCED\s+-\s/);
    const version = world.plane.cache.getSnapshot("ops/internal")!.version.slice(0, 10);
    expect(internal).toMatch(new RegExp(`^envoy-internal-5c2a\\s+ops/internal\\s+SYNCED\\s+SYNCED\\s+SYNCED\\s+SYNCED\\s+-\\s+${version.replace(/[-]/g, "\\-")}\\s+${version.replace(/[-]/g, "\\-")}\\s+sotw$`));
    expect(r.out).toContain("envoy-eg-7d9f rejected LDS version");
    expect(r.out).toContain("Invalid path: /etc/envoy/missing.pem");
  });
});

describe("switchyard explain", () => {
  it("answers why Host shop.example.com /shop reaches shop-v2: rule 0 of HTTPRoute default/shop sends it 20%", async () => {
    const r = await run(["explain", "--gateway", "default/eg", "-H", "Host: shop.example.com", "/shop"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/route\s+httproute\/default\/shop\/rule\/0\/match\/0 {2}\(HTTPRoute default\/shop rule 0 match 0\)/);
    expect(r.out).toContain("the route sends 20% of requests (weight 20 of 100) to it");
    expect(r.out).toContain("=> split: 80% Service default/shop-v1 port 8080, 20% Service default/shop-v2 port 8080");
  });

  it("takes a URL (host, port, https SNI) and says why nothing matched", async () => {
    const r = await run(["explain", "--gateway", "default/eg", "-X", "POST", "https://api.example.com:8443/v2/items", "-o", "json"]);
    const res = JSON.parse(r.out) as { request: Record<string, unknown>; outcome: { kind: string; status: number }; steps: { stage: string; rejected?: { reason: string }[] }[] };
    expect(res.request).toMatchObject({ host: "api.example.com:8443", port: 8443, sni: "api.example.com", method: "POST", path: "/v2/items" });
    expect(res.outcome).toMatchObject({ kind: "direct-response", status: 404 });
    expect(res.steps.find((s) => s.stage === "route")?.rejected?.[0]?.reason).toBe("path /v2/items is not /v1 nor under /v1/");
  });

  it("fails in one line for a Gateway that has no snapshot", async () => {
    const r = await run(["explain", "--gateway", "default/nope", "/"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("switchyard explain: no snapshot for Gateway default/nope; /api/snapshots lists them\n");
  });
});

describe("switchyard config", () => {
  it("shows routes in Envoy's order with the rule behind each, and listeners with their SNI", async () => {
    const routes = (await run(["config", "default/eg", "routes"])).out;
    expect(routes).toMatch(/default\/eg\/http\/shop\.example\.com\s+shop\.example\.com\s+1\s+path \/shop\[\/…\]\s+split\s+service\/default\/shop-v1\/8080=80 service\/default\/shop-v2\/8080=20\s+HTTPRoute default\/shop rule 0 match 0/);
    const listeners = (await run(["config", "default/eg", "listeners"])).out;
    expect(listeners).toMatch(/default\/eg\/https\s+8443\/TCP\s+default\/eg\/https\s+SNI \*\.example\.com\s+HTTP -> default\/eg\/https/);
    expect((await run(["config", "ops/internal", "endpoints"])).out).toMatch(/service\/ops\/grafana\/3000\s+10\.244\.1\.5:3000\s+HEALTHY/);
  });

  it("prints the xDS resources themselves with -o json, private keys redacted", async () => {
    const clusters = JSON.parse((await run(["config", "default/eg", "clusters", "-o", "json"])).out) as { name: string }[];
    expect(clusters.map((c) => c.name)).toEqual(["service/default/shop-v1/8080", "service/default/shop-v2/8080"]);
    const secrets = (await run(["config", "default/eg", "secrets", "-o", "json"])).out;
    expect(secrets).toContain("[redacted]");
    expect(secrets).not.toContain("PRIVATE KEY");
  });
});

describe("usage errors", () => {
  it("exit 2 with one line that names the help to read, for every command", async () => {
    const cases = [
      ["version", "--bogus"],
      ["serve", "--log-level", "bogus"],
      ["serve", "--log-format", "xml"],
      ["certgen"],
      ["certgen", "--gateway", "nope", "--out-dir", "/tmp/x"],
      ["status", "-o", "xml"],
      ["proxy-status", "extra"],
      ["explain", "/shop"],
      ["explain", "--gateway", "default/eg", "shop"],
      ["config", "default/eg"],
      ["config", "eg", "routes"],
      ["frobnicate"],
    ];
    for (const argv of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err, argv.join(" ")).toMatch(/^switchyard[^\n]*\(see 'switchyard( [a-z-]+)? --help'\)\n$/);
    }
  });

  it("an unreachable admin server is one line, exit 1, saying how to point at one", async () => {
    // A port that was free a moment ago: nothing listens there.
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((resolve) => srv.close(resolve));
    const r = await runCli(["status", "--admin", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^switchyard status: cannot reach the admin server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is `switchyard serve` running\? Pass --admin URL or set SWITCHYARD_ADMIN\n$/);
  });

  it("version --types lists the kinds the file source reads (the schema errors point to it)", async () => {
    const r = await runCli(["version", "--types"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual(expect.arrayContaining(["gateway.networking.k8s.io/v1/HTTPRoute", "v1/Service"]));
  });
});
