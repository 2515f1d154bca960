// toYaml: whatever JSON value is written, the yaml library reads back exactly
// that value (strings that look like numbers, booleans or null included).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toYaml } from "../../src/cli/yaml-out.ts";

describe("toYaml", () => {
  it("round-trips every JSON value through the yaml library", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // JSON's own view of the value (-0 is 0 in JSON).
        const json: unknown = JSON.parse(JSON.stringify(v));
        expect(parse(toYaml(json))).toEqual(json);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips the strings YAML reads as something else", () => {
    const tricky = ["true", "no", "~", "null", "1", "0x1f", "1e3", ".5", "-", "- a", "a: b", "a #b", " lead", "trail ", "", "#", "@x", "*a", "&a", "!t", "%d", "'q'", '"q"', "a\nb", "\t", "\u0085", "\u2028", "\ud800", "x: ", "[a]", "{a}", "<<", ".inf", "2026-12-01", "1:2", "10.0.0.1", "/app-1", "service/default/svc-0/8080"];
    for (const s of tricky) {
      expect(parse(toYaml({ [s]: s, list: [s, [s], { [s]: [s] }] }))).toEqual({ [s]: s, list: [s, [s], { [s]: [s] }] });
    }
  });

  it("writes readable block YAML", () => {
    expect(toYaml({ xds: { "default/eg": { route: [{ name: "r", virtualHosts: [{ domains: ["*"] }] }], empty: [] } } })).toBe(
      ["xds:", "  default/eg:", "    route:", "      - name: r", "        virtualHosts:", "          - domains:", '              - "*"', "    empty: []", ""].join("\n"),
    );
  });
});
