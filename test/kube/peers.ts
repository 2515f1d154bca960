// Finds the real Kubernetes test peers (etcd, kube-apiserver; kube-controller-manager is optional):
// KUBE_PEERS_BIN, else the cache that e2e/peers/build-kube.sh fills. `.ci/run` builds them and exports
// KUBE_PEERS_BIN; under CI a missing peer fails the tests that need it, elsewhere they are skipped.
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";

const REQUIRED = ["etcd", "kube-apiserver"];
/** Keep in step with e2e/peers/build-kube.sh. */
export const PINNED_DIR = "kube-v1.37.2-etcd-v3.6.16";

const hasAll = (dir: string) => REQUIRED.every((b) => existsSync(join(dir, b)));

let found: string | null | undefined;

/** The directory holding etcd and kube-apiserver, or null. */
export function kubePeersBin(): string | null {
  if (found !== undefined) return found;
  found = null;
  const env = process.env.KUBE_PEERS_BIN;
  if (env) {
    found = hasAll(env) ? env : null;
    return found;
  }
  const cache = join(process.env.PEERS_CACHE ?? join(homedir(), ".cache", "switchyard-peers"));
  const dirs = existsSync(cache) ? readdirSync(cache).filter((d) => d.startsWith("kube-")) : [];
  // The pinned build first, then any other.
  for (const d of [PINNED_DIR, ...dirs.filter((d) => d !== PINNED_DIR)]) {
    const bin = join(cache, d, "bin");
    if (hasAll(bin)) return (found = bin);
  }
  return found;
}

const MISSING = "etcd/kube-apiserver not found (set KUBE_PEERS_BIN or run e2e/peers/build-kube.sh)";

/**
 * `describe` for tests that need a real API server. Without the binaries they are
 * skipped on a developer machine, and fail under CI (CI=true), where .ci/run built them.
 */
export function describeKube(name: string, fn: (bin: string) => void): void {
  const bin = kubePeersBin();
  if (bin) describe(name, () => fn(bin));
  else if (process.env.CI)
    describe(name, () => {
      throw new Error(MISSING);
    });
  else describe.skip(`${name} (skipped: ${MISSING})`, () => fn(""));
}
