// Small helpers shared by the commands: usage errors and env-var fallbacks.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A failure the command reports and exits 1 for (bad input files, unreachable peers). */
export class CommandError extends Error {}

export function parse<T extends ParseArgsConfig["options"]>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function envOr(value: string | undefined, envName: string, fallback: string): string {
  return value ?? process.env[envName] ?? fallback;
}

export function portOf(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  return n;
}

export function oneOf<const T extends readonly string[]>(value: string, allowed: T, flag: string): T[number] {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}, got ${JSON.stringify(value)}`);
  }
  return value as T[number];
}
