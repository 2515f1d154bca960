// The RequestMirror filter -> IrMirror per filter, in order, each to the
// cluster of its backendRef; a ref that does not resolve is left out and
// reported (ResolvedRefs=False), the rule stays valid.
import type { HTTPRouteFilter, HTTPRouteRule } from "../../../api/gateway-api.ts";
import type { IrCluster, IrMirror } from "../../ir.ts";
import type { RuleContext } from "../../resolve/hooks.ts";

export function checkMirror(f: HTTPRouteFilter): string | undefined {
  return f.requestMirror?.backendRef ? undefined : "requestMirror needs a backendRef";
}

function ruleMirrors(rule: HTTPRouteRule): NonNullable<HTTPRouteFilter["requestMirror"]>[] {
  return (Array.isArray(rule.filters) ? rule.filters : []).flatMap((f) => (f?.type === "RequestMirror" && f.requestMirror ? [f.requestMirror] : []));
}

export function resolveMirrors(ctx: RuleContext): { mirrors: IrMirror[]; clusters: IrCluster[] } {
  const mirrors: IrMirror[] = [];
  const clusters: IrCluster[] = [];
  for (const m of ruleMirrors(ctx.rule)) {
    const res = ctx.clusters.resolve(m.backendRef, ctx.kind, ctx.namespace);
    if (!res.ok) {
      ctx.refProblem({ ok: false, reason: res.reason, message: res.message });
      continue;
    }
    clusters.push(res.cluster);
    mirrors.push({ cluster: res.cluster.name, perMillion: mirrorPerMillion(m) });
  }
  return { mirrors, clusters };
}

function mirrorPerMillion(m: { percent?: number; fraction?: { numerator: number; denominator?: number } }): number {
  if (typeof m.percent === "number") return clampMillion(Math.round(m.percent * 10_000));
  if (m.fraction && typeof m.fraction.numerator === "number") {
    const den = typeof m.fraction.denominator === "number" && m.fraction.denominator > 0 ? m.fraction.denominator : 100;
    return clampMillion(Math.round((m.fraction.numerator * 1_000_000) / den));
  }
  return 1_000_000;
}

function clampMillion(n: number): number {
  return Number.isFinite(n) ? Math.min(1_000_000, Math.max(0, n)) : 1_000_000;
}
