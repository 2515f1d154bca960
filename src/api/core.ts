// The core/v1 and discovery/v1 objects switchyard reads.
import type { K8sObject } from "./meta.ts";

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: "TCP" | "UDP" | "SCTP";
  appProtocol?: string;
}

export interface Service extends K8sObject {
  kind: "Service";
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    selector?: Record<string, string>;
    sessionAffinity?: "None" | "ClientIP";
    externalName?: string;
    ipFamilies?: string[];
  };
}

export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface EndpointSlice extends K8sObject {
  kind: "EndpointSlice";
  addressType: "IPv4" | "IPv6" | "FQDN";
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

export interface Secret extends K8sObject {
  kind: "Secret";
  type?: string;
  /** base64-encoded values, as the API serves them. */
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface ConfigMap extends K8sObject {
  kind: "ConfigMap";
  data?: Record<string, string>;
}

export interface Namespace extends K8sObject {
  kind: "Namespace";
}

/** certificates.k8s.io ClusterTrustBundle (cluster-scoped): a PEM bundle of CA certificates. */
export interface ClusterTrustBundle extends K8sObject {
  kind: "ClusterTrustBundle";
  spec?: { signerName?: string; trustBundle?: string };
}

/** The label EndpointSlices carry to name their Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
