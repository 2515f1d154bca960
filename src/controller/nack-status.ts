// Folds the NACKs of connected proxies into the translated status: a Gateway
// whose proxies reject part of its snapshot is not Programmed, and neither are
// the listeners of a rejected Envoy Listener or RouteConfiguration (named
// `<namespace>/<gateway>/<first listener of the port>`, docs/resource-names.md).
// The translator cannot know this; it is the proxies' verdict, so it is
// applied here, after translation, and removed when they ACK again.
import type { ListenerStatus } from "../api/gateway-api.ts";
import type { Condition } from "../api/meta.ts";
import type { ResourceSet } from "../api/resource-set.ts";
import type { StatusUpdate } from "../api/translation.ts";
import type { NackEntry } from "../xds/nack-log.ts";

type GatewayUpdate = Extract<StatusUpdate, { kind: "Gateway" }>;

function describe(n: NackEntry): string {
  const what = `${n.type ?? n.typeUrl}${n.resources.length ? ` ${n.resources.join(", ")}` : ""}`;
  return `proxy ${n.node} rejected ${what}: ${n.message}`;
}

function notProgrammed(conds: readonly Condition[] | undefined, message: string): Condition[] {
  return (conds ?? []).map((c) => (c.type === "Programmed" ? { ...c, status: "False", reason: "Invalid", message } : c));
}

/** Gateway listener names on the same port (and transport) as listener `first`. */
function sharingPort(rs: ResourceSet, key: string, first: string): Set<string> {
  const gw = rs.get("Gateway", key) as { spec?: { listeners?: { name?: unknown; port?: unknown; protocol?: unknown }[] } } | undefined;
  const listeners = Array.isArray(gw?.spec?.listeners) ? gw.spec.listeners : [];
  const udp = (p: unknown) => p === "UDP";
  const f = listeners.find((l) => l?.name === first);
  if (!f) return new Set();
  return new Set(listeners.filter((l) => l?.port === f.port && udp(l?.protocol) === udp(f.protocol)).map((l) => String(l?.name)));
}

/** `statuses` with the NACKs of `nacks` applied to the Gateways they concern. */
export function withNacks(statuses: readonly StatusUpdate[], nacks: readonly NackEntry[], rs: ResourceSet): StatusUpdate[] {
  if (nacks.length === 0) return [...statuses];
  const byKey = Map.groupBy(nacks, (n) => n.snapshot);
  return statuses.map((s) => {
    if (s.kind !== "Gateway") return s;
    const key = `${s.target.namespace ?? "default"}/${s.target.name}`;
    const mine = byKey.get(key);
    if (!mine) return s;
    const first = mine[0]!;
    const gwMessage = `${describe(first)}${mine.length > 1 ? ` (and ${mine.length - 1} more rejection${mine.length > 2 ? "s" : ""})` : ""}`;
    // Listener-scoped rejections: the Envoy Listener or its RouteConfiguration.
    const perListener = new Map<string, NackEntry>();
    for (const n of mine) {
      if (n.type !== "listener" && n.type !== "route") continue;
      for (const r of n.resources) {
        if (!r.startsWith(`${key}/`)) continue;
        for (const l of sharingPort(rs, key, r.slice(key.length + 1))) if (!perListener.has(l)) perListener.set(l, n);
      }
    }
    const listeners = s.status.listeners?.map((l): ListenerStatus => {
      const n = perListener.get(l.name);
      return n ? { ...l, conditions: notProgrammed(l.conditions, describe(n)) } : l;
    });
    const status = { ...s.status, conditions: notProgrammed(s.status.conditions, gwMessage), ...(listeners ? { listeners } : {}) };
    return { ...s, status } satisfies GatewayUpdate;
  });
}
