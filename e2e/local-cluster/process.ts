// A long-running child of the local cluster with its output in a log file, and a stop that sends a signal
// and escalates to SIGKILL after a bound.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

const live = new Set<ChildProcess>();
// If the supervisor dies without stopping, its children go with it.
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export class LoggedProcess {
  readonly name: string;
  readonly logPath: string;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private done = false;

  constructor(name: string, argv: string[], logPath: string, env: NodeJS.ProcessEnv = process.env) {
    this.name = name;
    this.logPath = logPath;
    const log = openSync(logPath, "a");
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", log, log], env });
    closeSync(log);
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null) => {
        this.done = true;
        live.delete(this.child);
        resolve(code);
      };
      this.child.once("exit", (code) => finish(code));
      this.child.once("error", () => finish(null));
    });
  }

  get running(): boolean {
    return !this.done;
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  async stop(signal: NodeJS.Signals = "SIGTERM", boundMs = 5_000): Promise<void> {
    if (this.done) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), boundMs);
    await this.exited;
    clearTimeout(timer);
  }
}
