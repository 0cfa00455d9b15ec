//! What editors that run dols beside TypeScript need: `dols.completion.apiMembers`, which
//! keeps the API members and class-body handlers TypeScript already lists out of dols's
//! completion, and the `dols.showSchema` command.

use serde_json::{Value, json};

use crate::support::{Enc, Server, Workspace, position_of, uri_of};

const WRANGLER: &str = r#"{
  "name": "rooms",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }, { "name": "LOG", "class_name": "Log" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room", "Log"] }]
}
"#;

/// `Env` types ROOM with its class but LOG without one, and does not declare LOG at all in
/// the second interface TypeScript could see: `env.` then lacks nothing TypeScript knows.
const INDEX: &str = r#"import { DurableObject } from "cloudflare:workers";

export interface Env { ROOM: DurableObjectNamespace<Room>; LOG: DurableObjectNamespace; }

export class Room extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }
  async post(body: string) {
    this.ctx.storage.sql.exec("INSERT INTO messages (body) VALUES (?)", body);
    /*in-room*/
  }
}

export class Log extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS lines (at INTEGER, text TEXT)");
  }
  async append(text: string) {
    this.ctx.storage.sql.exec("SELECT  FROM lines");
  }
  /*in-log-body*/
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const room = env.ROOM.getByName("lobby");
    const log = env.LOG.getByName("main");
    /*in-fetch*/
    return new Response("ok");
  },
};
"#;

fn at(text: &str, needle: &str, delta: usize) -> Value {
    let i = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text"));
    position_of(text, i + delta, Enc::Utf16)
}

fn labels(items: &Value) -> Vec<String> {
    let list = if items.is_array() { items } else { &items["items"] };
    list.as_array().map(|a| a.iter().map(|i| i["label"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

/// The labels offered at the end of each needle.
struct Lists {
    storage: Vec<String>,
    room: Vec<String>,
    log: Vec<String>,
    sql: Vec<String>,
    /// In the body of Log (which has a constructor but no handler yet).
    handlers: Vec<String>,
}

/// Types each half-written expression in its place (one at a time, the whole text sent
/// again) and asks for completion after it.
fn lists(s: &mut Server, uri: &str, version: &mut i32) -> Lists {
    let mut after = |place: &str, typed: &str, cursor: usize| {
        let text = INDEX.replace(place, typed);
        *version += 1;
        s.change(uri, *version, &[(None, text.as_str())]);
        labels(&s.complete_at(uri, at(&text, typed, cursor)))
    };
    Lists {
        storage: after("/*in-room*/", "this.ctx.storage.", "this.ctx.storage.".len()),
        room: after("/*in-fetch*/", "room.", "room.".len()),
        log: after("/*in-fetch*/", "log.", "log.".len()),
        // Between SELECT and FROM in the query of `append`: the columns of `lines`.
        sql: after("/*in-fetch*/", "", INDEX.find("\"SELECT  FROM").unwrap() + "\"SELECT ".len()),
        handlers: after("/*in-log-body*/", "webSocket", "webSocket".len()),
    }
}

/// dols's handler items in a class body without any handler (the constructor is defined).
const HANDLERS: [&str; 5] = [
    "async fetch(request)",
    "async alarm(alarmInfo?)",
    "async webSocketMessage(ws, message)",
    "async webSocketClose(ws, code, reason, wasClean)",
    "async webSocketError(ws, error)",
];

fn has(list: &[String], want: &str) -> bool {
    list.iter().any(|l| l == want)
}

fn auto() -> Value {
    json!({ "dols": { "completion": { "apiMembers": "auto" } } })
}

#[test]
fn api_members_auto_follows_the_workers_types() {
    // No Workers types: TypeScript knows nothing of `ctx`, so dols lists every member.
    let ws = Workspace::new("api-members-auto").file("wrangler.jsonc", WRANGLER).file("src/index.ts", INDEX);
    let mut s = Server::builder().root(&ws).dynamic_watchers().init_options(auto()).start();
    let doc = s.open(&ws.path("src/index.ts"), INDEX);
    let mut version = 1;
    let before = lists(&mut s, &doc.uri, &mut version);
    assert!(has(&before.storage, "setAlarm") && has(&before.storage, "sql"), "{:?}", before.storage);
    assert!(has(&before.room, "post") && has(&before.room, "fetch"), "{:?}", before.room);
    assert!(has(&before.log, "append") && has(&before.log, "fetch"), "{:?}", before.log);
    assert!(has(&before.sql, "text"), "{:?}", before.sql);
    assert_eq!(before.handlers, HANDLERS, "without the Workers types TypeScript cannot offer the handlers");

    // `wrangler types` writes worker-configuration.d.ts; the watcher reports it.
    let generated = ws.write("worker-configuration.d.ts", "declare namespace Cloudflare { interface Env {} }\n");
    s.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri_of(&generated), "type": 1 }] }));
    let after = lists(&mut s, &doc.uri, &mut version);
    assert!(after.storage.is_empty(), "TypeScript lists the storage members: {:?}", after.storage);
    assert!(after.room.is_empty(), "`Env` names Room, so TypeScript lists its RPC methods: {:?}", after.room);
    assert_eq!(after.log, ["append"], "LOG's class is unknown to TypeScript; its RPC methods stay");
    assert_eq!(after.sql, before.sql, "SQL completion inside strings stays");
    assert!(after.handlers.is_empty(), "TypeScript offers the handlers of DurableObject: {:?}", after.handlers);

    // "always" brings the members back; "never" takes them away without types.
    s.notify("workspace/didChangeConfiguration", json!({ "settings": { "dols": { "completion": { "apiMembers": "always" } } } }));
    let always = lists(&mut s, &doc.uri, &mut version);
    assert_eq!(always.storage, before.storage);
    assert_eq!(always.room, before.room);
    assert_eq!(always.handlers, HANDLERS);
    ws.remove("worker-configuration.d.ts");
    s.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri_of(&generated), "type": 3 }] }));
    s.notify("workspace/didChangeConfiguration", json!({ "settings": { "dols.completion.apiMembers": "never" } }));
    let never = lists(&mut s, &doc.uri, &mut version);
    assert!(never.storage.is_empty() && never.room.is_empty(), "{:?} {:?}", never.storage, never.room);
    assert_eq!(never.log, ["append"]);
    assert!(never.handlers.is_empty(), "{:?}", never.handlers);
    s.notify("workspace/didChangeConfiguration", json!({ "settings": auto() }));
    let back = lists(&mut s, &doc.uri, &mut version);
    assert_eq!((back.storage, back.handlers), (before.storage, before.handlers), "back to auto, without types");
}

