// What a feature module (src/translator/features/) may do in the resolve stage.
// The resolvers call these hooks at fixed points and know no feature by name;
// translate.ts hands them the hooks of every feature in FEATURES. A leaf: it
// imports types only, so any resolver may import it.
import type { HTTPRouteFilter, HTTPRouteRule } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import type { IrBackend, IrCluster, IrForwardFeatures, IrGateway, IrMatch, IrRouteFeatures } from "../ir.ts";
import type { ClusterCache } from "./backends.ts";
import type { ResolvedGateway, ResolvedListener, Verdict } from "./model.ts";

/** A rule's resolved backendRefs: what it forwards to. */
export interface RuleBackends {
  backends: IrBackend[];
  clusters: IrCluster[];
  invalidWeight: number;
}

/** One HTTPRoute rule (GRPCRoute rules arrive in HTTPRoute form), as the core resolved it. */
export interface RuleContext {
  rule: HTTPRouteRule;
  /** The route kind, e.g. HTTPRoute or GRPCRoute. */
  kind: string;
  namespace: string;
  routeName: string;
  ruleIndex: number;
  /** The rule's name when it has a unique one, else its index: what Envoy names are made from. */
  ruleId: string | number;
  rs: ResourceSet;
  clusters: ClusterCache;
  /** The backends as resolved so far (an earlier feature may have replaced them). */
  backends: RuleBackends;
  /** The rule forwards nowhere: it redirects. */
  redirect: boolean;
  /** Reports a reference that does not resolve (route status ResolvedRefs=False); the rule stays valid. */
  refProblem(v: Verdict): void;
}

/** What a feature makes of a rule. */
export type RuleOutcome =
  /** The rule is invalid (its matches answer 500); the message goes to the route's status. */
  | { ok: false; message: string }
  | {
      ok: true;
      /** Replaces the rule's backends (session persistence over a split). */
      backends?: RuleBackends;
      /** Further clusters the rule's routes use (mirror targets). */
      clusters?: IrCluster[];
      /** Adds this feature's fields to each Envoy route of the rule (one per match). */
      route?(out: IrRouteFeatures, match: IrMatch): void;
      /** Adds this feature's fields to the rule's forwarding action (not to redirects or 500s). */
      forward?(out: IrForwardFeatures): void;
    };

/** The ClusterCache's view of the features: whether any decorates a cluster. */
export function clusterDecorators(rs: ResourceSet, hooks: readonly ResolveHooks[]): (c: IrCluster) => boolean {
  const active = hooks.filter((h) => h.decoratesCluster);
  return (c) => active.some((h) => h.decoratesCluster?.(rs, c) === true);
}

/** What compiling a route needs besides the route. */
export interface CompileContext {
  rs: ResourceSet;
  clusters: ClusterCache;
  /** The resolve hooks of every feature, in FEATURES order. */
  hooks: readonly ResolveHooks[];
}

export interface ResolveHooks {
  /**
   * HTTPRoute filter types this feature implements, each with its check: a
   * message makes the rule invalid. Route-level only (backendRefs take the
   * core's header modifiers and URLRewrite). The feature reads its filters
   * from the rule in `rule`.
   */
  filters?: Readonly<Record<string, (filter: HTTPRouteFilter) => string | undefined>>;
  /**
   * Called for every rule whose matches, filters, name and backends the core
   * accepted, in FEATURES order, until one refuses it. (The core's last check,
   * ReplacePrefixMatch against the matches, comes after.)
   */
  rule?(ctx: RuleContext): RuleOutcome;
  /**
   * A listener that terminates TLS (HTTPS, TLS Terminate), once its
   * certificates are valid (`l.tls` set): fills the feature's IrTlsTermination
   * fields, or refuses the listener through `l.accepted` / `l.resolvedRefs`.
   */
  tlsListener?(rs: ResourceSet, l: ResolvedListener): void;
  /** Further conditions of a Gateway's status. */
  gatewayConditions?(g: ResolvedGateway, rs: ResourceSet): { type: string; status: boolean; reason: string; message: string }[];
  /** After every Gateway's IR is built: policies that act on it, and their status. */
  gateways?(rs: ResourceSet, gateways: readonly IrGateway[], controllerName: string): StatusUpdate[];
  /**
   * Whether, under these inputs, EndpointSlices shape more than
   * ClusterLoadAssignments through this feature (endpoints merged into a
   * cluster of its own, a cluster emptied): the controller's EndpointSlice
   * fast path then declines and a full translation runs.
   */
  endpointsShapeMore?(rs: ResourceSet): boolean;
  /**
   * Whether this feature decorates the cluster once routes are compiled (in
   * `gateways`): a TLS passthrough route then gets a plain variant of its own,
   * and a session split keeps the Services' own clusters.
   */
  decoratesCluster?(rs: ResourceSet, c: IrCluster): boolean;
  /** Gateway API feature names this feature claims in GatewayClass status.supportedFeatures. */
  supportedFeatures?: readonly string[];
}
