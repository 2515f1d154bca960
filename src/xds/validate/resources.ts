// Validation of a whole snapshot, and the withholding of dependants.
//
// A resource with a violation is not served. What depends on it is withheld
// too, only where serving it would be worse than not serving it:
//
// - ClusterLoadAssignment of a failed/withheld Cluster: withheld (EDS for a
//   cluster Envoy does not have is dead weight, and would resurface stale).
// - Cluster whose UpstreamTlsContext names a failed Secret over SDS: withheld
//   (Envoy would keep it warming forever); its endpoints go with it.
// - RouteConfiguration naming a failed/withheld Cluster: SERVED. Over RDS
//   Envoy's validate_clusters defaults to false: a route to an unknown
//   cluster answers 503 and every other route keeps working, which is what
//   the Gateway API asks for an invalid backend. Withholding the whole route
//   table (and so its Listener) for one bad backend would take down every
//   route of the Gateway. Exception: a RouteConfiguration that sets
//   validate_clusters: true is withheld, since Envoy would reject it.
// - Listener whose HTTP connection manager loads a failed/withheld
//   RouteConfiguration over RDS: withheld (it would never finish warming).
// - Listener whose DownstreamTlsContext names a failed Secret over SDS:
//   withheld (same reason).
// - Listener with an inline route table naming a failed Cluster, unless that
//   table sets validate_clusters: false: withheld (Envoy validates inline
//   route tables against known clusters by default and would reject it).
// - Secrets and RouteConfigurations referenced only by withheld resources are
//   still served: nothing will ask for them, and they are valid.
//
// Beyond PGV, each resource must have a non-empty name that is unique within
// its type (rule `resource.name`); a duplicate fails, the first one is served.
// Everything else in the snapshot still goes out.
import type { Message } from "@bufbuild/protobuf";
import type { ResourceType, XdsResources } from "../../api/xds.ts";
import type { Cluster } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import type { RouteConfiguration } from "../../gen/envoy/config/route/v3/route_pb.js";
import { DEPENDENCY_ORDER, DESCRIPTORS, resourcesOf } from "../resource-types.ts";
import { validateMessage } from "./validate-message.ts";
import { clusterSecrets, listenerRefs, routeClusters } from "./refs.ts";
import type { ValidationFailure, Violation } from "./types.ts";

/** Envoy's load-time checks of one resource that no PGV annotation states (none for most types). */
export function uniquenessViolations(type: ResourceType, m: Message): Violation[] {
  return DESCRIPTORS[type].loadChecks(m);
}

/** A resource's own violations: its type's validate.rules, then Envoy's load-time checks. */
export function ownViolations(type: ResourceType, m: Message): Violation[] {
  return [...validateMessage(DESCRIPTORS[type].schema, m), ...uniquenessViolations(type, m)];
}

/** A violation of the rule that every resource has a name, unique within its type. */
export function nameViolation(type: ResourceType, message: string): Violation {
  return { field: DESCRIPTORS[type].nameField, rule: "resource.name", message };
}

/** A failure as input to withholdDependants; `resource` pins it to one object when names repeat. */
export interface FailureInput extends ValidationFailure {
  resource?: Message;
}

/**
 * Validate every resource, drop the ones that fail and withhold their
 * dependants (rules above). `served` keeps the input order of what remains.
 */
export function validateResources(resources: XdsResources): { served: XdsResources; failures: ValidationFailure[] } {
  const own: FailureInput[] = [];
  for (const type of DEPENDENCY_ORDER) {
    const d = DESCRIPTORS[type];
    const seen = new Set<string>();
    for (const m of resourcesOf(resources, type)) {
      const name = d.name(m);
      const violations: Violation[] = [];
      if (name === "") violations.push(nameViolation(type, "an xDS resource needs a name"));
      else if (seen.has(name)) violations.push(nameViolation(type, `another ${type} is already named ${JSON.stringify(name)}`));
      seen.add(name);
      violations.push(...ownViolations(type, m));
      if (violations.length > 0) own.push({ type, name, violations, resource: m });
    }
  }
  return withholdDependants(resources, own);
}

