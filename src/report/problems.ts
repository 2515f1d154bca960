// What is wrong right now, gathered in one list: input errors, every status condition that says
// something is wrong, resources withheld by validation, and what proxies reject (NACKs). The
// admin Problems view, /api/problems and the log's "turned invalid" lines all read it.
import type { Condition } from "../api/meta.ts";
import type { StatusUpdate } from "../api/translation.ts";

export type ProblemCategory = "config" | "status" | "withheld" | "nack";

export interface Problem {
  category: ProblemCategory;
  /** The object concerned: `HTTPRoute default/shop`, a file, or a resource name. */
  object: string;
  /** Where in the object: `listener https`, `parent default/eg`, a field. */
  where?: string;
  /** The Gateway snapshot it concerns, when known. */
  gateway?: string;
  /** Condition type, or `ParseError` / `Validation` / `NACK`. */
  type: string;
  reason: string;
  message: string;
}

/** Conditions whose True is the bad news; for every other type, False is. */
const NEGATIVE = new Set(["Conflicted", "OverlappingTLSConfig", "PartiallyInvalid"]);

/** Whether a condition reports a problem (Unknown is not one: it means pending). */
export function isBad(c: Pick<Condition, "type" | "status">): boolean {
  return NEGATIVE.has(c.type) ? c.status === "True" : c.status === "False";
}

function objectName(u: StatusUpdate): string {
  return `${u.kind} ${u.target.namespace ? `${u.target.namespace}/` : ""}${u.target.name}`;
}

type Ref = { namespace?: string; name: string; sectionName?: string; port?: number; kind?: string };

function refName(r: Ref, ns: string | undefined): string {
  const kind = r.kind && r.kind !== "Gateway" ? `${r.kind} ` : "";
  return `${kind}${r.namespace ?? ns ?? ""}/${r.name}${r.sectionName ? `/${r.sectionName}` : ""}${r.port ? `:${r.port}` : ""}`;
}

/** Every bad condition in the computed status. */
export function statusProblems(statuses: readonly StatusUpdate[]): Problem[] {
  const out: Problem[] = [];
  const add = (u: StatusUpdate, conds: readonly Condition[] | undefined, where?: string, gateway?: string) => {
    for (const c of conds ?? []) {
      if (!isBad(c)) continue;
      out.push({ category: "status", object: objectName(u), ...(where ? { where } : {}), ...(gateway ? { gateway } : {}), type: c.type, reason: c.reason, message: c.message });
    }
  };
  for (const u of statuses) {
    if (u.kind === "GatewayClass") add(u, u.status.conditions);
    else if (u.kind === "Gateway") {
      const key = `${u.target.namespace ?? ""}/${u.target.name}`;
      add(u, u.status.conditions, undefined, key);
      for (const l of u.status.listeners ?? []) add(u, l.conditions, `listener ${l.name}`, key);
    } else if (u.kind === "ListenerSet") {
      add(u, u.status.conditions);
      for (const l of u.status.listeners ?? []) add(u, l.conditions, `listener ${l.name}`);
    } else if ("parents" in u) {
      for (const p of u.parents) {
        const ref = p.parentRef as Ref;
        const gateway = (ref.kind ?? "Gateway") === "Gateway" ? `${ref.namespace ?? u.target.namespace ?? ""}/${ref.name}` : undefined;
        add(u, p.conditions, `parent ${refName(ref, u.target.namespace)}`, gateway);
      }
    } else {
      for (const a of u.ancestors) add(u, a.conditions, `ancestor ${refName(a.ancestorRef as Ref, u.target.namespace)}`);
    }
  }
  return out;
}

/** An input error as the file source reports it (or a NACK, which the control plane lists with them). */
export interface ConfigErrorLike {
  file?: string;
  object?: string;
  field?: string;
  line?: number;
  message?: string;
  kind?: string;
  snapshot?: string;
  node?: string;
  type?: string;
  version?: string;
  resources?: string[];
}

export function configProblems(errors: readonly object[]): Problem[] {
  return errors.map((raw) => {
    const e = raw as ConfigErrorLike;
    if (e.kind === "nack") {
      return {
        category: "nack",
        object: e.resources?.length ? e.resources.join(", ") : `${e.type ?? "?"} resources`,
        where: `proxy ${e.node ?? "?"}`,
        ...(e.snapshot ? { gateway: e.snapshot } : {}),
        type: "NACK",
        reason: `Rejected${e.type ? capital(e.type) : ""}`,
        message: e.message ?? "",
      };
    }
    // The object when the error names one, else the file; `where` says the rest (file:line, field).
    const at = e.line ? `${e.file}:${e.line}` : e.file;
    const where = [e.object ? at : e.line ? `line ${e.line}` : undefined, e.field].filter(Boolean).join(" ");
    return { category: "config", object: e.object ?? e.file ?? "config", ...(where ? { where } : {}), type: "InputError", reason: e.field ? "InvalidField" : "Unreadable", message: e.message ?? "" };
  });
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface WithheldLike {
  type: string;
  name: string;
  violations: readonly { field: string; rule?: string; message: string }[];
  withheldBecause?: string;
}

export function withheldProblems(byGateway: Record<string, readonly object[]>): Problem[] {
  const out: Problem[] = [];
  for (const [gateway, failures] of Object.entries(byGateway)) {
    for (const raw of failures) {
      const f = raw as WithheldLike;
      const message = f.withheldBecause
        ? `withheld because ${f.withheldBecause} fails validation`
        : f.violations.map((v) => `${v.field}: ${v.message}`).join("; ");
      out.push({ category: "withheld", object: `${f.type} ${f.name}`, gateway, type: "Validation", reason: f.withheldBecause ? "DependsOnInvalid" : "FailsValidation", message });
    }
  }
  return out;
}
