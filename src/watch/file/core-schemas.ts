// JSON schemas for the core objects the file source accepts. The API server
// has these built in; we check only the fields switchyard reads, strictly
// enough that a typo in one of them is an error rather than a silent default.

const metadata = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
    namespace: { type: "string", minLength: 1, maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
    generation: { type: "integer", minimum: 0 },
    creationTimestamp: { type: "string" },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
  },
} as const;

export const OBJECT_META_SCHEMA = metadata;

const port = { type: "integer", minimum: 1, maximum: 65535 };

const CLUSTER_TRUST_BUNDLE = {
  type: "object",
  required: ["metadata", "spec"],
  properties: {
    spec: {
      type: "object",
      required: ["trustBundle"],
      properties: { signerName: { type: "string" }, trustBundle: { type: "string", minLength: 1 } },
    },
  },
};

export const CORE_SCHEMAS: Record<string, object> = {
  "v1/Service": {
    type: "object",
    required: ["metadata"],
    properties: {
      spec: {
        type: "object",
        properties: {
          ports: {
            type: "array",
            items: {
              type: "object",
              required: ["port"],
              properties: {
                name: { type: "string" },
                port,
                targetPort: { anyOf: [port, { type: "string" }] },
                protocol: { enum: ["TCP", "UDP", "SCTP"] },
                appProtocol: { type: "string" },
              },
            },
          },
          sessionAffinity: { enum: ["None", "ClientIP"] },
        },
      },
    },
  },
  "discovery.k8s.io/v1/EndpointSlice": {
    type: "object",
    required: ["metadata", "addressType"],
    properties: {
      addressType: { enum: ["IPv4", "IPv6", "FQDN"] },
      endpoints: {
        type: "array",
        items: {
          type: "object",
          required: ["addresses"],
          properties: {
            addresses: { type: "array", minItems: 1, items: { type: "string" } },
            conditions: {
              type: "object",
              properties: { ready: { type: "boolean" }, serving: { type: "boolean" }, terminating: { type: "boolean" } },
            },
            zone: { type: "string" },
          },
        },
      },
      ports: {
        type: "array",
        items: { type: "object", properties: { name: { type: "string" }, port, protocol: { type: "string" }, appProtocol: { type: "string" } } },
      },
    },
  },
  "v1/Secret": {
    type: "object",
    required: ["metadata"],
    properties: {
      type: { type: "string" },
      data: { type: "object", additionalProperties: { type: "string", pattern: "^[A-Za-z0-9+/]*={0,2}$" } },
      stringData: { type: "object", additionalProperties: { type: "string" } },
    },
  },
  "v1/ConfigMap": {
    type: "object",
    required: ["metadata"],
    properties: { data: { type: "object", additionalProperties: { type: "string" } } },
  },
  "v1/Namespace": { type: "object", required: ["metadata"] },
  // Served as v1beta1 by Kubernetes 1.33+ (behind a feature gate), v1alpha1 before.
  ...Object.fromEntries(["v1beta1", "v1alpha1"].map((v) => [`certificates.k8s.io/${v}/ClusterTrustBundle`, CLUSTER_TRUST_BUNDLE])),
};
