// GRPCRoute through a real Envoy: method and header matching, weights, and no HTTP/1 leak.
import { expect, it } from "vitest";
import { describeEnvoy } from "./peer.ts";
import { useGrpcGateway } from "./suite.ts";
import { backend } from "./world.ts";

const METHODS = ["/pkg.Echo/Say", "/pkg.Echo/Shout", "/pkg.Other/Say"];

describeEnvoy("GRPCRoute through a real Envoy", (envoy) => {
  const world = useGrpcGateway(envoy, {
    backends: async () => {
      const out = [];
      for (const name of ["exact", "svc", "hdr", "fallback"]) out.push(await backend(name, { kind: "grpc", grpcMethods: METHODS }));
      return out;
    },
    rules: `    - matches: [{ method: { service: pkg.Echo, method: Say } }]
      backendRefs: [{ name: exact, port: 8080 }]
    - matches: [{ method: { service: pkg.Echo } }]
      backendRefs: [{ name: svc, port: 8080 }]
    - matches: [{ headers: [{ name: x-tenant, value: blue }] }]
      backendRefs: [{ name: hdr, port: 8080 }]
    - backendRefs: [{ name: fallback, port: 8080 }]
`,
  });
  const call = world.call;

  it("matches an exact method before its service", async () => {
    expect((await call("/pkg.Echo/Say")).reply?.service).toBe("exact");
    expect((await call("/pkg.Echo/Shout")).reply?.service).toBe("svc");
  });

  it("matches a header on any method, and falls back to the match-all rule", async () => {
    expect((await call("/pkg.Other/Say", { "x-tenant": "blue" })).reply?.service).toBe("hdr");
    expect((await call("/pkg.Other/Say")).reply?.service).toBe("fallback");
  });

  it("carries the method path and metadata to the backend over HTTP/2", async () => {
    const r = await call("/pkg.Other/Say", { "x-trace": "t1" });
    expect(r.reply?.method).toBe("/pkg.Other/Say");
    expect(r.reply?.metadata["x-trace"]).toBe("t1");
  });

  it("answers an unknown authority with UNIMPLEMENTED-or-UNAVAILABLE, never a backend", async () => {
    const r = await call("/pkg.Echo/Say", {}, "nope.example.com");
    expect(r.reply).toBeUndefined();
    expect(r.code).not.toBe(0);
  });
});
