import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import {
  clientSecretName,
  defaultServerSans,
  generatePki,
  pkiSecrets,
  runCertgen,
  SERVER_SECRET_NAME,
} from "../../src/infra/certgen.ts";
import { identityUriFor, snapshotKeyFromIdentityUri } from "../../src/api/xds-identity.ts";

const EKU_SERVER = "1.3.6.1.5.5.7.3.1";
const EKU_CLIENT = "1.3.6.1.5.5.7.3.2";

describe("generatePki", () => {
  it("makes a CA, a server certificate with the default SANs and per-Gateway client certificates", async () => {
    const pki = await generatePki({ gateways: ["default/eg", "team-a/web"], mesh: true });
    const ca = new X509Certificate(pki.ca.cert);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);

    const server = new X509Certificate(pki.server!.cert);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkHost("switchyard.switchyard-system.svc")).toBe("switchyard.switchyard-system.svc");
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.keyUsage).toEqual([EKU_SERVER]);
    // key and certificate belong together
    expect(server.checkPrivateKey(createPrivateKey(pki.server!.key))).toBe(true);

    expect(pki.clients.map((c) => c.snapshotKey)).toEqual(["default/eg", "team-a/web", "mesh"]);
    for (const c of pki.clients) {
      const cert = new X509Certificate(c.cert);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.subjectAltName).toBe(`URI:${identityUriFor(c.snapshotKey)}`);
      expect(cert.keyUsage).toEqual([EKU_CLIENT]);
      expect(cert.checkPrivateKey(createPrivateKey(c.key))).toBe(true);
    }
    expect(new X509Certificate(pki.clients[0]!.cert).subjectAltName).toBe("URI:spiffe://switchyard/gateway/default/eg");
  });

  it("takes custom server SANs and RSA keys", async () => {
    const pki = await generatePki({ serverSans: ["xds.example.com", "10.0.0.1"], keyAlgorithm: "rsa-2048" });
    const server = new X509Certificate(pki.server!.cert);
    expect(server.subjectAltName).toBe("DNS:xds.example.com, IP Address:10.0.0.1");
    expect(server.publicKey.asymmetricKeyType).toBe("rsa");
    expect(server.checkHost("localhost")).toBeUndefined();
  });

  it("signs with an existing CA", async () => {
    const first = await generatePki({ server: false });
    const second = await generatePki({ existingCa: first.ca, gateways: ["ns/gw"], server: false });
    expect(second.ca).toEqual(first.ca);
    expect(second.server).toBeUndefined();
    const ca = new X509Certificate(first.ca.cert);
    expect(new X509Certificate(second.clients[0]!.cert).verify(ca.publicKey)).toBe(true);
  });

  it("refuses malformed Gateway keys before issuing anything", async () => {
    await expect(generatePki({ gateways: ["no-slash"] })).rejects.toThrow(/namespace\/name/);
    await expect(generatePki({ gateways: ["Bad/Upper"] })).rejects.toThrow(/namespace\/name/);
    await expect(generatePki({ gateways: ["a/b/c"] })).rejects.toThrow(/namespace\/name/);
  });

  it("pins validity to `now` and validityDays", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const pki = await generatePki({ now, validityDays: 10, gateways: ["a/b"] });
    const c = new X509Certificate(pki.clients[0]!.cert);
    expect(new Date(c.validFrom).toISOString()).toBe(now.toISOString());
    expect(new Date(c.validTo).toISOString()).toBe("2030-01-11T00:00:00.000Z");
  });
});

describe("identity URIs", () => {
  it("round-trip Gateway and mesh keys and reject others", () => {
    expect(snapshotKeyFromIdentityUri(identityUriFor("a/b.c"))).toBe("a/b.c");
    expect(snapshotKeyFromIdentityUri(identityUriFor("mesh"))).toBe("mesh");
    expect(snapshotKeyFromIdentityUri("spiffe://switchyard/gateway/a")).toBeUndefined();
    expect(snapshotKeyFromIdentityUri("spiffe://other/gateway/a/b")).toBeUndefined();
    expect(snapshotKeyFromIdentityUri("spiffe://switchyard/gateway/a/b/c")).toBeUndefined();
  });
});

