// switchyard's ADS server under mTLS, with real grpc-js TLS clients on
// 127.0.0.1: a proxy gets its own Gateway's secrets only when its client
// certificate names that Gateway.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { fromBinary } from "@bufbuild/protobuf";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyResources, TYPE_URL } from "../../src/api/xds.ts";
import { SecretSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { generatePki, runCertgen, type Pki } from "../../src/infra/certgen.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { SnapshotCache } from "../../src/xds/cache.ts";
import { startXdsServer, type XdsServer } from "../../src/xds/server.ts";
import { mtlsServerOptions, xdsTlsFilesFromDir } from "../../src/xds/tls-credentials.ts";
import { secretResource } from "../../src/translator/envoy/secrets.ts";
import type { AdsStream, ProtoDiscoveryResponse } from "../helpers/proto-ads-client.ts";
import { create } from "@bufbuild/protobuf";
import {
  ClientStatusDiscoveryService,
  ClientStatusRequestSchema,
  type ClientStatusResponse,
} from "../../src/gen/envoy/service/status/v3/csds_pb.js";
import { serviceDefinition } from "../../src/xds/grpc-services.ts";

const includeDirs = ["envoy-api", "xds", "googleapis", "protoc-gen-validate"].map((d) => join("proto/.deps", d));
const def = protoLoader.loadSync("envoy/service/discovery/v3/ads.proto", { includeDirs, keepCase: true, longs: String, enums: String });
const pkg = grpc.loadPackageDefinition(def) as unknown as {
  envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: grpc.ServiceClientConstructor } } } };
};

let pki: Pki;
let foreign: Pki;
let server: XdsServer;
const cache = new SnapshotCache();

function snapshotWithSecret(name: string) {
  const r = emptyResources();
  r.secrets.push(secretResource({ name, certificateChain: `chain of ${name}`, privateKey: `key of ${name}` }));
  return r;
}

beforeAll(async () => {
  // The server reads certgen's own output directory, as `serve` would.
  const dir = await mkdtemp(join(tmpdir(), "xds-mtls-"));
  pki = (await runCertgen({ output: "files", outDir: dir, gateways: ["default/a", "default/b"] })).pki;
  foreign = await generatePki({ gateways: ["default/a"], server: false });
  cache.setSnapshot("default/a", snapshotWithSecret("secret/default/a-cert"));
  cache.setSnapshot("default/b", snapshotWithSecret("secret/default/b-cert"));
  server = await startXdsServer({
    cache,
    host: "127.0.0.1",
    port: 0,
    logger: silentLogger(),
    registry: new Registry(),
    ...(await mtlsServerOptions(xdsTlsFilesFromDir(join(dir, "server")))),
  });
});
afterAll(async () => {
  await server?.close();
});

const client = (p: { cert: string; key: string } | undefined) => {
  const creds = p
    ? grpc.credentials.createSsl(Buffer.from(pki.ca.cert), Buffer.from(p.key), Buffer.from(p.cert))
    : grpc.credentials.createSsl(Buffer.from(pki.ca.cert));
  // The server certificate has IP and DNS SANs; name it by DNS (SNI may not be an IP).
  return new pkg.envoy.service.discovery.v3.AggregatedDiscoveryService(`127.0.0.1:${server.port}`, creds, {
    "grpc.ssl_target_name_override": "localhost",
    "grpc.default_authority": "localhost",
  });
};
const gw = (key: string) => pki.clients.find((c) => c.snapshotKey === key)!;

