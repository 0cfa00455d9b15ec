//! Lint fixtures: each rule with code that must fire and code that must stay silent.
//! Run with `UPDATE_EXPECT=1` to rewrite the snapshots after an intended change.

use std::path::{Path, PathBuf};

use expect_test::{expect, Expect};

use crate::test_support::{fixture, render_diagnostics};
use crate::Analysis;

const CONFIG: &str = r#"//- /w/wrangler.jsonc
{
  "main": "src/index.ts",
  "compatibility_date": "2026-01-01",
  "durable_objects": { "bindings": [
    { "name": "ROOM", "class_name": "Room" },
    { "name": "CHAT", "class_name": "Chat" }
  ] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room", "Chat"] }]
}
"#;

fn load(src: &str) -> Analysis {
    fixture(src).analysis
}

/// The lint diagnostics of `/w/src/index.ts` in a project with `CONFIG`, each under its line.
/// `prefer-sync-kv` hints at every asynchronous `storage.get/put` of the fixtures, which use
/// them on purpose: its own tests ask for it with [`lints_with`].
fn lints_of(src: &str) -> String {
    let a = load(&format!("{CONFIG}{src}"));
    render_without(&a, Path::new("/w/src/index.ts"), &["prefer-sync-kv"])
}

fn lints_with(src: &str) -> String {
    let a = load(&format!("{CONFIG}{src}"));
    render(&a, Path::new("/w/src/index.ts"))
}

fn render(a: &Analysis, path: &Path) -> String {
    render_without(a, path, &[])
}

fn render_without(a: &Analysis, path: &Path, skip: &[&str]) -> String {
    render_diagnostics(a, path, |d| (super::rule(d.code).is_some() && !skip.contains(&d.code)) || d.code == "settings-invalid", "no lints")
}

fn check(src: &str, expect: Expect) {
    expect.assert_eq(&lints_of(src));
}

fn silent(src: &str) {
    assert_eq!(lints_of(src), "no lints\n", "expected no lints for:\n{src}");
}

/// Applies the first fix of the first diagnostic with `code` and returns the new text.
fn apply_fix(src: &str, code: &str) -> String {
    let a = load(&format!("{CONFIG}{src}"));
    let path = Path::new("/w/src/index.ts");
    let d = a.diagnostics(path).into_iter().find(|d| d.code == code).expect("a diagnostic");
    let fix = d.fixes.first().expect("a fix");
    let mut text = a.file(path).unwrap().text().to_string();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in edits {
        assert_eq!(e.file, path);
        text.replace_range(e.range.as_range(), &e.new_text);
    }
    text
}

// ---------------------------------------------------------------- stub-call-not-awaited

#[test]
fn floating_stub_call_fires() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async join(name: string) { return name; }
}
export default {
  async fetch(request: Request, env: Env) {
    const stub = env.ROOM.getByName("a" + request.url);
    stub.join("x");
    env.ROOM.get(env.ROOM.idFromName(request.url)).join("y");
    return new Response("ok");
  },
};
"#,
        expect![[r#"
            8   |     stub.join("x");
                |     ^^^^^^^^^^^^^^ warning[stub-call-not-awaited] The promise of `join(…)` through this stub is not awaited: if the call fails, the error is lost. Await it, return it, or hand it to `ctx.waitUntil(…)`.
                = fix: Await the call
            9   |     env.ROOM.get(env.ROOM.idFromName(request.url)).join("y");
                |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[stub-call-not-awaited] The promise of `join(…)` through this stub is not awaited: if the call fails, the error is lost. Await it, return it, or hand it to `ctx.waitUntil(…)`.
                = fix: Await the call
        "#]],
    );
}

#[test]
fn floating_stub_call_fix_awaits() {
    let out = apply_fix(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async join(name: string) { return name; }
}
export default {
  async fetch(request: Request, env: Env) {
    const stub = env.ROOM.getByName(request.url);
    stub.join("x");
    return new Response("ok");
  },
};
"#,
        "stub-call-not-awaited",
    );
    expect![[r#"
        import { DurableObject } from "cloudflare:workers";
        export class Room extends DurableObject {
          async join(name: string) { return name; }
        }
        export default {
          async fetch(request: Request, env: Env) {
            const stub = env.ROOM.getByName(request.url);
            await stub.join("x");
            return new Response("ok");
          },
        };
    "#]]
    .assert_eq(&out);
}

#[test]
fn handled_stub_calls_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async join(name: string) { return name; }
}
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const stub = env.ROOM.getByName(request.url);
    await stub.join("a");
    const p = stub.join("b");
    ctx.waitUntil(stub.join("c"));
    void stub.join("d");
    await stub.join<string>("typed");
    stub.join("e").catch(() => {});
    await Promise.all([stub.join("f")]);
    const other = { join(x: string) { return x; } };
    other.join("g");
    return Response.json(await p);
  },
};
"#,
    );
}

#[test]
fn floating_call_without_async_has_no_fix() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async join(name: string) { return name; }
}
export default {
  fetch(request: Request, env: Env) {
    env.ROOM.getByName(request.url).join("x");
    return new Response("ok");
  },
};
"#,
        expect![[r#"
            7   |     env.ROOM.getByName(request.url).join("x");
                |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[stub-call-not-awaited] The promise of `join(…)` through this stub is not awaited: if the call fails, the error is lost. Await it, return it, or hand it to `ctx.waitUntil(…)`.
        "#]],
    );
}

// ------------------------------------------- reserved / fetch without handler / unknown method

#[test]
fn stub_calls_checked_against_the_class() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
class Base extends DurableObject {
  async shared() { return 1; }
}
export class Room extends Base {
  async join(name: string) { return name; }
  async alarm() {}
}
export default {
  async fetch(request: Request, env: Env) {
    const stub = env.ROOM.getByName(request.url);
    await stub.alarm();
    await stub.shared();
    await stub.join("a");
    await stub.jion("a");
    return stub.fetch(request);
  },
};
"#,
        expect![[r#"
            12  |     await stub.alarm();
                |                ^^^^^ error[reserved-method-over-rpc] `alarm` is a reserved handler: calling it through a stub throws `TypeError: 'alarm' is a reserved method and cannot be called over RPC.` Move the work into an ordinary public method and call that.
            15  |     await stub.jion("a");
                |                ^^^^ error[stub-unknown-method] `Room` has no method `jion`: the call fails with `TypeError: The RPC receiver does not implement the method "jion"` (its RPC methods: `join`, `shared`).
            16  |     return stub.fetch(request);
                |                 ^^^^^ error[stub-fetch-without-handler] `Room` has no `fetch` handler, so `stub.fetch(…)` fails at run time. Call one of its RPC methods instead, or add `async fetch(request: Request)` to the class.
        "#]],
    );
}

