// HTTPS listeners carried by a real Envoy: several listeners on one port picked by SNI, each serving
// its own certificate; a listener with an RSA and an ECDSA certificate; ALPN; a wildcard hostname;
// an SNI no listener claims; and 421 when SNI and Host name different listeners.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DataPlane } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { makeCa, tlsSecret, type Ca } from "./pki.ts";
import { h2Get, handshake } from "./tls-client.ts";
import { backend, closeAll, gateway, GATEWAY_CLASS, type Backend } from "./world.ts";

const LISTENERS = `    - { name: a, protocol: HTTPS, port: 443, hostname: a.example.test, tls: { certificateRefs: [{ name: cert-a }] } }
    - { name: b, protocol: HTTPS, port: 443, hostname: b.example.test, tls: { certificateRefs: [{ name: cert-b-rsa }, { name: cert-b-ecdsa }] } }
    - { name: wild, protocol: HTTPS, port: 443, hostname: "*.wild.example.test", tls: { certificateRefs: [{ name: cert-wild }] } }
    - { name: any, protocol: HTTPS, port: 8443, tls: { certificateRefs: [{ name: cert-any }] } }
    - { name: ov-wild, protocol: HTTPS, port: 8443, hostname: "*.ov.example.test", tls: { certificateRefs: [{ name: cert-ov-wild }] } }
    - { name: ov-x, protocol: HTTPS, port: 8443, hostname: x.ov.example.test, tls: { certificateRefs: [{ name: cert-ov-x }] } }
`;

function route(name: string, section: string): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: eg, sectionName: ${section} }]
  rules: [{ backendRefs: [{ name: ${name}, port: 8080 }] }]
