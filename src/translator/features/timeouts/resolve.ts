// A rule's timeouts (request, backendRequest) and retry (GEP-1731): checked
// values for IrForwardAction; a value Envoy cannot take makes the rule invalid.
import type { HTTPRouteRule } from "../../../api/gateway-api.ts";
import type { IrForwardFeatures } from "../../ir.ts";
import { parseDuration } from "../../resolve/values.ts";

export interface Timeouts {
  request?: number;
  backendRequest?: number;
  retry?: { codes: number[]; attempts: number; backoffSeconds?: number };
}

export function ruleTimeouts(rule: HTTPRouteRule): Timeouts | string {
  const t: Timeouts = {};
  if (rule.timeouts?.request !== undefined) {
    const v = parseDuration(rule.timeouts.request);
    if (v === undefined) return `timeouts.request ${String(rule.timeouts.request)} is not a valid duration`;
    t.request = v;
  }
  if (rule.timeouts?.backendRequest !== undefined) {
    const v = parseDuration(rule.timeouts.backendRequest);
    if (v === undefined) return `timeouts.backendRequest ${String(rule.timeouts.backendRequest)} is not a valid duration`;
    if (t.request !== undefined && t.request !== 0 && v > t.request) return "timeouts.backendRequest must not exceed timeouts.request";
    t.backendRequest = v;
  }
  if (rule.retry) {
    const codes = Array.isArray(rule.retry.codes) ? rule.retry.codes.filter((c) => Number.isInteger(c) && c >= 400 && c <= 599) : [];
    const attempts = typeof rule.retry.attempts === "number" && Number.isInteger(rule.retry.attempts) && rule.retry.attempts >= 0 ? rule.retry.attempts : 1;
    const retry: Timeouts["retry"] = { codes: [...new Set(codes)].sort((a, b) => a - b), attempts };
    if (rule.retry.backoff !== undefined) {
      const b = parseDuration(rule.retry.backoff);
      if (b === undefined) return `retry.backoff ${String(rule.retry.backoff)} is not a valid duration`;
      if (b > 0) retry.backoffSeconds = b;
    }
    if (attempts > 0) t.retry = retry;
  }
  return t;
}

/** `request` bounds the whole exchange; `backendRequest` is the per-try timeout when retries are on. */
export function applyTimeouts(t: Timeouts, out: IrForwardFeatures): void {
  const timeout = t.request ?? t.backendRequest;
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  if (t.backendRequest !== undefined && t.retry) out.perTryTimeoutSeconds = t.backendRequest;
  if (t.retry) out.retry = t.retry;
}
