// translate(): Gateway API ResourceSet -> per-Gateway xDS resources + status.
// Pure and deterministic: no clock, randomness, I/O or logging; never throws on
// user input. Bad input becomes status conditions; as a last line of defence a
// resolver bug on one route makes only that route unusable (resolve/index.ts
// safeCompile), and the property tests assert that never triggers.
//
// Stages and extension points:
//   resolve/  Gateway API semantics and status -> IR (ir.ts)
//             - listener protocols: resolve/listeners.ts LISTENER_PROTOCOLS
//             - route kinds:        resolve/route-kinds.ts ROUTE_KINDS
//             - features claimed:   resolve/supported-features.ts and each feature's supportedFeatures
//   envoy/    IR -> Envoy resources; their names come from names.ts, which
//             resolve/ uses too (resolve/ never imports envoy/)
//             - listener hooks (TLS transport sockets, tls_inspector, TLS
//               listeners): envoy/listener.ts ListenerHooks, envoy/tls-hooks.ts
//             - other resources (SDS secrets, L4 listeners): envoy/index.ts emitGateway
//   mesh      GAMMA (Service parentRefs): resolve/mesh.ts -> envoy/mesh.ts
//   features/ one module per feature (session persistence, CORS, ...), hooked
//             into both stages; FEATURES is the list, handed to them here only
// resolveTranslation() and emitTranslation() are the two stages; the golden
// tests check each on its own (test/golden/files.ts).
import type { ResourceSet } from "../api/resource-set.ts";
import type { StatusUpdate, TranslationResult, TranslatorOptions } from "../api/translation.ts";
import { emitGateway } from "./envoy/index.ts";
import { emitMesh } from "./envoy/mesh.ts";
import { featureHooks, type Feature } from "./features/feature.ts";
import { FEATURES } from "./features/index.ts";
import type { IrGateway, IrMesh } from "./ir.ts";
import { resolve } from "./resolve/index.ts";
import { resolveMesh } from "./resolve/mesh.ts";
import { mergeMeshStatuses } from "./resolve/mesh-status.ts";

/** The first stage's result: the IR of every Gateway and of the mesh, and every status. */
export interface ResolvedTranslation {
  gateways: IrGateway[];
  mesh?: IrMesh;
  statuses: StatusUpdate[];
}

/** Stage one: Gateway API semantics and status -> IR. */
export function resolveTranslation(rs: ResourceSet, opts: TranslatorOptions, features: readonly Feature[] = FEATURES): ResolvedTranslation {
  const hooks = featureHooks(features).resolve;
  const { gateways, statuses } = resolve(rs, opts, hooks);
  // GAMMA: routes with Service parents (resolve/mesh.ts, envoy/mesh.ts).
  const mesh = resolveMesh(rs, opts, hooks);
  const out: ResolvedTranslation = { gateways, statuses: mergeMeshStatuses(statuses, mesh.statuses) };
  if (mesh.ir) out.mesh = mesh.ir;
  return out;
}

/** Stage two: IR -> Envoy resources, per Gateway and for the mesh. */
export function emitTranslation(
  ir: { gateways: readonly IrGateway[]; mesh?: IrMesh | undefined },
  features: readonly Feature[] = FEATURES,
): Omit<TranslationResult, "statuses"> {
  const hooks = featureHooks(features).emit;
  const out: Omit<TranslationResult, "statuses"> = { gateways: ir.gateways.map((g) => ({ key: g.key, resources: emitGateway(g, hooks) })) };
  if (ir.mesh) out.mesh = emitMesh(ir.mesh, hooks);
  return out;
}

/** Whether EndpointSlices shape more than ClusterLoadAssignments under these inputs, through some feature. */
export function featuresShapeEndpoints(rs: ResourceSet, features: readonly Feature[] = FEATURES): boolean {
  return featureHooks(features).resolve.some((h) => h.endpointsShapeMore?.(rs) === true);
}

export function translate(rs: ResourceSet, opts: TranslatorOptions): TranslationResult {
  const resolved = resolveTranslation(rs, opts);
  const { gateways, mesh } = emitTranslation(resolved);
  const result: TranslationResult = { gateways, statuses: resolved.statuses };
  if (mesh) result.mesh = mesh;
  return result;
}