/**
 * Given the resources that failed on their own, withhold what depends on
 * them and return what is left to serve. Exposed so a cache that validates
 * only changed resources can still apply the same withholding to a whole
 * snapshot. A failure is matched to its resource by object identity when it
 * carries one (`resource`), otherwise by type and name.
 */
export function withholdDependants(
  resources: XdsResources,
  ownFailures: readonly FailureInput[],
): { served: XdsResources; failures: ValidationFailure[] } {
  const failures: ValidationFailure[] = ownFailures.map(({ type, name, violations, withheldBecause }) =>
    withheldBecause === undefined ? { type, name, violations } : { type, name, violations, withheldBecause },
  );
  const dropped = new Set<Message>();
  const failedNames: Record<ResourceType, Set<string>> = { listener: new Set(), route: new Set(), cluster: new Set(), endpoint: new Set(), secret: new Set() };
  for (const f of ownFailures) {
    if (f.resource) dropped.add(f.resource);
    else for (const m of resourcesOf(resources, f.type)) if (DESCRIPTORS[f.type].name(m) === f.name) dropped.add(m);
    failedNames[f.type].add(f.name);
  }
  // A name counts as failed only if no copy of it is served (duplicates drop the later copy).
  const servedNames = (type: ResourceType) => new Set(resourcesOf(resources, type).filter((m) => !dropped.has(m)).map((m) => DESCRIPTORS[type].name(m)));
  for (const type of DEPENDENCY_ORDER) {
    const ok = servedNames(type);
    for (const n of [...failedNames[type]]) if (ok.has(n)) failedNames[type].delete(n);
  }

  const withhold = (type: ResourceType, m: Message, because: string) => {
    dropped.add(m);
    const name = DESCRIPTORS[type].name(m);
    failedNames[type].add(name);
    failures.push({ type, name, violations: [], withheldBecause: because });
  };
  const firstFailed = (names: Iterable<string>, failed: Set<string>) => {
    for (const n of names) if (failed.has(n)) return n;
    return undefined;
  };

  for (const c of resources.clusters as Cluster[]) {
    if (dropped.has(c)) continue;
    const s = firstFailed(clusterSecrets(c), failedNames.secret);
    if (s !== undefined) withhold("cluster", c, `secret ${JSON.stringify(s)} failed validation`);
  }
  for (const e of resources.endpoints) {
    if (dropped.has(e)) continue;
    if (failedNames.cluster.has(e.clusterName)) withhold("endpoint", e, `cluster ${JSON.stringify(e.clusterName)} is not served`);
  }
  for (const r of resources.routes as RouteConfiguration[]) {
    if (dropped.has(r) || r.validateClusters !== true) continue;
    const c = firstFailed(routeClusters(r), failedNames.cluster);
    if (c !== undefined) withhold("route", r, `validate_clusters is set and cluster ${JSON.stringify(c)} is not served`);
  }
  for (const l of resources.listeners as Listener[]) {
    if (dropped.has(l)) continue;
    const refs = listenerRefs(l);
    const r = firstFailed(refs.routes, failedNames.route);
    const s = firstFailed(refs.secrets, failedNames.secret);
    const c = firstFailed(refs.clusters, failedNames.cluster);
    if (r !== undefined) withhold("listener", l, `route configuration ${JSON.stringify(r)} is not served`);
    else if (s !== undefined) withhold("listener", l, `secret ${JSON.stringify(s)} failed validation`);
    else if (c !== undefined) withhold("listener", l, `its inline route table names cluster ${JSON.stringify(c)}, which is not served`);
  }

  const keep = <T extends Message>(xs: T[]) => (xs.some((x) => dropped.has(x)) ? xs.filter((x) => !dropped.has(x)) : xs);
  return {
    served: {
      listeners: keep(resources.listeners),
      routes: keep(resources.routes),
      clusters: keep(resources.clusters),
      endpoints: keep(resources.endpoints),
      secrets: keep(resources.secrets),
    },
    failures,
  };
}
