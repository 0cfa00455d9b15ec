//! End-to-end tests of `dols lsp`: the real binary, spoken to over its stdio.

mod editor_support;
mod features;
mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{Enc, Server, TIMEOUT, Workspace, position_of, range, uri_of};

const INDEX_TS: &str = "import { DurableObject } from \"cloudflare:workers\";\n\
    export class Counter extends DurableObject {\n\
    \tasync fetch() { return new Response(\"ok\"); }\n\
    }\n";

fn fnv1a(text: &str) -> String {
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// The status row of an open document, as `dols/status` prints it.
fn doc_row(uri: &str, version: i32, text: &str) -> String {
    let lines = 1 + text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    format!("| `{uri}` | {version} | {} | {lines} | `{}` |", text.len(), fnv1a(text))
}

#[test]
fn initialize_announces_capabilities() {
    let mut s = Server::builder().start();
    let caps = &s.initialize_result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync: {caps}");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["completionProvider"]["triggerCharacters"], json!([".", "\""]));
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["signatureHelpProvider"]["triggerCharacters"], json!(["(", ","]));
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    let tokens = &caps["semanticTokensProvider"];
    assert_eq!(
        tokens["legend"]["tokenTypes"],
        json!(["keyword", "class", "property", "function", "parameter", "string", "number", "operator", "comment"]),
        "{caps}"
    );
    assert_eq!((tokens["full"].clone(), tokens["range"].clone()), (json!(true), json!(true)));
    assert_eq!(caps["workspace"]["workspaceFolders"]["supported"], true);
    assert_eq!(s.initialize_result["serverInfo"]["name"], "dols");
    assert!(s.status().contains("- Position encoding: `utf-16`"));
}

#[test]
fn utf8_positions_are_negotiated_when_offered() {
    let mut s = Server::builder().encodings(&["utf-16", "utf-8"]).start();
    assert_eq!(s.initialize_result["capabilities"]["positionEncoding"], "utf-8");
    assert!(s.status().contains("- Position encoding: `utf-8`"));
    let s = Server::builder().encodings(&["utf-32", "utf-16"]).start();
    assert_eq!(s.initialize_result["capabilities"]["positionEncoding"], "utf-16");
}

/// Edits with non-ASCII text, an emoji (a surrogate pair in UTF-16) and CRLF, in both
/// encodings, sent back to back: the status request after them sees the final text.
#[test]
fn incremental_changes_apply_in_order_in_both_encodings() {
    for (enc, offered) in [(Enc::Utf16, "utf-16"), (Enc::Utf8, "utf-8")] {
        let ws = Workspace::new("edits");
        let mut s = Server::builder().root(&ws).encodings(&[offered]).start();
        let mut text = "const s = \"😀\";\r\nlet é = 1;\n".to_string();
        let doc = s.open(&ws.path("src/index.ts"), &text);
        let edits: [(&str, &str, &str); 4] = [
            ("😀", "😀", "ok ü"),  // replace the emoji
            ("é", "", " /* ∑ */"), // insert after é
            ("= 1;", "", "\r\n// 🎉 end"),
            ("const", "const", "var"),
        ];
        let mut version = 1;
        for (needle, replaced, insert) in edits {
            let at = text.find(needle).unwrap() + if replaced.is_empty() { needle.len() } else { 0 };
            let start = position_of(&text, at, enc);
            let end = position_of(&text, at + replaced.len(), enc);
            version += 1;
            s.change(
                &doc.uri,
                version,
                &[(Some(json!({ "start": start, "end": end })), insert)],
            );
            text.replace_range(at..at + replaced.len(), insert);
        }
        assert_eq!(text, "var s = \"ok ü\";\r\nlet é /* ∑ */ = 1;\r\n// 🎉 end\n");
        // Two changes in one notification: the second's range refers to the text after the first.
        version += 1;
        s.change(
            &doc.uri,
            version,
            &[
                (Some(range((0, 0), (0, 3))), "let"),
                (Some(range((0, 3), (0, 3))), "\r\n"),
            ],
        );
        text.replace_range(0..3, "let\r\n");
        let status = s.status();
        assert!(
            status.contains(&doc_row(&doc.uri, version, &text)),
            "{offered}: wanted {}\n{status}",
            doc_row(&doc.uri, version, &text)
        );
        assert!(
            status.contains(&format!("({} bytes)", text.len())),
            "{offered}: the analysis has another text:\n{status}"
        );
    }
}

