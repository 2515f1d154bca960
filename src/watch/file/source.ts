// The file source: a directory of multi-document YAML, watched for changes.
// A file that fails to parse or validate keeps contributing its last good
// objects, so one bad edit never takes config away from the proxies. Only
// the files that changed are read and parsed again; the others keep their
// parsed objects.
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { buildResourceSet, EMPTY_RESOURCE_SET, objectKey, type Kind, type ResourceSet } from "../../api/resource-set.ts";
import type { K8sObject } from "../../api/meta.ts";
import type { Logger } from "../../observability/log.ts";
import type { Source, SourceChange } from "../source.ts";
import { formatFileError, loadYamlSliced, type FileError, type LocatedObject } from "./load.ts";
import { checkConfigDir, listManifests } from "./paths.ts";
import { DEFAULT_MAX_FILE_BYTES, readManifest, type Fingerprint } from "./read.ts";
import { SchemaValidator } from "./schemas.ts";
import { watchDir, type Change, type DirWatcher } from "./watcher.ts";

export interface FileSourceOptions {
  dir: string;
  logger: Logger;
  /** Watch the directory for changes (default true). */
  watch?: boolean;
  /** Quiet time after a file event before reloading. */
  debounceMs?: number;
  /** Files larger than this are not read but reported (default 16 MiB). */
  maxFileBytes?: number;
}

interface FileState {
  /** The version on disk last read; a full reload skips files whose fingerprint is unchanged. */
  fingerprint?: Fingerprint;
  /** Hash of the text last parsed: a watcher event for a file whose text is the same (a read updating its atime, a touch) parses nothing. */
  textHash?: string;
  /** Objects of the last version of the file that loaded without errors. */
  good?: LocatedObject[];
  errors: FileError[];
  warnings: FileError[];
}

export class FileSource implements Source {
  private readonly opts: FileSourceOptions;
  private readonly root: string;
  private readonly validator = new SchemaValidator();
  /** Keyed by absolute path. */
  private readonly files = new Map<string, FileState>();
  private readonly listeners = new Set<(change: SourceChange) => void>();
  /** Kinds of the objects that came, went or changed since the last notification. */
  private changedKinds = new Set<Kind>();
  private resources: ResourceSet = EMPTY_RESOURCE_SET;
  private watcher?: DirWatcher;
  private timer?: NodeJS.Timeout;
  private loading: Promise<void> = Promise.resolve();
  private readonly dirtyFiles = new Set<string>();
  private readonly dirtyDirs = new Set<string>();
  private duplicateErrors: FileError[] = [];
  private dirError?: FileError;
  synced = false;

  constructor(opts: FileSourceOptions) {
    this.opts = opts;
    this.root = resolve(opts.dir);
  }

  /** Reads every file once; rejects, naming the directory, when it cannot be read. */
  async start(): Promise<void> {
    await checkConfigDir(this.opts.dir);
    if (this.opts.watch !== false) {
      // Watch before the first read, so a change made during it is not lost.
      this.watcher = await watchDir(this.root, (c) => this.changed(c), (err) =>
        this.opts.logger.error({ err, dir: this.opts.dir }, "watching the config directory failed"),
      );
    }
    await this.enqueue(() => this.readAll(true));
    this.synced = true;
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    clearTimeout(this.timer);
    await this.loading;
  }

  current(): ResourceSet {
    return this.resources;
  }

