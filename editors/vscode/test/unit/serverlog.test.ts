import assert from "node:assert/strict";
import { test } from "node:test";

import { LineSplitter, parseLogLine } from "../../src/serverlog";

test("log lines keep their level", () => {
  assert.deepEqual(parseLogLine("[info] loaded 2 files"), { level: "info", message: "loaded 2 files" });
  assert.deepEqual(parseLogLine("[warn] settings: unknown value"), { level: "warn", message: "settings: unknown value" });
  assert.deepEqual(parseLogLine("[trace] x"), { level: "trace", message: "x" });
});

test("other lines are errors (a panic's message, a crash)", () => {
  assert.deepEqual(parseLogLine("thread 'main' panicked at src/x.rs"), { level: "error", message: "thread 'main' panicked at src/x.rs" });
  assert.deepEqual(parseLogLine("[loud] x"), { level: "error", message: "[loud] x" });
});

test("chunks are cut into whole lines", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push("[info] a\n[inf"), ["[info] a"]);
  assert.deepEqual(s.push("o] b\r\n\n[debug] c"), ["[info] b"]);
  assert.deepEqual(s.flush(), ["[debug] c"]);
  assert.deepEqual(s.flush(), []);
});
