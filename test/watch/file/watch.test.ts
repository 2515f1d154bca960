// The file source's watcher against the ways files really change on disk:
// in-place writes, replacement by rename (sed -i, mv, atomic editor saves),
// deletes, directory renames and git checkouts. Every change must reach the
// ResourceSet and the errors list, including edits after a rename-replace,
// which fs.watch(recursive) on Linux stops reporting.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/observability/log.ts";
import { FileSource } from "../../../src/watch/file/source.ts";
import { until } from "../../helpers/until.ts";

let root: string;
let dir: string;
let source: FileSource;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "switchyard-watch-"));
  dir = join(root, "config");
  cpSync("examples", dir, { recursive: true });
  source = new FileSource({ dir, logger: silentLogger(), debounceMs: 10 });
  await source.start();
});

afterEach(async () => {
  await source.stop();
  rmSync(root, { recursive: true, force: true });
});

function route(name: string, host: string): string {
  return [
    "apiVersion: gateway.networking.k8s.io/v1",
    "kind: HTTPRoute",
    `metadata: { name: ${name}, namespace: default }`,
    "spec:",
    "  parentRefs: [{ name: eg }]",
    `  hostnames: [${host}]`,
    "  rules: [{ backendRefs: [{ name: shop-v1, port: 8080 }] }]",
    "",
  ].join("\n");
}

const BROKEN = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: [\n";

const hostsOf = (name: string) => source.current().get("HTTPRoute", `default/${name}`)?.spec.hostnames?.join(",");
const errorFiles = () => source.errors().map((e) => e.file.split("/").at(-1)).join(",");

/** Waits until route `name` has hostname `host` (undefined: the route is gone). */
function hostBecomes(name: string, host: string | undefined) {
  return until(`HTTPRoute ${name} hostnames = ${host}`, () => hostsOf(name), (h) => h === host, (wake) => source.onChange(wake));
}

function errorsBecome(files: string) {
  return until(`errors in [${files}]`, errorFiles, (f) => f === files, (wake) => source.onChange(wake));
}

describe("file source watching", () => {
  it("sees an in-place write", async () => {
    writeFileSync(join(dir, "httproute.yaml"), route("shop", "a.example.com"));
    await hostBecomes("shop", "a.example.com");
  });

  it("keeps seeing in-place edits, errors and fixes after a file was replaced by rename", async () => {
    const file = join(dir, "httproute.yaml");
    writeFileSync(join(dir, "httproute.yaml.tmp"), route("shop", "renamed.example.com"));
    renameSync(join(dir, "httproute.yaml.tmp"), file);
    await hostBecomes("shop", "renamed.example.com");

    writeFileSync(file, route("shop", "edited.example.com"));
    await hostBecomes("shop", "edited.example.com");

    writeFileSync(file, BROKEN);
    await errorsBecome("httproute.yaml");
    expect(hostsOf("shop")).toBe("edited.example.com"); // the last good version keeps serving

    writeFileSync(file, route("shop", "fixed.example.com"));
    await errorsBecome("");
    await hostBecomes("shop", "fixed.example.com");
  });

  it("sees sed -i twice in a row", async () => {
    const file = join(dir, "httproute.yaml");
    execFileSync("sed", ["-i", "s/shop.example.com/one.example.com/", file]);
    await hostBecomes("shop", "one.example.com");
    execFileSync("sed", ["-i", "s/one.example.com/two.example.com/", file]);
    await hostBecomes("shop", "two.example.com");
  });

  it("forgets a deleted file and its errors, and sees it re-created", async () => {
    const file = join(dir, "httproute.yaml");
    writeFileSync(join(dir, "broken.yaml"), BROKEN);
    await errorsBecome("broken.yaml");
    unlinkSync(join(dir, "broken.yaml"));
    await errorsBecome("");

    unlinkSync(file);
    await hostBecomes("shop", undefined);
    writeFileSync(file, route("shop", "again.example.com"));
    await hostBecomes("shop", "again.example.com");
    writeFileSync(file, route("shop", "again-edited.example.com"));
    await hostBecomes("shop", "again-edited.example.com");
  });

  it("follows a renamed directory and the edits inside it", async () => {
    mkdirSync(join(dir, "team"));
    writeFileSync(join(dir, "team", "extra.yaml"), route("extra", "team.example.com"));
    await hostBecomes("extra", "team.example.com");

    renameSync(join(dir, "team"), join(dir, "team-renamed"));
    writeFileSync(join(dir, "team-renamed", "extra.yaml"), route("extra", "moved.example.com"));
    await hostBecomes("extra", "moved.example.com");
    expect(source.errors()).toEqual([]);

    renameSync(join(dir, "team-renamed"), join(root, "outside"));
    await hostBecomes("extra", undefined);
  });

  it("sees an editor's atomic save (write a temp file, rename it over) and later edits", async () => {
    const file = join(dir, "httproute.yaml");
    for (const host of ["save-1.example.com", "save-2.example.com"]) {
      const tmp = join(dir, `.httproute.yaml.${host}.swp`);
      writeFileSync(tmp, route("shop", host));
      renameSync(tmp, file);
      await hostBecomes("shop", host);
    }
    // vim's backupcopy=no: the original moves to a backup, a new file is written, the backup goes.
    renameSync(file, `${file}~`);
    writeFileSync(file, route("shop", "vim.example.com"));
    unlinkSync(`${file}~`);
    await hostBecomes("shop", "vim.example.com");
    writeFileSync(file, route("shop", "after-vim.example.com"));
    await hostBecomes("shop", "after-vim.example.com");
  });

  it("follows git checkout of another branch and back", async () => {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "main");
    git("checkout", "-qb", "other");
    writeFileSync(join(dir, "httproute.yaml"), route("shop", "other.example.com"));
    writeFileSync(join(dir, "more.yaml"), route("more", "more.example.com"));
    git("add", ".");
    git("commit", "-qm", "other");
    await hostBecomes("more", "more.example.com");

    git("checkout", "-q", "main");
    await hostBecomes("more", undefined);
    await hostBecomes("shop", "shop.example.com");
    writeFileSync(join(dir, "httproute.yaml"), route("shop", "edit-on-main.example.com"));
    await hostBecomes("shop", "edit-on-main.example.com");

    git("checkout", "-q", "--", "httproute.yaml");
    await hostBecomes("shop", "shop.example.com");
    git("checkout", "-q", "other");
    await hostBecomes("shop", "other.example.com");
    await hostBecomes("more", "more.example.com");
  });

  it("keeps serving the last config when the whole directory goes, and says so", async () => {
    const before = source.current();
    rmSync(dir, { recursive: true });
    const errs = await until(
      "an error about the directory",
      () => source.errors(),
      (e) => e.some((x) => x.message.startsWith("cannot read the config directory")),
      (wake) => source.onChange(wake),
    );
    expect(errs.map((e) => e.message)).toEqual([expect.stringMatching(/^cannot read the config directory/)]);
    expect(source.current()).toBe(before);
    expect(hostsOf("shop")).toBe("shop.example.com");
  });
});
