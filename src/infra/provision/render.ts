// renderGatewayInfra: one Gateway -> the Kubernetes objects of its Envoy proxy
// (ServiceAccount, ConfigMap with the bootstrap, Deployment, Service), in apply
// order. Pure and deterministic: same Gateway and options, same objects.
import { createHash } from "node:crypto";
import type { JsonObject } from "@bufbuild/protobuf";
import type { Gateway } from "../../api/gateway-api.ts";
import type { K8sObject, ObjectMeta } from "../../api/meta.ts";
import type { ProxyParameters, ServiceType } from "../../api/proxy-parameters.ts";
import { bootstrapJson } from "../bootstrap.ts";
import { DEFAULT_XDS_CERT_DIR, defaultXdsServerName, xdsClusterTransportSocketJson } from "../bootstrap-tls.ts";
import { clientSecretName } from "../certgen.ts";
import { addressRequest } from "./addresses.ts";
import { BOOTSTRAP_HASH_ANNOTATION, GATEWAY_KEY_ANNOTATION, ownedLabels, proxyName, selectorLabels } from "./names.ts";

// The Envoy the tests run (e2e/peers/install-envoy.sh pins 1.40.0): what is proven is what is deployed.
export const DEFAULT_ENVOY_IMAGE = "docker.io/envoyproxy/envoy:distroless-v1.40.0";
export const READINESS_PORT = 19003;
export const ADMIN_PORT = 19000;
const BOOTSTRAP_DIR = "/etc/envoy";
const BOOTSTRAP_FILE = "bootstrap.json";

/** Where proxies run: the controller's namespace (as Envoy Gateway does by default) or each Gateway's. */
export type ProxyNamespaceMode = "controller" | "gateway";

