// The route kinds the resolver knows. Each kind lists its objects, says
// whether hostnames apply, and compiles a route once; attachment and status
// are shared (attach.ts, index.ts). A new route kind registers by adding an
// entry here.
import type { GRPCRoute, HTTPRoute, TCPRoute, TLSRoute, UDPRoute } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { AttachableRoute } from "./attach.ts";
import type { ClusterCache } from "./backends.ts";
import type { CompiledL4Route, CompiledRoute } from "./compiled-route.ts";
import { compileGRPCRoute } from "./grpcroute.ts";
import { compileHTTPRoute } from "./httproute.ts";
import { compileL4Route } from "./l4routes.ts";
import { compileTLSRoute } from "./tlsroute.ts";

export type RouteKind = "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute";

interface CompileContext {
  rs: ResourceSet;
  clusters: ClusterCache;
}

/** A kind whose `compile` takes exactly the objects its `list` returns. */
interface TypedHandler<R extends AttachableRoute> {
  kind: R["kind"] & RouteKind;
  usesHostnames: boolean;
  list(rs: ResourceSet): readonly R[];
  /** HTTP-like kinds fill `entries`; L4 kinds fill `l4`. */
  compile(route: R, ctx: CompileContext): CompiledRoute & { l4?: CompiledL4Route };
}

export type RouteKindHandler = TypedHandler<AttachableRoute>;

// The resolver only ever compiles a route its own handler listed; `compile`
// being a method lets the typed entry stand in for the generic one.
function handler<R extends AttachableRoute>(h: TypedHandler<R>): RouteKindHandler {
  return h;
}

export const ROUTE_KINDS: RouteKindHandler[] = [
  handler<HTTPRoute>({
    kind: "HTTPRoute",
    usesHostnames: true,
    list: (rs) => rs.list("HTTPRoute"),
    compile: (route, ctx) => compileHTTPRoute(route, ctx.clusters, "HTTPRoute", ctx.rs),
  }),
  handler<GRPCRoute>({
    kind: "GRPCRoute",
    usesHostnames: true,
    list: (rs) => rs.list("GRPCRoute"),
    compile: (route, ctx) => compileGRPCRoute(route, ctx.clusters, ctx.rs),
  }),
  handler<TLSRoute>({
    kind: "TLSRoute",
    usesHostnames: true,
    list: (rs) => rs.list("TLSRoute"),
    compile: (route, ctx) => compileTLSRoute(route, ctx.clusters),
  }),
  handler<TCPRoute>({
    kind: "TCPRoute",
    usesHostnames: false,
    list: (rs) => rs.list("TCPRoute"),
    compile: (route, ctx) => compileL4Route(route, ctx.clusters),
  }),
  handler<UDPRoute>({
    kind: "UDPRoute",
    usesHostnames: false,
    list: (rs) => rs.list("UDPRoute"),
    compile: (route, ctx) => compileL4Route(route, ctx.clusters),
  }),
];
