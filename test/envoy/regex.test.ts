// Regexes against the real Envoy: the program-size estimate is an upper bound of what Envoy's
// RE2 reports, every pattern the checker accepts loads, the bootstrap's limit is the one Envoy
// enforces, and translated snapshots of refused regexes load (the refused ones never got in).
import fc from "fast-check";
import { expect, it } from "vitest";
import { RE2_MAX_PROGRAM_SIZE } from "../../src/api/re2-limits.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { checkRe2 } from "../../src/translator/resolve/re2-check.ts";
import { estimateProgramSizes } from "../../src/translator/resolve/re2-size.ts";
import { translate } from "../../src/translator/translate.ts";
import { loadResourceSet } from "../translator/load.ts";
import { BAD, BASE, GOOD_MATCH, route } from "../translator/regex-cases.ts";
import { describeEnvoy } from "./peer.ts";
import { envoyProgramSizes } from "./re2-sizes.ts";
import { hostileRegex } from "./re2-hostile.ts";
import { meshAsSocketListeners, staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

/** Patterns whose C++ size differs most from re2js's: classes, Unicode, case folding, many ranges. */
const CURATED = [
  "/x{1000}", ".", ".{1000}", "\\W{200}", "\\p{L}{100}", "[^/]", "(?i)[[:word:]]{50}", "é", "(?i)é{10}", "€{100}",
  "(?i)\\pL{100}", "[\\p{L}\\p{N}]{100}", "\\PL{200}", "\\p{^Lu}{300}", "(?i)\\p{Lu}{100}", "\\pN{100}", "\\p{Latin}{100}", "\\p{Common}{100}",
  "(?i)[a-z0-9]{300}", "(?i)(?:é|ß|k|s){200}", "[^\\x00-\\x08]{500}", "(?s).{1000}", "\\S{300}", "[[:^alpha:]]{300}",
  `[${Array.from({ length: 128 }, (_, i) => `\\x${(i * 2).toString(16).padStart(2, "0")}`).join("")}]{20}`,
  `(?i)[${Array.from({ length: 40 }, (_, i) => String.fromCharCode(0x21 + i * 2)).join("").replace(/[\]\\^-]/g, "\\$&")}]{50}`,
  "(a*){1000}", "(a+){1000}", "(?:a+|b+|c+|d+){100}", "((a{10}){10}){10}", "(?:x?y?z?){300}", "(?:(?:a|bc)+|(?:d|ef)+){100}",
  "^/api/v[0-9]+/users/[^/]+/orders/[0-9a-f]{8}-[0-9a-f]{4}$", "(?i)^/(en|de|fr)/.*\\.(png|jpe?g|gif)$",
  "\\b{500}", "${961}", "(?:\\A|\\z){300}", "(?U)(a+b*){200}", "(?m)^a$", "\\Q.*+?\\E{100}",
];

function sampled(): string[] {
  const all = [...new Set(fc.sample(hostileRegex, { numRuns: 1500, seed: 20261201 }))];
  return all.filter((p) => checkRe2(p, Number.MAX_SAFE_INTEGER).ok);
}

describeEnvoy("regexes in the real Envoy", (envoy) => {
  it("the estimate is never below Envoy's own program size, and every accepted pattern loads", { timeout: 120_000 }, () => {
    const patterns = [...new Set([...CURATED, ...sampled()])];
    expect(patterns.length).toBeGreaterThan(300);
    const under: string[] = [];
    for (let i = 0; i < patterns.length; i += 150) {
      const batch = patterns.slice(i, i + 150);
      const sizes = envoyProgramSizes(envoy, batch); // throws if Envoy refuses any of them
      for (const p of batch) {
        const real = sizes.get(p);
        // The Latin-1 figure is what this Envoy computes; the estimate used is the larger UTF-8 one.
        const est = estimateProgramSizes(p).latin1;
        // Envoy logs only sizes over 1; a pattern that matches nothing compiles to 1 or less.
        if (real !== undefined && est < real) under.push(`${JSON.stringify(p)}: estimate ${est} < Envoy ${real}`);
      }
    }
    expect(under).toEqual([]);
  });

  it("Envoy's limit is the bootstrap's: the largest accepted pattern loads, one instruction more does not", { timeout: 60_000 }, async () => {
    const at = `${"x{1000}".repeat(4)}x{92}`;
    expect(checkRe2(at)).toEqual({ ok: true, programSize: RE2_MAX_PROGRAM_SIZE });
    const r = translate(loadResourceSet(BASE + route("HTTPRoute", "big", `[{path: {type: RegularExpression, value: '${at}'}}]`)), { controllerName: DEFAULT_CONTROLLER_NAME });
    const gw = r.gateways.find((g) => g.key === "default/gw");
    const json = resourcesToJson(gw!.resources);
    expect(JSON.stringify(json.route)).toContain(at);
    const over = JSON.parse(JSON.stringify(json).replace(at, `${at}x`)) as typeof json;
    const [ok, bad] = await validateConfigs(envoy, [
      { name: "at the limit", config: staticConfig(json, "default/gw") },
      { name: "one over", config: staticConfig(over, "default/gw") },
    ]);
    expect(ok?.reason).toBe("");
    expect(bad?.ok).toBe(false);
    expect(bad?.reason).toContain(`RE2 program size of ${RE2_MAX_PROGRAM_SIZE + 1} > max program size of ${RE2_MAX_PROGRAM_SIZE}`);
  });

  it("translated snapshots of routes with refused regexes load, for Gateways and the mesh", { timeout: 60_000 }, async () => {
    const svc = "{group: '', kind: Service, name: b, port: 9000}";
    const yaml =
      BASE +
      BAD.map((b, i) => route(b.kind, `bad-${i}`, b.matches) + route(b.kind, `bad-mesh-${i}`, b.matches, svc)).join("") +
      (["HTTPRoute", "GRPCRoute"] as const).map((k) => route(k, `good-${k.toLowerCase()}`, GOOD_MATCH[k]) + route(k, `good-mesh-${k.toLowerCase()}`, GOOD_MATCH[k], svc)).join("");
    const r = translate(loadResourceSet(yaml), { controllerName: DEFAULT_CONTROLLER_NAME });
    const gw = r.gateways.find((g) => g.key === "default/gw");
    expect(gw && r.mesh).toBeTruthy();
    const results = await validateConfigs(envoy, [
      { name: "gateway", config: staticConfig(resourcesToJson(gw!.resources), "default/gw") },
      { name: "mesh", config: staticConfig(meshAsSocketListeners(resourcesToJson(r.mesh!)), "mesh/mesh") },
    ]);
    expect(results.filter((x) => !x.ok).map((x) => `${x.name}: ${x.reason}`)).toEqual([]);
    // Without the check these inputs reach Envoy and it refuses them: the test can fail.
    const raw = BAD.filter((b) => b.kind === "HTTPRoute" && b.matches.includes("path:")).map((b) => /value: '([^']*)'/.exec(b.matches)?.[1] ?? "");
    const json = resourcesToJson(gw!.resources);
    const smuggled = JSON.parse(JSON.stringify(json).replace('"/ok/[^/]+"', JSON.stringify(raw[0]))) as typeof json;
    const [refused] = await validateConfigs(envoy, [{ name: "smuggled", config: staticConfig(smuggled, "default/gw") }]);
    expect(refused?.ok).toBe(false);
  });
});
