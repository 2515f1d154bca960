// Sends one conformance case through a real Envoy and compares the answer the way the upstream
// suite's CompareRoundTrip does (utils/http/http.go), returning every mismatch as a sentence.
import http2 from "node:http2";
import net from "node:net";
import { decodeFrame, encodeFrame, type EchoReply } from "./echo.ts";
import type { DataPlane, HttpResult } from "./harness.ts";
import { NAMESPACE_DEFAULT, type Req, type Want } from "./conformance-cases.ts";

let seq = 0;

/** A request id: retries need a fresh uuid per request, mirrors a path no other request used. */
export function uniquePath(path: string): string {
  seq += 1;
  const id = `c${process.pid}-${seq}`;
  if (path.includes("{uuid}")) return path.replace("{uuid}", id);
  return path + (path.includes("?") ? "&" : "?") + `conformance-request-id=${id}`;
}

/** HTTP/2 through Envoy: prior knowledge on plain HTTP, ALPN h2 with TLS. */
function h2Request(addr: string, port: number, r: Req, path: string, headers: Record<string, string>, ca?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const authority = r.host ?? addr;
    const url = r.sni ? `https://${addr}:${port}` : `http://${addr}:${port}`;
    const session = http2.connect(url, r.sni ? { servername: r.sni, ca, rejectUnauthorized: false, ALPNProtocols: ["h2"] } : {});
    session.on("error", reject);
    const stream = session.request({ ":method": r.method ?? "GET", ":path": path, ":authority": authority, ":scheme": r.sni ? "https" : "http", ...headers });
    let status = 0;
    let resHeaders: Record<string, string | string[] | undefined> = {};
    let body = "";
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      resHeaders = Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith(":")));
    });
    stream.on("data", (d: Buffer) => (body += d.toString()));
    stream.on("error", reject);
    stream.on("end", () => {
      session.close();
      let echo: EchoReply | undefined;
      if (resHeaders["x-echo-service"]) echo = JSON.parse(body) as EchoReply;
      resolve({ status, headers: resHeaders, body, ...(echo ? { echo } : {}) });
    });
    stream.setTimeout(20_000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.end();
  });
}

/** Opens a WebSocket through Envoy, sends one text frame, and returns the text of the frame that comes back. */
export function websocketEcho(addr: string, port: number, path: string, text: string, host = addr): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, addr);
    let buf = Buffer.alloc(0);
    let upgraded = false;
    sock.setTimeout(10_000, () => sock.destroy(new Error("WebSocket exchange timed out")));
    sock.on("error", reject);
    sock.on("connect", () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith("HTTP/1.1 101")) {
          sock.destroy();
          return reject(new Error(`no upgrade: ${head.split("\r\n")[0]}`));
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        sock.write(encodeFrame(text, true));
      }
      const reply = decodeFrame(buf);
      if (reply !== undefined && buf.length >= 2 + (buf[1]! & 0x7f)) {
        sock.destroy();
        resolve(reply);
      }
    });
  });
}

export interface Sent {
  path: string;
  res: HttpResult;
}

export async function send(dp: DataPlane, gatewayKey: string, r: Req, ca: string): Promise<Sent> {
  const path = r.path.includes("{uuid}") ? uniquePath(r.path) : r.path;
  const headers: Record<string, string> = { ...r.headers };
  if (r.backendSetsHeaders) headers["X-Echo-Set-Header"] = Object.entries(r.backendSetsHeaders).map(([k, v]) => `${k}:${v}`).join(",");
  const port = r.port ?? (r.sni ? 443 : 80);
  if (r.h2) {
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return { path, res: await h2Request(dp.proxy(gatewayKey).addr, port, r, path, lower, ca) };
  }
  const res = await dp.request(gatewayKey, {
    port,
    path,
    ...(r.host ? { host: r.host } : {}),
    method: r.method ?? "GET",
    headers,
    // The suite's certificate names *.example.com, *.org and more; what is checked here is routing, not the name.
    ...(r.sni ? { tls: { servername: r.sni, ca, rejectUnauthorized: false } } : {}),
  });
  return { path, res };
}

/** Header values as the upstream echo joins repeated headers: "a,b", without spaces. */
const norm = (v: string | string[] | undefined) => (v === undefined ? undefined : (Array.isArray(v) ? v.join(",") : v).split(/,\s*/).join(","));

