// The route kinds the resolver knows. Each kind lists its objects, says
// whether hostnames apply, and compiles a route once; attachment and status
// are shared (attach.ts, index.ts). GRPCRoute/TLSRoute/TCPRoute/UDPRoute
// resolvers register themselves by adding an entry here.
import type { ResourceSet } from "../../api/resource-set.ts";
import type { IrCluster, IrL4Route } from "../ir.ts";
import type { AttachableRoute } from "./attach.ts";
import type { ClusterCache } from "./backends.ts";
import { compileHTTPRoute, type CompiledRoute } from "./httproute.ts";

export type RouteKind = "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute";

/** What an L4 route kind contributes to a listener. */
export interface CompiledL4Route {
  routes: IrL4Route[];
  clusters: IrCluster[];
}

export interface RouteKindHandler {
  kind: RouteKind;
  usesHostnames: boolean;
  list(rs: ResourceSet): readonly AttachableRoute[];
  /** HTTP-like kinds fill `entries`; L4 kinds fill `l4`. */
  compile(route: AttachableRoute, ctx: { rs: ResourceSet; clusters: ClusterCache }): CompiledRoute & { l4?: CompiledL4Route };
}

export const ROUTE_KINDS: RouteKindHandler[] = [
  {
    kind: "HTTPRoute",
    usesHostnames: true,
    list: (rs) => rs.list("HTTPRoute"),
    compile: (route, ctx) => compileHTTPRoute(route as never, ctx.clusters),
  },
];
