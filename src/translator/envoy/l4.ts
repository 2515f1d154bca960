// TCP and UDP ports of a Gateway: their listeners (and UDP split clusters),
// added to the snapshot after the HTTP(S) resources (envoy/index.ts emitGateway).
import type { XdsResources } from "../../api/xds.ts";
import type { IrGateway } from "../ir.ts";
import { tcpListener } from "./tcp.ts";
import { udpResources } from "./udp.ts";

export function emitL4(g: IrGateway, out: XdsResources): void {
  for (const l of g.listeners) {
    if (l.protocol === "TCP") {
      const listener = tcpListener(l);
      if (listener) out.listeners.push(listener);
    } else if (l.protocol === "UDP") {
      const r = udpResources(l, g.clusters);
      if (r.listener) out.listeners.push(r.listener);
      out.clusters.push(...r.clusters);
      out.endpoints.push(...r.endpoints);
    }
  }
}
