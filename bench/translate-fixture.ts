// Synthetic input for the translate benchmark: one Gateway (or several, the
// routes dealt out over them), one HTTP listener each, N HTTPRoutes spread over
// 5 hostnames with mixed matches, weighted backends over 50 Services with 3
// endpoints each.
import type { K8sObject } from "../src/api/meta.ts";
import { buildResourceSet, type ResourceSet } from "../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../src/api/translation.ts";

const G = "gateway.networking.k8s.io/v1";
const HOSTS = ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "*.wild.example.com"];
const SERVICES = 50;

export function benchResourceSet(routes: number): ResourceSet {
  return buildResourceSet(benchObjects(routes));
}

/** Gateway `g` of the fixture: eg, then eg-1, eg-2, ... */
const gatewayName = (g: number) => (g === 0 ? "eg" : `eg-${g}`);

/** The objects of the fixture, e.g. to write them out as manifests; route i is attached to Gateway i % gateways. */
export function benchObjects(routes: number, gateways = 1): K8sObject[] {
  const objs: K8sObject[] = [
    { apiVersion: G, kind: "GatewayClass", metadata: { name: "sw", generation: 1 }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject,
  ];
  for (let g = 0; g < gateways; g++) {
    objs.push({
      apiVersion: G,
      kind: "Gateway",
      metadata: { name: gatewayName(g), namespace: "default", generation: 1 },
      spec: { gatewayClassName: "sw", listeners: [{ name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } }] },
    } as K8sObject);
  }
  for (let s = 0; s < SERVICES; s++) {
    objs.push({ apiVersion: "v1", kind: "Service", metadata: { name: `svc-${s}`, namespace: "default" }, spec: { ports: [{ name: "http", port: 8080 }] } } as K8sObject);
    objs.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `svc-${s}-abc`, namespace: "default", labels: { "kubernetes.io/service-name": `svc-${s}` } },
      addressType: "IPv4",
      ports: [{ name: "http", port: 3000 }],
      endpoints: [0, 1, 2].map((e) => ({ addresses: [`10.${s >> 8}.${s & 255}.${e + 1}`], zone: `zone-${e}`, conditions: { ready: true } })),
    } as K8sObject);
  }
  for (let i = 0; i < routes; i++) {
    const host = HOSTS[i % HOSTS.length] ?? "a.example.com";
    const hostname = host.startsWith("*.") ? `r${i}${host.slice(1)}` : host;
    const a = `svc-${i % SERVICES}`;
    const b = `svc-${(i * 7 + 3) % SERVICES}`;
    objs.push({
      apiVersion: G,
      kind: "HTTPRoute",
      metadata: { name: `route-${i}`, namespace: "default", generation: 1, creationTimestamp: `2025-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z` },
      spec: {
        parentRefs: [{ name: gatewayName(i % gateways) }],
        hostnames: [hostname],
        rules: [
          {
            matches: [{ path: { type: "PathPrefix", value: `/app-${i}` } }, { path: { type: "Exact", value: `/app-${i}/health` }, method: "GET" }],
            filters: i % 3 === 0 ? [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-route", value: `route-${i}` }] } }] : [],
            backendRefs: [
              { name: a, port: 8080, weight: 90 },
              { name: b, port: 8080, weight: 10 },
            ],
          },
          {
            matches: [{ path: { type: "PathPrefix", value: `/api-${i}` }, headers: [{ name: "x-version", value: "v2" }], queryParams: [{ name: "debug", value: "1" }] }],
            backendRefs: [{ name: b, port: 8080 }],
          },
          ...(i % 4 === 0 ? [{ matches: [{ path: { type: "RegularExpression", value: `/re-${i}/[a-z]+` } }], backendRefs: [{ name: a, port: 8080 }], timeouts: { request: "5s" } }] : []),
        ],
      },
    } as K8sObject);
  }
  return objs;
}
