// The pure parts of the local cluster's node agent and suite runner (e2e/local-cluster/): image mapping,
// $(VAR) expansion, mountPath rewriting, the kubelet log filter, the go test log parser.
import { describe, expect, it } from "vitest";
import { argv, resolveImage } from "../../e2e/local-cluster/images.ts";
import { selectLines } from "../../e2e/local-cluster/kubelet-server.ts";
import { expand, mountRewriter } from "../../e2e/local-cluster/pod-spec.ts";
import { failureDetails, parseGoTestLog } from "../../e2e/local-cluster/results.ts";

const bins = { echoBasic: "/bin/echo-basic", envoy: "/bin/envoy" };

describe("images", () => {
  it("runs echo-basic of any tag and envoyproxy/envoy images, and refuses the rest", () => {
    expect(resolveImage("registry.k8s.io/gateway-api/conformance/echo-basic:v0.2.0", bins)).toEqual({ kind: "echo-basic", bin: "/bin/echo-basic" });
    expect(resolveImage("docker.io/envoyproxy/envoy:distroless-v1.40.0", bins)).toEqual({ kind: "envoy", bin: "/bin/envoy" });
    expect(resolveImage("envoyproxy/envoy@sha256:abc", bins)).toEqual({ kind: "envoy", bin: "/bin/envoy" });
    expect(resolveImage("nginx", bins)).toHaveProperty("refused");
    expect(resolveImage("localhost:5000/notenvoyproxy/envoy:1", bins)).toHaveProperty("refused");
    expect(resolveImage("envoyproxy/envoy-distroless:v1.40.0", bins)).toEqual({ kind: "envoy", bin: "/bin/envoy" });
  });

  it("keeps Envoy's args, drops an envoy command, refuses another command", () => {
    const envoy = { kind: "envoy" as const, bin: "/bin/envoy" };
    expect(argv(envoy, ["/usr/local/bin/envoy"], ["--config-path", "/c.json"])).toEqual(["/bin/envoy", "--config-path", "/c.json"]);
    expect(argv(envoy, undefined, ["-l", "info"])).toEqual(["/bin/envoy", "-l", "info"]);
    expect(argv(envoy, ["sh", "-c", "envoy"], [])).toHaveProperty("refused");
  });
});

describe("pod spec", () => {
  it("expands $(VAR) from earlier variables, keeps unknown ones and unescapes $$", () => {
    expect(expand("--service-node $(POD_NAME) $(NOPE) $$(POD_NAME)", { POD_NAME: "p-1" })).toBe("--service-node p-1 $(NOPE) $(POD_NAME)");
  });

  it("rewrites paths under a mountPath (the deepest wins), whole words and --flag=PATH, nothing else", () => {
    const rw = mountRewriter(
      { name: "c", image: "x", volumeMounts: [{ name: "a", mountPath: "/etc/envoy" }, { name: "b", mountPath: "/etc/envoy/certs/" }, { name: "gone", mountPath: "/x" }] },
      new Map([["a", "/pod/volumes/a"], ["b", "/pod/volumes/b"]]),
    );
    expect(rw("/etc/envoy/bootstrap.json")).toBe("/pod/volumes/a/bootstrap.json");
    expect(rw("/etc/envoy/certs/tls.crt")).toBe("/pod/volumes/b/tls.crt");
    expect(rw("--config-path=/etc/envoy/bootstrap.json")).toBe("--config-path=/pod/volumes/a/bootstrap.json");
    expect(rw("/etc/envoyx/file")).toBe("/etc/envoyx/file");
    expect(rw("/x/y")).toBe("/x/y");
  });
});

describe("kubelet container logs", () => {
  const log = "2026-01-01T00:00:01.000Z one\n2026-01-01T00:00:02.000Z two\n2026-01-01T00:00:03.000Z three\n";
  it("filters by sinceTime and tailLines, and strips the times unless asked", () => {
    expect(selectLines(log, new URLSearchParams())).toBe("one\ntwo\nthree\n");
    expect(selectLines(log, new URLSearchParams({ sinceTime: "2026-01-01T00:00:02Z" }))).toBe("two\nthree\n");
    expect(selectLines(log, new URLSearchParams({ tailLines: "1", timestamps: "true" }))).toBe("2026-01-01T00:00:03.000Z three\n");
  });
});

describe("go test log", () => {
  const text = [
    "=== RUN   TestConformance/A",
    "        \tError:      \tboom",
    "        \tMessages:   \twhy",
    "=== RUN   TestConformance/B",
    "--- FAIL: TestConformance (12.00s)",
    "    --- FAIL: TestConformance/A (1.50s)",
    "        --- PASS: TestConformance/A/sub (0.10s)",
    "    --- PASS: TestConformance/B (0.20s)",
    "    --- SKIP: TestConformance/C (0.00s)",
  ].join("\n");
  it("reads the top-level tests only, with result and seconds, and a failure's assertion lines", () => {
    expect(parseGoTestLog(text)).toEqual([
      { name: "A", result: "fail", seconds: 1.5 },
      { name: "B", result: "pass", seconds: 0.2 },
      { name: "C", result: "skip", seconds: 0 },
    ]);
    expect(failureDetails(text, "A")).toEqual(["Error:      \tboom", "Messages:   \twhy"]);
    expect(failureDetails(text, "B")).toEqual([]);
  });
});
