// Ad-hoc: `npm exec -- node --cpu-prof bench/translate-profile.ts [routes]` for a CPU profile of translate().
import { DEFAULT_CONTROLLER_NAME } from "../src/api/translation.ts";
import { translate } from "../src/translator/translate.ts";
import { benchResourceSet } from "./translate-fixture.ts";

const rs = benchResourceSet(Number(process.argv[2] ?? 10_000));
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
  console.log(`${(performance.now() - t0).toFixed(0)} ms`);
}
