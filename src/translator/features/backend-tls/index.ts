// BackendTLSPolicy: TLS from the Gateway to a Service's pods. The policies are
// applied to every Gateway's clusters once the IR is built (IrCluster.tls, CA
// secrets, their status), with the Gateway's spec.tls.backend client
// certificate (client-cert.ts); in Envoy each such cluster gets an
// UpstreamTlsContext.
import type { Feature } from "../feature.ts";
import { decorateClusterTls } from "./emit.ts";
import { attachBackendClientCertificates, backendClientCertificateConditions } from "./client-cert.ts";
import { applyBackendTlsPolicies } from "./policy.ts";
import { policyTargets } from "./targets.ts";

export const backendTls: Feature = {
  name: "backend-tls",
  resolve: {
    gatewayConditions: backendClientCertificateConditions,
    gateways(rs, gateways, controllerName) {
      attachBackendClientCertificates(rs, gateways);
      return applyBackendTlsPolicies(rs, gateways, controllerName);
    },
    decoratesCluster: policyTargets,
    supportedFeatures: ["BackendTLSPolicy", "BackendTLSPolicySANValidation"],
    // A policy that cannot be honoured withholds its clusters' endpoints (policy.ts).
    endpointsShapeMore: (rs) => rs.list("BackendTLSPolicy").length > 0,
  },
  emit: { cluster: decorateClusterTls },
};
