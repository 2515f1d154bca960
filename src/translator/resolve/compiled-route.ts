// What compiling a route gives, whatever its kind: route entries for HTTP-like
// kinds, L4 routes for TLS/TCP/UDP, and the facts its status is built from.
// A leaf, so that conditions.ts, the compilers and index.ts can share it.
import type { IrCluster, IrHeaderOps, IrL4Route, IrMatch, IrRouteAction, IrRouteFeatures } from "../ir.ts";
import type { ResolvedListener, Verdict } from "./model.ts";
import type { Precedence } from "./precedence.ts";

/** One Envoy route: a rule match with everything needed to emit it. */
export interface RouteEntry {
  name: string;
  precedence: Precedence;
  match: IrMatch;
  /** Builds the action on a listener (redirect ports depend on it). */
  action: (l: ResolvedListener) => IrRouteAction;
  requestHeaders?: IrHeaderOps;
  responseHeaders?: IrHeaderOps;
  /** What the feature modules added (resolve/hooks.ts), copied onto every IrRoute of the entry. */
  features: IrRouteFeatures;
  clusters: IrCluster[];
}

/** A route compiled once, independent of the listeners it attaches to. */
export interface CompiledRoute {
  entries: RouteEntry[];
  resolvedRefs: Verdict;
  /** Messages of rules that are invalid (they answer 500). */
  invalidRules: string[];
  /** No rule is usable: Accepted=False/UnsupportedValue and nothing is programmed. */
  unusable: boolean;
}

/** What an L4 route kind contributes to a listener. */
export interface CompiledL4Route {
  routes: IrL4Route[];
  clusters: IrCluster[];
}
