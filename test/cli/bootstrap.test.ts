import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/cli.ts";

const run = runCli;

describe("switchyard bootstrap", () => {
  it("points ADS at switchyard and names the Gateway in node.cluster", async () => {
    const r = await run(["bootstrap", "--gateway", "default/eg", "--xds-port", "18001"]);
    expect(r.code).toBe(0);
    const b = parse(r.out);
    expect(b.node).toEqual({ id: "envoy-default-eg", cluster: "default/eg" });
    expect(b.dynamicResources.adsConfig).toMatchObject({ apiType: "GRPC", transportApiVersion: "V3" });
    expect(b.dynamicResources.ldsConfig).toEqual({ ads: {}, resourceApiVersion: "V3" });
    const xds = b.staticResources.clusters.find((c: { name: string }) => c.name === "xds_cluster");
    expect(xds.loadAssignment.endpoints[0].lbEndpoints[0].endpoint.address.socketAddress).toEqual({ address: "127.0.0.1", portValue: 18001 });
  });

  it("puts Envoy's admin on 127.0.0.1:19001 by default, not switchyard's admin port 19000", async () => {
    const b = parse((await run(["bootstrap", "--gateway", "default/eg"])).out);
    expect(b.admin.address.socketAddress).toEqual({ address: "127.0.0.1", portValue: 19001 });
    const custom = parse((await run(["bootstrap", "--gateway", "default/eg", "--admin-port", "19555", "--readiness-port", "19556"])).out);
    expect(custom.admin.address.socketAddress.portValue).toBe(19555);
    expect(JSON.stringify(custom.staticResources.listeners)).toContain('"portValue":19556');
  });

  it("uses Delta xDS with --delta", async () => {
    const r = await run(["bootstrap", "-g", "ns/gw", "--delta", "-o", "json"]);
    expect(JSON.parse(r.out).dynamicResources.adsConfig.apiType).toBe("DELTA_GRPC");
  });

  it("rejects a Gateway that is not namespace/name with exit code 2", async () => {
    const r = await run(["bootstrap", "--gateway", "eg"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--gateway must be namespace/name");
  });
});

describe("switchyard CLI", () => {
  it("prints help for every command", async () => {
    for (const cmd of ["serve", "translate", "bootstrap", "certgen", "version"]) {
      const r = await run([cmd, "--help"]);
      expect(r.code, cmd).toBe(0);
      expect(r.out + r.err, cmd).toMatch(/Usage: switchyard/);
    }
  });

  it("exits 2 on an unknown command or flag", async () => {
    expect((await run(["frobnicate"])).code).toBe(2);
    const r = await run(["translate", "--nope"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--nope");
  });

  it("serve reports unreadable TLS files and kubeconfigs in one line, exit 1", async () => {
    const tls = await run(["serve", "--dir", "examples", "--xds-tls-dir", "/nonexistent", "--xds-port", "0", "--admin-port", "0"]);
    expect(tls.code).toBe(1);
    expect(tls.err).toBe("switchyard serve: --xds-tls-dir /nonexistent: ENOENT: no such file or directory, open '/nonexistent/tls.crt'\n");
    const kube = await run(["serve", "--source", "kubernetes", "--kubeconfig", "/nonexistent"]);
    expect(kube.code).toBe(1);
    expect(kube.err).toMatch(/^switchyard serve: kubeconfig: ENOENT[^\n]*\n$/);
    expect((await run(["serve", "--source", "nope"])).code).toBe(2);
  });

  it("prints its version", async () => {
    const r = await run(["version"]);
    expect(JSON.parse(r.out)).toMatchObject({ switchyard: "0.1.0", gatewayAPI: "v1.7.0" });
  });
});
