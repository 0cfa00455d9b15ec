// Tokenizes TypeScript with VS Code's own TextMate engine and grammars (those of a
// code-server installation) plus our injection grammar, and checks which text is SQL and
// that TypeScript's own scopes are back to normal after each call or template.
//
//   DOLS_CODE_SERVER=/path/to/code-server node test/e2e/grammar.mjs
//
// Exits 1 with the differences when a check fails.

import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = realpathSync(process.env.DOLS_CODE_SERVER || "code-server");
// bin is .../code-server/out/node/entry.js; VS Code sits in .../code-server/lib/vscode.
const vscode = resolve(dirname(bin), "../../lib/vscode");
const require = createRequire(join(vscode, "package.json"));
const tm = require("vscode-textmate");
const onig = require("vscode-oniguruma");

const grammars = {
  "source.ts": join(vscode, "extensions/typescript-basics/syntaxes/TypeScript.tmLanguage.json"),
  "source.sql": join(vscode, "extensions/sql/syntaxes/sql.tmLanguage.json"),
  "dols.sql.injection": resolve(here, "../../syntaxes/sql-injection.tmLanguage.json"),
};

const SAMPLE = `class A {
  m(id: number) {
    this.sql.exec("SELECT id FROM t WHERE a = ?", f(1), "x");
    this.ctx.storage.sql.exec<{ id: number }>(
      \`CREATE TABLE x (id INTEGER)\`,
    );
    const q = this.sql\`SELECT * FROM t WHERE id = \${id}\`;
    sql.exec(query, 1);
    run("SELECT not sql");
    return kv.get<Window>("window");
  }
}`;

// [text, the scope it must have or (with "!") must not have]
const CHECKS = [
  ["SELECT id FROM t WHERE a = ?", "meta.embedded.block.sql"],
  ['"x"', "!meta.embedded.block.sql"],
  ["CREATE TABLE x (id INTEGER)", "meta.embedded.block.sql"],
  ["SELECT * FROM t WHERE id = ", "meta.embedded.block.sql"],
  ["const", "storage.type.ts"],
  ["query", "variable.other.readwrite.ts"],
  ['SELECT not sql', "!meta.embedded.block.sql"],
  ["window", "!meta.embedded.block.sql"],
  ["return", "keyword.control.flow.ts"],
];

await onig.loadWASM(readFileSync(join(vscode, "node_modules/vscode-oniguruma/release/onig.wasm")).buffer);
const registry = new tm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (s) => new onig.OnigScanner(s), createOnigString: (s) => new onig.OnigString(s) }),
  loadGrammar: async (scope) => (grammars[scope] ? tm.parseRawGrammar(readFileSync(grammars[scope], "utf8"), grammars[scope]) : null),
  getInjections: (scope) => (scope === "source.ts" ? ["dols.sql.injection"] : undefined),
});
const grammar = await registry.loadGrammar("source.ts");

// Every token with its scopes, in order.
const tokens = [];
let state = tm.INITIAL;
for (const line of SAMPLE.split("\n")) {
  const r = grammar.tokenizeLine(line, state);
  for (const t of r.tokens) tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
  state = r.ruleStack;
}

const failures = [];
for (const [text, want] of CHECKS) {
  const negate = want.startsWith("!");
  const scope = negate ? want.slice(1) : want;
  // The tokens that make up the first occurrence of `text`.
  const joined = tokens.map((t) => t.text).join("");
  const at = joined.indexOf(text);
  let pos = 0;
  const covering = tokens.filter((t) => {
    const start = pos;
    pos += t.text.length;
    return pos > at && start < at + text.length && t.text.trim() !== "";
  });
  const ok = covering.length > 0 && covering.every((t) => t.scopes.includes(scope) !== negate);
  if (!ok) failures.push(`${JSON.stringify(text)} should ${negate ? "not " : ""}have ${scope}: ${JSON.stringify(covering)}`);
}
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`the SQL injection grammar passed ${CHECKS.length} checks`);
