// The set-up most real-Envoy test files share: their echo backends and one DataPlane serving the
// Gateway default/eg with the given listeners and manifests, started before the file's tests and
// stopped after them; and the same for gRPC, with the GRPCRoute and a caller through the proxy.
import { afterAll, beforeAll } from "vitest";
import { callGrpc } from "./grpc-echo.ts";
import { DataPlane } from "./harness.ts";
import { closeAll, gateway, GATEWAY_CLASS, type Backend } from "./world.ts";

export const GW = "default/eg";

export interface GatewaySuite {
  readonly dp: DataPlane;
  readonly backends: Backend[];
}

export function useGateway(envoy: string, o: { backends: () => Promise<Backend[]>; listeners: string; files: Record<string, string> }): GatewaySuite {
  let dp: DataPlane | undefined;
  let backends: Backend[] = [];
  beforeAll(async () => {
    backends = await o.backends();
    dp = await DataPlane.start(envoy, {
      files: { "gw.yaml": GATEWAY_CLASS + gateway("eg", o.listeners), "backends.yaml": backends.map((b) => b.yaml).join(""), ...o.files },
      gateways: [GW],
    });
  }, 60_000);
  afterAll(async () => {
    await dp?.stop();
    await closeAll(backends);
  });
  return {
    get dp() {
      if (!dp) throw new Error("the data plane is not started");
      return dp;
    },
    get backends() {
      return backends;
    },
  };
}

/** The listener most files serve: plain HTTP on port 80. */
export const HTTP_80 = "    - { name: http, protocol: HTTP, port: 80 }\n";

export interface GrpcGatewaySuite extends GatewaySuite {
  /** The proxy's address (without the port). */
  addr(): string;
  /** One unary gRPC call through the proxy's port 80, to `grpc.example.com` unless `authority` says otherwise. */
  call(method: string, metadata?: Record<string, string>, authority?: string): ReturnType<typeof callGrpc>;
}

/**
 * useGateway for gRPC: the HTTP listener on port 80 and GRPCRoute default/rpc on eg for
 * grpc.example.com, whose `rules` are YAML list items under `rules:`; `files` more manifests.
 */
export function useGrpcGateway(envoy: string, o: { backends: () => Promise<Backend[]>; rules: string; files?: Record<string, string> }): GrpcGatewaySuite {
  const route = `---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: rpc, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [grpc.example.com]
  rules:
${o.rules}`;
  const world = useGateway(envoy, { backends: o.backends, listeners: HTTP_80, files: { "grpcroute.yaml": route, ...o.files } });
  const addr = () => world.dp.proxy(GW).addr;
  return {
    get dp() {
      return world.dp;
    },
    get backends() {
      return world.backends;
    },
    addr,
    call: (method, metadata = {}, authority = "grpc.example.com") => callGrpc(`${addr()}:80`, authority, method, metadata),
  };
}
