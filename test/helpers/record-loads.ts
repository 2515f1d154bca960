// Preloaded with `node --import` to list every module a process loads: at
// exit it writes their URLs, one a line, to the file named by
// SWITCHYARD_LOADS_FILE. test/cli/startup.test.ts uses it.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on("exit", () => writeFileSync(process.env.SWITCHYARD_LOADS_FILE ?? "/dev/null", loaded.join("\n") + "\n"));
