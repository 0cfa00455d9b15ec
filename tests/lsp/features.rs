//! The Durable Objects features through the protocol: completion, hover, signature help,
//! definition and diagnostics, as an editor receives them.

use serde_json::Value;

use crate::support::{Enc, Server, Workspace, position_of};

const WRANGLER: &str = r#"{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
"#;

const INDEX: &str = r#"import { DurableObject } from "cloudflare:workers";

export interface Env { COUNTER: DurableObjectNamespace<Counter>; }

export class Counter extends DurableObject<Env> {
  /** Adds `by` to the count and returns the new value. */
  async increment(by: number = 1): Promise<number> {
    const sql = this.ctx.storage.sql;
    return sql.exec("UPDATE counts SET n = n + ? RETURNING n", by).one().n as number;
  }
  async later() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async alarm() {}
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const stub = env.COUNTER.getByName("user-1");
    return Response.json(await stub.increment(2));
  },
};
"#;

fn project() -> Workspace {
    Workspace::new("features").file("wrangler.jsonc", WRANGLER).file("src/index.ts", INDEX)
}

/// The LSP position of the first `needle` in `text`, plus `delta` bytes.
fn at(text: &str, needle: &str, delta: usize) -> Value {
    let i = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text"));
    position_of(text, i + delta, Enc::Utf16)
}

fn labels(items: &Value) -> Vec<String> {
    let list = if items.is_array() { items } else { &items["items"] };
    list.as_array().map(|a| a.iter().map(|i| i["label"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

#[test]
fn completion_at_this_ctx_storage() {
    let ws = project();
    let mut s = Server::builder().root(&ws).start();
    // Typed half-way: the line is not a valid statement yet.
    let text = INDEX.replace("  async alarm() {}", "  async alarm() {\n    this.ctx.storage.\n  }");
    let doc = s.open(&ws.path("src/index.ts"), &text);
    let items = s.complete_at(&doc.uri, at(&text, "this.ctx.storage.\n", "this.ctx.storage.".len()));
    let l = labels(&items);
    for want in ["sql", "kv", "get", "put", "setAlarm", "transactionSync", "deleteAll"] {
        assert!(l.contains(&want.to_string()), "missing {want} in {l:?}");
    }
    let list = if items.is_array() { items.clone() } else { items["items"].clone() };
    let set_alarm = list.as_array().unwrap().iter().find(|i| i["label"] == "setAlarm").unwrap();
    assert_eq!(set_alarm["documentation"]["kind"], "markdown", "{set_alarm}");
    assert!(set_alarm["documentation"]["value"].as_str().unwrap().contains("replaces"), "{set_alarm}");
    assert_eq!(set_alarm["insertTextFormat"], 2, "methods insert a snippet: {set_alarm}");
}

#[test]
fn completion_counts_utf16_columns() {
    let ws = project();
    let mut s = Server::builder().root(&ws).start();
    let text = INDEX.replace("  async alarm() {}", "  async alarm() {\n    /* 😀 é */ this.ctx.storage.tra\n  }");
    let doc = s.open(&ws.path("src/index.ts"), &text);
    let items = s.complete_at(&doc.uri, at(&text, "storage.tra", "storage.tra".len()));
    let list = if items.is_array() { items.clone() } else { items["items"].clone() };
    let item = list.as_array().unwrap().iter().find(|i| i["label"] == "transactionSync").expect("transactionSync offered");
    // The replaced prefix `tra` starts after `/* 😀 é */ this.ctx.storage.` (the emoji is two units).
    let start = &item["textEdit"]["range"]["start"];
    assert_eq!(start["character"], 4 + "/* ".len() + 2 + " é */ this.ctx.storage.".chars().count(), "{item}");
}

#[test]
fn stub_completion_lists_rpc_methods() {
    let ws = project();
    let mut s = Server::builder().root(&ws).start();
    let text = INDEX.replace("await stub.increment(2)", "await stub.");
    let doc = s.open(&ws.path("src/index.ts"), &text);
    let l = labels(&s.complete_at(&doc.uri, at(&text, "await stub.", "await stub.".len())));
    assert!(l.contains(&"increment".to_string()) && l.contains(&"later".to_string()), "{l:?}");
    assert!(!l.contains(&"alarm".to_string()), "reserved handlers are not RPC methods: {l:?}");
}

#[test]
fn hover_shows_the_semantics() {
    let ws = project();
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), INDEX);
    let hover = s.hover_at(&doc.uri, at(INDEX, "setAlarm", 3));
    let value = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(value.contains("setAlarm(scheduledTime: number | Date"), "{value}");
    assert!(value.contains("replaces"), "{value}");
    assert_eq!(hover["range"]["start"], at(INDEX, "setAlarm", 0), "{hover}");
    // Hover on a stub call shows the target method and its doc comment.
    let hover = s.hover_at(&doc.uri, at(INDEX, "increment(2)", 2));
    let value = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(value.contains("Counter.increment(by: number = 1): Promise<number>"), "{value}");
    assert!(value.contains("Adds `by` to the count"), "{value}");
}

#[test]
fn signature_help_for_exec_and_rpc() {
    let ws = project();
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), INDEX);
    let help = s.signature_help_at(&doc.uri, at(INDEX, ", by).one()", 2));
    let sig = &help["signatures"][help["activeSignature"].as_u64().unwrap_or(0) as usize];
    assert!(sig["label"].as_str().unwrap().starts_with("exec<"), "{help}");
    assert_eq!(help["activeParameter"], 1, "{help}");
    let help = s.signature_help_at(&doc.uri, at(INDEX, "increment(2)", "increment(".len()));
    assert_eq!(help["signatures"][0]["label"], "Counter.increment(by: number = 1): Promise<number>", "{help}");
}

