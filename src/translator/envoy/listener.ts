// IR listeners -> Envoy Listeners. HTTP(S) ports get an HttpConnectionManager
// that fetches its routes over RDS on the ADS stream, with the router last.
// Filter chains carry TLS when an HTTPS resolver set it (see tls emitter).
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { FilterChainSchema } from "../../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { RouterSchema } from "../../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { IrFilterChain, IrListener } from "../ir.ts";
import { adsConfigSource, pack } from "./common.ts";
import { statPrefix } from "../names.ts";
import type { EmitHooks, HttpFilterInit } from "./hooks.ts";
import { needsListenerPortStripped } from "./redirect-port.ts";

export const HCM_FILTER = "envoy.filters.network.http_connection_manager";
export const ROUTER_FILTER = "envoy.filters.http.router";

type ChainInit = MessageInitShape<typeof FilterChainSchema>;

/**
 * Hooks for other emitters: the TLS emitter (tls-hooks.ts) decorates HTTPS/TLS
 * filter chains and listeners and emits the listeners of other protocols.
 */
export interface ListenerHooks {
  decorateChain?: (chain: ChainInit, ir: IrFilterChain, l: IrListener) => void;
  /** Adds to a finished HTTP(S) listener (e.g. listener filters such as tls_inspector). */
  decorateListener?: (listener: MessageInitShape<typeof ListenerSchema>, l: IrListener) => void;
  /** Emits a listener this module does not handle (TLS passthrough, TCP, UDP). */
  other?: (l: IrListener) => Listener | undefined;
}

function connectionManager(l: IrListener, filters: HttpFilterInit[], routeConfigName: string, stripListenerPort: boolean): ReturnType<typeof pack> {
  return pack(HttpConnectionManagerSchema, {
    statPrefix: statPrefix(l.name),
    routeSpecifier: { case: "rds", value: { configSource: adsConfigSource(), routeConfigName } },
    httpFilters: filters,
    // kubernetes.io/ws backends: let WebSocket upgrades through.
    upgradeConfigs: [{ upgradeType: "websocket" }],
    normalizePath: true,
    mergeSlashes: true,
    // Routing ignores Host ports (the route table sets ignore_port_in_host_matching), and backends get
    // Host as sent. Only a table with a portless redirect to the request's host drops the listener's
    // own port first (redirect-port.ts).
    stripMatchingHostPort: stripListenerPort,
  });
}

export function emitListener(l: IrListener, features: readonly EmitHooks[], hooks: ListenerHooks = {}): Listener | undefined {
  if (l.protocol !== "HTTP" && l.protocol !== "HTTPS") return hooks.other?.(l);
  const filters: HttpFilterInit[] = [];
  for (const f of features) if (f.httpFilters) filters.push(...f.httpFilters(l));
  filters.push({ name: ROUTER_FILTER, configType: { case: "typedConfig", value: pack(RouterSchema, {}) } });
  // One connection manager per route table: several HTTPS listeners on a port each have their own.
  const hcms = new Map<string, ReturnType<typeof pack>>();
  const hcmFor = (c: IrFilterChain) => {
    const rc = c.routeTable?.name ?? l.routeConfigName;
    let hcm = hcms.get(rc);
    if (!hcm) hcms.set(rc, (hcm = connectionManager(l, filters, rc, needsListenerPortStripped(c.routeTable?.virtualHosts ?? l.virtualHosts))));
    return hcm;
  };
  // TLS listeners' chains carry TLSRoutes: the TLS hooks add them (tls-hooks.ts).
  const filterChains = l.filterChains.filter((c) => !c.l4).map((c) => {
    const chain: ChainInit = {
      name: c.name,
      filters: [{ name: HCM_FILTER, configType: { case: "typedConfig", value: hcmFor(c) } }],
    };
    if (c.serverNames.length > 0 && c.tls) chain.filterChainMatch = { serverNames: c.serverNames };
    hooks.decorateChain?.(chain, c, l);
    return chain;
  });
  const listener: MessageInitShape<typeof ListenerSchema> = {
    name: l.name,
    address: { address: { case: "socketAddress", value: { address: "0.0.0.0", portSpecifier: { case: "portValue", value: l.port } } } },
    filterChains,
  };
  hooks.decorateListener?.(listener, l);
  return create(ListenerSchema, listener);
}