/// Hundreds of changes and requests sent without waiting: every change applies, in order.
#[test]
fn changes_sent_back_to_back_apply_in_order() {
    let ws = Workspace::new("burst");
    let mut s = Server::builder().root(&ws).start();
    let mut text = String::from("// start\r\n");
    let doc = s.open(&ws.path("src/burst.ts"), &text);
    let pieces = ["a", "é", "😀", "\r\n", "{", "\"", "\n", "∑"];
    for i in 0..400 {
        let piece = pieces[i % pieces.len()];
        // Alternate between the end of the text and the middle of the first line.
        let at = if i % 2 == 0 {
            text.len()
        } else {
            text.char_indices().nth(3).map_or(0, |(o, _)| o)
        };
        let p = position_of(&text, at, Enc::Utf16);
        s.change(
            &doc.uri,
            i as i32 + 2,
            &[(Some(json!({ "start": p, "end": p })), piece)],
        );
        text.insert_str(at, piece);
        if i % 25 == 0 {
            s.send_request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": doc.uri }, "position": p }),
            );
        }
    }
    let status = s.status();
    let row = doc_row(&doc.uri, 401, &text);
    assert!(status.contains(&row), "wanted {row}\n{status}");
}

#[test]
fn full_text_changes_replace_the_document() {
    let ws = Workspace::new("full");
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("a.ts"), "old");
    s.change(&doc.uri, 2, &[(None, "brand new ✓")]);
    assert!(s.status().contains(&doc_row(&doc.uri, 2, "brand new ✓")));
}

#[test]
fn bad_changes_are_logged_and_resynchronised() {
    let ws = Workspace::new("bad");
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("a.ts"), "ab\ncd");
    s.change(&doc.uri, 5, &[(Some(range((0, 1), (0, 1))), "X")]);
    // The version goes back, and the range lies past the end: it clamps to the end.
    s.change(&doc.uri, 3, &[(Some(range((9, 0), (9, 4))), "!")]);
    let status = s.status();
    assert!(status.contains(&doc_row(&doc.uri, 3, "aXb\ncd!")), "{status}");
    s.log_containing(&["version went back from 5 to 3", "outside the text"]);
}

