// `npm exec -- node test/golden/print.ts FILE.yaml`: prints what the golden files of a case with
// this input would hold, each file after a `# <case><suffix>` line (test/golden/files.ts).
import { readFileSync } from "node:fs";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { emitTranslation, resolveTranslation } from "../../src/translator/translate.ts";
import { loadResourceSet } from "../translator/load.ts";
import { renderIr, renderXds } from "./files.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: print.ts FILE.yaml");
const resolved = resolveTranslation(loadResourceSet(readFileSync(file, "utf8")), { controllerName: DEFAULT_CONTROLLER_NAME });
const out = [`# <case>.ir.yaml\n${renderIr(resolved)}`];
for (const [suffix, text] of renderXds(emitTranslation(resolved))) out.push(`# <case>${suffix}\n${text}`);
process.stdout.write(out.join("---\n"));
