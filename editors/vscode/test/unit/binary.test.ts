import assert from "node:assert/strict";
import { test } from "node:test";

import { type BinaryInputs, expandConfigured, resolveBinary, shippedBinary } from "../../src/binary";

function inputs(executables: string[], over: Partial<BinaryInputs> = {}): BinaryInputs {
  return {
    configured: "",
    workspaceFolder: "/home/me/app",
    extensionPath: "/ext/dols-0.1.0",
    platform: "linux",
    searchPath: "/usr/local/bin:/usr/bin",
    home: "/home/me",
    isExecutable: (file) => executables.includes(file),
    ...over,
  };
}

test("the setting wins over the shipped binary and PATH", () => {
  const all = ["/opt/dols/bin/dols", "/ext/dols-0.1.0/server/dols", "/usr/bin/dols"];
  assert.deepEqual(resolveBinary(inputs(all, { configured: "/opt/dols/bin/dols" })), {
    ok: true,
    path: "/opt/dols/bin/dols",
    source: "setting",
  });
});

test("without a setting the shipped binary comes before PATH", () => {
  const all = ["/ext/dols-0.1.0/server/dols", "/usr/bin/dols"];
  assert.deepEqual(resolveBinary(inputs(all)), { ok: true, path: "/ext/dols-0.1.0/server/dols", source: "shipped" });
  assert.deepEqual(resolveBinary(inputs(["/usr/bin/dols"])), { ok: true, path: "/usr/bin/dols", source: "PATH" });
});

test("PATH is searched in order, skipping empty entries", () => {
  const found = resolveBinary(inputs(["/usr/local/bin/dols", "/usr/bin/dols"], { searchPath: ":/usr/local/bin::/usr/bin" }));
  assert.deepEqual(found, { ok: true, path: "/usr/local/bin/dols", source: "PATH" });
});

test("a setting that names nothing is an error, not a silent fallback", () => {
  const found = resolveBinary(inputs(["/usr/bin/dols"], { configured: "bin/dols" }));
  assert.equal(found.ok, false);
  assert.match(!found.ok ? found.message : "", /dols\.server\.path names \/home\/me\/app\/bin\/dols/);
});

test("no binary anywhere: the message says how to fix it", () => {
  const found = resolveBinary(inputs([], { searchPath: undefined }));
  assert.equal(found.ok, false);
  const message = !found.ok ? found.message : "";
  assert.match(message, /cargo install --path server\/cli/);
  assert.match(message, /dols\.server\.path/);
});

test("the setting expands ~, ${workspaceFolder} and relative paths", () => {
  const where = { workspaceFolder: "/home/me/app", home: "/home/me", platform: "linux" as const };
  assert.equal(expandConfigured("~/.cargo/bin/dols", where), "/home/me/.cargo/bin/dols");
  assert.equal(expandConfigured("${workspaceFolder}/target/release/dols", where), "/home/me/app/target/release/dols");
  assert.equal(expandConfigured("target/debug/dols", where), "/home/me/app/target/debug/dols");
  assert.equal(expandConfigured(" /abs/dols ", where), "/abs/dols");
});

test("on Windows the binary is dols.exe and PATH uses ;", () => {
  assert.equal(shippedBinary("C:\\ext", "win32"), "C:\\ext\\server\\dols.exe");
  const found = resolveBinary(
    inputs(["C:\\tools\\dols.exe"], { platform: "win32", extensionPath: "C:\\ext", searchPath: "C:\\Windows;C:\\tools", workspaceFolder: "C:\\app" }),
  );
  assert.deepEqual(found, { ok: true, path: "C:\\tools\\dols.exe", source: "PATH" });
});
