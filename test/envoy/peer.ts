// Finds the real Envoy test peer: ENVOY_BIN, else `envoy` on PATH. `.ci/run` installs the pinned
// version (e2e/peers/install-envoy.sh) and exports ENVOY_BIN; under CI a missing Envoy is a failure.
import { spawnSync } from "node:child_process";
import { describe } from "vitest";

export const ENVOY_VERSION = "1.40.0";

let found: string | null | undefined;

/** The path of a working Envoy binary, or null. */
export function envoyBin(): string | null {
  if (found !== undefined) return found;
  const candidates = [process.env.ENVOY_BIN, "envoy"].filter((c): c is string => !!c);
  found = null;
  for (const c of candidates) {
    const r = spawnSync(c, ["--version"], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.includes(`/${ENVOY_VERSION}/`)) {
      found = c;
      break;
    }
  }
  return found;
}

/**
 * `describe` for tests that need a real Envoy. Without one they are skipped on a
 * developer machine, and fail under CI (CI=true), where .ci/run must have installed it.
 */
export function describeEnvoy(name: string, fn: (envoy: string) => void): void {
  const bin = envoyBin();
  if (bin) {
    describe(name, () => fn(bin));
  } else if (process.env.CI) {
    describe(name, () => {
      throw new Error(`Envoy ${ENVOY_VERSION} not found (set ENVOY_BIN or run e2e/peers/install-envoy.sh)`);
    });
  } else {
    describe.skip(`${name} (no Envoy ${ENVOY_VERSION}: set ENVOY_BIN)`, () => fn(""));
  }
}
