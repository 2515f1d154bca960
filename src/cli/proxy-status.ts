// `switchyard proxy-status`: per connected proxy and resource type, SYNCED / STALE / NACKED,
// like `istioctl proxy-status`, tied to the snapshot versions.
import type { ProxyRow } from "../admin/proxies.ts";
import { parse } from "./args.ts";
import { REMOTE_FLAGS, REMOTE_USAGE, adminUrl, getJson, outputOf, printData, short, table } from "./remote.ts";

export const proxyStatusUsage = `Usage: switchyard proxy-status [--admin URL] [-o table|json|yaml]

Lists the proxies connected to a running control plane. Per resource type:
SYNCED when the proxy ACKed the version the snapshot has now, STALE while it
has not, NACKED when it rejected it (the message follows the table). SYNCED
VERSION is the snapshot version the proxy holds in full; SNAPSHOT is the
version now.

${REMOTE_USAGE}
  -h, --help              show this help`;

const COLS = [
  ["cluster", "CDS"],
  ["listener", "LDS"],
  ["endpoint", "EDS"],
  ["route", "RDS"],
  ["secret", "SDS"],
] as const;

export async function runProxyStatus(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse(argv, REMOTE_FLAGS);
  if (values.help) {
    out(proxyStatusUsage + "\n");
    return 0;
  }
  const admin = adminUrl(values.admin);
  const output = outputOf(values.output);
  const rows = await getJson<ProxyRow[]>(admin, "/api/proxies");
  if (output !== "table") {
    await printData(rows, output, out);
    return 0;
  }
  if (rows.length === 0) {
    out(`no proxy is connected to ${admin}\n`);
    return 0;
  }
  out(table(["Proxy", "Gateway", ...COLS.map(([, c]) => c), "Synced version", "Snapshot", "Protocol"], rows.map((p) => [p.node, p.gateway, ...COLS.map(([t]) => p.types[t].state), short(p.syncedVersion), short(p.snapshotVersion), p.protocol])));
  for (const p of rows) {
    for (const [t, c] of COLS) {
      const s = p.types[t];
      if (s.message !== undefined) out(`\n${p.node} rejected ${c} version ${short(s.nacked)}: ${s.message}\n`);
    }
  }
  return 0;
}
