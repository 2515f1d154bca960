// Turns a Pod's spec into what a local process needs: its volumes as files under the Pod's directory,
// its environment (values, the downward API, ConfigMap and Secret keys) and its argv with $(VAR)
// references expanded. Processes share the host's filesystem, so a volume's mountPath is not mounted:
// instead every env value and argument that names a path under a mountPath is rewritten to the
// volume's directory (the two images this node runs find their files through env and args only).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Container, KeyToPath, Pod } from "./pod-types.ts";

/** Reads a ConfigMap's or Secret's data (Secret values decoded), or undefined if it does not exist. */
export type ReadData = (kind: "configmaps" | "secrets", namespace: string, name: string) => Promise<Record<string, Buffer> | undefined>;

export class PodSpecError extends Error {}

/** Writes the Pod's configMap, secret and emptyDir volumes under `dir`; returns volume name -> directory. */
export async function writeVolumes(pod: Pod, dir: string, read: ReadData): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? "default";
  const out = new Map<string, string>();
  for (const v of pod.spec.volumes ?? []) {
    const vdir = join(dir, "volumes", v.name);
    const src = v.configMap ? { kind: "configmaps" as const, name: v.configMap.name, items: v.configMap.items, optional: v.configMap.optional } : v.secret ? { kind: "secrets" as const, name: v.secret.secretName, items: v.secret.items, optional: v.secret.optional } : undefined;
    if (src) {
      const data = await read(src.kind, ns, src.name);
      if (!data && !src.optional) throw new PodSpecError(`volume ${v.name}: ${src.kind === "configmaps" ? "ConfigMap" : "Secret"} ${ns}/${src.name} not found`);
      mkdirSync(vdir, { recursive: true });
      for (const [key, path] of files(data ?? {}, src.items)) {
        const value = data?.[key];
        if (value === undefined) throw new PodSpecError(`volume ${v.name}: key ${key} not in ${ns}/${src.name}`);
        const target = join(vdir, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, value, { mode: 0o600 });
      }
      out.set(v.name, vdir);
    } else if (v.emptyDir !== undefined) {
      mkdirSync(vdir, { recursive: true });
      out.set(v.name, vdir);
    }
    // Projected volumes (the ServiceAccount token) are not provided: neither image calls the API server.
  }
  return out;
}

function files(data: Record<string, Buffer>, items: KeyToPath[] | undefined): [string, string][] {
  return items ? items.map((i) => [i.key, i.path]) : Object.keys(data).map((k) => [k, k]);
}

export interface ProcessPlan {
  argv: string[];
  env: Record<string, string>;
}

/** The environment of a container, in order, with $(VAR) references to earlier variables expanded. */
export async function containerEnv(pod: Pod, c: Container, podIP: string, mounts: (s: string) => string, read: ReadData): Promise<Record<string, string>> {
  const ns = pod.metadata.namespace ?? "default";
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", HOSTNAME: pod.metadata.name };
  for (const e of c.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined) value = expand(e.value, env);
    else if (e.valueFrom?.fieldRef) value = field(pod, e.valueFrom.fieldRef.fieldPath, podIP);
    else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef!;
      const data = await read(e.valueFrom.configMapKeyRef ? "configmaps" : "secrets", ns, ref.name);
      value = data?.[ref.key]?.toString("utf8");
      if (value === undefined && !ref.optional) throw new PodSpecError(`env ${e.name}: key ${ref.key} of ${ns}/${ref.name} not found`);
    } else value = "";
    if (value !== undefined) env[e.name] = mounts(value);
  }
  return env;
}

function field(pod: Pod, path: string, podIP: string): string {
  switch (path) {
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace ?? "default";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "default";
    case "status.podIP":
    case "status.podIPs":
      return podIP;
    default: {
      const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
      if (label) return pod.metadata.labels?.[label[1]!] ?? "";
      throw new PodSpecError(`env fieldRef ${path} is not supported by this node`);
    }
  }
}

/** Expands $(NAME) from env as the kubelet does; $$ escapes, unknown names stay as written. */
export function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (name === undefined ? "$" : (env[name] ?? m)));
}

/** A function that rewrites paths under the container's mountPaths to the volumes' directories. */
export function mountRewriter(c: Container, volumeDirs: Map<string, string>): (s: string) => string {
  const mounts = (c.volumeMounts ?? [])
    .filter((m) => volumeDirs.has(m.name))
    .map((m) => ({ path: m.mountPath.replace(/\/+$/, ""), dir: m.subPath ? join(volumeDirs.get(m.name)!, m.subPath) : volumeDirs.get(m.name)! }))
    .sort((a, b) => b.path.length - a.path.length); // the deepest mount wins, as in a real mount table
  return (s) => {
    for (const m of mounts) {
      // A path argument may be a whole word or the value of --flag=PATH.
      const re = new RegExp(`(^|=)${escapeRe(m.path)}(?=/|$)`);
      if (re.test(s)) return s.replace(re, (_all, pre: string) => pre + m.dir);
    }
    return s;
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
