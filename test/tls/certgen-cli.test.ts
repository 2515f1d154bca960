import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { certgenCommand, parseCertgenArgs } from "../../src/cli/certgen.ts";

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += String(c)));
  stderr.on("data", (c) => (err += String(c)));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

describe("certgen CLI", () => {
  it("parses repeatable flags", () => {
    const o = parseCertgenArgs(["--gateway", "a/b", "--gateway", "c/d", "--san", "x.example", "--key-type", "rsa", "--days", "30", "--no-server", "--out-dir", "x"]);
    expect(o).toMatchObject({ gateways: ["a/b", "c/d"], serverSans: ["x.example"], keyAlgorithm: "rsa-2048", validityDays: 30, server: false, output: "files" });
  });

  it("parses --apply", () => {
    expect(parseCertgenArgs(["--apply", "--gateway", "a/b", "--namespace", "sys"])).toMatchObject({ apply: true, gateways: ["a/b"], namespace: "sys" });
  });

  it("rejects bad flags in one line with exit code 2", async () => {
    for (const argv of [["--output", "pem"], ["--days", "0"], ["--key-type", "dsa"], ["--bogus"], ["--apply", "--out-dir", "x"], [], ["--out-dir", "x", "--ca-cert", "ca.crt"]]) {
      const t = io();
      expect(await certgenCommand(argv, t.io), argv.join(" ")).toBe(2);
      expect(t.err()).toMatch(/^switchyard certgen: [^\n]* \(see 'switchyard certgen --help'\)\n$/);
    }
  });

  it("rejects a bad Gateway key as a usage error and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "certgen-cli-"));
    const t = io();
    expect(await certgenCommand(["--out-dir", dir, "--gateway", "nope"], t.io)).toBe(2);
    expect(t.err()).toMatch(/not a Gateway key/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("writes files and reports them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "certgen-cli-"));
    const t = io();
    expect(await certgenCommand(["--out-dir", dir, "--gateway", "default/eg"], t.io)).toBe(0);
    expect(t.err()).toContain(`wrote ${join(dir, "gateways/default/eg/tls.crt")}`);
    expect((await readdir(dir)).sort()).toEqual(["ca.crt", "ca.key", "gateways", "server"]);
  });
});
