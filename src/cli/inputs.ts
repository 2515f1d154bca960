// Reads manifests for offline commands: files, directories (recursively) or
// stdin, with the same schema validation and size limit as the file source.
import { stat } from "node:fs/promises";
import type { K8sObject } from "../api/meta.ts";
import { CommandError } from "./args.ts";
import { loadYaml, type FileError } from "../watch/file/load.ts";
import { listManifests } from "../watch/file/paths.ts";
import { DEFAULT_MAX_FILE_BYTES, readManifest, tooLarge } from "../watch/file/read.ts";
import { SchemaValidator } from "../watch/file/schemas.ts";

export interface Inputs {
  objects: K8sObject[];
  /** Where each object was read, for messages about it. */
  origins: Map<K8sObject, { file: string; line: number }>;
  errors: FileError[];
  /** Objects skipped on purpose (other tools' kinds). */
  warnings: FileError[];
}

export async function readInputs(paths: string[], stdin: () => Promise<string>, maxFileBytes = DEFAULT_MAX_FILE_BYTES): Promise<Inputs> {
  const validator = new SchemaValidator();
  const inputs: Inputs = { objects: [], origins: new Map(), errors: [], warnings: [] };
  for (const p of paths) {
    for (const file of p === "-" ? ["-"] : await expand(p)) {
      const name = file === "-" ? "<stdin>" : file;
      let text: string;
      if (file === "-") {
        text = await stdin();
        const size = Buffer.byteLength(text);
        if (size > maxFileBytes) {
          inputs.errors.push(tooLarge(name, size, maxFileBytes));
          continue;
        }
      } else {
        const read = await readManifest(file, name, maxFileBytes);
        if (read.kind === "gone") {
          // Named on the command line it is a mistake; found in a directory (a symlink to a directory, say) it is not a manifest.
          if (file === p) throw new CommandError(`${file}: no such file`);
          continue;
        }
        if (read.kind !== "text") {
          if (read.kind === "too-large") inputs.errors.push(read.error);
          continue;
        }
        text = read.text;
      }
      const loaded = loadYaml(name, text, validator);
      for (const { object, line } of loaded.objects) {
        inputs.objects.push(object);
        inputs.origins.set(object, { file: name, line });
      }
      inputs.errors.push(...loaded.errors);
      inputs.warnings.push(...loaded.warnings);
    }
  }
  return inputs;
}

async function expand(path: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new CommandError(`${path}: no such file or directory`);
  }
  return isDir ? listManifests(path) : [path];
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
