// The mTLS credentials and identity check on a real grpc-js server over
// 127.0.0.1, with a minimal unary service that echoes back the decision.
import * as grpc from "@grpc/grpc-js";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePki, type Pki } from "../../src/infra/certgen.ts";
import {
  authorizeSnapshotAccess,
  xdsServerCredentials,
  xdsServerCredentialsFromFiles,
} from "../../src/xds/tls-credentials.ts";

const raw = (b: Buffer) => b;
const whoamiDef: grpc.ServiceDefinition = {
  whoami: {
    path: "/switchyard.test.Identity/WhoAmI",
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};
const Client = grpc.makeGenericClientConstructor(whoamiDef, "Identity");

/** A server whose only RPC authorizes the claimed snapshot key sent as the request body. */
async function startServer(creds: grpc.ServerCredentials): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(whoamiDef, {
    whoami: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const res = authorizeSnapshotAccess(call.getAuthContext(), call.request.toString(), true);
      if (res.ok) cb(null, Buffer.from(`ok ${res.identity}`));
      else cb({ code: res.code, details: res.message });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}

function call(port: number, creds: grpc.ChannelCredentials, claimed: string): Promise<string> {
  const client = new Client(`127.0.0.1:${port}`, creds, { "grpc.ssl_target_name_override": "localhost" }) as unknown as grpc.Client & {
    whoami(req: Buffer, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): void;
  };
  return new Promise<string>((resolve, reject) => {
    client.whoami(Buffer.from(claimed), { deadline: Date.now() + 10_000 }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(String(res));
    });
  }).finally(() => client.close());
}

let pki: Pki;
let otherCa: Pki;
let server: grpc.Server;
let port: number;

beforeAll(async () => {
  pki = await generatePki({ gateways: ["default/a", "default/b"], mesh: true });
  otherCa = await generatePki({ gateways: ["default/a"], server: false });
  ({ server, port } = await startServer(xdsServerCredentials({ ...pki.server!, ca: pki.ca.cert })));
});
afterAll(() => server?.forceShutdown());

const clientCreds = (ca: string, c?: { cert: string; key: string }) =>
  c
    ? grpc.credentials.createSsl(Buffer.from(ca), Buffer.from(c.key), Buffer.from(c.cert))
    : grpc.credentials.createSsl(Buffer.from(ca));

describe("mTLS xDS credentials", () => {
  it("serves a client whose certificate names the snapshot it claims", async () => {
    const a = pki.clients.find((c) => c.snapshotKey === "default/a")!;
    expect(await call(port, clientCreds(pki.ca.cert, a), "default/a")).toBe("ok default/a");
    const mesh = pki.clients.find((c) => c.snapshotKey === "mesh")!;
    expect(await call(port, clientCreds(pki.ca.cert, mesh), "mesh")).toBe("ok mesh");
  });

  it("refuses a client without a certificate at the handshake", async () => {
    await expect(call(port, clientCreds(pki.ca.cert), "default/a")).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it("refuses a certificate from another CA at the handshake", async () => {
    const foreign = otherCa.clients[0]!;
    await expect(call(port, clientCreds(pki.ca.cert, foreign), "default/a")).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });

  it("refuses a valid certificate for Gateway A claiming Gateway B", async () => {
    const a = pki.clients.find((c) => c.snapshotKey === "default/a")!;
    await expect(call(port, clientCreds(pki.ca.cert, a), "default/b")).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining('for "default/a", not node.cluster "default/b"'),
    });
  });

  it("refuses the server certificate used as a client certificate (no switchyard identity)", async () => {
    // Its EKU is serverAuth only, so the handshake itself rejects it.
    await expect(call(port, clientCreds(pki.ca.cert, pki.server!), "default/a")).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });

  it("loads credentials from certgen's files, also with file watching", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xds-tls-"));
    await writeFile(join(dir, "tls.crt"), pki.server!.cert);
    await writeFile(join(dir, "tls.key"), pki.server!.key);
    await writeFile(join(dir, "ca.crt"), pki.ca.cert);
    const files = { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key"), caFile: join(dir, "ca.crt") };
    const b = pki.clients.find((c) => c.snapshotKey === "default/b")!;
    for (const refreshIntervalMs of [0, 60_000]) {
      const s = await startServer(await xdsServerCredentialsFromFiles({ ...files, refreshIntervalMs }));
      try {
        expect(await call(s.port, clientCreds(pki.ca.cert, b), "default/b")).toBe("ok default/b");
        await expect(call(s.port, clientCreds(pki.ca.cert), "default/b")).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      } finally {
        s.server.forceShutdown();
      }
    }
    await expect(xdsServerCredentialsFromFiles({ ...files, caFile: join(dir, "missing.crt") })).rejects.toThrow(/ENOENT/);
  });
});

describe("authorizeSnapshotAccess", () => {
  it("allows anyone when client certificates are not required", () => {
    expect(authorizeSnapshotAccess(null, "default/a", false)).toEqual({ ok: true });
  });
  it("refuses a plaintext peer when they are", () => {
    expect(authorizeSnapshotAccess({}, "default/a", true)).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
  });
});
