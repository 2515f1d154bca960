// A long-running child of the local cluster with its output in a log file, and a stop that sends a signal
// and escalates to SIGKILL after a bound (tracked-child.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { stopChild, trackChild } from "../../test/helpers/tracked-child.ts";

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
    this.exited = trackChild(this.child).then((code) => {
      this.done = true;
      return code;
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
    if (!this.done) await stopChild(this.child, this.exited, signal, boundMs);
  }
}
