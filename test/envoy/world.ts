// Test worlds for real-Envoy tests: echo backends plus the Service and EndpointSlice manifests that
// point at them, and a GatewayClass/Gateway preamble, so a test only writes its routes.
import { startHttpEcho, startTcpEcho, startUdpEcho, type Echo } from "./echo.ts";
import { startGrpcEcho } from "./grpc-echo.ts";
import { ensureHostIp, HOST_IP } from "./netns.ts";

export const GATEWAY_CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: switchyard }
spec: { controllerName: switchyard.dev/gateway-controller }
`;

export interface Backend {
  service: string;
  namespace: string;
  /** The Service port routes name. */
  port: number;
  echoes: Echo[];
  yaml: string;
}

export type BackendKind = "http" | "tcp" | "udp" | "grpc";

/** A Service with `replicas` echo endpoints (each its own port on HOST_IP, as targetPort differs per endpoint slice). */
export async function backend(
  service: string,
  o: { namespace?: string; replicas?: number; kind?: BackendKind; appProtocol?: string; tls?: { cert: string; key: string; ca?: string }; grpcMethods?: string[] } = {},
): Promise<Backend> {
  ensureHostIp();
  const namespace = o.namespace ?? "default";
  const kind = o.kind ?? "http";
  const echoes: Echo[] = [];
  for (let i = 0; i < (o.replicas ?? 1); i++) {
    const endpoint = `${service}-${i}`;
    const opts = { service, endpoint, host: HOST_IP };
    if (kind === "grpc") {
      const g = await startGrpcEcho({ ...opts, methods: o.grpcMethods ?? [] });
      echoes.push({ service, endpoint, port: g.port, seen: [], close: g.close });
    } else {
      echoes.push(kind === "tcp" ? await startTcpEcho(opts) : kind === "udp" ? await startUdpEcho(opts) : await startHttpEcho({ ...opts, ...(o.tls ? { tls: o.tls } : {}) }));
    }
  }
  const protocol = kind === "udp" ? "UDP" : "TCP";
  // One EndpointSlice per endpoint: each echo listens on its own port, and a slice has one port list.
  const slices = echoes
    .map(
      (e, i) => `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-${i}
  namespace: ${namespace}
  labels: { kubernetes.io/service-name: ${service} }
addressType: IPv4
ports: [{ name: main, port: ${e.port}, protocol: ${protocol}${o.appProtocol ? `, appProtocol: ${o.appProtocol}` : ""} }]
endpoints: [{ addresses: ["${HOST_IP}"], conditions: { ready: true } }]
`,
    )
    .join("");
  const yaml = `---
apiVersion: v1
kind: Service
metadata: { name: ${service}, namespace: ${namespace} }
spec:
  ports: [{ name: main, port: 8080, protocol: ${protocol}${o.appProtocol ? `, appProtocol: ${o.appProtocol}` : ""} }]
${slices}`;
  return { service, namespace, port: 8080, echoes, yaml };
}

export async function closeAll(backends: Backend[]): Promise<void> {
  await Promise.all(backends.flatMap((b) => b.echoes.map((e) => e.close())));
}

/** A Gateway with the given listeners (YAML list items, indented by the caller's convention). */
export function gateway(name: string, listeners: string, namespace = "default"): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  gatewayClassName: switchyard
  listeners:
${listeners}`;
}
