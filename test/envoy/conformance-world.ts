// The upstream conformance world for a real data plane: the base manifests and the objects the suite
// creates at run time, as files `switchyard serve` reads, plus one echo per backend Deployment. The
// file source runs no Pods, so this stands in for the kubelet and the EndpointSlice controller: a
// Deployment becomes an echo on HOST_IP that reports the Deployment's name and namespace (what the
// upstream echo reports as its pod prefix and namespace), and each Service whose selector picks it
// gets an EndpointSlice pointing at that echo.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { K8sObject } from "../../src/api/meta.ts";
import { isKind } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { parseManifests } from "../translator/load.ts";
import { startHttpEcho, type Echo } from "./echo.ts";
import { ensureHostIp, HOST_IP } from "./netns.ts";

export const CLASS = "switchyard-conformance";
const CONFORMANCE = join(import.meta.dirname, "../conformance");

type Obj = K8sObject & { spec?: Record<string, unknown> };
interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

/** A conformance manifest as objects, {GATEWAY_CLASS_NAME} replaced by our class. */
export function loadManifest(file: string): Obj[] {
  return parseManifests(readFileSync(file, "utf8").replaceAll("{GATEWAY_CLASS_NAME}", CLASS)) as Obj[];
}

/** A test's manifest (v1.7.0, the copy in test/conformance/manifests). */
export function testManifest(name: string): Obj[] {
  return loadManifest(join(CONFORMANCE, "manifests", "tests", name));
}

export const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** The kinds switchyard reads: the file source rejects the rest (Deployment, Pod, ...). */
export const readable = (objs: Obj[]) => objs.filter((o) => isKind(o.kind));

export function toYaml(objs: K8sObject[]): string {
  return objs.map((o) => `---\n${stringify(o)}`).join("");
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** Plain HTTP echo Deployments: the upstream echo with no TLS, gRPC or TCP mode set. */
function isHttpEcho(d: Obj): boolean {
  const c = ((d.spec?.template as { spec?: { containers?: { image?: string; env?: { name: string }[] }[] } })?.spec?.containers ?? [])[0];
  if (!c?.image?.includes("echo-basic")) return false;
  return (c.env ?? []).every((e) => e.name === "POD_NAME" || e.name === "NAMESPACE");
}

export class ConformanceWorld {
  /** `namespace/deployment` -> its echo. */
  readonly echoes = new Map<string, Echo>();
  #deployments: Obj[] = [];

  static async start(): Promise<ConformanceWorld> {
    ensureHostIp();
    const w = new ConformanceWorld();
    const base = loadManifest(join(CONFORMANCE, "manifests/base-manifests.yaml"));
    w.#deployments = base.filter((o) => o.kind === "Deployment" && isHttpEcho(o));
    for (const d of w.#deployments) {
      const ns = d.metadata.namespace ?? "default";
      const echo = await startHttpEcho({ service: d.metadata.name, namespace: ns, endpoint: `${d.metadata.name}-0`, host: HOST_IP, upstream: true });
      w.echoes.set(`${ns}/${d.metadata.name}`, echo);
    }
    w.baseFiles = {
      "00-class.yaml": toYaml([{ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: CLASS }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject]),
      "01-base.yaml": toYaml(w.withEndpoints(readable(base))),
      "02-suite-objects.yaml": toYaml(readable(loadManifest(join(CONFORMANCE, "suite-objects.yaml")))),
    };
    return w;
  }

  baseFiles: Record<string, string> = {};

  echo(namespace: string, deployment: string): Echo {
    const e = this.echoes.get(`${namespace}/${deployment}`);
    if (!e) throw new Error(`no echo for ${namespace}/${deployment}`);
    return e;
  }

  /** The echo the selector of a Service picks, if any. */
  #picked(svc: Obj): Echo | undefined {
    const selector = (svc.spec?.selector ?? {}) as Record<string, string>;
    const d = this.#deployments.find((x) => x.metadata.namespace === svc.metadata.namespace && labelsMatch(selector, ((x.spec?.template as { metadata?: { labels?: Record<string, string> } })?.metadata?.labels ?? {})));
    return d ? this.echoes.get(`${d.metadata.namespace}/${d.metadata.name}`) : undefined;
  }

  /**
   * The objects plus an EndpointSlice for every Service whose selector picks an echo. Manual slices
   * with no endpoints (HTTPRouteServiceTypes patches them at run time with infra-backend-v1's Pods)
   * get infra-backend-v1's echo when IPv4; IPv6 ones stay empty, as no Pod has an IPv6 address.
   */
  withEndpoints(objs: Obj[]): Obj[] {
    const out: Obj[] = [];
    for (const o of objs) {
      if (o.kind === "EndpointSlice") {
        const s = o as Obj & { addressType?: string; endpoints?: unknown[]; ports?: { name?: string; port: number; protocol?: string }[] };
        if ((s.endpoints ?? []).length === 0 && s.addressType === "IPv4") {
          const e = this.echo("gateway-conformance-infra", "infra-backend-v1");
          out.push({ ...s, ports: (s.ports ?? []).map((p) => ({ ...p, port: e.port })), endpoints: [{ addresses: [HOST_IP], conditions: { ready: true } }] } as Obj);
          continue;
        }
      }
      out.push(o);
      if (o.kind !== "Service") continue;
      const echo = this.#picked(o);
      if (!echo) continue;
      // One echo port serves every Service port (HTTP/1.1, h2c and WebSocket are sniffed on one port).
      const ports = ((o.spec?.ports ?? []) as ServicePort[]).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: echo.port, protocol: p.protocol ?? "TCP", ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
      out.push({
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: `${o.metadata.name}-echo`, namespace: o.metadata.namespace, labels: { "kubernetes.io/service-name": o.metadata.name } },
        addressType: "IPv4",
        ports,
        endpoints: [{ addresses: [HOST_IP], conditions: { ready: true } }],
      } as unknown as Obj);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.echoes.values()].map((e) => e.close()));
  }
}
