// What a random world reaches once translated: forwarding routes, and the
// Gateways, listener ports, protocols and hostnames that carry them. Property
// tests report these counts so that a generator which stopped producing
// interesting worlds fails instead of passing vacuously.
import type { K8sObject } from "../../src/api/meta.ts";
import type { TranslationResult } from "../../src/api/translation.ts";

export interface WorldStats {
  /** Envoy routes that forward to a cluster (not a direct response). */
  forwardingRoutes: number;
  /** Gateways whose snapshot has a forwarding route. */
  gateways: number;
  /** Distinct ports, protocols and hostnames ("" for none) of programmed listeners with an attached route. */
  ports: Set<number>;
  protocols: Set<string>;
  hostnames: Set<string>;
}

interface ListenerSpec {
  name?: unknown;
  port?: unknown;
  protocol?: unknown;
  hostname?: unknown;
}

export function worldStats(objs: readonly K8sObject[], r: TranslationResult): WorldStats {
  const stats: WorldStats = { forwardingRoutes: 0, gateways: 0, ports: new Set(), protocols: new Set(), hostnames: new Set() };
  for (const g of r.gateways) {
    let n = 0;
    for (const rc of g.resources.routes) for (const vh of rc.virtualHosts) for (const route of vh.routes) if (route.action.case === "route") n++;
    stats.forwardingRoutes += n;
    if (n > 0) stats.gateways++;
  }
  for (const s of r.statuses) {
    if (s.kind !== "Gateway") continue;
    const gw = objs.find((o) => o.kind === "Gateway" && o.metadata.name === s.target.name && (o.metadata.namespace ?? "default") === (s.target.namespace ?? "default"));
    const specs = ((gw as { spec?: { listeners?: unknown } } | undefined)?.spec?.listeners ?? []) as ListenerSpec[];
    if (!Array.isArray(specs)) continue;
    for (const l of s.status.listeners ?? []) {
      if (l.attachedRoutes <= 0 || !l.conditions.some((c) => c.type === "Programmed" && c.status === "True")) continue;
      const spec = specs.find((x) => x !== null && typeof x === "object" && x.name === l.name);
      if (!spec) continue;
      if (typeof spec.port === "number") stats.ports.add(spec.port);
      if (typeof spec.protocol === "string") stats.protocols.add(spec.protocol);
      stats.hostnames.add(typeof spec.hostname === "string" ? spec.hostname : "");
    }
  }
  return stats;
}

/** Counts over many samples: how many samples reach each level, and what they cover together. */
export interface Distribution {
  samples: number;
  /** Samples with at least one forwarding route. */
  forwarding: number;
  /** Samples with forwarding routes on two or more Gateways. */
  severalGateways: number;
  /** Samples whose attached listeners use two or more ports / protocols / hostnames. */
  severalPorts: number;
  severalProtocols: number;
  severalHostnames: number;
  /** Histogram of forwarding routes per sample: "0", "1-4", "5-19", "20+". */
  routesPerSample: Record<string, number>;
  /** Everything reached, over all samples. */
  ports: number[];
  protocols: string[];
}

export function distribution(all: readonly WorldStats[]): Distribution {
  const bucket = (n: number) => (n === 0 ? "0" : n < 5 ? "1-4" : n < 20 ? "5-19" : "20+");
  const routesPerSample: Record<string, number> = { "0": 0, "1-4": 0, "5-19": 0, "20+": 0 };
  const ports = new Set<number>();
  const protocols = new Set<string>();
  for (const s of all) {
    routesPerSample[bucket(s.forwardingRoutes)]!++;
    for (const p of s.ports) ports.add(p);
    for (const p of s.protocols) protocols.add(p);
  }
  return {
    samples: all.length,
    forwarding: all.filter((s) => s.forwardingRoutes > 0).length,
    severalGateways: all.filter((s) => s.gateways >= 2).length,
    severalPorts: all.filter((s) => s.ports.size >= 2).length,
    severalProtocols: all.filter((s) => s.protocols.size >= 2).length,
    severalHostnames: all.filter((s) => s.hostnames.size >= 2).length,
    routesPerSample,
    ports: [...ports].sort((a, b) => a - b),
    protocols: [...protocols].sort(),
  };
}
