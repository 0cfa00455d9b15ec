//! IDE feature tests: fixtures with a `$0` cursor and inline snapshots.
//!
//! A fixture holds one or more files, each introduced by a `//- /path` line. Paths are
//! absolute inside a virtual workspace; the file that contains `$0` is the one queried.
//! Run with `UPDATE_EXPECT=1` to rewrite the snapshots after an intended change.

use std::path::Path;

use expect_test::{expect, Expect};


use crate::test_support::{fixture, render_diagnostics, render_range};

fn check_completion(src: &str, expect: Expect) {
    let f = fixture(src);
    let items = f.analysis.completion(&f.cursor_file, f.offset);
    let text = f.analysis.file(&f.cursor_file).unwrap().text().to_string();
    let mut out = String::new();
    for i in items {
        let replaced = &text[i.replace.as_range()];
        out.push_str(&format!(
            "{:?} {}{}{}\n",
            i.kind,
            i.label,
            i.detail.map(|d| format!(" — {d}")).unwrap_or_default(),
            if replaced.is_empty() { String::new() } else { format!(" [replaces {replaced:?}]") }
        ));
    }
    expect.assert_eq(&out);
}

fn labels(src: &str) -> Vec<String> {
    let f = fixture(src);
    f.analysis.completion(&f.cursor_file, f.offset).into_iter().map(|i| i.label).collect()
}

fn check_hover(src: &str, expect: Expect) {
    let f = fixture(src);
    let out = match f.analysis.hover(&f.cursor_file, f.offset) {
        Some(h) => {
            let text = f.analysis.file(&f.cursor_file).unwrap().text().to_string();
            format!("[{}]\n{}\n", &text[h.range.as_range()], h.markdown)
        }
        None => "no hover\n".to_string(),
    };
    expect.assert_eq(&out);
}

fn check_signature(src: &str, expect: Expect) {
    let f = fixture(src);
    let out = match f.analysis.signature_help(&f.cursor_file, f.offset) {
        Some(h) => {
            let mut out = String::new();
            for (i, s) in h.signatures.iter().enumerate() {
                let mut label = s.label.clone();
                if i == h.active_signature
                    && let Some((r, _)) = s.params.get(h.active_parameter) {
                        label.insert(r.end, '»');
                        label.insert(r.start, '«');
                    }
                out.push_str(&format!("{}{}\n", if i == h.active_signature { "> " } else { "  " }, label));
            }
            out
        }
        None => "no signature\n".to_string(),
    };
    expect.assert_eq(&out);
}

fn check_definition(src: &str, expect: Expect) {
    let f = fixture(src);
    let targets = f.analysis.definition(&f.cursor_file, f.offset);
    let out: String = targets
        .iter()
        .map(|t| format!("{}\n", render_range(&f.analysis, &t.file, t.focus)))
        .collect();
    expect.assert_eq(if out.is_empty() { "none\n" } else { &out });
}

fn check_diagnostics(src: &str, file: &str, expect: Expect) {
    let f = fixture(src);
    expect.assert_eq(&render_diagnostics(&f.analysis, Path::new(file), |_| true, "no diagnostics"));
}

const COUNTER_PROJECT: &str = r#"
//- /w/wrangler.jsonc
{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
"#;

fn with_counter(src: &str) -> String {
    format!("{COUNTER_PROJECT}//- /w/src/index.ts\n{src}")
}

#[test]
fn storage_members_after_this_ctx() {
    let l = labels(&with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject<Env> {
  async increment() {
    this.ctx.storage.$0
  }
}
"#,
    ));
    for want in ["sql", "kv", "get", "put", "setAlarm", "transactionSync", "deleteAll"] {
        assert!(l.contains(&want.to_string()), "missing {want} in {l:?}");
    }
}

