// certgen against a cluster, through an in-memory ObjectClient: the CA is made
// once and reused, and only missing, foreign or expiring certificates are issued.
import { X509Certificate } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { applyPki, ensureClientSecret } from "../../src/infra/certgen-apply.ts";
import { CA_SECRET_NAME, clientSecretName, SERVER_SECRET_NAME } from "../../src/infra/certgen.ts";
import type { ObjectClient } from "../../src/infra/provision/object-client.ts";

function memoryClient() {
  const store = new Map<string, KubernetesObject>();
  const key = (ns: string | undefined, name: string | undefined) => `${ns}/${name}`;
  const applies: string[] = [];
  const client: ObjectClient = {
    async apply(obj) {
      store.set(key(obj.metadata?.namespace, obj.metadata?.name), structuredClone(obj));
      applies.push(key(obj.metadata?.namespace, obj.metadata?.name));
      return obj;
    },
    async list() {
      return [...store.values()];
    },
    async read(_v, _k, ns, name) {
      return store.get(key(ns, name));
    },
    async delete(_v, _k, ns, name) {
      store.delete(key(ns, name));
    },
  };
  return { client, store, applies };
}

const certOf = (o: KubernetesObject | undefined) => {
  const data = (o as { data?: Record<string, string> } | undefined)?.data;
  return new X509Certificate(Buffer.from(data?.["tls.crt"] ?? "", "base64"));
};

describe("applyPki", () => {
  it("creates the CA, server and client Secrets once; a second run applies nothing", async () => {
    const m = memoryClient();
    const first = await applyPki(m.client, { namespace: "sys", gateways: ["default/eg"] });
    expect(first.sort()).toEqual([`sys/${clientSecretName("default/eg")}`, `sys/${CA_SECRET_NAME}`, `sys/${SERVER_SECRET_NAME}`].sort());
    expect(await applyPki(m.client, { namespace: "sys", gateways: ["default/eg"] })).toEqual([]);
  });

  it("adds a Gateway later with the same CA", async () => {
    const m = memoryClient();
    await applyPki(m.client, { namespace: "sys", gateways: ["default/a"] });
    const ca = m.store.get(`sys/${CA_SECRET_NAME}`);
    const applied = await ensureClientSecret(m.client, "default/b", { namespace: "sys", proxyNamespace: "proxies" });
    expect(applied).toEqual([`proxies/${clientSecretName("default/b")}`]);
    expect(m.store.get(`sys/${CA_SECRET_NAME}`)).toEqual(ca);
    const caCert = new X509Certificate(Buffer.from((ca as unknown as { data: Record<string, string> }).data["ca.crt"]!, "base64"));
    const b = certOf(m.store.get(`proxies/${clientSecretName("default/b")}`));
    expect(b.verify(caCert.publicKey)).toBe(true);
    expect(b.subjectAltName).toBe("URI:spiffe://switchyard/gateway/default/b");
  });

  it("reissues a certificate that expires within 30 days", async () => {
    const m = memoryClient();
    await applyPki(m.client, { namespace: "sys", gateways: ["default/eg"], validityDays: 10 });
    const name = `sys/${clientSecretName("default/eg")}`;
    const before = certOf(m.store.get(name)).serialNumber;
    const again = await applyPki(m.client, { namespace: "sys", gateways: ["default/eg"] });
    expect(again).toContain(name);
    expect(again).toContain(`sys/${SERVER_SECRET_NAME}`);
    expect(certOf(m.store.get(name)).serialNumber).not.toBe(before);
    expect(await applyPki(m.client, { namespace: "sys", gateways: ["default/eg"] })).toEqual([]);
  });
});
