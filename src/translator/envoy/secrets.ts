// SDS Secret resources from the IR: server certificates (TlsCertificate) and CA
// bundles (CertificateValidationContext). A Gateway's snapshot holds only the
// secrets its own listeners and clusters reference, so a proxy is never sent
// another Gateway's keys.
import { create } from "@bufbuild/protobuf";
import { SecretSchema, type Secret } from "../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { IrSecret } from "../ir.ts";

const inline = (value: string) => ({ specifier: { case: "inlineString" as const, value } });

export function secretResource(s: IrSecret): Secret {
  if (s.trustedCa !== undefined) {
    return create(SecretSchema, { name: s.name, type: { case: "validationContext", value: { trustedCa: inline(s.trustedCa) } } });
  }
  return create(SecretSchema, {
    name: s.name,
    type: {
      case: "tlsCertificate",
      value: { certificateChain: inline(s.certificateChain ?? ""), privateKey: inline(s.privateKey ?? "") },
    },
  });
}

/** All secrets of a Gateway, sorted by name for deterministic output. */
export function secretResources(secrets: ReadonlyMap<string, IrSecret>): Secret[] {
  return [...secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(secretResource);
}
