import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { UpstreamTlsContextSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { SubjectAltNameMatcher_SanType } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { xdsClusterTransportSocket, xdsClusterTransportSocketJson } from "../../src/infra/bootstrap-tls.ts";

function unpack(opts: Parameters<typeof xdsClusterTransportSocket>[0]) {
  const ts = xdsClusterTransportSocket(opts);
  expect(ts.name).toBe("envoy.transport_sockets.tls");
  if (ts.configType.case !== "typedConfig") throw new Error("no typed_config");
  expect(ts.configType.value.typeUrl).toBe("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
  return fromBinary(UpstreamTlsContextSchema, ts.configType.value.value);
}

describe("bootstrap TLS for the xds_cluster", () => {
  it("presents the Gateway's client certificate and verifies the server by DNS SAN, with ALPN h2", () => {
    const tls = unpack({});
    expect(tls.sni).toBe("switchyard.switchyard-system.svc");
    const common = tls.commonTlsContext!;
    expect(common.alpnProtocols).toEqual(["h2"]);
    expect(common.tlsCertificates[0]?.certificateChain?.specifier).toEqual({ case: "filename", value: "/certs/tls.crt" });
    expect(common.tlsCertificates[0]?.privateKey?.specifier).toEqual({ case: "filename", value: "/certs/tls.key" });
    if (common.validationContextType.case !== "validationContext") throw new Error("no validation context");
    const v = common.validationContextType.value;
    expect(v.trustedCa?.specifier).toEqual({ case: "filename", value: "/certs/ca.crt" });
    expect(v.matchTypedSubjectAltNames[0]?.sanType).toBe(SubjectAltNameMatcher_SanType.DNS);
    expect(v.matchTypedSubjectAltNames[0]?.matcher?.matchPattern).toEqual({ case: "exact", value: "switchyard.switchyard-system.svc" });
  });

  it("verifies an IP SAN and sends no SNI for an IP server name", () => {
    const tls = unpack({ serverName: "127.0.0.1", certDir: "/tmp/x/" });
    expect(tls.sni).toBe("");
    const common = tls.commonTlsContext!;
    expect(common.tlsCertificates[0]?.certificateChain?.specifier).toEqual({ case: "filename", value: "/tmp/x/tls.crt" });
    if (common.validationContextType.case !== "validationContext") throw new Error("no validation context");
    expect(common.validationContextType.value.matchTypedSubjectAltNames[0]?.sanType).toBe(SubjectAltNameMatcher_SanType.IP_ADDRESS);
  });

  it("renders as Envoy JSON with snake_case names", () => {
    const json = xdsClusterTransportSocketJson({ certFile: "/a.crt" }) as { typed_config: Record<string, unknown> };
    expect(json.typed_config["@type"]).toBe("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
    expect(JSON.stringify(json)).toContain('"certificate_chain":{"filename":"/a.crt"}');
  });
});

describe("with the bootstrap of src/infra/bootstrap.ts", () => {
  it("goes in as xdsClusterExtra and survives its round trip through the Bootstrap type", async () => {
    const { bootstrapJson } = await import("../../src/infra/bootstrap.ts");
    const json = bootstrapJson({
      gateway: "default/eg",
      xdsHost: "switchyard.switchyard-system.svc",
      xdsPort: 18000,
      xdsClusterExtra: { transportSocket: xdsClusterTransportSocketJson() },
    }) as { staticResources: { clusters: { name: string; transportSocket?: { typedConfig: Record<string, unknown> } }[] } };
    const xds = json.staticResources.clusters.find((c) => c.name === "xds_cluster");
    expect(xds?.transportSocket?.typedConfig["@type"]).toBe("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
    expect(xds?.transportSocket?.typedConfig["sni"]).toBe("switchyard.switchyard-system.svc");
  });
});
