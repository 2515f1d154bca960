// CA certificate references (ConfigMap or Secret, key `ca.crt`; or a
// cluster-scoped certificates.k8s.io ClusterTrustBundle, its spec.trustBundle),
// shared by client certificate validation on listeners and by BackendTLSPolicy.
// Each valid reference becomes an SDS secret holding the bundle; several valid
// references are served as one concatenated bundle.
import type { ResourceSet } from "../../api/resource-set.ts";
import { caSecretName } from "../names.ts";
import type { IrSecret } from "../ir.ts";
import { refAllowed, type RefFrom } from "./refs.ts";
import { checkCaBundle, configMapValue, secretValue } from "./tls-pem.ts";

export const CA_KEY = "ca.crt";
export const CERTIFICATES_GROUP = "certificates.k8s.io";

export interface CaRefsOptions {
  /** The referring object, for ReferenceGrant checks. */
  from: RefFrom;
  /** Whether refs may name another namespace (with a ReferenceGrant). BackendTLSPolicy: no. */
  crossNamespace: boolean;
  /** Kinds accepted besides ConfigMap (core group). */
  allowSecret: boolean;
  /** Reason for an unsupported kind: InvalidCACertificateKind (listeners) or InvalidKind (BackendTLSPolicy). */
  kindReason: string;
}

export interface CaRefError {
  reason: string;
  message: string;
}

export interface CaRefsResult {
  /** The bundle to validate against, when at least one reference is valid. */
  secret?: IrSecret;
  /** One entry per invalid reference, in reference order. */
  errors: CaRefError[];
  /** Number of references examined. */
  total: number;
}

interface RefLike {
  group?: unknown;
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
}

export function resolveCaRefs(rs: ResourceSet, refs: unknown, opts: CaRefsOptions): CaRefsResult {
  const list = Array.isArray(refs) ? (refs as unknown[]) : [];
  const errors: CaRefError[] = [];
  const valid: IrSecret[] = [];
  for (const raw of list) {
    const ref = (raw && typeof raw === "object" ? raw : {}) as RefLike;
    const group = typeof ref.group === "string" ? ref.group : "";
    const kind = typeof ref.kind === "string" ? ref.kind : "";
    const name = typeof ref.name === "string" ? ref.name : "";
    const ns = typeof ref.namespace === "string" && ref.namespace !== "" ? ref.namespace : opts.from.namespace;
    if (group === CERTIFICATES_GROUP && kind === "ClusterTrustBundle") {
      const r = clusterTrustBundle(rs, name, ref.namespace);
      if (typeof r === "string") errors.push({ reason: "InvalidCACertificateRef", message: r });
      else valid.push(r);
      continue;
    }
    const what = `${kind || "(no kind)"} ${ns}/${name}`;
    const supported = group === "" && (kind === "ConfigMap" || (opts.allowSecret && kind === "Secret"));
    if (!supported) {
      const allowed = `${opts.allowSecret ? "ConfigMap, Secret" : "ConfigMap"} or ${CERTIFICATES_GROUP}/ClusterTrustBundle`;
      errors.push({ reason: opts.kindReason, message: `CA certificate ref ${group ? group + "/" : ""}${what} is not a supported kind (${allowed})` });
      continue;
    }
    if (ns !== opts.from.namespace) {
      if (!opts.crossNamespace) {
        errors.push({ reason: "InvalidCACertificateRef", message: `CA certificate ref ${what} is in another namespace, which is not allowed here` });
        continue;
      }
      if (!refAllowed(rs, opts.from, { group: "", kind, namespace: ns, name })) {
        errors.push({ reason: "RefNotPermitted", message: `CA certificate ref ${what} is not permitted by any ReferenceGrant` });
        continue;
      }
    }
    let pem: string | undefined;
    if (kind === "ConfigMap") {
      const cm = rs.get("ConfigMap", `${ns}/${name}`);
      if (!cm) {
        errors.push({ reason: "InvalidCACertificateRef", message: `CA certificate ref ${what} does not exist` });
        continue;
      }
      pem = configMapValue(cm, CA_KEY);
    } else {
      const s = rs.get("Secret", `${ns}/${name}`);
      if (!s) {
        errors.push({ reason: "InvalidCACertificateRef", message: `CA certificate ref ${what} does not exist` });
        continue;
      }
      pem = secretValue(s, CA_KEY);
    }
    if (pem === undefined) {
      errors.push({ reason: "InvalidCACertificateRef", message: `CA certificate ref ${what} has no key ${CA_KEY}` });
      continue;
    }
    const bundle = checkCaBundle(pem);
    if (!bundle.ok) {
      errors.push({ reason: "InvalidCACertificateRef", message: `CA certificate ref ${what}: ${bundle.message}` });
      continue;
    }
    valid.push({ name: caSecretName(kind, ns, name), trustedCa: pem });
  }
  const result: CaRefsResult = { errors, total: list.length };
  const first = valid[0];
  if (valid.length === 1 && first) result.secret = first;
  else if (valid.length > 1) {
    result.secret = {
      name: `ca-bundle/${valid.map((s) => s.name).join("+")}`,
      trustedCa: valid.map((s) => (s.trustedCa ?? "").trimEnd() + "\n").join(""),
    };
  }
  return result;
}

/**
 * A ClusterTrustBundle by name: cluster-scoped, so a reference must not name a
 * namespace (the spec: the scope follows the kind), and needs no ReferenceGrant.
 * Its spec.trustBundle is the PEM bundle.
 */
function clusterTrustBundle(rs: ResourceSet, name: string, namespace: unknown): IrSecret | string {
  const what = `ClusterTrustBundle ${name}`;
  if (typeof namespace === "string" && namespace !== "") return `CA certificate ref ${what} must not set a namespace (ClusterTrustBundles are cluster-scoped)`;
  const ctb = rs.get("ClusterTrustBundle", name);
  if (!ctb) return `CA certificate ref ${what} does not exist`;
  const pem = typeof ctb.spec?.trustBundle === "string" ? ctb.spec.trustBundle : "";
  const bundle = checkCaBundle(pem);
  if (!bundle.ok) return `CA certificate ref ${what}: ${bundle.message}`;
  return { name: caSecretName("ClusterTrustBundle", undefined, name), trustedCa: pem };
}
