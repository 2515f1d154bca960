// Reads manifests for offline commands: files, directories (recursively) or
// stdin, with the same schema validation as the file source.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { K8sObject } from "../api/meta.ts";
import { CommandError } from "./args.ts";
import { loadYaml, type FileError } from "../watch/file/load.ts";
import { SchemaValidator } from "../watch/file/schemas.ts";

export async function readInputs(paths: string[], stdin: () => Promise<string>): Promise<{ objects: K8sObject[]; errors: FileError[] }> {
  const validator = new SchemaValidator();
  const objects: K8sObject[] = [];
  const errors: FileError[] = [];
  for (const p of paths) {
    for (const [file, text] of await expand(p, stdin)) {
      const loaded = loadYaml(file, text, validator);
      objects.push(...loaded.objects);
      errors.push(...loaded.errors);
    }
  }
  return { objects, errors };
}

async function expand(path: string, stdin: () => Promise<string>): Promise<[string, string][]> {
  if (path === "-") return [["<stdin>", await stdin()]];
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new CommandError(`${path}: no such file or directory`);
  }
  if (!isDir) return [[path, await readFile(path, "utf8")]];
  const names = (await readdir(path, { recursive: true })).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(names.map(async (n): Promise<[string, string]> => [join(path, n), await readFile(join(path, n), "utf8")]));
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