#[test]
fn malformed_messages_get_errors_and_the_server_keeps_going() {
    let mut s = Server::builder().start();
    s.send_raw(br#"{"jsonrpc":"2.0","id":41,"method":"textDocument/hover","par"#);
    let err = s.wait_for("a parse error", TIMEOUT, |m| m.get("error").is_some());
    assert_eq!(err["error"]["code"], -32700, "{err}");
    assert_eq!(err["id"], Value::Null);
    s.send_raw(br#"{"jsonrpc":"2.0","id":42}"#);
    let err = s.wait_for("an invalid-request error", TIMEOUT, |m| m.get("error").is_some());
    assert_eq!(
        (err["error"]["code"].clone(), err["id"].clone()),
        (json!(-32600), json!(42)),
        "{err}"
    );
    s.send_raw(b"[1, 2]");
    let err = s.wait_for("an invalid-request error", TIMEOUT, |m| m.get("error").is_some());
    assert_eq!(err["error"]["code"], -32600, "{err}");
    // Still serving.
    assert!(s.status().contains("# dols language server"));
    let hover = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x.ts" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(hover, Value::Null);
    assert_eq!(s.shutdown_and_exit().code(), Some(0));
}

#[test]
fn invalid_params_get_an_error_response() {
    let mut s = Server::builder().start();
    let id = s.send_request("textDocument/hover", json!({ "textDocument": 5 }));
    let response = s.response(id);
    assert_eq!(response["error"]["code"], -32602, "{response}");
    assert!(s.status().contains("# dols language server"));
}

#[test]
fn requests_about_unknown_documents_return_null() {
    let ws = Workspace::new("unknown");
    let mut s = Server::builder().root(&ws).start();
    let pos = json!({ "line": 3, "character": 7 });
    for uri in [
        ws.uri("src/missing.ts"),
        "untitled:Untitled-1".to_string(),
        ws.uri("README.md"),
    ] {
        assert_eq!(s.complete_at(&uri, pos.clone()), Value::Null, "{uri}");
        assert_eq!(s.hover_at(&uri, pos.clone()), Value::Null, "{uri}");
        assert_eq!(s.signature_help_at(&uri, pos.clone()), Value::Null, "{uri}");
        assert_eq!(s.definition_at(&uri, pos.clone()), Value::Null, "{uri}");
    }
    // A known document far past its end: positions clamp, nothing breaks.
    let doc = s.open(&ws.path("src/index.ts"), INDEX_TS);
    assert!(
        s.complete_at(&doc.uri, json!({ "line": 99, "character": 99 }))
            .is_array()
    );
    assert_eq!(s.hover_at(&doc.uri, json!({ "line": 99, "character": 0 })), Value::Null);
}

#[test]
fn status_reports_per_method_timings() {
    let ws = Workspace::new("status");
    let mut s = Server::builder()
        .root(&ws)
        .init_options(json!({ "dols": { "answer": 42 } }))
        .start();
    let doc = s.open(&ws.path("src/index.ts"), INDEX_TS);
    for _ in 0..3 {
        s.hover_at(&doc.uri, json!({ "line": 1, "character": 14 }));
    }
    let status = s.status();
    assert!(
        status.contains(&format!("- Version: `{}`", env!("CARGO_PKG_VERSION"))),
        "{status}"
    );
    assert!(status.contains(&format!("  - `{}`", ws.root().display())), "{status}");
    assert!(status.contains("\"answer\": 42"), "{status}");
    assert!(status.contains("| Method | Count | p50 (ms) | p99 (ms) |"), "{status}");
    let row = status
        .lines()
        .find(|l| l.starts_with("| `textDocument/hover` |"))
        .unwrap_or_else(|| panic!("{status}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(cells[2], "3", "{row}");
    let p50: f64 = cells[3].parse().unwrap();
    let p99: f64 = cells[4].parse().unwrap();
    assert!(p50 >= 0.0 && p99 >= p50, "{row}");
    assert!(status.contains("| `initialize` | 1 |"), "{status}");
    assert!(status.contains("| `textDocument/didOpen` | 1 |"), "{status}");
    assert!(status.contains("## Project model"), "{status}");
}

#[test]
fn configuration_changes_show_in_the_status() {
    let mut s = Server::builder()
        .init_options(json!({ "from": "initializationOptions" }))
        .start();
    assert!(s.status().contains("\"from\": \"initializationOptions\""));
    s.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "dols": { "from": "didChangeConfiguration" } } }),
    );
    let status = s.status();
    assert!(status.contains("\"from\": \"didChangeConfiguration\""), "{status}");
}

