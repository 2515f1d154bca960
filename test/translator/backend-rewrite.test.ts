// URLRewrite in a backendRef's filters (HTTPRouteBackendURLRewrite, conformance v1.7.0).
import { expect, it } from "vitest";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { classAndGateway, routeParents, translateGw } from "./helpers.ts";

const SERVICES = ["a", "b"]
  .map(
    (n) => `---
apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: default}
spec: {ports: [{name: http, port: 8080}]}
`,
  )
  .join("");
const route = (refs: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /full}}]
      backendRefs: ${refs}
`;
const REWRITE = "filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /rewritten-full}}}]";
const LISTENER = "  - {name: http, protocol: HTTP, port: 80}";

it("applies a lone backendRef's URLRewrite to the rule", () => {
  const { r, gw } = translateGw(classAndGateway(LISTENER) + SERVICES + route(`[{name: a, port: 8080, ${REWRITE}}]`), true);
  expect(routeParents(r.statuses, "HTTPRoute", "r")[0]?.conditions.find((c) => c.type === "Accepted")?.status).toBe("True");
  expect(JSON.stringify(resourcesToJson(gw).route)).toContain("/rewritten-full");
});

it("refuses a backendRef URLRewrite beside other backendRefs: Envoy cannot rewrite per weighted cluster", () => {
  const { r } = translateGw(classAndGateway(LISTENER) + SERVICES + route(`[{name: a, port: 8080, ${REWRITE}}, {name: b, port: 8080}]`), true);
  const accepted = routeParents(r.statuses, "HTTPRoute", "r")[0]?.conditions.find((c) => c.type === "Accepted");
  expect(accepted).toMatchObject({ status: "False", reason: "UnsupportedValue" });
  expect(accepted?.message).toContain("only backendRef");
});