#[test]
fn definition_of_rpc_method_and_binding() {
    let ws = project();
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), INDEX);
    let def = s.definition_at(&doc.uri, at(INDEX, "increment(2)", 1));
    let first = if def.is_array() { def[0].clone() } else { def.clone() };
    let uri = first["targetUri"].as_str().or(first["uri"].as_str()).unwrap_or_else(|| panic!("{def}"));
    assert_eq!(uri, doc.uri);
    let range = if first["targetSelectionRange"].is_object() { &first["targetSelectionRange"] } else { &first["range"] };
    assert_eq!(range["start"], at(INDEX, "increment(by", 0), "{def}");
    let def = s.definition_at(&doc.uri, at(INDEX, "COUNTER.getByName", 2));
    let first = if def.is_array() { def[0].clone() } else { def.clone() };
    let uri = first["targetUri"].as_str().or(first["uri"].as_str()).unwrap_or_else(|| panic!("{def}"));
    assert_eq!(uri, ws.uri("wrangler.jsonc"), "{def}");
}

#[test]
fn broken_config_and_unexported_class_are_reported() {
    let broken = WRANGLER.replace(r#""main": "src/index.ts","#, r#""main": "src/index.ts""#);
    let ws = Workspace::new("broken").file("wrangler.jsonc", &broken).file("src/index.ts", INDEX);
    let mut s = Server::builder().root(&ws).start();
    let published = s.diagnostics(&ws.uri("wrangler.jsonc"));
    let diags = published["diagnostics"].as_array().unwrap();
    let syntax = diags.iter().find(|d| d["code"] == "config-syntax").unwrap_or_else(|| panic!("{published}"));
    assert_eq!(syntax["severity"], 1);
    assert_eq!(syntax["source"], "dols");
    // Right after the value that lacks its comma.
    assert_eq!(syntax["range"]["start"], serde_json::json!({ "line": 2, "character": 23 }), "{syntax}");
    // Fixing the comma and renaming the class in the config reports the unexported class.
    let doc = s.open(&ws.path("wrangler.jsonc"), &broken);
    let fixed = WRANGLER.replace(r#""class_name": "Counter""#, r#""class_name": "Countr""#);
    let end = position_of(&broken, broken.len(), Enc::Utf16);
    s.change(&doc.uri, 2, &[(Some(crate::support::range((0, 0), (end["line"].as_u64().unwrap() as u32, end["character"].as_u64().unwrap() as u32))), &fixed)]);
    let published = s.wait_for("diagnostics of the fixed config", crate::support::TIMEOUT, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == doc.uri.as_str() && m["params"]["version"] == 2
    });
    let codes: Vec<&str> = published["params"]["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"do-class-not-exported") && codes.contains(&"do-class-no-migration"), "{published}");
}

const FLOATING: &str = r#"import { DurableObject } from "cloudflare:workers";

export interface Env { COUNTER: DurableObjectNamespace<Counter>; }

export class Counter extends DurableObject<Env> {
  async increment(by: number = 1): Promise<number> { return by; }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    env.COUNTER.getByName(request.url).increment(2);
    return new Response("ok");
  },
};
"#;

fn lint_codes(published: &Value) -> Vec<String> {
    published["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str().map(str::to_string)).collect()
}

#[test]
fn quick_fix_for_a_floating_stub_call() {
    let ws = Workspace::new("quickfix").file("wrangler.jsonc", WRANGLER).file("src/index.ts", FLOATING);
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), FLOATING);
    let published = s.diagnostics(&doc.uri);
    let diag = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "stub-call-not-awaited")
        .unwrap_or_else(|| panic!("{published}"))
        .clone();
    assert_eq!(diag["severity"], 2);
    let start = at(FLOATING, "env.COUNTER.getByName(request.url)", 0);
    let actions = s.request(
        "textDocument/codeAction",
        serde_json::json!({
            "textDocument": { "uri": doc.uri },
            "range": { "start": start, "end": start },
            "context": { "diagnostics": [diag] },
        }),
    );
    let list = actions.as_array().unwrap_or_else(|| panic!("{actions}"));
    assert_eq!(list.len(), 1, "{actions}");
    assert_eq!(list[0]["title"], "Await the call");
    assert_eq!(list[0]["kind"], "quickfix");
    let edits = &list[0]["edit"]["changes"][doc.uri.as_str()];
    assert_eq!(edits[0]["newText"], "await ");
    assert_eq!(edits[0]["range"], serde_json::json!({ "start": start, "end": start }));
    // Nowhere near a diagnostic with a fix: no actions.
    let top = serde_json::json!({ "line": 0, "character": 0 });
    let none = s.request(
        "textDocument/codeAction",
        serde_json::json!({ "textDocument": { "uri": doc.uri }, "range": { "start": top, "end": top }, "context": { "diagnostics": [] } }),
    );
    assert_eq!(none, serde_json::json!([]));
}

