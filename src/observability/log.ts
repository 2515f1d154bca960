// One pino logger for the process; components take a child with their name.
// On a terminal the lines are pretty-printed (pino-pretty); anywhere else (a pipe, a file,
// a container log) they are JSON, one object per line, for machines.
import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  level?: string;
  /** Where JSON goes; given, the format is JSON unless `format` is pretty. */
  destination?: NodeJS.WritableStream;
  /** auto (default): pretty when stdout is a terminal, else JSON. */
  format?: LogFormat;
}

/** pino-pretty, loaded only when a terminal shows the log: JSON output needs none of it. */
function prettyStream(destination: NodeJS.WritableStream | undefined): DestinationStream {
  const require = createRequire(import.meta.url);
  const pretty = require("pino-pretty") as (o: object) => DestinationStream;
  return pretty({ colorize: destination === undefined && process.stdout.isTTY === true, sync: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname", ...(destination ? { destination } : {}) });
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.SWITCHYARD_LOG_LEVEL ?? "info";
  const format = opts.format ?? (process.env.SWITCHYARD_LOG_FORMAT as LogFormat | undefined) ?? "auto";
  const pretty = format === "pretty" || (format === "auto" && opts.destination === undefined && process.stdout.isTTY === true);
  if (pretty) return pino({ level }, prettyStream(opts.destination));
  return opts.destination ? pino({ level }, opts.destination) : pino({ level });
}

/** A logger that drops everything; for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