#[test]
fn receivers_as_people_write_them() {
    let cases = [
        // The constructor's parameter, before and after `super`.
        ("constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); ctx.storage.sql.$0 }", "exec"),
        // Legacy name without a type annotation.
        ("constructor(state, env) { super(state, env); state.$0 }", "blockConcurrencyWhile"),
        // An alias in a method.
        ("run() { const storage = this.ctx.storage; storage.$0 }", "transactionSync"),
        // Destructuring.
        ("run() { const { sql } = this.ctx.storage; sql.$0 }", "databaseSize"),
        // The cursor of exec.
        ("run() { this.ctx.storage.sql.exec('SELECT 1').$0 }", "toArray"),
        // A field assigned in the constructor.
        ("sql: SqlStorage; constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.sql = ctx.storage.sql; } run() { this.sql.$0 }", "exec"),
        ("constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.store = ctx.storage; } run() { this.store.$0 }", "deleteAlarm"),
        // kv.
        ("run() { this.ctx.storage.kv.$0 }", "put"),
        // Handlers' parameters.
        ("webSocketMessage(ws, message) { ws.$0 }", "serializeAttachment"),
        ("alarm(info) { info.$0 }", "retryCount"),
        // The id.
        ("run() { this.ctx.id.$0 }", "toString"),
        // Sockets from getWebSockets.
        ("run() { for (const ws of this.ctx.getWebSockets()) { ws.$0 } }", "deserializeAttachment"),
        ("run() { this.ctx.getWebSockets().forEach((ws) => ws.$0) }", "serializeAttachment"),
        // The transaction callback's parameter.
        ("async run() { await this.ctx.storage.transaction(async (txn) => { txn.$0 }) }", "rollback"),
        // Both ends of a WebSocketPair.
        ("fetch() { const [client, server] = Object.values(new WebSocketPair()); server.$0 }", "accept"),
        ("fetch() { const pair = new WebSocketPair(); pair[1].$0 }", "serializeAttachment"),
        // Optional chaining.
        ("run() { this.ctx?.storage?.$0 }", "sql"),
    ];
    for (body, want) in cases {
        let src = with_counter(&format!(
            "import {{ DurableObject }} from \"cloudflare:workers\";\nexport class Counter extends DurableObject<Env> {{\n  {body}\n}}\n"
        ));
        let l = labels(&src);
        assert!(l.iter().any(|x| x == want), "`{body}`: expected {want} in {l:?}");
    }
}

#[test]
fn nothing_where_the_receiver_is_unknown() {
    let cases = [
        // Not a Durable Object: `this.ctx` means nothing.
        "class Plain { ctx: any; run() { this.ctx.storage.$0 } }",
        // A plain function rebinds `this`.
        "import { DurableObject } from \"cloudflare:workers\";\nexport class Counter extends DurableObject { run() { function f() { this.ctx.$0 } } }",
        // An unrelated object that happens to have a `storage` property.
        "const thing = { storage: {} }; thing.storage.$0",
        // A shadowing local variable.
        "import { DurableObject } from \"cloudflare:workers\";\nexport class Counter extends DurableObject { run() { const storage = { x: 1 }; storage.$0 } }",
        // A class extending something unknown from a package.
        "import { Base } from \"some-lib\";\nexport class Counter extends Base { run() { this.ctx.$0 } }",
    ];
    for src in cases {
        let l = labels(&with_counter(src));
        assert!(l.is_empty(), "`{src}` offered {l:?}");
    }
}

