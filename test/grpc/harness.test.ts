// The harness itself, with a hand-written RouteConfiguration: proves that
// backends, ADS and the grpc-js-xds client work before any translated config
// goes through them.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiVersion } from "../../src/gen/envoy/config/core/v3/config_source_pb.js";
import { ClusterSchema, Cluster_DiscoveryType, Cluster_LbPolicy } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { RouteConfigurationSchema } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { clientSnapshot, RpcClient, serveSnapshot, startBackend, stopBackend, type Backend, type XdsHarness } from "./harness.ts";

const PATH_A = "/pkg.Svc/A";
const PATH_B = "/pkg.Svc/B";

function cluster(name: string) {
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 } },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
  });
}

function endpoints(name: string, b: Backend) {
  return create(ClusterLoadAssignmentSchema, {
    clusterName: name,
    endpoints: [
      {
        locality: { zone: "z" },
        loadBalancingWeight: 1,
        lbEndpoints: [{ hostIdentifier: { case: "endpoint", value: { address: { address: { case: "socketAddress", value: { address: b.host, portSpecifier: { case: "portValue", value: b.port } } } } } } }],
      },
    ],
  });
}

describe("RPC harness", () => {
  let a: Backend;
  let b: Backend;
  let xds: XdsHarness;
  let client: RpcClient;

  beforeAll(async () => {
    a = await startBackend("a", "127.0.0.2", [PATH_A, PATH_B]);
    b = await startBackend("b", "127.0.0.3", [PATH_A, PATH_B]);
    const rc = create(RouteConfigurationSchema, {
      name: "test/rc",
      virtualHosts: [
        {
          name: "vh",
          domains: ["svc.test"],
          routes: [
            { match: { pathSpecifier: { case: "path", value: PATH_A } }, action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "ca" } } } },
            { match: { pathSpecifier: { case: "prefix", value: "/" } }, action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "cb" } } } },
          ],
        },
      ],
    });
    const snapshot = clientSnapshot(
      { listeners: [], routes: [rc], clusters: [cluster("ca"), cluster("cb")], endpoints: [endpoints("ca", a), endpoints("cb", b)], secrets: [] },
      "svc.test",
      "test/rc",
    );
    xds = await serveSnapshot(snapshot, "test/gw");
    client = new RpcClient("svc.test");
  });

  afterAll(() => {
    client?.close();
    xds?.stop();
    for (const be of [a, b]) if (be) stopBackend(be);
  });

  it("routes by exact path and by prefix to the right real backend", async () => {
    expect(await client.call(PATH_A)).toBe("a");
    expect(await client.call(PATH_B)).toBe("b");
    expect(a.calls).toEqual([PATH_A]);
    expect(b.calls).toEqual([PATH_B]);
  });

  it("the client ACKed every type and NACKed nothing", () => {
    expect(xds.events.filter((e) => e.kind === "nack")).toEqual([]);
    const acked = new Set(xds.events.filter((e) => e.kind === "ack").map((e) => e.type));
    expect([...acked].sort()).toEqual(["cluster", "endpoint", "listener", "route"]);
  });
});
