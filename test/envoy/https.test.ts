// HTTPS listeners carried by a real Envoy: several listeners on one port picked by SNI, each serving
// its own certificate; a listener with an RSA and an ECDSA certificate; ALPN; a wildcard hostname;
// an SNI no listener claims; and what happens when SNI and Host name different listeners.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DataPlane } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { makeCa, tlsSecret, type Ca } from "./pki.ts";
import { h2Get, handshake } from "./tls-client.ts";
import { backend, closeAll, gateway, GATEWAY_CLASS, type Backend } from "./world.ts";

const LISTENERS = `    - { name: a, protocol: HTTPS, port: 443, hostname: a.example.test, tls: { certificateRefs: [{ name: cert-a }] } }
    - { name: b, protocol: HTTPS, port: 443, hostname: b.example.test, tls: { certificateRefs: [{ name: cert-b-rsa }, { name: cert-b-ecdsa }] } }
    - { name: wild, protocol: HTTPS, port: 443, hostname: "*.wild.example.test", tls: { certificateRefs: [{ name: cert-wild }] } }
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
  const GW = "default/eg";
  const addr = () => dp.proxy(GW).addr;
  const hs = (servername: string, o: { alpn?: string[]; sigalgs?: string } = {}) => handshake(addr(), 443, { servername, ca: ca.cert, ...o });
  const get = (servername: string, host = servername) => dp.request(GW, { port: 443, host, tls: { servername, ca: ca.cert } });

  beforeAll(async () => {
    ca = await makeCa("https-test-ca");
    backends = [await backend("a"), await backend("b"), await backend("wild")];
    const secrets = [
      tlsSecret("cert-a", await ca.issue({ cn: "a.example.test" })),
      tlsSecret("cert-b-rsa", await ca.issue({ cn: "b.example.test", keyType: "rsa" })),
      tlsSecret("cert-b-ecdsa", await ca.issue({ cn: "b.example.test", keyType: "ecdsa" })),
      tlsSecret("cert-wild", await ca.issue({ cn: "*.wild.example.test" })),
    ].join("");
    dp = await DataPlane.start(envoy, {
      files: {
        "gw.yaml": GATEWAY_CLASS + gateway("eg", LISTENERS),
        "secrets.yaml": secrets,
        "backends.yaml": backends.map((b) => b.yaml).join(""),
        "routes.yaml": route("a", "a") + route("b", "b") + route("wild", "wild"),
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

  // Gateway API (HTTPRouteHTTPSListenerDetectMisdirectedRequests) wants 421 when SNI picks one
  // listener and Host names another on the same port. switchyard serves one route table per port,
  // so today the Host wins and the request reaches the other listener's backend. Known gap.
  it("routes SNI a with Host b by the Host today (the spec wants 421)", async () => {
    const r = await get("a.example.test", "b.example.test");
    expect(r.status).toBe(200);
    expect(r.echo?.service).toBe("b");
  });
});
