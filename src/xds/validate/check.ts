// The compiled form of a rule: a function from a field value to violations.
import { isFieldSet, type DescField, type Message } from "@bufbuild/protobuf";
import { render, type Path } from "./path.ts";
import type { Violation } from "./types.ts";

export type Check = (value: unknown, path: Path | undefined, out: Violation[]) => void;

export function report(out: Violation[], path: Path | undefined, rule: string, message: string): void {
  out.push({ field: render(path), rule, message });
}

/** Whether an optional (proto2) rule field was written in the .proto, as opposed to holding its default. */
export function has(rules: Message, field: DescField): boolean {
  return isFieldSet(rules, field);
}

/** Run every check in order; undefined when there is nothing to run. */
export function all(checks: Check[]): Check | undefined {
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (v, p, out) => {
    for (const c of checks) c(v, p, out);
  };
}

/** A short, printable form of a value for messages. */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return String(v);
}

export function list(vs: readonly unknown[]): string {
  return `[${vs.map(show).join(", ")}]`;
}
