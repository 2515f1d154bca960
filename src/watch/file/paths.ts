// Which paths below the config directory are manifests. Hidden entries are
// skipped: editors' temporary and lock files (.#x.yaml, .x.yaml.swp) and the
// ..data / ..2026_01_01 directories of a mounted ConfigMap, which would
// otherwise be read twice.
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const MANIFEST = /\.ya?ml$/;

/** `rel` is relative to the config directory, with the platform's separator. */
export function isHidden(rel: string): boolean {
  return rel.split(sep).some((seg) => seg.startsWith(".") && seg !== "." && seg !== "..");
}

export function isManifest(rel: string): boolean {
  return MANIFEST.test(rel) && !isHidden(rel);
}

/** Every manifest below `dir` (absolute paths, sorted); throws when `dir` cannot be read. */
export async function listManifests(root: string, dir = root): Promise<string[]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  return names
    .filter((d) => d.isFile() || d.isSymbolicLink())
    .map((d) => join(d.parentPath, d.name))
    .filter((p) => isManifest(relative(root, p)))
    .sort();
}

/** Fails with one line naming the directory when it is missing, not a directory, or unreadable. */
export async function checkConfigDir(dir: string): Promise<void> {
  try {
    await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "does not exist"
      : code === "ENOTDIR" ? "is not a directory"
      : code === "EACCES" || code === "EPERM" ? "is not readable (permission denied)"
      : (err as Error).message;
    throw new Error(`config directory ${dir} ${why}`);
  }
}
