// Finds and runs the real Helm (e2e/peers/build-helm.sh builds it from the Go module proxy): HELM_BIN
// (the binary), else the pinned cache. `.ci/run` builds it and exports HELM_BIN; under CI a missing helm
// fails the tests that need it, elsewhere they are skipped with the reason.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";

/** Keep in step with e2e/peers/build-helm.sh. */
export const HELM_PINNED_DIR = "helm-v4.3.2";
export const CHART = new URL("../../deploy/helm/switchyard", import.meta.url).pathname;

/** The helm binary, or null. */
export function helmBin(): string | null {
  const env = process.env.HELM_BIN;
  if (env) return existsSync(env) ? env : null;
  const cached = join(process.env.PEERS_CACHE ?? join(homedir(), ".cache", "switchyard-peers"), HELM_PINNED_DIR, "helm");
  return existsSync(cached) ? cached : null;
}

export const HELM_MISSING = "helm not found (set HELM_BIN or run e2e/peers/build-helm.sh)";

/** `describe` for tests that need helm: skipped with the reason on a developer machine, failing under CI. */
export function describeHelm(name: string, fn: (helm: string) => void): void {
  const bin = helmBin();
  if (bin) describe(name, () => fn(bin));
  else if (process.env.CI)
    describe(name, () => {
      throw new Error(HELM_MISSING);
    });
  else describe.skip(`${name} (skipped: ${HELM_MISSING})`, () => fn(""));
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

let home: string | undefined;

/** Runs helm with its state (config, cache, data) in a throwaway directory, not the user's. */
export function runHelm(bin: string, args: string[], timeoutMs = 120_000): HelmResult {
  home ??= mkdtempSync(join(tmpdir(), "switchyard-helm-"));
  const env = { ...process.env, HELM_CONFIG_HOME: join(home, "config"), HELM_CACHE_HOME: join(home, "cache"), HELM_DATA_HOME: join(home, "data") };
  // --include-crds renders ~1.6 MB of CRDs.
  const r = spawnSync(bin, args, { encoding: "utf8", timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Removes the throwaway helm state (afterAll). */
export function removeHelmHome(): void {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
}