#[test]
fn the_workspace_is_loaded_per_project() {
    let big = format!("// {}\n", "x".repeat(1024 * 1024));
    let ws = Workspace::new("mono repo ü")
        .file("apps/a/wrangler.jsonc", r#"{ "name": "a", "main": "src/index.ts" }"#)
        .file("apps/a/src/index.ts", INDEX_TS)
        .file("apps/a/src/huge.ts", &big)
        .file("apps/b/wrangler.toml", "name = \"b\"\nmain = \"src/worker.ts\"\n")
        .file("apps/b/src/worker.ts", "export default {};\n")
        .file("node_modules/dep/index.ts", "export {};\n")
        .file("apps/a/.cache/gen.ts", "export {};\n")
        .file("notes.md", "# notes\n");
    let mut s = Server::builder().root(&ws).start();
    let status = s.status();
    let a = ws.path("apps/a");
    let b = ws.path("apps/b");
    assert!(status.contains(&format!("### Project `{}`", a.display())), "{status}");
    assert!(status.contains(&format!("### Project `{}`", b.display())), "{status}");
    assert!(
        status.contains(&format!("- source `{}`", ws.path("apps/b/src/worker.ts").display())),
        "{status}"
    );
    assert!(
        status.contains(&format!("- config `{}`", ws.path("apps/b/wrangler.toml").display())),
        "{status}"
    );
    for skipped in ["node_modules", ".cache", "huge.ts", "notes.md"] {
        assert!(!status.contains(skipped), "{skipped} should not be loaded:\n{status}");
    }
    s.log_containing(&[&format!("[info] skipped {}: ", ws.path("apps/a/src/huge.ts").display())]);
}

#[test]
fn the_root_uri_is_used_without_workspace_folders() {
    let ws = Workspace::new("rooturi").file("src/index.ts", INDEX_TS);
    let mut s = Server::builder().root(&ws).root_uri_only().start();
    let status = s.status();
    assert!(
        status.contains(&format!("- source `{}`", ws.path("src/index.ts").display())),
        "{status}"
    );
}

#[test]
fn diagnostics_are_published_for_configs_and_open_documents() {
    let ws = Workspace::new("diags")
        .file("wrangler.jsonc", r#"{ "name": "w" }"#)
        .file("src/index.ts", INDEX_TS);
    let mut s = Server::builder().root(&ws).start();
    let config = s.diagnostics(&ws.uri("wrangler.jsonc"));
    assert!(config["diagnostics"].is_array(), "{config}");
    let doc = s.open(&ws.path("src/index.ts"), INDEX_TS);
    let published = s.diagnostics(&doc.uri);
    assert_eq!(published["version"], 1, "{published}");
    assert!(published["diagnostics"].is_array());
    s.change(&doc.uri, 2, &[(Some(range((0, 0), (0, 0))), "// edited\n")]);
    let published = s.diagnostics(&doc.uri);
    assert_eq!(published["version"], 2, "{published}");
    // Closing a source file clears its diagnostics.
    s.close(&doc.uri);
    let cleared = s.diagnostics(&doc.uri);
    assert_eq!(cleared["diagnostics"], json!([]), "{cleared}");
}

#[test]
fn watched_files_that_are_not_open_are_reloaded() {
    let ws = Workspace::new("watch")
        .file("wrangler.jsonc", "{}")
        .file("src/open.ts", "// disk\n");
    let mut s = Server::builder().root(&ws).dynamic_watchers().start();
    let registration = s.wait_for("client/registerCapability", TIMEOUT, |m| {
        m["method"] == "client/registerCapability"
    });
    let reg = &registration["params"]["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = reg["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs[..3],
        ["**/*.{ts,tsx,mts,cts,js,mjs,cjs,jsx}", "**/wrangler.{json,jsonc,toml}", "**/dols.toml"]
    );
    assert!(globs.contains(&"**/node_modules/agents/package.json"), "{globs:?}");
    assert!(globs.iter().any(|g| g.contains("package-lock.json")), "{globs:?}");

    let created = ws.write("src/new.ts", "export const n = 1;\n");
    let ignored = ws.write("node_modules/x/y.ts", "export {};\n");
    let open = s.open(&ws.path("src/open.ts"), "// the editor's text\n");
    std::fs::write(ws.path("src/open.ts"), "// changed on disk, longer than before\n").unwrap();
    let event = |uri: String, typ: u8| json!({ "uri": uri, "type": typ });
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [event(uri_of(&created), 1), event(uri_of(&ignored), 1), event(open.uri.clone(), 2)] }),
    );
    let status = s.status();
    assert!(
        status.contains(&format!("- source `{}` (20 bytes)", created.display())),
        "{status}"
    );
    assert!(!status.contains("node_modules"), "{status}");
    assert!(
        status.contains(&format!("- source `{}` (21 bytes)", ws.path("src/open.ts").display())),
        "the open text must win:\n{status}"
    );

    ws.remove("src/new.ts");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [event(uri_of(&created), 3)] }),
    );
    let status = s.status();
    assert!(!status.contains("new.ts"), "{status}");
}

