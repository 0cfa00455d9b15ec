// Builds the extension and packs it into dols-<version>.vsix with @vscode/vsce.
//
// A dols binary is shipped inside when one is found: $DOLS_BINARY, else the release build
// and then the debug build of the cargo target directory ($CARGO_TARGET_DIR, else the
// repository's target/). Without one (or with DOLS_BINARY=none), the packaged extension
// looks for `dols` on PATH.
//
//   npm run package                 # dols-<version>.vsix in this folder
//   DOLS_BINARY=/path/to/dols npm run package

import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = resolve(here, "../..");
const exe = process.platform === "win32" ? "dols.exe" : "dols";
const manifest = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

function findBinary() {
  if (process.env.DOLS_BINARY === "none") return undefined;
  if (process.env.DOLS_BINARY) {
    if (!existsSync(process.env.DOLS_BINARY)) throw new Error(`DOLS_BINARY=${process.env.DOLS_BINARY} does not exist`);
    return process.env.DOLS_BINARY;
  }
  const target = process.env.CARGO_TARGET_DIR || join(repo, "target");
  return ["release", "debug"].map((profile) => join(target, profile, exe)).find((p) => existsSync(p));
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, stdio: "inherit" });

run(process.execPath, ["scripts/build.mjs", "--minify"]);

rmSync(join(here, "server"), { recursive: true, force: true });
const binary = findBinary();
if (binary) {
  mkdirSync(join(here, "server"));
  copyFileSync(binary, join(here, "server", exe));
  chmodSync(join(here, "server", exe), 0o755);
  console.log(`shipping ${binary}`);
} else {
  console.log("no dols binary found (set DOLS_BINARY): the extension will look for `dols` on PATH");
}

const out = `${manifest.name}-${manifest.version}.vsix`;
const vsce = join(here, "node_modules", "@vscode", "vsce", "vsce");
run(process.execPath, [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out]);
console.log(`wrote ${join(here, out)}`);
