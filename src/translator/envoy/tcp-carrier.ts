// Which of the L4 routes sharing a TCP/UDP listener carries its traffic: the
// one with the smallest `order` (oldest, then namespace/name; see
// resolve/l4routes.ts). The others stay Accepted but get no traffic.
import type { IrL4Route, IrListener } from "../ir.ts";

export function carrier(l: IrListener): IrL4Route | undefined {
  let best: IrL4Route | undefined;
  for (const r of l.l4Routes) {
    if (!best || (r.order ?? "") < (best.order ?? "")) best = r;
  }
  return best;
}
