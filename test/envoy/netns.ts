// Network namespaces for real Envoys in tests: each Envoy gets its own namespace and a veth /30, so
// several Envoys (and parallel test files) can all listen on the ports their Gateways name (80, 443,
// ...). Everything Envoy dials (switchyard's xDS, the echo backends) lives on HOST_IP, an address on
// the root namespace's loopback that every namespace reaches through its veth. Needs root and iproute2.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { processAlive } from "../helpers/serve-process.ts";

/** Where backends and the control plane listen, as seen from every namespace. */
export const HOST_IP = "10.250.255.1";
const LOCKS = "/run/switchyard-test-netns";
const MAX = 1024;

export interface NetNs {
  name: string;
  /** The namespace's own address: what tests connect to. */
  addr: string;
  /** argv prefix that runs a command inside the namespace. */
  wrap(cmd: string[]): string[];
  close(): void;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** Adds HOST_IP to the root namespace's loopback once per machine. */
export function ensureHostIp(): void {
  const r = spawnSync("ip", ["addr", "add", `${HOST_IP}/32`, "dev", "lo"], { encoding: "utf8" });
  if (r.status !== 0 && !/File exists|already assigned/.test(r.stderr)) throw new Error(`ip addr add ${HOST_IP}: ${r.stderr.trim()}`);
}

/** Can this process make namespaces (root, iproute2)? */
export function netnsAvailable(): boolean {
  return process.getuid?.() === 0 && spawnSync("ip", ["netns", "list"]).status === 0;
}

function teardown(name: string, hostIf: string): void {
  spawnSync("ip", ["netns", "del", name]);
  spawnSync("ip", ["link", "del", hostIf]);
}

export function createNetNs(): NetNs {
  ensureHostIp();
  mkdirSync(LOCKS, { recursive: true });
  for (let i = 1; i < MAX; i++) {
    const lock = `${LOCKS}/${i}`;
    try {
      mkdirSync(lock);
    } catch {
      // Taken; reclaim it if its owner is gone (a test run that was killed).
      const owner = Number(readFileSyncSafe(`${lock}/pid`));
      if (!owner || processAlive(owner)) continue;
      teardown(`sy-t${i}`, `sy-h${i}`);
    }
    writeFileSync(`${lock}/pid`, String(process.pid));
    const name = `sy-t${i}`;
    const hostIf = `sy-h${i}`;
    const base = i * 4;
    const net = `10.251.${base >> 8}.${base & 255}`.split(".").map(Number);
    const host = `${net[0]}.${net[1]}.${net[2]}.${net[3]! + 1}`;
    const addr = `${net[0]}.${net[1]}.${net[2]}.${net[3]! + 2}`;
    teardown(name, hostIf);
    ip("netns", "add", name);
    ip("link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", name);
    ip("addr", "add", `${host}/30`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("-n", name, "addr", "add", `${addr}/30`, "dev", "eth0");
    ip("-n", name, "link", "set", "eth0", "up");
    ip("-n", name, "link", "set", "lo", "up");
    ip("-n", name, "route", "add", "default", "via", host);
    return {
      name,
      addr,
      wrap: (cmd) => ["ip", "netns", "exec", name, ...cmd],
      close: () => {
        teardown(name, hostIf);
        rmSync(lock, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`no free test network namespace (${LOCKS} has ${MAX})`);
}

function readFileSyncSafe(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}