`;
}

// What a TLS 1.3 client offers decides which of a listener's certificates Envoy presents.
const RSA_ONLY = "rsa_pss_rsae_sha256:rsa_pkcs1_sha256";
const ECDSA_ONLY = "ecdsa_secp256r1_sha256";

describeEnvoy("HTTPS listeners through a real Envoy", (envoy) => {
  let dp: DataPlane;
  let backends: Backend[];
  let ca: Ca;
  let secrets: Record<string, string>;
  const GW = "default/eg";
  const addr = () => dp.proxy(GW).addr;
  const hs = (servername: string, o: { alpn?: string[]; sigalgs?: string } = {}) => handshake(addr(), 443, { servername, ca: ca.cert, ...o });
  const get = (servername: string, host = servername) => dp.request(GW, { port: 443, host, tls: { servername, ca: ca.cert } });

  beforeAll(async () => {
    ca = await makeCa("https-test-ca");
    backends = [];
    for (const name of ["a", "b", "wild", "any", "ov-wild", "ov-x"]) backends.push(await backend(name));
    secrets = {
      "cert-a": tlsSecret("cert-a", await ca.issue({ cn: "a.example.test" })),
      "cert-b-rsa": tlsSecret("cert-b-rsa", await ca.issue({ cn: "b.example.test", keyType: "rsa" })),
      "cert-b-ecdsa": tlsSecret("cert-b-ecdsa", await ca.issue({ cn: "b.example.test", keyType: "ecdsa" })),
      "cert-wild": tlsSecret("cert-wild", await ca.issue({ cn: "*.wild.example.test" })),
      "cert-any": tlsSecret("cert-any", await ca.issue({ cn: "any.example.test", sans: ["any.example.test", "elsewhere.test"] })),
      "cert-ov-wild": tlsSecret("cert-ov-wild", await ca.issue({ cn: "*.ov.example.test" })),
      "cert-ov-x": tlsSecret("cert-ov-x", await ca.issue({ cn: "x.ov.example.test" })),
    };
    dp = await DataPlane.start(envoy, {
      files: {
        "gw.yaml": GATEWAY_CLASS + gateway("eg", LISTENERS),
        "secrets.yaml": Object.values(secrets).join(""),
        "backends.yaml": backends.map((b) => b.yaml).join(""),
        "routes.yaml": route("a", "a") + route("b", "b") + route("wild", "wild") + route("any", "any") + route("ov-wild", "ov-wild") + route("ov-x", "ov-x"),
      },
      gateways: [GW],
    });
  }, 60_000);

  afterAll(async () => {
    await dp?.stop();
    await closeAll(backends ?? []);
  });

  it("picks each listener's certificate by SNI and routes to that listener's backend", async () => {
    const a = await hs("a.example.test");
    expect(a).toMatchObject({ cn: "a.example.test", sans: "DNS:a.example.test" });
    const b = await hs("b.example.test");
    expect(b.cn).toBe("b.example.test");
    expect((await get("a.example.test")).echo?.service).toBe("a");
    expect((await get("b.example.test")).echo?.service).toBe("b");
  });

  it("serves the RSA or the ECDSA certificate of a listener that has both, as the client supports", async () => {
    expect(await hs("b.example.test", { sigalgs: RSA_ONLY })).toMatchObject({ cn: "b.example.test", keyType: "rsa" });
    expect(await hs("b.example.test", { sigalgs: ECDSA_ONLY })).toMatchObject({ cn: "b.example.test", keyType: "ec" });
  });

  it("negotiates ALPN h2 or http/1.1 and serves HTTP/2 over it", async () => {
    expect((await hs("a.example.test", { alpn: ["h2", "http/1.1"] })).alpn).toBe("h2");
    expect((await hs("a.example.test", { alpn: ["http/1.1"] })).alpn).toBe("http/1.1");
    const r = await h2Get(addr(), 443, { servername: "a.example.test", ca: ca.cert });
    expect(r).toMatchObject({ status: 200, alpn: "h2" });
    expect(JSON.parse(r.body)).toMatchObject({ service: "a" });
  });

  it("matches a wildcard listener hostname on one more label, not on the parent domain", async () => {
    expect((await hs("x.wild.example.test")).cn).toBe("*.wild.example.test");
    expect((await get("x.wild.example.test")).echo?.service).toBe("wild");
    await expect(hs("wild.example.test")).rejects.toThrow();
  });

  it("refuses the handshake of an SNI that no listener claims, and of no SNI at all", async () => {
    await expect(hs("nobody.example.test")).rejects.toThrow();
    // node sends no SNI for an IP address as servername.
    await expect(handshake(addr(), 443, { servername: "" })).rejects.toThrow();
  });

  it("prefers the most specific listener on a port: exact, then wildcard, then the one without hostname", async () => {
    const at = (servername: string) => handshake(addr(), 8443, { servername, ca: ca.cert });
    expect((await at("x.ov.example.test")).cn).toBe("x.ov.example.test");
    expect((await at("y.ov.example.test")).cn).toBe("*.ov.example.test");
    expect((await at("elsewhere.test")).cn).toBe("any.example.test");
    expect((await handshake(addr(), 8443, { servername: "" })).cn).toBe("any.example.test");
    const r = (servername: string) => dp.request(GW, { port: 8443, host: servername, tls: { servername, ca: ca.cert } });
    expect((await r("x.ov.example.test")).echo?.service).toBe("ov-x");
    expect((await r("y.ov.example.test")).echo?.service).toBe("ov-wild");
    expect((await r("elsewhere.test")).echo?.service).toBe("any");
  });

  it("serves a rotated certificate from the Secret alone, without changing the listener", async () => {
    const listeners = async () => JSON.stringify((await dp.envoyAdmin(GW, "/config_dump?resource=dynamic_listeners")).body);
    const before = await listeners();
    expect(before).toContain("default/eg/");
    const next = await ca.issue({ cn: "a.example.test", sans: ["a.example.test", "rotated.a.example.test"] });
    secrets["cert-a"] = tlsSecret("cert-a", next);
    await dp.apply({ "secrets.yaml": Object.values(secrets).join("") });
    expect((await hs("a.example.test")).sans).toBe("DNS:a.example.test, DNS:rotated.a.example.test");
    // The same listeners, not updated (a listener update would drain connections).
    expect(await listeners()).toBe(before);
  });

  // HTTPRouteHTTPSListenerDetectMisdirectedRequests: SNI picks one listener's chain; a Host that
  // another listener of the port serves gets 421 (RFC 9110), a Host no listener serves 404.
  it("answers 421 when SNI and Host pick different listeners of a port, and 404 for a Host nobody serves", async () => {
    const r = await get("a.example.test", "b.example.test");
    expect(r.status).toBe(421);
    expect(r.echo).toBeUndefined();
    expect((await get("b.example.test", "x.wild.example.test")).status).toBe(421);
    expect((await get("a.example.test", "nobody.example.test")).status).toBe(404);
    // The case 421 exists for: an HTTP/2 client reusing its connection to a for authority b.
    expect((await h2Get(addr(), 443, { servername: "a.example.test", ca: ca.cert, authority: "b.example.test" })).status).toBe(421);
    // Port 8443 has a catch-all listener: it serves every Host the others do not, so those are 421 too.
    const on8443 = (servername: string, host: string) => dp.request(GW, { port: 8443, host, tls: { servername, ca: ca.cert } });
    expect((await on8443("x.ov.example.test", "elsewhere.test")).status).toBe(421);
    expect((await on8443("elsewhere.test", "y.ov.example.test")).status).toBe(421);
    expect((await on8443("y.ov.example.test", "x.ov.example.test")).status).toBe(421);
  });
});
