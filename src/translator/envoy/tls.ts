// TLS in Envoy terms: the DownstreamTlsContext of a filter chain that
// terminates TLS, and the UpstreamTlsContext of a cluster under a
// BackendTLSPolicy. Certificates and CA bundles are referenced by SDS name and
// served over ADS (envoy/secrets.ts), never inlined into listeners or clusters,
// so a rotated certificate only changes a Secret resource.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { ApiVersion, ConfigSourceSchema } from "../../gen/envoy/config/core/v3/config_source_pb.js";
import { TransportSocketSchema, type TransportSocket } from "../../gen/envoy/config/core/v3/base_pb.js";
import {
  CertificateValidationContext_TrustChainVerification,
  CertificateValidationContextSchema,
  SubjectAltNameMatcher_SanType,
  SubjectAltNameMatcherSchema,
  type SubjectAltNameMatcher,
} from "../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { SdsSecretConfigSchema, type SdsSecretConfig } from "../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import {
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  CommonTlsContextSchema,
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
  type CommonTlsContext,
} from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { IrCluster, IrTlsTermination } from "../ir.ts";

export const TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
export const TLS_INSPECTOR_FILTER = "envoy.filters.listener.tls_inspector";
/** ALPN offered by HTTPS listeners. */
export const HTTPS_ALPN = ["h2", "http/1.1"];
/**
 * The trust bundle of `wellKnownCACertificates: System`: the system bundle of
 * the Envoy image (envoyproxy/envoy is Ubuntu-based; Debian/Ubuntu/Alpine and
 * distroless all ship it at this path).
 */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** An SDS reference to a secret served over the ADS stream. */
export function sdsSecretConfig(name: string): SdsSecretConfig {
  return create(SdsSecretConfigSchema, {
    name,
    sdsConfig: create(ConfigSourceSchema, { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 }),
  });
}

type CommonInit = MessageInitShape<typeof CommonTlsContextSchema>;

/** DownstreamTlsContext for a filter chain that terminates TLS. */
export function downstreamTlsTransportSocket(tls: IrTlsTermination): TransportSocket {
  const common: CommonInit = {
    tlsCertificateSdsSecretConfigs: tls.certificateSecrets.map(sdsSecretConfig),
    alpnProtocols: tls.alpn ?? [],
  };
  if (tls.clientValidationSecret) {
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
  }
  const ctx = create(DownstreamTlsContextSchema, {
    commonTlsContext: common,
    // AllowValidOnly: no certificate, no connection.
    ...(tls.clientValidationSecret && !tls.clientValidationOptional ? { requireClientCertificate: true } : {}),
  });
  return create(TransportSocketSchema, {
    name: TLS_TRANSPORT_SOCKET,
    configType: { case: "typedConfig", value: anyPack(DownstreamTlsContextSchema, ctx) },
  });
}

export type IrClusterTls = NonNullable<IrCluster["tls"]>;

/**
 * A URI SAN no real certificate carries: a policy whose CA is invalid verifies
 * against it, so the connection fails (a 5xx to the client) rather than going
 * out unverified. The resolver also withholds such a cluster's endpoints.
 */
export const UNMATCHABLE_SAN = "urn:switchyard:backend-tls:no-valid-ca-certificate";

/** The SAN matchers a backend's certificate must satisfy: subjectAltNames, or else the hostname. */
function sanMatchers(tls: IrClusterTls): SubjectAltNameMatcher[] {
  const sans = tls.subjectAltNames.length > 0 ? tls.subjectAltNames : [{ type: "Hostname" as const, value: tls.sni }];
  return sans.map((s) =>
    create(SubjectAltNameMatcherSchema, {
      sanType: s.type === "URI" ? SubjectAltNameMatcher_SanType.URI : SubjectAltNameMatcher_SanType.DNS,
      matcher: { matchPattern: { case: "exact", value: s.value } },
    }),
  );
}

/**
 * UpstreamTlsContext for a cluster under a BackendTLSPolicy: SNI = hostname,
 * the server certificate verified against the policy's CA (SDS) or the system
 * bundle, and its SANs against subjectAltNames or the hostname. With neither a
 * CA nor the system bundle (an invalid CA), nothing verifies.
 */
export function upstreamTlsTransportSocket(tls: IrClusterTls, alpn: readonly string[] = [], clientCertificateSecret?: string): TransportSocket {
  let validation: CommonTlsContext["validationContextType"];
  if (tls.caSecret) {
    validation = {
      case: "combinedValidationContext",
      value: create(CommonTlsContext_CombinedCertificateValidationContextSchema, {
        defaultValidationContext: { matchTypedSubjectAltNames: sanMatchers(tls) },
        validationContextSdsSecretConfig: sdsSecretConfig(tls.caSecret),
      }),
    };
  } else {
    const matchers = tls.useSystemCa
      ? sanMatchers(tls)
      : [create(SubjectAltNameMatcherSchema, { sanType: SubjectAltNameMatcher_SanType.URI, matcher: { matchPattern: { case: "exact", value: UNMATCHABLE_SAN } } })];
    validation = {
      case: "validationContext",
      value: create(CertificateValidationContextSchema, {
        trustedCa: { specifier: { case: "filename", value: SYSTEM_CA_BUNDLE } },
        matchTypedSubjectAltNames: matchers,
      }),
    };
  }
  const ctx = create(UpstreamTlsContextSchema, {
    sni: tls.sni,
    // An HTTP/2 cluster must negotiate h2, or a TLS backend may pick HTTP/1.1.
    commonTlsContext: {
      validationContextType: validation,
      alpnProtocols: [...alpn],
      tlsCertificateSdsSecretConfigs: clientCertificateSecret ? [sdsSecretConfig(clientCertificateSecret)] : [],
    },
  });
  return create(TransportSocketSchema, {
    name: TLS_TRANSPORT_SOCKET,
    configType: { case: "typedConfig", value: anyPack(UpstreamTlsContextSchema, ctx) },
  });
}
