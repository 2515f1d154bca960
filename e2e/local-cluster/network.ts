// The local cluster's pod network: one Linux bridge on the host with the first address of the pod CIDR,
// and per Pod a network namespace joined to the bridge by a veth pair. Pods reach each other across the
// bridge and the host (the API server's clients, switchyard's xDS, the conformance suite) on the bridge
// address; no routing, NAT or firewall rules are needed. 10.244.0.0/16 stays clear of the 10.250/10.251
// ranges of the test harness (test/envoy/netns.ts).
import { execFileSync, spawnSync } from "node:child_process";

export const BRIDGE = "sy-lc0";
export const POD_CIDR_PREFIX = "10.244";
/** The host's address on the bridge: what pods dial to reach the host. */
export const HOST_ADDRESS = `${POD_CIDR_PREFIX}.0.1`;
const NS_PREFIX = "sy-lc-";
const VETH_PREFIX = "sy-lcv";
const MAX_PODS = 60_000;

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** Creates the bridge (removing one a killed run left behind, with its pods' namespaces). */
export function createBridge(): void {
  removeNetwork();
  ip("link", "add", BRIDGE, "type", "bridge");
  ip("addr", "add", `${HOST_ADDRESS}/16`, "dev", BRIDGE);
  ip("link", "set", BRIDGE, "up");
}

/** Removes the bridge and every pod namespace and veth of this network, whoever made them. */
export function removeNetwork(): void {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  for (const line of list.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (!name.startsWith(NS_PREFIX)) continue;
    // Processes a killed agent left behind in the namespace go first.
    const pids = (spawnSync("ip", ["netns", "pids", name], { encoding: "utf8" }).stdout ?? "").split("\n").filter(Boolean);
    for (const pid of pids) spawnSync("kill", ["-KILL", pid]);
    spawnSync("ip", ["netns", "del", name]);
  }
  const links = spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout ?? "";
  for (const m of links.matchAll(new RegExp(`^\\d+: (${VETH_PREFIX}\\d+)[@:]`, "gm"))) spawnSync("ip", ["link", "del", m[1]!]);
  spawnSync("ip", ["link", "del", BRIDGE]);
}

export interface PodNetwork {
  /** The namespace's name (for `ip netns exec`). */
  netns: string;
  ip: string;
  close(): void;
}

/** Hands out pod addresses; an index is reused once its pod is gone. */
export class PodNetworks {
  private readonly used = new Set<number>();

  open(): PodNetwork {
    let n = 2; // .0.1 is the host
    while (this.used.has(n)) n++;
    if (n >= MAX_PODS) throw new Error("pod network full");
    this.used.add(n);
    const netns = `${NS_PREFIX}${n}`;
    const veth = `${VETH_PREFIX}${n}`;
    const addr = `${POD_CIDR_PREFIX}.${n >> 8}.${n & 255}`;
    try {
      ip("netns", "add", netns);
      ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns);
      ip("link", "set", veth, "master", BRIDGE);
      ip("link", "set", veth, "up");
      ip("-n", netns, "addr", "add", `${addr}/16`, "dev", "eth0");
      ip("-n", netns, "link", "set", "eth0", "up");
      ip("-n", netns, "link", "set", "lo", "up");
      ip("-n", netns, "route", "add", "default", "via", HOST_ADDRESS);
      // What a kubelet allows as a safe sysctl, and what lets Envoy bind ports below 1024.
      ip("netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv4.ip_unprivileged_port_start=0");
    } catch (err) {
      this.release(n, netns, veth);
      throw err;
    }
    return { netns, ip: addr, close: () => this.release(n, netns, veth) };
  }

  private release(n: number, netns: string, veth: string): void {
    spawnSync("ip", ["netns", "del", netns]);
    spawnSync("ip", ["link", "del", veth]);
    this.used.delete(n);
  }
}
