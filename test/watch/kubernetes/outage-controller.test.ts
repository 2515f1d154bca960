// The whole control plane through an API-server outage: the xDS cache (what
// proxies get) stays exactly as it was while the API server is gone, status
// writes stop, and when it comes back (with its history compacted, as after a
// restart) the cache converges to the edits made meanwhile.
// The "2-minute outage" is scaled down, in failed rounds rather than
// seconds: with the default restart backoff (1 s doubling to 30 s) two minutes
// cut off is about 8 failed restarts per informer (1+2+4+8+16+30+30+30 s), so
// the outage here lasts until every informer has failed 8 times (backoff 20-200 ms).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ControlPlane } from "../../../src/controller/run.ts";
import type { Registry } from "../../../src/observability/metrics.ts";
import type { KubernetesInputs } from "../../../src/watch/kubernetes/index.ts";
import type { ApiServerFixture } from "../../fixtures/apiserver/fixture.ts";
import type { Obj } from "../../fixtures/apiserver/store.ts";
import { startExamplesPlane, type ExamplesPlane } from "./examples-plane.ts";
import { metricValue, waitFor } from "./helpers.ts";

let env: ExamplesPlane;
let api: ApiServerFixture;
let k8s: KubernetesInputs;
let plane: ControlPlane;
let registry: Registry;

beforeAll(async () => {
  env = await startExamplesPlane();
  ({ api, k8s, plane, registry } = env);
});

afterAll(async () => {
  await env?.stop();
});

it("an API-server outage leaves the proxies' config untouched, and recovery converges", { timeout: 30_000 }, async () => {
  const key = "default/eg";
  await waitFor(() => plane.cache.getSnapshot(key) !== undefined, "the first snapshot");
  await waitFor(() => api.requests.some((r) => r.method === "PUT" && r.path.endsWith("/status")), "status writes");
  await k8s.statusSink.whenIdle();
  const before = plane.cache.getSnapshot(key)!;
  const cacheChanges: string[] = [];
  plane.cache.onChange((k) => cacheChanges.push(k));

  await api.goDown();
  const kinds = k8s.source.watched().map((w) => w.kind);
  const errorsOf = (kind: string) => metricValue(registry, "switchyard_kube_informer_errors_total", { kind });
  const errors0 = await Promise.all(kinds.map(errorsOf));
  const allFailed = async (n: number) => (await Promise.all(kinds.map(errorsOf))).every((e, i) => e - errors0[i]! >= n);
  await waitFor(() => allFailed(8), "every informer to fail 8 times", 20_000);
  expect(plane.cache.getSnapshot(key)).toBe(before);
  expect(cacheChanges).toEqual([]);
  expect(plane.controller.ready).toBe(true);

  // Meanwhile the cluster changes, and the API server restarts with a compacted history.
  const slice = api.get("discovery.k8s.io/v1", "EndpointSlice", "shop-v2-def34", "default") as Obj & { endpoints: { addresses: string[] }[] };
  slice.endpoints[0]!.addresses = ["10.244.0.77"];
  api.apply(slice);
  api.store.compact();
  await api.comeUp();

  const endpointsOf = () => JSON.stringify(plane.cache.getSnapshot(key)?.resources.endpoints.find((e) => e.clusterName.includes("shop-v2")));
  await waitFor(() => endpointsOf().includes("10.244.0.77"), "the edit made during the outage to reach the cache", 10_000);
  expect(plane.cache.getSnapshot(key)!.version).not.toBe(before.version);
  // Listeners did not change, only endpoints.
  expect(plane.cache.getSnapshot(key)!.types.listener.version).toBe(before.types.listener.version);
});
