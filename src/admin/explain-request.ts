// Reads an explain request from a query string (GET) or a JSON body (POST): the Gateway, and what
// the request looks like to Envoy. Returns an error sentence for a malformed one.
import type { ExplainRequest } from "../explain/index.ts";

export type ExplainInput = ExplainRequest & { gateway: string };

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function pairs(values: string[], sep: string, what: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf(sep);
    if (i <= 0) return `${what} ${JSON.stringify(v)} must be NAME${sep}VALUE`;
    out[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  return out;
}

export function parseExplain(q: Record<string, unknown>): ExplainInput | string {
  const gateway = typeof q.gateway === "string" ? q.gateway : "";
  if (!/^[^/\s]+\/[^/\s]+$/.test(gateway)) return `gateway must be NAMESPACE/NAME, got ${JSON.stringify(gateway)}`;
  const out: ExplainInput = { gateway };
  if (q.port !== undefined && q.port !== "") {
    const port = Number(q.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `port must be 1-65535, got ${JSON.stringify(q.port)}`;
    out.port = port;
  }
  for (const k of ["sni", "host", "method", "path"] as const) {
    const v = q[k];
    if (v === undefined || v === "") continue;
    if (typeof v !== "string") return `${k} must be a string`;
    out[k] = v;
  }
  if (out.path !== undefined && !out.path.startsWith("/")) return `path must start with /, got ${JSON.stringify(out.path)}`;
  const headers = typeof q.headers === "object" && q.headers && !Array.isArray(q.headers) ? (q.headers as Record<string, string>) : pairs(list(q.header), ":", "header");
  if (typeof headers === "string") return headers;
  if (Object.keys(headers).length) out.headers = headers;
  const query = typeof q.query === "object" && q.query && !Array.isArray(q.query) ? (q.query as Record<string, string>) : pairs(list(q.query), "=", "query");
  if (typeof query === "string") return query;
  if (Object.keys(query).length) out.query = query;
  return out;
}
