// BackendTLSPolicy in Envoy terms: the UpstreamTlsContext of a cluster under a
// policy, with the Gateway's backend client certificate (spec.tls.backend) when
// it has one. CA bundles are SDS secrets (envoy/secrets.ts), never inlined.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import type { Cluster } from "../../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { TransportSocketSchema, type TransportSocket } from "../../../gen/envoy/config/core/v3/base_pb.js";
import {
  CertificateValidationContextSchema,
  SubjectAltNameMatcher_SanType,
  SubjectAltNameMatcherSchema,
  type SubjectAltNameMatcher,
} from "../../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import {
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  UpstreamTlsContextSchema,
  type CommonTlsContext,
} from "../../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { IrCluster, IrGateway } from "../../ir.ts";
import { sdsSecretConfig, TLS_TRANSPORT_SOCKET } from "../../envoy/tls.ts";

/**
 * The trust bundle of `wellKnownCACertificates: System`: the system bundle of
 * the Envoy image (envoyproxy/envoy is Ubuntu-based; Debian/Ubuntu/Alpine and
 * distroless all ship it at this path).
 */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

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

/** The UpstreamTlsContext of a cluster whose Service has a BackendTLSPolicy. */
export function decorateClusterTls(c: IrCluster, cluster: Cluster, g: IrGateway): void {
  if (!c.tls) return;
  const alpn = c.protocol === "http2" ? ["h2"] : c.protocol === "auto" ? ["h2", "http/1.1"] : [];
  cluster.transportSocket = upstreamTlsTransportSocket(c.tls, alpn, g.backendClientCertificate?.name);
}