describe("Secrets", () => {
  it("holds the CA, the server and per-Gateway client certificates with unambiguous names", async () => {
    const pki = await generatePki({ gateways: ["a-b/c", "a/b-c"] });
    const secrets = pkiSecrets(pki, { namespace: "sys", proxyNamespace: "proxies" });
    const names = secrets.map((s) => s.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(clientSecretName("a-b/c"));
    expect(clientSecretName("a-b/c")).not.toBe(clientSecretName("a/b-c"));
    const server = secrets.find((s) => s.metadata.name === SERVER_SECRET_NAME)!;
    expect(server.type).toBe("kubernetes.io/tls");
    expect(server.metadata.namespace).toBe("sys");
    expect(Buffer.from(server.data["tls.crt"]!, "base64").toString()).toBe(pki.server!.cert);
    const client = secrets.find((s) => s.metadata.name === clientSecretName("a/b-c"))!;
    expect(client.metadata.namespace).toBe("proxies");
    expect(client.metadata.labels["gateway.networking.k8s.io/gateway-name"]).toBe("b-c");
    expect(Buffer.from(client.data["ca.crt"]!, "base64").toString()).toBe(pki.ca.cert);
  });

  it("keeps long names within 253 characters", () => {
    const name = clientSecretName(`ns/${"x".repeat(253)}`);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^[a-z0-9][-a-z0-9.]*[a-z0-9]$/);
  });
});

describe("runCertgen", () => {
  it("writes PEM files with private keys readable by the owner only, and refuses to overwrite", async () => {
    const dir = await mkdtemp(join(tmpdir(), "certgen-"));
    const res = await runCertgen({ output: "files", outDir: dir, gateways: ["default/eg"] });
    expect(res.written.map((p) => p.slice(dir.length + 1)).sort()).toEqual([
      "ca.crt",
      "ca.key",
      "gateways/default/eg/ca.crt",
      "gateways/default/eg/tls.crt",
      "gateways/default/eg/tls.key",
      "server/ca.crt",
      "server/tls.crt",
      "server/tls.key",
    ]);
    expect((await stat(join(dir, "ca.key"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "gateways/default/eg/tls.key"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, "gateways/default/eg/tls.crt"), "utf8")).toBe(res.pki.clients[0]!.cert);
    await expect(runCertgen({ output: "files", outDir: dir })).rejects.toThrow(/exists; pass --overwrite/);

    // Issue one more Gateway from the same CA, into the same directory.
    const more = await runCertgen({
      output: "files",
      outDir: dir,
      gateways: ["default/other"],
      server: false,
      caCertFile: join(dir, "ca.crt"),
      caKeyFile: join(dir, "ca.key"),
    });
    expect(more.written.some((p) => p.endsWith("ca.key"))).toBe(false);
    const ca = new X509Certificate(await readFile(join(dir, "ca.crt")));
    const other = new X509Certificate(await readFile(join(dir, "gateways/default/other/tls.crt")));
    expect(other.verify(ca.publicKey)).toBe(true);
  });

  it("prints Secret manifests as YAML", async () => {
    let out = "";
    const stdout = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    await runCertgen({ output: "secrets", gateways: ["default/eg"], stdout });
    const docs = YAML.parseAllDocuments(out).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => d.kind)).toEqual(["Secret", "Secret", "Secret"]);
    expect(docs.map((d) => d.metadata.name)).toContain(clientSecretName("default/eg"));
  });

  it("names the default SANs after the namespace and service", () => {
    expect(defaultServerSans("ns", "svc")).toContain("svc.ns.svc.cluster.local");
  });
});
