// switchyard's command line: `switchyard <command> [options]`.
// Each command's module is imported only when that command runs: `serve`
// pulls in the xDS server, the translator and the Kubernetes client, and
// loading them all costs seconds that `version` and `--help` need not pay.
// test/cli/startup.test.ts checks what `version` loads.
import { enableCompileCache } from "node:module";
import { CommandError, UsageError } from "./args.ts";
import { Writable } from "node:stream";

export const usage = `Usage: switchyard <command> [options]

A Kubernetes Gateway API control plane for Envoy.

Commands:
  serve       run the control plane (xDS server, admin server, translation loop)
  translate   translate Gateway API manifests to Envoy resources, offline
  bootstrap   print an Envoy bootstrap for one Gateway
  certgen     create the CA and certificates for mTLS between Envoy and switchyard
  version     print the version (--types: the kinds it reads)

Against a running control plane (--admin URL, default http://127.0.0.1:19000):
  status        Gateways and routes with their conditions, and every problem
  proxy-status  connected proxies: SYNCED / STALE / NACKED per resource type
  explain       which listener, route and backend a request reaches, and why
  config        one Gateway's listeners, routes, clusters or endpoints

Run 'switchyard <command> --help' for a command's options.`;

type Print = (s: string) => void;
type Command = (argv: string[], out: Print, err: Print) => number | Promise<number>;

/** certgen writes to streams (it may stream Secret manifests); adapt our printers. */
function streamOf(print: Print): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      print(chunk.toString());
      done();
    },
  });
}

const commands: Record<string, Command> = {
  serve: async (argv, out) => (await import("./serve.ts")).runServe(argv, out),
  translate: async (argv, out, err) => (await import("./translate.ts")).runTranslate(argv, out, err),
  bootstrap: async (argv, out) => (await import("./bootstrap.ts")).runBootstrap(argv, out),
  certgen: async (argv, out, err) => (await import("./certgen.ts")).certgenCommand(argv, { stdout: streamOf(out), stderr: streamOf(err) }),
  version: async (argv, out) => (await import("./version.ts")).runVersion(argv, out),
  status: async (argv, out) => (await import("./status.ts")).runStatus(argv, out),
  "proxy-status": async (argv, out) => (await import("./proxy-status.ts")).runProxyStatus(argv, out),
  explain: async (argv, out) => (await import("./explain.ts")).runExplain(argv, out),
  config: async (argv, out) => (await import("./config.ts")).runConfig(argv, out),
};

/** Runs a command line; returns the exit code. Never throws. */
export async function main(argv: string[], out: Print = (s) => void process.stdout.write(s), err: Print = (s) => void process.stderr.write(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    (name ? out : err)(usage + "\n");
    return name ? 0 : 2;
  }
  if (name === "--version") return main(["version"], out, err);
  const cmd = commands[name];
  if (!cmd) {
    err(`switchyard: unknown command ${JSON.stringify(name)} (see 'switchyard --help')\n`);
    return 2;
  }
  try {
    return await cmd(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`switchyard ${name}: ${e.message} (see 'switchyard ${name} --help')\n`);
      return 2;
    }
    if (e instanceof CommandError) {
      err(`switchyard ${name}: ${e.message}\n`);
      return 1;
    }
    // An unexpected failure: one line; the stack only when asked for (it is our bug, not the user's).
    const debug = process.env.SWITCHYARD_LOG_LEVEL === "debug" || process.env.SWITCHYARD_LOG_LEVEL === "trace";
    err(`switchyard ${name}: ${debug ? ((e as Error).stack ?? String(e)) : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  // Node strips the TypeScript types of every module on every start; its compile cache (in the OS
  // temp directory) keeps the result, which halves the start-up of translate and serve.
  enableCompileCache();
  process.exitCode = await main(process.argv.slice(2));
}
