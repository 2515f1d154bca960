// Route inputs with regexes Envoy refuses, one per place a user regex goes, shared by the
// translator tests (status) and the real-Envoy tests (the translated snapshot loads).
import { classAndGateway } from "./helpers.ts";

export const BASE = `${classAndGateway("  - {name: http, port: 80, protocol: HTTP}")}---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{name: p, port: 9000}]}
`;

export function route(kind: "HTTPRoute" | "GRPCRoute", name: string, matches: string, parent = "{name: gw}"): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [${parent}]
  rules:
  - matches: ${matches}
    backendRefs: [{name: b, port: 9000}]
`;
}


export const BAD: { site: string; kind: "HTTPRoute" | "GRPCRoute"; matches: string; message: RegExp }[] = [
  { site: "HTTPRoute path", kind: "HTTPRoute", matches: `[{path: {type: RegularExpression, value: '/x\\e'}}]`, message: /path\.value regex "\/x\\\\e" is not valid RE2: invalid escape/ },
  { site: "HTTPRoute path size", kind: "HTTPRoute", matches: `[{path: {type: RegularExpression, value: '/\\W{1000}'}}]`, message: /path\.value regex .* compiles to an RE2 program of up to \d+ instructions, over the limit of 4096/ },
  { site: "HTTPRoute header", kind: "HTTPRoute", matches: `[{headers: [{type: RegularExpression, name: x-a, value: '[^]'}]}]`, message: /header match "x-a" value regex "\[\^\]" is not valid RE2/ },
  { site: "HTTPRoute query param", kind: "HTTPRoute", matches: `[{queryParams: [{type: RegularExpression, name: q, value: '\\Z'}]}]`, message: /query param match "q" value regex "\\\\Z" is not valid RE2/ },
  { site: "HTTPRoute byte-mode escape", kind: "HTTPRoute", matches: `[{path: {type: RegularExpression, value: '/\\x{100}'}}]`, message: /above \\xFF/ },
  { site: "GRPCRoute service", kind: "GRPCRoute", matches: `[{method: {type: RegularExpression, service: 'a\\cA'}}]`, message: /method\.service regex "a\\\\cA" is not valid RE2/ },
  { site: "GRPCRoute method", kind: "GRPCRoute", matches: `[{method: {type: RegularExpression, method: 'a{2,1001}'}}]`, message: /method\.method regex "a\{2,1001\}" is not valid RE2/ },
  { site: "GRPCRoute header", kind: "GRPCRoute", matches: `[{headers: [{type: RegularExpression, name: x-a, value: '\\u0041'}]}]`, message: /header match "x-a" value regex "\\\\u0041" is not valid RE2/ },
  // Each part fits on its own (about 2,100 instructions); the path regex made of both does not.
  { site: "GRPCRoute service+method size", kind: "GRPCRoute", matches: `[{method: {type: RegularExpression, service: 'x{1000}x{1000}x{100}', method: 'y{1000}y{1000}y{100}'}}]`, message: /method match \(as the path regex .*\) compiles to an RE2 program of up to \d+ instructions, over the limit of 4096/ },
];

export const GOOD_MATCH: Record<"HTTPRoute" | "GRPCRoute", string> = {
  HTTPRoute: `[{path: {type: RegularExpression, value: '/ok/[^/]+'}, headers: [{type: RegularExpression, name: x-b, value: '(?i)yes|no'}]}]`,
  GRPCRoute: `[{method: {type: RegularExpression, service: 'pkg\\.(A|B)', method: 'Get.*'}}]`,
};

