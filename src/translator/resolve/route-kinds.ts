// The route kinds the resolver knows. Each kind lists its objects, says
// whether hostnames apply, and compiles a route once; attachment and status
// are shared (attach.ts, index.ts). A new route kind registers by adding an
// entry here.
import type { GRPCRoute, HTTPRoute, TCPRoute, TLSRoute, UDPRoute } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { AttachableRoute } from "./attach.ts";
import type { CompiledL4Route, CompiledRoute } from "./compiled-route.ts";
import { compileGRPCRoute } from "./grpcroute.ts";
import type { CompileContext } from "./hooks.ts";
import { compileHTTPRoute } from "./httproute.ts";
import { compileL4Route } from "./l4routes.ts";
import { compileTLSRoute } from "./tlsroute.ts";

/** The object of each route kind. */
interface RouteObjects {
  HTTPRoute: HTTPRoute;
  GRPCRoute: GRPCRoute;
  TLSRoute: TLSRoute;
  TCPRoute: TCPRoute;
  UDPRoute: UDPRoute;
}

export type RouteKind = keyof RouteObjects;

/** HTTP-like kinds fill `entries`; L4 kinds fill `l4`. */
type Compiled = CompiledRoute & { l4?: CompiledL4Route };

/** One kind, typed by its object: `compile` takes exactly what `list` returns. */
interface TypedHandler<K extends RouteKind> {
  usesHostnames: boolean;
  list: (rs: ResourceSet) => readonly RouteObjects[K][];
  compile: (route: RouteObjects[K], ctx: CompileContext) => Compiled;
}

/** A listed route with its kind's compile bound to it. */
export interface ListedRoute {
  route: AttachableRoute;
  compile: (ctx: CompileContext) => Compiled;
}

/** What the resolver sees of a kind: its routes, each compiled by its own kind's compiler. */
export interface RouteKindHandler {
  kind: RouteKind;
  usesHostnames: boolean;
  routes(rs: ResourceSet): ListedRoute[];
}

const HANDLERS: { [K in RouteKind]: TypedHandler<K> } = {
  HTTPRoute: {
    usesHostnames: true,
    list: (rs) => rs.list("HTTPRoute"),
    compile: (route, ctx) => compileHTTPRoute(route, ctx, "HTTPRoute"),
  },
  GRPCRoute: {
    usesHostnames: true,
    list: (rs) => rs.list("GRPCRoute"),
    compile: (route, ctx) => compileGRPCRoute(route, ctx),
  },
  TLSRoute: {
    usesHostnames: true,
    list: (rs) => rs.list("TLSRoute"),
    compile: (route, ctx) => compileTLSRoute(route, ctx.clusters),
  },
  TCPRoute: {
    usesHostnames: false,
    list: (rs) => rs.list("TCPRoute"),
    compile: (route, ctx) => compileL4Route(route, ctx.clusters),
  },
  UDPRoute: {
    usesHostnames: false,
    list: (rs) => rs.list("UDPRoute"),
    compile: (route, ctx) => compileL4Route(route, ctx.clusters),
  },
};

// The binding happens here, where K is one kind (each call below names one): no
// widening of `compile`'s parameter, the correlated-union pattern of TypeScript.
function erase<K extends RouteKind>(kind: K): RouteKindHandler {
  const h: TypedHandler<K> = HANDLERS[kind];
  return {
    kind,
    usesHostnames: h.usesHostnames,
    routes: (rs) => h.list(rs).map((route) => ({ route, compile: (ctx) => h.compile(route, ctx) })),
  };
}

/** In the order the resolver visits them (status and attachment counts follow it). */
export const ROUTE_KINDS: readonly RouteKindHandler[] = [erase("HTTPRoute"), erase("GRPCRoute"), erase("TLSRoute"), erase("TCPRoute"), erase("UDPRoute")];
