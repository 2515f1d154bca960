// Shared bits for the kubernetes watch tests: short timings and waiting on conditions.
import type { InformerTiming } from "../../../src/watch/kubernetes/informer.ts";

/** Durations short enough for tests; client-node's reconnect delays are divided by 100. */
export const FAST_TIMING: Partial<InformerTiming> = {
  listPageSize: 2,
  listTimeoutMs: 1_000,
  watchIdleTimeoutMs: 1_500,
  restartInitialMs: 20,
  restartMaxMs: 200,
  relistIntervalMs: 0,
  reconnectDelay: (ms) => new Promise((r) => setTimeout(r, ms / 100)),
};

/**
 * Resolves when check() returns true; checked whenever `subscribe` signals and
 * on a short poll as a fallback. Rejects after timeoutMs with the message.
 */
export function waitFor(check: () => boolean, message: string, timeoutMs = 5_000, subscribe?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let done = false;
    const test = () => {
      if (done) return;
      let ok = false;
      try {
        ok = check();
      } catch {
        ok = false;
      }
      if (ok) {
        done = true;
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        done = true;
        clearInterval(poll);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${message}`));
      }
    };
    const poll = setInterval(test, 10);
    subscribe?.(test);
    test();
  });
}