export function compare(r: Req, sentPath: string, res: HttpResult, want: Want): string[] {
  const errs: string[] = [];
  const statuses = want.statuses ?? [want.status ?? 200];
  if (!statuses.includes(res.status)) return [`status ${res.status}, want ${statuses.join(" or ")}${res.echo ? ` (answered by ${res.echo.service})` : res.body ? ` (${res.body.slice(0, 120)})` : ""}`];
  const status = res.status;
  if ((status === 200 || status === 204) && want.byGateway) {
    if (res.echo) errs.push(`${res.echo.service} answered, want the gateway itself`);
    errs.push(...responseHeaders(res, want));
  } else if (status === 200) {
    const e = res.echo;
    if (!e) return ["a 200 that no echo backend answered"];
    const ns = want.namespace ?? NAMESPACE_DEFAULT;
    if (e.namespace !== ns) errs.push(`namespace ${e.namespace}, want ${ns}`);
    if (want.backend && !e.service.startsWith(want.backend)) errs.push(`backend ${e.service}, want ${want.backend}`);
    const wantPath = want.request?.path ? (sentPath === r.path ? want.request.path : want.request.path + sentPath.slice(r.path.length)) : sentPath;
    if (e.path !== wantPath) errs.push(`backend saw path ${e.path}, want ${wantPath}`);
    const method = r.method ?? "GET";
    if (e.method !== method) errs.push(`backend saw method ${e.method}, want ${method}`);
    // Like the official suite: the backend sees the Host that was sent (port included) unless rewritten.
    const wantHost = want.request?.host ?? r.host;
    if (wantHost && e.host !== wantHost) errs.push(`backend saw host ${e.host}, want ${wantHost}`);
    for (const [k, v] of Object.entries(want.request?.headers ?? {})) {
      const got = norm(e.headers[k.toLowerCase()]);
      if (got !== v) errs.push(`backend saw ${k}: ${got ?? "(none)"}, want ${v}`);
    }
    for (const k of want.request?.absent ?? []) if (e.headers[k.toLowerCase()] !== undefined) errs.push(`backend saw ${k}: ${e.headers[k.toLowerCase()]}, want none`);
    errs.push(...responseHeaders(res, want));
  } else if (status >= 300 && status < 400 && want.redirect) {
    const loc = res.headers.location;
    if (typeof loc !== "string") return ["a redirect without Location"];
    const u = new URL(loc);
    const scheme = u.protocol.replace(/:$/, "");
    const wantScheme = want.redirect.scheme ?? (r.sni ? "https" : "http");
    if (scheme !== wantScheme) errs.push(`Location scheme ${scheme}, want ${wantScheme} (${loc})`);
    if (want.redirect.host && u.hostname !== want.redirect.host) errs.push(`Location host ${u.hostname}, want ${want.redirect.host} (${loc})`);
    // URL drops a scheme's default port, as the suite accepts either the default or none.
    const wantPort = want.redirect.port ?? "";
    if (u.port !== wantPort) errs.push(`Location port ${u.port || "(none)"}, want ${wantPort || "(none)"} (${loc})`);
    const wantPath = want.redirect.path ?? r.path.split("?")[0];
    if (u.pathname !== wantPath) errs.push(`Location path ${u.pathname}, want ${wantPath} (${loc})`);
  }
  return errs;
}

function responseHeaders(res: HttpResult, want: Want): string[] {
  const errs: string[] = [];
  for (const [k, v] of Object.entries(want.headers ?? {})) {
    const got = norm(res.headers[k.toLowerCase()]);
    if (got !== v) errs.push(`response ${k}: ${got ?? "(none)"}, want ${v}`);
  }
  const bare = (v: string) => v.replace(/\s+/g, "");
  for (const [k, vs] of Object.entries(want.oneOf ?? {})) {
    const got = norm(res.headers[k.toLowerCase()]);
    if (got === undefined || !vs.map(bare).includes(bare(got))) errs.push(`response ${k}: ${got ?? "(none)"}, want one of ${JSON.stringify(vs)}`);
  }
  for (const k of want.absentHeaders ?? []) if (res.headers[k.toLowerCase()] !== undefined) errs.push(`response has ${k}: ${String(res.headers[k.toLowerCase()])}, want none`);
  return errs;
}

