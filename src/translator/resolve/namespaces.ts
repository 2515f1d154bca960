// Label selectors, as allowedRoutes.namespaces.selector uses them.
import type { LabelSelector } from "../../api/gateway-api.ts";

export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const val = l[e.key];
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(val as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(val as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
