// The whole control plane on the loopback API-server fixture, loaded with the
// files of examples/: informers feed the controller, xDS and admin on port 0.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { startControlPlane, type ControlPlane } from "../../../src/controller/run.ts";
import { silentLogger } from "../../../src/observability/log.ts";
import { createRegistry, type Registry } from "../../../src/observability/metrics.ts";
import { startKubernetesInputs, type KubernetesInputs } from "../../../src/watch/kubernetes/index.ts";
import { ApiServerFixture } from "../../fixtures/apiserver/fixture.ts";
import type { Obj } from "../../fixtures/apiserver/store.ts";
import { FAST_TIMING } from "./helpers.ts";

export const CONTROLLER = "switchyard.dev/gateway-controller";

export interface ExamplesPlane {
  api: ApiServerFixture;
  k8s: KubernetesInputs;
  plane: ControlPlane;
  registry: Registry;
  /** Stops the plane, the informers and the API server, in that order. */
  stop(): Promise<void>;
}

export async function startExamplesPlane(): Promise<ExamplesPlane> {
  const api = await new ApiServerFixture().start();
  for (const file of readdirSync("examples").sort()) {
    for (const doc of parseAllDocuments(readFileSync(join("examples", file), "utf8"))) api.apply(doc.toJS() as Obj);
  }
  const logger = silentLogger();
  const registry = createRegistry();
  const k8s = startKubernetesInputs({ kubeConfig: api.kubeConfig(), controllerName: CONTROLLER, leaderElection: false, logger, registry, timing: FAST_TIMING });
  let plane: ControlPlane;
  try {
    plane = await startControlPlane({
      source: k8s.source,
      statusSinks: [k8s.statusSink],
      translatorOptions: { controllerName: CONTROLLER },
      xds: { host: "127.0.0.1", port: 0 },
      admin: { host: "127.0.0.1", port: 0 },
      logger,
      registry,
      debounceMs: 10,
    });
  } catch (err) {
    // Leave no informer or server behind for the rest of the file.
    await k8s.stop();
    await api.stop();
    throw err;
  }
  return {
    api,
    k8s,
    plane,
    registry,
    async stop() {
      await plane.close();
      await k8s.stop();
      await api.stop();
    },
  };
}
