// Ad-hoc: `npm exec -- node bench/translate-split.ts [routes]` times resolve and Envoy emission separately.
import { DEFAULT_CONTROLLER_NAME } from "../src/api/translation.ts";
import { emitGateway } from "../src/translator/envoy/index.ts";
import { featureHooks } from "../src/translator/features/feature.ts";
import { FEATURES } from "../src/translator/features/index.ts";
import { resolve } from "../src/translator/resolve/index.ts";
import { benchResourceSet } from "./translate-fixture.ts";

const hooks = featureHooks(FEATURES);
const rs = benchResourceSet(Number(process.argv[2] ?? 10_000));
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const r = resolve(rs, { controllerName: DEFAULT_CONTROLLER_NAME }, hooks.resolve);
  const t1 = performance.now();
  r.gateways.map((g) => emitGateway(g, hooks.emit));
  const t2 = performance.now();
  console.log(`resolve ${(t1 - t0).toFixed(0)} ms, emit ${(t2 - t1).toFixed(0)} ms`);
}
