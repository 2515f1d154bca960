// The CRD schemas of a file, cached across starts. Parsing a CRD's YAML takes far longer than reading
// JSON, and every start of `translate` or `serve` needs the same few files. The cache lives in the user's
// cache directory (not the shared temp directory, where another user could plant an entry); one that
// cannot be read or written is only slower.
//
// Two entries per file: the schemas under the hash of the file's text (never stale), and a pointer to
// that hash under the file's identity (path, size, device, inode, mtime and ctime in ns), so a start
// whose files have not changed stats them and reads no YAML. ctime moves on every write and cannot be
// set back, so restoring an mtime does not hide an edit. A file changed so recently that a second
// write in the same timestamp tick could still go unseen gets no pointer (git's "racily clean" rule):
// it is read and hashed again next time.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type CrdSchemaList = [string, Record<string, unknown>][];

/** Timestamps tick coarsely (a kernel tick, or a second on some filesystems): newer files are not trusted by stat. */
const RACY_NS = 2_000_000_000n;

export interface CrdSchemaCacheDeps {
  /** The cache directory (default: $XDG_CACHE_HOME or ~/.cache, then switchyard/crd-schemas). */
  dir?: string;
  /** How a file's text is read (a seam for tests counting reads). */
  read?: (path: string) => string;
  /** Now, in ns since the epoch. */
  nowNs?: () => bigint;
}

export function crdCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "switchyard", "crd-schemas");
}

const digest = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 24);

/** The schemas of the CRD file at `path` as `parse` makes them from its text, cached; undefined when there is no such file. */
export function cachedCrdSchemas(path: string, parse: (text: string) => CrdSchemaList, deps: CrdSchemaCacheDeps = {}): CrdSchemaList | undefined {
  const dir = deps.dir ?? crdCacheDir();
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!st) return undefined;
  const pointer = join(dir, `file-${digest(JSON.stringify([path, st.size, st.dev, st.ino, st.mtimeNs, st.ctimeNs].map(String)))}.txt`);
  const byPointer = readJson(dir, readText(pointer));
  if (byPointer) return byPointer;
  const text = (deps.read ?? ((p: string) => readFileSync(p, "utf8")))(path);
  const hash = digest(text);
  let schemas = readJson(dir, hash);
  if (!schemas) {
    schemas = parse(text);
    writeAtomic(join(dir, `${hash}.json`), JSON.stringify(schemas));
  }
  const now = (deps.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n))();
  const newest = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
  if (now - newest > RACY_NS) writeAtomic(pointer, hash);
  return schemas;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function readJson(dir: string, hash: string | undefined): CrdSchemaList | undefined {
  if (!hash || !/^[\w-]+$/.test(hash)) return undefined;
  const text = readText(join(dir, `${hash}.json`));
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as CrdSchemaList;
  } catch {
    return undefined; // a damaged entry: parse the YAML again
  }
}

function writeAtomic(path: string, text: string): void {
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    // Written whole, then renamed: a concurrent start never reads half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch {
    // A read-only or full cache directory: parse again next time.
  }
}
