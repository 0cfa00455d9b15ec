import assert from "node:assert/strict";
import { test } from "node:test";

import { isSchemaAnswer, SchemaStore, schemaPath } from "../../src/schema";
import { LEVELS, lintProperties, parseRules } from "../../scripts/lint-properties.mjs";

test("schema documents are named after the class, with a .sql name", () => {
  assert.equal(schemaPath("ChatRoom"), "/ChatRoom.sql");
  assert.equal(schemaPath("a/b c"), "/a_b_c.sql");
});

test("the server's answer is checked before use", () => {
  assert.equal(isSchemaAnswer(null), false);
  assert.equal(isSchemaAnswer({ class: "Room" }), false);
  assert.equal(isSchemaAnswer({ class: "Room", uri: null, sql: "-- Room\n" }), true);
});

test("the store answers the text it was given, and says when it forgot", () => {
  const store = new SchemaStore();
  store.set("/Room.sql", "CREATE TABLE t (a);\n");
  assert.equal(store.get("/Room.sql"), "CREATE TABLE t (a);\n");
  assert.match(store.get("/Other.sql"), /run the command again/);
});

test("lint settings are made from the lines of `dols rules`", () => {
  const output = "stub-call-not-awaited                  warning  A stub call whose promise is dropped.\nkv-backend-class   hint     A class on the key-value backend.\n\nSet a level per rule in dols.toml.\n";
  assert.deepEqual(parseRules(output).map((r) => [r.code, r.level]), [
    ["stub-call-not-awaited", "warning"],
    ["kv-backend-class", "hint"],
  ]);
  const props = lintProperties(output);
  assert.deepEqual(Object.keys(props), ["dols.lint.stub-call-not-awaited", "dols.lint.kv-backend-class"]);
  assert.deepEqual(props["dols.lint.kv-backend-class"], {
    type: "string",
    enum: LEVELS,
    default: "default",
    markdownDescription: "A class on the key-value backend. Its own level is `hint`.",
  });
  assert.throws(() => parseRules("oneword\n"), /unexpected line/);
});
