// Golden translation tests, in two stages as test/golden/files.ts lays them out:
//   stage one: <case>.in.yaml -> <case>.ir.yaml (the IR and every status);
//   stage two: <case>.ir.yaml -> <case>.<type>s.yaml (xDS per type, proto3 JSON).
// Stage two reads the IR golden, so an envoy/ change shows in the xDS goldens
// alone and a resolve/ change in the IR golden first. `npm run golden:update`
// (UPDATE_GOLDEN=1) writes every output and deletes stale ones; without it a
// missing, stale or extra golden fails. Every output also round-trips through
// the binary encoding, passes Envoy's validate.rules, and is deterministic.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { equals, fromBinary, type Message } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import type { XdsResources } from "../../src/api/xds.ts";
import { emitTranslation, resolveTranslation, translate } from "../../src/translator/translate.ts";
import { DESCRIPTORS, RESOURCE_TYPES, resourcesOf } from "../../src/xds/resource-types.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { loadResourceSet } from "../translator/load.ts";
import { goldenCases, outputFiles, parseIr, renderIr, renderXds, type GoldenCase } from "./files.ts";
import { renderGolden } from "./render.ts";

const UPDATE = process.env.UPDATE_GOLDEN === "1";
const OPTIONS = { controllerName: DEFAULT_CONTROLLER_NAME };

function checkResources(r: XdsResources): void {
  for (const type of RESOURCE_TYPES) {
    const d = DESCRIPTORS[type];
    for (const m of resourcesOf(r, type)) expect(equals(d.schema, fromBinary(d.schema, d.encode(m)), m as Message)).toBe(true);
  }
  expect(validateResources(r).failures).toEqual([]);
}

function encodeAll(r: XdsResources): string[] {
  return RESOURCE_TYPES.flatMap((type) => resourcesOf(r, type).map((m) => Buffer.from(DESCRIPTORS[type].encode(m)).toString("hex")));
}

/** Compare `text` with the golden `path`, or write it under UPDATE_GOLDEN=1. */
function golden(path: string, text: string): void {
  if (UPDATE) {
    writeFileSync(path, text);
    return;
  }
  // A missing golden fails: only UPDATE_GOLDEN=1 writes one, so CI never accepts an unreviewed golden.
  expect(existsSync(path), `${path} is missing: run \`npm run golden:update\` and review it`).toBe(true);
  expect(text).toBe(readFileSync(path, "utf8"));
}

/** The case's output files are exactly `expected` (suffixes); with UPDATE_GOLDEN=1 the others are deleted. */
function onlyThese(c: GoldenCase, expected: readonly string[]): void {
  const want = new Set(expected.map((s) => basename(c.file(s))));
  const extra = outputFiles(c).filter((f) => !want.has(f));
  if (UPDATE) for (const f of extra) rmSync(c.file(f.slice(c.name.length)));
  else expect(extra, `stale goldens of ${c.feature}/${c.name}: run \`npm run golden:update\``).toEqual([]);
}

describe("golden translations", () => {
  const cases = goldenCases();
  it("cases are found", () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  for (const c of cases) {
    describe(`${c.feature}/${c.name}`, () => {
      const rs = loadResourceSet(readFileSync(c.file(".in.yaml"), "utf8"));
      const resolved = resolveTranslation(rs, OPTIONS);
      const irText = renderIr(resolved);

      it("stage one: input -> IR and status", () => {
        golden(c.file(".ir.yaml"), irText);
        // Deterministic.
        expect(renderIr(resolveTranslation(rs, OPTIONS))).toBe(irText);
      });

      it("stage two: IR golden -> xDS per type", () => {
        const ir = UPDATE || !existsSync(c.file(".ir.yaml")) ? irText : readFileSync(c.file(".ir.yaml"), "utf8");
        const emitted = emitTranslation(parseIr(ir));
        const files = renderXds(emitted);
        for (const [suffix, text] of files) golden(c.file(suffix), text);
        onlyThese(c, [".ir.yaml", ...files.keys()]);
        for (const g of emitted.gateways) checkResources(g.resources);
        if (emitted.mesh) checkResources(emitted.mesh);
        // The IR golden holds everything stage two reads: emitting from it equals translate(), byte for byte.
        const direct = translate(rs, OPTIONS);
        expect(emitted.gateways.map((g) => encodeAll(g.resources))).toEqual(direct.gateways.map((g) => encodeAll(g.resources)));
        expect(emitted.mesh && encodeAll(emitted.mesh)).toEqual(direct.mesh && encodeAll(direct.mesh));
        expect(renderGolden(translate(rs, OPTIONS))).toBe(renderGolden(direct));
      });
    });
  }
});
