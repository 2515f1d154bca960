// The pure parts of the local cluster's mesh support (e2e/local-cluster/): the SPDY framing of the
// kubelet's exec endpoint, the echo app's image mapping, the Pod's Service names, and the merge of the
// mesh profiles into a report.
import { PassThrough, Duplex } from "node:stream";
import { constants, createDeflate, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { argv, execArgv, resolveImage } from "../../e2e/local-cluster/images.ts";
import { hostsFile } from "../../e2e/local-cluster/mesh-network.ts";
import { mergeReports, mergeTests } from "../../e2e/local-cluster/merge-report.ts";
import { SPDY_DICTIONARY, SpdySession, type Headers } from "../../e2e/local-cluster/spdy.ts";

/** A client's header compressor: one zlib stream with the SPDY dictionary, flushed per frame (as Go's). */
function clientCompressor(): (block: Buffer) => Promise<Buffer> {
  const d = createDeflate({ dictionary: SPDY_DICTIONARY });
  const out: Buffer[] = [];
  d.on("data", (b: Buffer) => out.push(b));
  return (block) =>
    new Promise((resolve) => {
      d.write(block);
      d.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(out.splice(0))));
    });
}

function headerBlock(h: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  parts.push(u32(Object.keys(h).length));
  for (const [k, v] of Object.entries(h)) parts.push(u32(k.length), Buffer.from(k), u32(v.length), Buffer.from(v));
  return Buffer.concat(parts);
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8003, 0);
  h.writeUInt16BE(type, 2);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

async function synStream(compress: (b: Buffer) => Promise<Buffer>, id: number, h: Record<string, string>): Promise<Buffer> {
  const p = Buffer.alloc(10);
  p.writeUInt32BE(id, 0);
  return controlFrame(1, 0, Buffer.concat([p, await compress(headerBlock(h))]));
}

/** Splits what the server wrote into frames. */
function frames(bytes: Buffer): { control: boolean; type: number; id: number; flags: number; payload: Buffer }[] {
  const out = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const len = bytes.readUIntBE(at + 5, 3);
    const control = (bytes[at]! & 0x80) !== 0;
    const payload = bytes.subarray(at + 8, at + 8 + len);
    out.push({ control, type: control ? bytes.readUInt16BE(at + 2) : 0, id: control ? payload.readUInt32BE(0) & 0x7fffffff : bytes.readUInt32BE(at) & 0x7fffffff, flags: bytes[at + 4]!, payload });
    at += 8 + len;
  }
  return out;
}

