// Gateway status from the provisioned Service: addresses and the Programmed reasons.
import { describe, expect, it } from "vitest";
import type { Gateway } from "../../src/api/gateway-api.ts";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { decorateGatewayStatus, decorateStatuses } from "../../src/infra/provision/status.ts";

type GatewayUpdate = Extract<StatusUpdate, { kind: "Gateway" }>;

const gw = (addresses?: { type?: string; value?: string }[]): Gateway => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "Gateway",
  metadata: { name: "eg", namespace: "default" },
  spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP" }], ...(addresses ? { addresses } : {}) },
});

const update = (programmed: "True" | "False" = "True"): GatewayUpdate => ({
  kind: "Gateway",
  target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "eg" },
  status: {
    conditions: [
      { type: "Accepted", status: "True", reason: "Accepted", message: "ok", observedGeneration: 3 },
      { type: "Programmed", status: programmed, reason: programmed === "True" ? "Programmed" : "Invalid", message: "m", observedGeneration: 3 },
    ],
    listeners: [],
  },
});

const lb = (ingress: { ip?: string; hostname?: string }[] = []) => ({ spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress } } });
const programmed = (u: GatewayUpdate) => u.status.conditions?.find((c) => c.type === "Programmed");
/** A proxy Deployment with an available replica. */
const ready = { metadata: { name: "envoy-x" }, spec: { replicas: 1 }, status: { availableReplicas: 1 } };

describe("decorateGatewayStatus", () => {
  it("before the proxy Deployment has been seen: Programmed=False Pending, addresses left alone", () => {
    const out = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: undefined });
    expect(programmed(out)).toMatchObject({ status: "False", reason: "Pending", observedGeneration: 3 });
    expect(out.status.addresses).toBeUndefined();
    const withService = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]) });
    expect(programmed(withService)).toMatchObject({ status: "False", reason: "Pending" });
    expect(withService.status.addresses).toEqual([{ type: "IPAddress", value: "203.0.113.5" }]);
  });

  it("a Gateway that already shows Programmed=True keeps it until the Deployment is seen (a new leader does not flap it)", () => {
    const shown = { ...gw(), status: { conditions: [{ type: "Programmed", status: "True", reason: "Programmed", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }] } };
    expect(programmed(decorateGatewayStatus(update(), { gateway: shown as Gateway, serviceType: "LoadBalancer", service: undefined }))).toMatchObject({ status: "True" });
    // Once seen, the Deployment decides.
    const down = { metadata: { name: "envoy-x" }, spec: { replicas: 1 }, status: {} };
    expect(programmed(decorateGatewayStatus(update(), { gateway: shown as Gateway, serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: down }))).toMatchObject({ reason: "NoResources" });
  });

  it("adds the load balancer's addresses and keeps Programmed=True", () => {
    const out = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: ready });
    expect(out.status.addresses).toEqual([{ type: "IPAddress", value: "203.0.113.5" }]);
    expect(programmed(out)).toMatchObject({ status: "True", reason: "Programmed", observedGeneration: 3 });
  });

  it("a pending load balancer: no addresses, Programmed=False AddressNotAssigned", () => {
    const out = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb(), deployment: ready });
    expect(out.status.addresses).toEqual([]);
    expect(programmed(out)).toMatchObject({ status: "False", reason: "AddressNotAssigned", observedGeneration: 3 });
  });

  it("a requested IP the Service did not get, or an address type it cannot request: AddressNotUsable", () => {
    const other = decorateGatewayStatus(update(), { gateway: gw([{ value: "198.51.100.1" }]), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: ready });
    expect(programmed(other)).toMatchObject({ status: "False", reason: "AddressNotUsable" });
    expect(programmed(other)?.message).toContain("198.51.100.1");
    const host = decorateGatewayStatus(update(), { gateway: gw([{ type: "Hostname", value: "gw.example.com" }]), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: ready });
    expect(programmed(host)).toMatchObject({ status: "False", reason: "AddressNotUsable" });
    const got = decorateGatewayStatus(update(), { gateway: gw([{ value: "203.0.113.5" }]), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: ready });
    expect(programmed(got)).toMatchObject({ status: "True" });
  });

  it("never turns a False Programmed into True", () => {
    const out = decorateGatewayStatus(update("False"), { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: ready });
    expect(programmed(out)).toMatchObject({ status: "False", reason: "Invalid" });
  });

  it("a Deployment with no available replica: Programmed=False NoResources, before address problems", () => {
    const down = { metadata: { name: "envoy-x" }, spec: { replicas: 2 }, status: {} };
    const out = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: down });
    expect(programmed(out)).toMatchObject({ status: "False", reason: "NoResources", message: "The proxy Deployment envoy-x has no available replicas" });
    expect(out.status.addresses).toEqual([{ type: "IPAddress", value: "203.0.113.5" }]);
    const pending = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb(), deployment: down });
    expect(programmed(pending)).toMatchObject({ reason: "NoResources" });
    const up = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: { ...down, status: { availableReplicas: 1 } } });
    expect(programmed(up)).toMatchObject({ status: "True" });
    // Scaled to zero on purpose: not a missing resource.
    const zero = decorateGatewayStatus(update(), { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "203.0.113.5" }]), deployment: { spec: { replicas: 0 } } });
    expect(programmed(zero)).toMatchObject({ status: "True" });
  });

  it("decorateStatuses touches only Gateways it knows", () => {
    const route: StatusUpdate = { kind: "HTTPRoute", target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "r" }, parents: [] };
    const u = update();
    const out = decorateStatuses([route, u], (key) => (key === "default/eg" ? { gateway: gw(), serviceType: "LoadBalancer", service: lb([{ ip: "192.0.2.9" }]) } : undefined));
    expect(out[0]).toBe(route);
    expect((out[1] as GatewayUpdate).status.addresses).toEqual([{ type: "IPAddress", value: "192.0.2.9" }]);
    expect(decorateStatuses([u], () => undefined)[0]).toBe(u);
  });
});
