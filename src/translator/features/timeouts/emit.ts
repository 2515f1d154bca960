// Timeouts and retry -> Envoy's route timeout and retry_policy.
import type { IrForwardAction } from "../../ir.ts";
import { duration } from "../../envoy/common.ts";
import type { RouteActionInit } from "../../envoy/hooks.ts";

export function emitTimeouts(a: IrForwardAction, v: RouteActionInit): void {
  if (a.timeoutSeconds !== undefined) v.timeout = duration(a.timeoutSeconds);
  if (a.retry) {
    const on = ["connect-failure", "refused-stream", "reset"];
    if (a.retry.codes.length > 0) on.push("retriable-status-codes");
    v.retryPolicy = { retryOn: on.join(","), numRetries: a.retry.attempts, retriableStatusCodes: a.retry.codes };
    if (a.perTryTimeoutSeconds !== undefined && a.perTryTimeoutSeconds > 0) v.retryPolicy.perTryTimeout = duration(a.perTryTimeoutSeconds);
    if (a.retry.backoffSeconds !== undefined) v.retryPolicy.retryBackOff = { baseInterval: duration(a.retry.backoffSeconds) };
  }
}
