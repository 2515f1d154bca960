// One pino logger for the process; components take a child with their name.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.SWITCHYARD_LOG_LEVEL ?? "info";
  return opts.destination ? pino({ level }, opts.destination) : pino({ level });
}

/** A logger that drops everything; for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
