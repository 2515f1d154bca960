// What explain takes and gives. The config it walks is the proto3 JSON form of a Gateway's
// snapshot (what /api/snapshots serves), so the answer names exactly what Envoy was sent.

/** One JSON object of the snapshot, read field by field. */
export type Json = Record<string, unknown>;

/** A Gateway's resources in proto3 JSON, by type (src/api/xds-json.ts). */
export interface SnapshotJson {
  listener?: Json[];
  route?: Json[];
  cluster?: Json[];
  endpoint?: Json[];
}

export interface ExplainRequest {
  /** Listener port; default: the only listener, else 443 with `sni`, else 80, else the first. */
  port?: number;
  /** TLS server name; absent for plain TCP/HTTP. */
  sni?: string;
  /** Host (:authority); default: the SNI. */
  host?: string;
  method?: string;
  /** Path, optionally with a query string. */
  path?: string;
  headers?: Record<string, string>;
  /** Query parameters besides those in `path`. */
  query?: Record<string, string>;
}

export type Stage = "listener" | "filter chain" | "network filter" | "virtual host" | "route" | "cluster" | "endpoints";

/** A candidate that was considered at a step and not chosen, and why. */
export interface Candidate {
  name: string;
  reason: string;
}

export interface Step {
  stage: Stage;
  /** What was chosen; absent when nothing matched. */
  chosen?: string;
  /** Why it was chosen, or why nothing was. */
  reason: string;
  /** The candidates that did not match, nearest first (bounded). */
  rejected?: Candidate[];
  /** The Gateway API object behind the chosen resource, e.g. `HTTPRoute default/shop rule 0 match 0`. */
  source?: string;
}

export interface Endpoint {
  address: string;
  health: string;
  zone?: string;
}

export interface Backend {
  cluster: string;
  /** Share of requests, 0..1. */
  share: number;
  weight?: number;
  /** The Service behind the cluster, e.g. `Service default/shop-v2 port 8080`. */
  service?: string;
  /** Whether the snapshot has this cluster at all. */
  exists: boolean;
  endpoints: Endpoint[];
}

export type Outcome =
  | { kind: "forward"; backends: Backend[]; summary: string }
  | { kind: "redirect"; status: number; location: string; summary: string }
  | { kind: "direct-response"; status: number; summary: string }
  | { kind: "rejected"; status?: number; summary: string };

export interface Explanation {
  request: Required<Pick<ExplainRequest, "method" | "path">> & ExplainRequest;
  steps: Step[];
  outcome: Outcome;
}
