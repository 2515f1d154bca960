// The file source: a directory of multi-document YAML, watched for changes.
// A file that fails to parse or validate keeps contributing its last good
// objects, so one bad edit never takes config away from the proxies.
import { watch, type FSWatcher } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { K8sObject } from "../../api/meta.ts";
import { buildResourceSet, EMPTY_RESOURCE_SET, objectKey, type ResourceSet } from "../../api/resource-set.ts";
import type { Logger } from "../../observability/log.ts";
import type { Source } from "../source.ts";
import { formatFileError, loadYaml, type FileError } from "./load.ts";
import { SchemaValidator } from "./schemas.ts";

export interface FileSourceOptions {
  dir: string;
  logger: Logger;
  /** Watch the directory for changes (default true). */
  watch?: boolean;
  /** Quiet time after a file event before reloading. */
  debounceMs?: number;
}

interface FileState {
  /** Objects of the last version of the file that loaded without errors. */
  good?: K8sObject[];
  errors: FileError[];
}

export class FileSource implements Source {
  private readonly opts: FileSourceOptions;
  private readonly validator = new SchemaValidator();
  private readonly files = new Map<string, FileState>();
  private readonly listeners: (() => void)[] = [];
  private resources: ResourceSet = EMPTY_RESOURCE_SET;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private loading: Promise<void> = Promise.resolve();
  private duplicateErrors: FileError[] = [];
  synced = false;

  constructor(opts: FileSourceOptions) {
    this.opts = opts;
  }

  async start(): Promise<void> {
    await this.reload();
    if (this.opts.watch !== false) {
      this.watcher = watch(this.opts.dir, { recursive: true }, () => this.schedule());
      this.watcher.on("error", (err) => this.opts.logger.error({ err, dir: this.opts.dir }, "watching the config directory failed"));
    }
    this.synced = true;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    clearTimeout(this.timer);
    await this.loading;
  }

  current(): ResourceSet {
    return this.resources;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Every current error, file by file. */
  errors(): FileError[] {
    return [...[...this.files.values()].flatMap((f) => f.errors), ...this.duplicateErrors];
  }

  /** Re-reads the directory now; resolves when the new ResourceSet is current. */
  reload(): Promise<void> {
    this.loading = this.loading.then(() => this.readAll());
    return this.loading;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), this.opts.debounceMs ?? 50);
  }

  private async readAll(): Promise<void> {
    const { dir, logger } = this.opts;
    let names: string[];
    try {
      names = (await readdir(dir, { recursive: true })).filter((n) => /\.ya?ml$/.test(n)).sort();
    } catch (err) {
      logger.error({ err, dir }, "cannot read the config directory; keeping the last config");
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const path = join(dir, name);
      const rel = relative(process.cwd(), path);
      const file = rel.startsWith("..") ? path : rel;
      seen.add(file);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch {
        continue; // removed between readdir and readFile; the next event reloads
      }
      const loaded = loadYaml(file, text, this.validator);
      const state = this.files.get(file) ?? { errors: [] };
      const hadErrors = state.errors.length > 0;
      state.errors = loaded.errors;
      if (loaded.errors.length === 0) state.good = loaded.objects;
      else if (!state.good) state.good = loaded.objects; // never loaded cleanly: its valid objects count
      this.files.set(file, state);
      for (const e of loaded.errors) logger.error({ file: e.file, object: e.object, field: e.field }, formatFileError(e));
      if (hadErrors && loaded.errors.length === 0) logger.info({ file }, "file is valid again");
    }
    for (const file of [...this.files.keys()]) if (!seen.has(file)) this.files.delete(file);

    const objects = new Map<string, { obj: K8sObject; file: string }>();
    this.duplicateErrors = [];
    for (const [file, state] of this.files) {
      for (const obj of state.good ?? []) {
        const id = `${obj.kind} ${objectKey(obj)}`;
        const first = objects.get(id);
        if (first) {
          const e: FileError = { file, object: id, message: `already defined in ${first.file}; this copy is ignored` };
          this.duplicateErrors.push(e);
          logger.error({ file, object: id }, formatFileError(e));
          continue;
        }
        objects.set(id, { obj, file });
      }
    }
    this.resources = buildResourceSet([...objects.values()].map((o) => o.obj));
    logger.debug({ objects: this.resources.size, files: this.files.size }, "config directory loaded");
    for (const l of this.listeners) l();
  }
}