/** Opens a stream, asks for `secret` as `cluster`, and collects what happens until the first response or the end. */
function askForSecret(p: { cert: string; key: string } | undefined, cluster: string, secret: string | string[]) {
  const c = client(p);
  const stream = (c as unknown as { StreamAggregatedResources(): AdsStream }).StreamAggregatedResources();
  const responses: ProtoDiscoveryResponse[] = [];
  const outcome = new Promise<{ responses: ProtoDiscoveryResponse[]; error?: grpc.ServiceError }>((resolve) => {
    stream.on("data", (r: ProtoDiscoveryResponse) => {
      responses.push(r);
      stream.cancel();
      resolve({ responses });
    });
    stream.on("error", (error: grpc.ServiceError) => resolve({ responses, error }));
    stream.on("end", () => resolve({ responses }));
  });
  stream.write({ node: { id: `envoy-${cluster}`, cluster }, type_url: TYPE_URL.secret, resource_names: Array.isArray(secret) ? secret : [secret] });
  return outcome.finally(() => c.close());
}

describe("ADS over mTLS", () => {
  it("serves a Gateway's secret to a proxy whose certificate names that Gateway", async () => {
    const { responses, error } = await askForSecret(gw("default/a"), "default/a", "secret/default/a-cert");
    expect(error).toBeUndefined();
    expect(responses).toHaveLength(1);
    const names = responses[0]!.resources.map((r) => fromBinary(SecretSchema, r.value).name);
    expect(names).toEqual(["secret/default/a-cert"]);
  });

  it("refuses a valid certificate for Gateway A that claims Gateway B: PERMISSION_DENIED and no secret", async () => {
    const { responses, error } = await askForSecret(gw("default/a"), "default/b", "secret/default/b-cert");
    expect(responses).toEqual([]);
    expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(error?.details).toContain('not node.cluster "default/b"');
  });

  it("gives Gateway A nothing of Gateway B even when it names B's secret under its own identity", async () => {
    const { responses, error } = await askForSecret(gw("default/a"), "default/a", ["secret/default/b-cert", "secret/default/a-cert"]);
    expect(error).toBeUndefined();
    const names = responses[0]!.resources.map((r) => fromBinary(SecretSchema, r.value).name);
    expect(names).toEqual(["secret/default/a-cert"]);
  });

  it("refuses a client without a certificate", async () => {
    const { responses, error } = await askForSecret(undefined, "default/a", "secret/default/a-cert");
    expect(responses).toEqual([]);
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
  });

  it("refuses a certificate from another CA", async () => {
    const { responses, error } = await askForSecret(foreign.clients[0], "default/a", "secret/default/a-cert");
    expect(responses).toEqual([]);
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe("CSDS on the mTLS port", () => {
  /** Asks CSDS as the holder of `p`'s certificate, naming `cluster` as its node (none when undefined). */
  function fetchStatus(p: { cert: string; key: string }, cluster: string | undefined) {
    const Csds = grpc.makeGenericClientConstructor(serviceDefinition(ClientStatusDiscoveryService), "CSDS");
    const csds = new Csds(`127.0.0.1:${server.port}`, grpc.credentials.createSsl(Buffer.from(pki.ca.cert), Buffer.from(p.key), Buffer.from(p.cert)), {
      "grpc.ssl_target_name_override": "localhost",
    });
    const req = create(ClientStatusRequestSchema, cluster === undefined ? {} : { node: { id: "csds-client", cluster } });
    return new Promise<{ res?: ClientStatusResponse; error?: grpc.ServiceError }>((resolve) =>
      (csds as unknown as { fetchClientStatus(r: unknown, cb: (e: grpc.ServiceError | null, r?: ClientStatusResponse) => void): void }).fetchClientStatus(
        req,
        (error, res) => {
          csds.close();
          resolve(error ? { error } : { res });
        },
      ),
    );
  }
  const nodeIds = (res: ClientStatusResponse | undefined) => (res?.config ?? []).map((c) => c.node?.id);

  // Keep a stream of Gateway B open so that CSDS has B's node and secret to report.
  let b: grpc.Client;
  let bStream: AdsStream;
  beforeAll(async () => {
    b = client(gw("default/b"));
    bStream = (b as unknown as { StreamAggregatedResources(): AdsStream }).StreamAggregatedResources();
    const got = new Promise<void>((resolve) => bStream.once("data", () => resolve()));
    bStream.on("error", () => {});
    bStream.write({ node: { id: "envoy-b", cluster: "default/b" }, type_url: TYPE_URL.secret, resource_names: ["secret/default/b-cert"] });
    await got;
  });
  afterAll(() => {
    bStream?.cancel();
    b?.close();
  });

  it("never hands out secrets, not even to the proxy the secret belongs to", async () => {
    const { res, error } = await fetchStatus(gw("default/b"), "default/b");
    expect(error).toBeUndefined();
    expect(nodeIds(res)).toEqual(["envoy-b"]);
    const secrets = res!.config.flatMap((c) => c.genericXdsConfigs).filter((g) => g.typeUrl === TYPE_URL.secret);
    expect(secrets.map((g) => g.name)).toEqual(["secret/default/b-cert"]);
    for (const g of secrets) expect(g.xdsConfig).toBeUndefined();
  });

  it("shows a certificate for Gateway A only Gateway A's nodes, not B's", async () => {
    const { res, error } = await fetchStatus(gw("default/a"), "default/a");
    expect(error).toBeUndefined();
    expect(nodeIds(res)).not.toContain("envoy-b");
    expect(nodeIds(res)).toEqual([]);
  });

  it("refuses a certificate for Gateway A that names Gateway B as its node", async () => {
    const { res, error } = await fetchStatus(gw("default/a"), "default/b");
    expect(res).toBeUndefined();
    expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it("checks each request of a CSDS stream the same way", async () => {
    const a = gw("default/a");
    const Csds = grpc.makeGenericClientConstructor(serviceDefinition(ClientStatusDiscoveryService), "CSDS");
    const csds = new Csds(`127.0.0.1:${server.port}`, grpc.credentials.createSsl(Buffer.from(pki.ca.cert), Buffer.from(a.key), Buffer.from(a.cert)), {
      "grpc.ssl_target_name_override": "localhost",
    });
    const call = (csds as unknown as { streamClientStatus(): grpc.ClientDuplexStream<unknown, ClientStatusResponse> }).streamClientStatus();
    const responses: ClientStatusResponse[] = [];
    const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
      call.on("error", (e: grpc.ServiceError) => resolve(e));
      call.on("end", () => resolve(undefined));
    });
    const first = new Promise<void>((resolve) => call.once("data", () => resolve()));
    call.on("data", (r: ClientStatusResponse) => responses.push(r));
    try {
      call.write(create(ClientStatusRequestSchema, { node: { id: "csds-client", cluster: "default/a" } }));
      await first;
      expect(nodeIds(responses[0])).toEqual([]);
      call.write(create(ClientStatusRequestSchema, { node: { id: "csds-client", cluster: "default/b" } }));
      const error = await ended;
      expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(responses).toHaveLength(1);
    } finally {
      csds.close();
    }
  });

  it("refuses a request without a node: the hook has no key to check", async () => {
    const { res, error } = await fetchStatus(gw("default/a"), undefined);
    expect(res).toBeUndefined();
    expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
  });
});

describe("resourcesToJson", () => {
  it("redacts private keys on request and keeps everything else", async () => {
    const { resourcesToJson, REDACTED } = await import("../../src/api/xds-json.ts");
    const r = snapshotWithSecret("secret/default/x");
    r.secrets.push(secretResource({ name: "ca/configmap/default/ca", trustedCa: "bundle" }));
    const plain = JSON.stringify(resourcesToJson(r).secret);
    expect(plain).toContain("key of secret/default/x");
    const red = resourcesToJson(r, { redactSecrets: true }).secret;
    expect(JSON.stringify(red)).not.toContain("key of secret/default/x");
    expect(JSON.stringify(red)).toContain(REDACTED);
    expect(JSON.stringify(red)).toContain("chain of secret/default/x");
    expect(JSON.stringify(red)).toContain("bundle");
  });
});
