// Backend clusters belong to what uses them, through a real Envoy: a GRPCRoute
// and an HTTPRoute on one Service port each reach the echo in their own
// protocol (the echo reports what it saw), and an HTTPRoute to a WebSocket port
// that a GRPCRoute also uses still upgrades over HTTP/1.1.
import http2 from "node:http2";
import { expect, it } from "vitest";
import type { EchoReply } from "./echo.ts";
import { websocketEcho } from "./conformance-check.ts";
import { describeEnvoy } from "./peer.ts";
import { GW, useGrpcGateway } from "./suite.ts";
import { backend } from "./world.ts";

/** A gRPC-shaped request (HTTP/2 POST, content-type application/grpc) to the proxy; the echo's report. */
function grpcShaped(addr: string, authority: string, path: string): Promise<{ status: number; echo?: EchoReply }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${addr}:80`);
    session.on("error", reject);
    const req = session.request({ ":method": "POST", ":path": path, ":authority": authority, "content-type": "application/grpc", te: "trailers" });
    let status = 0;
    let body = "";
    req.on("response", (h) => (status = Number(h[":status"])));
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      session.close();
      let echo: EchoReply | undefined;
      try {
        echo = JSON.parse(body) as EchoReply;
      } catch {
        echo = undefined;
      }
      resolve(echo ? { status, echo } : { status });
    });
    req.on("error", reject);
    req.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

describeEnvoy("backend clusters through a real Envoy", (envoy) => {
  const webRoute = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [web.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /ws } }]
      backendRefs: [{ name: ws, port: 8080 }]
    - backendRefs: [{ name: app, port: 8080 }]
`;
  const world = useGrpcGateway(envoy, {
    backends: async () => [await backend("app"), await backend("ws", { appProtocol: "kubernetes.io/ws" })],
    rules: `    - matches: [{ method: { service: pkg.Ws } }]
      backendRefs: [{ name: ws, port: 8080 }]
    - backendRefs: [{ name: app, port: 8080 }]
`,
    files: { "httproute.yaml": webRoute },
  });
  const addr = world.addr;

  it("one Service port: the HTTPRoute's request arrives as HTTP/1.1, the GRPCRoute's as HTTP/2", async () => {
    const web = await world.dp.request(GW, { port: 80, path: "/hello", host: "web.example.com" });
    expect(web.echo?.service).toBe("app");
    expect(web.echo?.protocol).toBe("HTTP/1.1");
    const rpc = await grpcShaped(addr(), "grpc.example.com", "/pkg.Echo/Say");
    expect(rpc.echo?.service).toBe("app");
    expect(rpc.echo?.protocol).toBe("HTTP/2");
    expect(rpc.echo?.path).toBe("/pkg.Echo/Say");
    // And again in the other order: neither kind's connection carries the other's traffic.
    expect((await world.dp.request(GW, { port: 80, path: "/again", host: "web.example.com" })).echo?.protocol).toBe("HTTP/1.1");
  });

  it("a WebSocket port that a GRPCRoute also uses: the HTTPRoute still upgrades, the gRPC call is HTTP/2", async () => {
    expect(await websocketEcho(addr(), 80, "/ws/chat", "hello", "web.example.com")).toContain("hello");
    const rpc = await grpcShaped(addr(), "grpc.example.com", "/pkg.Ws/Say");
    expect(rpc.echo?.service).toBe("ws");
    expect(rpc.echo?.protocol).toBe("HTTP/2");
    const plain = await world.dp.request(GW, { port: 80, path: "/ws/plain", host: "web.example.com" });
    expect(plain.echo?.service).toBe("ws");
    expect(plain.echo?.protocol).toBe("HTTP/1.1");
  });
});
