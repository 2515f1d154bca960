// KubeClient over TLS: it authenticates with the kubeconfig (CA, bearer token)
// through client-node's transport, and reuses one connection pool instead of
// paying a TLS handshake per request as client-node would.
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, expect, it } from "vitest";
import { generatePki } from "../../../src/infra/certgen.ts";
import { KubeApiError, KubeClient } from "../../../src/watch/kubernetes/kube-http.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

it("authenticates with the kubeconfig's CA and token, and reuses its TLS connections (client-node alone makes one per request)", async () => {
  const pki = await generatePki({ serverSans: ["127.0.0.1"] });
  let handshakes = 0;
  const auth: (string | undefined)[] = [];
  server = createServer({ cert: pki.server!.cert, key: pki.server!.key }, (req, res) => {
    auth.push(req.headers.authorization);
    const ok = req.url === "/api/v1/namespaces/default";
    res.writeHead(ok ? 200 : 404, { "Content-Type": "application/json" });
    res.end(JSON.stringify(ok ? { kind: "Namespace", metadata: { name: "default" } } : { kind: "Status", reason: "NotFound", message: "nope", code: 404 }));
  });
  server.on("secureConnection", () => handshakes++);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `https://127.0.0.1:${port}`, caData: Buffer.from(pki.ca.cert).toString("base64") }],
    users: [{ name: "u", token: "secret-token" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const client = new KubeClient(kc);
  for (let i = 0; i < 5; i++) {
    expect(await client.json({ method: "GET", path: "/api/v1/namespaces/default" })).toMatchObject({ metadata: { name: "default" } });
  }
  const err = await client.json({ method: "GET", path: "/api/v1/namespaces/missing" }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KubeApiError);
  expect((err as KubeApiError).statusCode).toBe(404);
  expect((err as KubeApiError).reason).toBe("NotFound");
  expect(auth.every((a) => a === "Bearer secret-token")).toBe(true);
  // undici's fetch may open a second connection while the first is being released; never one per request.
  expect(handshakes).toBeLessThanOrEqual(2);
});