  /** Returns a function that removes the listener. */
  onChange(listener: (change: SourceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every current error, file by file. */
  errors(): FileError[] {
    return [...(this.dirError ? [this.dirError] : []), ...[...this.files.values()].flatMap((f) => f.errors), ...this.duplicateErrors];
  }

  /** Objects skipped on purpose (other tools' kinds), file by file. */
  warnings(): FileError[] {
    return [...this.files.values()].flatMap((f) => f.warnings);
  }

  /** Re-scans the whole directory now (reading only files whose fingerprint changed); resolves when the new ResourceSet is current. */
  reload(): Promise<void> {
    return this.enqueue(() => this.readAll(false));
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.loading.then(fn);
    this.loading = run.catch((err: unknown) => this.opts.logger.error({ err, dir: this.opts.dir }, "reloading the config directory failed"));
    return run;
  }

  private changed(c: Change): void {
    (c.dir ? this.dirtyDirs : this.dirtyFiles).add(c.path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.enqueue(() => this.readDirty()), this.opts.debounceMs ?? 50);
  }

  /** A full scan: at start (where failing to list is fatal) and on reload(). */
  private async readAll(starting: boolean): Promise<void> {
    let paths: string[];
    try {
      paths = await listManifests(this.root);
    } catch (err) {
      if (starting) throw new Error(`config directory ${this.opts.dir}: ${(err as Error).message}`);
      return this.lostDir(err);
    }
    this.dirError = undefined;
    const present = new Set(paths);
    for (const [path, state] of this.files) {
      if (present.has(path)) continue;
      this.noteChanged(state.good, undefined);
      this.files.delete(path);
    }
    for (const path of paths) await this.readOne(path, true);
    this.publish();
  }

  /** Only what the watcher reported: changed files, and everything below directories that came or went. */
  private async readDirty(): Promise<void> {
    const paths = new Set(this.dirtyFiles);
    const dirs = [...this.dirtyDirs];
    this.dirtyFiles.clear();
    this.dirtyDirs.clear();
    try {
      await readdir(this.root);
    } catch (err) {
      // The whole directory went (an unmount, a rename): keep serving what we have.
      return this.lostDir(err);
    }
    const recovered = this.dirError !== undefined;
    this.dirError = undefined;
    for (const dir of dirs) {
      const prefix = dir + sep;
      for (const path of this.files.keys()) if (path.startsWith(prefix)) paths.add(path);
      for (const path of await listManifests(this.root, dir).catch(() => [])) paths.add(path);
    }
    let changed = recovered;
    for (const path of [...paths].sort()) if (await this.readOne(path, false)) changed = true;
    // Nothing new (an event for a file whose text is unchanged): no new ResourceSet, no translation.
    if (changed) this.publish();
  }

  private lostDir(err: unknown): void {
    const { logger, dir } = this.opts;
    const first = !this.dirError;
    this.dirError = { file: dir, message: `cannot read the config directory (${(err as Error).message}); serving its last contents` };
    logger.error({ err, dir }, formatFileError(this.dirError));
    // The objects are unchanged but the errors are not; listeners may show them.
    if (first) for (const l of [...this.listeners]) l({});
  }

  /** Reads one file into its state; `skipUnchanged` trusts the fingerprint (full scans). Returns whether its state changed. */
  private async readOne(path: string, skipUnchanged: boolean): Promise<boolean> {
    const { logger } = this.opts;
    const file = displayName(path);
    const state = this.files.get(path) ?? { errors: [], warnings: [] };
    let read;
    try {
      read = await readManifest(path, file, this.opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, skipUnchanged ? state.fingerprint : undefined);
    } catch (err) {
      // Unreadable (permissions, I/O): an error of this file only; its last good objects stay.
      state.fingerprint = undefined;
      state.textHash = undefined;
      state.errors = [{ file, message: `cannot be read: ${(err as Error).message}` }];
      this.files.set(path, state);
      logger.error({ err, file }, formatFileError(state.errors[0]!));
      return true;
    }
    if (read.kind === "gone") {
      this.noteChanged(state.good, undefined);
      return this.files.delete(path);
    }
    if (read.kind === "unchanged") return false;
    const before = state.good;
    const hadErrors = state.errors.length > 0;
    state.fingerprint = read.fingerprint;
    if (read.kind === "too-large") {
      state.textHash = undefined;
      state.errors = [read.error];
      state.warnings = [];
    } else {
      const textHash = createHash("sha256").update(read.text).digest("base64url");
      if (this.files.has(path) && textHash === state.textHash) return false;
      state.textHash = textHash;
      // In slices: a large file must not stall health checks and xDS while it is parsed.
      const loaded = await loadYamlSliced(file, read.text, this.validator);
      state.errors = loaded.errors;
      state.warnings = loaded.warnings;
      if (loaded.errors.length === 0) state.good = keepUnchanged(state.good, loaded.objects);
      else state.good ??= loaded.objects; // never loaded cleanly: its valid objects count
    }
    this.files.set(path, state);
    this.noteChanged(before, state.good);
    for (const e of state.errors) logger.error({ file: e.file, line: e.line, object: e.object, field: e.field }, formatFileError(e));
    for (const w of state.warnings) logger.warn({ file: w.file, line: w.line, object: w.object }, formatFileError(w));
    if (hadErrors && state.errors.length === 0) logger.info({ file }, "file is valid again");
    return true;
  }

  /** Merges every file's objects into a new ResourceSet and tells the listeners. */
  private publish(): void {
    const { logger } = this.opts;
    const objects = new Map<string, { obj: K8sObject; where: string }>();
    this.duplicateErrors = [];
    for (const [path, state] of [...this.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const file = displayName(path);
      for (const { object: obj, line } of state.good ?? []) {
        const id = `${obj.kind} ${objectKey(obj)}`;
        const first = objects.get(id);
        if (first) {
          const e: FileError = { file, line, object: id, message: `already defined in ${first.where}; this copy is ignored` };
          this.duplicateErrors.push(e);
          logger.error({ file, line, object: id }, formatFileError(e));
          continue;
        }
        objects.set(id, { obj, where: `${file}:${line}` });
      }
    }
    this.resources = buildResourceSet([...objects.values()].map((o) => o.obj));
    logger.debug({ objects: this.resources.size, files: this.files.size }, "config directory loaded");
    const change: SourceChange = { kinds: this.changedKinds };
    this.changedKinds = new Set();
    for (const l of [...this.listeners]) l(change);
  }

  /** Records the kinds of the objects that differ between two versions of a file (by identity: keepUnchanged keeps the rest). */
  private noteChanged(before: LocatedObject[] | undefined, after: LocatedObject[] | undefined): void {
    if (before === after) return;
    const kept = new Set(after?.map((o) => o.object));
    for (const o of before ?? []) if (!kept.has(o.object)) this.changedKinds.add(o.object.kind as Kind);
    const held = new Set(before?.map((o) => o.object));
    for (const o of after ?? []) if (!held.has(o.object)) this.changedKinds.add(o.object.kind as Kind);
  }
}

/**
 * The new version of a file's objects, with each object whose content did not
 * change replaced by the object already held: the controller sends only objects
 * that are not the same as before to the translation worker, and an edit of one
 * EndpointSlice in a file that also holds the Gateway is then an EndpointSlice-only
 * change (the fast path), not a change of every object in the file.
 */
function keepUnchanged(before: LocatedObject[] | undefined, after: LocatedObject[]): LocatedObject[] {
  if (!before?.length) return after;
  const held = new Map(before.map((o) => [`${o.object.kind} ${objectKey(o.object)}`, o.object]));
  return after.map((o) => {
    const old = held.get(`${o.object.kind} ${objectKey(o.object)}`);
    return old && isDeepStrictEqual(old, o.object) ? { object: old, line: o.line } : o;
  });
}

/** Paths as the user wrote them: relative to the working directory when below it. */
function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}
