// TLSRoute (Passthrough and Terminate), TCPRoute and UDPRoute carried by a real Envoy, in every
// apiVersion the file source reads, with weights across two backends for TCP and UDP.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DataPlane } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { caConfigMap, makeCa, tlsSecret, type Ca } from "./pki.ts";
import { handshake, tcpExchange, udpExchange } from "./tls-client.ts";
import { backend, closeAll, gateway, GATEWAY_CLASS, type Backend } from "./world.ts";

const LISTENERS = `    - { name: pass, protocol: TLS, port: 8443, tls: { mode: Passthrough } }
    - { name: mix, protocol: TLS, port: 8443, hostname: "*.mix.example.test", tls: { mode: Terminate, certificateRefs: [{ name: term-cert }] } }
    - { name: web, protocol: HTTPS, port: 8443, hostname: web.example.test, tls: { certificateRefs: [{ name: web-cert }] } }
    - { name: clash, protocol: TLS, port: 8443, hostname: web.example.test, tls: { mode: Passthrough } }
    - { name: term, protocol: TLS, port: 9443, hostname: "*.term.example.test", tls: { mode: Terminate, certificateRefs: [{ name: term-cert }] } }
    - { name: tcp, protocol: TCP, port: 9000 }
    - { name: tcp1, protocol: TCP, port: 9001 }
    - { name: tcp-missing, protocol: TCP, port: 9002 }
    - { name: udp, protocol: UDP, port: 9053 }
    - { name: udp1, protocol: UDP, port: 9054 }
`;

function l4Route(kind: string, version: string, name: string, section: string, backends: [string, number][], hostnames?: string): string {
  return `---
apiVersion: gateway.networking.k8s.io/${version}
kind: ${kind}
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: eg, sectionName: ${section} }]
${hostnames ? `  hostnames: [${hostnames}]\n` : ""}  rules: [{ backendRefs: [${backends.map(([b, w]) => `{ name: ${b}, port: 8080, weight: ${w} }`).join(", ")}] }]
`;
}

const ROUTES = [
  // Passthrough in each TLSRoute version the file source reads: v1alpha2, v1alpha3, v1.
  l4Route("TLSRoute", "v1alpha2", "pass-a", "pass", [["pass-a", 1]], "pass-a.example.test"),
  l4Route("TLSRoute", "v1alpha3", "pass-b", "pass", [["pass-b", 1]], "pass-b.example.test"),
  l4Route("TLSRoute", "v1", "pass-c", "pass", [["pass-c", 1]], "pass-c.example.test"),
  l4Route("TLSRoute", "v1", "term-1", "term", [["term-1", 1]], "t1.term.example.test"),
  l4Route("TLSRoute", "v1alpha2", "term-2", "term", [["term-2", 1]], "t2.term.example.test"),
  l4Route("TLSRoute", "v1", "term-3", "mix", [["term-3", 1]], "m.mix.example.test"),
  // On a listener that HostnameConflicts with the HTTPS one: never programmed.
  l4Route("TLSRoute", "v1", "clash", "clash", [["pass-a", 1]], "web.example.test"),
  l4Route("TCPRoute", "v1alpha2", "tcp-split", "tcp", [["tcp-a", 3], ["tcp-b", 1]]),
  l4Route("TCPRoute", "v1", "tcp-one", "tcp1", [["tcp-b", 1]]),
  l4Route("TCPRoute", "v1", "tcp-missing", "tcp-missing", [["no-such-service", 1]]),
  l4Route("UDPRoute", "v1alpha2", "udp-split", "udp", [["udp-a", 3], ["udp-b", 1]]),
  l4Route("UDPRoute", "v1", "udp-one", "udp1", [["udp-b", 1]]),
].join("") + `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: default }
spec:
  parentRefs: [{ name: eg, sectionName: web }]
  rules: [{ backendRefs: [{ name: web, port: 8080 }] }]
`;

const PASS_B_POLICY = `---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: { name: pass-b, namespace: default }
spec:
  targetRefs: [{ group: "", kind: Service, name: pass-b }]
  validation: { caCertificateRefs: [{ group: "", kind: ConfigMap, name: backend-ca }], hostname: pass-b.example.test }
`;

/**
 * N connections split 3:1: the minority count is Binomial(N, 1/4) if Envoy picks at random (mean N/4,
 * sd sqrt(3N)/4), and closer to N/4 if it schedules deterministically. For N = 200 (mean 50, sd 6.1),
 * [26, 74] is 4 sd either way: a correct split misses it less than once in 10,000 runs, while a 1:1
 * split (100) or an ignored weight (0 or 200) never lands in it.
 */
function expectThreeToOne(counts: Record<string, number>, major: string, minor: string, n: number): void {
  expect((counts[major] ?? 0) + (counts[minor] ?? 0)).toBe(n);
  expect(counts[minor]).toBeGreaterThanOrEqual(26);
  expect(counts[minor]).toBeLessThanOrEqual(74);
}