#[test]
fn library_bases_and_unknown_chains_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { Agent } from "agents";
import { Base } from "some-package";
export class Room extends Agent<Env> {
  async join(name: string) { return name; }
}
export class Chat extends Base {
  async say() {}
}
export default {
  async fetch(request: Request, env: Env) {
    await env.ROOM.getByName(request.url).anything();
    await env.CHAT.getByName(request.url).whatever();
    await env.CHAT.getByName(request.url).fetch(request);
    return env.ROOM.getByName(request.url).fetch(request);
  },
};
"#,
    );
}

#[test]
fn fetch_handler_and_fields_count_as_members() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  handler = async (x: number) => x;
  async fetch(request: Request) { return new Response("ok"); }
  get size() { return 1; }
}
export default {
  async fetch(request: Request, env: Env) {
    const stub = env.ROOM.getByName(request.url);
    await stub.handler(1);
    await stub.size;
    stub.id.toString();
    return stub.fetch(request);
  },
};
"#,
    );
}

// ---------------------------------------------------------------- set-alarm-without-handler

#[test]
fn set_alarm_without_handler_fires() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async schedule() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
}
export class Chat extends DurableObject {
  async schedule() {
    const storage = this.ctx.storage;
    await storage.setAlarm(Date.now() + 1000);
  }
  async alarm() {}
}
"#,
        expect![[r#"
            4   |     await this.ctx.storage.setAlarm(Date.now() + 1000);
                |                            ^^^^^^^^ warning[set-alarm-without-handler] `Room` has no `alarm()` handler, so `setAlarm` throws `TypeError: Your Durable Object class must have an alarm() handler in order to call setAlarm()`. Add `async alarm()` to the class with the scheduled work.
        "#]],
    );
}

#[test]
fn set_alarm_with_inherited_or_library_handler_is_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
import { Agent } from "agents";
class Scheduled extends DurableObject {
  async alarm() {}
}
export class Room extends Scheduled {
  async schedule() { await this.ctx.storage.setAlarm(Date.now() + 1000); }
}
export class Chat extends Agent<Env> {
  async schedule() { await this.ctx.storage.setAlarm(Date.now() + 1000); }
}
"#,
    );
}

// ------------------------------------------------------- block-concurrency-outside-constructor

#[test]
fn block_concurrency_in_a_method_fires() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async join(name: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      await this.ctx.storage.put("name", name);
    });
  }
}
"#,
        expect![[r#"
            4   |     await this.ctx.blockConcurrencyWhile(async () => {
                |                    ^^^^^^^^^^^^^^^^^^^^^ warning[block-concurrency-outside-constructor] `blockConcurrencyWhile` in `join` runs on every call and holds back every other request while it runs. Do one-time set-up (schema, loading state) in the constructor with `ctx.blockConcurrencyWhile`; storage calls are already protected by the input gate.
        "#]],
    );
}

#[test]
fn block_concurrency_in_constructor_or_guarded_is_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  ready = false;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      await this.ctx.storage.get("x");
    });
    this.load();
  }
  load() {
    this.ctx.blockConcurrencyWhile(async () => { await this.ctx.storage.list(); });
  }
  async ensure() {
    if (this.ready) return;
    await this.ctx.blockConcurrencyWhile(async () => { this.ready = true; });
  }
  async other() {
    if (!this.ready) {
      await this.ctx.blockConcurrencyWhile(async () => { this.ready = true; });
    }
  }
}
"#,
    );
}

// ---------------------------------------------------------------- io-in-block-concurrency

#[test]
fn io_in_block_concurrency_fires() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const res = await fetch("https://example.com/config");
      await this.env.CHAT.getByName("lobby").hello();
      await new Promise((r) => setTimeout(r, 100));
      await this.ctx.storage.put("config", await res.text());
    });
  }
}
export class Chat extends DurableObject {
  async hello() {}
}
"#,
        expect![[r#"
            6   |       const res = await fetch("https://example.com/config");
                |                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[io-in-block-concurrency] `fetch(…)` is awaited inside `blockConcurrencyWhile`: no other event reaches the object until it answers, and a slow answer resets the object after 30 seconds. Keep only storage work in the callback; do the I/O before or after it.
            7   |       await this.env.CHAT.getByName("lobby").hello();
                |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[io-in-block-concurrency] A call to another Durable Object is awaited inside `blockConcurrencyWhile`: no other event reaches the object until it answers, and a slow answer resets the object after 30 seconds. Keep only storage work in the callback; do the I/O before or after it.
            8   |       await new Promise((r) => setTimeout(r, 100));
                |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[io-in-block-concurrency] A timer (`setTimeout`) is awaited inside `blockConcurrencyWhile`: no other event reaches the object until it answers, and a slow answer resets the object after 30 seconds. Keep only storage work in the callback; do the I/O before or after it.
        "#]],
    );
}

#[test]
fn storage_awaits_in_block_concurrency_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject<Env> {
  value = 0;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.value = (await ctx.storage.get<number>("value")) ?? 0;
      await this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER)");
      const later = async () => { await fetch("https://example.com"); };
      this.later = later;
    });
  }
  later?: () => Promise<void>;
}
"#,
    );
}

// ------------------------------------------------------ websocket-accept-without-hibernation

const WS_ACCEPT_ONLY: &str = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    return new Response(null, { status: 101, webSocket: client });
  }
  async webSocketMessage(ws: WebSocket, message: string) { ws.send(message); }
}
"#;

