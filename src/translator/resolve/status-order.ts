// The order of a translation's statuses: by kind, then namespace/name.
import type { StatusUpdate } from "../../api/translation.ts";

export function compareStatus(a: StatusUpdate, b: StatusUpdate): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  const ka = `${a.target.namespace ?? ""}/${a.target.name}`;
  const kb = `${b.target.namespace ?? ""}/${b.target.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
