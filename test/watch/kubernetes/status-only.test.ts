// Status-only updates keep the object the translation already has, for the kinds whose status no one
// reads from the inputs; anything else that changes is a new object.
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../../src/api/meta.ts";
import type { Kind } from "../../../src/api/resource-set.ts";
import { StatusOnlyReuse } from "../../../src/watch/kubernetes/status-only.ts";

const G = "gateway.networking.k8s.io/v1";

function obj(kind: Kind, rv: string, spec: unknown, status?: unknown): K8sObject {
  return { apiVersion: G, kind, metadata: { name: "x", namespace: "default", resourceVersion: rv, generation: 1 }, spec, ...(status ? { status } : {}) } as unknown as K8sObject;
}

/** One rebuild that sees `raw`: the object handed out for it. */
function round(reuse: StatusOnlyReuse, kind: Kind, raw: K8sObject): K8sObject {
  const given = reuse.take(kind, raw, raw);
  reuse.done();
  return given;
}

describe("status-only reuse", () => {
  it("a route whose status, resourceVersion or managedFields changed is the object already handed out", () => {
    const reuse = new StatusOnlyReuse();
    const first = round(reuse, "HTTPRoute", obj("HTTPRoute", "1", { rules: [{}] }));
    const statusWritten = { ...obj("HTTPRoute", "2", { rules: [{}] }, { parents: [{ controllerName: "us" }] }) };
    (statusWritten.metadata as unknown as Record<string, unknown>).managedFields = [{ manager: "switchyard" }];
    expect(round(reuse, "HTTPRoute", statusWritten)).toBe(first);
  });

  it("a spec, label or generation change is a new object", () => {
    const reuse = new StatusOnlyReuse();
    const first = round(reuse, "HTTPRoute", obj("HTTPRoute", "1", { rules: [{}] }));
    const edited = obj("HTTPRoute", "2", { rules: [{}, {}] });
    expect(round(reuse, "HTTPRoute", edited)).toBe(edited);
    const relabelled = obj("HTTPRoute", "3", { rules: [{}, {}] });
    relabelled.metadata.labels = { a: "b" };
    expect(round(reuse, "HTTPRoute", relabelled)).toBe(relabelled);
    const bumped = obj("HTTPRoute", "4", { rules: [{}, {}] });
    bumped.metadata.labels = { a: "b" };
    bumped.metadata.generation = 2;
    expect(round(reuse, "HTTPRoute", bumped)).toBe(bumped);
  });

  it("a Gateway's status-only update is a new object: the provisioner reads its shown conditions", () => {
    const reuse = new StatusOnlyReuse();
    round(reuse, "Gateway", obj("Gateway", "1", { listeners: [] }));
    const programmed = obj("Gateway", "2", { listeners: [] }, { conditions: [{ type: "Programmed", status: "True" }] });
    expect(round(reuse, "Gateway", programmed)).toBe(programmed);
  });

  it("an object gone from one rebuild is forgotten", () => {
    const reuse = new StatusOnlyReuse();
    const first = round(reuse, "HTTPRoute", obj("HTTPRoute", "1", { rules: [{}] }));
    reuse.done(); // a rebuild without it
    const back = obj("HTTPRoute", "2", { rules: [{}] });
    expect(round(reuse, "HTTPRoute", back)).toBe(back);
    expect(back).not.toBe(first);
  });

  it("tells a status-only update of an object the last rebuild took from any other update, before a rebuild", () => {
    const reuse = new StatusOnlyReuse();
    expect(reuse.statusOnly("HTTPRoute", obj("HTTPRoute", "1", { rules: [{}] }))).toBe(false); // never taken
    round(reuse, "HTTPRoute", obj("HTTPRoute", "1", { rules: [{}] }));
    expect(reuse.statusOnly("HTTPRoute", obj("HTTPRoute", "2", { rules: [{}] }, { parents: [] }))).toBe(true);
    expect(reuse.statusOnly("HTTPRoute", obj("HTTPRoute", "3", { rules: [{}, {}] }))).toBe(false);
    round(reuse, "Gateway", obj("Gateway", "1", { listeners: [] }));
    expect(reuse.statusOnly("Gateway", obj("Gateway", "2", { listeners: [] }, { conditions: [] }))).toBe(false);
  });
});
