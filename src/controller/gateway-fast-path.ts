// Route edits translate only the Gateways they can affect: when every changed
// input is a route whose parents, before and after the change, are Gateways,
// those Gateways are translated again with the routes attached to them, and
// every other Gateway keeps its snapshot and every other object its status.
// Conservative, like the EndpointSlice fast path: it declines (a full
// translation runs) whenever an input could carry a route edit beyond its
// Gateways: ListenerSets (routes attach through them), policies (their status
// names every Gateway that uses them), routes with Service parents (the mesh),
// or a partial result that disagrees with the last one where it should not.
// The property test (test/controller/gateway-fast-path.test.ts) checks it
// against full translations.
import { KINDS, buildResourceSet, type Kind, type ResourceSet } from "../api/resource-set.ts";
import type { K8sObject } from "../api/meta.ts";
import type { StatusUpdate, TranslationResult, TranslatorOptions } from "../api/translation.ts";
import { compareStatus } from "../translator/resolve/status-order.ts";
import { translate } from "../translator/translate.ts";
import type { InputDelta } from "./translation-delta.ts";

const ROUTE_KINDS: ReadonlySet<Kind> = new Set<Kind>(["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"]);

/** Kinds under which a route's effect stops at its Gateways; any other kind present declines. */
const CONTAINED_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  ...ROUTE_KINDS,
  "GatewayClass",
  "Gateway",
  "ReferenceGrant",
  "Service",
  "EndpointSlice",
  "Secret",
  "ConfigMap",
  "Namespace",
  "ClusterTrustBundle",
]);

const GATEWAY_GROUP = "gateway.networking.k8s.io";

interface RouteLike {
  kind: string;
  metadata: { namespace?: string; name: string };
  spec?: { parentRefs?: { group?: string; kind?: string; namespace?: string; name: string }[] };
}

/** `namespace/name` of each Gateway parent; undefined when a parent is anything else. */
function gatewayParents(route: RouteLike): string[] | undefined {
  const out: string[] = [];
  for (const p of route.spec?.parentRefs ?? []) {
    if ((p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (p.kind ?? "Gateway") !== "Gateway") return undefined;
    out.push(`${p.namespace ?? route.metadata.namespace ?? "default"}/${p.name}`);
  }
  return out;
}

const statusKey = (u: StatusUpdate) => `${u.kind} ${u.target.namespace ?? ""}/${u.target.name}`;
const objectStatusKey = (o: RouteLike) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** The new result, or undefined when a full translation is needed. */
export function changedGatewaysOnly(
  prevRs: ResourceSet,
  prev: TranslationResult,
  rs: ResourceSet,
  delta: InputDelta,
  opts: TranslatorOptions,
): TranslationResult | undefined {
  if (delta.upserts.length === 0 && delta.deletes.length === 0) return undefined;
  for (const kind of KINDS) if (!CONTAINED_KINDS.has(kind) && rs.list(kind).length > 0) return undefined;
  // The Gateways named by every changed route, before and after; the changed routes' own status is
  // replaced too (one that names no Gateway now has none).
  const affected = new Set<string>();
  const changed = new Set<string>();
  const addParents = (route: RouteLike | undefined): boolean => {
    if (!route) return true;
    const parents = gatewayParents(route);
    if (!parents) return false;
    for (const p of parents) affected.add(p);
    return true;
  };
  for (const obj of delta.upserts) {
    const kind = obj.kind as Kind;
    if (!ROUTE_KINDS.has(kind)) return undefined;
    changed.add(objectStatusKey(obj as RouteLike));
    if (!addParents(obj as RouteLike) || !addParents(prevRs.get(kind, `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`) as RouteLike | undefined)) return undefined;
  }
  for (const [kind, key] of delta.deletes) {
    if (!ROUTE_KINDS.has(kind) || !addParents(prevRs.get(kind, key) as RouteLike | undefined)) return undefined;
    changed.add(`${kind} ${key}`);
  }
  // The inputs without the routes of the other Gateways.
  const objects: K8sObject[] = [];
  const included = new Set<string>(changed);
  for (const kind of KINDS) {
    for (const obj of rs.list(kind) as readonly K8sObject[]) {
      if (ROUTE_KINDS.has(kind)) {
        const parents = gatewayParents(obj as RouteLike);
        if (!parents) {
          // A mesh route stays out unless it shares a Gateway with the change: then decline.
          if ((obj as RouteLike).spec?.parentRefs?.some((p) => affected.has(`${p.namespace ?? obj.metadata.namespace ?? "default"}/${p.name}`))) return undefined;
          continue;
        }
        if (!parents.some((p) => affected.has(p)) && !changed.has(objectStatusKey(obj as RouteLike))) continue;
        included.add(objectStatusKey(obj as RouteLike));
      }
      objects.push(obj);
    }
  }
  const partial = translate(buildResourceSet(objects), opts);
  // Every Gateway is in both (Gateways did not change); only the affected ones take the new snapshot.
  if (partial.gateways.length !== prev.gateways.length) return undefined;
  const gateways = [];
  for (const [i, g] of prev.gateways.entries()) {
    const next = partial.gateways[i]!;
    if (next.key !== g.key) return undefined;
    gateways.push(affected.has(g.key) ? next : g);
  }
  const statuses = mergeStatuses(prev.statuses, partial.statuses, affected, included);
  if (!statuses) return undefined;
  return { gateways, ...(prev.mesh ? { mesh: prev.mesh } : {}), statuses };
}

/**
 * The last statuses with those of the affected Gateways and the included routes replaced by the
 * partial translation's (a route it gives none is attached to nothing now). Undefined when the partial
 * translation's status of anything else (a GatewayClass) is not the last one.
 */
function mergeStatuses(prev: readonly StatusUpdate[], partial: readonly StatusUpdate[], affected: Set<string>, included: Set<string>): StatusUpdate[] | undefined {
  const replaced = (u: StatusUpdate) =>
    (u.kind === "Gateway" && affected.has(`${u.target.namespace ?? ""}/${u.target.name}`)) || included.has(statusKey(u));
  const out = prev.filter((u) => !replaced(u));
  // The other Gateways' status counts routes that were left out: theirs stays as it was. Anything else
  // (a GatewayClass; few) must come out as it was.
  const others = partial.filter((u) => !replaced(u) && u.kind !== "Gateway");
  if (others.length > 0) {
    const before = new Map(out.map((u) => [statusKey(u), u]));
    if (others.some((u) => JSON.stringify(u) !== JSON.stringify(before.get(statusKey(u))))) return undefined;
  }
  out.push(...partial.filter(replaced));
  return out.sort(compareStatus);
}
