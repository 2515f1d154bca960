// Parameters ConfigMaps: the keys, their validation, GatewayClass/Gateway
// merging, and what a missing or invalid parametersRef reports.
import { describe, expect, it } from "vitest";
import {
  effectiveProxyParameters,
  gatewayClassParameters,
  gatewayParameters,
  parseProxyParameters,
  PROXY_PARAMETER_KEYS,
} from "../../src/api/proxy-parameters.ts";
import { resourceSetOf } from "./helpers.ts";

describe("parseProxyParameters", () => {
  it("reads every documented key", () => {
    const r = parseProxyParameters({
      replicas: "3",
      image: "envoyproxy/envoy:v1.36.0",
      imagePullPolicy: "Always",
      logLevel: "debug",
      concurrency: "4",
      serviceType: "NodePort",
      externalTrafficPolicy: "Cluster",
      loadBalancerClass: "example.com/lb",
      serviceAnnotations: "service.beta.kubernetes.io/aws-load-balancer-type: nlb\n",
      resources: "requests: { cpu: 500m, memory: 1Gi }\nlimits: { cpu: 2 }\n",
      nodeSelector: "kubernetes.io/os: linux",
      drainSeconds: "30",
    });
    expect(r).toEqual({
      ok: true,
      params: {
        replicas: 3,
        image: "envoyproxy/envoy:v1.36.0",
        imagePullPolicy: "Always",
        logLevel: "debug",
        concurrency: 4,
        serviceType: "NodePort",
        externalTrafficPolicy: "Cluster",
        loadBalancerClass: "example.com/lb",
        serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2" } },
        nodeSelector: { "kubernetes.io/os": "linux" },
        drainSeconds: 30,
      },
    });
    expect(PROXY_PARAMETER_KEYS).toHaveLength(12);
  });

  it.each([
    [{ replicas: "-1" }, /replicas must be an integer/],
    [{ replicas: "1.5" }, /replicas must be an integer/],
    [{ replicas: "100000" }, /replicas must be between 0 and 1000/],
    [{ serviceType: "ExternalName" }, /serviceType must be one of LoadBalancer, NodePort, ClusterIP/],
    [{ image: "has space" }, /image must be a container image reference/],
    [{ resources: "requests: { cpu: lots }" }, /resources requests.cpu is not a quantity/],
    [{ resources: "cpu: 1" }, /resources has unknown field "cpu"/],
    [{ resources: "requests: [" }, /resources is not valid YAML/],
    [{ nodeSelector: "a: { b: c }" }, /nodeSelector value of "a" must be a string/],
    [{ nodeSelector: "k: 'bad value!'" }, /not a valid label value/],
    [{ serviceAnnotations: "- a\n- b" }, /serviceAnnotations must be a YAML map/],
    [{ Replicas: "1" }, /unknown key "Replicas"/],
  ])("rejects %j", (data, message) => {
    const r = parseProxyParameters(data as Record<string, string>);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it("an empty ConfigMap is valid and changes nothing", () => {
    expect(parseProxyParameters(undefined)).toEqual({ ok: true, params: {} });
    expect(parseProxyParameters({})).toEqual({ ok: true, params: {} });
  });
});

const INPUTS = `
apiVersion: v1
kind: ConfigMap
metadata: { name: class-params, namespace: switchyard-system }
data: { replicas: "2", serviceType: ClusterIP, logLevel: warn }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: gw-params, namespace: apps }
data: { replicas: "4" }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: broken, namespace: apps }
data: { concurrency: "0" }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: with-params }
spec:
  controllerName: switchyard.dev/gateway-controller
  parametersRef: { group: "", kind: ConfigMap, name: class-params, namespace: switchyard-system }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: no-namespace }
spec:
  controllerName: switchyard.dev/gateway-controller
  parametersRef: { group: "", kind: ConfigMap, name: class-params }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: wrong-kind }
spec:
  controllerName: switchyard.dev/gateway-controller
  parametersRef: { group: gateway.envoyproxy.io, kind: EnvoyProxy, name: custom, namespace: switchyard-system }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: own, namespace: apps }
spec:
  gatewayClassName: with-params
  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: gw-params } }
  listeners: [{ name: http, port: 80, protocol: HTTP }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: broken, namespace: apps }
spec:
  gatewayClassName: with-params
  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: broken } }
  listeners: [{ name: http, port: 80, protocol: HTTP }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: elsewhere, namespace: other }
spec:
  gatewayClassName: with-params
  # A LocalParametersReference: looked up in the Gateway's namespace only.
  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: gw-params } }
  listeners: [{ name: http, port: 80, protocol: HTTP }]
`;

describe("parametersRef resolution", () => {
  const rs = resourceSetOf(INPUTS);
  const gc = (name: string) => rs.get("GatewayClass", name)!;
  const gw = (key: string) => rs.get("Gateway", key)!;

  it("a Gateway's parameters override its class's, key by key", () => {
    expect(effectiveProxyParameters(rs, gw("apps/own"), gc("with-params"))).toEqual({ ok: true, params: { replicas: 4, serviceType: "ClusterIP", logLevel: "warn" } });
  });

  it("GatewayClass: a ConfigMap ref needs a namespace, and only ConfigMaps are supported", () => {
    expect(gatewayClassParameters(rs, gc("with-params")).ok).toBe(true);
    expect(gatewayClassParameters(rs, gc("no-namespace"))).toEqual({ ok: false, message: "parametersRef ConfigMap class-params: a namespace is required" });
    expect(gatewayClassParameters(rs, gc("wrong-kind"))).toEqual({
      ok: false,
      message: "parametersRef gateway.envoyproxy.io/EnvoyProxy custom: only core ConfigMaps are supported as parameters",
    });
  });

  it("Gateway: malformed data and refs into other namespaces are invalid", () => {
    const broken = gatewayParameters(rs, gw("apps/broken"));
    expect(broken).toEqual({ ok: false, message: "infrastructure.parametersRef ConfigMap broken: concurrency must be between 1 and 1024, got 0" });
    expect(gatewayParameters(rs, gw("other/elsewhere"))).toEqual({
      ok: false,
      message: "infrastructure.parametersRef ConfigMap gw-params: ConfigMap other/gw-params does not exist",
    });
    // A class that is invalid makes every Gateway of it invalid for rendering.
    expect(effectiveProxyParameters(rs, gw("apps/own"), gc("wrong-kind")).ok).toBe(false);
  });
});
