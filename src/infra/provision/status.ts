// Gateway status from the provisioned Service. Pure.
//   - status.addresses: what the Service got (serviceAddresses), once the
//     Service has been seen; before that the update is left alone, so the
//     writer keeps whatever addresses the Gateway already shows.
//   - Programmed: a True condition from the translator turns False when
//       AddressNotUsable   the Gateway asked for an address a Service cannot
//                          request (a Hostname, another type) or an IP the
//                          Service did not get;
//       AddressNotAssigned the Service has no address yet (a pending load balancer).
//     A False condition is never turned True here.
import type { Gateway } from "../../api/gateway-api.ts";
import type { Condition } from "../../api/meta.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import { addressRequest, serviceAddresses, type ObservedService } from "./addresses.ts";
import type { ServiceType } from "../../api/proxy-parameters.ts";

export interface GatewayObservation {
  gateway: Gateway;
  serviceType: ServiceType;
  /** The proxy Service as last seen; undefined while it has not been seen. */
  service: ObservedService | undefined;
}

type GatewayUpdate = Extract<StatusUpdate, { kind: "Gateway" }>;

export function decorateGatewayStatus(update: GatewayUpdate, obs: GatewayObservation): GatewayUpdate {
  if (!obs.service) return update;
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
  const conditions = (update.status.conditions ?? []).map((c): Condition => {
    if (c.type !== "Programmed" || c.status !== "True" || !problem) return c;
    return { ...c, status: "False", reason: problem.reason, message: problem.message };
  });
  return { ...update, status: { ...update.status, addresses, conditions } };
}

/** Decorates every Gateway update for which `observe` knows the proxy; others pass unchanged. */
export function decorateStatuses(updates: readonly StatusUpdate[], observe: (key: string) => GatewayObservation | undefined): StatusUpdate[] {
  return updates.map((u) => {
    if (u.kind !== "Gateway") return u;
    const obs = observe(`${u.target.namespace ?? "default"}/${u.target.name}`);
    return obs ? decorateGatewayStatus(u, obs) : u;
  });
}