#[test]
fn closing_a_document_goes_back_to_the_disk_version() {
    let ws = Workspace::new("close").file("src/a.ts", "// on disk\n");
    let mut s = Server::builder().root(&ws).start();
    let a = ws.path("src/a.ts");
    let doc = s.open(&a, "// unsaved edits in the editor\n");
    assert!(s.status().contains(&format!("- source `{}` (31 bytes)", a.display())));
    s.close(&doc.uri);
    let status = s.status();
    assert!(
        status.contains(&format!("- source `{}` (11 bytes)", a.display())),
        "{status}"
    );
    assert!(status.contains("## Open documents\n\nNone."), "{status}");

    // A file that only ever existed in the editor is forgotten on close.
    let scratch = s.open(&ws.path("src/scratch.ts"), "let x;\n");
    assert!(s.status().contains("scratch.ts"));
    s.close(&scratch.uri);
    assert!(!s.status().contains("scratch.ts"));
}

#[test]
fn open_documents_over_the_size_limit_are_not_analysed() {
    let ws = Workspace::new("large");
    let mut s = Server::builder().root(&ws).start();
    let big = "x".repeat(1024 * 1024 + 1);
    let doc = s.open(&ws.path("big.ts"), &big);
    let status = s.status();
    assert!(
        status.contains(&format!("| `{}` | 1 | {} |", doc.uri, big.len())),
        "the document is tracked"
    );
    assert!(!status.contains("- source"), "but not analysed:\n{status}");
    s.log_containing(&["over the 1048576-byte limit; not analysed"]);
    // Shrinking it under the limit brings it back.
    s.change(&doc.uri, 2, &[(None, "let small = 1;")]);
    assert!(
        s.status()
            .contains(&format!("- source `{}` (14 bytes)", ws.path("big.ts").display()))
    );
}

#[test]
fn workspace_folders_can_be_added_and_removed() {
    let one = Workspace::new("one").file("src/one.ts", "export {};\n");
    let two = Workspace::new("two").file("src/two.ts", "export {};\n");
    let mut s = Server::builder().root(&one).start();
    let folder = |ws: &Workspace| json!({ "uri": uri_of(ws.root()), "name": "f" });
    s.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [folder(&two)], "removed": [] } }),
    );
    let status = s.status();
    assert!(status.contains("one.ts") && status.contains("two.ts"), "{status}");
    s.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [folder(&one)] } }),
    );
    let status = s.status();
    assert!(!status.contains("one.ts") && status.contains("two.ts"), "{status}");
    assert!(!status.contains(&format!("  - `{}`", one.root().display())), "{status}");
}

