// switchyard's ADS server alone, for the fan-out comparison with go-control-plane
// (fanout-vs-go-control-plane.bench.ts). Same protocol as bench/go-control-plane/main.go:
// stdin gets one JSON line per snapshot (key, version, Any-packed resources by type
// URL); stdout says "port N", "set V", and "acked N" once every stream has ACKed
// the new RouteConfiguration version.
import { createInterface } from "node:readline";
import { emptyResources, TYPE_URL, type XdsResources } from "../src/api/xds.ts";
import { SnapshotCache } from "../src/xds/cache.ts";
import { DESCRIPTORS, typeOfUrl } from "../src/xds/resource-types.ts";
import { startXdsServer } from "../src/xds/server.ts";
import { silentLogger } from "../src/observability/log.ts";
import { createRegistry } from "../src/observability/metrics.ts";

interface Input {
  key: string;
  version: string;
  resources: Record<string, string[]>;
  /** Report when every stream has ACKed this RouteConfiguration. */
  await?: boolean;
}

const streams = Number(process.env.STREAMS ?? 0);
const registry = createRegistry();
const cache = new SnapshotCache({ registry });
const server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry });
let want: { version: string; seen: Set<number> } | undefined;
server.onAck((e) => {
  if (!want || e.kind !== "ack" || e.typeUrl !== TYPE_URL.route || e.version !== want.version) return;
  want.seen.add(e.streamId);
  if (want.seen.size === streams) {
    want = undefined;
    console.log(`acked ${streams}`);
  }
});
console.log(`port ${server.port}`);

for await (const line of createInterface({ input: process.stdin })) {
  const msg = JSON.parse(line) as Input;
  const res: XdsResources = emptyResources();
  for (const [typeUrl, items] of Object.entries(msg.resources)) {
    const type = typeOfUrl(typeUrl);
    if (!type) throw new Error(`unknown type URL ${typeUrl}`);
    const d = DESCRIPTORS[type];
    const into = res[d.field] as unknown[];
    for (const b64 of items) into.push(d.decode(Buffer.from(b64, "base64")));
  }
  const snap = cache.setSnapshot(msg.key, res);
  if (msg.await) want = { version: snap.types.route.version, seen: new Set() };
  console.log(`set ${snap.types.route.version}`);
}
await server.close();
