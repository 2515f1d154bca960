// RPC harness: real gRPC servers on 127.0.0.x, switchyard's xDS server serving
// a Gateway's translated resources, and @grpc/grpc-js-xds as the client.
//
// The client sees exactly the RouteConfiguration, Clusters and endpoints that
// translate() made for the Gateway. Only the Listener differs: a proxyless
// client needs an `api_listener` (an HTTP connection manager with RDS over ADS
// pointing at the Gateway's route configuration name) instead of a socket
// listener. Each test file runs in its own forked process because grpc-js-xds
// reads its bootstrap (GRPC_XDS_BOOTSTRAP_CONFIG) once per process.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import type { XdsResources } from "../../src/api/xds.ts";
import { ApiVersion } from "../../src/gen/envoy/config/core/v3/config_source_pb.js";
import { ListenerSchema, type Listener } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouterSchema } from "../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { TYPE_URL } from "../../src/api/xds.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import { SnapshotCache } from "../../src/xds/cache.ts";
import { startXdsServer } from "../../src/xds/server.ts";

/** One ACK or NACK the client sent, by resource type. */
export interface AdsEvent {
  type: string;
  kind: "ack" | "nack";
  version: string;
  error?: string;
}

const TYPE_NAME = new Map<string, string>(Object.entries(TYPE_URL).map(([k, v]) => [v, k]));

/** A Listener a proxyless gRPC client accepts: api_listener -> HCM -> RDS over ADS. */
export function apiListener(name: string, routeConfigName: string): Listener {
  const hcm = create(HttpConnectionManagerSchema, {
    statPrefix: "grpc",
    routeSpecifier: {
      case: "rds",
      value: {
        routeConfigName,
        configSource: { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 },
      },
    },
    httpFilters: [{ name: "envoy.filters.http.router", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema, {})) } }],
  });
  return create(ListenerSchema, { name, apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) } });
}

/** The client's view of a Gateway snapshot: its routes/clusters/endpoints plus one api_listener. */
export function clientSnapshot(gateway: XdsResources, authority: string, routeConfigName: string): XdsResources {
  if (!gateway.routes.some((r) => r.name === routeConfigName)) {
    throw new Error(`no RouteConfiguration ${routeConfigName}; have ${gateway.routes.map((r) => r.name).join(", ")}`);
  }
  return {
    listeners: [apiListener(authority, routeConfigName)],
    routes: gateway.routes,
    clusters: gateway.clusters,
    endpoints: gateway.endpoints,
    secrets: [],
  };
}

// ---------- backends ----------

export interface Backend {
  name: string;
  host: string;
  port: number;
  /** Method paths it was called with, in order. */
  calls: string[];
  server: grpc.Server;
}

const identity = (b: Buffer): Buffer => b;

/**
 * Starts a gRPC server on host:0 that answers every given method path with its
 * own name, so a test can tell which backend a route reached.
 */
export async function startBackend(name: string, host: string, methodPaths: readonly string[]): Promise<Backend> {
  const server = new grpc.Server();
  const backend: Backend = { name, host, port: 0, calls: [], server };
  for (const path of methodPaths) {
    server.register<Buffer, Buffer>(
      path,
      (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        backend.calls.push(path);
        cb(null, Buffer.from(name));
      },
      identity,
      identity,
      "unary",
    );
  }
  backend.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  return backend;
}

/** Forced: the client's channels keep connections to every backend open. */
export function stopBackend(b: Backend): void {
  b.server.forceShutdown();
}

// ---------- xDS server + client ----------

export interface XdsHarness {
  port: number;
  events: AdsEvent[];
  stop(): void;
}

/**
 * Serves one client snapshot with switchyard's own xDS server (snapshot cache
 * with validation, ADS SotW) and points grpc-js-xds at it. The snapshot key is
 * the node's cluster, as for an Envoy of that Gateway.
 */
export async function serveSnapshot(snapshot: XdsResources, nodeCluster: string): Promise<XdsHarness> {
  const cache = new SnapshotCache();
  const served = cache.setSnapshot(nodeCluster, snapshot);
  // A withheld resource would make the test pass or fail for the wrong reason.
  if (served.failures.length > 0) throw new Error(`snapshot failed validation: ${JSON.stringify(served.failures)}`);
  const server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry: createRegistry(), shutdownTimeoutMs: 100 });
  const events: AdsEvent[] = [];
  server.onAck((e) => {
    const ev: AdsEvent = { type: TYPE_NAME.get(e.typeUrl) ?? e.typeUrl, kind: e.kind, version: e.version };
    if (e.message !== undefined) ev.error = e.message;
    events.push(ev);
  });
  const port = server.port;
  process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${port}`, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] }],
    node: { id: `rpc-test-${process.pid}`, cluster: nodeCluster, locality: { zone: "z" } },
  });
  // Registered after the bootstrap is set; grpc-js-xds reads it on first use.
  const xds = await import("@grpc/grpc-js-xds");
  xds.register();
  // grpc-js-xds never closes its ADS stream; close() forces it after shutdownTimeoutMs.
  return { port, events, stop: () => void server.close() };
}

export class RpcClient {
  private readonly client: grpc.Client;
  constructor(authority: string) {
    this.client = new grpc.Client(`xds:///${authority}`, grpc.credentials.createInsecure());
  }

  /** One unary RPC; resolves with the answering backend's name. */
  call(path: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<string> {
    // waitForReady: queue while the xDS config is still arriving instead of failing fast.
    const md = new grpc.Metadata({ waitForReady: true });
    for (const [k, v] of Object.entries(headers)) md.set(k, v);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(
        path,
        identity,
        identity,
        Buffer.alloc(0),
        md,
        { deadline: Date.now() + timeoutMs },
        (err, res) => (err ? reject(err) : resolve(res?.toString() ?? "")),
      );
    });
  }

  /** The gRPC status code of a call that is expected to fail (undefined if it succeeded). */
  async failureCode(path: string, headers: Record<string, string> = {}): Promise<grpc.status | undefined> {
    try {
      await this.call(path, headers, 5_000);
      return undefined;
    } catch (e) {
      return (e as grpc.ServiceError).code;
    }
  }

  close(): void {
    this.client.close();
  }
}
