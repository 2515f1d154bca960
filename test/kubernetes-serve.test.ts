// The whole controller against the loopback API-server test fixture: informers
// feed the translation loop, snapshots reach the xDS cache, status reaches the
// API server, and an edit in the cluster reaches the cache.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/controller/run.ts";
import type { ApiServerFixture } from "./fixtures/apiserver/fixture.ts";
import type { Obj } from "./fixtures/apiserver/store.ts";
import { CONTROLLER, startExamplesPlane, type ExamplesPlane } from "./watch/kubernetes/examples-plane.ts";
import { waitFor } from "./watch/kubernetes/helpers.ts";

let env: ExamplesPlane;
let api: ApiServerFixture;
let plane: ControlPlane;

beforeAll(async () => {
  env = await startExamplesPlane();
  ({ api, plane } = env);
});

afterAll(async () => {
  await env?.stop();
});

function conditions(obj: Obj | undefined): Record<string, string> {
  const status = (obj as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status;
  return Object.fromEntries((status?.conditions ?? []).map((c) => [c.type, c.status]));
}

describe("serve --source kubernetes", () => {
  it("publishes the Gateway's snapshot once the informers have synced", () => {
    expect(plane.controller.ready).toBe(true);
    const snap = plane.cache.getSnapshot("default/eg");
    expect(snap?.resources.listeners.map((l) => l.name)).toEqual(["default/eg/http"]);
    expect(snap?.resources.clusters).toHaveLength(2);
  });

  it("writes GatewayClass, Gateway and HTTPRoute status to the API server", async () => {
    await waitFor(() => conditions(api.get("gateway.networking.k8s.io/v1", "Gateway", "eg", "default")).Programmed === "True", "Gateway Programmed");
    await waitFor(() => conditions(api.get("gateway.networking.k8s.io/v1", "GatewayClass", "switchyard")).Accepted === "True", "GatewayClass Accepted");
    await waitFor(() => {
      const route = api.get("gateway.networking.k8s.io/v1", "HTTPRoute", "shop", "default") as { status?: { parents?: { controllerName: string }[] } } | undefined;
      return route?.status?.parents?.[0]?.controllerName === CONTROLLER;
    }, "HTTPRoute parent status");
  });

  it("brings an edit in the cluster to the xDS cache", async () => {
    const slice = api.get("discovery.k8s.io/v1", "EndpointSlice", "shop-v2-def34", "default") as Obj & { endpoints: { addresses: string[] }[] };
    slice.endpoints[0]!.addresses = ["10.244.0.99"];
    api.apply(slice);
    const addressOf = () =>
      JSON.stringify(plane.cache.getSnapshot("default/eg")?.resources.endpoints.find((e) => e.clusterName.includes("shop-v2")));
    await waitFor(() => addressOf().includes("10.244.0.99"), "new endpoint address in the snapshot");
  });
});
