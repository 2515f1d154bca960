// `switchyard status`: the Gateways and routes of a running control plane with their
// conditions, kubectl-style, then everything that is wrong.
import type { Condition } from "../api/meta.ts";
import type { StatusUpdate } from "../api/translation.ts";
import { isBad, type Problem } from "../report/problems.ts";
import { parse } from "./args.ts";
import { REMOTE_FLAGS, REMOTE_USAGE, adminUrl, getJson, outputOf, printData, short, table } from "./remote.ts";

export const statusUsage = `Usage: switchyard status [--admin URL] [-o table|json|yaml]

Shows the Gateways and routes a running control plane serves, their conditions,
the proxies of each Gateway, and every problem: input errors, False conditions,
resources withheld by validation, and NACKs.

${REMOTE_USAGE}
  -h, --help              show this help`;

interface Summary {
  ready: boolean;
  problems: number;
}
interface Snapshot {
  key: string;
  version: string;
}
interface Proxy {
  gateway: string;
  state: string;
}

const cond = (conds: readonly Condition[] | undefined, type: string) => conds?.find((c) => c.type === type)?.status ?? "-";
const firstBad = (conds: readonly Condition[]) => conds.find(isBad);

export async function runStatus(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse(argv, REMOTE_FLAGS);
  if (values.help) {
    out(statusUsage + "\n");
    return 0;
  }
  const admin = adminUrl(values.admin);
  const output = outputOf(values.output);
  const [summary, snapshots, statuses, proxies, problems] = await Promise.all([
    getJson<Summary>(admin, "/api/summary"),
    getJson<Snapshot[]>(admin, "/api/snapshots"),
    getJson<StatusUpdate[]>(admin, "/api/status"),
    getJson<Proxy[]>(admin, "/api/proxies"),
    getJson<Problem[]>(admin, "/api/problems"),
  ]);
  if (output !== "table") {
    await printData({ ready: summary.ready, snapshots, statuses, proxies, problems }, output, out);
    return 0;
  }
  const state = !summary.ready ? "not ready" : summary.problems ? `serving, ${summary.problems} problem${summary.problems === 1 ? "" : "s"}` : "ready, no problems";
  out(`${admin}: ${state}\n\n`);
  const version = new Map(snapshots.map((s) => [s.key, s.version]));
  const gateways = statuses.filter((s): s is Extract<StatusUpdate, { kind: "Gateway" }> => s.kind === "Gateway");
  out(
    table(
      ["Gateway", "Accepted", "Programmed", "Listeners", "Proxies", "Version"],
      gateways.map((g) => {
        const key = `${g.target.namespace}/${g.target.name}`;
        const mine = proxies.filter((p) => p.gateway === key);
        return [key, cond(g.status.conditions, "Accepted"), cond(g.status.conditions, "Programmed"), (g.status.listeners ?? []).map((l) => `${l.name}(${l.attachedRoutes})`).join(",") || "-", `${mine.filter((p) => p.state === "SYNCED").length}/${mine.length} synced`, short(version.get(key))];
      }),
    ),
  );
  const routes = statuses.filter((s): s is Extract<StatusUpdate, { parents: unknown }> => "parents" in s);
  if (routes.length) {
    out("\n");
    out(
      table(
        ["Route", "Parent", "Accepted", "ResolvedRefs", "Problem"],
        routes.flatMap((r) =>
          r.parents.map((p) => {
            const ref = p.parentRef as { namespace?: string; name: string; sectionName?: string; kind?: string };
            const bad = firstBad(p.conditions);
            return [`${r.kind} ${r.target.namespace}/${r.target.name}`, `${ref.kind && ref.kind !== "Gateway" ? `${ref.kind} ` : ""}${ref.namespace ?? r.target.namespace}/${ref.name}${ref.sectionName ? `/${ref.sectionName}` : ""}`, cond(p.conditions, "Accepted"), cond(p.conditions, "ResolvedRefs"), bad ? `${bad.reason}: ${bad.message}` : ""];
          }),
        ),
      ),
    );
  }
  if (problems.length) {
    out(`\nProblems (${problems.length}):\n`);
    out(table(["Kind", "Object", "Where", "Condition", "Message"], problems.map((p) => [p.category, p.object, p.where ?? "", `${p.type} ${p.reason}`, p.message])));
  }
  return 0;
}
