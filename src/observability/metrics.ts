// Prometheus metrics live in a Registry that the caller owns, so tests and
// several servers in one process never share counters by accident.
import { collectDefaultMetrics, Registry } from "prom-client";

export { Registry };

export function createRegistry(opts: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "switchyard_" });
  return registry;
}
