// With translation in a worker thread the main thread keeps answering while
// thousands of routes are translated: /healthz answers after a reload has
// started and before it has finished. With translate() on the main thread the
// request could only be answered after the translation: that case is here too,
// so the ordering this test checks is one that can fail.
import { afterEach, describe, expect, it } from "vitest";
import { benchObjects } from "../../bench/translate-fixture.ts";
import type { HTTPRoute } from "../../src/api/gateway-api.ts";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet, type ResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { startControlPlane, type ControlPlane } from "../../src/controller/run.ts";
import { silentLogger } from "../../src/observability/log.ts";
import type { Source, SourceChange } from "../../src/watch/source.ts";

/** A source whose inputs the test replaces; `current()` is what the controller reads right before translating. */
class StepSource implements Source {
  synced = true;
  private rs: ResourceSet;
  private readonly listeners: ((c: SourceChange) => void)[] = [];
  private onRead?: () => void;
  constructor(rs: ResourceSet) {
    this.rs = rs;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  current(): ResourceSet {
    this.onRead?.();
    return this.rs;
  }
  onChange(l: (c: SourceChange) => void): void {
    this.listeners.push(l);
  }
  /** Replaces the inputs; resolves when the controller reads them (its translation starts). */
  replace(rs: ResourceSet): Promise<void> {
    this.rs = rs;
    const read = new Promise<void>((resolve) => (this.onRead = resolve));
    for (const l of this.listeners) l({});
    return read;
  }
}

const ROUTES = 10_000;
const edited = (objects: K8sObject[], i: number): K8sObject[] =>
  objects.map((o) => (o.kind === "HTTPRoute" && o.metadata.name === "route-0" ? ({ ...o, spec: { ...(o as HTTPRoute).spec, hostnames: [`edit-${i}.example.com`] } } as K8sObject) : o));

let plane: ControlPlane | undefined;
afterEach(async () => {
  await plane?.close();
  plane = undefined;
});

async function orderDuringReload(routes: number, translateInWorker: boolean): Promise<string[]> {
  const objects = benchObjects(routes);
  const source = new StepSource(buildResourceSet(objects));
  const order: string[] = [];
  plane = await startControlPlane({
    source,
    translatorOptions: { controllerName: DEFAULT_CONTROLLER_NAME },
    xds: { host: "127.0.0.1", port: 0 },
    admin: { host: "127.0.0.1", port: 0 },
    logger: silentLogger(),
    debounceMs: 0,
    translateInWorker,
    onTranslated: () => order.push("translated"),
  });
  await plane.controller.idle();
  expect(plane.controller.ready).toBe(true);
  order.length = 0;
  await source.replace(buildResourceSet(edited(objects, 1)));
  const res = await fetch(`http://127.0.0.1:${plane.adminPort}/healthz`);
  order.push(`healthz ${res.status}`);
  await plane.controller.idle();
  return order;
}

describe(`a ${ROUTES}-route reload`, () => {
  it("in the worker: /healthz answers while the translation is in progress", async () => {
    expect(await orderDuringReload(ROUTES, true)).toEqual(["healthz 200", "translated"]);
  }, 240_000);

  // Smaller: a synchronous translation of any size finishes before the request can be made.
  it("on the main thread (the control): /healthz waits for the translation", async () => {
    expect(await orderDuringReload(1_000, false)).toEqual(["translated", "healthz 200"]);
  }, 240_000);
});