#[test]
fn websocket_accept_fires_with_fix() {
    check(
        WS_ACCEPT_ONLY,
        expect![[r#"
            5   |     server.accept();
                |     ^^^^^^^^^^^^^^^ warning[websocket-accept-without-hibernation] `server.accept()` keeps this Durable Object in memory for as long as the socket is open. Use `this.ctx.acceptWebSocket(server)` so the object can hibernate between messages; handle them in `webSocketMessage` and `webSocketClose`.
                = fix: Accept with `this.ctx.acceptWebSocket(server)` (hibernation)
        "#]],
    );
    expect![[r#"
        import { DurableObject } from "cloudflare:workers";
        export class Room extends DurableObject {
          async fetch(request: Request) {
            const [client, server] = Object.values(new WebSocketPair());
            this.ctx.acceptWebSocket(server);
            return new Response(null, { status: 101, webSocket: client });
          }
          async webSocketMessage(ws: WebSocket, message: string) { ws.send(message); }
        }
    "#]]
    .assert_eq(&apply_fix(WS_ACCEPT_ONLY, "websocket-accept-without-hibernation"));
}

#[test]
fn websocket_accept_with_listeners_is_a_hint_without_fix() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch(request: Request) {
    const pair = new WebSocketPair();
    const server = pair[1];
    server.accept();
    server.addEventListener("message", (e) => server.send(String(e.data)));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
}
"#,
        expect![[r#"
            6   |     server.accept();
                |     ^^^^^^^^^^^^^^^ hint[websocket-accept-without-hibernation] `server.accept()` keeps this Durable Object in memory for as long as the socket is open. With `this.ctx.acceptWebSocket(server)` it could hibernate between messages; the event listeners would move to the `webSocketMessage` and `webSocketClose` handlers.
        "#]],
    );
}

#[test]
fn websocket_accept_outside_durable_objects_or_of_client_sockets_is_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async connect(url: string) {
    const res = await fetch(url, { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket!;
    ws.accept();
  }
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }
}
export default {
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    return new Response(null, { status: 101, webSocket: client });
  },
};
"#,
    );
}

// ---------------------------------------------------------------- global-singleton-stub

#[test]
fn global_singleton_fires_on_constant_names() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject { async hello() {} }
export default {
  async fetch(request: Request, env: Env) {
    await env.ROOM.getByName("global").hello();
    const id = env.ROOM.idFromName(`singleton`);
    return new Response(id.toString());
  },
};
"#,
        expect![[r#"
            5   |     await env.ROOM.getByName("global").hello();
                |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint[global-singleton-stub] `getByName("global")` sends every request to the same Durable Object, which runs one request at a time in one place. If the state can be split (per user, room, document), derive the name from that key so that the load spreads over many objects.
            6   |     const id = env.ROOM.idFromName(`singleton`);
                |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint[global-singleton-stub] `idFromName(`singleton`)` sends every request to the same Durable Object, which runs one request at a time in one place. If the state can be split (per user, room, document), derive the name from that key so that the load spreads over many objects.
        "#]],
    );
}

#[test]
fn names_with_a_variable_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject { async hello() {} }
export default {
  async fetch(request: Request, env: Env) {
    const room = new URL(request.url).pathname;
    await env.ROOM.getByName(room).hello();
    await env.ROOM.getByName(`room-${room}`).hello();
    const other = new Map<string, string>();
    other.get("global");
    return new Response("ok");
  },
};
"#,
    );
}

// ---------------------------------------------------------------- timers-in-durable-object

#[test]
fn timers_in_durable_object() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async start() {
    setInterval(() => this.tick(), 1000);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  tick() {}
}
export default {
  async fetch() {
    setTimeout(() => {}, 10);
    return new Response("ok");
  },
};
"#,
        expect![[r#"
            4   |     setInterval(() => this.tick(), 1000);
                |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint[timers-in-durable-object] `setInterval` in a Durable Object does not survive eviction or a restart, and keeps the object in memory while pending. For work that must happen later, use an alarm: `this.ctx.storage.setAlarm(Date.now() + ms)` and an `alarm()` handler.
        "#]],
    );
}

// ---------------------------------------------------------------- configuration

const FLOATING: &str = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async join(name: string) { return name; }
}
export default {
  async fetch(request: Request, env: Env) {
    env.ROOM.getByName(request.url).join("a");
    // dols-ignore stub-call-not-awaited
    env.ROOM.getByName(request.url).join("b");
    return new Response("ok");
  },
};
"#;

#[test]
fn ignore_comment_silences_the_next_line_only() {
    check(
        FLOATING,
        expect![[r#"
            7   |     env.ROOM.getByName(request.url).join("a");
                |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[stub-call-not-awaited] The promise of `join(…)` through this stub is not awaited: if the call fails, the error is lost. Await it, return it, or hand it to `ctx.waitUntil(…)`.
                = fix: Await the call
        "#]],
    );
    silent(&format!("// dols-ignore-file stub-call-not-awaited\n{}", FLOATING.replacen("//- /w/src/index.ts\n", "", 1)).replacen("// dols-ignore-file", "//- /w/src/index.ts\n// dols-ignore-file", 1));
}

#[test]
fn dols_toml_sets_levels_and_editor_settings_win() {
    let mut a = load(&format!("{CONFIG}//- /w/dols.toml\n[lint]\nstub-call-not-awaited = \"error\"\n{FLOATING}"));
    let path = Path::new("/w/src/index.ts");
    let sev: Vec<_> = a.diagnostics(path).iter().filter(|d| d.code == "stub-call-not-awaited").map(|d| d.severity).collect();
    assert_eq!(sev, vec![crate::Severity::Error]);
    let mut levels = crate::settings::LintLevels::new();
    levels.insert("stub-call-not-awaited".into(), crate::settings::Level::Off);
    a.set_lint_overrides(levels);
    assert!(a.diagnostics(path).iter().all(|d| d.code != "stub-call-not-awaited"));
}

#[test]
fn bad_dols_toml_gets_a_diagnostic() {
    let a = load(&format!("{CONFIG}//- /w/dols.toml\n[lint]\nstub-call-not-awaited = \"loud\"\n"));
    expect![[r#"
        2   | stub-call-not-awaited = "loud"
            | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[settings-invalid] The level of `stub-call-not-awaited` must be one of "off", "hint", "info", "warning", "error".
    "#]]
    .assert_eq(&render(&a, Path::new("/w/dols.toml")));
}

// ---------------------------------------------------------------- the example projects

#[test]
fn example_projects_have_no_lint_warnings() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples"));
    let mut a = Analysis::new();
    let mut sources = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                if !p.file_name().is_some_and(|n| n == "node_modules" || n.to_string_lossy().starts_with('.')) {
                    stack.push(p);
                }
            } else if crate::FileKind::of(&p).is_some() {
                sources.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    assert!(sources.len() >= 3, "the examples were not found");
    let paths: Vec<PathBuf> = sources.iter().map(|(p, _)| p.clone()).collect();
    a.set_files(sources);
    for p in paths {
        for d in a.diagnostics(&p) {
            if super::rule(d.code).is_some() {
                assert!(
                    d.severity > crate::Severity::Warning,
                    "{}: {} [{}] {}",
                    p.display(),
                    d.severity.as_str(),
                    d.code,
                    d.message
                );
            }
        }
    }
}

#[test]
fn classes_that_get_members_at_run_time_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
import { Lifecycle } from "./lifecycle";
export class Room extends DurableObject {
  readonly lifecycle = Lifecycle.install(this);
  async schedule() { await this.ctx.storage.setAlarm(Date.now() + 1000); }
}
export class Chat extends DurableObject {
  async hello() {}
}
Object.defineProperty(Chat.prototype, "extra", { value: () => 1 });
export default {
  async fetch(request: Request, env: Env) {
    await env.ROOM.getByName(request.url).installed();
    await env.CHAT.getByName(request.url).extra();
    return env.ROOM.getByName(request.url).fetch(request);
  },
};
"#,
    );
}

#[test]
fn tagged_templates_on_stubs_are_not_calls() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  sql(strings: TemplateStringsArray) { return strings.join(""); }
}
export default {
  async fetch(request: Request, env: Env) {
    const stub = env.ROOM.getByName(request.url);
    stub.sql`CREATE TABLE t (id INTEGER)`;
    return new Response("ok");
  },
};
"#,
    );
}