#[test]
fn shutdown_then_exit_ends_with_code_zero() {
    let mut s = Server::builder().start();
    assert_eq!(s.shutdown_and_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_code_one() {
    let mut s = Server::builder().start();
    s.notify("exit", Value::Null);
    let status = s.wait_exit(TIMEOUT).expect("the server did not exit");
    assert_eq!(status.code(), Some(1));
}

#[test]
fn the_log_goes_to_the_log_file() {
    let ws = Workspace::new("logfile");
    let log = ws.path("dols.log");
    let mut s = Server::builder().arg("--log-file").arg(log.to_str().unwrap()).start();
    assert_eq!(s.shutdown_and_exit().code(), Some(0));
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("[info] dols "), "{written}");
    assert!(written.contains("[info] shutdown requested"), "{written}");
    assert!(!s.log().contains("[info]"), "nothing logged to stderr: {}", s.log());
}

#[cfg(unix)]
#[test]
fn the_server_exits_when_the_editor_process_is_gone() {
    let mut editor = std::process::Command::new("sleep").arg("60").spawn().unwrap();
    let mut s = Server::builder().process_id(editor.id()).start();
    assert!(s.status().contains("# dols language server"));
    assert!(
        s.wait_exit(Duration::from_secs(3)).is_none(),
        "the server must keep running while the editor does"
    );
    editor.kill().unwrap();
    editor.wait().unwrap();
    let status = s
        .wait_exit(Duration::from_secs(15))
        .expect("the server outlived the editor");
    assert!(!status.success());
}

#[test]
fn sql_diagnostics_follow_edits_to_the_schema() {
    let text = "import { DurableObject } from \"cloudflare:workers\";\n\
        export class Notes extends DurableObject {\n\
        \tconstructor(ctx: DurableObjectState, env: Env) {\n\
        \t\tsuper(ctx, env);\n\
        \t\tctx.storage.sql.exec(\"CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)\");\n\
        \t}\n\
        \tall() { return this.ctx.storage.sql.exec(\"SELECT id, /* 😀 */ title FROM notes\").toArray(); }\n\
        }\n";
    let ws = Workspace::new("sql").file("src/index.ts", text);
    let mut s = Server::builder().root(&ws).start();
    let doc = s.open(&ws.path("src/index.ts"), text);
    // Wait for the publication of this version (a disk-loaded one may come first).
    let uri = doc.uri.clone();
    let published = s.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str() && p["version"] == 1);
    let diags = published["diagnostics"].as_array().unwrap().clone();
    let sql: Vec<&Value> = diags.iter().filter(|d| d["code"] == "sql-unknown-column").collect();
    assert_eq!(sql.len(), 1, "{published}");
    // UTF-16 columns: the emoji before `title` counts two units.
    let at = text.find("title FROM notes\").toArray").unwrap();
    let start = position_of(text, at, Enc::Utf16);
    let end = position_of(text, at + "title".len(), Enc::Utf16);
    assert_eq!(sql[0]["range"], json!({ "start": start, "end": end }), "{published}");
    // Adding the column to the CREATE TABLE clears it.
    let after = text.find("body TEXT").unwrap() + "body TEXT".len();
    let p = position_of(text, after, Enc::Utf16);
    s.change(&doc.uri, 2, &[(Some(json!({ "start": p, "end": p })), ", title TEXT")]);
    let published = s.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str() && p["version"] == 2);
    let left: Vec<&Value> = published["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("sql-"))).collect();
    assert!(left.is_empty(), "{published}");
}

/// Installing a library whose base class creates tables (here `agents`) is noticed through its
/// lock file: the class's queries are checked against the library's tables from then on.
#[test]
fn an_install_brings_the_library_tables() {
    let src = "import { Agent } from \"agents\";\nexport class Store extends Agent<Env> {\n  typo() { return this.sql`SELECT * FROM cf_agents_stat`; }\n}\n";
    let ws = Workspace::new("install")
        .file("wrangler.jsonc", r#"{ "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "S", "class_name": "Store" }] }, "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }] }"#)
        .file("src/index.ts", src);
    let mut s = Server::builder().root(&ws).dynamic_watchers().start();
    let doc = s.open(&ws.path("src/index.ts"), src);
    let before = s.diagnostics(&doc.uri);
    assert_eq!(before["diagnostics"], json!([]), "not installed: nothing to say about tables: {before}");
    ws.write("node_modules/agents/package.json", r#"{ "name": "agents", "main": "dist/index.js" }"#);
    ws.write(
        "node_modules/agents/dist/index.js",
        "export class Agent {\n  constructor(ctx) { this.sql`CREATE TABLE IF NOT EXISTS cf_agents_state (id TEXT PRIMARY KEY NOT NULL, state TEXT)`; }\n  sql(strings, ...values) { return [...this.ctx.storage.sql.exec(strings.join(\"?\"), ...values)]; }\n}\n",
    );
    let lock = ws.write("package-lock.json", "{}");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&lock), "type": 1 }] }),
    );
    let after = s.diagnostics(&doc.uri);
    let codes: Vec<&str> = after["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["sql-unknown-table"], "{after}");
    // Uninstalled: the library's tables are unknown again, and nothing is said.
    ws.remove("node_modules/agents/package.json");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&lock), "type": 2 }] }),
    );
    let gone = s.diagnostics(&doc.uri);
    assert_eq!(gone["diagnostics"], json!([]), "{gone}");
}
