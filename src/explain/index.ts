// Explain: which listener, route and backend a request reaches, and why (docs/explain.md).
export { explain, clusterSource, routeSource, portOf } from "./explain.ts";
export type { Backend, Candidate, Endpoint, ExplainRequest, Explanation, Outcome, SnapshotJson, Step } from "./types.ts";
