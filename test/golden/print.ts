// `npm exec -- node test/golden/print.ts FILE.yaml`: prints the translation of
// a manifest file the way the golden files hold it.
import { readFileSync } from "node:fs";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { loadResourceSet } from "../translator/load.ts";
import { renderGolden } from "./render.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: print.ts FILE.yaml");
process.stdout.write(renderGolden(translate(loadResourceSet(readFileSync(file, "utf8")), { controllerName: DEFAULT_CONTROLLER_NAME })));
