// The program sizes Envoy's own RE2 reports, many patterns per `envoy --mode validate` run: the
// warn level is set to 1, so Envoy logs the size of every regex it compiles.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

function config(patterns: readonly string[]): object {
  return {
    layered_runtime: { layers: [{ name: "sizes", static_layer: { "re2.max_program_size.error_level": 1_000_000, "re2.max_program_size.warn_level": 1 } }] },
    static_resources: {
      listeners: [
        {
          name: "l",
          address: { socket_address: { address: "127.0.0.1", port_value: 10000 } },
          filter_chains: [
            {
              filters: [
                {
                  name: "hcm",
                  typed_config: {
                    "@type": HCM,
                    stat_prefix: "h",
                    http_filters: [{ name: "router", typed_config: { "@type": ROUTER } }],
                    route_config: {
                      virtual_hosts: [
                        { name: "v", domains: ["*"], routes: patterns.map((p) => ({ match: { safe_regex: { regex: p } }, direct_response: { status: 200 } })) },
                      ],
                    },
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

/**
 * Envoy's RE2 program size of each pattern, in order (patterns must all parse, and be distinct:
 * sizes are matched to patterns by the pattern text Envoy logs).
 */
export function envoyProgramSizes(envoy: string, patterns: readonly string[]): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "envoy-re2-"));
  try {
    const file = join(dir, "c.json");
    writeFileSync(file, JSON.stringify(config(patterns)));
    const r = spawnSync(envoy, ["--mode", "validate", "-c", file, "-l", "warn", "--log-format", "%v"], { encoding: "utf8", maxBuffer: 64 << 20 });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`envoy refused the patterns: ${out.trim().split("\n").slice(-3).join("\n")}`);
    const sizes = new Map<string, number>();
    // "regex '<p>' RE2 program size of N > max program size of 1 set for the warn level ..."
    for (const m of out.matchAll(/^regex '([\s\S]*?)' RE2 program size of (\d+) > max program size of 1 set for the warn/gm)) {
      sizes.set(m[1] ?? "", Number(m[2]));
    }
    return sizes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
