// The images the local node runs, each mapped to binaries on this machine: the Gateway API conformance
// echo backend (built by e2e/peers/build-conformance.sh), Envoy ($ENVOY_BIN), and the mesh tests' echo app
// (echo-advanced, which is Istio's echo `server` and `client`: e2e/peers/build-mesh-echo.sh). Any other
// image is refused (the agent records a Pod event and leaves the Pod Pending).
import { basename, join } from "node:path";

export interface Binaries {
  echoBasic: string;
  envoy: string;
  /** The directory with Istio's echo `server`, `client`, cert.crt and cert.key; absent if not built. */
  meshEcho?: string;
}

export type Image = { kind: "echo-basic" | "envoy" | "echo-advanced"; bin: string };

/** The repository part of an image reference, without registry port confusion, tag or digest. */
export function imageRepository(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function resolveImage(image: string, bins: Binaries): Image | { refused: string } {
  const repo = imageRepository(image);
  // Both echo-basic tags of the v1.7.0 suite (v0.1.0, v0.2.0) run the one binary.
  if (repo.endsWith("/gateway-api/conformance/echo-basic")) return { kind: "echo-basic", bin: bins.echoBasic };
  if (/(^|\/)envoyproxy\/envoy(-[a-z]+)?$/.test(repo)) return { kind: "envoy", bin: bins.envoy };
  if (repo.endsWith("/gateway-api/conformance/echo-advanced") || /^gcr\.io\/istio-(release|testing)\/app$/.test(repo)) {
    if (!bins.meshEcho) return { refused: `image ${image} needs the echo app from e2e/peers/build-mesh-echo.sh (MESH_ECHO_PEERS_BIN)` };
    return { kind: "echo-advanced", bin: join(bins.meshEcho, "server") };
  }
  return { refused: `image ${image} is not one this node can run (only the conformance echo-basic and echo-advanced, and envoyproxy/envoy)` };
}

/**
 * The argv for a container. Envoy keeps the Pod's args and, when the command names envoy, its remaining
 * words; echo-basic takes no arguments (its image's entrypoint); the echo app's server takes the args,
 * with the image's /cert.crt and /cert.key mapped to the built copies.
 */
export function argv(img: Image, command: string[] | undefined, args: string[] | undefined): string[] | { refused: string } {
  if (img.kind === "echo-basic") return [img.bin];
  const cmd = command ?? [];
  if (img.kind === "echo-advanced") {
    if (cmd.length > 0 && !["server", "/usr/local/bin/server"].includes(cmd[0]!)) return { refused: `command ${cmd[0]} is not the echo server` };
    const dir = join(img.bin, "..");
    return [img.bin, ...cmd.slice(1), ...(args ?? [])].map((a) => a.replace(/(^|=)\/cert\.(crt|key)$/, (_m, pre: string, ext: string) => `${pre}${join(dir, `cert.${ext}`)}`));
  }
  if (cmd.length > 0 && basename(cmd[0]!) !== "envoy") return { refused: `command ${cmd[0]} is not envoy` };
  return [img.bin, ...cmd.slice(1), ...(args ?? [])];
}

/**
 * What `exec` runs: the image's own programs by their in-image names (the echo app's `client` and
 * `server`, `envoy`), anything else as the host's program of that name (the processes share the host's
 * filesystem).
 */
export function execArgv(img: Image, command: string[]): string[] {
  const [first = "", ...rest] = command;
  if (img.kind === "echo-advanced" && ["client", "server"].includes(basename(first))) return [join(img.bin, "..", basename(first)), ...rest];
  if (img.kind === "envoy" && basename(first) === "envoy") return [img.bin, ...rest];
  return command;
}
