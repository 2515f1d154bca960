// BackendTLSPolicy: TLS from the Gateway to a Service's pods. The policies are
// applied to every Gateway's clusters once the IR is built (IrCluster.tls, CA
// secrets, their status); in Envoy each such cluster gets an UpstreamTlsContext.
import type { Feature } from "../feature.ts";
import { decorateClusterTls } from "./emit.ts";
import { applyBackendTlsPolicies } from "./policy.ts";

export const backendTls: Feature = {
  name: "backend-tls",
  resolve: {
    gateways: applyBackendTlsPolicies,
    supportedFeatures: ["BackendTLSPolicy", "BackendTLSPolicySANValidation"],
    // A policy that cannot be honoured withholds its clusters' endpoints (policy.ts).
    endpointsShapeMore: (rs) => rs.list("BackendTLSPolicy").length > 0,
  },
  emit: { cluster: decorateClusterTls },
};
