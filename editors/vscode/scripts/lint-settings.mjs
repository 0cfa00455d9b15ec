// Writes the `dols.lint.<code>` settings of package.json from the server's rule list
// (`dols rules`), or with `--check` fails when package.json is out of date.
//
//   node scripts/lint-settings.mjs [--check] [--dols PATH]
//
// The binary is PATH from `--dols`, else $DOLS_BINARY, else `dols` on PATH.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lintProperties } from "./lint-properties.mjs";

const args = process.argv.slice(2);
const check = args.includes("--check");
const at = args.indexOf("--dols");
const dols = at >= 0 ? args[at + 1] : process.env.DOLS_BINARY || "dols";

const manifestPath = fileURLToPath(new URL("../package.json", import.meta.url));
const text = readFileSync(manifestPath, "utf8");
const manifest = JSON.parse(text);
const rules = execFileSync(dols, ["rules"], { encoding: "utf8" });

const props = manifest.contributes.configuration.properties;
const kept = Object.entries(props).filter(([key]) => !key.startsWith("dols.lint."));
manifest.contributes.configuration.properties = Object.fromEntries([...kept, ...Object.entries(lintProperties(rules))]);
const updated = JSON.stringify(manifest, null, 2) + "\n";

if (check) {
  if (updated !== text) {
    console.error("package.json's dols.lint.* settings differ from `dols rules`: run `npm run lint-settings`.");
    process.exit(1);
  }
  console.log("package.json's dols.lint.* settings match `dols rules`.");
} else if (updated !== text) {
  writeFileSync(manifestPath, updated);
  console.log("updated the dols.lint.* settings of package.json");
}
