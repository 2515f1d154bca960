// The list half of list/watch: pages through a collection with limit/continue
// (client-node's informer does not page), and stamps kind and apiVersion on
// every item, which the API server leaves out of list items.
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { apiError, type KubeClient } from "./kube-http.ts";

export interface ListPagerOptions {
  client: KubeClient;
  /** Collection path without query, e.g. `/api/v1/services`. */
  path: string;
  apiVersion: string;
  kind: string;
  pageSize: number;
  timeoutMs: number;
  /** Called after each successful list, with the number of items and pages. */
  onListed?: (items: number, pages: number) => void;
}

interface RawList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubernetesObject[];
}

/** Returns the listFn client-node's ListWatch wants. */
export function makePagedList(opts: ListPagerOptions): () => Promise<KubernetesListObject<KubernetesObject>> {
  return async () => {
    // A continue token can expire (410) between pages; then the list starts over, once.
    for (let attempt = 0; ; attempt++) {
      try {
        return await listAllPages(opts);
      } catch (err) {
        if (attempt === 0 && err instanceof ContinueExpired) continue;
        throw err;
      }
    }
  };
}

class ContinueExpired extends Error {}

async function listAllPages(opts: ListPagerOptions): Promise<KubernetesListObject<KubernetesObject>> {
  const items: KubernetesObject[] = [];
  let cont: string | undefined;
  let resourceVersion = "";
  let pages = 0;
  do {
    const q = new URLSearchParams({ limit: String(opts.pageSize) });
    if (cont) q.set("continue", cont);
    const res = await opts.client.request({ method: "GET", path: `${opts.path}?${q}`, timeoutMs: opts.timeoutMs });
    if (res.status === 410 && cont) throw new ContinueExpired();
    if (res.status !== 200) throw apiError(res);
    const page = (res.body ?? {}) as RawList;
    pages++;
    for (const item of page.items ?? []) {
      item.apiVersion = opts.apiVersion;
      item.kind = opts.kind;
      items.push(item);
    }
    // Every page of one list is served from the same snapshot; keep the last one's version.
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    cont = page.metadata?.continue || undefined;
  } while (cont);
  opts.onListed?.(items.length, pages);
  return { apiVersion: opts.apiVersion, kind: `${opts.kind}List`, metadata: { resourceVersion }, items };
}
