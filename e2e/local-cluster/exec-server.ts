// The kubelet's `exec` endpoint (POST /exec/<namespace>/<pod>/<container>?command=…&output=1&error=1…),
// which the API server reaches for `kubectl exec` and the mesh conformance tests (they exec the echo
// client in a Pod and read its output). The API server passes client-go's SPDY upgrade through to the
// kubelet unchanged and translates kubectl's WebSockets to SPDY (this node does not declare
// ExtendWebSocketsToKubelet), so SPDY/3.1 with the v4 remote command protocol is the one to serve: the
// client opens an error stream and one per stdio stream it asked for; the command's output goes on
// stdout/stderr, and its end as a metav1.Status on the error stream (Success, or Failure with the
// NonZeroExitCode reason and the exit code as a cause).
import { spawn } from "node:child_process";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { SpdySession, type Headers } from "./spdy.ts";

/** What to run for an exec: the argv (already inside the Pod's namespaces) and its environment. */
export type ExecPlan = { argv: string[]; env: Record<string, string> } | { error: string; status?: number };
export type ExecLookup = (namespace: string, pod: string, container: string, command: string[]) => Promise<ExecPlan>;

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const STREAMS_TIMEOUT_MS = 30_000;

/** Handles an upgrade request to /exec/…; returns false if the path is not an exec. */
export function handleExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, lookup: ExecLookup): boolean {
  const url = new URL(req.url ?? "/", "https://node");
  const m = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (!m) return false;
  const refuse = (status: number, message: string) => {
    socket.end(`HTTP/1.1 ${status} ${status === 400 ? "Bad Request" : status === 404 ? "Not Found" : "Forbidden"}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    return true;
  };
  if (!/(^|,)\s*spdy\/3\.1\s*(,|$)/i.test(req.headers.upgrade ?? "")) return refuse(400, "only SPDY/3.1 upgrades are served\n");
  const offered = String(req.headers["x-stream-protocol-version"] ?? "").split(",").map((s) => s.trim());
  const protocol = PROTOCOLS.find((p) => offered.includes(p));
  if (!protocol) return refuse(403, `no common stream protocol: offered ${offered.join(", ") || "none"}, served ${PROTOCOLS.join(", ")}\n`);
  const q = url.searchParams;
  const command = q.getAll("command");
  if (command.length === 0) return refuse(400, "no command\n");
  const tty = q.get("tty") === "1";
  const want = { stdin: q.get("input") === "1", stdout: q.get("output") === "1", stderr: q.get("error") === "1" && !tty };
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  new ExecSession(socket, head, want, () => lookup(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!), command));
  return true;
}

class ExecSession {
  private readonly spdy: SpdySession;
  private readonly ids = new Map<string, number>();
  private readonly want: { stdin: boolean; stdout: boolean; stderr: boolean };
  private readonly plan: () => Promise<ExecPlan>;
  private started = false;
  private stdinQueue: Buffer[] = [];
  private stdinEnded = false;
  private onStdin: ((b: Buffer | null) => void) | undefined;
  private kill: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(socket: Duplex, head: Buffer, want: ExecSession["want"], plan: () => Promise<ExecPlan>) {
    this.want = want;
    this.plan = plan;
    this.spdy = new SpdySession(socket, { stream: (id, h) => this.stream(id, h), data: (id, d, fin) => this.data(id, d, fin), closed: (id) => this.closed(id) }, head);
    this.timer = setTimeout(() => this.spdy.end(), STREAMS_TIMEOUT_MS);
  }

  private stream(id: number, headers: Headers): void {
    const type = headers["streamtype"]?.[0] ?? "";
    if (!["error", "stdin", "stdout", "stderr", "resize"].includes(type)) return this.spdy.reset(id);
    this.ids.set(type, id);
    this.spdy.accept(id);
    const ready = this.ids.has("error") && (!this.want.stdin || this.ids.has("stdin")) && (!this.want.stdout || this.ids.has("stdout")) && (!this.want.stderr || this.ids.has("stderr"));
    if (ready && !this.started) {
      this.started = true;
      clearTimeout(this.timer);
      void this.run();
    }
  }

  private data(id: number, data: Buffer, fin: boolean): void {
    if (id !== this.ids.get("stdin")) return; // resize messages: there is no TTY to resize
    if (data.length) this.onStdin ? this.onStdin(data) : this.stdinQueue.push(data);
    if (fin) {
      this.stdinEnded = true;
      this.onStdin?.(null);
    }
  }

  private closed(id: number): void {
    if (id === 0) this.kill?.();
  }

  private async run(): Promise<void> {
    const plan = await this.plan().catch((err: unknown) => ({ error: (err as Error).message }));
    if ("error" in plan) return this.finish({ metadata: {}, status: "Failure", message: plan.error, reason: "InternalError", code: 500 });
    const child = spawn(plan.argv[0]!, plan.argv.slice(1), { env: plan.env, stdio: [this.want.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
    this.kill = () => child.kill("SIGKILL");
    if (child.stdin) {
      const stdin = child.stdin;
      stdin.on("error", () => undefined);
      this.onStdin = (b) => (b ? stdin.write(b) : stdin.end());
      for (const b of this.stdinQueue) stdin.write(b);
      this.stdinQueue = [];
      if (this.stdinEnded) stdin.end();
    }
    const out = this.ids.get("stdout");
    const err = this.ids.get("stderr") ?? out; // with a TTY, stderr goes where stdout goes
    child.stdout!.on("data", (b: Buffer) => out !== undefined && this.spdy.write(out, b));
    child.stderr!.on("data", (b: Buffer) => err !== undefined && this.spdy.write(err, b));
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { spawnError: string }>((resolve) => {
      child.once("error", (e) => resolve({ spawnError: e.message }));
      child.once("close", (code, signal) => resolve({ code, signal }));
    });
    if ("spawnError" in result) return this.finish({ metadata: {}, status: "Failure", message: `exec failed: ${result.spawnError}`, reason: "InternalError", code: 500 });
    const code = result.code ?? 128 + 9;
    if (code === 0) return this.finish({ metadata: {}, status: "Success" });
    this.finish({
      metadata: {},
      status: "Failure",
      message: `command terminated with non-zero exit code: exit status ${code}`,
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: String(code) }] },
    });
  }

  /** Closes the output streams, then sends the status on the error stream and closes the connection. */
  private finish(status: object): void {
    for (const t of ["stdout", "stderr"]) {
      const id = this.ids.get(t);
      if (id !== undefined) this.spdy.write(id, Buffer.alloc(0), true);
    }
    this.spdy.write(this.ids.get("error")!, Buffer.from(JSON.stringify(status)), true);
    this.spdy.end();
  }
}
