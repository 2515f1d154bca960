// A real Envoy process serving a static config, for tests that send it traffic: ephemeral admin
// and listener ports (found through the admin API, never guessed), no hot-restart shared memory,
// so it can run beside other Envoys on the machine.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { until } from "./harness.ts";

export interface LiveEnvoy {
  /** Bound port of each listener, by listener name. */
  ports: Map<string, number>;
  stop(): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(port: number, path: string, host = "svc"): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}


/**
 * Starts Envoy on `config` after moving its admin and every listener to port 0 (listeners keep
 * their names). Resolves once every listener is bound.
 */
export async function startEnvoy(envoy: string, config: JsonObject): Promise<LiveEnvoy> {
  const dir = mkdtempSync(join(tmpdir(), "envoy-live-"));
  const cfg = structuredClone(config) as JsonObject & { staticResources: { listeners: JsonObject[] } };
  cfg["admin"] = { address: { socketAddress: { address: "127.0.0.1", portValue: 0 } } };
  for (const l of cfg.staticResources.listeners) {
    const sa = (l["address"] as { socketAddress?: JsonObject } | undefined)?.socketAddress;
    if (sa) sa["portValue"] = 0;
  }
  const file = join(dir, "envoy.json");
  const adminFile = join(dir, "admin");
  writeFileSync(file, JSON.stringify(cfg));
  let log = "";
  const child: ChildProcess = spawn(envoy, ["-c", file, "--disable-hot-restart", "--admin-address-path", adminFile, "-l", "warn", "--concurrency", "1"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const admin = await until(
      "the admin address",
      async () => {
        if (child.exitCode !== null) throw new Error(`envoy exited: ${log.slice(-2000)}`);
        return existsSync(adminFile) && readFileSync(adminFile, "utf8").includes(":") ? readFileSync(adminFile, "utf8").trim() : undefined;
      },
      20_000,
    );
    const adminPort = Number(admin.split(":").pop());
    const want = cfg.staticResources.listeners.length;
    const ports = await until(
      "the listeners",
      async () => {
        const a = await httpGet(adminPort, "/listeners?format=json", "admin");
        const list = (JSON.parse(a.body) as { listener_statuses?: { name: string; local_address?: { socket_address?: { port_value?: number } } }[] }).listener_statuses ?? [];
        const m = new Map<string, number>();
        for (const l of list) if (l.local_address?.socket_address?.port_value) m.set(l.name, l.local_address.socket_address.port_value);
        return m.size === want ? m : undefined;
      },
      20_000,
    );
    return { ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
