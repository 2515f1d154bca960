// Client certificate validation on TLS-terminating listeners (GEP-91), in both
// API shapes:
//   v1.1:  listeners[].tls.frontendValidation.caCertificateRefs
//   v1.4+: spec.tls.frontend.default / perPort[].tls with validation.{caCertificateRefs,mode}
// A listener-level setting wins over perPort, which wins over default. The
// gateway-level shape applies to HTTPS listeners, as the spec says; the
// listener-level one to any listener that terminates TLS.
import { GATEWAY_GROUP, type FrontendTLSValidation, type Gateway } from "../../../api/gateway-api.ts";
import type { ResourceSet } from "../../../api/resource-set.ts";
import { resolveCaRefs } from "../../resolve/ca-refs.ts";
import { ListenerReason } from "../../resolve/conditions.ts";
import type { ResolvedGateway, ResolvedListener } from "../../resolve/model.ts";

export const ALLOW_VALID_ONLY = "AllowValidOnly";
export const ALLOW_INSECURE_FALLBACK = "AllowInsecureFallback";
export const INSECURE_FRONTEND_CONDITION = "InsecureFrontendValidationMode";

export interface EffectiveFrontendValidation {
  source: "listener" | "perPort" | "default";
  caCertificateRefs: unknown;
  mode: string;
}

function asValidation(v: unknown): FrontendTLSValidation | undefined {
  return v && typeof v === "object" ? (v as FrontendTLSValidation) : undefined;
}

/** The validation settings that apply to a listener, or undefined when none do. */
export function effectiveFrontendValidation(gw: Gateway, l: { spec: ResolvedListener["spec"]; port: number; protocol: string }): EffectiveFrontendValidation | undefined {
  const own = asValidation(l.spec.tls?.frontendValidation);
  if (own && own.caCertificateRefs !== undefined) {
    return { source: "listener", caCertificateRefs: own.caCertificateRefs, mode: own.mode ?? ALLOW_VALID_ONLY };
  }
  if (l.protocol !== "HTTPS") return undefined;
  const frontend = gw.spec?.tls?.frontend;
  if (!frontend || typeof frontend !== "object") return undefined;
  const perPort = Array.isArray(frontend.perPort) ? frontend.perPort : [];
  const pp = perPort.find((p) => p && p.port === l.port);
  if (pp) {
    const v = asValidation(pp.tls?.validation);
    // A perPort entry without validation turns validation off for that port.
    return v ? { source: "perPort", caCertificateRefs: v.caCertificateRefs, mode: v.mode ?? ALLOW_VALID_ONLY } : undefined;
  }
  const d = asValidation(frontend.default?.validation);
  return d ? { source: "default", caCertificateRefs: d.caCertificateRefs, mode: d.mode ?? ALLOW_VALID_ONLY } : undefined;
}

/**
 * Resolves the CA bundle of a listener that terminates TLS (l.tls set) and
 * records it on l.tls, or sets the listener conditions the spec names:
 * ResolvedRefs=False (InvalidCACertificateRef, InvalidCACertificateKind,
 * RefNotPermitted) and, when no reference is usable, Accepted=False
 * (NoValidCACertificate). A listener with any invalid CA reference is not
 * programmed: it never serves without the validation the user asked for.
 */
export function applyFrontendValidation(rs: ResourceSet, l: ResolvedListener): void {
  if (!l.tls) return;
  const eff = effectiveFrontendValidation(l.gateway.obj, l);
  if (!eff) return;
  const res = resolveCaRefs(rs, eff.caCertificateRefs, {
    from: { group: GATEWAY_GROUP, kind: "Gateway", namespace: l.gateway.namespace },
    crossNamespace: true,
    allowSecret: true,
    kindReason: ListenerReason.InvalidCACertificateKind,
  });
  const where = eff.source === "listener" ? "tls.frontendValidation" : eff.source === "perPort" ? `spec.tls.frontend.perPort[port=${l.port}]` : "spec.tls.frontend.default";
  const first = res.errors[0];
  if (first && l.resolvedRefs.ok) {
    const msg = res.errors.map((e) => e.message).join("; ");
    l.resolvedRefs = { ok: false, reason: first.reason, message: `${where}: ${msg}` };
  }
  if (!res.secret) {
    if (res.total === 0 && l.resolvedRefs.ok) {
      l.resolvedRefs = { ok: false, reason: ListenerReason.InvalidCACertificateRef, message: `${where}: no caCertificateRefs are set` };
    }
    l.accepted = { ok: false, reason: ListenerReason.NoValidCACertificate, message: `${where}: no valid CA certificate` };
    return;
  }
  if (res.errors.length === 0) l.gateway.secrets.set(res.secret.name, res.secret);
  l.tls.clientValidationSecret = res.secret.name;
  if (eff.mode === ALLOW_INSECURE_FALLBACK) l.tls.clientValidationOptional = true;
}

/**
 * Gateway conditions from client validation: InsecureFrontendValidationMode
 * (reason ConfigurationChanged) while any TLS listener runs with
 * AllowInsecureFallback; nothing otherwise, so the condition disappears when
 * the mode goes back to AllowValidOnly.
 */
export function frontendValidationGatewayConditions(g: ResolvedGateway): { type: string; status: boolean; reason: string; message: string }[] {
  const insecure: string[] = [];
  for (const l of g.listeners) {
    if (l.protocol !== "HTTPS" && l.protocol !== "TLS") continue;
    const eff = effectiveFrontendValidation(g.obj, l);
    if (eff?.mode === ALLOW_INSECURE_FALLBACK) insecure.push(l.name);
  }
  if (insecure.length === 0) return [];
  return [
    {
      type: INSECURE_FRONTEND_CONDITION,
      status: true,
      reason: "ConfigurationChanged",
      message: `listeners ${insecure.join(", ")} accept clients without a valid certificate (AllowInsecureFallback)`,
    },
  ];
}
