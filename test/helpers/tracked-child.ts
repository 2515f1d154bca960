// Long-running children of a test worker or of the local cluster: killed when this process exits without
// having stopped them, and stopped with a signal that escalates to SIGKILL after a bound.
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/** Follows `child` until it exits; resolves with its exit code (null: ended by a signal, or it never started). */
export function trackChild(child: ChildProcess, onError?: (err: Error) => void): Promise<number | null> {
  live.add(child);
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      live.delete(child);
      resolve(code);
    });
    child.once("error", (err) => {
      onError?.(err);
      live.delete(child);
      resolve(null);
    });
  });
}

/** Sends `signal`; SIGKILL if `exited` has not resolved after `boundMs`. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, signal: NodeJS.Signals = "SIGTERM", boundMs = 5_000): Promise<void> {
  child.kill(signal);
  if (signal === "SIGKILL") {
    await exited;
    return;
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), boundMs);
  await exited;
  clearTimeout(timer);
}
