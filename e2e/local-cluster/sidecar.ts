// The mesh sidecar this node injects into the Pods of mesh namespaces, as Istio's injector adds
// istio-proxy: an Envoy bootstrapped to switchyard's xDS as node.cluster `mesh-sidecar/<namespace>`, the
// snapshot switchyard serves with `serve --mesh-sidecars` (docs/mesh.md): one outbound listener per
// Service cluster IP and port, carrying that Service port's mesh route table in the Pod namespace's view
// (consumer routes included). mesh-network.ts makes the client's connections land on those listeners.
// It runs in a network namespace of its own next to the Pod's. Only outbound traffic goes through it (no
// inbound capture, no mTLS between sidecars).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bootstrapJson } from "../../src/infra/bootstrap.ts";
import { meshSidecarSnapshotKey } from "../../src/api/xds.ts";

export const SIDECAR_CONTAINER = "switchyard-sidecar";
const ADMIN_PORT = 15000;
const READINESS_PORT = 15021;

export interface MeshSidecarOptions {
  /** Namespaces whose Pods get a sidecar. */
  namespaces: ReadonlySet<string>;
  envoy: string;
  xdsHost: string;
  xdsPort: number;
}

export interface SidecarPlan {
  argv: string[];
  env: Record<string, string>;
}

/** Writes the sidecar's bootstrap under the Pod's directory and returns how to run it. */
export function sidecarPlan(o: MeshSidecarOptions, pod: { name: string; namespace: string }, dir: string): SidecarPlan {
  const bootstrap = bootstrapJson({ gateway: meshSidecarSnapshotKey(pod.namespace), nodeId: `${pod.namespace}/${pod.name}`, xdsHost: o.xdsHost, xdsPort: o.xdsPort, adminPort: ADMIN_PORT, readinessPort: READINESS_PORT });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "sidecar-bootstrap.json");
  writeFileSync(path, JSON.stringify(bootstrap, null, 2) + "\n");
  // Several Envoys share the host's shared memory: no hot restart.
  return { argv: [o.envoy, "-c", path, "--disable-hot-restart", "-l", "warning"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } };
}
