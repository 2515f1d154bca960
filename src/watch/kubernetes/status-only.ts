// Status-only updates of objects whose status no translation reads keep the
// object the translation already has. Every status switchyard writes comes back
// as a watch event; without this, each of them made the worker see a changed
// route and translate everything again (and an EndpointSlice edit after a
// route edit missed the EndpointSlice fast path).
import { isDeepStrictEqual } from "node:util";
import type { K8sObject } from "../../api/meta.ts";
import type { Kind } from "../../api/resource-set.ts";

/**
 * Kinds whose status and resourceVersion no consumer of the ResourceSet reads: the translator reads
 * specs, and the status writer compares with the informers' own objects. Not Gateways: the provisioner
 * reads their shown conditions (infra/provision/status.ts).
 */
const STATUS_UNREAD: ReadonlySet<Kind> = new Set<Kind>(["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "BackendTLSPolicy", "BackendLBPolicy"]);

export class StatusOnlyReuse {
  /** By kind and key: the object handed out, and the informer object it stands for. */
  private last = new Map<string, { raw: K8sObject; given: K8sObject }>();
  private next = new Map<string, { raw: K8sObject; given: K8sObject }>();

  /** The object to put in the ResourceSet for `raw` (the informer's), `typed` being raw with kind and apiVersion set. */
  take(kind: Kind, raw: K8sObject, typed: K8sObject): K8sObject {
    const key = keyOf(kind, raw);
    const prev = this.last.get(key);
    let given = typed;
    if (prev && (prev.raw === raw || (STATUS_UNREAD.has(kind) && sameButStatus(prev.raw, raw)))) given = prev.given;
    this.next.set(key, { raw, given });
    return given;
  }

  /**
   * Whether `raw`, an update of an object the last rebuild took, differs from it in status alone (for
   * a kind whose status nothing reads): then the ResourceSet need not change, and nothing need be told.
   */
  statusOnly(kind: Kind, raw: K8sObject): boolean {
    if (!STATUS_UNREAD.has(kind)) return false;
    const prev = this.last.get(keyOf(kind, raw));
    return prev !== undefined && sameButStatus(prev.raw, raw);
  }

  /** Call after every rebuild: what was not taken is forgotten. */
  done(): void {
    this.last = this.next;
    this.next = new Map();
  }
}

function keyOf(kind: Kind, o: K8sObject): string {
  return `${kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

function sameButStatus(a: K8sObject, b: K8sObject): boolean {
  return isDeepStrictEqual(withoutStatus(a), withoutStatus(b));
}

/** The object without what a status write changes on its own. */
function withoutStatus(o: K8sObject): unknown {
  const { status: _status, metadata, ...rest } = o as K8sObject & { status?: unknown };
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata as K8sObject["metadata"] & { managedFields?: unknown };
  return { ...rest, metadata: meta };
}
