// `switchyard explain`: which listener, route and backend a request reaches on a running
// control plane, and why, step by step (GET /api/explain).
import { parseArgs } from "node:util";
import type { Explanation } from "../explain/index.ts";
import { UsageError } from "./args.ts";
import { REMOTE_FLAGS, REMOTE_USAGE, adminUrl, getJson, outputOf, printData, short } from "./remote.ts";

export const explainUsage = `Usage: switchyard explain --gateway NS/NAME [flags] [URL|PATH]

Walks the Gateway's translated xDS the way its Envoy handles the request:
listener -> filter chain -> virtual host -> route -> cluster -> endpoints, with
the decision and the reason at each step, and why the nearest other candidates
did not match.

  switchyard explain --gateway default/eg -H 'Host: shop.example.com' /shop
  switchyard explain --gateway default/eg http://shop.example.com:8080/shop
  switchyard explain --gateway default/eg --sni api.example.com -X POST https://api.example.com/v1

A URL gives the host, the port (the Gateway listener's) and, for https, the SNI.

      --gateway NS/NAME   the Gateway (required)
      --port PORT         listener port (default: the only one, or 80/443)
      --sni NAME          TLS server name (HTTPS listeners)
      --host HOST         Host header (default: the SNI)
  -X, --method METHOD     default GET
  -H, --header 'N: V'     a request header (repeatable); 'Host: x' sets the host
      --query N=V         a query parameter (repeatable)
${REMOTE_USAGE}
  -h, --help              show this help`;

type Answer = Explanation & { gateway: string; version: string };

export async function runExplain(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...REMOTE_FLAGS,
        gateway: { type: "string" },
        port: { type: "string" },
        sni: { type: "string" },
        host: { type: "string" },
        method: { type: "string", short: "X" },
        header: { type: "string", short: "H", multiple: true },
        query: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(explainUsage + "\n");
    return 0;
  }
  if (!values.gateway) throw new UsageError("--gateway NS/NAME is required");
  if (positionals.length > 1) throw new UsageError(`one URL or path, got ${positionals.length}: ${positionals.join(" ")}`);
  const admin = adminUrl(values.admin);
  const output = outputOf(values.output);
  const q = new URLSearchParams({ gateway: values.gateway });
  let host = values.host;
  let port = values.port;
  let sni = values.sni;
  let path = "/";
  const target = positionals[0];
  if (target && /^[a-z]+:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`not a URL: ${target}`);
    }
    host ??= url.host;
    port ??= url.port || undefined;
    if (url.protocol === "https:") sni ??= url.hostname;
    path = url.pathname + url.search;
  } else if (target) {
    if (!target.startsWith("/")) throw new UsageError(`the path must start with / (or give a URL), got ${JSON.stringify(target)}`);
    path = target;
  }
  for (const h of values.header ?? []) {
    const i = h.indexOf(":");
    if (i <= 0) throw new UsageError(`-H must be 'Name: value', got ${JSON.stringify(h)}`);
    if (h.slice(0, i).trim().toLowerCase() === "host") host ??= h.slice(i + 1).trim();
    else q.append("header", h);
  }
  for (const x of values.query ?? []) {
    if (!x.includes("=")) throw new UsageError(`--query must be NAME=VALUE, got ${JSON.stringify(x)}`);
    q.append("query", x);
  }
  if (host) q.set("host", host);
  if (port) q.set("port", port);
  if (sni) q.set("sni", sni);
  if (values.method) q.set("method", values.method);
  q.set("path", path);
  const res = await getJson<Answer>(admin, `/api/explain?${q}`);
  if (output !== "table") {
    await printData(res, output, out);
    return 0;
  }
  out(render(res));
  return 0;
}

export function render(res: Answer): string {
  const r = res.request;
  const lines = [`${r.method} ${r.host ?? ""}${r.path} on Gateway ${res.gateway}${r.port ? ` port ${r.port}` : ""}${r.sni ? ` (SNI ${r.sni})` : ""}, snapshot ${short(res.version)}`, ""];
  const width = Math.max(...res.steps.map((s) => s.stage.length));
  for (const s of res.steps) {
    const pad = " ".repeat(width + 4);
    lines.push(`  ${s.stage.padEnd(width)}  ${s.chosen ?? "NO MATCH"}${s.source ? `  (${s.source})` : ""}`);
    lines.push(`${pad}${s.reason}`);
    for (const c of s.rejected ?? []) lines.push(`${pad}  not ${c.name}: ${c.reason}`);
  }
  lines.push("", `=> ${res.outcome.summary}`);
  if (res.outcome.kind === "forward" && res.outcome.backends.length > 1) {
    for (const b of res.outcome.backends) lines.push(`   ${`${Math.round(b.share * 1000) / 10}%`.padStart(6)}  ${b.service ?? b.cluster}  ${b.endpoints.map((e) => e.address).join(", ")}`);
  }
  return lines.join("\n") + "\n";
}
