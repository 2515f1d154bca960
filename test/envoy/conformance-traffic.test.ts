// The traffic assertions of the upstream conformance tests (conformance-cases.ts), carried by real
// Envoys: one `switchyard serve` on the base manifests, an Envoy per base Gateway, and per test its
// manifest applied, its requests sent and compared, and the manifest deleted again. A test's own
// Gateways get an Envoy for as long as the test runs.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { compare, send, uniquePath, websocketEcho } from "./conformance-check.ts";
import { TESTS, type Case, type ConformanceTest, type Distribution } from "./conformance-cases.ts";
import { ConformanceWorld, idOf, readable, testManifest, toYaml } from "./conformance-world.ts";
import { explainDisagrees, type ExplainTally } from "./explain-check.ts";
import { DataPlane, until } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";

const INFRA = "gateway-conformance-infra";
const BASE_GATEWAYS = ["same-namespace", "same-namespace-with-https-listener", "all-namespaces", "backend-namespaces"].map((n) => `${INFRA}/${n}`);
const key = (gateway: string) => `${INFRA}/${gateway}`;

interface Outcome {
  test: string;
  manifest: string;
  cases: number;
  failures: string[];
  ms: number;
}

describeEnvoy("Gateway API conformance traffic through a real Envoy", (envoy) => {
  let world: ConformanceWorld;
  let dp: DataPlane;
  const outcomes: Outcome[] = [];
  const started = Date.now();
  const explained: ExplainTally = { agreed: 0, checked: 0 };

  beforeAll(async () => {
    world = await ConformanceWorld.start();
    dp = await DataPlane.start(envoy, { files: world.baseFiles, gateways: BASE_GATEWAYS });
  }, 120_000);

  afterAll(async () => {
    await dp?.stop();
    await world?.close();
    const lines = outcomes.map((o) => `${o.failures.length === 0 ? "pass" : "FAIL"}  ${o.test} (${o.manifest}, ${o.cases} requests, ${o.ms} ms)${o.failures.length ? `\n        ${o.failures.slice(0, 4).join("\n        ")}` : ""}`);
    const passed = outcomes.filter((o) => o.failures.length === 0).length;
    console.log(`conformance traffic: ${passed}/${outcomes.length} manifests pass through a real Envoy, ${Math.round((Date.now() - started) / 1000)} s; explain agreed with Envoy on ${explained.agreed}/${explained.checked} requests\n${lines.join("\n")}`);
  });

  /** Status entries of these objects, as JSON: switchyard publishes them after the snapshots. */
  const statusOf = async (objs: K8sObject[]): Promise<string> => {
    const ids = new Set(objs.map(idOf));
    const all = (await dp.admin("/api/status")).body as { kind: string; target: { namespace?: string; name: string } }[];
    return JSON.stringify(all.filter((s) => ids.has(`${s.kind}/${s.target.namespace ?? ""}/${s.target.name}`)));
  };
  const owned = (objs: K8sObject[]) => objs.filter((o) => o.kind === "Gateway" || o.kind.endsWith("Route"));
  const count = async (objs: K8sObject[]) => (JSON.parse(await statusOf(objs)) as unknown[]).length;

  /**
   * Writes a manifest (or, with `remove`, deletes it) and waits until switchyard has translated it
   * and every Envoy has ACKed. A changed manifest goes to a new file name, the old one deleted in the
   * same tick: the watcher reports a file renamed over another one late or not at all.
   */
  async function apply(files: Record<string, string | null>, watchedObjs: K8sObject[], wait: "present" | "changed" | "gone"): Promise<void> {
    const watched = owned(watchedObjs);
    const before = await statusOf(watched);
    dp.writeFiles(files);
    await until(`switchyard to translate ${Object.keys(files).join(", ")}`, async () => {
      const n = await count(watched);
      if (wait === "present") return n === watched.length ? true : undefined;
      if (wait === "gone") return n === 0 ? true : undefined;
      return (await statusOf(watched)) !== before ? true : undefined;
    });
    await dp.waitAllSynced();
  }

  async function runCases(t: ConformanceTest, cases: Case[], failures: string[]): Promise<void> {
    for (const [i, c] of cases.entries()) {
      const gw = key(c.req.gateway ?? t.gateway);
      const label = `#${i} ${c.req.method ?? "GET"} ${c.req.host ?? ""}${c.req.path}${c.req.headers ? ` ${JSON.stringify(c.req.headers)}` : ""}`;
      try {
        const req = c.want.mirroredTo ? { ...c.req, path: uniquePath(c.req.path) } : c.req;
        const { path, res } = await send(dp, gw, req, "");
        const errs = compare(req, path, res, c.want);
        // Explain must predict what this Envoy did with the same request.
        const disagreement = await explainDisagrees(dp, world, gw, req, path, res, explained);
        if (disagreement) errs.push(disagreement);
        for (const m of c.want.mirroredTo ?? []) {
          const echo = world.echo(INFRA, m);
          const seen = await until(`${m} to get a mirror of ${path}`, async () => echo.seen.find((s) => s.path === path), 5_000).catch(() => undefined);
          if (!seen) errs.push(`no mirror of the request reached ${m}`);
          else for (const [k, v] of Object.entries(c.want.request?.headers ?? {})) if (seen.headers[k.toLowerCase()]?.split(/,\s*/).join(",") !== v) errs.push(`mirror ${m} saw ${k}: ${seen.headers[k.toLowerCase()]}, want ${v}`);
        }
        for (const e of errs) failures.push(`${label}: ${e}`);
      } catch (err) {
        failures.push(`${label}: ${String(err)}`);
      }
    }
  }

  /** Active requests of the Envoy's cluster for a Service: 0 once every mirror has completed. */
  async function mirrorsSettled(gw: string, service: string): Promise<true | undefined> {
    const stats = (await dp.envoyAdmin(gw, `/stats?format=json&filter=${encodeURIComponent(`^cluster\\.service/${INFRA}/${service}/8080\\.upstream_rq_active$`)}`)).body as { stats?: { value?: number }[] };
    return (stats.stats ?? []).every((s) => (s.value ?? 0) === 0) ? true : undefined;
  }

  async function runDistribution(t: ConformanceTest, d: Distribution, failures: string[]): Promise<void> {
    const gw = key(d.req.gateway ?? t.gateway);
    const counts: Record<string, number> = {};
    const paths: string[] = [];
    for (let i = 0; i < d.requests; i++) {
      const req = { ...d.req, path: uniquePath(d.req.path) };
      const { path, res } = await send(dp, gw, req, "");
      paths.push(path);
      const who = res.echo?.service ?? `status ${res.status}`;
      counts[who] = (counts[who] ?? 0) + 1;
      if (d.backendHeaderNamesAnswer && res.echo && !res.echo.service.startsWith(res.echo.headers["backend"] ?? "(none)")) {
        failures.push(`request ${i}: the backend header says ${res.echo.headers["backend"]}, ${res.echo.service} answered`);
        return;
      }
    }
    // 4 standard deviations of Binomial(n, p): a correct split misses it less than once in 10,000 runs.
    const band = (p: number) => [d.requests * p - 4 * Math.sqrt(d.requests * p * (1 - p)), d.requests * p + 4 * Math.sqrt(d.requests * p * (1 - p))];
    for (const [who, p] of Object.entries(d.weights ?? {})) {
      const [lo, hi] = band(p);
      const n = counts[who] ?? 0;
      if (n < lo! || n > hi!) failures.push(`${who} answered ${n} of ${d.requests}, want ${p * 100}% (${Math.ceil(lo!)}..${Math.floor(hi!)}); all: ${JSON.stringify(counts)}`);
    }
    for (const [who, p] of Object.entries(d.mirrorShare ?? {})) {
      await until(`mirrors to ${who} to complete`, () => mirrorsSettled(gw, who));
      const sent = new Set(paths);
      const n = world.echo(INFRA, who).seen.filter((s) => sent.has(s.path)).length;
      const [lo, hi] = band(p);
      if (n < lo! || n > hi!) failures.push(`${who} got ${n} mirrors of ${d.requests} requests, want ${p * 100}% (${Math.ceil(lo!)}..${Math.floor(hi!)})`);
    }
  }

  for (const t of TESTS) {
    const run = t.fails ? it.fails : it;
    run(`${t.name} (${t.manifest})${t.fails ? ` — known failure: ${t.fails}` : ""}`, { timeout: 120_000 }, async () => {
      const t0 = Date.now();
      let file = `tests/${t.manifest}`;
      const objs = world.withEndpoints(readable(testManifest(t.manifest)));
      const ownGateways = objs.filter((o) => o.kind === "Gateway").map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      const failures: string[] = [];
      let requests = t.cases.length;
      try {
        await apply({ [file]: toYaml(objs) }, objs, "present");
        for (const g of ownGateways) await dp.addGateway(g);
        await runCases(t, t.cases, failures);
        if (t.websocket) {
          requests += 1;
          const w = t.websocket;
          const got = await websocketEcho(dp.proxy(key(t.gateway)).addr, 80, w.path, w.text).catch((err: unknown) => `error: ${String(err)}`);
          const want = `${w.backend}-0:${w.text}`;
          if (got !== want) failures.push(`WebSocket ${w.path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        }
        for (const d of t.distributions ?? []) {
          requests += d.requests;
          await runDistribution(t, d, failures);
        }
        if (t.then) {
          const gone = new Set(t.then.remove);
          const next = file.replace(/\.yaml$/, ".then.yaml");
          await apply({ [next]: toYaml(objs.filter((o) => !gone.has(idOf(o)))), [file]: null }, objs, "changed");
          file = next;
          requests += t.then.cases.length;
          await runCases(t, t.then.cases, failures);
        }
      } finally {
        // The test's Envoys go first: a Gateway that is deleted has no snapshot left to ACK.
        for (const g of ownGateways) await dp.removeGateway(g);
        await apply({ [file]: null }, objs, "gone");
        outcomes.push({ test: t.name, manifest: t.manifest, cases: requests, failures, ms: Date.now() - t0 });
      }
      expect(failures).toEqual([]);
    });
  }
});
