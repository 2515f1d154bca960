// A NACK from a real Envoy is visible and contained: `switchyard serve`'s control
// plane serves a Gateway to Envoy; then a RouteConfiguration that Envoy refuses
// (two virtual hosts for `*`: the translator never emits it and validation would
// withhold it, so validation is off here) is put in the cache by hand. Envoy
// NACKs it and keeps its previous routes; the NACK shows in /api/errors with the
// resource name and Envoy's message, the Gateway and its listener turn
// Programmed=False, and the listener and clusters stay ACKed. Serving the good
// table again clears all of it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Condition } from "../../src/api/meta.ts";
import { TYPE_URL, type XdsResources } from "../../src/api/xds.ts";
import type { ControlPlane } from "../../src/controller/run.ts";
import { RouteConfigurationSchema } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { bootstrapJson } from "../../src/infra/bootstrap.ts";
import { noValidation } from "../../src/xds/cache.ts";
import { freePorts } from "../helpers/free-ports.ts";
import type { AckEvent } from "../../src/xds/server.ts";
import { BASE, httpRoute } from "../translator/tls-helpers.ts";
import { describeEnvoy } from "./peer.ts";
import { startFilePlane } from "../helpers/file-plane.ts";

describeEnvoy("a NACK from a real Envoy", (envoy) => {
  let dir: string;
  let plane: ControlPlane;
  let proxy: ChildProcess | undefined;
  let envoyAdmin = 0;
  const events: AckEvent[] = [];
  const waiters: { test: (e: AckEvent) => boolean; resolve: () => void }[] = [];
  const next = (test: (e: AckEvent) => boolean) => new Promise<void>((resolve) => waiters.push({ test, resolve }));
  const RDS = TYPE_URL.route;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-nack-"));
    const [httpPort = 0, adminPort = 0, readyPort = 0] = await freePorts(3);
    envoyAdmin = adminPort;
    writeFileSync(
      join(dir, "all.yaml"),
      [
        BASE,
        `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: default, generation: 1}
spec:
  gatewayClassName: switchyard
  listeners: [{name: http, port: ${httpPort}, protocol: HTTP}]
`,
        httpRoute(8080),
      ].join("\n---\n"),
    );
    ({ plane } = await startFilePlane(dir, { validate: noValidation }));
    plane.xds.onAck((e) => {
      events.push(e);
      for (const w of waiters.splice(0)) (w.test(e) ? w.resolve : () => waiters.push(w))();
    });
    const boot = join(dir, "envoy.json");
    writeFileSync(boot, JSON.stringify(bootstrapJson({ gateway: "default/eg", xdsHost: "127.0.0.1", xdsPort: plane.xdsPort, adminPort, readinessPort: readyPort })));
    const routesAcked = next((e) => e.kind === "ack" && e.typeUrl === RDS);
    proxy = spawn(envoy, ["-c", boot, "--base-id", String(200 + (process.pid % 500)), "-l", "error"], { stdio: "ignore" });
    await routesAcked;
  }, 60_000);

  afterAll(async () => {
    proxy?.kill();
    await plane?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (path: string) => (await fetch(`http://127.0.0.1:${plane.adminPort}${path}`)).json() as Promise<unknown>;
  const gatewayStatus = () => {
    const s = plane.statuses.all().find((u) => u.kind === "Gateway" && u.target.name === "eg");
    if (s?.kind !== "Gateway") throw new Error("no Gateway status");
    return s.status;
  };
  const programmed = (cs: readonly Condition[] | undefined) => cs?.find((c) => c.type === "Programmed");

  it("is listed with Envoy's reason, sets Programmed=False, and the rest stays served", { timeout: 60_000 }, async () => {
    const good = plane.cache.getSnapshot("default/eg")!.resources;
    const rc = good.routes[0]!;
    const vh = rc.virtualHosts[0]!;
    const bad: XdsResources = { ...good, routes: [create(RouteConfigurationSchema, { ...rc, virtualHosts: [vh, { ...vh, name: `${vh.name}/copy` }] })] };
    const nacked = next((e) => e.kind === "nack" && e.typeUrl === RDS);
    plane.cache.setSnapshot("default/eg", bad);
    await nacked;

    const errors = (await admin("/api/errors")) as { kind?: string; resources?: string[]; message?: string; snapshot?: string; typeUrl?: string }[];
    expect(errors).toMatchObject([{ kind: "nack", snapshot: "default/eg", typeUrl: RDS, resources: [rc.name], message: expect.stringContaining("Only a single wildcard domain is permitted") }]);
    expect(programmed(gatewayStatus().conditions)).toMatchObject({ status: "False", reason: "Invalid", message: expect.stringContaining(`rejected route ${rc.name}`) });
    expect(programmed(gatewayStatus().listeners?.[0]?.conditions)).toMatchObject({ status: "False", reason: "Invalid" });
    // The listener and clusters were ACKed and are not NACKed since; the node shows the RDS NACK.
    const nodes = (await admin("/api/nodes")) as { types: { typeUrl: string; lastAckedVersion?: string; nackMessage?: string }[] }[];
    const types = Object.fromEntries(nodes[0]!.types.map((t) => [t.typeUrl, t]));
    expect(types[TYPE_URL.listener]).toMatchObject({ lastAckedVersion: expect.any(String) });
    expect(types[TYPE_URL.listener]?.nackMessage).toBeUndefined();
    expect(types[TYPE_URL.cluster]?.nackMessage).toBeUndefined();
    expect(types[RDS]?.nackMessage).toContain("Only a single wildcard domain");
    expect(events.filter((e) => e.kind === "nack").map((e) => e.typeUrl)).toEqual([RDS]);
    // Envoy kept the previous, good route table.
    const dump = (await (await fetch(`http://127.0.0.1:${envoyAdmin}/config_dump?resource=dynamic_route_configs`)).json()) as {
      configs: { route_config: { name: string; virtual_hosts: unknown[] } }[];
    };
    expect(dump.configs.map((c) => [c.route_config.name, c.route_config.virtual_hosts.length])).toEqual([[rc.name, 1]]);

    const acked = next((e) => e.kind === "ack" && e.typeUrl === RDS);
    plane.cache.setSnapshot("default/eg", good);
    await acked;
    expect(await admin("/api/errors")).toEqual([]);
    expect(programmed(gatewayStatus().conditions)).toMatchObject({ status: "True" });
    expect(programmed(gatewayStatus().listeners?.[0]?.conditions)).toMatchObject({ status: "True" });
  });
});
