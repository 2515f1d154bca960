// A child process of a test peer: the tail of its output (for error messages), its exit, and a stop
// that sends a signal and escalates to SIGKILL after a bound (tracked-child.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { stopChild, trackChild } from "../helpers/tracked-child.ts";

const TAIL_LINES = 40;

export class PeerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly lines: string[] = [];
  private exitCode: number | null | undefined;

  constructor(name: string, bin: string, args: string[]) {
    this.name = name;
    this.child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      for (const l of chunk.toString("utf8").split("\n")) if (l) this.lines.push(l);
      if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
    };
    this.child.stdout!.on("data", keep);
    this.child.stderr!.on("data", keep);
    this.exited = trackChild(this.child, (err) => this.lines.push(String(err))).then((code) => (this.exitCode = code));
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  tail(): string {
    return this.lines.join("\n");
  }

  /** Sends `signal`; SIGKILL if it has not exited after `boundMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", boundMs = 5_000): Promise<void> {
    if (this.running) await stopChild(this.child, this.exited, signal, boundMs);
  }
}
