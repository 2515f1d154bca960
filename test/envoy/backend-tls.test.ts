// BackendTLSPolicy (v1 and v1alpha3) carried by a real Envoy: Envoy originates TLS to TLS echo
// backends, sends the policy's hostname as SNI, verifies the backend against the CA of a ConfigMap
// (or a ClusterTrustBundle) and against the hostname or subjectAltNames, and fails closed (5xx) when any
// of that does not hold.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DataPlane } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { caConfigMap, makeCa, tlsSecret, type Ca } from "./pki.ts";
import { backend, closeAll, GATEWAY_CLASS, type Backend } from "./world.ts";

interface Case {
  /** Service name and path prefix. */
  name: string;
  /** DNS / URI SANs of the backend's certificate. */
  certSans: string[];
  /** The backend certificate comes from a CA the policy does not name. */
  foreignCa?: boolean;
  apiVersion: "v1" | "v1alpha3";
  hostname: string;
  subjectAltNames?: string;
  appProtocol?: string;
  /** The policy's validation source instead of the backend-ca ConfigMap. */
  caSource?: string;
  /** The backend requires a client certificate: the Gateway's (spec.tls.backend). */
  mtls?: boolean;
}

const CASES: Case[] = [
  { name: "v1ok", certSans: ["v1ok.example.test"], apiVersion: "v1", hostname: "v1ok.example.test" },
  { name: "alpha", certSans: ["alpha.example.test"], apiVersion: "v1alpha3", hostname: "alpha.example.test" },
  { name: "wildcert", certSans: ["*.wild.example.test"], apiVersion: "v1", hostname: "api.wild.example.test" },
  { name: "sans", certSans: ["alt.example.test"], apiVersion: "v1", hostname: "sni.example.test", subjectAltNames: "[{ type: Hostname, hostname: alt.example.test }]" },
  { name: "uri", certSans: ["spiffe://example.test/backend"], apiVersion: "v1", hostname: "uri.example.test", subjectAltNames: "[{ type: URI, uri: spiffe://example.test/backend }]" },
  { name: "h2", certSans: ["h2.example.test"], apiVersion: "v1", hostname: "h2.example.test", appProtocol: "kubernetes.io/h2c" },
  { name: "badname", certSans: ["other.example.test"], apiVersion: "v1", hostname: "badname.example.test" },
  { name: "badsan", certSans: ["alt.example.test"], apiVersion: "v1alpha3", hostname: "alt.example.test", subjectAltNames: "[{ type: Hostname, hostname: nope.example.test }]" },
  { name: "mtls", certSans: ["mtls.example.test"], apiVersion: "v1", hostname: "mtls.example.test", mtls: true },
  { name: "missingca", certSans: ["missingca.example.test"], apiVersion: "v1", hostname: "missingca.example.test", caSource: 'caCertificateRefs: [{ group: "", kind: ConfigMap, name: no-such-ca }]' },
  { name: "systemca", certSans: ["systemca.example.test"], apiVersion: "v1", hostname: "systemca.example.test", caSource: "wellKnownCACertificates: System" },
  { name: "badca", certSans: ["badca.example.test"], foreignCa: true, apiVersion: "v1", hostname: "badca.example.test" },
  {
    name: "ctb",
    certSans: ["ctb.example.test"],
    apiVersion: "v1",
    hostname: "ctb.example.test",
    caSource: "caCertificateRefs: [{ group: certificates.k8s.io, kind: ClusterTrustBundle, name: backend-ca-bundle }]",
  },
  {
    name: "ctbwrong",
    certSans: ["ctbwrong.example.test"],
    apiVersion: "v1",
    hostname: "ctbwrong.example.test",
    caSource: "caCertificateRefs: [{ group: certificates.k8s.io, kind: ClusterTrustBundle, name: unrelated-bundle }]",
  },
];

/** A certificates.k8s.io ClusterTrustBundle (cluster-scoped) holding `pem`. */
function clusterTrustBundle(name: string, pem: string): string {
  return `---
apiVersion: certificates.k8s.io/v1beta1
kind: ClusterTrustBundle
metadata: { name: ${name} }
spec:
  trustBundle: ${JSON.stringify(pem)}
`;
}

function policy(c: Case): string {
  return `---
apiVersion: gateway.networking.k8s.io/${c.apiVersion}
kind: BackendTLSPolicy
metadata: { name: ${c.name}, namespace: default }
spec:
  targetRefs: [{ group: "", kind: Service, name: ${c.name} }]
  validation:
    ${c.caSource ?? 'caCertificateRefs: [{ group: "", kind: ConfigMap, name: backend-ca }]'}
    hostname: ${c.hostname}
${c.subjectAltNames ? `    subjectAltNames: ${c.subjectAltNames}\n` : ""}`;
}

