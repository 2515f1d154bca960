// The three API calls the applier makes, on client-node's KubernetesObjectApi:
// server-side apply, list by label (paged), delete. Each call has a deadline,
// so a hanging API server cannot stall the applier.
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { parseRetryAfter } from "../../util/retry-after.ts";

export interface ObjectClient {
  /** Server-side apply (force, our field manager); resolves to the object the server returns. */
  apply(obj: KubernetesObject): Promise<KubernetesObject>;
  /** Every object of a kind with these labels; all namespaces when namespace is undefined. */
  list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string): Promise<KubernetesObject[]>;
  /** Reads one object; undefined when it does not exist. */
  read(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubernetesObject | undefined>;
  /** Deletes (background propagation); a missing object is not an error. */
  delete(apiVersion: string, kind: string, namespace: string, name: string): Promise<void>;
}

export const FIELD_MANAGER = "switchyard";

export function kubeObjectClient(kc: KubeConfig, opts: { fieldManager?: string; timeoutMs?: number } = {}): ObjectClient {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return {
    apply: (obj) => deadline(api.patch(obj, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply), timeoutMs, "apply"),
    async list(apiVersion, kind, namespace, labelSelector) {
      const out: KubernetesObject[] = [];
      let cont: string | undefined;
      // Bounded: a server that keeps handing out continue tokens is cut off.
      for (let page = 0; page < 1000; page++) {
        const res = await deadline(
          api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, 500, cont),
          timeoutMs,
          "list",
        );
        for (const item of res.items) out.push({ ...item, apiVersion, kind });
        cont = res.metadata?._continue || undefined;
        if (!cont) return out;
      }
      throw new Error(`listing ${kind} did not end after 1000 pages`);
    },
    async read(apiVersion, kind, namespace, name) {
      try {
        return await deadline(api.read({ apiVersion, kind, metadata: { name, namespace } }), timeoutMs, "read");
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    },
    async delete(apiVersion, kind, namespace, name) {
      try {
        await deadline(api.delete({ apiVersion, kind, metadata: { name, namespace } }, undefined, undefined, undefined, undefined, "Background"), timeoutMs, "delete");
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
      }
    },
  };
}

/** The HTTP status of a client-node ApiException (or anything with `code`). */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** The Retry-After (ms) of a client-node ApiException (or anything with `headers`), if the server sent one. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers;
  return headers && typeof headers === "object" ? parseRetryAfter(headers as Record<string, string>) : undefined;
}

function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
