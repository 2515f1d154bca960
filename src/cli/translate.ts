// `switchyard translate`: Gateway API manifests in, Envoy resources (and status) out, offline.
import type { K8sObject } from "../api/meta.ts";
import { buildResourceSet, objectKey } from "../api/resource-set.ts";
import { mergeOwnedEntries } from "../api/status-merge.ts";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate } from "../api/translation.ts";
import { MESH_SNAPSHOT_KEY, TYPE_URL, type ResourceType } from "../api/xds.ts";
import { resourcesToJson } from "../api/xds-json.ts";
import { formatFileError } from "../watch/file/load.ts";
import { translate } from "../translator/translate.ts";
import { CommandError, oneOf, parse, UsageError } from "./args.ts";
import { inputWarnings } from "./input-warnings.ts";
import { readInputs, readStdin } from "./inputs.ts";
import { sizeOf } from "./size.ts";
import { toYaml } from "./yaml-out.ts";

export const translateUsage = `Usage: switchyard translate -f FILE|DIR|- [-f ...] [options]

Translates Gateway API manifests into the Envoy resources each Gateway's Envoy
would receive, without a cluster or a running control plane.

Options:
  -f, --file PATH          a YAML file, a directory of them (recursive), or - for stdin; repeatable
  -o, --output FORMAT      yaml (default) or json
  -t, --type TYPE          all (default), listener, route, cluster, endpoint or secret
      --with-status        also print the input objects with their computed .status
      --controller-name N  GatewayClass controllerName to act for (default ${DEFAULT_CONTROLLER_NAME})
      --max-file-size SIZE larger input files are an error, not read (default 16Mi)
  -h, --help               show this help

Objects of other kinds (Deployment, Ingress, ...) are skipped with a warning on
stderr, as are routes whose parent Gateway or Service is not among the inputs.

Exit codes: 0 translated; 1 an input is invalid (each error names file, object and field); 2 usage error.`;

export async function runTranslate(argv: string[], out: (s: string) => void, warn: (s: string) => void = () => {}): Promise<number> {
  const { values } = parse(argv, {
    file: { type: "string", short: "f", multiple: true },
    output: { type: "string", short: "o", default: "yaml" },
    type: { type: "string", short: "t", default: "all" },
    "with-status": { type: "boolean", default: false },
    "controller-name": { type: "string", default: DEFAULT_CONTROLLER_NAME },
    "max-file-size": { type: "string", default: "16Mi" },
  });
  if (values.help) {
    out(translateUsage + "\n");
    return 0;
  }
  if (!values.file?.length) throw new UsageError("translate needs at least one -f FILE|DIR|-");
  const output = oneOf(values.output, ["yaml", "json"] as const, "--output");
  const types = Object.keys(TYPE_URL) as ResourceType[];
  if (values.type !== "all" && !types.includes(values.type as ResourceType)) {
    throw new UsageError(`--type must be all or one of ${types.join(", ")}, got ${JSON.stringify(values.type)}`);
  }

  const inputs = await readInputs(values.file, readStdin, sizeOf(values["max-file-size"], "--max-file-size"));
  for (const w of inputs.warnings) warn(`warning: ${formatFileError(w)}\n`);
  if (inputs.errors.length > 0) throw new CommandError(inputs.errors.map(formatFileError).join("\n"));
  const { objects } = inputs;

  const controllerName = values["controller-name"];
  const rs = buildResourceSet(objects);
  for (const w of inputWarnings(inputs, rs)) warn(`warning: ${w}\n`);
  const result = translate(rs, { controllerName });
  const xds: Record<string, Partial<ReturnType<typeof resourcesToJson>>> = {};
  for (const g of result.gateways) {
    const json = resourcesToJson(g.resources);
    xds[g.key] = values.type === "all" ? json : { [values.type]: json[values.type as ResourceType] };
  }
  // The mesh (GAMMA) snapshot, under the key mesh clients use as node.cluster.
  if (result.mesh) {
    const json = resourcesToJson(result.mesh);
    xds[MESH_SNAPSHOT_KEY] = values.type === "all" ? json : { [values.type]: json[values.type as ResourceType] };
  }
  const doc: Record<string, unknown> = { xds };
  if (values["with-status"]) doc.objects = withStatus(objects, result.statuses, controllerName);
  out(output === "json" ? JSON.stringify(doc, null, 2) + "\n" : toYaml(doc));
  return 0;
}

/** The input objects we computed status for, with that status applied as the API server would hold it. */
export function withStatus(objects: K8sObject[], statuses: readonly StatusUpdate[], controllerName: string): K8sObject[] {
  const byId = new Map(objects.map((o) => [`${o.kind} ${objectKey(o)}`, o]));
  const outObjs: K8sObject[] = [];
  for (const u of statuses) {
    const id = `${u.kind} ${u.target.namespace ? `${u.target.namespace}/` : ""}${u.target.name}`;
    const obj = byId.get(id) as (K8sObject & { status?: Record<string, unknown> }) | undefined;
    if (!obj) continue;
    const existing = obj.status ?? {};
    let status: Record<string, unknown>;
    if ("status" in u) status = { ...u.status };
    else if ("parents" in u) status = { ...existing, parents: mergeOwnedEntries(existing.parents as never, u.parents, controllerName) };
    else status = { ...existing, ancestors: mergeOwnedEntries(existing.ancestors as never, u.ancestors, controllerName) };
    outObjs.push({ ...obj, status } as K8sObject);
  }
  return outObjs;
}
