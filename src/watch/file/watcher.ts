// Watches the config directory with chokidar. It keeps a watch on every
// directory itself, so a file replaced by rename (sed -i, mv, an editor's
// atomic save, git checkout) keeps being seen; fs.watch(recursive) on Linux
// follows the old inode and goes quiet for that file.
//
// chokidar's own add/change/unlink events are not enough: it drops a change
// that comes within 50 ms of the previous one for the same path, and can
// swallow the change of a rename-replace, so a quick second edit would never
// be read. Its raw events (every fs.watch event of the directories it
// watches, before that throttling) say which file to look at; its
// addDir/unlinkDir events say which subtree to rescan.
import { watch } from "chokidar";
import { basename, join, relative } from "node:path";
import { isHidden, isManifest } from "./paths.ts";

export interface Change {
  path: string;
  /** A directory appeared or went: everything below it may have changed. */
  dir: boolean;
}

export interface DirWatcher {
  close(): Promise<void>;
}

/** Resolves once the watcher has seen the whole tree, so no later change is missed. */
export async function watchDir(root: string, onChange: (c: Change) => void, onError: (err: unknown) => void): Promise<DirWatcher> {
  const watcher = watch(root, {
    ignoreInitial: true,
    // Ignore what can never be a manifest; without stats we do not know yet whether a path is a directory.
    ignored: (path, stats) => {
      const rel = relative(root, path);
      if (rel === "") return false;
      if (isHidden(rel)) return true;
      return stats?.isFile() === true && !isManifest(rel);
    },
  });
  const file = (path: string) => {
    const rel = relative(root, path);
    if (!rel.startsWith("..") && isManifest(rel)) onChange({ path, dir: false });
  };
  watcher.on("all", (event, path) => {
    if (event === "addDir" || event === "unlinkDir") onChange({ path, dir: true });
    else file(path);
  });
  watcher.on("raw", (_event, name, details) => {
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watched !== "string") return;
    if (!name) return;
    // A directory's watch names a child; a file's own watch names the file. Reading a path that is not a file is harmless.
    file(join(watched, name));
    if (basename(watched) === name) file(watched);
  });
  watcher.on("error", onError);
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return { close: () => watcher.close() };
}
