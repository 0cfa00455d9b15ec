// Bundles the extension with esbuild into dist/extension.js (`vscode` stays external).
//   --tests  also bundles the unit tests into dist/test/ (for `node --test`)
//   --watch  rebuilds on change
//   --minify for the packaged extension

import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

const args = new Set(process.argv.slice(2));
const common = { bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: !args.has("--minify"), logLevel: "info" };

const builds = [
  { ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js", external: ["vscode"], minify: args.has("--minify") },
];
if (args.has("--tests")) {
  const tests = readdirSync("test/unit").filter((f) => f.endsWith(".test.ts")).map((f) => `test/unit/${f}`);
  builds.push({ ...common, entryPoints: tests, outdir: "dist/test" });
}

if (args.has("--watch")) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