#[test]
fn short_or_computed_timers_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  delay = 5000;
  async stop() {
    setTimeout(() => this.ctx.abort("reset"), 5000);
    setTimeout(() => this.flush(), 0);
    setTimeout(() => this.flush(), 250);
    setInterval(() => this.flush(), this.delay);
  }
  flush() {}
}
"#,
    );
}

#[test]
fn singleton_names_in_tests_are_silent() {
    let a = load(&format!(
        "{CONFIG}{}",
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject { async hello() {} }
export default { fetch() { return new Response("ok"); } };
//- /w/src/room.test.ts
import { env } from "cloudflare:workers";
it("says hello", async () => {
  await env.ROOM.getByName("test-room").hello();
});
"#
    ));
    assert_eq!(render(&a, Path::new("/w/src/room.test.ts")), "no lints\n");
}

// ---------------------------------------------------------------- kv-backend-class

#[test]
fn kv_backend_class_hints_on_live_new_classes_only() {
    let a = load(
        r#"//- /w/wrangler.jsonc
{
  "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [
    { "tag": "v1", "new_classes": ["Room", "Gone"] },
    { "tag": "v2", "deleted_classes": ["Gone"] },
    { "tag": "v3", "new_sqlite_classes": ["Chat"] }
  ]
}
//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {}
export class Chat extends DurableObject {}
export default { fetch() { return new Response("ok"); } };
"#,
    );
    expect![[r#"
        5   |     { "tag": "v1", "new_classes": ["Room", "Gone"] },
            |                                    ^^^^^^ hint[kv-backend-class] `Room` is created with the key-value storage backend (`new_classes`). If it is not deployed yet, create it with `new_sqlite_classes` to get SQL, the synchronous `ctx.storage.kv` API and point-in-time recovery; a deployed key-value class cannot be converted in place.
    "#]]
    .assert_eq(&render(&a, Path::new("/w/wrangler.jsonc")));
}

#[test]
fn kv_backend_class_can_be_turned_off() {
    let a = load(
        r#"//- /w/wrangler.jsonc
{
  "main": "src/index.ts",
  "migrations": [{ "tag": "v1", "new_classes": ["Room"] }]
}
//- /w/dols.toml
[lint]
kv-backend-class = "off"
//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {}
export default { fetch() { return new Response("ok"); } };
"#,
    );
    assert_eq!(render(&a, Path::new("/w/wrangler.jsonc")), "no lints\n");
}

// ---------------------------------------------------------------- delete-all-keeps-alarm

const DELETE_ALL: &str = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async reset() {
    await this.ctx.storage.deleteAll();
  }
  async destroy() {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
  async alarm() {}
}
export class Chat extends DurableObject {
  async reset() { await this.ctx.storage.deleteAll(); }
}
"#;

#[test]
fn delete_all_with_an_alarm_on_an_old_date_hints() {
    // CONFIG's compatibility date is 2026-01-01, before deleteAll removed the alarm.
    check(
        DELETE_ALL,
        expect![[r#"
            4   |     await this.ctx.storage.deleteAll();
                |                            ^^^^^^^^^ hint[delete-all-keeps-alarm] With compatibility date 2026-01-01 (before 2026-02-24), `deleteAll()` keeps the alarm: `Room` will still wake up and run `alarm()` on empty storage. Call `await this.ctx.storage.deleteAlarm()` as well, or move to a compatibility date of 2026-02-24 or later.
        "#]],
    );
}

#[test]
fn delete_all_on_a_new_date_is_silent() {
    let src = format!("{CONFIG}{DELETE_ALL}").replace("2026-01-01", "2026-03-01");
    let a = load(&src);
    assert_eq!(render(&a, Path::new("/w/src/index.ts")), "no lints\n");
}

// ---------------------------------------------------------------- alarm-overwrite

#[test]
fn alarm_overwrite_in_loops_and_repeated_calls() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async scheduleAll(times: number[]) {
    for (const t of times) {
      await this.ctx.storage.setAlarm(t);
    }
  }
  async twice() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    await this.ctx.storage.setAlarm(Date.now() + 5000);
  }
  async alarm() {}
}
"#,
        expect![[r#"
            5   |       await this.ctx.storage.setAlarm(t);
                |                              ^^^^^^^^ hint[alarm-overwrite] `setAlarm` is called inside a loop: an object has a single alarm, and each call replaces the time set before. To keep the earliest time, read `await this.ctx.storage.getAlarm()` first and only move the alarm earlier.
            10  |     await this.ctx.storage.setAlarm(Date.now() + 5000);
                |                            ^^^^^^^^ hint[alarm-overwrite] `setAlarm` is called again after an earlier `setAlarm` in the same block: an object has a single alarm, and each call replaces the time set before. To keep the earliest time, read `await this.ctx.storage.getAlarm()` first and only move the alarm earlier.
        "#]],
    );
}

#[test]
fn alarm_in_branches_or_after_get_alarm_is_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async schedule(urgent: boolean) {
    if (urgent) {
      await this.ctx.storage.setAlarm(Date.now() + 1000);
    } else {
      await this.ctx.storage.setAlarm(Date.now() + 60000);
    }
  }
  async scheduleAll(times: number[]) {
    for (const t of times) {
      const current = await this.ctx.storage.getAlarm();
      if (current === null || t < current) await this.ctx.storage.setAlarm(t);
    }
  }
  async alarm() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async retry(items: string[]) {
    for (const item of items) {
      if (!item) {
        await this.ctx.storage.setAlarm(Date.now() + 60_000);
        return;
      }
    }
  }
}
"#,
    );
}

