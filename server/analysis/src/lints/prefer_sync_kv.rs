//! The asynchronous `storage.get/put/delete` with one key in a SQLite-backed class. There the
//! synchronous `storage.kv` API reads and writes the same entries with no `await` and no
//! Promise. A hint, only for a single key given as a string (not an array of keys, not an
//! entries object, no options, which `kv` does not take), and only when the config creates
//! the class with the SQLite backend.
//!
//! Quick fix when the call is awaited on the spot: `await storage.get(k)` becomes
//! `storage.kv.get(k)`.
//!
//! Body-local: the call alone, and the class's backend from the config.

use tree_sitter::Node;

use crate::config::Backend;
use crate::diagnostics::{FileEdit, Fix};
use crate::syntax::NodeExt;
use crate::text::TextRange;

use super::flow::Api;
use super::Ctx;

pub const CODE: &str = "prefer-sync-kv";

pub(super) fn check(cx: &mut Ctx<'_>) {
    let Some(project) = cx.infer.project else { return };
    if !project.config.syntax_errors.is_empty() {
        return;
    }
    let migrated = project.migrated_classes();
    let sqlite = |name: &str| matches!(migrated.get(name), Some((Backend::Sqlite, _)));
    if !cx.infer.src.model.classes.iter().any(|c| sqlite(&c.name)) {
        return;
    }
    for i in 0..cx.calls.len() {
        let Some((object, method @ ("get" | "put" | "delete"))) = cx.member_call(i) else { continue };
        // The storage operation is worked out once per call for every rule: asked first, it
        // leaves out the synchronous `kv` calls before their arguments are read.
        if cx.storage_op(i).is_none_or(|op| op.api != Api::Async) {
            continue;
        }
        let call = cx.calls[i];
        let Some(args) = call.field("arguments") else { continue };
        let want = if method == "put" { 2 } else { 1 };
        let mut c = args.walk();
        let list: Vec<Node<'_>> = args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
        if list.len() != want || !is_string_key(cx, list[0]) {
            continue;
        }
        let Some(class) = cx.this_class(i) else { continue };
        if !sqlite(&class.name) {
            continue;
        }
        // `await x.get<T>(…)` parses with the `await` inside the call.
        let await_start = match call.field("function") {
            Some(f) if f.kind_name() == "await_expression" => Some(f.start_byte()),
            _ => cx.parent(i).filter(|p| p.kind_name() == "await_expression").map(|p| p.start_byte()),
        };
        let receiver = cx.t(object);
        let fix = await_start.map(|start| {
            let file = cx.infer.path.to_path_buf();
            let callee_start = object.start_byte();
            Fix {
                title: format!("Use the synchronous `{receiver}.kv.{method}`"),
                edits: vec![
                    FileEdit { file: file.clone(), range: TextRange::new(start, callee_start), new_text: String::new() },
                    FileEdit { file, range: TextRange::new(object.end_byte(), object.end_byte()), new_text: ".kv".into() },
                ],
            }
        });
        let Some(name) = cx.callee_property(i) else { continue };
        let d = cx.report(
            CODE,
            name,
            format!(
                "`{}` is SQLite-backed, so `{receiver}.kv.{method}(…)` does the same synchronously: no `await`, no Promise, the same entries. The asynchronous `{method}` is only needed for several keys at once or for options such as `allowConcurrency`.",
                class.name
            ),
        );
        if let Some(fix) = fix {
            d.fixes.push(fix);
        }
    }
}

/// A key that is surely one string: a literal, a template, or a concatenation with one.
fn is_string_key(cx: &Ctx<'_>, n: Node<'_>) -> bool {
    match n.kind_name() {
        "string" | "template_string" => true,
        "binary_expression" => {
            cx.t(n.field("operator").unwrap_or(n)) == "+"
                && (n.field("left").is_some_and(|l| is_string_key(cx, l)) || n.field("right").is_some_and(|r| is_string_key(cx, r)))
        }
        "parenthesized_expression" => n.named_child(0).is_some_and(|c| is_string_key(cx, c)),
        _ => false,
    }
}
