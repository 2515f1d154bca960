// The set-up most real-Envoy test files share: their echo backends and one DataPlane serving the
// Gateway default/eg with the given listeners and manifests, started before the file's tests and
// stopped after them.
import { afterAll, beforeAll } from "vitest";
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
