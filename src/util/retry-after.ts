// How long the API server asks a client to wait: the Retry-After of a 429 Too Many Requests (API Priority
// and Fairness), shared by the status writer and the provisioner so both back off the same way.

/** Longest wait we take from a Retry-After: a broken or hostile value must not park a writer for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A 429 without Retry-After still means "not now": wait this long. */
const DEFAULT_THROTTLE_MS = 1_000;

/** Retry-After in delta-seconds (what kube-apiserver sends; an HTTP date is ignored), in ms; header names in any case. */
export function parseRetryAfter(headers: Readonly<Record<string, string>> | undefined): number | undefined {
  const raw = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === "retry-after")?.[1];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Math.min(Number(raw) * 1000, MAX_RETRY_AFTER_MS);
}

/** For an answer with HTTP `status` and the server's Retry-After (ms): how long every write should wait; undefined unless throttled. */
export function throttleMs(status: number | undefined, retryAfterMs: number | undefined): number | undefined {
  return status === 429 ? (retryAfterMs ?? DEFAULT_THROTTLE_MS) : undefined;
}
