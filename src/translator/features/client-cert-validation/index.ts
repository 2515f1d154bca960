// Client certificate validation on TLS-terminating listeners (GEP-91): the CA
// bundle of the listener (v1.1 shape) or of the Gateway's spec.tls.frontend
// (v1.4+) -> IrTlsTermination.clientValidationSecret / clientValidationOptional,
// listener and Gateway conditions; in Envoy the DownstreamTlsContext's
// validation context.
import type { Feature } from "../feature.ts";
import { clientValidation } from "./emit.ts";
import { applyFrontendValidation, frontendValidationGatewayConditions } from "./resolve.ts";

export const clientCertValidation: Feature = {
  name: "client-cert-validation",
  resolve: {
    tlsListener: applyFrontendValidation,
    gatewayConditions: frontendValidationGatewayConditions,
    supportedFeatures: ["GatewayFrontendClientCertificateValidation", "GatewayFrontendClientCertificateValidationInsecureFallback"],
  },
  emit: { downstreamTls: clientValidation },
};
