// Explain checked against a real Envoy: for a request the conformance suite sent, what
// /api/explain predicts must be what Envoy did. A backend answered: one of the explained
// backends has the answering echo's address. Envoy answered 404 or a redirect itself: explain
// says so, with the same status.
import type { Explanation } from "../../src/explain/index.ts";
import type { Req } from "./conformance-cases.ts";
import type { ConformanceWorld } from "./conformance-world.ts";
import type { DataPlane, HttpResult } from "./harness.ts";
import { HOST_IP } from "./netns.ts";

export interface ExplainTally {
  agreed: number;
  checked: number;
}

/** Undefined when explain agrees with Envoy (or the answer is not one explain predicts); else why not. */
export async function explainDisagrees(dp: DataPlane, world: ConformanceWorld, gateway: string, r: Req, path: string, res: HttpResult, tally: ExplainTally): Promise<string | undefined> {
  const port = r.port ?? (r.sni ? 443 : 80);
  const headers = Object.entries(r.headers ?? {}).filter(([k]) => k.toLowerCase() !== "host");
  const host = r.host ?? Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === "host")?.[1] ?? (port === 80 ? dp.proxy(gateway).addr : `${dp.proxy(gateway).addr}:${port}`);
  const q = new URLSearchParams({ gateway, port: String(port), host, path, method: r.method ?? "GET" });
  if (r.sni) q.set("sni", r.sni);
  for (const [k, v] of headers) q.append("header", `${k}: ${v}`);
  const { status, body } = await dp.admin(`/api/explain?${q}`);
  if (status !== 200) return `explain answered ${status}: ${JSON.stringify(body)}`;
  const e = body as Explanation;
  let why: string | undefined;
  if (res.echo) {
    const echo = world.echoes.get(`${res.echo.namespace ?? ""}/${res.echo.service}`);
    if (!echo) return undefined; // An echo the world does not know (a test's own backend): nothing to compare.
    const addr = `${HOST_IP}:${echo.port}`;
    const predicted = e.outcome.kind === "forward" ? e.outcome.backends.flatMap((b) => b.endpoints.map((x) => x.address)) : [];
    if (!predicted.includes(addr)) why = `${res.echo.namespace}/${res.echo.service} answered, explain says: ${e.outcome.summary}`;
  } else if (res.status === 404 || (res.status >= 300 && res.status < 400)) {
    const got = e.outcome.kind === "direct-response" || e.outcome.kind === "redirect" ? e.outcome.status : undefined;
    if (got !== res.status) why = `Envoy answered ${res.status} itself, explain says: ${e.outcome.summary}`;
  } else return undefined;
  tally.checked += 1;
  if (!why) tally.agreed += 1;
  return why && `explain disagrees with Envoy: ${why}`;
}