export interface RenderOptions {
  /** The controller's namespace: where proxies run in "controller" mode, and part of the default xDS host. */
  controllerNamespace: string;
  proxyNamespace?: ProxyNamespaceMode;
  /** The xDS address proxies dial (the controller's Service, not its bind address). */
  xdsHost: string;
  xdsPort: number;
  /** Incremental (Delta) ADS. */
  delta?: boolean;
  /**
   * The controller serves xDS over mTLS: mount the Gateway's client certificate
   * Secret (`switchyard certgen`'s clientSecretName) at /certs and make the
   * bootstrap present it. serverName defaults to `switchyard.<controllerNamespace>.svc`.
   */
  xdsTls?: { serverName?: string };
  /** Controller-wide defaults (e.g. from flags); GatewayClass and Gateway parameters override them. */
  defaults?: ProxyParameters;
  /** The Gateway's resolved parameters (GatewayClass merged with Gateway). */
  parameters?: ProxyParameters;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** A rendered object: typed metadata, the rest as the API takes it. */
export interface InfraObject extends K8sObject {
  metadata: ObjectMeta & { namespace: string; ownerReferences?: OwnerReference[] };
  [field: string]: unknown;
}

interface Port {
  name: string;
  port: number;
  protocol: "TCP" | "UDP";
}

const L4_PROTOCOL: Record<string, "TCP" | "UDP"> = { HTTP: "TCP", HTTPS: "TCP", TLS: "TCP", TCP: "TCP", UDP: "UDP" };

/** One port per distinct (port, protocol) of the Gateway's listeners with a protocol we serve. */
export function listenerPorts(gw: Gateway): Port[] {
  const seen = new Map<string, Port>();
  for (const l of Array.isArray(gw.spec?.listeners) ? gw.spec.listeners : []) {
    const protocol = L4_PROTOCOL[String(l?.protocol ?? "")];
    const port = l?.port;
    if (!protocol || typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    const name = `${protocol.toLowerCase()}-${port}`;
    if (!seen.has(name)) seen.set(name, { name, port, protocol });
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

export function proxyNamespaceOf(gw: Gateway, opts: Pick<RenderOptions, "controllerNamespace" | "proxyNamespace">): string {
  return opts.proxyNamespace === "gateway" ? (gw.metadata.namespace ?? "default") : opts.controllerNamespace;
}

export function renderGatewayInfra(gw: Gateway, opts: RenderOptions): InfraObject[] {
  const gwNamespace = gw.metadata.namespace ?? "default";
  const key = `${gwNamespace}/${gw.metadata.name}`;
  const name = proxyName(gwNamespace, gw.metadata.name);
  const namespace = proxyNamespaceOf(gw, opts);
  const p: ProxyParameters = { ...opts.defaults, ...opts.parameters };
  const infra = gw.spec?.infrastructure ?? {};

  // Ours win over the Gateway's: a user label must not break the selector or garbage collection.
  const labels = { ...stringRecord(infra.labels), ...ownedLabels(gwNamespace, gw.metadata.name, name) };
  const annotations = { ...stringRecord(infra.annotations), [GATEWAY_KEY_ANNOTATION]: key };
  const ownerReferences =
    namespace === gwNamespace && gw.metadata.uid
      ? [{ apiVersion: gw.apiVersion, kind: "Gateway", name: gw.metadata.name, uid: gw.metadata.uid, controller: true }]
      : undefined;
  const meta = (extraAnnotations: Record<string, string> = {}) => ({
    name,
    namespace,
    labels: { ...labels },
    annotations: { ...extraAnnotations, ...annotations },
    ...(ownerReferences ? { ownerReferences: ownerReferences.map((o) => ({ ...o })) } : {}),
  });

  const bootstrap = bootstrapJson({
    gateway: key,
    nodeId: name,
    xdsHost: opts.xdsHost,
    xdsPort: opts.xdsPort,
    delta: opts.delta,
    adminPort: ADMIN_PORT,
    readinessPort: READINESS_PORT,
    ...(opts.xdsTls
      ? {
          xdsClusterExtra: {
            transportSocket: xdsClusterTransportSocketJson({
              certDir: DEFAULT_XDS_CERT_DIR,
              serverName: opts.xdsTls.serverName ?? defaultXdsServerName(opts.controllerNamespace),
            }),
          } as JsonObject,
        }
      : {}),
  });
  const bootstrapText = JSON.stringify(bootstrap, null, 2) + "\n";
  const bootstrapHash = createHash("sha256").update(bootstrapText).digest("hex").slice(0, 16);

  const ports = listenerPorts(gw);
  const drainSeconds = p.drainSeconds ?? 15;
  const serviceType: ServiceType = p.serviceType ?? "LoadBalancer";

  const serviceAccount: InfraObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(),
    automountServiceAccountToken: false,
  };

  const configMap: InfraObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(),
    data: { [BOOTSTRAP_FILE]: bootstrapText },
  };

  const args = [
    "--service-cluster", key,
    "--service-node", "$(POD_NAME)",
    "--config-path", `${BOOTSTRAP_DIR}/${BOOTSTRAP_FILE}`,
    "--log-level", p.logLevel ?? "info",
    "--drain-time-s", String(drainSeconds),
    "--disable-hot-restart",
    ...(p.concurrency !== undefined ? ["--concurrency", String(p.concurrency)] : []),
  ];
  const volumeMounts: Record<string, unknown>[] = [{ name: "bootstrap", mountPath: BOOTSTRAP_DIR, readOnly: true }];
  const volumes: Record<string, unknown>[] = [{ name: "bootstrap", configMap: { name, defaultMode: 0o444 } }];
  if (opts.xdsTls) {
    volumeMounts.push({ name: "xds-certs", mountPath: DEFAULT_XDS_CERT_DIR, readOnly: true });
    volumes.push({ name: "xds-certs", secret: { secretName: clientSecretName(key), defaultMode: 0o440 } });
  }
  const lowPorts = ports.some((x) => x.port < 1024);

  const deployment: InfraObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(),
    spec: {
      // Unset unless a parameter says: the API defaults it to 1 and an HPA may own it.
      ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
      revisionHistoryLimit: 10,
      selector: { matchLabels: selectorLabels(name) },
      // Start the new pod before stopping an old one.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { ...labels },
          annotations: { ...annotations, [BOOTSTRAP_HASH_ANNOTATION]: bootstrapHash },
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: drainSeconds + 15,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            // Group-owns the mounted Secret, whose files are 0440.
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
            // Listeners below 1024 without root or capabilities: a namespaced, "safe" sysctl.
            ...(lowPorts ? { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] } : {}),
          },
          ...(p.nodeSelector ? { nodeSelector: { ...p.nodeSelector } } : {}),
          containers: [
            {
              name: "envoy",
              image: p.image ?? DEFAULT_ENVOY_IMAGE,
              imagePullPolicy: p.imagePullPolicy ?? "IfNotPresent",
              command: ["/usr/local/bin/envoy"],
              args,
              env: [
                { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } },
              ],
              ports: [
                ...ports.map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol })),
                { name: "readiness", containerPort: READINESS_PORT, protocol: "TCP" },
              ],
              readinessProbe: {
                httpGet: { path: "/ready", port: READINESS_PORT, scheme: "HTTP" },
                periodSeconds: 5,
                timeoutSeconds: 1,
                successThreshold: 1,
                failureThreshold: 1,
              },
              // Keep serving while endpoints and load balancers stop sending new
              // connections; then SIGTERM. (The distroless image has no shell, so
              // the kubelet's sleep action, Kubernetes 1.30+, rather than exec.)
              lifecycle: { preStop: { sleep: { seconds: drainSeconds } } },
              resources: p.resources ? structuredClone(p.resources) : { requests: { cpu: "100m", memory: "128Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };

  const out = [serviceAccount, configMap, deployment];
  if (ports.length > 0) {
    const req = addressRequest(gw, serviceType);
    const serviceAnnotations = { ...p.serviceAnnotations };
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(serviceAnnotations),
      spec: {
        type: serviceType,
        selector: selectorLabels(name),
        ports: ports.map((x) => ({ name: x.name, port: x.port, targetPort: x.port, protocol: x.protocol })),
        ...(serviceType !== "ClusterIP" ? { externalTrafficPolicy: p.externalTrafficPolicy ?? "Local" } : {}),
        ...(serviceType === "LoadBalancer" && p.loadBalancerClass ? { loadBalancerClass: p.loadBalancerClass } : {}),
        ...(req.loadBalancerIP ? { loadBalancerIP: req.loadBalancerIP } : {}),
        ...(req.externalIPs ? { externalIPs: req.externalIPs } : {}),
      },
    });
  }
  return out;
}

function stringRecord(m: unknown): Record<string, string> {
  if (!m || typeof m !== "object" || Array.isArray(m)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}
