// How a mesh client Pod's traffic reaches its sidecar, without iptables. The sidecar has a network
// namespace of its own on the bridge (an address of its own, like a node-local proxy), because the Pod's
// own servers listen on the wildcard address and would take the Service ports a sidecar in the Pod's
// namespace tried to bind. The Pod routes the whole Service range to the sidecar's address, and the
// sidecar's namespace takes the range as local ("AnyIP": a local route on lo), so the unmodified client's
// connection to <clusterIP>:<port> lands on the sidecar's listener for that Service port. Service names
// resolve to cluster IPs through the hosts file and resolv.conf that `ip netns exec` binds over /etc for
// the Pod's namespace (/etc/netns/<netns>/), as cluster DNS would answer: <svc>, <svc>.<ns>,
// <svc>.<ns>.svc and <svc>.<ns>.svc.<domain> (the short name in the Pod's namespace).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { IP } from "./network.ts";

/** The API server's --service-cluster-ip-range (test/kube/real-apiserver.ts). */
export const SERVICE_CIDR = "10.96.0.0/16";
const DOMAIN = "cluster.local";

export interface ServiceName {
  namespace: string;
  name: string;
  clusterIP: string;
}

/** Sends the Pod's Service traffic to the sidecar's namespace, which takes every Service address as its own. */
export function routeServicesVia(podNetns: string, sidecar: { netns: string; ip: string }): void {
  const ip = (...args: string[]) => execFileSync(IP, args, { stdio: ["ignore", "ignore", "pipe"] });
  ip("-n", sidecar.netns, "route", "add", "local", SERVICE_CIDR, "dev", "lo");
  ip("-n", podNetns, "route", "add", SERVICE_CIDR, "via", sidecar.ip);
}

export function hostsFile(pod: { name: string; namespace: string; ip: string }, services: readonly ServiceName[]): string {
  const lines = ["127.0.0.1 localhost", "::1 localhost", `${pod.ip} ${pod.name}`];
  const sorted = [...services].sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
  for (const s of sorted) {
    const names = [`${s.name}.${s.namespace}.svc.${DOMAIN}`, `${s.name}.${s.namespace}.svc`, `${s.name}.${s.namespace}`];
    if (s.namespace === pod.namespace) names.push(s.name);
    lines.push(`${s.clusterIP} ${names.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

/** Writes the namespace's hosts and resolv.conf (again whenever Services change). */
export function writeServiceNames(netns: string, pod: { name: string; namespace: string; ip: string }, services: readonly ServiceName[]): void {
  const dir = `/etc/netns/${netns}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/hosts`, hostsFile(pod, services));
  // Every name a client uses is in hosts; no resolver listens on the Pod's loopback, so a miss fails fast.
  writeFileSync(`${dir}/resolv.conf`, `search ${pod.namespace}.svc.${DOMAIN} svc.${DOMAIN} ${DOMAIN}\nnameserver 127.0.0.1\noptions ndots:5\n`);
}

export function removeServiceNames(netns: string): void {
  rmSync(`/etc/netns/${netns}`, { recursive: true, force: true });
}
