// The local cluster's command line (up.sh and down.sh call it):
//   node e2e/local-cluster/main.ts run [DIR]    start the cluster and keep it up until SIGTERM/SIGINT;
//                                               writes DIR/cluster.json once ready (DIR defaults below)
//   node e2e/local-cluster/main.ts cleanup      remove the networks killed runs left behind
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LocalCluster } from "./cluster.ts";
import { removeStaleNetworks } from "./network.ts";
import { findPeers } from "./peers.ts";

export const DEFAULT_DIR = process.env.LOCAL_CLUSTER_DIR ?? "/tmp/switchyard-local-cluster";

const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);

async function run(dir: string): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error("the local cluster needs root (network namespaces and a bridge)");
    return 1;
  }
  const peers = findPeers(false);
  if ("missing" in peers) {
    console.error(`missing peers:\n  ${peers.missing.join("\n  ")}`);
    return 1;
  }
  rmSync(join(dir, "cluster.json"), { force: true });
  const started = performance.now();
  let cluster: LocalCluster;
  try {
    cluster = await LocalCluster.start({ dir, peers, log });
  } catch (err) {
    console.error(`the local cluster did not start: ${(err as Error).message}`);
    return 1;
  }
  const info = { pid: process.pid, kubeconfig: cluster.kubeconfigPath, admin: cluster.adminUrl, xds: cluster.xdsAddress, podCidr: cluster.network?.cidr, startMs: Math.round(performance.now() - started) };
  writeFileSync(join(dir, "cluster.json"), JSON.stringify(info, null, 2) + "\n");
  log(`up in ${info.startMs} ms; export KUBECONFIG=${cluster.kubeconfigPath}`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  log("stopping");
  await cluster.stop();
  rmSync(join(dir, "cluster.json"), { force: true });
  log("stopped");
  return 0;
}

const [cmd, dir = DEFAULT_DIR] = process.argv.slice(2);
if (cmd === "run") process.exitCode = await run(dir);
else if (cmd === "cleanup") removeStaleNetworks();
else {
  console.error("usage: main.ts run [DIR] | cleanup");
  process.exitCode = 2;
}
