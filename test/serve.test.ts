// `serve` end to end: the control plane on ephemeral ports, serving examples/
// over ADS to a gRPC client, with the admin API, and a broken edit that must
// not take config away.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPE_URL } from "../src/api/xds.ts";
import type { ControlPlane } from "../src/controller/run.ts";
import { ClusterSchema } from "../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../src/gen/envoy/config/route/v3/route_pb.js";
import type { FileSource } from "../src/watch/file/source.ts";
import { adsClient, request, type AdsStream, type ProtoDiscoveryResponse } from "./helpers/proto-ads-client.ts";
import { startFilePlane } from "./helpers/file-plane.ts";

let dir: string;
let files: FileSource;
let plane: ControlPlane;
const node = { id: "envoy-test", cluster: "default/eg" };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-serve-"));
  cpSync("examples", dir, { recursive: true });
  ({ files, plane } = await startFilePlane(dir));
});

afterAll(async () => {
  await plane?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function admin(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${plane.adminPort}${path}`);
  return { status: res.status, body: await res.json() };
}

/** Requests a type, ACKs the response, and returns it. */
async function fetchType(stream: AdsStream, typeUrl: string, names: string[] = []): Promise<ProtoDiscoveryResponse> {
  const res = await request(stream, { node, type_url: typeUrl, resource_names: names });
  stream.write({ type_url: typeUrl, resource_names: names, version_info: res.version_info, response_nonce: res.nonce });
  return res;
}

describe("switchyard serve", () => {
  it("is ready after the first translation", async () => {
    expect((await admin("/readyz")).status).toBe(200);
  });

  it("serves the example's Listener, RouteConfiguration, Clusters and endpoints over ADS", async () => {
    const client = adsClient(`127.0.0.1:${plane.xdsPort}`);
    const stream = client.stream();
    try {
      const cds = await fetchType(stream, TYPE_URL.cluster);
      const clusters = cds.resources.map((r) => fromBinary(ClusterSchema, r.value));
      const clusterNames = clusters.map((c) => c.name).sort();
      expect(clusterNames).toEqual(expect.arrayContaining([expect.stringContaining("shop-v1"), expect.stringContaining("shop-v2")]));

      const eds = await fetchType(stream, TYPE_URL.endpoint, clusterNames);
      const cla = eds.resources.map((r) => fromBinary(ClusterLoadAssignmentSchema, r.value));
      const addresses = cla.flatMap((c) =>
        c.endpoints.flatMap((l) => l.lbEndpoints.map((e) => (e.hostIdentifier.case === "endpoint" ? e.hostIdentifier.value.address?.address.case === "socketAddress" ? e.hostIdentifier.value.address.address.value.address : "" : ""))),
      );
      expect(addresses.sort()).toEqual(["10.244.0.11", "10.244.0.12", "10.244.0.21"]);

      const lds = await fetchType(stream, TYPE_URL.listener);
      const listeners = lds.resources.map((r) => fromBinary(ListenerSchema, r.value));
      expect(listeners).toHaveLength(1);
      const address = listeners[0]!.address?.address;
      expect(address?.case === "socketAddress" && address.value.portSpecifier.value).toBe(8080);

      const routeNames = (await admin("/api/snapshots/default/eg?type=route")).body.resources.route.map((r: { name: string }) => r.name);
      const rds = await fetchType(stream, TYPE_URL.route, routeNames);
      const routes = rds.resources.map((r) => fromBinary(RouteConfigurationSchema, r.value));
      const vhost = routes[0]!.virtualHosts.find((v) => v.domains.includes("shop.example.com"));
      expect(vhost).toBeDefined();
      const shop = vhost!.routes.find((r) => r.match?.pathSpecifier.case === "pathSeparatedPrefix" || r.match?.pathSpecifier.value === "/shop");
      const action = shop?.action.case === "route" ? shop.action.value : undefined;
      const weighted = action?.clusterSpecifier.case === "weightedClusters" ? action.clusterSpecifier.value.clusters : [];
      expect(weighted.map((w) => w.weight)).toEqual([80, 20]);
    } finally {
      stream.end();
      client.close();
    }
  });

  it("gives an unknown Gateway nothing", async () => {
    const client = adsClient(`127.0.0.1:${plane.xdsPort}`);
    const stream = client.stream();
    try {
      const got = request(stream, { node: { id: "x", cluster: "default/nope" }, type_url: TYPE_URL.listener }, 500);
      await expect(got).rejects.toThrow(/no .* response/);
    } finally {
      stream.end();
      client.close();
    }
  });

  it("reports a broken file and keeps serving the previous snapshot", async () => {
    const before = (await admin("/api/snapshots/default/eg")).body;
    writeFileSync(join(dir, "httproute.yaml"), "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: [\n");
    await files.reload();
    await plane.controller.idle();
    const errors = (await admin("/api/errors")).body;
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toContain("httproute.yaml");
    const after = (await admin("/api/snapshots/default/eg")).body;
    expect(after.version).toBe(before.version);
    expect(after.resources).toEqual(before.resources);
  });
});
