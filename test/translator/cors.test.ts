// The CORS filter as Envoy must carry it: what the upstream conformance suite and a real Envoy showed.
import { expect, it } from "vitest";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { classAndGateway, translateGw } from "./helpers.ts";

const ROUTE = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cors, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
    - filters: [{type: CORS, cors: {allowOrigins: ["https://www.foo.com"], allowMethods: [GET]}}]
`;

it("answers a preflight from an origin it does not allow itself, instead of forwarding it to the backend", () => {
  const { gw } = translateGw(classAndGateway("  - {name: http, protocol: HTTP, port: 80}") + ROUTE, true);
  const text = JSON.stringify(resourcesToJson(gw).route);
  // HTTPRouteCORS expects no backend to see such a preflight; Envoy forwards it unless told not to.
  expect(text).toContain('"forwardNotMatchingPreflights":false');
});