#[test]
fn instance_properties_set_in_the_constructor_are_members() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.join = async (name: string) => name;
    this.alarm = async () => {};
  }
  async schedule() { await this.ctx.storage.setAlarm(Date.now() + 1000); }
}
export default {
  async fetch(request: Request, env: Env) {
    await env.ROOM.getByName(request.url).join("a");
    return new Response("ok");
  },
};
"#,
    );
}

// ---------------------------------------------------------------- await-between-writes

#[test]
fn await_between_writes_fires() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject<Env> {
  async transfer(from: string, to: string, amount: number) {
    this.ctx.storage.sql.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
    await fetch("https://audit.example.com", { method: "POST" });
    this.ctx.storage.sql.exec("INSERT INTO transfers (src, dst, amount) VALUES (?, ?, ?)", from, to, amount);
  }
  async rename(name: string) {
    await this.ctx.storage.put("name", name);
    await this.env.CHAT.getByName("lobby").hello();
    await this.ctx.storage.put("renamedAt", Date.now());
  }
}
export class Chat extends DurableObject {
  async hello() {}
}
"#,
        expect![[r#"
            6   |     this.ctx.storage.sql.exec("INSERT INTO transfers (src, dst, amount) VALUES (?, ?, ?)", from, to, amount);
                |                          ^^^^ warning[await-between-writes] This write and the one on line 4 are separated by an `await` of external I/O (`fetch(…)`, line 5): they are committed separately, other events can run between them, and a failure in between leaves only the first. Do both writes before the `await` (writes with no `await` between them are committed together), or make them one `this.ctx.storage.transactionSync(() => …)`.
                = related: /w/src/index.ts:4:5 "this.ctx.storage.sql.exec(\"UPDATE accounts SET balance = balance - ? WHERE id = ?\", amount, from)" the first write
                = related: /w/src/index.ts:5:5 "await fetch(\"https://audit.example.com\", { method: \"POST\" })" the `await` between them
            11  |     await this.ctx.storage.put("renamedAt", Date.now());
                |                            ^^^ warning[await-between-writes] This write and the one on line 9 are separated by an `await` of external I/O (a call to another Durable Object, line 10): they are committed separately, other events can run between them, and a failure in between leaves only the first. Do both writes before the `await` (writes with no `await` between them are committed together), or make them one `this.ctx.storage.transactionSync(() => …)`.
                = related: /w/src/index.ts:9:11 "this.ctx.storage.put(\"name\", name)" the first write
                = related: /w/src/index.ts:10:5 "await this.env.CHAT.getByName(\"lobby\").hello()" the `await` between them
        "#]],
    );
}

#[test]
fn writes_split_by_storage_awaits_or_grouped_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject<Env> {
  async onlyStorage(name: string) {
    await this.ctx.storage.put("name", name);
    const old = await this.ctx.storage.get<number>("count");
    await this.ctx.storage.put("count", (old ?? 0) + 1);
  }
  async grouped(name: string) {
    this.ctx.storage.kv.put("name", name);
    this.ctx.storage.kv.put("renamedAt", Date.now());
    await fetch("https://example.com/notify");
  }
  async inTransaction(name: string) {
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put("name", name);
      this.ctx.storage.kv.put("renamedAt", Date.now());
    });
    await this.ctx.storage.transaction(async () => {
      await this.ctx.storage.put("a", 1);
      await fetch("https://example.com");
      await this.ctx.storage.put("b", 2);
    });
  }
  async usesTheResult(id: string) {
    this.ctx.storage.sql.exec("UPDATE jobs SET status = 'sending' WHERE id = ?", id);
    const res = await fetch("https://example.com/send");
    this.ctx.storage.sql.exec("INSERT INTO results (id, status) VALUES (?, ?)", id, res.status);
  }
  async stateChange(id: string) {
    this.ctx.storage.kv.put("status", "sending");
    await fetch("https://example.com/send");
    this.ctx.storage.kv.put("status", "sent");
  }
  async unknownAwait(name: string) {
    await this.ctx.storage.put("name", name);
    await this.helper();
    await this.ctx.storage.put("renamedAt", Date.now());
  }
  async branch(name: string, notify: boolean) {
    await this.ctx.storage.put("name", name);
    if (notify) {
      await fetch("https://example.com/notify");
    }
    await this.ctx.storage.put("renamedAt", Date.now());
  }
  async alarms(name: string) {
    await this.ctx.storage.put("name", name);
    await fetch("https://example.com/notify");
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async helper() {}
  async alarm() {}
}
"#,
    );
}

// ---------------------------------------------------------------- check-then-act-across-await

