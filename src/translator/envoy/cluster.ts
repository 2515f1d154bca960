// IR clusters -> Envoy Clusters: EDS over ADS, round robin, and the upstream
// HTTP protocol the cluster was resolved with (resolve/backends.ts: the Service
// port's appProtocol, or HTTP/2 for a GRPCRoute's variant).
import { create } from "@bufbuild/protobuf";
import { ClusterSchema, Cluster_CommonLbConfigSchema, Cluster_DiscoveryType, Cluster_LbPolicy, type Cluster } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { HttpProtocolOptionsSchema } from "../../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js";
import type { IrCluster } from "../ir.ts";
import { adsConfigSource, duration, pack } from "./common.ts";

const HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

export function emitCluster(c: IrCluster): Cluster {
  const cluster = create(ClusterSchema, {
    name: c.name,
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: adsConfigSource(), serviceName: c.name },
    connectTimeout: duration(10),
    lbPolicy: c.lb?.policy === "RingHash" ? Cluster_LbPolicy.RING_HASH : Cluster_LbPolicy.ROUND_ROBIN,
  });
  // Explicit locality weights (features/session-persistence/split.ts): pick localities by weight.
  if (c.localities.some((l) => l.weight !== undefined)) {
    cluster.commonLbConfig = create(Cluster_CommonLbConfigSchema, { localityConfigSpecifier: { case: "localityWeightedLbConfig", value: {} } });
  }
  if (c.protocol === "http2") {
    cluster.typedExtensionProtocolOptions[HTTP_PROTOCOL_OPTIONS] = pack(HttpProtocolOptionsSchema, {
      upstreamProtocolOptions: { case: "explicitHttpConfig", value: { protocolConfig: { case: "http2ProtocolOptions", value: {} } } },
    });
  }
  return cluster;
}
