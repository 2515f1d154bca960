// Client certificate validation carried by a real Envoy, in both API shapes: the gateway-level
// `spec.tls.frontend` (v1.4+: default and perPort, AllowValidOnly and AllowInsecureFallback) and the
// v1.1 listener field `tls.frontendValidation`.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DataPlane } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { caConfigMap, makeCa, tlsSecret, type Ca, type Issued } from "./pki.ts";
import { backend, closeAll, GATEWAY_CLASS, type Backend } from "./world.ts";

// The v1.1 shape, in a Gateway of its own: one Gateway cannot mix it with spec.tls (v1.4+), as no
// single release has both fields.
const LEGACY_GATEWAY = `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: legacy, namespace: default }
spec:
  gatewayClassName: switchyard
  listeners:
    - name: v11
      protocol: HTTPS
      port: 443
      hostname: v11.example.test
      tls:
        certificateRefs: [{ name: server-cert }]
        frontendValidation: { caCertificateRefs: [{ group: "", kind: ConfigMap, name: other-ca }] }
`;

const GATEWAY = `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: eg, namespace: default }
spec:
  gatewayClassName: switchyard
  tls:
    frontend:
      default:
        validation: { mode: AllowValidOnly, caCertificateRefs: [{ group: "", kind: ConfigMap, name: client-ca }] }
      perPort:
        - port: 8443
          tls: { validation: { mode: AllowInsecureFallback, caCertificateRefs: [{ group: "", kind: ConfigMap, name: client-ca }] } }
        - { port: 10443, tls: {} }
  listeners:
    - { name: strict, protocol: HTTPS, port: 443, hostname: strict.example.test, tls: { certificateRefs: [{ name: server-cert }] } }
    - { name: fallback, protocol: HTTPS, port: 8443, hostname: fallback.example.test, tls: { certificateRefs: [{ name: server-cert }] } }
    - { name: open, protocol: HTTPS, port: 10443, hostname: open.example.test, tls: { certificateRefs: [{ name: server-cert }] } }
`;


const ROUTE = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: default }
spec:
  parentRefs: [{ name: eg }, { name: legacy }]
  rules: [{ backendRefs: [{ name: web, port: 8080 }] }]
`;

describeEnvoy("Client certificate validation through a real Envoy", (envoy) => {
  let dp: DataPlane;
  let backends: Backend[];
  let serverCa: Ca;
  let good: Issued;
  let foreign: Issued;
  const GW = "default/eg";
  const LEGACY = "default/legacy";
  const get = (port: number, servername: string, client?: Issued, gw = GW) =>
    dp.request(gw, { port, host: servername, tls: { servername, ca: serverCa.cert, ...(client ? { cert: client.cert, key: client.key } : {}) } });

  beforeAll(async () => {
    serverCa = await makeCa("server-ca");
    const clientCa = await makeCa("client-ca");
    const otherCa = await makeCa("other-ca");
    good = await clientCa.issue({ cn: "good-client", usage: "client" });
    foreign = await otherCa.issue({ cn: "foreign-client", usage: "client" });
    backends = [await backend("web")];
    const cert = await serverCa.issue({ cn: "strict.example.test", sans: ["strict.example.test", "fallback.example.test", "open.example.test", "v11.example.test"] });
    dp = await DataPlane.start(envoy, {
      files: {
        "gw.yaml": GATEWAY_CLASS + GATEWAY,
        "legacy.yaml": LEGACY_GATEWAY,
        "tls.yaml": tlsSecret("server-cert", cert) + caConfigMap("other-ca", otherCa.cert),
        "client-ca.yaml": caConfigMap("client-ca", clientCa.cert),
        "backends.yaml": backends.map((b) => b.yaml).join(""),
        "routes.yaml": ROUTE,
      },
      gateways: [GW, LEGACY],
    });
  }, 60_000);

  afterAll(async () => {
    await dp?.stop();
    await closeAll(backends ?? []);
  });

  it("AllowValidOnly (spec.tls.frontend.default) accepts a certificate from the CA", async () => {
    expect((await get(443, "strict.example.test", good)).echo?.service).toBe("web");
  });

  it("AllowValidOnly refuses a client without a certificate, or with one from another CA", async () => {
    // TLS 1.3: the refusal comes as an alert after the client's Finished, so the request fails.
    await expect(get(443, "strict.example.test")).rejects.toThrow();
    await expect(get(443, "strict.example.test", foreign)).rejects.toThrow();
  });

  it("AllowInsecureFallback (perPort) lets clients through with, without, or with an untrusted certificate", async () => {
    expect((await get(8443, "fallback.example.test", good)).echo?.service).toBe("web");
    expect((await get(8443, "fallback.example.test")).echo?.service).toBe("web");
    expect((await get(8443, "fallback.example.test", foreign)).echo?.service).toBe("web");
  });

  it("a perPort entry without validation turns it off for its port", async () => {
    expect((await get(10443, "open.example.test")).echo?.service).toBe("web");
  });

  // Last: it changes the shared CA.
  it("follows a CA bundle change over SDS: the new CA's clients get in, the old one's no longer", async () => {
    const next = await makeCa("next-client-ca");
    const nextClient = await next.issue({ cn: "next-client", usage: "client" });
    await dp.apply({ "client-ca.yaml": caConfigMap("client-ca", next.cert) }, [GW]);
    expect((await get(443, "strict.example.test", nextClient)).echo?.service).toBe("web");
    await expect(get(443, "strict.example.test", good)).rejects.toThrow();
  });

  it("v1.1 listener tls.frontendValidation: only certificates from its CA get through", async () => {
    expect((await get(443, "v11.example.test", foreign, LEGACY)).echo?.service).toBe("web");
    await expect(get(443, "v11.example.test", good, LEGACY)).rejects.toThrow();
    await expect(get(443, "v11.example.test", undefined, LEGACY)).rejects.toThrow();
  });
});
