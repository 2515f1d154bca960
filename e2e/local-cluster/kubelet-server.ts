// The kubelet endpoints the API server needs from this node: container logs, for `kubectl logs` and the
// conformance suite's mirror tests (they read the echo backend's log through pods/log), and exec
// (exec-server.ts), for `kubectl exec` and the mesh tests' echo client. HTTPS with a
// self-signed certificate on the node's address; the API server is not given a kubelet CA, so it does not
// verify it. Query parameters: sinceTime, sinceSeconds, tailLines, timestamps (follow returns what is there).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { handleExecUpgrade, type ExecLookup } from "./exec-server.ts";

export const KUBELET_PORT = 10250;

export type LogLookup = (namespace: string, pod: string, container: string | undefined) => string | undefined;

export function selfSignedCert(dir: string, ip: string): { cert: Buffer; key: Buffer } {
  const key = join(dir, "kubelet.key");
  const cert = join(dir, "kubelet.crt");
  if (!existsSync(cert)) {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=switchyard-local-kubelet", "-addext", `subjectAltName=IP:${ip}`], { stdio: ["ignore", "pipe", "pipe"] });
  }
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

export function startKubeletServer(host: string, tls: { cert: Buffer; key: Buffer }, lookup: LogLookup, exec: ExecLookup): Promise<Server> {
  const server = createServer(tls, (req, res) => {
    const url = new URL(req.url ?? "/", "https://node");
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method !== "GET" || !m) {
      res.writeHead(404).end("not found\n");
      return;
    }
    const path = lookup(m[1]!, m[2]!, m[3]);
    if (!path) {
      res.writeHead(404).end(`no log for ${m[1]}/${m[2]}${m[3] ? `/${m[3]}` : ""}\n`);
      return;
    }
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(selectLines(existsSync(path) ? readFileSync(path, "utf8") : "", url.searchParams));
  });
  server.on("upgrade", (req, socket, head: Buffer) => {
    if (!handleExecUpgrade(req, socket, head, exec)) socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(KUBELET_PORT, host, () => resolve(server));
  });
}

/** Lines are "<RFC 3339 time> <text>"; filters and formats them as the kubelet does. */
export function selectLines(text: string, q: URLSearchParams): string {
  let since = q.get("sinceTime") ? Date.parse(q.get("sinceTime")!) : q.get("sinceSeconds") ? Date.now() - Number(q.get("sinceSeconds")) * 1_000 : undefined;
  if (since !== undefined && Number.isNaN(since)) since = undefined;
  let lines = text.split("\n").filter(Boolean);
  if (since !== undefined) lines = lines.filter((l) => Date.parse(l.slice(0, l.indexOf(" "))) >= since);
  const tail = q.get("tailLines");
  if (tail !== null) lines = lines.slice(-Number(tail));
  if (q.get("timestamps") !== "true") lines = lines.map((l) => l.slice(l.indexOf(" ") + 1));
  return lines.map((l) => `${l}\n`).join("");
}
