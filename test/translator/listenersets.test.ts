// ListenerSet rules the conformance manifests leave out: precedence by creation time before name,
// a Gateway that is not accepted, a parentRef to another class's Gateway, and HTTPS certificates
// that a ListenerSet takes from its own namespace.
import { describe, expect, it } from "vitest";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { classAndGateway, translateGw } from "./helpers.ts";
import { cond } from "./tls-helpers.ts";

const OTHER_CLASS = `---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: other}
spec: {controllerName: example.com/other}
`;

/** Class `sy`, Gateway default/gw taking ListenerSets from `allowed`, class `other`, then `extra` documents. */
function gateway(allowed: string, extraSpec = "", extra = ""): string {
  const spec = `  allowedListeners: {namespaces: {from: ${allowed}}}\n${extraSpec}`;
  return classAndGateway("  - {name: http, port: 80, protocol: HTTP, hostname: gw.example.com}", spec) + OTHER_CLASS + extra;
}

function set(name: string, created: string, listeners: string, ns = "default", parent = "gw"): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${created}"}
spec:
  parentRef: {name: ${parent}, namespace: default}
  listeners:
${listeners}
`;
}

function setStatus(statuses: StatusUpdate[], ns: string, name: string) {
  const s = statuses.find((x) => x.kind === "ListenerSet" && x.target.namespace === ns && x.target.name === name);
  return s?.kind === "ListenerSet" ? s.status : undefined;
}

describe("ListenerSet", () => {
  it("the older set keeps a contested hostname even when its name sorts later", () => {
    const yaml =
      gateway("Same") +
      set("zz-older", "2026-01-01T00:00:00Z", "  - {name: l, port: 80, protocol: HTTP, hostname: shared.example.com}") +
      set("aa-newer", "2026-06-01T00:00:00Z", "  - {name: l, port: 80, protocol: HTTP, hostname: shared.example.com}");
    const { r } = translateGw(yaml, true);
    const older = setStatus(r.statuses, "default", "zz-older");
    const newer = setStatus(r.statuses, "default", "aa-newer");
    expect(cond(older?.listeners?.[0]?.conditions, "Conflicted")?.status).toBe("False");
    expect(cond(newer?.listeners?.[0]?.conditions, "Conflicted")).toMatchObject({ status: "True", reason: "HostnameConflict" });
    expect(cond(newer?.conditions, "Accepted")).toMatchObject({ status: "False", reason: "ListenersNotValid" });
    const gw = r.statuses.find((s) => s.kind === "Gateway" && s.target.name === "gw");
    expect(gw?.kind === "Gateway" && gw.status.attachedListenerSets).toBe(1);
  });

  it("a set whose Gateway is not ours gets no status; one whose Gateway is not accepted is ParentNotAccepted", () => {
    const yaml =
      gateway("All", "  addresses: [{type: NamedAddress, value: x}]", `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: theirs, namespace: default}
spec:
  gatewayClassName: other
  listeners: [{name: http, port: 80, protocol: HTTP}]
`) +
      set("on-ours", "2026-01-01T00:00:00Z", "  - {name: l, port: 81, protocol: HTTP}") +
      set("on-theirs", "2026-01-01T00:00:00Z", "  - {name: l, port: 81, protocol: HTTP}", "default", "theirs");
    const { r } = translateGw(yaml, true);
    expect(setStatus(r.statuses, "default", "on-theirs")).toBeUndefined();
    expect(cond(setStatus(r.statuses, "default", "on-ours")?.conditions, "Accepted")).toMatchObject({ status: "False", reason: "ParentNotAccepted" });
  });

  it("HTTPS certificates are the set's: a Secret in the set's namespace needs no grant; the Gateway's namespace does", () => {
    const secret = (ns: string) => `---
apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: ${ns}}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
`;
    const yaml =
      gateway("All") +
      secret("team") +
      set("own", "2026-01-01T00:00:00Z", "  - {name: https, port: 443, protocol: HTTPS, hostname: own.example.com, tls: {certificateRefs: [{name: cert}]}}", "team") +
      set("borrowed", "2026-01-02T00:00:00Z", "  - {name: https, port: 443, protocol: HTTPS, hostname: b.example.com, tls: {certificateRefs: [{name: cert, namespace: default}]}}", "team");
    const { r } = translateGw(yaml, true);
    // The Secret is found (it is malformed, so InvalidCertificateRef), not refused for want of a grant.
    expect(cond(setStatus(r.statuses, "team", "own")?.listeners?.[0]?.conditions, "ResolvedRefs")?.reason).toBe("InvalidCertificateRef");
    expect(cond(setStatus(r.statuses, "team", "borrowed")?.listeners?.[0]?.conditions, "ResolvedRefs")?.reason).toBe("RefNotPermitted");
  });
});
