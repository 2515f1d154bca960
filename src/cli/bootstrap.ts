// `switchyard bootstrap`: prints an Envoy bootstrap for one Gateway.
import { stringify } from "yaml";
import { bootstrapJson } from "../infra/bootstrap.ts";
import { xdsClusterTransportSocketJson } from "../infra/bootstrap-tls.ts";
import { envOr, oneOf, parse, portOf, UsageError } from "./args.ts";

/** Not 19000: that is switchyard's admin port, and `bootstrap` output is run on the same machine. */
export const DEFAULT_ENVOY_ADMIN_PORT = 19001;

export const bootstrapUsage = `Usage: switchyard bootstrap --gateway NAMESPACE/NAME [options]

Prints the Envoy bootstrap that connects an Envoy to switchyard as the proxy of
one Gateway: ADS for listeners and clusters, node.cluster = NAMESPACE/NAME.
Run Envoy with it: envoy -c bootstrap.yaml --service-node <pod-name>

Options:
  -g, --gateway NS/NAME     the Gateway this Envoy serves (required)
      --xds-host HOST       switchyard's xDS address (default $SWITCHYARD_XDS_HOST or 127.0.0.1)
      --xds-port PORT       switchyard's xDS port (default $SWITCHYARD_XDS_PORT or 18000)
      --node-id ID          node.id (default envoy-<ns>-<name>)
      --delta               use incremental (Delta) xDS
      --admin-port PORT     Envoy's admin port on 127.0.0.1 (default 19001: switchyard's own admin
                            has 19000, so both run on one machine)
      --readiness-port PORT port of Envoy's GET /ready listener (default 19003)
      --xds-tls-dir DIR     connect over mTLS with DIR/tls.crt, tls.key and ca.crt as Envoy sees
                            them (the Gateway's certificate from \`switchyard certgen\`)
      --xds-server-name N   name the xDS server certificate must carry (default
                            switchyard.switchyard-system.svc; an IP is checked as an IP SAN)
  -o, --output FORMAT       yaml (default) or json
  -h, --help                show this help`;

export function runBootstrap(argv: string[], out: (s: string) => void): number {
  const { values } = parse(argv, {
    gateway: { type: "string", short: "g" },
    "xds-host": { type: "string" },
    "xds-port": { type: "string" },
    "node-id": { type: "string" },
    delta: { type: "boolean", default: false },
    "admin-port": { type: "string" },
    "readiness-port": { type: "string" },
    "xds-tls-dir": { type: "string" },
    "xds-server-name": { type: "string" },
    output: { type: "string", short: "o", default: "yaml" },
  });
  if (values.help) {
    out(bootstrapUsage + "\n");
    return 0;
  }
  if (!values.gateway) throw new UsageError("bootstrap needs --gateway NAMESPACE/NAME");
  const output = oneOf(values.output, ["yaml", "json"] as const, "--output");
  let json;
  try {
    json = bootstrapJson({
      gateway: values.gateway,
      nodeId: values["node-id"],
      xdsHost: envOr(values["xds-host"], "SWITCHYARD_XDS_HOST", "127.0.0.1"),
      xdsPort: portOf(envOr(values["xds-port"], "SWITCHYARD_XDS_PORT", "18000"), "--xds-port"),
      delta: values.delta,
      adminPort: portOf(values["admin-port"] ?? String(DEFAULT_ENVOY_ADMIN_PORT), "--admin-port"),
      readinessPort: portOf(values["readiness-port"] ?? "19003", "--readiness-port"),
      xdsClusterExtra:
        values["xds-tls-dir"] || values["xds-server-name"]
          ? { transportSocket: xdsClusterTransportSocketJson({ certDir: values["xds-tls-dir"], serverName: values["xds-server-name"] }) }
          : undefined,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  out(output === "json" ? JSON.stringify(json, null, 2) + "\n" : stringify(json, { lineWidth: 0 }));
  return 0;
}