#[test]
fn lint_levels_from_editor_settings() {
    let ws = Workspace::new("lintlevels").file("wrangler.jsonc", WRANGLER).file("src/index.ts", FLOATING);
    let mut s = Server::builder()
        .root(&ws)
        .init_options(serde_json::json!({ "dols": { "lint": { "stub-call-not-awaited": "error" } } }))
        .start();
    let doc = s.open(&ws.path("src/index.ts"), FLOATING);
    let published = s.diagnostics(&doc.uri);
    let diag = published["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "stub-call-not-awaited").cloned();
    assert_eq!(diag.map(|d| d["severity"].clone()), Some(serde_json::json!(1)), "{published}");
    // Turned off through didChangeConfiguration: the diagnostics are published again without it.
    s.notify(
        "workspace/didChangeConfiguration",
        serde_json::json!({ "settings": { "dols": { "lint": { "stub-call-not-awaited": "off" } } } }),
    );
    let uri = doc.uri.clone();
    let republished = s.wait_for("diagnostics without the lint", crate::support::TIMEOUT, |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && !lint_codes(&m["params"]).iter().any(|c| c == "stub-call-not-awaited")
    });
    assert!(lint_codes(&republished["params"]).is_empty(), "{republished}");
}

#[test]
fn dols_toml_levels_apply() {
    let ws = Workspace::new("dolstoml")
        .file("wrangler.jsonc", WRANGLER)
        .file("dols.toml", "[lint]\nstub-call-not-awaited = \"off\"\n")
        .file("src/index.ts", FLOATING);
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), FLOATING);
    let published = s.diagnostics(&doc.uri);
    assert!(lint_codes(&published).is_empty(), "{published}");
}