// spec.tls.backend (v1.4+): the certificate the Gateway presents to TLS backends.
const GATEWAY = `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: eg, namespace: default }
spec:
  gatewayClassName: switchyard
  tls: { backend: { clientCertificateRef: { name: gateway-client } } }
  listeners: [{ name: http, protocol: HTTP, port: 80 }]
`;

const ROUTE = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: tls-backends, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  rules:
${CASES.map((c) => `    - matches: [{ path: { type: PathPrefix, value: /${c.name} } }]\n      backendRefs: [{ name: ${c.name}, port: 8080 }]\n`).join("")}`;

describeEnvoy("BackendTLSPolicy through a real Envoy", (envoy) => {
  let dp: DataPlane;
  const backends: Backend[] = [];
  const GW = "default/eg";
  const get = (path: string) => dp.request(GW, { port: 80, path, host: "tls.example.test" });

  beforeAll(async () => {
    const ca: Ca = await makeCa("backend-ca");
    const other: Ca = await makeCa("unrelated-ca");
    const clientCa: Ca = await makeCa("gateway-client-ca");
    for (const c of CASES) {
      const cert = await (c.foreignCa ? other : ca).issue({ cn: c.name, sans: c.certSans });
      const tls = { ...cert, ...(c.mtls ? { ca: clientCa.cert } : {}) };
      backends.push(await backend(c.name, { tls, ...(c.appProtocol ? { appProtocol: c.appProtocol } : {}) }));
    }
    const gatewayClient = await clientCa.issue({ cn: "gateway-client", usage: "client" });
    dp = await DataPlane.start(envoy, {
      files: {
        "gw.yaml": GATEWAY_CLASS + GATEWAY,
        "ca.yaml":
          caConfigMap("backend-ca", ca.cert) +
          tlsSecret("gateway-client", gatewayClient) +
          clusterTrustBundle("backend-ca-bundle", ca.cert) +
          clusterTrustBundle("unrelated-bundle", other.cert),
        "backends.yaml": backends.map((b) => b.yaml).join(""),
        "policies.yaml": CASES.map(policy).join(""),
        "routes.yaml": ROUTE,
      },
      gateways: [GW],
    });
  }, 60_000);

  afterAll(async () => {
    await dp?.stop();
    await closeAll(backends);
  });

  it("v1: originates TLS with the hostname as SNI and verifies against the ConfigMap CA", async () => {
    const r = await get("/v1ok");
    expect(r.status).toBe(200);
    expect(r.echo?.tls?.servername).toBe("v1ok.example.test");
  });

  it("v1alpha3: the same", async () => {
    const r = await get("/alpha");
    expect(r.status).toBe(200);
    expect(r.echo?.tls?.servername).toBe("alpha.example.test");
  });

  it("accepts a wildcard certificate that covers the hostname", async () => {
    const r = await get("/wildcert");
    expect(r.status).toBe(200);
    expect(r.echo?.tls?.servername).toBe("api.wild.example.test");
  });

  it("with subjectAltNames, verifies those (DNS or URI) and still sends the hostname as SNI", async () => {
    const dns = await get("/sans");
    expect(dns.status).toBe(200);
    expect(dns.echo?.tls?.servername).toBe("sni.example.test");
    const uri = await get("/uri");
    expect(uri.status).toBe(200);
    expect(uri.echo?.tls?.servername).toBe("uri.example.test");
  });

  it("speaks HTTP/2 over TLS (ALPN h2) to an HTTP/2 backend", async () => {
    const r = await get("/h2");
    expect(r.status).toBe(200);
    expect(r.echo).toMatchObject({ protocol: "HTTP/2", tls: { servername: "h2.example.test" } });
  });

  it("presents the Gateway's client certificate (spec.tls.backend) to a backend that requires one", async () => {
    const r = await get("/mtls");
    expect(r.status).toBe(200);
    expect(r.echo?.tls).toEqual({ servername: "mtls.example.test", clientCn: "gateway-client" });
  });

  it("verifies against a ClusterTrustBundle's trustBundle (caCertificateRefs to certificates.k8s.io)", async () => {
    const r = await get("/ctb");
    expect(r.status).toBe(200);
    expect(r.echo?.tls?.servername).toBe("ctb.example.test");
  });

  // systemca: the system bundle does not hold the test CA, so that backend must be refused too.
  it("fails closed (5xx, nothing reaches the backend) on a hostname or SAN mismatch, another CA, a missing CA", async () => {
    for (const name of ["badname", "badsan", "badca", "missingca", "systemca", "ctbwrong"]) {
      const r = await get(`/${name}`);
      expect({ name, status: r.status >= 500 && r.status < 600 }).toEqual({ name, status: true });
      expect(r.echo).toBeUndefined();
      const echo = backends.find((b) => b.service === name)!.echoes[0]!;
      expect(echo.seen).toEqual([]);
    }
  });
});