#[test]
fn without_the_setting_every_member_is_listed() {
    // A client that did not say it runs TypeScript beside dols (Neovim without a TypeScript
    // server, say) gets every member, even in a project with the Workers types.
    let ws = Workspace::new("api-members-unset")
        .file("wrangler.jsonc", WRANGLER)
        .file("src/index.ts", INDEX)
        .file("worker-configuration.d.ts", "declare namespace Cloudflare { interface Env {} }\n");
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), INDEX);
    let got = lists(&mut s, &doc.uri, &mut 1);
    assert!(has(&got.storage, "setAlarm") && has(&got.room, "fetch"), "{:?} {:?}", got.storage, got.room);
    assert_eq!(got.handlers, HANDLERS);
}

#[test]
fn api_members_auto_reads_package_json_and_tsconfig() {
    for (file, text) in [
        ("package.json", r#"{ "devDependencies": { "@cloudflare/workers-types": "^4.0.0", "wrangler": "^4.0.0" } }"#),
        ("tsconfig.json", r#"{ "compilerOptions": { "types": ["@cloudflare/workers-types"] } }"#),
    ] {
        let ws = Workspace::new("api-members-manifest").file("wrangler.jsonc", WRANGLER).file("src/index.ts", INDEX).file(file, text);
        let mut s = Server::builder().root(&ws).init_options(auto()).start();
        let doc = s.open(&ws.path("src/index.ts"), INDEX);
        let got = lists(&mut s, &doc.uri, &mut 1);
        assert!(got.storage.is_empty(), "{file}: {:?}", got.storage);
        assert_eq!(got.log, ["append"], "{file}");
        assert!(got.handlers.is_empty(), "{file}: {:?}", got.handlers);
    }
}

#[test]
fn show_schema_returns_the_class_schema_at_a_position() {
    let ws = Workspace::new("show-schema").file("wrangler.jsonc", WRANGLER).file("src/index.ts", INDEX);
    let mut s = Server::builder().root(&ws).start();
    let caps = &s.initialize_result["capabilities"];
    assert_eq!(caps["executeCommandProvider"]["commands"], json!(["dols.showSchema"]), "{caps}");
    let doc = s.open(&ws.path("src/index.ts"), INDEX);
    let run = |s: &mut Server, args: Value| {
        let id = s.send_request("workspace/executeCommand", json!({ "command": "dols.showSchema", "arguments": args }));
        s.response(id)
    };

    let in_log = run(&mut s, json!([doc.uri, at(INDEX, "async append", 0)]));
    let result = &in_log["result"];
    assert_eq!(result["class"], "Log", "{in_log}");
    assert_eq!(result["uri"], doc.uri.as_str());
    assert_eq!(
        result["sql"],
        "-- Log (src/index.ts)\nCREATE TABLE lines (at INTEGER, text TEXT);\n",
        "{in_log}"
    );
    // The same as one `TextDocumentPositionParams` object.
    let in_room = run(&mut s, json!([{ "textDocument": { "uri": doc.uri }, "position": at(INDEX, "async post", 0) }]));
    let sql = in_room["result"]["sql"].as_str().unwrap_or_else(|| panic!("{in_room}"));
    assert!(sql.starts_with("-- Room (src/index.ts)\nCREATE TABLE messages"), "{sql}");

    // Outside both classes of a file with two schemas: no class to show.
    let outside = run(&mut s, json!([doc.uri, at(INDEX, "export default", 0)]));
    assert_eq!(outside["result"], Value::Null, "{outside}");
    // Wrong arguments and unknown commands are errors that say why.
    let bad = run(&mut s, json!([doc.uri]));
    assert!(bad["error"]["message"].as_str().is_some_and(|m| m.contains("URI and a position")), "{bad}");
    let id = s.send_request("workspace/executeCommand", json!({ "command": "dols.nothing", "arguments": [] }));
    let unknown = s.response(id);
    assert!(unknown["error"]["message"].as_str().is_some_and(|m| m.contains("dols.showSchema")), "{unknown}");
}
