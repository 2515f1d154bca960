// The route kinds the resolver knows. Each kind lists its objects, says
// whether hostnames apply, and compiles a route once; attachment and status
// are shared (attach.ts, index.ts). GRPCRoute/TLSRoute/TCPRoute/UDPRoute
// resolvers register themselves by adding an entry here.
import type { ResourceSet } from "../../api/resource-set.ts";
import type { AttachableRoute } from "./attach.ts";
import type { ClusterCache } from "./backends.ts";
import { compileGRPCRoute } from "./grpcroute.ts";
import type { CompiledL4Route, CompiledRoute } from "./compiled-route.ts";
import { compileHTTPRoute } from "./httproute.ts";
import { compileL4Route } from "./l4routes.ts";
import { TLS_ROUTE_KIND } from "./tlsroute.ts";

export type RouteKind = "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute";

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
    compile: (route, ctx) => compileHTTPRoute(route as never, ctx.clusters, "HTTPRoute", ctx.rs),
  },
  {
    kind: "GRPCRoute",
    usesHostnames: true,
    list: (rs) => rs.list("GRPCRoute"),
    compile: (route, ctx) => compileGRPCRoute(route as never, ctx.clusters, ctx.rs),
  },
  TLS_ROUTE_KIND,
  {
    kind: "TCPRoute",
    usesHostnames: false,
    list: (rs) => rs.list("TCPRoute"),
    compile: (route, ctx) => compileL4Route(route as never, ctx.clusters),
  },
  {
    kind: "UDPRoute",
    usesHostnames: false,
    list: (rs) => rs.list("UDPRoute"),
    compile: (route, ctx) => compileL4Route(route as never, ctx.clusters),
  },
];
