// HTTPRouteCORS (conformance v1.7.0, tests/httproute-cors.go) as data: preflights the gateway must
// answer itself, and simple requests whose answers must carry (or lack) the CORS headers.
import type { Case, Want } from "./conformance-cases.ts";
const PREFLIGHT = { statuses: [200, 204], byGateway: true };
const preflight = (path: string, origin: string, method: string, want: Omit<Want, "statuses" | "byGateway">, requestHeaders?: string): Case => ({
  req: { path, method: "OPTIONS", headers: { Origin: origin, "access-control-request-method": method, ...(requestHeaders ? { "access-control-request-headers": requestHeaders } : {}) } },
  want: { ...PREFLIGHT, ...want },
});
const simple = (path: string, method: string, origin: string, want: Omit<Want, "backend">, extra: Record<string, string> = {}): Case => ({
  req: { path, method, headers: { Origin: origin, ...extra } },
  want: { backend: "", ...want },
});
const H12 = "x-header-1, x-header-2";
const CORS_1 = {
  "access-control-allow-methods": ["GET, OPTIONS", "OPTIONS, GET"],
  "access-control-allow-headers": [H12, "x-header-2, x-header-1"],
  "access-control-expose-headers": ["x-header-3, x-header-4", "x-header-4, x-header-3"],
  "access-control-max-age": ["3600"],
  "access-control-allow-credentials": ["true"],
};
const REQ_12 = { "access-control-request-method": "GET", "access-control-request-headers": H12 };
export const corsCases: Case[] = [
  preflight("/cors-1", "https://www.foo.com", "GET", { oneOf: { "access-control-allow-origin": ["https://www.foo.com"], ...CORS_1 } }, H12),
  preflight("/cors-1", "https://www.bar.com", "GET", { oneOf: { "access-control-allow-origin": ["https://www.bar.com"], ...CORS_1 } }, H12),
  preflight("/cors-1", "https://xpto.www.bar.com", "GET", { oneOf: { "access-control-allow-origin": ["https://xpto.www.bar.com"], ...CORS_1 } }, H12),
  { ...preflight("/cors-1", "https://foobar.com", "GET", { absentHeaders: ["access-control-allow-origin"] }), want: { statuses: [200, 204, 403], byGateway: true, absentHeaders: ["access-control-allow-origin"] } },
  simple("/cors-1", "GET", "https://www.foo.com", { headers: { "access-control-allow-origin": "https://www.foo.com" } }, REQ_12),
  simple("/cors-1", "GET", "https://www.bar.com", { headers: { "access-control-allow-origin": "https://www.bar.com" } }, REQ_12),
  simple("/cors-1", "GET", "https://foobar.com", { absentHeaders: ["access-control-allow-origin"] }, { "access-control-request-method": "GET" }),
  preflight("/cors-2", "https://www.foo.com", "POST", { oneOf: { "access-control-allow-methods": ["POST", "*"] }, headers: { "access-control-allow-origin": "https://www.foo.com" }, absentHeaders: ["access-control-allow-credentials"] }),
  preflight("/cors-2", "https://www.foo.com", "POST", { absentHeaders: ["access-control-allow-credentials"] }),
  preflight("/cors-wildcard-origin", "https://foobar.com", "PUT", { oneOf: { "access-control-allow-origin": ["https://foobar.com", "*"], "access-control-allow-methods": ["PUT"] }, absentHeaders: ["access-control-allow-credentials"] }),
  preflight("/cors-wildcard-origin", "https://foobar.com:12345", "PUT", { oneOf: { "access-control-allow-origin": ["https://foobar.com:12345", "*"], "access-control-allow-methods": ["PUT"] }, absentHeaders: ["access-control-allow-credentials"] }),
  simple("/cors-wildcard-origin", "PUT", "https://foobar.com:12345", { oneOf: { "access-control-allow-origin": ["https://foobar.com:12345", "*"] } }),
  simple("/cors-wildcard-origin", "PUT", "https://foobar.com", { oneOf: { "access-control-allow-origin": ["https://foobar.com", "*"] }, absentHeaders: ["access-control-allow-credentials"] }),
  preflight(
    "/cors-wildcard-methods-headers",
    "https://other.foo.com",
    "PUT",
    { oneOf: { "access-control-allow-origin": ["https://other.foo.com"], "access-control-allow-methods": ["PUT"], "access-control-allow-headers": [H12, "x-header-2, x-header-1"], "access-control-allow-credentials": ["true"] } },
    H12,
  ),
  preflight(
    "/cors-wildcard-methods-headers-unauth",
    "https://other.foo.com",
    "PUT",
    {
      oneOf: { "access-control-allow-origin": ["https://other.foo.com", "*"], "access-control-allow-methods": ["PUT", "*"], "access-control-allow-headers": [H12, "x-header-2, x-header-1", "*"] },
      absentHeaders: ["access-control-allow-credentials"],
    },
    H12,
  ),
  simple("/cors-wildcard-methods-headers", "GET", "https://other.foo.com", { oneOf: { "access-control-allow-origin": ["https://other.foo.com"], "access-control-allow-credentials": ["true"] } }),
  simple("/cors-wildcard-methods-headers-unauth", "GET", "https://other.foo.com", { oneOf: { "access-control-allow-origin": ["https://other.foo.com", "*"] }, absentHeaders: ["access-control-allow-credentials"] }),
];