const SQL_INDEX: &str = r#"import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS counts (
      name TEXT PRIMARY KEY, -- 😀 per user
      n INTEGER NOT NULL DEFAULT 0
    )`);
  }
  get(name: string) {
    return this.ctx.storage.sql.exec("SELECT c.n FROM counts c WHERE c.name = ?", name).one().n;
  }
  bump(name: string) {
    this.ctx.storage.sql.exec("UPDATE counts SET n = n + 1 WHERE name = ?", name);
  }
}
"#;

const SQL_SETTINGS_INDEX: &str = r#"import { DurableObject } from "cloudflare:workers";

export interface Env { COUNTER: DurableObjectNamespace<Counter>; }

export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
  }
  get(name: string) {
    return this.ctx.storage.sql.exec(`SELECT n FROM counts WHERE name = '${name}'`).one();
  }
  bump(name: string) {
    return this.db.sql`UPDATE counts SET n = n + 1 WHERE nme = ${name}`;
  }
  all() {
    return this.ctx.storage.sql.exec("SELECT name, n FROM counts").toArray();
  }
}
"#;

fn sql_project() -> Workspace {
    Workspace::new("sql-ide").file("wrangler.jsonc", WRANGLER).file("src/index.ts", SQL_INDEX)
}

/// A client that resolves items gets lists without documentation, and each item's
/// documentation when it asks for it.
#[test]
fn completion_documentation_comes_on_resolve() {
    let ws = sql_project();
    let mut s = Server::builder().root(&ws).resolve_documentation().start();
    let caps = s.initialize_result.clone();
    assert_eq!(caps["capabilities"]["completionProvider"]["resolveProvider"], true, "{caps}");
    let text = SQL_INDEX.replace("SELECT c.n FROM", "SELECT c. FROM");
    let doc = s.open(&ws.path("src/index.ts"), &text);
    let items = s.complete_at(&doc.uri, at(&text, "c. FROM", 2));
    let list = if items.is_array() { items.clone() } else { items["items"].clone() };
    let n = list.as_array().unwrap().iter().find(|i| i["label"] == "n").unwrap_or_else(|| panic!("{items}")).clone();
    assert!(n.get("documentation").is_none(), "sent without documentation: {n}");
    assert!(n["data"].is_u64(), "a list's items carry only its number: {n}");
    let resolved = s.request("completionItem/resolve", n.clone());
    let value = resolved["documentation"]["value"].as_str().unwrap_or_else(|| panic!("{resolved}"));
    assert!(value.contains("INTEGER NOT NULL DEFAULT 0"), "{value}");
    assert_eq!(resolved["label"], "n");
    // Many lists later, an item of the first no longer finds its place: it stays as it was.
    for character in 0..40 {
        s.complete_at(&doc.uri, serde_json::json!({ "line": 0, "character": character }));
    }
    let stale = s.request("completionItem/resolve", n.clone());
    assert!(stale.get("documentation").is_none(), "{stale}");
    assert_eq!(stale["label"], "n");
    // Without resolve support, documentation stays in the list.
    let mut plain = Server::builder().root(&ws).start();
    let doc = plain.open(&ws.path("src/index.ts"), &text);
    let items = plain.complete_at(&doc.uri, at(&text, "c. FROM", 2));
    let list = if items.is_array() { items.clone() } else { items["items"].clone() };
    assert!(list.as_array().unwrap().iter().any(|i| i["label"] == "n" && i["documentation"]["value"].is_string()), "{items}");
}

#[test]
fn completion_and_hover_inside_sql_strings() {
    let ws = sql_project();
    let mut s = Server::builder().root(&ws).start();
    // Half-typed: `c.` with nothing after it yet.
    let text = SQL_INDEX.replace("SELECT c.n FROM", "SELECT c. FROM");
    let doc = s.open(&ws.path("src/index.ts"), &text);
    let items = s.complete_at(&doc.uri, at(&text, "c. FROM", 2));
    let list = if items.is_array() { items.clone() } else { items["items"].clone() };
    let got: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["label"].as_str().unwrap().to_string(), i["kind"].as_u64().unwrap()))
        .collect();
    // Columns, as LSP fields (5).
    assert_eq!(got, [("name".to_string(), 5), ("n".to_string(), 5)], "{items}");
    let n = &list[1];
    assert_eq!(n["detail"], "INTEGER NOT NULL DEFAULT 0 — counts", "{n}");
    assert_eq!(n["textEdit"]["range"]["start"], at(&text, "c. FROM", 2), "{n}");

    let hover = s.hover_at(&doc.uri, at(&text, "counts c", 2));
    let value = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(value.contains("CREATE TABLE counts") && value.contains("| `n` | INTEGER NOT NULL DEFAULT 0 |"), "{value}");
    assert_eq!(hover["range"]["start"], at(&text, "counts c", 0), "{hover}");
    let hover = s.hover_at(&doc.uri, at(&text, "n + 1", 0));
    let value = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(value.contains("counts.n INTEGER NOT NULL DEFAULT 0"), "{value}");
}

#[test]
fn definition_and_references_of_sql_names() {
    let ws = sql_project();
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), SQL_INDEX);
    // From `n` in the UPDATE to its declaration, past the emoji (two UTF-16 units) above it.
    let def = s.definition_at(&doc.uri, at(SQL_INDEX, "n = n + 1", 0));
    let first = if def.is_array() { def[0].clone() } else { def.clone() };
    let range = if first["targetSelectionRange"].is_object() { &first["targetSelectionRange"] } else { &first["range"] };
    assert_eq!(range["start"], at(SQL_INDEX, "n INTEGER NOT NULL", 0), "{def}");
    assert_eq!(range["end"], at(SQL_INDEX, "n INTEGER NOT NULL", 1), "{def}");

    let refs = s.request(
        "textDocument/references",
        serde_json::json!({
            "textDocument": { "uri": doc.uri },
            "position": at(SQL_INDEX, "c.name = ?", 2),
            "context": { "includeDeclaration": true }
        }),
    );
    let starts: Vec<Value> = refs.as_array().unwrap_or_else(|| panic!("{refs}")).iter().map(|l| l["range"]["start"].clone()).collect();
    assert_eq!(
        starts,
        [at(SQL_INDEX, "name TEXT PRIMARY", 0), at(SQL_INDEX, "name = ?\", name).one", 0), at(SQL_INDEX, "name = ?\", name);", 0)],
        "{refs}"
    );
}

/// Decodes `data` into (line, column, length, type) runs.
fn decode_tokens(data: &Value) -> Vec<(u64, u64, u64, u64)> {
    let d: Vec<u64> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let (mut line, mut col) = (0, 0);
    d.chunks(5)
        .map(|c| {
            if c[0] > 0 {
                col = 0;
            }
            line += c[0];
            col += c[1];
            (line, col, c[2], c[3])
        })
        .collect()
}

#[test]
fn semantic_tokens_colour_the_sql() {
    let ws = sql_project();
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), SQL_INDEX);
    let full = s.request("textDocument/semanticTokens/full", serde_json::json!({ "textDocument": { "uri": doc.uri } }));
    let runs = decode_tokens(&full["data"]);
    let kind_at = |needle: &str, delta: usize| {
        let p = at(SQL_INDEX, needle, delta);
        let (l, c) = (p["line"].as_u64().unwrap(), p["character"].as_u64().unwrap());
        runs.iter().find(|r| r.0 == l && r.1 == c).map(|r| (r.2, r.3))
    };
    // (length, type index in the legend)
    assert_eq!(kind_at("CREATE TABLE", 0), Some((6, 0)), "keyword");
    assert_eq!(kind_at("counts (", 0), Some((6, 1)), "table");
    assert_eq!(kind_at("n INTEGER", 0), Some((1, 2)), "column");
    assert_eq!(kind_at("-- 😀", 0), Some((14, 8)), "comment, in UTF-16 units (the emoji is two)");
    assert_eq!(kind_at("?\", name).one", 0), Some((1, 4)), "parameter");
    assert_eq!(kind_at("0\n", 0), Some((1, 6)), "number");
    assert_eq!(kind_at("+ 1", 0), Some((1, 7)), "operator");
    // TypeScript outside the strings gets nothing.
    assert_eq!(kind_at("return this", 0), None);
    // A range request covers only the lines asked for.
    let start = at(SQL_INDEX, "  bump(", 0);
    let ranged = s.request(
        "textDocument/semanticTokens/range",
        serde_json::json!({ "textDocument": { "uri": doc.uri }, "range": { "start": start, "end": at(SQL_INDEX, "\n}\n", 0) } }),
    );
    let lines: Vec<u64> = decode_tokens(&ranged["data"]).iter().map(|r| r.0).collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| *l == start["line"].as_u64().unwrap() + 1), "{ranged}");
}

#[test]
fn sql_settings_fixes_and_row_types_through_the_protocol() {
    let ws = Workspace::new("sqlsettings").file("wrangler.jsonc", WRANGLER).file("src/index.ts", SQL_SETTINGS_INDEX);
    let mut s = Server::builder().root(&ws).init_options(serde_json::json!({ "dols": { "sql": { "tags": ["this.db.sql"] } } })).start();
    let doc = s.open(&ws.path("src/index.ts"), SQL_SETTINGS_INDEX);
    let published = s.diagnostics(&doc.uri);
    let codes = |p: &Value| -> Vec<String> {
        p["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).filter(|c| c.starts_with("sql-")).collect()
    };
    // The tag named in the settings is read (its unknown column reported).
    assert_eq!(codes(&published), ["sql-injection", "sql-unknown-column"], "{published}");
    let injection = published["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "sql-injection").unwrap().clone();
    let start = at(SQL_SETTINGS_INDEX, "${name}'", 0);
    let actions = s.request(
        "textDocument/codeAction",
        serde_json::json!({ "textDocument": { "uri": doc.uri }, "range": { "start": start, "end": start }, "context": { "diagnostics": [injection] } }),
    );
    let fix = actions.as_array().unwrap().iter().find(|a| a["kind"] == "quickfix").unwrap_or_else(|| panic!("{actions}"));
    let edits = &fix["edit"]["changes"][doc.uri.as_str()];
    assert_eq!(edits.as_array().map(Vec::len), Some(2), "{fix}");
    assert_eq!(edits[0]["newText"], "?");
    assert_eq!(edits[1]["newText"], ", name");
    // A row type for the `exec` that has none, as a rewrite (also when only refactors are asked for).
    let exec = at(SQL_SETTINGS_INDEX, "exec(`SELECT n", 0);
    let refactors = s.request(
        "textDocument/codeAction",
        serde_json::json!({ "textDocument": { "uri": doc.uri }, "range": { "start": exec, "end": exec }, "context": { "diagnostics": [], "only": ["refactor"] } }),
    );
    let list = refactors.as_array().unwrap_or_else(|| panic!("{refactors}"));
    assert!(list.is_empty(), "a query with a spliced value is not prepared: {refactors}");
    let exec = at(SQL_SETTINGS_INDEX, "exec(\"SELECT name, n", 0);
    let refactors = s.request(
        "textDocument/codeAction",
        serde_json::json!({ "textDocument": { "uri": doc.uri }, "range": { "start": exec, "end": exec }, "context": { "diagnostics": [], "only": ["refactor"] } }),
    );
    let list = refactors.as_array().unwrap_or_else(|| panic!("{refactors}"));
    assert_eq!(list.len(), 1, "{refactors}");
    assert_eq!(list[0]["kind"], "refactor.rewrite");
    let edit = &list[0]["edit"]["changes"][doc.uri.as_str()][0];
    assert_eq!(edit["newText"], "<{ name: string; n: number }>");
    assert_eq!(edit["range"]["start"], at(SQL_SETTINGS_INDEX, "(\"SELECT name, n", 0));
    // Without the tag in the settings, its template is not read.
    s.notify("workspace/didChangeConfiguration", serde_json::json!({ "settings": { "dols": { "sql": {} } } }));
    let uri = doc.uri.clone();
    s.wait_for("diagnostics without the tag", crate::support::TIMEOUT, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str() && codes(&m["params"]) == ["sql-injection"]
    });
}