#[test]
fn check_then_act_across_await_fires() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject<Env> {
  async pay(orderId: string) {
    const order = this.ctx.storage.sql.exec<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId).one();
    if (order.status !== "pending") {
      throw new Error("already paid");
    }
    const res = await fetch("https://payments.example.com/charge", { method: "POST" });
    this.ctx.storage.sql.exec("UPDATE orders SET status = 'paid', receipt = ? WHERE id = ?", await res.text(), orderId);
  }
  async redeem(code: string) {
    const used = this.ctx.storage.kv.get<boolean>(`code:${code}`);
    if (used === true) return false;
    await this.env.CHAT.getByName(code).hello();
    this.ctx.storage.kv.put(`code:${code}`, true);
    return true;
  }
  async join(name: string) {
    const seats = await this.ctx.storage.get<number>("seats");
    if (seats !== undefined && seats > 0) {
      await scheduler.wait(100);
      await this.ctx.storage.put("seats", seats - 1);
    }
  }
}
export class Chat extends DurableObject {
  async hello() {}
}
"#,
        expect![[r#"
            9   |     this.ctx.storage.sql.exec("UPDATE orders SET status = 'paid', receipt = ? WHERE id = ?", await res.text(), orderId);
                |                          ^^^^ warning[check-then-act-across-await] This write acts on a check made before an `await` of external I/O (`fetch(…)`): the state was read and tested before that `await` (see the related locations), and other requests can run during it and pass the same test. Claim the state before the `await` (for example `UPDATE … SET status = 'busy' WHERE id = ? AND status = 'pending' RETURNING …`, and go on only if a row came back), or read and test it again after the `await`.
                = related: /w/src/index.ts:4:19 "this.ctx.storage.sql.exec<{ status: string }>(\"SELECT status FROM orders WHERE id = ?\", orderId)" the state is read here
                = related: /w/src/index.ts:5:5 "if (order.status !== \"pending\") {\n      throw new Error(\"already paid\");\n    }" and tested here
                = related: /w/src/index.ts:8:17 "await fetch(\"https://payments.example.com/charge\", { method: \"POST\" })" other events can run during this `await`
            15  |     this.ctx.storage.kv.put(`code:${code}`, true);
                |                         ^^^ warning[check-then-act-across-await] This write acts on a check made before an `await` of external I/O (a call to another Durable Object): the state was read and tested before that `await` (see the related locations), and other requests can run during it and pass the same test. Claim the state before the `await` (for example `UPDATE … SET status = 'busy' WHERE id = ? AND status = 'pending' RETURNING …`, and go on only if a row came back), or read and test it again after the `await`.
                = related: /w/src/index.ts:12:18 "this.ctx.storage.kv.get<boolean>(`code:${code}`)" the state is read here
                = related: /w/src/index.ts:13:5 "if (used === true) return false;" and tested here
                = related: /w/src/index.ts:14:5 "await this.env.CHAT.getByName(code).hello()" other events can run during this `await`
            22  |       await this.ctx.storage.put("seats", seats - 1);
                |                              ^^^ warning[check-then-act-across-await] This write acts on a check made before an `await` of external I/O (a timer (`scheduler.wait`)): the state was read and tested before that `await` (see the related locations), and other requests can run during it and pass the same test. Claim the state before the `await` (for example `UPDATE … SET status = 'busy' WHERE id = ? AND status = 'pending' RETURNING …`, and go on only if a row came back), or read and test it again after the `await`.
                = related: /w/src/index.ts:19:19 "await this.ctx.storage.get<number>(\"seats\")" the state is read here
                = related: /w/src/index.ts:20:5 "if (seats !== undefined && seats > 0) {\n      await scheduler.wait(100);\n      await this.ctx.storage.put(\"seats\", seats - 1);\n    }" and tested here
                = related: /w/src/index.ts:21:7 "await scheduler.wait(100)" other events can run during this `await`
        "#]],
    );
}

#[test]
fn claimed_rechecked_or_cached_state_is_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject<Env> {
  async payClaimed(orderId: string) {
    const order = this.ctx.storage.sql.exec<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId).one();
    if (order.status !== "pending") throw new Error("already paid");
    this.ctx.storage.sql.exec("UPDATE orders SET status = 'paying' WHERE id = ?", orderId);
    await fetch("https://payments.example.com/charge", { method: "POST" });
    this.ctx.storage.sql.exec("UPDATE orders SET status = 'paid' WHERE id = ?", orderId);
  }
  async payConditional(orderId: string) {
    const order = this.ctx.storage.sql.exec<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId).one();
    if (order.status !== "pending") throw new Error("already paid");
    await fetch("https://payments.example.com/charge", { method: "POST" });
    const claimed = this.ctx.storage.sql.exec("UPDATE orders SET status = 'paid' WHERE id = ? AND status = 'pending'", orderId);
    if (claimed.rowsWritten === 0) throw new Error("raced");
  }
  async rechecked(code: string) {
    const used = this.ctx.storage.kv.get<boolean>(code);
    if (used) return;
    await fetch("https://example.com/validate");
    if (this.ctx.storage.kv.get<boolean>(code)) return;
    this.ctx.storage.kv.put(code, true);
  }
  async token() {
    let token = this.ctx.storage.kv.get<string>("token");
    if (!token) {
      token = await (await fetch("https://auth.example.com/token")).text();
      this.ctx.storage.kv.put("token", token);
    }
    return token;
  }
  async otherKey(code: string) {
    const used = this.ctx.storage.kv.get<boolean>(code);
    if (used) return;
    await fetch("https://example.com/validate");
    this.ctx.storage.kv.put("lastValidation", Date.now());
  }
  async exclusive(code: string) {
    await this.ctx.storage.transaction(async () => {
      const used = this.ctx.storage.kv.get<boolean>(code);
      if (used) return;
      await fetch("https://example.com/validate");
      this.ctx.storage.kv.put(code, true);
    });
  }
  async touch(token: string) {
    const session = this.ctx.storage.sql.exec("SELECT user FROM sessions WHERE token = ?", token).toArray()[0];
    if (!session) throw new Error("no such session");
    await fetch("https://example.com/audit");
    this.ctx.storage.sql.exec("UPDATE sessions SET seen = ? WHERE token = ?", Date.now(), token);
  }
  async storageOnly(code: string) {
    const used = await this.ctx.storage.get<boolean>(code);
    if (used) return;
    await this.ctx.storage.put("log", code);
    await this.ctx.storage.put(code, true);
  }
}
"#,
    );
}

// ---------------------------------------------------------------- prefer-sync-kv

const ASYNC_KV: &str = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async rename(name: string) {
    const old = await this.ctx.storage.get<string>("name");
    await this.ctx.storage.put("name", name);
    this.ctx.storage.delete(`old:${old}`);
    return old;
  }
}
"#;