describeEnvoy("TLSRoute, TCPRoute and UDPRoute through a real Envoy", (envoy) => {
  let dp: DataPlane;
  let backends: Backend[];
  let backendCa: Ca;
  let gatewayCa: Ca;
  const GW = "default/eg";
  const addr = () => dp.proxy(GW).addr;

  beforeAll(async () => {
    backendCa = await makeCa("backend-ca");
    gatewayCa = await makeCa("gateway-ca");
    backends = [];
    for (const name of ["pass-a", "pass-b", "pass-c"]) backends.push(await backend(name, { tls: await backendCa.issue({ cn: `${name}.example.test` }) }));
    backends.push(await backend("web"));
    for (const name of ["term-1", "term-2", "term-3", "tcp-a", "tcp-b"]) backends.push(await backend(name, { kind: "tcp" }));
    for (const name of ["udp-a", "udp-b"]) backends.push(await backend(name, { kind: "udp" }));
    dp = await DataPlane.start(envoy, {
      files: {
        "gw.yaml": GATEWAY_CLASS + gateway("eg", LISTENERS),
        "secrets.yaml":
          tlsSecret("term-cert", await gatewayCa.issue({ cn: "*.term.example.test", sans: ["*.term.example.test", "*.mix.example.test"] })) +
          tlsSecret("web-cert", await gatewayCa.issue({ cn: "web.example.test" })),
        "backends.yaml": backends.map((b) => b.yaml).join(""),
        "routes.yaml": ROUTES,
        // A passthrough backend under a BackendTLSPolicy: the client's TLS goes through as is, not wrapped again.
        "policy.yaml": caConfigMap("backend-ca", backendCa.cert) + PASS_B_POLICY,
      },
      gateways: [GW],
    });
  }, 60_000);

  afterAll(async () => {
    await dp?.stop();
    await closeAll(backends ?? []);
  });

  it("Passthrough: the backend terminates TLS; the client sees its certificate and its SNI reaches it", async () => {
    for (const name of ["pass-a", "pass-b", "pass-c"]) {
      const servername = `${name}.example.test`;
      expect(await handshake(addr(), 8443, { servername, ca: backendCa.cert })).toMatchObject({ cn: servername });
      const r = await dp.request(GW, { port: 8443, host: servername, tls: { servername, ca: backendCa.cert } });
      expect(r.echo).toMatchObject({ service: name, tls: { servername } });
    }
  });

  it("Passthrough: an SNI no route names gets no connection", async () => {
    await expect(handshake(addr(), 8443, { servername: "nobody.example.test", ca: backendCa.cert })).rejects.toThrow();
  });

  it("Terminate: the Gateway presents its certificate and forwards the plaintext to a TCP backend by SNI", async () => {
    const one = await handshake(addr(), 9443, { servername: "t1.term.example.test", ca: gatewayCa.cert, send: "ping-1" });
    expect(one.cn).toBe("*.term.example.test");
    expect(one.reply).toBe("term-1-0\nping-1");
    const two = await handshake(addr(), 9443, { servername: "t2.term.example.test", ca: gatewayCa.cert, send: "ping-2" });
    expect(two.reply).toBe("term-2-0\nping-2");
    await expect(handshake(addr(), 9443, { servername: "t3.term.example.test", ca: gatewayCa.cert, send: "x" })).rejects.toThrow();
  });

  it("Terminate and Passthrough listeners share a port, each picked by SNI", async () => {
    const mixed = await handshake(addr(), 8443, { servername: "m.mix.example.test", ca: gatewayCa.cert, send: "ping-3" });
    expect(mixed).toMatchObject({ cn: "*.term.example.test", reply: "term-3-0\nping-3" });
    expect((await handshake(addr(), 8443, { servername: "pass-a.example.test", ca: backendCa.cert })).cn).toBe("pass-a.example.test");
  });

  it("an HTTPS listener shares the port with TLS listeners: HTTP is served on its chain, TLSRoutes on theirs", async () => {
    const r = await dp.request(GW, { port: 8443, host: "web.example.test", tls: { servername: "web.example.test", ca: gatewayCa.cert } });
    expect(r.echo?.service).toBe("web");
    expect((await handshake(addr(), 8443, { servername: "pass-c.example.test", ca: backendCa.cert })).cn).toBe("pass-c.example.test");
  });

  it("a TLS Passthrough listener with the HTTPS listener's hostname conflicts: that SNI stays terminated and served by HTTP", async () => {
    const tls = await handshake(addr(), 8443, { servername: "web.example.test", ca: gatewayCa.cert });
    expect(tls.cn).toBe("web.example.test");
    const r = await dp.request(GW, { port: 8443, host: "web.example.test", tls: { servername: "web.example.test", ca: gatewayCa.cert } });
    expect(r.echo?.service).toBe("web");
  });

  it("TCPRoute v1: forwards a connection to its backend", async () => {
    expect(await tcpExchange(addr(), 9001, "hello")).toBe("tcp-b-0\nhello");
  });

  it("TCPRoute: a route whose only backend does not exist gets its connections closed", async () => {
    await expect(tcpExchange(addr(), 9002, "hello")).rejects.toThrow(/closed|ECONNRESET/);
  });

  it("TCPRoute v1alpha2: splits connections 3:1 by weight", { timeout: 60_000 }, async () => {
    const n = 200;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const who = (await tcpExchange(addr(), 9000, `c${i}`)).split("\n")[0]!;
      counts[who] = (counts[who] ?? 0) + 1;
    }
    expectThreeToOne(counts, "tcp-a-0", "tcp-b-0", n);
  });

  it("UDPRoute v1: forwards a datagram to its backend and the reply back", async () => {
    expect(await udpExchange(addr(), 9054, "hello")).toBe("udp-b-0:hello");
  });

  it("UDPRoute v1alpha2: splits new sessions 3:1 by weight", { timeout: 60_000 }, async () => {
    // Each datagram comes from a fresh socket (a new source port), so each is a new udp_proxy session.
    const n = 200;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const who = (await udpExchange(addr(), 9053, `d${i}`)).split(":")[0]!;
      counts[who] = (counts[who] ?? 0) + 1;
    }
    expectThreeToOne(counts, "udp-a-0", "udp-b-0", n);
  });
});
