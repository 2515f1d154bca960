// The only two images the local node runs, each mapped to a binary on this machine: the Gateway API
// conformance echo backend (built by e2e/peers/build-conformance.sh) and Envoy ($ENVOY_BIN). Any other
// image is refused (the agent records a Pod event and leaves the Pod Pending).
import { basename } from "node:path";

export interface Binaries {
  echoBasic: string;
  envoy: string;
}

export type Image = { kind: "echo-basic" | "envoy"; bin: string };

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
  return { refused: `image ${image} is not one this node can run (only the conformance echo-basic and envoyproxy/envoy)` };
}

/**
 * The argv for a container. Envoy keeps the Pod's args and, when the command names envoy, its remaining
 * words; echo-basic takes no arguments (its image's entrypoint).
 */
export function argv(img: Image, command: string[] | undefined, args: string[] | undefined): string[] | { refused: string } {
  if (img.kind === "echo-basic") return [img.bin];
  const cmd = command ?? [];
  if (cmd.length > 0 && basename(cmd[0]!) !== "envoy") return { refused: `command ${cmd[0]} is not envoy` };
  return [img.bin, ...cmd.slice(1), ...(args ?? [])];
}
