// `switchyard config <gateway> listeners|routes|clusters|endpoints`: one Gateway's Envoy
// configuration on a running control plane, as tables, or as the raw xDS resources (-o json|yaml).
import type { GatewayTree } from "../admin/tree.ts";
import { parseArgs } from "node:util";
import { UsageError } from "./args.ts";
import { REMOTE_FLAGS, REMOTE_USAGE, adminUrl, getJson, outputOf, printData, table } from "./remote.ts";

export const configUsage = `Usage: switchyard config NS/NAME listeners|routes|clusters|endpoints|secrets [--admin URL] [-o table|json|yaml]

Shows what a Gateway's Envoy is served: listeners and their filter chains,
virtual hosts and routes (in the order Envoy tries them, with the Gateway API
rule behind each), clusters and endpoints. -o json|yaml prints the xDS
resources themselves (private keys redacted).

${REMOTE_USAGE}
  -h, --help              show this help`;

const WHAT = { listeners: "listener", routes: "route", clusters: "cluster", endpoints: "endpoint", secrets: "secret" } as const;
type What = keyof typeof WHAT;

export async function runConfig(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...REMOTE_FLAGS, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(configUsage + "\n");
    return 0;
  }
  const [gateway, what, ...extra] = positionals;
  if (!gateway || !/^[^/\s]+\/[^/\s]+$/.test(gateway)) throw new UsageError(`the first argument must be a Gateway NS/NAME, got ${JSON.stringify(gateway ?? "")}`);
  if (!what || !(what in WHAT)) throw new UsageError(`the second argument must be listeners, routes, clusters, endpoints or secrets, got ${JSON.stringify(what ?? "")}`);
  if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const admin = adminUrl(values.admin);
  const output = outputOf(values.output);
  if (output !== "table") {
    const snap = await getJson<{ version: string; resources: Record<string, unknown[]> }>(admin, `/api/snapshots/${gateway}?type=${WHAT[what as What]}`);
    await printData(snap.resources[WHAT[what as What]], output, out);
    return 0;
  }
  const tree = await getJson<GatewayTree>(admin, `/api/gateways/${gateway}`);
  out(render(tree, what as What));
  return 0;
}

export function render(tree: GatewayTree, what: What): string {
  switch (what) {
    case "listeners":
      return table(
        ["Listener", "Port", "Filter chain", "Match", "Handled by"],
        tree.listeners.flatMap((l) => l.chains.map((c, i) => [i === 0 ? l.name : "", i === 0 ? `${l.port ?? "?"}/${l.protocol}` : "", c.name, c.serverNames.length ? `SNI ${c.serverNames.join(",")}` : c.tls ? "TLS" : "any", c.handler === "http" ? `HTTP -> ${c.routeConfig ?? "?"}` : c.handler === "tcp" ? `TCP -> ${(c.clusters ?? []).join(",")}` : c.handler])),
      );
    case "routes":
      return table(
        ["Virtual host", "Domains", "#", "Match", "Action", "Backends", "From"],
        tree.virtualHosts.flatMap((v) =>
          v.routes.length === 0
            ? [[v.name, v.domains.join(","), "", "", "", "", ""]]
            : v.routes.map((r, i) => [i === 0 ? v.name : "", i === 0 ? v.domains.join(",") : "", String(i + 1), r.match, r.action, r.clusters.map((c) => `${c.name}${c.weight !== undefined ? `=${c.weight}` : ""}`).join(" ") || "-", r.source ?? ""]),
        ),
      );
    case "clusters":
      return table(["Cluster", "Backend", "Type", "TLS", "Endpoints"], tree.clusters.map((c) => [c.name, c.source ?? "", c.type, c.tls ? "yes" : "no", `${c.healthy}/${c.endpoints} healthy`]));
    case "endpoints":
      return table(["Cluster", "Address", "Zone", "Health"], tree.endpoints.map((e) => [e.cluster, e.address, e.zone ?? "", e.health]));
    case "secrets":
      return table(["Secret"], tree.secrets.map((s) => [s]));
  }
}
