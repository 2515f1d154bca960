// Stages the Envoy API protos from @grpc/grpc-js-xds into proto/.deps, patches
// its stale validate.proto, and generates protobuf-es code into src/gen with buf.
// Runs at `npm install` (skipped when src/gen is current) and as `npm run gen`.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const force = process.argv.includes("--force");
const staged = join(root, "proto", ".deps");
const out = join(root, "src", "gen");
const stampFile = join(out, ".stamp");

function fail(msg) {
  console.error(`gen-protos: ${msg}`);
  process.exit(1);
}

/** src/gen/registry.js: every generated file, so Any fields can be printed as JSON. */
function writeRegistry() {
  const files = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("_pb.js")).sort();
  const lines = ['import { createRegistry } from "@bufbuild/protobuf";'];
  const names = [];
  files.forEach((f, i) => {
    lines.push(`import { ${fileExportName(join(out, f))} as f${i} } from "./${f.split("\\").join("/")}";`);
    names.push(`f${i}`);
  });
  lines.push(`export const registry = createRegistry(${names.join(", ")});`);
  writeFileSync(join(out, "registry.js"), lines.join("\n") + "\n");
  writeFileSync(
    join(out, "registry.d.ts"),
    'import type { Registry } from "@bufbuild/protobuf";\nexport declare const registry: Registry;\n',
  );
}

function fileExportName(path) {
  const m = /export const (file_\w+)/.exec(readFileSync(path, "utf8"));
  if (!m) fail(`no file descriptor export in ${path}`);
  return m[1];
}

let xdsPkg;
try {
  xdsPkg = dirname(require.resolve("@grpc/grpc-js-xds/package.json"));
} catch {
  if (existsSync(stampFile)) process.exit(0); // production install without devDependencies
  fail("@grpc/grpc-js-xds is not installed; run `npm install` (devDependencies are needed to generate)");
}
const deps = join(xdsPkg, "deps");
const listFile = join(root, "proto", "envoy-protos.txt");
const patchFile = join(root, "proto", "validate-ignore-empty.patch");
const protos = readFileSync(listFile, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));

const stamp = createHash("sha256")
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(readFileSync(listFile))
  .update(readFileSync(patchFile))
  .update(readFileSync(join(root, "buf.gen.yaml")))
  .update(readFileSync(join(xdsPkg, "package.json")))
  .update(readFileSync(require.resolve("@bufbuild/protoc-gen-es/package.json")))
  .digest("hex");
if (!force && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) process.exit(0);

rmSync(staged, { recursive: true, force: true });
mkdirSync(staged, { recursive: true });
for (const mod of ["envoy-api", "xds", "googleapis"]) cpSync(join(deps, mod), join(staged, mod), { recursive: true });
cpSync(join(deps, "protoc-gen-validate", "validate"), join(staged, "protoc-gen-validate", "validate"), { recursive: true });

const { applyPatch } = await import("diff");
const validateFile = join(staged, "protoc-gen-validate", "validate", "validate.proto");
const patched = applyPatch(readFileSync(validateFile, "utf8"), readFileSync(patchFile, "utf8"), { fuzzFactor: 0 });
if (patched === false) fail(`${patchFile} does not apply to ${validateFile}; the package's validate.proto changed`);
writeFileSync(validateFile, patched);

const pathArgs = [];
for (const p of protos) {
  const mod = ["envoy-api", "xds", "googleapis"].find((m) => existsSync(join(staged, m, p)));
  if (!mod) fail(`${p} (listed in proto/envoy-protos.txt) is not in ${deps}`);
  pathArgs.push("--path", join("proto", ".deps", mod, p));
}
rmSync(out, { recursive: true, force: true });
const buf = join(dirname(require.resolve("@bufbuild/buf/package.json")), "bin", "buf");
try {
  execFileSync(buf, ["generate", "--template", "buf.gen.yaml", ...pathArgs], { cwd: root, stdio: "inherit" });
} catch {
  fail("buf generate failed (see above)");
}
writeRegistry();
writeFileSync(stampFile, stamp);
console.log(`gen-protos: generated ${protos.length} Envoy protos and their imports into src/gen`);
