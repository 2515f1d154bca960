// `switchyard serve` as a child process (the CLI a user runs): its pino JSON log lines as they
// come, and the ports it reports once it is serving.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

export interface LogEntry {
  msg?: string;
  [k: string]: unknown;
}

export interface ServeProcess {
  proc: ChildProcess;
  /** Every JSON log line so far, parsed. */
  entries: LogEntry[];
  /** Everything it printed, for failure messages. */
  output(): string;
  /** Resolves with the ports of "switchyard is serving"; rejects if it exits first. */
  serving: Promise<{ xdsPort: number; adminPort: number }>;
}

export function spawnServe(args: string[], env: NodeJS.ProcessEnv = process.env): ServeProcess {
  const proc = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  const entries: LogEntry[] = [];
  let output = "";
  let buf = "";
  const serving = new Promise<{ xdsPort: number; adminPort: number }>((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      buf += d.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let entry: LogEntry;
        try {
          entry = JSON.parse(line) as LogEntry;
        } catch {
          continue; // not a log line
        }
        entries.push(entry);
        if (entry.msg === "switchyard is serving") resolve({ xdsPort: Number(entry["xdsPort"]), adminPort: Number(entry["adminPort"]) });
      }
    });
    proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    proc.once("exit", (code) => reject(new Error(`switchyard serve exited (${code}) before serving:\n${output}`)));
  });
  serving.catch(() => {}); // a caller that never awaits it must not see an unhandled rejection
  return { proc, entries, output: () => output, serving };
}

/** Whether a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
