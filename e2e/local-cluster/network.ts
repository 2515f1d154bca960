// The local cluster's pod network: one Linux bridge on the host holding the first address of the pod
// CIDR, and per Pod a network namespace joined to the bridge by a veth pair. Pods reach each other across
// the bridge and the host (API server clients, switchyard's xDS, the conformance suite) on the bridge
// address; no routing, NAT or firewall rules are needed.
//
// Several clusters can run on one machine (a user's and a test run's): each takes a free slot n in 0..4
// (a lock directory under /run holding its pid, reclaimed when that process is gone) and uses the bridge
// sy-lc<n> and the pod CIDR 10.(244+n).0.0/16, clear of the 10.250/10.251 ranges of the test harness.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const LOCKS = "/run/switchyard-local-cluster";
const SLOTS = 5;
const MAX_PODS = 65_000;

/**
 * iproute2 and sysctl by absolute path: a PATH lookup fails the whole spawn (ELOOP, seen here) when any
 * PATH directory is briefly unreadable, e.g. a node_modules/.bin being rewritten by an install.
 */
export const IP = findBinary("ip");
const SYSCTL = findBinary("sysctl");

export function findBinary(name: string): string {
  return ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map((d) => `${d}/${name}`).find((p) => existsSync(p)) ?? name;
}

function ip(...args: string[]): void {
  execFileSync(IP, args, { stdio: ["ignore", "ignore", "pipe"] });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface PodNetwork {
  /** The namespace's name (for `ip netns exec`). */
  netns: string;
  ip: string;
  close(): void;
}

export class ClusterNetwork {
  readonly slot: number;
  readonly bridge: string;
  /** The pod CIDR, e.g. 10.244.0.0/16. */
  readonly cidr: string;
  /** The host's address on the bridge: what pods dial to reach the host. */
  readonly hostAddress: string;
  private readonly prefix: string;
  private readonly used = new Set<number>();

  private constructor(slot: number) {
    this.slot = slot;
    this.bridge = `sy-lc${slot}`;
    this.prefix = `10.${244 + slot}`;
    this.cidr = `${this.prefix}.0.0/16`;
    this.hostAddress = `${this.prefix}.0.1`;
  }

  /** Takes a free slot and creates its bridge (removing what a killed run of that slot left). */
  static create(): ClusterNetwork {
    mkdirSync(LOCKS, { recursive: true });
    for (let slot = 0; slot < SLOTS; slot++) {
      const lock = `${LOCKS}/${slot}`;
      try {
        mkdirSync(lock);
      } catch {
        const owner = Number(readText(`${lock}/pid`));
        if (owner && alive(owner)) continue;
      }
      writeFileSync(`${lock}/pid`, String(process.pid));
      const net = new ClusterNetwork(slot);
      net.removeAll();
      ip("link", "add", net.bridge, "type", "bridge");
      ip("addr", "add", `${net.hostAddress}/16`, "dev", net.bridge);
      ip("link", "set", net.bridge, "up");
      return net;
    }
    throw new Error(`no free local cluster network slot (${LOCKS} has ${SLOTS}, all held by running processes)`);
  }

  /** Removes the bridge, every pod namespace and veth of this slot and its processes, and frees the slot. */
  close(): void {
    this.removeAll();
    rmSync(`${LOCKS}/${this.slot}`, { recursive: true, force: true });
  }

  private get nsPrefix(): string {
    return `sy-lc${this.slot}-`;
  }

  private removeAll(): void {
    removeSlot(this.slot);
    this.used.clear();
  }

  open(): PodNetwork {
    let n = 2; // .0.1 is the host
    while (this.used.has(n)) n++;
    if (n >= MAX_PODS) throw new Error("pod network full");
    this.used.add(n);
    const netns = `${this.nsPrefix}${n}`;
    const veth = `sy-lc${this.slot}v${n}`;
    const addr = `${this.prefix}.${n >> 8}.${n & 255}`;
    try {
      ip("netns", "add", netns);
      ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns);
      ip("link", "set", veth, "master", this.bridge);
      ip("link", "set", veth, "up");
      ip("-n", netns, "addr", "add", `${addr}/16`, "dev", "eth0");
      ip("-n", netns, "link", "set", "eth0", "up");
      ip("-n", netns, "link", "set", "lo", "up");
      ip("-n", netns, "route", "add", "default", "via", this.hostAddress);
      // A namespaced sysctl in the kubelet's safe set; it lets Envoy bind ports below 1024.
      ip("netns", "exec", netns, SYSCTL, "-q", "-w", "net.ipv4.ip_unprivileged_port_start=0");
    } catch (err) {
      this.release(n, netns, veth);
      throw err;
    }
    return { netns, ip: addr, close: () => this.release(n, netns, veth) };
  }

  private release(n: number, netns: string, veth: string): void {
    killNamespace(netns);
    spawnSync(IP, ["link", "del", veth]);
    this.used.delete(n);
  }
}

function killNamespace(name: string): void {
  const pids = (spawnSync(IP, ["netns", "pids", name], { encoding: "utf8" }).stdout ?? "").split("\n").filter(Boolean);
  for (const pid of pids) try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already
    }
  spawnSync(IP, ["netns", "del", name]);
  // A mesh Pod's hosts and resolv.conf (mesh-network.ts), which `ip netns del` leaves.
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
}

/** Everything of one slot: the processes in its pod namespaces, the namespaces, veths and bridge. */
function removeSlot(slot: number): void {
  const list = spawnSync(IP, ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  for (const line of list.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (name.startsWith(`sy-lc${slot}-`)) killNamespace(name);
  }
  const links = spawnSync(IP, ["-o", "link", "show"], { encoding: "utf8" }).stdout ?? "";
  for (const m of links.matchAll(new RegExp(`^\\d+: (sy-lc${slot}v\\d+)[@:]`, "gm"))) spawnSync(IP, ["link", "del", m[1]!]);
  spawnSync(IP, ["link", "del", `sy-lc${slot}`]);
}

/** Removes the networks of every slot whose owner is gone (what killed runs left behind). */
export function removeStaleNetworks(): void {
  for (let slot = 0; slot < SLOTS; slot++) {
    const lock = `${LOCKS}/${slot}`;
    const owner = Number(readText(`${lock}/pid`));
    if (owner && alive(owner)) continue;
    removeSlot(slot);
    rmSync(lock, { recursive: true, force: true });
  }
}

function readText(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}
