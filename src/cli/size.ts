// Parses sizes given on the command line: bytes, or with a binary suffix.
import { UsageError } from "./args.ts";

const UNITS: Record<string, number> = { "": 1, k: 1024, ki: 1024, kib: 1024, m: 1024 ** 2, mi: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gi: 1024 ** 3, gib: 1024 ** 3 };

/** `16Mi`, `16MiB`, `512k`, `1048576` -> bytes. */
export function sizeOf(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new UsageError(`${flag} must be a size in bytes, optionally with Ki, Mi or Gi (e.g. 16Mi), got ${JSON.stringify(value)}`);
  }
  return Math.floor(Number(m[1]) * unit);
}
