// `npm run demo`: the examples end to end on this machine. Starts the shop's three pods as small
// local HTTP servers, serves examples/ (with EndpointSlices pointing at those servers) and runs a
// local Envoy for the Gateway (`serve --envoy`), so that curl shows the 80/20 split.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const pods = [
  { service: "shop-v1", pod: "shop-v1-a" },
  { service: "shop-v1", pod: "shop-v1-b" },
  { service: "shop-v2", pod: "shop-v2-a" },
];

const servers = await Promise.all(
  pods.map(
    (p) =>
      new Promise<{ service: string; pod: string; port: number; server: http.Server }>((resolve) => {
        const server = http.createServer((req, res) => res.end(`${p.service} (pod ${p.pod}) ${req.method} ${req.url}\n`));
        server.listen(0, "127.0.0.1", () => resolve({ ...p, port: (server.address() as AddressInfo).port, server }));
      }),
  ),
);

const dir = mkdtempSync(join(tmpdir(), "switchyard-demo-"));
for (const f of ["gateway.yaml", "httproute.yaml"]) copyFileSync(join(ROOT, "examples", f), join(dir, f));
const backends = ["shop-v1", "shop-v2"]
  .map((svc) => {
    const mine = servers.filter((s) => s.service === svc);
    const slices = mine
      .map(
        (s) => `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${s.pod}, namespace: default, labels: { kubernetes.io/service-name: ${svc} } }
addressType: IPv4
ports: [{ name: http, port: ${s.port}, protocol: TCP }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]
`,
      )
      .join("");
    return `---
apiVersion: v1
kind: Service
metadata: { name: ${svc}, namespace: default }
spec: { ports: [{ name: http, port: 8080, targetPort: 3000 }] }
${slices}`;
  })
  .join("");
writeFileSync(join(dir, "backends.yaml"), backends);

process.stderr.write(`demo: serving ${dir} with a local Envoy; the Gateway listens on 127.0.0.1:8080. Try:
  curl -H 'Host: shop.example.com' http://127.0.0.1:8080/shop     # 80% shop-v1, 20% shop-v2
  curl -H 'Host: shop.example.com' http://127.0.0.1:8080/         # shop-v1
  open http://127.0.0.1:19000/ for switchyard's admin UI. Ctrl-C stops everything.\n`);
const serve = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve", "--source", "file", "--dir", dir, "--envoy", ...process.argv.slice(2)], { stdio: "inherit" });
const stop = () => serve.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
serve.on("exit", (code) => {
  for (const s of servers) s.server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
