import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

// The handlers a Durable Object class may define. TypeScript (with the Workers types) or dols
// offers each of them by name inside a class body, so a static snippet must not be found by the
// name: `alarm-handler` beside TypeScript's `alarm?` lists the alarm handler twice.
const HANDLERS = ["fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"];

type Snippet = { prefix: string | string[]; body: string[]; description: string };

function snippets(file: string): Record<string, Snippet> {
  return JSON.parse(readFileSync(join(__dirname, "..", "..", "snippets", file), "utf8"));
}

test("no TypeScript snippet stands for a single handler", () => {
  for (const [name, s] of Object.entries(snippets("typescript.json"))) {
    for (const prefix of ([] as string[]).concat(s.prefix)) {
      const letters = prefix.toLowerCase().replace(/[^a-z]/g, "");
      for (const handler of HANDLERS) {
        assert.ok(!letters.startsWith(handler.toLowerCase()), `${name}: ${prefix} would list ${handler} a second time`);
      }
    }
  }
});

test("the WebSocket snippet accepts with hibernation and defines the handlers that then receive", () => {
  const s = snippets("typescript.json")["WebSocket hibernation"];
  assert.ok(s, "the WebSocket hibernation snippet exists");
  const body = s.body.join("\n");
  assert.match(body, /this\.ctx\.acceptWebSocket\(server\)/);
  assert.doesNotMatch(body, /server\.accept\(\)/, "accept() on the socket would keep the object in memory");
  assert.match(body, /async webSocketMessage\(/);
  assert.match(body, /async webSocketClose\(/);
});
