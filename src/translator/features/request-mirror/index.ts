// Request mirroring (the RequestMirror filter): IrForwardAction.mirrors and
// Envoy's request_mirror_policies.
import type { Feature } from "../feature.ts";
import { emitMirrors } from "./emit.ts";
import { checkMirror, resolveMirrors } from "./resolve.ts";

export const requestMirror: Feature = {
  name: "request-mirror",
  resolve: {
    filters: { RequestMirror: checkMirror },
    rule(ctx) {
      const { mirrors, clusters } = resolveMirrors(ctx);
      if (mirrors.length === 0) return { ok: true };
      return { ok: true, clusters, forward: (out) => void (out.mirrors = mirrors) };
    },
    supportedFeatures: ["HTTPRouteRequestMirror", "HTTPRouteRequestMultipleMirrors", "HTTPRouteRequestPercentageMirror"],
  },
  emit: { forward: emitMirrors },
};
