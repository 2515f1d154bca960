// applyStatusUpdate: the pure merge the status writer does before each PUT.
import { describe, expect, it } from "vitest";
import type { Condition } from "../../../src/api/meta.ts";
import { applyStatusUpdate } from "../../../src/watch/kubernetes/status-apply.ts";

const US = "switchyard.dev/gc";
const NOW = "2026-02-02T00:00:00Z";
const OLD = "2025-01-01T00:00:00Z";
const cond = (type: string, status: Condition["status"] = "True", extra: Partial<Condition> = {}): Condition => ({ type, status, reason: type, message: "", ...extra });

describe("applyStatusUpdate", () => {
  it("Gateway: carries transition times per listener by name, stamps new and changed ones", () => {
    const obj = {
      metadata: { generation: 4 },
      status: {
        addresses: [{ type: "IPAddress", value: "10.0.0.1" }],
        conditions: [cond("Accepted", "True", { lastTransitionTime: OLD, observedGeneration: 3 })],
        listeners: [{ name: "http", attachedRoutes: 1, supportedKinds: [], conditions: [cond("Programmed", "True", { lastTransitionTime: OLD })] }],
      },
    };
    const status = applyStatusUpdate(
      obj,
      {
        kind: "Gateway",
        target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "d", name: "g" },
        status: {
          conditions: [cond("Accepted"), cond("Programmed", "False")],
          listeners: [
            { name: "http", attachedRoutes: 2, supportedKinds: [], conditions: [cond("Programmed")] },
            { name: "https", attachedRoutes: 0, supportedKinds: [], conditions: [cond("Programmed")] },
          ],
        },
      },
      US,
      NOW,
    ) as { addresses: unknown; conditions: Condition[]; listeners: { name: string; attachedRoutes: number; conditions: Condition[] }[] };
    // Addresses were not in the update: kept.
    expect(status.addresses).toEqual(obj.status.addresses);
    expect(status.conditions).toEqual([
      cond("Accepted", "True", { lastTransitionTime: OLD, observedGeneration: 4 }),
      cond("Programmed", "False", { lastTransitionTime: NOW, observedGeneration: 4 }),
    ]);
    expect(status.listeners.map((l) => [l.name, l.attachedRoutes, l.conditions[0]?.lastTransitionTime])).toEqual([
      ["http", 2, OLD],
      ["https", 0, NOW],
    ]);
  });

  it("ListenerSet: ours outright, listener transition times carried by name; attachedListenerSets goes when the Gateway stops taking sets", () => {
    const set = {
      metadata: { generation: 2 },
      status: { conditions: [cond("Accepted", "False", { reason: "NotAllowed", lastTransitionTime: OLD })], listeners: [{ name: "a", attachedRoutes: 0, supportedKinds: [], conditions: [cond("Programmed", "True", { lastTransitionTime: OLD })] }] },
    };
    const status = applyStatusUpdate(
      set,
      { kind: "ListenerSet", target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "d", name: "s" }, status: { conditions: [cond("Accepted")], listeners: [{ name: "a", attachedRoutes: 1, supportedKinds: [], conditions: [cond("Programmed")] }] } },
      US,
      NOW,
    ) as { conditions: Condition[]; listeners: { conditions: Condition[] }[] };
    expect(status.conditions).toEqual([cond("Accepted", "True", { lastTransitionTime: NOW, observedGeneration: 2 })]);
    expect(status.listeners[0]?.conditions[0]?.lastTransitionTime).toBe(OLD);

    const gw = { metadata: { generation: 1 }, status: { conditions: [], attachedListenerSets: 2 } };
    const kept = applyStatusUpdate(gw, { kind: "Gateway", target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "d", name: "g" }, status: { conditions: [], attachedListenerSets: 1 } }, US, NOW);
    expect(kept.attachedListenerSets).toBe(1);
    const gone = applyStatusUpdate(gw, { kind: "Gateway", target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "d", name: "g" }, status: { conditions: [] } }, US, NOW);
    expect("attachedListenerSets" in gone).toBe(false);
  });

  it("Gateway: keeps another controller's domain-prefixed conditions, on the Gateway and on listeners, and drops stale unprefixed ones", () => {
    const foreign = cond("example.com/Audited", "True", { lastTransitionTime: OLD, observedGeneration: 1 });
    const obj = {
      metadata: { generation: 2 },
      status: {
        conditions: [cond("Accepted", "True", { lastTransitionTime: OLD }), foreign, cond("Ready", "True", { lastTransitionTime: OLD })],
        listeners: [{ name: "http", attachedRoutes: 0, supportedKinds: [], conditions: [cond("Programmed", "True", { lastTransitionTime: OLD }), foreign] }],
      },
    };
    const status = applyStatusUpdate(
      obj,
      {
        kind: "Gateway",
        target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "d", name: "g" },
        status: { conditions: [cond("Accepted")], listeners: [{ name: "http", attachedRoutes: 0, supportedKinds: [], conditions: [cond("Programmed")] }] },
      },
      US,
      NOW,
    ) as { conditions: Condition[]; listeners: { conditions: Condition[] }[] };
    // The foreign condition is kept unchanged (not even its observedGeneration); "Ready", a Gateway API
    // type we no longer set, goes.
    expect(status.conditions.map((c) => c.type)).toEqual(["Accepted", "example.com/Audited"]);
    expect(status.conditions[1]).toEqual(foreign);
    expect(status.listeners[0]!.conditions.map((c) => c.type)).toEqual(["Programmed", "example.com/Audited"]);
    expect(status.listeners[0]!.conditions[1]).toEqual(foreign);
  });

  it("routes: keeps others' entries as they are, keeps our translator's observedGeneration when set", () => {
    const theirs = { parentRef: { name: "x" }, controllerName: "other", conditions: [cond("Accepted", "False", { lastTransitionTime: OLD })] };
    const status = applyStatusUpdate(
      { metadata: { generation: 7 }, status: { parents: [theirs] } },
      {
        kind: "GRPCRoute",
        target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "d", name: "r" },
        parents: [{ parentRef: { name: "gw" }, controllerName: US, conditions: [cond("Accepted", "True", { observedGeneration: 6 })] }],
      },
      US,
      NOW,
    ) as { parents: { controllerName: string; conditions: Condition[] }[] };
    expect(status.parents[0]).toBe(theirs);
    expect(status.parents[1]?.conditions).toEqual([cond("Accepted", "True", { observedGeneration: 6, lastTransitionTime: NOW })]);
  });

  it("an empty update removes only our entries", () => {
    const theirs = { ancestorRef: { name: "x" }, controllerName: "other", conditions: [] };
    const ours = { ancestorRef: { name: "gw" }, controllerName: US, conditions: [] };
    const status = applyStatusUpdate(
      { metadata: {}, status: { ancestors: [ours, theirs] } },
      { kind: "BackendLBPolicy", target: { apiVersion: "gateway.networking.k8s.io/v1alpha2", namespace: "d", name: "p" }, ancestors: [] },
      US,
      NOW,
    );
    expect(status).toEqual({ ancestors: [theirs] });
  });
});
