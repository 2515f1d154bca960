// IrMirror -> Envoy request_mirror_policies: all requests, or a runtime
// fraction per million.
import { FractionalPercent_DenominatorType } from "../../../gen/envoy/type/v3/percent_pb.js";
import type { IrForwardAction } from "../../ir.ts";
import type { RouteActionInit } from "../../envoy/hooks.ts";

export function emitMirrors(a: IrForwardAction, out: RouteActionInit): void {
  out.requestMirrorPolicies = a.mirrors.map((m) =>
    m.perMillion >= 1_000_000
      ? { cluster: m.cluster }
      : { cluster: m.cluster, runtimeFraction: { defaultValue: { numerator: m.perMillion, denominator: FractionalPercent_DenominatorType.MILLION } } },
  );
}
