// The bootstrap pieces that make Envoy talk mTLS to switchyard's xDS server:
// an UpstreamTlsContext on the static xds_cluster, presenting the Gateway's
// client certificate (from `switchyard certgen`) and verifying the server's.
// src/infra/bootstrap.ts puts `transport_socket` on its xds_cluster.
import { create, toJson, type JsonValue } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { isIP } from "node:net";
import { TransportSocketSchema, type TransportSocket } from "../gen/envoy/config/core/v3/base_pb.js";
import {
  SubjectAltNameMatcherSchema,
  SubjectAltNameMatcher_SanType,
} from "../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { UpstreamTlsContextSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { registry } from "../gen/registry.js";
import { DEFAULT_CONTROLLER_NAMESPACE, DEFAULT_CONTROLLER_SERVICE } from "./certgen.ts";

/** Where the proxy Deployment mounts its client Secret (tls.crt, tls.key, ca.crt), as Envoy Gateway does. */
export const DEFAULT_XDS_CERT_DIR = "/certs";

export interface BootstrapTlsOptions {
  /** Directory holding tls.crt, tls.key and ca.crt. Default /certs. */
  certDir?: string;
  /** Override single paths. */
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  /**
   * Name the server certificate must carry (a DNS SAN, or an IP SAN for an IP);
   * also sent as SNI for DNS names. Default: the controller Service's
   * `<service>.<namespace>.svc`, a SAN certgen puts in by default.
   */
  serverName?: string;
}

export function defaultXdsServerName(namespace = DEFAULT_CONTROLLER_NAMESPACE, service = DEFAULT_CONTROLLER_SERVICE): string {
  return `${service}.${namespace}.svc`;
}

/** `transport_socket` for the bootstrap's xds_cluster. */
export function xdsClusterTransportSocket(opts: BootstrapTlsOptions = {}): TransportSocket {
  const dir = (opts.certDir ?? DEFAULT_XDS_CERT_DIR).replace(/\/+$/, "");
  const serverName = opts.serverName ?? defaultXdsServerName();
  const ip = isIP(serverName) !== 0;
  const file = (p: string) => ({ specifier: { case: "filename" as const, value: p } });
  const tls = create(UpstreamTlsContextSchema, {
    // SNI must be a hostname; an IP literal is not sent.
    sni: ip ? "" : serverName,
    commonTlsContext: {
      // grpc-js (node's http2 server) closes connections that do not negotiate h2.
      alpnProtocols: ["h2"],
      tlsCertificates: [
        {
          certificateChain: file(opts.certFile ?? `${dir}/tls.crt`),
          privateKey: file(opts.keyFile ?? `${dir}/tls.key`),
        },
      ],
      validationContextType: {
        case: "validationContext",
        value: {
          trustedCa: file(opts.caFile ?? `${dir}/ca.crt`),
          matchTypedSubjectAltNames: [
            create(SubjectAltNameMatcherSchema, {
              sanType: ip ? SubjectAltNameMatcher_SanType.IP_ADDRESS : SubjectAltNameMatcher_SanType.DNS,
              matcher: { matchPattern: { case: "exact", value: serverName } },
            }),
          ],
        },
      },
    },
  });
  return create(TransportSocketSchema, {
    name: "envoy.transport_sockets.tls",
    configType: { case: "typedConfig", value: anyPack(UpstreamTlsContextSchema, tls) },
  });
}

/** The same as Envoy's JSON/YAML (snake_case field names), for a bootstrap written as text. */
export function xdsClusterTransportSocketJson(opts: BootstrapTlsOptions = {}): JsonValue {
  return toJson(TransportSocketSchema, xdsClusterTransportSocket(opts), { registry, useProtoFieldName: true });
}
