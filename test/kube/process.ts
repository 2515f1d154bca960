// A child process of a test peer: the tail of its output (for error messages), its exit, and a stop
// that sends a signal and escalates to SIGKILL after a bound.
import { spawn, type ChildProcess } from "node:child_process";

const TAIL_LINES = 40;
const live = new Set<ChildProcess>();
// If the test worker dies without afterAll, take the peers down with it.
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export class PeerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly lines: string[] = [];
  private exitCode: number | null | undefined;

  constructor(name: string, bin: string, args: string[]) {
    this.name = name;
    this.child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    live.add(this.child);
    const keep = (chunk: Buffer) => {
      for (const l of chunk.toString("utf8").split("\n")) if (l) this.lines.push(l);
      if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
    };
    this.child.stdout!.on("data", keep);
    this.child.stderr!.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        live.delete(this.child);
        this.exitCode = code ?? (signal ? null : code);
        resolve(this.exitCode);
      });
      this.child.once("error", (err) => {
        this.lines.push(String(err));
        live.delete(this.child);
        this.exitCode = null;
        resolve(null);
      });
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  tail(): string {
    return this.lines.join("\n");
  }

  /** Sends `signal`; SIGKILL if it has not exited after `boundMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", boundMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    if (signal === "SIGKILL") {
      await this.exited;
      return;
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), boundMs);
    await this.exited;
    clearTimeout(timer);
  }
}
