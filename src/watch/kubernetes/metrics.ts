// Prometheus metrics of the kubernetes source, status writer and leader election.
// Registered on the caller's Registry; getOrCreate lets two components share one.
import { Counter, Gauge, type Registry } from "prom-client";

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export interface SourceMetrics {
  lists: Counter<"kind">;
  relists: Counter<"kind">;
  watchConnects: Counter<"kind">;
  informerErrors: Counter<"kind">;
  informerRestarts: Counter<"kind">;
  synced: Gauge<string>;
  objects: Gauge<"kind">;
}

export function sourceMetrics(registry: Registry): SourceMetrics {
  return {
    lists: counter(registry, "switchyard_kube_lists_total", "Completed (paged) lists per kind", ["kind"]),
    relists: counter(registry, "switchyard_kube_periodic_relists_total", "Periodic relists swapped in per kind", ["kind"]),
    watchConnects: counter(registry, "switchyard_kube_watch_connects_total", "Watch (re)connections per kind", ["kind"]),
    informerErrors: counter(registry, "switchyard_kube_informer_errors_total", "Errors that stopped an informer, per kind", ["kind"]),
    informerRestarts: counter(registry, "switchyard_kube_informer_restarts_total", "Informer restarts after an error, per kind", ["kind"]),
    synced: gauge(registry, "switchyard_kube_synced", "1 once every informer has listed once", []),
    objects: gauge(registry, "switchyard_kube_objects", "Objects in the current ResourceSet per kind", ["kind"]),
  };
}

export interface StatusMetrics {
  writes: Counter<"kind" | "result">;
  queue: Gauge<string>;
  apiErrors: Counter<"component" | "code">;
}

export function statusMetrics(registry: Registry): StatusMetrics {
  return {
    writes: counter(registry, "switchyard_status_writes_total", "Status write attempts by kind and result", ["kind", "result"]),
    queue: gauge(registry, "switchyard_status_queue_depth", "Objects waiting for a status write", []),
    apiErrors: apiErrorMetric(registry),
  };
}

/** Non-2xx answers of the API server (409, 422, 429, 403, 5xx ...) by component and HTTP status code. */
export function apiErrorMetric(registry: Registry): Counter<"component" | "code"> {
  return counter(registry, "switchyard_kube_api_errors_total", "Error answers of the API server by component and HTTP status", ["component", "code"]);
}

export interface LeaderMetrics {
  leader: Gauge<string>;
  transitions: Counter<string>;
  apiErrors: Counter<"component" | "code">;
}

export function leaderMetrics(registry: Registry): LeaderMetrics {
  return {
    leader: gauge(registry, "switchyard_leader", "1 while this replica holds the leader lease", []),
    transitions: counter(registry, "switchyard_leader_transitions_total", "Times this replica started or stopped leading", []),
    apiErrors: apiErrorMetric(registry),
  };
}