#[test]
fn namespace_and_stub_members() {
    let src = with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export interface Env { COUNTER: DurableObjectNamespace<Counter>; }
export class Counter extends DurableObject<Env> {
  /** Adds `by` and returns the new total. */
  async increment(by: number = 1): Promise<number> { return by; }
  get(): number { return 0; }
  private secret() {}
  static make() {}
  async alarm() {}
  async fetch(req: Request) { return new Response(); }
}
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const stub = env.COUNTER.getByName("user-1");
    return Response.json(await stub.$0);
  },
};
"#,
    );
    check_completion(
        &src,
        expect![[r#"
            Method increment — (rpc) Counter.increment(by: number = 1): Promise<number>
            Method get — (rpc) Counter.get(): number
            Property id — readonly id: DurableObjectId
            Property name — readonly name?: string
            Method fetch — fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
            Method connect — connect(address: SocketAddress | string, options?: SocketOptions): Socket
        "#]],
    );
}

#[test]
fn env_bindings_and_namespace() {
    let src = with_counter(
        r#"
export default {
  async fetch(request: Request, env: Env) {
    env.$0
  },
};
"#,
    );
    check_completion(&src, expect![[r#"
        Property COUNTER — DurableObjectNamespace<Counter>
    "#]]);
    let l = labels(&with_counter("export default { async fetch(request, env) { env.COUNTER.$0 } };"));
    for want in ["getByName", "idFromName", "idFromString", "newUniqueId", "get", "jurisdiction"] {
        assert!(l.contains(&want.to_string()), "missing {want} in {l:?}");
    }
}

#[test]
fn stub_via_get_and_id_from_name() {
    let l = labels(&with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject { async increment() { return 1; } }
export default {
  async fetch(request, env) {
    const id = env.COUNTER.idFromName("a");
    const stub = env.COUNTER.get(id);
    await stub.$0
  },
};
"#,
    ));
    assert!(l.contains(&"increment".to_string()) && l.contains(&"fetch".to_string()), "{l:?}");
}

#[test]
fn handler_snippets_in_class_body() {
    check_completion(
        &with_counter(
            r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch(request: Request) { return new Response("ok"); }
  al$0
}
"#,
        ),
        expect![[r#"
            Snippet constructor(ctx, env) — Durable Object constructor with schema set-up [replaces "al"]
            Snippet async alarm(alarmInfo?) — Durable Object handler [replaces "al"]
            Snippet async webSocketMessage(ws, message) — Durable Object WebSocket hibernation handler [replaces "al"]
            Snippet async webSocketClose(ws, code, reason, wasClean) — Durable Object WebSocket hibernation handler [replaces "al"]
            Snippet async webSocketError(ws, error) — Durable Object WebSocket hibernation handler [replaces "al"]
        "#]],
    );
}

#[test]
fn hover_on_api_member() {
    check_hover(
        &with_counter(
            r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async run() { await this.ctx.storage.setA$0larm(Date.now() + 1000); }
}
"#,
        ),
        expect![[r#"
            [setAlarm]
            ```ts
            setAlarm(scheduledTime: number | Date, options?: DurableObjectSetAlarmOptions): Promise<void>
            ```

            `DurableObjectStorage` method · async, returns a Promise

            Schedules this object's alarm: `alarm()` will run at `scheduledTime`.

            An object has a single alarm. Calling `setAlarm()` again replaces the earlier time rather than adding another alarm.

            The class needs an `alarm()` handler; otherwise the call throws `TypeError: Your Durable Object class must have an alarm() handler in order to call setAlarm()` (not checked while the constructor runs).

            A time in the past is moved to now and fires almost at once; doing that from inside `alarm()` makes a tight loop. A time of zero or less throws `TypeError: setAlarm() cannot be called with an alarm time <= 0`, and a string is rejected.

            [Cloudflare documentation](https://developers.cloudflare.com/durable-objects/api/alarms/)

        "#]],
    );
}

#[test]
fn hover_on_stub_method_shows_target_doc() {
    check_hover(
        &with_counter(
            r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  /** Adds `by` and returns the new total. */
  async increment(by: number = 1): Promise<number> { return by; }
}
export default {
  async fetch(request: Request, env: Env) {
    return Response.json(await env.COUNTER.getByName("x").incr$0ement(2));
  },
};
"#,
        ),
        expect![[r#"
            [increment]
            ```ts
            Counter.increment(by: number = 1): Promise<number>
            ```

            Adds `by` and returns the new total.

            RPC method of the Durable Object class `Counter`: it runs inside the object, and the call through the stub always returns a Promise (await it, or errors are lost). Arguments and results are structured-cloned.
        "#]],
    );
}

#[test]
fn signature_help_for_api_and_rpc() {
    check_signature(
        &with_counter(
            r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  run() { this.ctx.storage.sql.exec("SELECT ?", $0) }
}
"#,
        ),
        expect![[r#"
            > exec<T extends Record<string, SqlStorageValue>>(query: string, «...bindings: any[]»): SqlStorageCursor<T>
        "#]],
    );
    check_signature(
        &with_counter(
            r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async add(a: number, b: number): Promise<number> { return a + b; }
}
export default { async fetch(request, env) { const s = env.COUNTER.getByName("x"); await s.add(1, $0
"#,
        ),
        expect![[r#"
            > Counter.add(a: number, «b: number»): Promise<number>
        "#]],
    );
}

#[test]
fn definition_of_stub_method_binding_and_config_class() {
    let src = with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async increment() { return 1; }
}
export default { async fetch(request, env) { await env.COUNTER.getByName("x").incre$0ment(); } };
"#,
    );
    check_definition(&src, expect![[r#"
        /w/src/index.ts:4:9 "increment"
    "#]]);
    let src = src.replace("$0", "").replace("env.COUNTER.getByName", "env.COU$0NTER.getByName");
    check_definition(&src, expect![[r#"
        /w/wrangler.jsonc:5:47 "\"COUNTER\""
    "#]]);
    let src = src.replace("$0", "").replace(r#""class_name": "Counter""#, r#""class_name": "Cou$0nter""#);
    check_definition(&src, expect![[r#"
        /w/src/index.ts:3:14 "Counter"
    "#]]);
}

#[test]
fn config_diagnostics_against_code() {
    check_diagnostics(
        r#"
//- /w/wrangler.jsonc
{
  "main": "src/index.ts",
  "durable_objects": {
    "bindings": [
      { "name": "COUNTER", "class_name": "Counter" },
      { "name": "ROOM", "class_name": "Room" },
      { "name": "OTHER", "class_name": "Remote", "script_name": "other-worker" }
    ]
  },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Counter", "Ghost"] },
    { "tag": "v2", "new_classes": ["Old"] },
    { "tag": "v3", "deleted_classes": ["Old"] }
  ]
}
//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {}
class Room extends DurableObject {}
export default { fetch() { return new Response(); } };
"#,
        "/w/wrangler.jsonc",
        expect![[r#"
            6   |       { "name": "ROOM", "class_name": "Room" },
                |                                       ^^^^^^ error[do-class-not-exported] The binding `ROOM` names the class `Room`, but the main module `src/index.ts` does not export it: export the class from `src/index.ts` (or fix `class_name`).
                = related: /w/src/index.ts:3:7 "Room" `Room` is declared here
            6   |       { "name": "ROOM", "class_name": "Room" },
                |                                       ^^^^^^ error[do-class-no-migration] The Durable Object class `Room` has no migration, so it cannot be deployed: add a migration entry with `"new_sqlite_classes": ["Room"]` to `migrations`.
            11  |     { "tag": "v1", "new_sqlite_classes": ["Counter", "Ghost"] },
                |                                                      ^^^^^^^ error[migration-unknown-class] This migration creates the class `Ghost`, but the main module `src/index.ts` does not export a class of that name: export it, fix the name, or delete the class in a new migration (`deleted_classes`).
        "#]],
    );
}

#[test]
fn exports_followed_through_reexports() {
    check_diagnostics(
        r#"
//- /w/wrangler.toml
main = "src/index.ts"
[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]
//- /w/src/index.ts
export { Room } from "./room.js";
export default { fetch() { return new Response(); } };
//- /w/src/room.ts
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {}
"#,
        "/w/wrangler.toml",
        expect![[r#"
            no diagnostics
        "#]],
    );
}

#[test]
fn kv_backend_class_using_sql() {
    check_diagnostics(
        r#"
//- /w/wrangler.jsonc
{
  "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "LEGACY", "class_name": "Legacy" }] },
  "migrations": [{ "tag": "v1", "new_classes": ["Legacy"] }]
}
//- /w/src/index.ts
import { DurableObject } from "cloudflare:workers";
export class Legacy extends DurableObject {
  async run() {
    await this.ctx.storage.put("k", 1);
    this.ctx.storage.sql.exec("SELECT 1");
    const { kv } = this.ctx.storage;
  }
}
export class Unmigrated extends DurableObject {}
export default { fetch() { return new Response(); } };
"#,
        "/w/src/index.ts",
        expect![[r#"
            9   | export class Unmigrated extends DurableObject {}
                |              ^^^^^^^^^^ warning[do-class-no-migration] `Unmigrated` is an exported Durable Object class with no migration in wrangler.jsonc: add `"new_sqlite_classes": ["Unmigrated"]` in a new migration entry, or stop exporting it.
            5   |     this.ctx.storage.sql.exec("SELECT 1");
                |                      ^^^ error[kv-backend-sql-api] `storage.sql` needs the SQLite storage backend, but `Legacy` is created with `new_classes` (the key-value backend) in wrangler.jsonc, so this throws at run time. For a class that is not deployed yet, use `new_sqlite_classes`; a deployed key-value class cannot be converted, use the asynchronous `get`/`put` API there.
                = related: /w/wrangler.jsonc:4:49 "\"Legacy\"" `Legacy` is created with the key-value backend here
        "#]],
    );
}

#[test]
fn completion_in_half_typed_code() {
    // The member access is followed by more code, so tree-sitter folds the next token into it
    // or wraps the region in an ERROR node; both must still complete.
    let cases = [
        "async run() {\n    this.ctx.storage.$0\n    return 1;\n  }\n  other() {}",
        "async run() {\n    const x = this.ctx.storage.sql.$0\n  }",
        "async run() {\n    if (this.ctx.storage.$0) {}\n  }",
        "async run() {\n    await this.ctx.storage.$0",
    ];
    for body in cases {
        let src = with_counter(&format!(
            "import {{ DurableObject }} from \"cloudflare:workers\";\nexport class Counter extends DurableObject<Env> {{\n  {body}\n}}\n"
        ));
        let l = labels(&src);
        assert!(l.iter().any(|x| x == "exec" || x == "sql"), "`{body}` offered {l:?}");
    }
}

#[test]
fn legacy_module_style_classes() {
    // Classes that predate `extends DurableObject`: the config makes them Durable Objects.
    for class in [
        "export class Counter {\n  constructor(state, env) { this.state = state; }\n  async fetch(request) { this.state.storage.$0 }\n}",
        "export class Counter implements DurableObject {\n  constructor(private state: DurableObjectState, private env: Env) {}\n  async fetch(request: Request) { this.state.storage.$0 }\n}",
        "export class Counter {\n  constructor(state, env) { this.storage = state.storage; }\n  async fetch(request) { this.storage.$0 }\n}",
    ] {
        let l = labels(&with_counter(class));
        assert!(l.contains(&"sql".to_string()), "`{class}` offered {l:?}");
    }
    // Without the config entry the same class is just a class.
    let l = labels("export class Counter {\n  constructor(state, env) { this.state = state; }\n  async fetch(request) { this.state.storage.$0 }\n}");
    assert!(l.is_empty(), "{l:?}");
}

fn labels_beside_typescript(src: &str) -> Vec<String> {
    let f = fixture(src);
    f.analysis
        .completion_with(&f.cursor_file, f.offset, crate::ide::ApiMembers::UnknownToTypeScript)
        .into_iter()
        .map(|i| i.label)
        .collect()
}

#[test]
fn beside_typescript_only_members_it_cannot_know() {
    // `Env` types COUNTER with its class: TypeScript lists the API and the RPC methods itself.
    let typed = |body: &str| {
        let (in_class, in_fetch) = if body.starts_with("this.") { (body, "") } else { ("", body) };
        with_counter(&format!(
            r#"
import {{ DurableObject }} from "cloudflare:workers";
export interface Env {{ COUNTER: DurableObjectNamespace<Counter>; }}
export class Counter extends DurableObject<Env> {{
  async increment(): Promise<number> {{ return 1; }}
  run() {{ {in_class} }}
}}
export default {{
  async fetch(request: Request, env: Env) {{ const stub = env.COUNTER.getByName("a"); {in_fetch} }},
}};
"#
        ))
    };
    for body in ["this.ctx.$0", "this.ctx.storage.$0", "this.ctx.storage.sql.$0", "this.ctx.storage.kv.$0", "env.COUNTER.$0", "stub.$0", "env.$0"] {
        let all = labels(&typed(body));
        assert!(!all.is_empty(), "`{body}`: nothing offered even with every member");
        let beside = labels_beside_typescript(&typed(body));
        assert!(beside.is_empty(), "`{body}`: TypeScript already offers {beside:?}");
    }

    // An `Env` without the class (a plain `DurableObjectNamespace`): the stub's RPC methods are
    // dols's alone; its API members (`fetch`, `id`) are TypeScript's.
    let untyped = with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export interface Env { COUNTER: DurableObjectNamespace; }
export class Counter extends DurableObject<Env> { async increment(): Promise<number> { return 1; } }
export default {
  async fetch(request: Request, env: Env) { const stub = env.COUNTER.getByName("a"); await stub.$0 },
};
"#,
    );
    assert_eq!(labels_beside_typescript(&untyped), ["increment"]);
    assert!(labels(&untyped).contains(&"fetch".to_string()));

    // A binding of the wrangler config that `Env` does not declare (types not regenerated).
    let stale = with_counter(
        r#"
interface Env { OTHER: KVNamespace; }
export default { async fetch(request: Request, env: Env) { env.$0 } };
"#,
    );
    assert_eq!(labels_beside_typescript(&stale), ["COUNTER"]);
}

#[test]
fn beside_typescript_sql_and_the_constructor_snippet_stay() {
    let src = with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE hits (n INTEGER)");
  }
  count() { return this.ctx.storage.sql.exec("SELECT $0 FROM hits"); }
}
"#,
    );
    assert!(labels_beside_typescript(&src).contains(&"n".to_string()));
    let body = with_counter(
        r#"
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  $0
}
"#,
    );
    // TypeScript offers the handlers as members of `DurableObject` to override; the
    // constructor it offers only as a keyword, without the schema set-up.
    assert_eq!(labels_beside_typescript(&body), ["constructor(ctx, env)"]);
    let all = labels(&body);
    assert!(all.contains(&"async alarm(alarmInfo?)".to_string()) && all.contains(&"async fetch(request)".to_string()), "{all:?}");
}

#[test]
fn beside_typescript_no_handler_snippets_in_class_bodies() {
    // Through a base class of the project and in a library's Durable Object class alike.
    for src in [
        "import { DurableObject } from \"cloudflare:workers\";\nclass Base extends DurableObject {}\nexport class Counter extends Base {\n  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); }\n  webSocket$0\n}\n",
        "import { Agent } from \"agents\";\nexport class Counter extends Agent<Env> {\n  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); }\n  a$0\n}\n",
    ] {
        let src = with_counter(src);
        assert!(labels(&src).iter().any(|l| l.starts_with("async ")), "{src}: no handler snippet even with every member");
        assert_eq!(labels_beside_typescript(&src), Vec::<String>::new(), "{src}");
    }
}