#[test]
fn prefer_sync_kv_fires_with_fix() {
    expect![[r#"
            4   |     const old = await this.ctx.storage.get<string>("name");
                |                                        ^^^ hint[prefer-sync-kv] `Room` is SQLite-backed, so `this.ctx.storage.kv.get(…)` does the same synchronously: no `await`, no Promise, the same entries. The asynchronous `get` is only needed for several keys at once or for options such as `allowConcurrency`.
                = fix: Use the synchronous `this.ctx.storage.kv.get`
            5   |     await this.ctx.storage.put("name", name);
                |                            ^^^ hint[prefer-sync-kv] `Room` is SQLite-backed, so `this.ctx.storage.kv.put(…)` does the same synchronously: no `await`, no Promise, the same entries. The asynchronous `put` is only needed for several keys at once or for options such as `allowConcurrency`.
                = fix: Use the synchronous `this.ctx.storage.kv.put`
            6   |     this.ctx.storage.delete(`old:${old}`);
                |                      ^^^^^^ hint[prefer-sync-kv] `Room` is SQLite-backed, so `this.ctx.storage.kv.delete(…)` does the same synchronously: no `await`, no Promise, the same entries. The asynchronous `delete` is only needed for several keys at once or for options such as `allowConcurrency`.
        "#]]
    .assert_eq(&lints_with(ASYNC_KV));
    expect![[r#"
        import { DurableObject } from "cloudflare:workers";
        export class Room extends DurableObject {
          async rename(name: string) {
            const old = this.ctx.storage.kv.get<string>("name");
            await this.ctx.storage.put("name", name);
            this.ctx.storage.delete(`old:${old}`);
            return old;
          }
        }
    "#]]
    .assert_eq(&apply_fix(ASYNC_KV, "prefer-sync-kv"));
}

#[test]
fn prefer_sync_kv_fix_of_a_plain_await() {
    let src = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async rename(name: string) {
    const storage = this.ctx.storage;
    await storage.put("name", name);
  }
}
"#;
    expect![[r#"
        import { DurableObject } from "cloudflare:workers";
        export class Room extends DurableObject {
          async rename(name: string) {
            const storage = this.ctx.storage;
            storage.kv.put("name", name);
          }
        }
    "#]]
    .assert_eq(&apply_fix(src, "prefer-sync-kv"));
}

#[test]
fn prefer_sync_kv_is_silent_where_kv_would_not_do() {
    let src = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async many(keys: string[], key: string) {
    await this.ctx.storage.get(["a", "b"]);
    await this.ctx.storage.get(keys);
    await this.ctx.storage.get(key);
    await this.ctx.storage.put({ a: 1, b: 2 });
    await this.ctx.storage.put("a", 1, { allowUnconfirmed: true });
    await this.ctx.storage.get("a", { allowConcurrency: true });
    await this.ctx.storage.list({ prefix: "a" });
    await this.ctx.storage.transaction(async (txn) => {
      await txn.put("a", 1);
    });
    this.ctx.storage.kv.put("a", 1);
  }
}
"#;
    assert_eq!(lints_with(src), "no lints\n");
    // A class created with the key-value backend has no `kv`.
    let a = load(
        r#"//- /w/wrangler.jsonc
{
  "main": "src/index.ts",
  "compatibility_date": "2026-01-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_classes": ["Room"] }]
}
//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async rename(name: string) {
    await this.ctx.storage.put("name", name);
  }
}
"#,
    );
    assert_eq!(render(&a, Path::new("/w/src/index.ts")), "no lints\n");
}

// ---------------------------------------------------------------- legacy-fetch-routing

#[test]
fn legacy_fetch_routing_hints() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch(request: Request) {
    const url = new URL(request.url);
    if (url.pathname === "/increment") {
      return new Response(String(this.increment()));
    }
    switch (url.pathname) {
      case "/get":
        return new Response("0");
      case "/reset":
        return new Response("reset");
    }
    return new Response("not found", { status: 404 });
  }
  increment() { return 1; }
}
export class Chat extends DurableObject {
  async fetch(request: Request) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/messages")) return new Response("[]");
    if (pathname === "/post") return new Response("ok");
    return new Response("not found", { status: 404 });
  }
}
"#,
        expect![[r#"
            3   |   async fetch(request: Request) {
                |         ^^^^^ hint[legacy-fetch-routing] `Room.fetch` dispatches on URL paths (`/increment`, `/get`, `/reset`). With compatibility date 2026-01-01, callers can call public methods of `Room` through the stub instead (`await stub.method(…)`, RPC since 2024-04-03), with typed arguments and results and no URL parsing or JSON encoding. Keep `fetch` for HTTP from outside, such as WebSocket upgrades.
            19  |   async fetch(request: Request) {
                |         ^^^^^ hint[legacy-fetch-routing] `Chat.fetch` dispatches on URL paths (`/messages`, `/post`). With compatibility date 2026-01-01, callers can call public methods of `Chat` through the stub instead (`await stub.method(…)`, RPC since 2024-04-03), with typed arguments and results and no URL parsing or JSON encoding. Keep `fetch` for HTTP from outside, such as WebSocket upgrades.
        "#]],
    );
}

#[test]
fn legacy_fetch_routing_is_silent_without_rpc_or_routes() {
    let src = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch(request: Request) {
    const url = new URL(request.url);
    if (url.pathname === "/increment") return new Response("1");
    if (url.pathname === "/get") return new Response("0");
    return new Response("not found", { status: 404 });
  }
}
"#;
    // Before RPC.
    let a = load(&format!("{CONFIG}{src}").replace("2026-01-01", "2024-01-01"));
    assert_eq!(render(&a, Path::new("/w/src/index.ts")), "no lints\n");
    // One path only (a WebSocket endpoint), and a worker's own router.
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch(request: Request) {
    const url = new URL(request.url);
    if (url.pathname !== "/ws") return new Response("not found", { status: 404 });
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }
}
export default {
  async fetch(request: Request, env: Env) {
    const url = new URL(request.url);
    if (url.pathname === "/a") return new Response("a");
    if (url.pathname === "/b") return new Response("b");
    return env.ROOM.getByName(url.pathname).fetch(request);
  },
};
"#,
    );
}

// ---------------------------------------------------------------- transaction-sync-async-callback

const ASYNC_TXN: &str = r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  move(from: string, to: string) {
    this.ctx.storage.transactionSync(async () => {
      this.ctx.storage.kv.delete(from);
      this.ctx.storage.kv.put(to, true);
    });
  }
  async later(key: string) {
    this.ctx.storage.transactionSync(async function () {
      await fetch("https://example.com");
    });
  }
}
"#;

