// Every validate.rules annotation in the Envoy protos we load is understood:
// each annotated field gets a compiled check, and every `pattern` runs as a
// JS RegExp (none is silently skipped).
import { getOption, hasOption, type DescMessage } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { registry } from "../../../src/gen/registry.js";
import { rules } from "../../../src/gen/validate/validate_pb.js";
import { planFor } from "../../../src/xds/validate/plan.ts";
import { compileRe2 } from "../../../src/xds/validate/re2.ts";
import { skippedPatterns } from "../../../src/xds/validate/rules-string.ts";

const messages: DescMessage[] = [];
for (const t of registry) if (t.kind === "message") messages.push(t);

describe("coverage of the loaded Envoy protos", () => {
  it("plans every message type, and every annotated field has a check", () => {
    const missing: string[] = [];
    let annotated = 0;
    for (const desc of messages) {
      const plan = planFor(desc);
      for (const f of desc.fields) {
        if (!hasOption(f, rules)) continue;
        const r = getOption(f, rules);
        if (r.type.case === undefined && !r.message?.required) continue; // only message.skip, or empty
        annotated++;
        const fp = plan.fields.find((x) => x.localName === f.localName);
        const hasCheck = fp && (fp.elem.check || fp.required || fp.size || fp.unique || fp.key || fp.noSparse);
        if (!plan.disabled && !hasCheck) missing.push(`${desc.typeName}.${f.name} (${r.type.case ?? "message"})`);
      }
    }
    expect(annotated).toBeGreaterThan(400);
    expect(missing).toEqual([]);
  });

  it("runs every pattern in the protos as a JS RegExp", () => {
    for (const desc of messages) planFor(desc);
    expect([...skippedPatterns.entries()]).toEqual([]);
  });
});

describe("RE2 translation", () => {
  it("translates RE2-only syntax and refuses what it cannot", () => {
    const ok = (p: string) => {
      const r = compileRe2(p);
      if (!r.ok) throw new Error(r.error);
      return r.re;
    };
    expect(ok("\\Aab\\z").test("ab")).toBe(true);
    expect(ok("\\Aab\\z").test("xab")).toBe(false);
    expect(ok("(?P<x>a)").test("a")).toBe(true);
    expect(ok("(?i)abc").test("ABC")).toBe(true);
    expect(ok("^[[:alpha:]]+$").test("abC")).toBe(true);
    expect(ok("^[0-9a-zA-Z_\\-\\.~:]+$").test("a-b.c~d")).toBe(true); // `\\~` needs the non-`u` fallback
    expect(ok("^\\pL+$").test("héllo")).toBe(true);
    expect(compileRe2("a\\Qb\\E").ok).toBe(false);
    expect(compileRe2("(?U)a+").ok).toBe(false);
    expect(compileRe2("[[:^alpha:]]").ok).toBe(false);
  });
});
