// Envoy's side of test/translator/tls-envoy-cases.ts: each certificate, put in a
// bare DownstreamTlsContext and UpstreamTlsContext, is loaded or refused by a real
// Envoy exactly as the case says; and the whole translation of a Gateway that
// uses it (refused listener left out, or certificate served) passes validation.
import type { JsonObject } from "@bufbuild/protobuf";
import { beforeAll, expect, it } from "vitest";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { issueLeaf } from "../fixtures/certs/issue.ts";
import { CERT_CASES } from "../translator/tls-envoy-cases.ts";
import { gateway, httpRoute, run, snapshot } from "../translator/tls-helpers.ts";
import { describeEnvoy } from "./peer.ts";
import { staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

const addr = (port: number) => ({ socketAddress: { address: "127.0.0.1", portValue: port } });
const cluster = (transportSocket?: JsonObject): JsonObject => ({
  name: "c",
  type: "STATIC",
  loadAssignment: { clusterName: "c", endpoints: [{ lbEndpoints: [{ endpoint: { address: addr(1) } }] }] },
  ...(transportSocket ? { transportSocket } : {}),
});
const tlsSocket = (type: string, context: JsonObject): JsonObject => ({
  name: "envoy.transport_sockets.tls",
  typedConfig: { "@type": `type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.${type}`, ...context },
});

function serverConfig(pem: { cert: string; key: string }): JsonObject {
  const common = { tlsCertificates: [{ certificateChain: { inlineString: pem.cert }, privateKey: { inlineString: pem.key } }] };
  const tcp = { name: "tcp", typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", statPrefix: "t", cluster: "c" } };
  const listener = { name: "l", address: addr(10443), filterChains: [{ filters: [tcp], transportSocket: tlsSocket("DownstreamTlsContext", { commonTlsContext: common }) }] };
  return { staticResources: { listeners: [listener], clusters: [cluster()] } };
}

function clientConfig(pem: { cert: string; key: string }): JsonObject {
  const common = { tlsCertificates: [{ certificateChain: { inlineString: pem.cert }, privateKey: { inlineString: pem.key } }] };
  return { staticResources: { clusters: [cluster(tlsSocket("UpstreamTlsContext", { sni: "backend.example.com", commonTlsContext: common }))] } };
}

function translated(pem: { cert: string; key: string }): JsonObject {
  const r = run(
    gateway("eg", `  - {name: case, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {certificateRefs: [{name: case}]}}
  - {name: good, port: 443, protocol: HTTPS, hostname: foo.example.com, tls: {certificateRefs: [{name: good}]}}`),
    httpRoute(8080),
    tlsSecretYaml("default", "case", pem.cert, pem.key),
    tlsSecretYaml("default", "good", PEM.rsaCert, PEM.rsaKey),
  );
  return staticConfig(resourcesToJson(snapshot(r, "default/eg")), "default/eg");
}

describeEnvoy("Envoy loads exactly the certificates the translator accepts", (envoy) => {
  const pems = new Map<string, { cert: string; key: string }>();
  beforeAll(async () => {
    for (const c of CERT_CASES) pems.set(c.name, await issueLeaf(c.spec));
  }, 120_000);

  it("each case, as a server and a client certificate, and translated", { timeout: 300_000 }, async () => {
    const configs = CERT_CASES.flatMap((c) => {
      const pem = pems.get(c.name)!;
      return [
        { name: `${c.name} server`, config: serverConfig(pem) },
        { name: `${c.name} client`, config: clientConfig(pem) },
        { name: `${c.name} translated`, config: translated(pem) },
      ];
    });
    const results = new Map((await validateConfigs(envoy, configs)).map((r) => [r.name, r]));
    const verdicts = CERT_CASES.map((c) => ({
      name: c.name,
      server: results.get(`${c.name} server`)!.ok,
      client: results.get(`${c.name} client`)!.ok,
      translated: results.get(`${c.name} translated`)!.reason,
    }));
    expect(verdicts).toEqual(CERT_CASES.map((c) => ({ name: c.name, server: c.server, client: c.client, translated: "" })));
  });
});
