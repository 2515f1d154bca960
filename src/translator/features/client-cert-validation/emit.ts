// Client certificate validation in Envoy terms: the DownstreamTlsContext's
// validation context, its CA an SDS secret.
import { CertificateValidationContext_TrustChainVerification } from "../../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import type { IrTlsTermination } from "../../ir.ts";
import type { DownstreamTlsInit } from "../../envoy/hooks.ts";
import { sdsSecretConfig } from "../../envoy/tls.ts";

export function clientValidation(tls: IrTlsTermination, out: DownstreamTlsInit): void {
  if (!tls.clientValidationSecret) return;
  const common = (out.commonTlsContext ??= {});
  common.validationContextType = tls.clientValidationOptional
    ? {
        // AllowInsecureFallback: ask for a certificate, accept the connection
        // whether or not one comes or verifies; the SDS context supplies the CA.
        case: "combinedValidationContext",
        value: {
          defaultValidationContext: { trustChainVerification: CertificateValidationContext_TrustChainVerification.ACCEPT_UNTRUSTED },
          validationContextSdsSecretConfig: sdsSecretConfig(tls.clientValidationSecret),
        },
      }
    : { case: "validationContextSdsSecretConfig", value: sdsSecretConfig(tls.clientValidationSecret) };
  // AllowValidOnly: no certificate, no connection.
  if (!tls.clientValidationOptional) out.requireClientCertificate = true;
}
