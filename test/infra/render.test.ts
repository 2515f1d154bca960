// renderGatewayInfra: the properties the golden files show, asserted one by one.
import { describe, expect, it } from "vitest";
import type { Gateway } from "../../src/api/gateway-api.ts";
import { addressRequest, serviceAddresses } from "../../src/infra/provision/addresses.ts";
import { desiredState, RenderCache } from "../../src/infra/provision/desired.ts";
import { proxyName } from "../../src/infra/provision/names.ts";
import { renderGatewayInfra, type InfraObject } from "../../src/infra/provision/render.ts";
import { BASE_OPTIONS, oursResult, resourceSetOf } from "./helpers.ts";

function gateway(spec: Partial<Gateway["spec"]> = {}, meta: Partial<Gateway["metadata"]> = {}): Gateway {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "eg", namespace: "default", uid: "uid-1", ...meta },
    spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 8080, protocol: "HTTP" }], ...spec },
  };
}

const byKind = (objs: InfraObject[], kind: string) => {
  const o = objs.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind}`);
  return o;
};
// Typed views into the rendered Deployment and Service, for assertions.
type Pod = { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: Record<string, unknown> & { containers: Record<string, unknown>[]; volumes: Record<string, unknown>[] } };
const podOf = (objs: InfraObject[]) => (byKind(objs, "Deployment").spec as { template: Pod }).template;
const container = (objs: InfraObject[]) => podOf(objs).spec.containers[0] as { args: string[]; ports: { name: string; containerPort: number; protocol: string }[]; image: string };
const serviceSpec = (objs: InfraObject[]) => byKind(objs, "Service").spec as Record<string, unknown> & { ports: { name: string; port: number; protocol: string }[] };

describe("renderGatewayInfra", () => {
  it("renders ServiceAccount, ConfigMap, Deployment, Service in apply order, all with one Envoy Gateway-style name", () => {
    const objs = renderGatewayInfra(gateway(), BASE_OPTIONS);
    expect(objs.map((o) => o.kind)).toEqual(["ServiceAccount", "ConfigMap", "Deployment", "Service"]);
    expect(new Set(objs.map((o) => o.metadata.name))).toEqual(new Set(["envoy-default-eg-e41e7b31"]));
    expect(objs.every((o) => o.metadata.namespace === "switchyard-system")).toBe(true);
  });

  it("names stay unique and within 63 characters for long and ambiguous keys", () => {
    const long = proxyName("a".repeat(63), "b".repeat(200));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(proxyName("a-b", "c")).not.toBe(proxyName("a", "b-c"));
    expect(proxyName("x", "my.gw")).toMatch(/^envoy-x-my-gw-[0-9a-f]{8}$/);
  });

  it("puts infrastructure labels and annotations on every object and the pod template; ours win on collisions", () => {
    const objs = renderGatewayInfra(
      gateway({ infrastructure: { labels: { team: "payments", "app.kubernetes.io/managed-by": "helm" }, annotations: { "example.com/owner": "alice" } } }),
      BASE_OPTIONS,
    );
    const metas = [...objs.map((o) => o.metadata), podOf(objs).metadata];
    for (const m of metas) {
      expect(m.labels).toMatchObject({
        team: "payments",
        "app.kubernetes.io/managed-by": "switchyard",
        "gateway.networking.k8s.io/gateway-name": "eg",
        "gateway.networking.k8s.io/gateway-namespace": "default",
      });
      expect(m.annotations).toMatchObject({ "example.com/owner": "alice", "switchyard.dev/gateway": "default/eg" });
    }
    // The selector never takes user labels: changing them must not orphan pods.
    const selector = (byKind(objs, "Deployment").spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    expect(Object.keys(selector)).not.toContain("team");
    expect(serviceSpec(objs).selector).toEqual(selector);
  });

  it("sets ownerReferences only when the proxy shares the Gateway's namespace", () => {
    expect(renderGatewayInfra(gateway(), BASE_OPTIONS).some((o) => o.metadata.ownerReferences)).toBe(false);
    const same = renderGatewayInfra(gateway(), { ...BASE_OPTIONS, proxyNamespace: "gateway" });
    for (const o of same) {
      expect(o.metadata.namespace).toBe("default");
      expect(o.metadata.ownerReferences).toEqual([{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name: "eg", uid: "uid-1", controller: true }]);
    }
    // No uid (not from an API server): no reference rather than a broken one.
    expect(renderGatewayInfra(gateway({}, { uid: undefined }), { ...BASE_OPTIONS, proxyNamespace: "gateway" }).some((o) => o.metadata.ownerReferences)).toBe(false);
  });

  it("bootstraps Envoy for its Gateway: node.cluster, the controller's xDS address, --service-node $(POD_NAME)", () => {
    const objs = renderGatewayInfra(gateway(), { ...BASE_OPTIONS, xdsHost: "xds.example", xdsPort: 18001 });
    const boot = JSON.parse((byKind(objs, "ConfigMap").data as Record<string, string>)["bootstrap.json"] ?? "{}");
    expect(boot.node.cluster).toBe("default/eg");
    const addr = boot.staticResources.clusters[0].loadAssignment.endpoints[0].lbEndpoints[0].endpoint.address.socketAddress;
    expect(addr).toEqual({ address: "xds.example", portValue: 18001 });
    expect(boot.staticResources.clusters[0].transportSocket).toBeUndefined();
    const args = container(objs).args;
    expect(args.slice(args.indexOf("--service-node"), args.indexOf("--service-node") + 2)).toEqual(["--service-node", "$(POD_NAME)"]);
    const probe = (podOf(objs).spec.containers[0] as { readinessProbe: unknown }).readinessProbe;
    expect(probe).toMatchObject({ httpGet: { path: "/ready", port: 19003 } });
  });

  it("with xDS mTLS mounts the Gateway's client Secret at /certs and points the bootstrap at it", () => {
    const objs = renderGatewayInfra(gateway(), { ...BASE_OPTIONS, xdsTls: { serverName: "switchyard.switchyard-system.svc" } });
    const boot = JSON.parse((byKind(objs, "ConfigMap").data as Record<string, string>)["bootstrap.json"] ?? "{}");
    const tls = boot.staticResources.clusters[0].transportSocket.typedConfig;
    expect(tls.sni).toBe("switchyard.switchyard-system.svc");
    expect(tls.commonTlsContext.tlsCertificates[0].certificateChain.filename).toBe("/certs/tls.crt");
    expect(podOf(objs).spec.volumes).toContainEqual({ name: "xds-certs", secret: { secretName: expect.stringMatching(/^switchyard-xds-client-default-eg-/), defaultMode: 0o440 } });
  });

  it("a changed bootstrap changes the pod template (so pods roll), an unchanged one does not", () => {
    const a = podOf(renderGatewayInfra(gateway(), BASE_OPTIONS)).metadata.annotations["switchyard.dev/bootstrap-hash"];
    const b = podOf(renderGatewayInfra(gateway(), BASE_OPTIONS)).metadata.annotations["switchyard.dev/bootstrap-hash"];
    const c = podOf(renderGatewayInfra(gateway(), { ...BASE_OPTIONS, xdsPort: 18002 })).metadata.annotations["switchyard.dev/bootstrap-hash"];
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("maps listeners to ports once per port and L4 protocol; UDP listeners get UDP", () => {
    const objs = renderGatewayInfra(
      gateway({
        listeners: [
          { name: "a", port: 443, protocol: "HTTPS" },
          { name: "b", port: 443, protocol: "TLS" },
          { name: "c", port: 53, protocol: "UDP" },
          { name: "d", port: 53, protocol: "TCP" },
          { name: "e", port: 99, protocol: "example.com/weird" },
        ],
      }),
      BASE_OPTIONS,
    );
    expect(serviceSpec(objs).ports.map((p) => `${p.protocol}/${p.port}/${p.name}`)).toEqual(["TCP/53/tcp-53", "UDP/53/udp-53", "TCP/443/tcp-443"]);
    expect(container(objs).ports.map((p) => `${p.protocol}/${p.containerPort}`)).toEqual(["TCP/53", "UDP/53", "TCP/443", "TCP/19003"]);
    // Ports below 1024 without root: the namespaced sysctl.
    expect(podOf(objs).spec.securityContext).toMatchObject({ sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] });
    expect(podOf(renderGatewayInfra(gateway(), BASE_OPTIONS)).spec.securityContext).not.toHaveProperty("sysctls");
  });

  it("renders no Service when no listener has a port it can serve", () => {
    const objs = renderGatewayInfra(gateway({ listeners: [{ name: "x", port: 80, protocol: "SCTP" }] }), BASE_OPTIONS);
    expect(objs.map((o) => o.kind)).toEqual(["ServiceAccount", "ConfigMap", "Deployment"]);
  });

  it("parameters: controller defaults < merged Gateway parameters", () => {
    const objs = renderGatewayInfra(gateway(), {
      ...BASE_OPTIONS,
      defaults: { image: "mirror.example/envoy:1", serviceType: "ClusterIP", replicas: 2 },
      parameters: { replicas: 5, logLevel: "debug" },
    });
    expect((byKind(objs, "Deployment").spec as { replicas: number }).replicas).toBe(5);
    // Without a replicas parameter the field is left to the API default (and to an HPA).
    expect(byKind(renderGatewayInfra(gateway(), BASE_OPTIONS), "Deployment").spec).not.toHaveProperty("replicas");
    expect(container(objs).image).toBe("mirror.example/envoy:1");
    expect(container(objs).args.join(" ")).toContain("--log-level debug");
    expect(serviceSpec(objs).type).toBe("ClusterIP");
    expect(serviceSpec(objs)).not.toHaveProperty("externalTrafficPolicy");
  });
});

describe("addresses", () => {
  const withAddrs = (addresses: { type?: string; value?: string }[]) => gateway({ addresses });

  it("one IP on a LoadBalancer is loadBalancerIP; several, or another Service type, are externalIPs", () => {
    expect(addressRequest(withAddrs([{ value: "192.0.2.1" }]), "LoadBalancer")).toMatchObject({ loadBalancerIP: "192.0.2.1" });
    expect(addressRequest(withAddrs([{ value: "192.0.2.1" }]), "ClusterIP")).toMatchObject({ externalIPs: ["192.0.2.1"] });
    const two = addressRequest(withAddrs([{ type: "IPAddress", value: "192.0.2.1" }, { value: "2001:db8::1" }]), "LoadBalancer");
    expect(two.loadBalancerIP).toBeUndefined();
    expect(two.externalIPs).toEqual(["192.0.2.1", "2001:db8::1"]);
  });

  it("an IPAddress without a value requests nothing; Hostname, other types and bad IPs are unsupported", () => {
    const r = addressRequest(
      withAddrs([{ type: "IPAddress" }, { type: "Hostname", value: "gw.example.com" }, { type: "test/fake-invalid-type", value: "x" }, { value: "not-an-ip" }]),
      "LoadBalancer",
    );
    expect(r.requestedIPs).toEqual([]);
    expect(r.loadBalancerIP).toBeUndefined();
    expect(r.unsupported.map((a) => a.type)).toEqual(["Hostname", "test/fake-invalid-type", "IPAddress"]);
  });

  it("status addresses: load balancer ingress then externalIPs; cluster IPs for ClusterIP; nothing while pending", () => {
    expect(serviceAddresses({ spec: { type: "LoadBalancer" }, status: { loadBalancer: {} } })).toEqual([]);
    expect(
      serviceAddresses({ spec: { type: "LoadBalancer", externalIPs: ["198.51.100.7"] }, status: { loadBalancer: { ingress: [{ ip: "203.0.113.1" }, { hostname: "lb.example.com" }] } } }),
    ).toEqual([
      { type: "IPAddress", value: "203.0.113.1" },
      { type: "Hostname", value: "lb.example.com" },
      { type: "IPAddress", value: "198.51.100.7" },
    ]);
    expect(serviceAddresses({ spec: { type: "ClusterIP", clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10", "fd00::a"] } })).toEqual([
      { type: "IPAddress", value: "10.96.0.10" },
      { type: "IPAddress", value: "fd00::a" },
    ]);
  });
});

describe("desiredState with a RenderCache", () => {
  const input = (port: number) => `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: switchyard }
spec: { controllerName: switchyard.dev/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: a, namespace: default }
spec: { gatewayClassName: switchyard, listeners: [{ name: http, port: ${port}, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: b, namespace: default }
spec: { gatewayClassName: switchyard, listeners: [{ name: http, port: 80, protocol: HTTP }] }
`;
  it("reuses a Gateway's objects while it and its parameters are unchanged, and renders the same as without a cache", () => {
    const cache = new RenderCache();
    const rs1 = resourceSetOf(input(80));
    const first = desiredState(oursResult(rs1), rs1, BASE_OPTIONS, cache);
    const rs2 = resourceSetOf(input(8080));
    const second = desiredState(oursResult(rs2), rs2, BASE_OPTIONS, cache);
    expect(second.gateways.get("default/b")?.objects).toBe(first.gateways.get("default/b")?.objects);
    expect(second.gateways.get("default/a")?.objects).not.toBe(first.gateways.get("default/a")?.objects);
    expect(second.gateways.get("default/a")?.objects).toEqual(desiredState(oursResult(rs2), rs2, BASE_OPTIONS).gateways.get("default/a")?.objects);
  });
});
