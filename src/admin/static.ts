// The web UI's files (src/admin/ui/): plain HTML, CSS and ES modules that the browser runs as
// they are; there is no build step. Read once, at start.
import { readFileSync, readdirSync } from "node:fs";

const DIR = new URL("./ui/", import.meta.url);
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};

export interface StaticFile {
  type: string;
  body: Buffer;
}

export function uiFiles(): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  for (const name of readdirSync(DIR)) {
    const ext = name.slice(name.lastIndexOf(".") + 1);
    const type = TYPES[ext];
    if (type) out.set(name, { type, body: readFileSync(new URL(name, DIR)) });
  }
  return out;
}
