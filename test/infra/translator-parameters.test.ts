// The statuses the spec names for parameters, as translate() reports them:
// Gateway and GatewayClass Accepted=False InvalidParameters for a missing,
// unsupported or malformed parametersRef (the check shares src/api/proxy-parameters.ts
// with the provisioner, so what is accepted is exactly what can be rendered).
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { resourceSetOf } from "./helpers.ts";

const INPUT = `
apiVersion: v1
kind: ConfigMap
metadata: { name: good, namespace: infra }
data: { replicas: "2" }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: malformed, namespace: infra }
data: { serviceType: Ingress }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: good }
spec:
  controllerName: ${DEFAULT_CONTROLLER_NAME}
  parametersRef: { group: "", kind: ConfigMap, name: good, namespace: infra }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: malformed }
spec:
  controllerName: ${DEFAULT_CONTROLLER_NAME}
  parametersRef: { group: "", kind: ConfigMap, name: malformed, namespace: infra }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ok, namespace: infra }
spec:
  gatewayClassName: good
  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: good } }
  listeners: [{ name: http, port: 80, protocol: HTTP }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: malformed, namespace: infra }
spec:
  gatewayClassName: good
  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: malformed } }
  listeners: [{ name: http, port: 80, protocol: HTTP }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: unsupported, namespace: infra }
spec:
  gatewayClassName: good
  infrastructure: { parametersRef: { group: invalid.io, kind: InvalidParameters, name: invalid } }
  listeners: [{ name: http, port: 80, protocol: HTTP }]
`;

const accepted = (statuses: StatusUpdate[], kind: string, name: string) => {
  const u = statuses.find((s) => s.kind === kind && s.target.name === name);
  const conds = u && (u.kind === "Gateway" || u.kind === "GatewayClass") ? u.status.conditions : undefined;
  return conds?.find((c) => c.type === "Accepted");
};

describe("InvalidParameters from translate()", () => {
  const { statuses } = translate(resourceSetOf(INPUT), { controllerName: DEFAULT_CONTROLLER_NAME });

  it("GatewayClass: a valid ConfigMap is accepted, a malformed one is InvalidParameters", () => {
    expect(accepted(statuses, "GatewayClass", "good")).toMatchObject({ status: "True" });
    expect(accepted(statuses, "GatewayClass", "malformed")).toMatchObject({ status: "False", reason: "InvalidParameters", message: expect.stringContaining("serviceType must be one of") });
  });

  it("Gateway: valid parameters are accepted; malformed or unsupported ones are InvalidParameters", () => {
    expect(accepted(statuses, "Gateway", "ok")).toMatchObject({ status: "True" });
    expect(accepted(statuses, "Gateway", "malformed")).toMatchObject({ status: "False", reason: "InvalidParameters" });
    expect(accepted(statuses, "Gateway", "unsupported")).toMatchObject({ status: "False", reason: "InvalidParameters", message: expect.stringContaining("only core ConfigMaps") });
  });
});
