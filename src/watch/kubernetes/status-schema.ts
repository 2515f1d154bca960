// What the installed Gateway API CRDs accept in `status`, read from the API
// server's OpenAPI v3 document of each group-version (/openapi/v3 is open to
// every authenticated client through system:discovery, like API discovery).
// Discovery says which versions are served; only the schema says which release
// of a version's shape is installed (v1.1 and v1.7 both serve v1 GatewayClass,
// with different status.supportedFeatures items).
import type { Logger } from "../../observability/log.ts";
import { canonicalJson } from "../../util/canonical-json.ts";
import { errorMessage, type KubeClient } from "./kube-http.ts";
import { parseApiVersion } from "./resources.ts";

export type JsonSchema = Record<string, unknown>;

interface Gvk {
  group?: string;
  version?: string;
  kind?: string;
}

interface Loaded {
  /** kind -> the status property's schema */
  status: Map<string, JsonSchema>;
  at: number;
  fingerprint: string;
  /** The document's URL, which carries a hash of its content: unchanged URL, unchanged document. */
  url?: string;
}

export interface StatusSchemaOptions {
  client: KubeClient;
  logger: Logger;
  /** How long a loaded document is trusted before it is read again (default 60 s). */
  ttlMs?: number;
  timeoutMs?: number;
}

export class InstalledStatusSchemas {
  private readonly opts: StatusSchemaOptions;
  private readonly loaded = new Map<string, Loaded>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly warned = new Set<string>();

  constructor(opts: StatusSchemaOptions) {
    this.opts = opts;
  }

  /** The status schema of `kind` at `apiVersion` as last loaded; undefined while unknown. */
  statusSchema(apiVersion: string, kind: string): JsonSchema | undefined {
    return this.loaded.get(apiVersion)?.status.get(kind);
  }

  /** Fingerprint of what is loaded for `apiVersion`: tells whether a reload changed anything. */
  fingerprint(apiVersion: string): string | undefined {
    return this.loaded.get(apiVersion)?.fingerprint;
  }

  /** Loads the group-version's document unless a fresh one is loaded (or `force`). Never throws. */
  async ensure(apiVersion: string, force = false): Promise<void> {
    const have = this.loaded.get(apiVersion);
    if (!force && have && performance.now() - have.at < (this.opts.ttlMs ?? 60_000)) return;
    let p = this.loading.get(apiVersion);
    if (!p) {
      p = this.load(apiVersion).finally(() => this.loading.delete(apiVersion));
      this.loading.set(apiVersion, p);
    }
    await p;
  }

  private async load(apiVersion: string): Promise<void> {
    const { group, version } = parseApiVersion(apiVersion);
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    try {
      const index = await this.opts.client.request({ method: "GET", path: "/openapi/v3", timeoutMs });
      const paths = (index.body as { paths?: Record<string, { serverRelativeURL?: string }> } | undefined)?.paths;
      const url = paths?.[group ? `apis/${group}/${version}` : `api/${version}`]?.serverRelativeURL;
      if (index.status !== 200 || !url) throw new Error(`no OpenAPI v3 document for ${apiVersion} (HTTP ${index.status})`);
      const have = this.loaded.get(apiVersion);
      if (have?.url === url) {
        have.at = performance.now();
        return;
      }
      const doc = await this.opts.client.json({ method: "GET", path: url, timeoutMs });
      const schemas = (doc as { components?: { schemas?: Record<string, JsonSchema> } }).components?.schemas ?? {};
      const status = new Map<string, JsonSchema>();
      for (const schema of Object.values(schemas)) {
        const gvks = (schema["x-kubernetes-group-version-kind"] ?? []) as Gvk[];
        const gvk = gvks.find((g) => (g.group ?? "") === group && g.version === version);
        const props = schema.properties as Record<string, JsonSchema> | undefined;
        if (gvk?.kind && props?.status) status.set(gvk.kind, props.status);
      }
      this.loaded.set(apiVersion, { status, at: performance.now(), fingerprint: canonicalJson(Object.fromEntries(status)), url });
    } catch (err) {
      // Without a schema, status is written in the newest shape, as before.
      if (!this.warned.has(apiVersion)) {
        this.warned.add(apiVersion);
        this.opts.logger.info({ apiVersion, err: errorMessage(err) }, "cannot read the installed status schema; writing the newest Gateway API shapes");
      }
      const have = this.loaded.get(apiVersion);
      if (have) have.at = performance.now(); // keep the last good one, and do not ask again at once
      else this.loaded.set(apiVersion, { status: new Map(), at: performance.now(), fingerprint: "" });
    }
  }
}
