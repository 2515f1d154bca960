// Random Gateway API objects near the edges of validity (duplicate listener and header names, TLS on the
// wrong protocol, path values and types the CEL rules constrain, redirect + rewrite together, durations,
// typo'd fields), sent to a real API server (create with dryRun=All and fieldValidation=Strict, as
// `kubectl apply --dry-run=server` does) and to the file source's validator with the same CRDs; they must
// give the same verdict. The examples make sure both verdicts occur whatever the seed.
// agreementTests() registers the property for a file's server: dry-run creates store nothing, so it shares
// the server with that file's other tests without touching their objects (and saves a server start).
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { SchemaValidator } from "../../src/watch/file/schemas.ts";
import { crdDir, type CrdSet } from "./crds.ts";
import type { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
type Obj = Record<string, unknown>;

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** Mostly one of the valid values, sometimes one of the invalid ones: objects near the edge, on both sides. */
const mostly = <T>(valid: readonly T[], invalid: readonly T[]) =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
/** Drops undefined fields, so an absent option is absent in the JSON too. */
const compact = (o: Record<string, unknown>): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const certs = mostly<unknown[] | undefined>([[{ name: "cert" }], [{ name: "cert" }, { kind: "Secret", group: "", name: "cert2" }]], [[], undefined]);
/** TLS settings that mostly fit the protocol (HTTPS terminates with certificates, TLS has a mode, others none). */
const tlsFor = (protocol: string): fc.Arbitrary<Obj | undefined> => {
  const wrong = fc.constantFrom<Obj | undefined>({ mode: "Passthrough" }, { mode: "Bogus", certificateRefs: [{ name: "cert" }] }, { certificateRefs: [{ name: "cert" }] }, undefined);
  let right: fc.Arbitrary<Obj | undefined>;
  if (protocol === "HTTPS") right = fc.record({ mode: opt(fc.constant("Terminate")), certificateRefs: certs }).map(compact);
  else if (protocol === "TLS") right = fc.oneof(fc.constant({ mode: "Passthrough" }), fc.record({ mode: fc.constant("Terminate"), certificateRefs: certs }).map(compact));
  else right = fc.constant(undefined);
  return fc.oneof({ weight: 10, arbitrary: right }, { weight: 1, arbitrary: wrong });
};

const listener = fc
  .record({
    name: mostly(["a", "b", "http", "web-1"], ["Bad_Name", ""]),
    port: mostly([80, 443, 8080], [0, 65536]),
    protocol: mostly(["HTTP", "HTTPS", "TLS", "TCP", "UDP"], ["example.com/custom", "Http"]),
    hostname: opt(mostly(["example.com", "*.example.com", "a.b.example"], ["bad..host", "Upper.example.com", "10.0.0.1"])),
    allowedRoutes: opt(mostly([{ namespaces: { from: "Same" } }, { namespaces: { from: "All" } }, { kinds: [{ kind: "HTTPRoute" }] }], [{ namespaces: { from: "Elsewhere" } }, { namespaces: { from: "Selector" } }])),
    typo: mostly([undefined], ["protcol", "hostName"]),
  })
  .chain((l) => tlsFor(l.protocol).map((tls) => ({ ...l, tls })))
  .map(({ typo, ...l }) => compact({ ...l, ...(typo ? { [typo]: "HTTP" } : {}) }));

export const gatewayArb: fc.Arbitrary<Obj> = fc.array(listener, { minLength: 0, maxLength: 3 }).map((listeners) => ({
  apiVersion: G,
  kind: "Gateway",
  metadata: { name: "gw" },
  spec: { gatewayClassName: "switchyard", listeners },
}));

const match = fc
  .record({
    path: opt(fc.record({ type: mostly(["Exact", "PathPrefix", "RegularExpression"], ["Prefix"]), value: mostly(["/", "/a", "/a/b", "/a/"], ["foo", "/a//b", "/a?b", "/%2F", "/a#b"]) })),
    headers: opt(fc.array(fc.record({ name: mostly(["x-a", "x-b", "X-A"], ["bad header"]), value: fc.constant("v") }), { maxLength: 2 })),
    method: opt(mostly(["GET", "POST"], ["FETCH"])),
  })
  .map(compact);

const filter = mostly<Obj>(
  [
    { type: "RequestRedirect", requestRedirect: { statusCode: 301 } },
    { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/x" } } },
    { type: "URLRewrite", urlRewrite: { path: { type: "ReplaceFullPath", replaceFullPath: "/x" } } },
    { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-a", value: "1" }] } },
  ],
  [
    { type: "RequestRedirect", requestRedirect: { statusCode: 307 } },
    { type: "RequestHeaderModifier" },
    { type: "ResponseHeaderModifier", requestHeaderModifier: { set: [{ name: "x-a", value: "1" }] } },
    { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-a", value: "1" }, { name: "x-a", value: "2" }] } },
  ],
);

const rule = fc
  .record({
    matches: opt(fc.array(match, { maxLength: 2 })),
    filters: opt(fc.array(filter, { maxLength: 2 })),
    timeouts: opt(fc.record({ request: opt(mostly(["1s", "10ms", "0s", "1h"], ["bogus", "1d"])), backendRequest: opt(mostly(["500ms", "2s"], ["2h"])) }).map(compact)),
    backendRefs: opt(fc.array(fc.record({ name: fc.constantFrom("svc", "other"), port: mostly<number | undefined>([80, 8080], [undefined, 0]) }).map(compact), { maxLength: 2 })),
  })
  .map(compact);

export const httpRouteArb: fc.Arbitrary<Obj> = fc
  .record({
    hostnames: opt(fc.array(mostly(["example.com", "*.example.com", "a.b"], ["Bad_Host", "*"]), { maxLength: 2 })),
    parentRefs: fc.array(fc.record({ name: fc.constant("gw"), sectionName: opt(mostly(["http", "https"], [""])), port: opt(mostly([80], [0])) }).map(compact), { minLength: 1, maxLength: 2 }),
    rules: opt(fc.array(rule, { maxLength: 3 })),
  })
  .map((spec) => ({ apiVersion: G, kind: "HTTPRoute", metadata: { name: "route" }, spec: compact(spec) }));

const PLURAL: Record<string, string> = { Gateway: "gateways", HTTPRoute: "httproutes" };

export interface Verdicts {
  accepted: number;
  refused: number;
}

/**
 * Runs the property: for each object the server's verdict (2xx accept, 400/422 refuse) equals the
 * validator's. Returns how often each verdict occurred.
 */
export async function assertAgreement(server: RealApiServer, validator: SchemaValidator, namespace: string, arb: fc.Arbitrary<Obj>, examples: Obj[], numRuns: number): Promise<Verdicts> {
  const seen: Verdicts = { accepted: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(arb, async (obj) => {
      const kind = obj.kind as string;
      const res = await server.client.request({
        method: "POST",
        path: `/apis/${G}/namespaces/${namespace}/${PLURAL[kind]}?dryRun=All&fieldValidation=Strict`,
        body: obj,
      });
      if (![200, 201, 400, 422].includes(res.status)) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
      const serverAccepts = res.status < 300;
      const errors = validator.validate({ ...structuredClone(obj), metadata: { ...(obj.metadata as Obj), namespace } });
      const ours = errors.length === 0;
      seen[serverAccepts ? "accepted" : "refused"]++;
      const why = `server ${res.status}: ${(res.body as { message?: string })?.message ?? ""}\nfile source: ${JSON.stringify(errors)}\nobject: ${JSON.stringify(obj)}`;
      expect(ours, why).toBe(serverAccepts);
    }),
    { numRuns, examples: examples.map((e) => [e] as [Obj]) },
  );
  return seen;
}

const gw = (listeners: unknown[]): Obj => ({ apiVersion: G, kind: "Gateway", metadata: { name: "gw" }, spec: { gatewayClassName: "switchyard", listeners } });
const route = (spec: object): Obj => ({ apiVersion: G, kind: "HTTPRoute", metadata: { name: "route" }, spec: { parentRefs: [{ name: "gw" }], ...spec } });

/** The agreement property on random Gateways and HTTPRoutes, against `server()` with the CRD set `set` installed. */
export function agreementTests(server: () => RealApiServer, set: CrdSet, runs: number): void {
  const NS = "agree";
  let validator: SchemaValidator;
  beforeAll(async () => {
    // Its own namespace: dry-run creates still meet the objects that exist.
    await server().client.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } } });
    validator = new SchemaValidator({ crdDirs: [crdDir(set)] });
  });

  it(`Gateways (${set} CRDs)`, { timeout: 240_000 }, async () => {
    const seen = await assertAgreement(server(), validator, NS, gatewayArb, [
      gw([{ name: "http", port: 80, protocol: "HTTP" }]),
      gw([{ name: "a", port: 80, protocol: "HTTP" }, { name: "a", port: 81, protocol: "HTTP" }]), // duplicate listener name
      gw([{ name: "a", port: 80, protocol: "HTTP", tls: { certificateRefs: [{ name: "c" }] } }]), // tls on HTTP
    ], runs);
    console.log(`${set} Gateways: server accepted ${seen.accepted}, refused ${seen.refused}; the file source agreed on every one`);
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it(`HTTPRoutes (${set} CRDs)`, { timeout: 240_000 }, async () => {
    const seen = await assertAgreement(server(), validator, NS, httpRouteArb, [
      route({ rules: [{ matches: [{ path: { type: "PathPrefix", value: "/a" } }] }] }),
      route({ rules: [{ matches: [{ path: { type: "PathPrefix", value: "a" } }] }] }), // not starting with "/"
      route({ rules: [{ matches: [{ headers: [{ name: "x-a", value: "1" }, { name: "x-a", value: "2" }] }] }] }), // duplicate header name
    ], runs);
    console.log(`${set} HTTPRoutes: server accepted ${seen.accepted}, refused ${seen.refused}; the file source agreed on every one`);
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
}
