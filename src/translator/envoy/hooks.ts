// What a feature module (src/translator/features/) may do in the emit stage.
// The emitters call these hooks at fixed points, in FEATURES order, and know no
// feature by name. A leaf: it imports types only.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Cluster } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { RouteActionSchema, RouteSchema } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import type { HttpFilterSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { DownstreamTlsContextSchema } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { IrCluster, IrForwardAction, IrGateway, IrListener, IrRoute, IrTlsTermination } from "../ir.ts";

export type RouteInit = MessageInitShape<typeof RouteSchema>;
export type RouteActionInit = MessageInitShape<typeof RouteActionSchema>;
export type HttpFilterInit = MessageInitShape<typeof HttpFilterSchema>;
export type DownstreamTlsInit = MessageInitShape<typeof DownstreamTlsContextSchema>;

export interface EmitHooks {
  /** HTTP filters this feature needs in an HTTP(S) listener's connection managers; the router comes after all. */
  httpFilters?(l: IrListener): HttpFilterInit[];
  /** Spells the feature's IrRoute fields on the Envoy route (typed_per_filter_config, ...). */
  route?(r: IrRoute, out: RouteInit): void;
  /** Spells the feature's fields of a forwarding action on the Envoy RouteAction. */
  forward?(a: IrForwardAction, out: RouteActionInit): void;
  /** Spells the feature's IrTlsTermination fields on a chain's DownstreamTlsContext (HTTPS, TLS Terminate). */
  downstreamTls?(tls: IrTlsTermination, out: DownstreamTlsInit): void;
  /** Decorates a Gateway's cluster (the mesh's clusters carry no feature fields). */
  cluster?(c: IrCluster, out: Cluster, g: IrGateway): void;
}
