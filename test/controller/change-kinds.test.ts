// When the controller translates a change: the first after a quiet spell at
// once, the ones that follow within the debounce together after it, an
// EndpointSlice-only change at once even then; and a change of no kinds (a
// status-only update) only re-publishes status. With a debounce far longer than
// the test's fake clock advances, a translation that happens early can only be
// an immediate one.
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EMPTY_RESOURCE_SET, type Kind, type ResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import { Controller } from "../../src/controller/controller.ts";
import { silentLogger } from "../../src/observability/log.ts";
import type { Source, SourceChange } from "../../src/watch/source.ts";

class FakeSource implements Source {
  synced = true;
  private readonly listeners: ((c: SourceChange) => void)[] = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  current(): ResourceSet {
    return EMPTY_RESOURCE_SET;
  }
  onChange(l: (c: SourceChange) => void): void {
    this.listeners.push(l);
  }
  change(kinds?: Kind[]): void {
    for (const l of this.listeners) l(kinds ? { kinds: new Set(kinds) } : {});
  }
}

const DEBOUNCE = 60_000;
let source: FakeSource;
let translations: number;
let statusPublishes: number;
let controller: Controller;

beforeEach(() => {
  vi.useFakeTimers();
  source = new FakeSource();
  translations = 0;
  controller = new Controller({
    source,
    publisher: { setSnapshot: () => undefined, deleteSnapshot: () => undefined, keys: () => [] },
    statusSinks: [{ publish: () => void statusPublishes++ }],
    translate: (): TranslationResult => {
      translations++;
      return { gateways: [], statuses: [] };
    },
    translatorOptions: { controllerName: DEFAULT_CONTROLLER_NAME },
    logger: silentLogger(),
    registry: new Registry(),
    debounceMs: DEBOUNCE,
    maxDelayMs: DEBOUNCE,
  });
  controller.start();
  translations = 0;
  statusPublishes = 0;
});

afterEach(() => {
  controller.stop();
  vi.useRealTimers();
});

describe("when the controller translates", () => {
  it("translates an EndpointSlice-only change at once", () => {
    source.change(["EndpointSlice"]);
    source.change(["EndpointSlice"]);
    vi.advanceTimersByTime(1);
    expect(translations).toBe(1);
  });

  it("translates the first change after a quiet spell at once, and batches the ones that follow within the debounce", () => {
    for (const kinds of [["HTTPRoute"], ["EndpointSlice", "Service"], undefined] as (Kind[] | undefined)[]) {
      translations = 0;
      source.change(kinds);
      vi.advanceTimersByTime(1);
      expect(translations, JSON.stringify(kinds)).toBe(1);
      source.change(kinds);
      source.change(kinds);
      vi.advanceTimersByTime(DEBOUNCE - 1);
      expect(translations, JSON.stringify(kinds)).toBe(1);
      vi.advanceTimersByTime(1);
      expect(translations, JSON.stringify(kinds)).toBe(2);
      vi.advanceTimersByTime(DEBOUNCE); // quiet again
    }
  });

  it("translates an EndpointSlice-only change at once amid other changes, when nothing waits", () => {
    source.change(["HTTPRoute"]);
    vi.advanceTimersByTime(1);
    source.change(["EndpointSlice"]);
    vi.advanceTimersByTime(1);
    expect(translations).toBe(2);
  });

  it("keeps an EndpointSlice change that follows a waiting change in that change's batch", () => {
    source.change(["HTTPRoute"]);
    vi.advanceTimersByTime(1);
    source.change(["HTTPRoute"]); // waits
    source.change(["EndpointSlice"]);
    vi.advanceTimersByTime(DEBOUNCE - 1);
    expect(translations).toBe(1);
    vi.advanceTimersByTime(1);
    expect(translations).toBe(2);
  });

  it("lets a change that follows an immediate one at once wait the debounce, and translates both then", () => {
    source.change(["EndpointSlice"]);
    source.change(["HTTPRoute"]);
    vi.advanceTimersByTime(DEBOUNCE - 1);
    expect(translations).toBe(0);
    vi.advanceTimersByTime(1);
    expect(translations).toBe(1);
  });

  it("re-publishes the last status, without translating, after a change of no kinds", async () => {
    source.change([]);
    source.change([]);
    vi.advanceTimersByTime(DEBOUNCE - 1);
    expect(statusPublishes).toBe(0);
    const idle = controller.idle();
    vi.advanceTimersByTime(1);
    await idle;
    expect([translations, statusPublishes]).toEqual([0, 1]);
  });
});
