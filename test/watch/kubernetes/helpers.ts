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
 * Resolves when check() returns true. It is checked whenever `subscribe`
 * signals and on a short poll as a fallback; rejects after timeoutMs.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, message: string, timeoutMs = 5_000, subscribe?: (wake: () => void) => void): Promise<void> {
  const started = Date.now();
  let wake: () => void = () => undefined;
  subscribe?.(() => wake());
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${message}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 10);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

import { Writable } from "node:stream";
import type { Registry } from "prom-client";
import { createLogger, type Logger } from "../../../src/observability/log.ts";

/** A pino logger whose JSON lines are kept for assertions. */
export function captureLogger(level = "info"): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ level, destination }), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Sum of a counter or gauge's values (optionally for one label set). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const got = await m.get();
  return got.values
    .filter((v) => Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}
