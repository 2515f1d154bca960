// The control plane in-process on a directory of manifests, on ephemeral loopback ports, silent:
// what tests that talk to switchyard's xDS and admin APIs (not to its CLI) start.
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from "../../src/controller/run.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import { FileSource } from "../../src/watch/file/source.ts";

export interface FilePlaneOptions {
  /** Watch the directory (default false: the test decides when to reload). */
  watch?: boolean;
  debounceMs?: number;
  validate?: ControlPlaneOptions["validate"];
  /** More translator options (the controller name is the default one). */
  translatorOptions?: Omit<ControlPlaneOptions["translatorOptions"], "controllerName">;
}

export async function startFilePlane(dir: string, o: FilePlaneOptions = {}): Promise<{ files: FileSource; plane: ControlPlane }> {
  const logger = silentLogger();
  const files = new FileSource({ dir, logger, watch: o.watch ?? false, ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}) });
  const plane = await startControlPlane({
    source: files,
    configErrors: () => files.errors(),
    translatorOptions: { controllerName: DEFAULT_CONTROLLER_NAME, ...o.translatorOptions },
    xds: { host: "127.0.0.1", port: 0 },
    admin: { host: "127.0.0.1", port: 0 },
    logger,
    registry: createRegistry(),
    ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}),
    ...(o.validate ? { validate: o.validate } : {}),
  });
  return { files, plane };
}
