// TLS in Envoy terms: the DownstreamTlsContext of a filter chain that
// terminates TLS (the UpstreamTlsContext of a cluster under a BackendTLSPolicy
// is features/backend-tls/emit.ts). Certificates and CA bundles are referenced by SDS name and
// served over ADS (envoy/secrets.ts), never inlined into listeners or clusters,
// so a rotated certificate only changes a Secret resource.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { ApiVersion, ConfigSourceSchema } from "../../gen/envoy/config/core/v3/config_source_pb.js";
import { TransportSocketSchema, type TransportSocket } from "../../gen/envoy/config/core/v3/base_pb.js";
import { SdsSecretConfigSchema, type SdsSecretConfig } from "../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { type CommonTlsContextSchema, DownstreamTlsContextSchema } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { IrTlsTermination } from "../ir.ts";
import type { DownstreamTlsInit, EmitHooks } from "./hooks.ts";

export const TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
export const TLS_INSPECTOR_FILTER = "envoy.filters.listener.tls_inspector";
/** ALPN offered by HTTPS listeners. */
export const HTTPS_ALPN = ["h2", "http/1.1"];

/** An SDS reference to a secret served over the ADS stream. */
export function sdsSecretConfig(name: string): SdsSecretConfig {
  return create(SdsSecretConfigSchema, {
    name,
    sdsConfig: create(ConfigSourceSchema, { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 }),
  });
}

type CommonInit = MessageInitShape<typeof CommonTlsContextSchema>;

/** DownstreamTlsContext for a filter chain that terminates TLS. */
export function downstreamTlsTransportSocket(tls: IrTlsTermination, features: readonly EmitHooks[]): TransportSocket {
  const common: CommonInit = {
    tlsCertificateSdsSecretConfigs: tls.certificateSecrets.map(sdsSecretConfig),
    alpnProtocols: tls.alpn ?? [],
  };
  const init: DownstreamTlsInit = { commonTlsContext: common };
  for (const f of features) f.downstreamTls?.(tls, init);
  const ctx = create(DownstreamTlsContextSchema, init);
  return create(TransportSocketSchema, {
    name: TLS_TRANSPORT_SOCKET,
    configType: { case: "typedConfig", value: anyPack(DownstreamTlsContextSchema, ctx) },
  });
}