#[test]
fn transaction_sync_with_an_async_callback_fires() {
    check(
        ASYNC_TXN,
        expect![[r#"
            4   |     this.ctx.storage.transactionSync(async () => {
                |                                      ^^^^^ warning[transaction-sync-async-callback] `transactionSync` commits when its callback returns, and an `async` callback returns at its first `await`: the rest runs outside the transaction, and a throw rolls nothing back. Make the callback synchronous (`sql.exec` and `kv` calls need no `await`), or use `await this.ctx.storage.transaction(async () => …)`.
                = fix: Make the callback synchronous
            10  |     this.ctx.storage.transactionSync(async function () {
                |                                      ^^^^^ warning[transaction-sync-async-callback] `transactionSync` commits when its callback returns, and an `async` callback returns at its first `await`: the rest runs outside the transaction, and a throw rolls nothing back. Make the callback synchronous (`sql.exec` and `kv` calls need no `await`), or use `await this.ctx.storage.transaction(async () => …)`.
        "#]],
    );
    expect![[r#"
        import { DurableObject } from "cloudflare:workers";
        export class Room extends DurableObject {
          move(from: string, to: string) {
            this.ctx.storage.transactionSync(() => {
              this.ctx.storage.kv.delete(from);
              this.ctx.storage.kv.put(to, true);
            });
          }
          async later(key: string) {
            this.ctx.storage.transactionSync(async function () {
              await fetch("https://example.com");
            });
          }
        }
    "#]]
    .assert_eq(&apply_fix(ASYNC_TXN, "transaction-sync-async-callback"));
}

#[test]
fn synchronous_transaction_callbacks_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async move(from: string, to: string) {
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.delete(from);
      const later = async () => { await fetch("https://example.com"); };
      this.ctx.storage.kv.put(to, true);
    });
    await this.ctx.storage.transaction(async () => {
      this.ctx.storage.kv.put(to, true);
    });
    const other = { transactionSync(f: () => Promise<void>) { return f(); } };
    other.transactionSync(async () => {});
  }
}
"#,
    );
}

// ---------------------------------------------------------------- state-only-in-memory

#[test]
fn state_only_in_memory_hints() {
    check(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  count = 0;
  topic = "";
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS log (msg TEXT)");
    });
  }
  increment(by: number) {
    this.count += by;
    return this.count;
  }
  setTopic(topic: string) {
    this.topic = topic;
    this.ctx.storage.kv.put("topicChangedAt", Date.now());
  }
  async webSocketMessage(ws: WebSocket, message: string) {
    this.count++;
  }
  log(msg: string) {
    this.ctx.storage.sql.exec("INSERT INTO log (msg) VALUES (?)", msg);
  }
}
"#,
        expect![[r#"
            12  |     this.count += by;
                |     ^^^^^^^^^^ hint[state-only-in-memory] `this.count` is changed here but `Room` never writes it to storage: the change is lost when the object is evicted or restarted (idle, a deploy), and the next request sees the initial value again. Keep it in storage (`this.ctx.storage.kv.put("count", …)` or a SQL row) and read it back in the constructor; if it is only a cache, ignore this.
            20  |     this.count++;
                |     ^^^^^^^^^^ hint[state-only-in-memory] `this.count` is changed here but `Room` never writes it to storage: the change is lost when the object is evicted or restarted (idle, a deploy), and the next request sees the initial value again. Keep it in storage (`this.ctx.storage.kv.put("count", …)` or a SQL row) and read it back in the constructor; if it is only a cache, ignore this.
        "#]],
    );
}

#[test]
fn a_field_that_persists_counts_for_the_class() {
    // The arrow function is a field, not a method body: its facts come from outside the
    // methods' segments.
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  count = 0;
  flush = () => this.ctx.storage.kv.put("count", this.count);
  increment(by: number) {
    this.count += by;
    this.flush();
  }
  log(msg: string) {
    this.ctx.storage.sql.exec("INSERT INTO log (msg) VALUES (?)", msg);
  }
}
"#,
    );
}

#[test]
fn persisted_restored_or_transient_fields_are_silent() {
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  count = 0;
  name = "";
  total = 0;
  score = 0;
  sessions = new Map<WebSocket, string>();
  socket?: WebSocket;
  cachedConfig?: string;
  ready = false;
  peer?: DurableObjectStub;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.score = (await ctx.storage.get<number>("score")) ?? 0;
    });
  }
  increment(by: number) {
    this.count += by;
    this.save();
  }
  private save() {
    this.ctx.storage.kv.put("state", this.snapshot);
  }
  get snapshot() {
    return { count: this.count, total: this.total };
  }
  rename(name: string) {
    this.name = name;
    this.ctx.storage.kv.put("name", this.name);
  }
  add(n: number) {
    this.total = this.total + n;
    this.score += n;
  }
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    this.socket = server;
    this.sessions.set(server, "x");
    this.ready = true;
    this.cachedConfig = await (await fetch("https://example.com")).text();
    return new Response(null, { status: 101, webSocket: client });
  }
  connectTo(peer: DurableObjectStub) {
    this.peer = peer;
  }
}
"#,
    );
    // A class that does not use storage at all keeps its state in memory on purpose.
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  count = 0;
  increment(by: number) {
    this.count += by;
    return this.count;
  }
}
"#,
    );
    // Everything persisted at once.
    silent(
        r#"//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  count = 0;
  increment(by: number) {
    this.count += by;
    this.ctx.storage.kv.put("self", JSON.stringify(this));
  }
}
"#,
    );
}

/// The calls of `src` as the lints read them: each call's text, then its receiver and method
/// (`syntax::member_call`) and whether the receiver is a `this.a.b` chain.
fn member_calls(src: &str) -> String {
    let tree = crate::syntax::parse(crate::syntax::SourceKind::TypeScript, src, None);
    let mut calls = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "call_expression" {
            calls.push(n);
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    calls.sort_by_key(|n| n.start_byte());
    calls
        .iter()
        .map(|call| {
            let shown = match crate::syntax::member_call(*call, src) {
                Some((object, method)) => format!("{} . {method} this={}", &src[object.byte_range()], super::is_this_chain(object, src)),
                None => "-".to_string(),
            };
            format!("{} => {shown}\n", &src[call.byte_range()])
        })
        .collect()
}

#[test]
fn member_calls_are_read_from_the_text_as_the_tree_has_them() {
    expect![[r#"
        this.ctx.storage.sql.exec("SELECT 1").toArray() => this.ctx.storage.sql.exec("SELECT 1") . toArray this=false
        this.ctx.storage.sql.exec("SELECT 1") => this.ctx.storage.sql . exec this=true
        this ?. a ?.b() => this ?. a . b this=true
        this.#q() => -
        a
          // why
          .b<T>(1) => a . b this=false
        tag`x` => -
        f(1) => -
        this.env.NS.getByName("x").run() => this.env.NS.getByName("x") . run this=false
        this.env.NS.getByName("x") => this.env.NS . getByName this=true
        thisish.c() => thisish . c this=false
        (this as any).d() => (this as any) . d this=false
        a.b( => -
    "#]]
    .assert_eq(&member_calls(
        "this.ctx.storage.sql.exec(\"SELECT 1\").toArray();\nthis ?. a ?.b();\nthis.#q();\na\n  // why\n  .b<T>(1);\ntag`x`;\nf(1);\nthis.env.NS.getByName(\"x\").run();\nthisish.c();\n(this as any).d();\na.b(;\n",
    ));
}
