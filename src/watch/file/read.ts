// Reads one manifest file with a size limit: a file far larger than any real
// config (a log, a dump) would otherwise stall the process in the YAML parser
// for minutes, with nothing reported.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { FileError } from "./load.ts";

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** What identifies a version of a file on disk, to skip re-reading unchanged files. */
export type Fingerprint = string;

export type ReadResult =
  | { kind: "text"; text: string; fingerprint: Fingerprint }
  | { kind: "too-large"; error: FileError; fingerprint: Fingerprint }
  | { kind: "unchanged" }
  | { kind: "gone" };

/** Reads `path` (named `file` in errors), unless its fingerprint is still `known`. */
export async function readManifest(path: string, file: string, maxBytes: number, known?: Fingerprint): Promise<ReadResult> {
  let fh;
  try {
    // Non-blocking: a FIFO named *.yaml must not hang the reader (it is then not a file, below).
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (isGone(err)) return { kind: "gone" };
    throw err;
  }
  try {
    const st = await fh.stat({ bigint: true });
    if (!st.isFile()) return { kind: "gone" };
    const fingerprint = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    if (fingerprint === known) return { kind: "unchanged" };
    if (st.size > BigInt(maxBytes)) {
      return { kind: "too-large", error: tooLarge(file, Number(st.size), maxBytes), fingerprint };
    }
    return { kind: "text", text: await fh.readFile("utf8"), fingerprint };
  } finally {
    await fh.close();
  }
}

/** The error for a file over the limit, naming its size. */
export function tooLarge(file: string, size: number, maxBytes: number): FileError {
  const exact = formatSize(size).endsWith(" bytes") ? "" : ` (${size} bytes)`;
  return { file, message: `is ${formatSize(size)}${exact}, over the limit of ${formatSize(maxBytes)} per file (--max-file-size); not read` };
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
