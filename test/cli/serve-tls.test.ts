// `serve --xds-tls-dir`: xDS over mTLS, where a proxy's client certificate
// decides which Gateway's snapshot it may read.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPE_URL } from "../../src/api/xds.ts";
import { runCertgen } from "../../src/infra/certgen.ts";
import { adsClient, request } from "../helpers/proto-ads-client.ts";

let pki: string;
let child: ChildProcess;
let xdsPort = 0;

beforeAll(async () => {
  pki = mkdtempSync(join(tmpdir(), "switchyard-pki-"));
  await runCertgen({ output: "files", outDir: pki, gateways: ["default/eg", "default/other"] });
  child = spawn(process.execPath, ["src/cli/main.ts", "serve", "--dir", "examples", "--xds-port", "0", "--admin-port", "0", "--xds-tls-dir", join(pki, "server")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg: string; xdsPort: number };
    if (entry.msg === "switchyard is serving") {
      xdsPort = entry.xdsPort;
      break;
    }
  }
});

afterAll(() => {
  child?.kill("SIGTERM");
});

function credsFor(gateway: string): grpc.ChannelCredentials {
  const dir = join(pki, "gateways", gateway);
  return grpc.credentials.createSsl(readFileSync(join(pki, "ca.crt")), readFileSync(join(dir, "tls.key")), readFileSync(join(dir, "tls.crt")));
}

async function listenersFor(claimed: string, creds: grpc.ChannelCredentials) {
  const client = adsClient(`127.0.0.1:${xdsPort}`, creds);
  const stream = client.stream();
  try {
    return await request(stream, { node: { id: "p", cluster: claimed }, type_url: TYPE_URL.listener });
  } finally {
    stream.cancel();
    client.close();
  }
}

describe("serve --xds-tls-dir", () => {
  it("serves a proxy whose certificate names its Gateway", async () => {
    const res = await listenersFor("default/eg", credsFor("default/eg"));
    expect(res.resources).toHaveLength(1);
  });

  it("refuses a valid certificate of another Gateway", async () => {
    await expect(listenersFor("default/eg", credsFor("default/other"))).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });

  it("refuses a client without a certificate", async () => {
    const noCert = grpc.credentials.createSsl(readFileSync(join(pki, "ca.crt")));
    await expect(listenersFor("default/eg", noCert)).rejects.toBeDefined();
  });
});