describe("SPDY session", () => {
  it("reads the peer's compressed header blocks across frames, and its replies inflate as one zlib stream", async () => {
    const fromClient = new PassThrough();
    const written: Buffer[] = [];
    const socket = new Duplex({ read() {}, write(chunk: Buffer, _enc, cb) { written.push(chunk); cb(); } });
    fromClient.on("data", (b: Buffer) => socket.push(b));
    const streams: [number, Headers][] = [];
    const data: [number, string, boolean][] = [];
    const session = new SpdySession(socket, { stream: (id, h) => { streams.push([id, h]); session.accept(id); }, data: (id, d, fin) => data.push([id, d.toString(), fin]), closed: () => undefined });
    const compress = clientCompressor();
    fromClient.write(await synStream(compress, 1, { streamtype: "error" }));
    fromClient.write(await synStream(compress, 3, { streamtype: "stdout" }));
    const dataFrame = Buffer.concat([Buffer.from([0, 0, 0, 3, 1, 0, 0, 2]), Buffer.from("hi")]);
    fromClient.write(dataFrame);
    fromClient.write(controlFrame(6, 0, Buffer.from([0, 0, 0, 7]))); // PING 7
    await new Promise((r) => setImmediate(r));
    expect(streams).toEqual([[1, { streamtype: ["error"] }], [3, { streamtype: ["stdout"] }]]);
    expect(data).toEqual([[3, "hi", true]]);
    session.write(3, Buffer.from("out"), true);
    const out = frames(Buffer.concat(written));
    expect(out.map((f) => [f.control, f.type, f.id])).toEqual([[true, 2, 1], [true, 2, 3], [true, 6, 7], [false, 0, 3]]);
    expect(out[3]!.flags).toBe(1);
    expect(out[3]!.payload.toString()).toBe("out");
    // Both replies' header blocks (after the stream id) are one zlib stream holding two empty blocks.
    const blocks = Buffer.concat(out.slice(0, 2).map((f) => f.payload.subarray(4)));
    expect(inflateSync(blocks, { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(Buffer.alloc(8));
  });
});

describe("mesh echo app", () => {
  const bins = { echoBasic: "/b/echo-basic", envoy: "/b/envoy", meshEcho: "/m" };

  it("runs echo-advanced as Istio's echo server with the image's certificate paths mapped", () => {
    const img = resolveImage("registry.k8s.io/gateway-api/conformance/echo-advanced:v0.1.0", bins);
    expect(img).toEqual({ kind: "echo-advanced", bin: "/m/server" });
    if ("refused" in img) return;
    expect(argv(img, undefined, ["--port=8080", "--crt=/cert.crt", "--key=/cert.key"])).toEqual(["/m/server", "--port=8080", "--crt=/m/cert.crt", "--key=/m/cert.key"]);
    expect(execArgv(img, ["client", "http://echo/"])).toEqual(["/m/client", "http://echo/"]);
    expect(execArgv(img, ["ls", "/"])).toEqual(["ls", "/"]);
    expect(resolveImage("registry.k8s.io/gateway-api/conformance/echo-advanced:v0.1.0", { echoBasic: "", envoy: "" })).toHaveProperty("refused");
  });

  it("resolves every cluster DNS form of a Service, and the short name only in the Pod's namespace", () => {
    const text = hostsFile({ name: "p", namespace: "a", ip: "10.244.0.5" }, [
      { namespace: "b", name: "echo", clusterIP: "10.96.0.20" },
      { namespace: "a", name: "echo", clusterIP: "10.96.0.10" },
    ]);
    expect(text.split("\n")).toEqual([
      "127.0.0.1 localhost",
      "::1 localhost",
      "10.244.0.5 p",
      "10.96.0.10 echo.a.svc.cluster.local echo.a.svc echo.a echo",
      "10.96.0.20 echo.b.svc.cluster.local echo.b.svc echo.b",
      "",
    ]);
  });
});

describe("report merge", () => {
  const gateway = 'apiVersion: v1\ndate: "d"\nkind: ConformanceReport\nprofiles:\n- core:\n    result: success\n  name: GATEWAY-HTTP\n- core:\n    result: failure\n  name: MESH-HTTP\nsucceededProvisionalTests: []\n';
  const mesh = 'apiVersion: v1\ndate: "e"\nprofiles:\n- core:\n    result: success\n  name: MESH-GRPC\n- core:\n    result: success\n  name: MESH-HTTP\n';

  it("replaces profiles of the same name, adds the others, and keeps the rest of the report as written", () => {
    expect(mergeReports(gateway, mesh)).toBe(
      'apiVersion: v1\ndate: "d"\nkind: ConformanceReport\nprofiles:\n- core:\n    result: success\n  name: GATEWAY-HTTP\n- core:\n    result: success\n  name: MESH-GRPC\n- core:\n    result: success\n  name: MESH-HTTP\nsucceededProvisionalTests: []\n',
    );
  });

  it("takes the tests the mesh run ran, in the report's order, and never its skips of tests the report has", () => {
    const into = [{ name: "MeshBasic", result: "skip" as const, seconds: 0 }, { name: "HTTPRouteX", result: "pass" as const, seconds: 1 }];
    const from = [{ name: "HTTPRouteX", result: "skip" as const, seconds: 0 }, { name: "MeshBasic", result: "pass" as const, seconds: 2 }, { name: "MeshNew", result: "fail" as const, seconds: 3 }];
    expect(mergeTests(into, from)).toEqual([{ name: "MeshBasic", result: "pass", seconds: 2 }, { name: "HTTPRouteX", result: "pass", seconds: 1 }, { name: "MeshNew", result: "fail", seconds: 3 }]);
  });
});
