import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { lintCodesOf, needsRestart, serverSettings, type SettingsSource } from "../../src/settings";

function source(values: Record<string, unknown>): SettingsSource {
  return {
    get: <T>(key: string) => values[key] as T | undefined,
    lintCodes: () => Object.keys(values).filter((k) => k.startsWith("lint.")).map((k) => k.slice("lint.".length)),
  };
}

test("defaults send no lint levels, empty SQL lists and auto", () => {
  assert.deepEqual(serverSettings(source({})), {
    dols: {
      lint: {},
      sql: { tags: [], wrappers: [], exclude: [], migrations: [] },
      completion: { apiMembers: "auto" },
    },
  });
});

test("lint levels other than default are sent; unknown values are dropped", () => {
  const settings = serverSettings(
    source({ "lint.stub-call-not-awaited": "error", "lint.alarm-overwrite": "default", "lint.kv-backend-class": "loud", "lint.prefer-sync-kv": "off" }),
  );
  assert.deepEqual(settings.dols.lint, { "stub-call-not-awaited": "error", "prefer-sync-kv": "off" });
});

test("SQL lists keep trimmed strings only, migrations included", () => {
  const settings = serverSettings(
    source({ "sql.tags": [" db.sql ", "", 3], "sql.wrappers": "this.query", "sql.exclude": ["test/**"], "sql.migrations": ["migrations", "schema.sql"] }),
  );
  assert.deepEqual(settings.dols.sql, { tags: ["db.sql"], wrappers: [], exclude: ["test/**"], migrations: ["migrations", "schema.sql"] });
  const scoped = serverSettings(source({ "sql.migrations": [" drizzle ", { path: "sql/chat", classes: ["ChatRoom", 1] }, { classes: ["X"] }, 7] }));
  assert.deepEqual(scoped.dols.sql.migrations, ["drizzle", { path: "sql/chat", classes: ["ChatRoom"] }]);
});

test("apiMembers passes known values and falls back to auto", () => {
  assert.equal(serverSettings(source({ "completion.apiMembers": "never" })).dols.completion.apiMembers, "never");
  assert.equal(serverSettings(source({ "completion.apiMembers": "always" })).dols.completion.apiMembers, "always");
  assert.equal(serverSettings(source({ "completion.apiMembers": "sometimes" })).dols.completion.apiMembers, "auto");
});

test("lint codes come from the lint object of the section", () => {
  assert.deepEqual(lintCodesOf({ lint: { b: "off", a: "default" } }), ["a", "b"]);
  assert.deepEqual(lintCodesOf({ lint: undefined }), []);
  assert.deepEqual(lintCodesOf(null), []);
});

test("only a new binary path restarts the server", () => {
  assert.equal(needsRestart((k) => k === "dols.server.path"), true);
  assert.equal(needsRestart((k) => k === "dols.lint.prefer-sync-kv" || k === "dols"), false);
});

test("every setting package.json contributes is one the mapping or the client reads", () => {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", `file://${__filename}`), "utf8"));
  const keys = Object.keys(manifest.contributes.configuration.properties);
  const read = new Set(["dols.server.path", "dols.trace.server", "dols.completion.apiMembers", "dols.sql.tags", "dols.sql.wrappers", "dols.sql.exclude", "dols.sql.migrations"]);
  for (const key of keys) {
    assert.ok(read.has(key) || key.startsWith("dols.lint."), `${key} is contributed but nothing reads it`);
  }
  const lint = keys.filter((k) => k.startsWith("dols.lint."));
  assert.ok(lint.length > 0, "the lint settings are generated from `dols rules`");
  for (const key of lint) {
    const prop = manifest.contributes.configuration.properties[key];
    assert.deepEqual(prop.enum, ["default", "off", "hint", "info", "warning", "error"], key);
    assert.equal(prop.default, "default", key);
  }
});
