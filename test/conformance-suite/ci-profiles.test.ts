// The official Gateway API conformance suite v1.7.0 in CI: the GATEWAY-HTTP profile, core features only,
// and the MESH-HTTP profile (through switchyard-configured Envoy sidecars), against switchyard in the
// local cluster (e2e/local-cluster/: real etcd, kube-apiserver, kube-controller-manager,
// the node agent running echo-basic and the provisioned Envoys). Every core test must pass but the known
// failures below; a failure names the tests, and a known failure that passes fails too (so the list stays
// true: remove it). Needs root and the peers (.ci/run builds them): skipped without them on a developer machine,
// failed under CI=true. The full profiles with extended features: e2e/local-cluster/conformance.sh.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LocalCluster } from "../../e2e/local-cluster/cluster.ts";
import { findPeers, type LocalPeers } from "../../e2e/local-cluster/peers.ts";
import { failureDetails } from "../../e2e/local-cluster/results.ts";
import { runSuite, type SuiteResult } from "../../e2e/local-cluster/suite.ts";

const CORE_FEATURES = "Gateway,HTTPRoute,ReferenceGrant";

/** Core tests that fail for a known cause; docs/conformance-suite.md has the details. */
const KNOWN_FAILURES: Record<string, string> = {
};

function describeLocalCluster(name: string, fn: (peers: LocalPeers) => void): void {
  const peers = findPeers();
  const missing = "missing" in peers ? peers.missing : process.getuid?.() === 0 ? [] : ["root (network namespaces and a bridge)"];
  if (missing.length === 0) describe(name, () => fn(peers as LocalPeers));
  else if (process.env.CI)
    describe(name, () => {
      throw new Error(`the local cluster needs:\n  ${missing.join("\n  ")}`);
    });
  else describe.skip(`${name} (skipped: needs ${missing.join(", ")})`, () => fn(peers as LocalPeers));
}

interface Report {
  profiles: { name: string; core: { result: string; statistics: { Passed: number; Failed: number; Skipped: number } } }[];
}

describeLocalCluster("Gateway API conformance v1.7.0, GATEWAY-HTTP core and MESH-HTTP, local cluster", (peers) => {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-conformance-"));
  const lines: string[] = [];
  let cluster: LocalCluster | undefined;
  let run: SuiteResult;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ dir, peers, log: (m) => lines.push(m), startTimeoutMs: 300_000 });
  }, 360_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it(
    "passes every core test",
    async () => {
      run = await runSuite({
        conformanceTest: peers.conformanceTest,
        kubeconfig: cluster!.kubeconfigPath,
        out: join(dir, "suite"),
        profiles: ["GATEWAY-HTTP"],
        version: "ci",
        extraArgs: [`--supported-features=${CORE_FEATURES}`],
        timeoutMinutes: 25,
      });
      const failed = run.tests.filter((t) => t.result === "fail").map((t) => t.name);
      const passed = run.tests.filter((t) => t.result === "pass").length;
      console.log(`GATEWAY-HTTP core: ${passed} passed, ${failed.length} failed, ${run.tests.length - passed - failed.length} skipped in ${run.seconds} s`);
      const unexpected = failed.filter((t) => !(t in KNOWN_FAILURES));
      const fixed = Object.keys(KNOWN_FAILURES).filter((t) => !failed.includes(t));
      const log = readFileSync(run.logPath, "utf8");
      const details = unexpected.map((t) => `${t}:\n    ${failureDetails(log, t).join("\n    ")}`).join("\n");
      expect(unexpected, `failed conformance tests:\n${details}`).toEqual([]);
      expect(fixed, "known failures that pass now: remove them from KNOWN_FAILURES").toEqual([]);
      expect(passed).toBeGreaterThan(20);
      const report = parse(readFileSync(run.reportPath, "utf8")) as Report;
      const http = report.profiles.find((p) => p.name === "GATEWAY-HTTP");
      expect(http?.core.statistics.Failed).toBe(Object.keys(KNOWN_FAILURES).length);
      expect(http?.core.statistics.Passed).toBeGreaterThan(20);
    },
    30 * 60_000,
  );

  // Mesh traffic goes through the sidecars the node agent injects (docs/mesh.md); the mesh tests' echo app
  // comes from e2e/peers/build-mesh-echo.sh, which .ci/run builds.
  it(
    "passes every MESH-HTTP test, core and extended, through the sidecars",
    async (ctx) => {
      if (!peers.meshEcho) {
        if (process.env.CI) throw new Error("the mesh tests' echo app is missing (e2e/peers/build-mesh-echo.sh)");
        ctx.skip();
      }
      const mesh = await runSuite({
        conformanceTest: peers.conformanceTest,
        kubeconfig: cluster!.kubeconfigPath,
        out: join(dir, "mesh"),
        profiles: ["MESH-HTTP"],
        version: "ci",
        timeoutMinutes: 15,
      });
      const failed = mesh.tests.filter((t) => t.result === "fail").map((t) => t.name);
      const passed = mesh.tests.filter((t) => t.result === "pass").length;
      console.log(`MESH-HTTP: ${passed} passed, ${failed.length} failed, ${mesh.tests.length - passed - failed.length} skipped in ${mesh.seconds} s`);
      const log = readFileSync(mesh.logPath, "utf8");
      expect(failed, `failed mesh conformance tests:\n${failed.map((t) => `${t}:\n    ${failureDetails(log, t).join("\n    ")}`).join("\n")}`).toEqual([]);
      const report = parse(readFileSync(mesh.reportPath, "utf8")) as Report;
      const profile = report.profiles.find((p) => p.name === "MESH-HTTP");
      expect(profile?.core.result).toBe("success");
      expect(profile?.core.statistics.Passed).toBeGreaterThanOrEqual(5);
    },
    20 * 60_000,
  );
});
