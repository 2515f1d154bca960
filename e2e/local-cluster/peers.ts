// Where the local cluster's binaries are: the Kubernetes peers (e2e/peers/build-kube.sh), Envoy
// (e2e/peers/install-envoy.sh), Helm (e2e/peers/build-helm.sh), the conformance peers
// (e2e/peers/build-conformance.sh) and, optionally, the mesh tests' echo app (e2e/peers/build-mesh-echo.sh).
// Each can be given by environment; otherwise the pinned cache under ~/.cache/switchyard-peers is used.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const CACHE = process.env.PEERS_CACHE ?? join(homedir(), ".cache", "switchyard-peers");
/** Keep in step with the scripts in e2e/peers/. */
export const KUBE_BIN = join(CACHE, "kube-v1.37.2-etcd-v3.6.16", "bin");
export const ENVOY = join(CACHE, "envoy-1.40.0", "envoy", "_bin", "envoy");
export const CONFORMANCE_BIN = join(CACHE, "gateway-conformance-v1.7.0", "bin");
export const HELM = join(CACHE, "helm-v4.3.2", "helm");
export const MESH_ECHO_BIN = join(CACHE, "istio-echo-v0.0.0-20260827124520-eed52ebb66ad", "bin");

export interface LocalPeers {
  kubeBin: string;
  envoy: string;
  /** Installs the chart deploy/helm/switchyard: CRDs, RBAC, ServiceAccount, GatewayClass. */
  helm: string;
  echoBasic: string;
  conformanceTest: string;
  /** Istio's echo app (the mesh tests' image), if built: only the mesh profiles need it. */
  meshEcho?: string;
}

/** The peers (the suite's test binary only when `suite`), or the list of what is missing and the script that makes it. */
export function findPeers(suite = true): LocalPeers | { missing: string[] } {
  const kubeBin = process.env.KUBE_PEERS_BIN || KUBE_BIN;
  const envoy = process.env.ENVOY_BIN || ENVOY;
  const helm = process.env.HELM_BIN || HELM;
  const conf = process.env.CONFORMANCE_PEERS_BIN || CONFORMANCE_BIN;
  const meshEcho = process.env.MESH_ECHO_PEERS_BIN || MESH_ECHO_BIN;
  const p: LocalPeers = { kubeBin, envoy, helm, echoBasic: join(conf, "echo-basic"), conformanceTest: join(conf, "conformance.test"), ...(existsSync(join(meshEcho, "client")) ? { meshEcho } : {}) };
  const missing = [
    ...["etcd", "kube-apiserver", "kube-controller-manager"].filter((b) => !existsSync(join(kubeBin, b))).map((b) => `${join(kubeBin, b)} (e2e/peers/build-kube.sh)`),
    ...(existsSync(envoy) ? [] : [`${envoy} (e2e/peers/install-envoy.sh)`]),
    ...(existsSync(helm) ? [] : [`${helm} (e2e/peers/build-helm.sh)`]),
    ...[p.echoBasic, ...(suite ? [p.conformanceTest] : [])].filter((f) => !existsSync(f)).map((f) => `${f} (e2e/peers/build-conformance.sh)`),
  ];
  return missing.length ? { missing } : p;
}
