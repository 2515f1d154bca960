// Runs the Gateway API conformance suite's test binary (e2e/peers/build-conformance.sh) against a local
// cluster, and reads its results. Used by conformance.sh (through the command line below) and by
// test/conformance-suite/. Extended features are not passed unless asked for: the suite then infers them
// from the GatewayClass status, i.e. from what switchyard publishes as supported.
//   node e2e/local-cluster/suite.ts --kubeconfig PATH --out DIR [--profiles P,Q] [-- extra suite flags]
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseGoTestLog, type TestResult } from "./results.ts";

export const GATEWAY_PROFILES = ["GATEWAY-HTTP", "GATEWAY-GRPC", "GATEWAY-TLS", "GATEWAY-TCP"];
export const MESH_PROFILES = ["MESH-HTTP", "MESH-GRPC"];

/**
 * The mesh features switchyard supports (docs/mesh.md). The suite reads mesh features from an XMesh's
 * status, never from the GatewayClass, and switchyard publishes no XMesh: a mesh run names them, with the
 * route features the GatewayClass declares (the mesh tests need those too, e.g. the redirect codes).
 */
export const MESH_FEATURES = [
  "Mesh",
  "MeshClusterIPMatching",
  "MeshConsumerRoute",
  "MeshHTTPRouteRewritePath",
  "MeshHTTPRouteSchemeRedirect",
  "MeshHTTPRouteRedirectPort",
  "MeshHTTPRouteRedirectPath",
  "MeshHTTPRouteBackendRequestHeaderModification",
  "MeshHTTPRouteQueryParamMatching",
  "MeshHTTPRouteNamedRouteRule",
];

/** MESH_FEATURES and the GatewayClass's route features (not the Gateway ones: a mesh run sets up no Gateway). */
export function meshSupportedFeatures(kubeconfig: string, gatewayClass = "switchyard"): string[] {
  const out = execFileSync("kubectl", ["--kubeconfig", kubeconfig, "get", "gatewayclass", gatewayClass, "-o", "jsonpath={.status.supportedFeatures[*].name}"], { encoding: "utf8" });
  const routeFeatures = out.split(/\s+/).filter((f) => f && !f.startsWith("Gateway") && !f.startsWith("Listener") && f !== "ReferenceGrant");
  return [...new Set([...MESH_FEATURES, ...routeFeatures])].sort();
}

export interface SuiteRun {
  conformanceTest: string;
  kubeconfig: string;
  /** Where the report, the log and results.json go. */
  out: string;
  profiles: string[];
  version: string;
  /** More suite flags, e.g. --supported-features=… or --run-test=…. */
  extraArgs?: string[];
  /** Bound of the whole run (go test -timeout). */
  timeoutMinutes?: number;
}

export interface SuiteResult {
  exitCode: number | null;
  tests: TestResult[];
  reportPath: string;
  logPath: string;
  seconds: number;
}

export async function runSuite(r: SuiteRun): Promise<SuiteResult> {
  mkdirSync(r.out, { recursive: true });
  const logPath = join(r.out, "conformance.log");
  const reportPath = join(r.out, "switchyard-report.yaml");
  const args = [
    "-test.run=^TestConformance$",
    `-test.timeout=${r.timeoutMinutes ?? 120}m`,
    "-test.v",
    "--gateway-class=switchyard",
    `--conformance-profiles=${r.profiles.join(",")}`,
    "--organization=switchyard",
    "--project=switchyard",
    // No public project URL yet: the report format requires one (and a contact).
    "--url=https://example.invalid/switchyard",
    "--contact=https://example.invalid/switchyard/issues",
    `--version=${r.version}`,
    `--report-output=${reportPath}`,
    ...(r.profiles.some((p) => MESH_PROFILES.includes(p)) && !(r.extraArgs ?? []).some((a) => a.startsWith("--supported-features")) ? [`--supported-features=${meshSupportedFeatures(r.kubeconfig).join(",")}`] : []),
    ...(r.extraArgs ?? []),
  ];
  const started = performance.now();
  const log = openSync(logPath, "w");
  // The suite's manifests are embedded; its working directory is the output directory.
  const child = spawn(r.conformanceTest, args, { cwd: r.out, stdio: ["ignore", log, log], env: { ...process.env, KUBECONFIG: r.kubeconfig } });
  closeSync(log);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  const tests = parseGoTestLog(readFileSync(logPath, "utf8"));
  writeFileSync(join(r.out, "results.json"), JSON.stringify({ profiles: r.profiles, tests }, null, 2) + "\n");
  return { exitCode, tests, reportPath, logPath, seconds: Math.round((performance.now() - started) / 1_000) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { kubeconfig: { type: "string" }, out: { type: "string" }, profiles: { type: "string" }, "conformance-test": { type: "string" }, version: { type: "string" } },
  });
  if (!values.kubeconfig || !values.out || !values["conformance-test"]) {
    console.error("usage: suite.ts --conformance-test BIN --kubeconfig PATH --out DIR [--profiles P,Q] [--version V] [-- suite flags]");
    process.exit(2);
  }
  const res = await runSuite({
    conformanceTest: values["conformance-test"],
    kubeconfig: values.kubeconfig,
    out: values.out,
    profiles: values.profiles ? values.profiles.split(",") : GATEWAY_PROFILES,
    version: values.version ?? "dev",
    extraArgs: positionals,
  });
  const n = (s: string) => res.tests.filter((t) => t.result === s).length;
  console.log(`suite exit ${res.exitCode} after ${res.seconds} s: ${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped (report ${res.reportPath})`);
  for (const t of res.tests.filter((t) => t.result === "fail")) console.log(`  FAIL ${t.name}`);
  process.exitCode = res.exitCode === 0 ? 0 : 1;
}
