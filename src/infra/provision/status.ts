// Gateway status from the provisioned Service. Pure.
//   - status.addresses: what the Service got (serviceAddresses), once the
//     Service has been seen; before that the update is left alone, so the
//     writer keeps whatever addresses the Gateway already shows.
//   - Programmed: with provisioning, True means a ready proxy serves the
//     Gateway's configuration, so a True condition from the translator turns
//     False, first match wins:
//       Pending            the proxy Deployment has not been seen yet (not
//                          created, or its apply has not returned), unless the
//                          Gateway already shows Programmed=True: a previous
//                          leader saw its proxy ready, and a new leader must not
//                          flap it before its own first apply returns;
//       NoResources        the Deployment has no available replica (an image that
//                          cannot be pulled, pods that cannot be scheduled or are
//                          not ready yet), as Envoy Gateway reports it;
//       AddressNotUsable   the Gateway asked for an address a Service cannot
//                          request (a Hostname, another type) or an IP the
//                          Service did not get;
//       AddressNotAssigned the Service has no address yet (a pending load balancer).
//     The Deployment comes first: without a running proxy nothing is programmed,
//     whatever the Service shows. A False condition is never turned True here.
import type { Gateway } from "../../api/gateway-api.ts";
import type { Condition } from "../../api/meta.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import { addressRequest, serviceAddresses, type ObservedService } from "./addresses.ts";
import type { ServiceType } from "../../api/proxy-parameters.ts";

export interface GatewayObservation {
  gateway: Gateway;
  serviceType: ServiceType;
  /** The proxy Service as last seen; undefined while it has not been seen (or there is none). */
  service: ObservedService | undefined;
  /** The proxy Deployment as last seen; undefined while it has not been seen. */
  deployment?: ObservedDeployment | undefined;
}

/** The parts of a Deployment the status path reads. */
export interface ObservedDeployment {
  metadata?: { name?: string };
  spec?: { replicas?: number };
  status?: { availableReplicas?: number };
}

/** A Deployment that should run pods but has none available. */
export function deploymentUnavailable(d: ObservedDeployment | undefined): boolean {
  return d !== undefined && (d.spec?.replicas ?? 1) > 0 && !((d.status?.availableReplicas ?? 0) > 0);
}

type GatewayUpdate = Extract<StatusUpdate, { kind: "Gateway" }>;

export function decorateGatewayStatus(update: GatewayUpdate, obs: GatewayObservation): GatewayUpdate {
  const problem = deploymentProblem(obs.deployment, obs.gateway) ?? (obs.service ? addressProblem(obs) : undefined);
  const conditions = (update.status.conditions ?? []).map((c): Condition => {
    if (c.type !== "Programmed" || c.status !== "True" || !problem) return c;
    return { ...c, status: "False", reason: problem.reason, message: problem.message };
  });
  const status = { ...update.status, conditions };
  if (obs.service) status.addresses = serviceAddresses(obs.service);
  return { ...update, status };
}

function deploymentProblem(d: ObservedDeployment | undefined, gw: Gateway): { reason: string; message: string } | undefined {
  if (!d) return shownProgrammed(gw) ? undefined : { reason: "Pending", message: "Waiting for the proxy Deployment to be created" };
  if (!deploymentUnavailable(d)) return undefined;
  const name = d?.metadata?.name ? ` ${d.metadata.name}` : "";
  return { reason: "NoResources", message: `The proxy Deployment${name} has no available replicas` };
}

/** The Gateway as the inputs last saw it already says Programmed=True. */
function shownProgrammed(gw: Gateway): boolean {
  const conditions = (gw as { status?: { conditions?: Condition[] } }).status?.conditions;
  return Array.isArray(conditions) && conditions.some((c) => c?.type === "Programmed" && c.status === "True");
}

function addressProblem(obs: GatewayObservation): { reason: string; message: string } | undefined {
  const addresses = serviceAddresses(obs.service);
  const req = addressRequest(obs.gateway, obs.serviceType);
  const assigned = new Set(addresses.map((a) => a.value));
  const missing = req.requestedIPs.filter((ip) => !assigned.has(ip));
  let problem: { reason: string; message: string } | undefined;
  if (req.unsupported.length > 0) {
    const list = req.unsupported.map((a) => `${a.type ?? "IPAddress"} ${JSON.stringify(a.value)}`).join(", ");
    problem = { reason: "AddressNotUsable", message: `The proxy Service cannot request these addresses: ${list}` };
  } else if (addresses.length === 0) {
    problem = { reason: "AddressNotAssigned", message: "No address has been assigned to the Gateway's Service yet" };
  } else if (missing.length > 0) {
    problem = { reason: "AddressNotUsable", message: `The Gateway's Service did not get the requested addresses: ${missing.join(", ")}` };
  }
  return problem;
}

/** Decorates every Gateway update for which `observe` knows the proxy; others pass unchanged. */
export function decorateStatuses(updates: readonly StatusUpdate[], observe: (key: string) => GatewayObservation | undefined): StatusUpdate[] {
  return updates.map((u) => {
    if (u.kind !== "Gateway") return u;
    const obs = observe(`${u.target.namespace ?? "default"}/${u.target.name}`);
    return obs ? decorateGatewayStatus(u, obs) : u;
  });
}
