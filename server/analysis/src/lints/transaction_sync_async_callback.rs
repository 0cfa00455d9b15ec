//! `storage.transactionSync(async () => …)`. `transactionSync` runs its callback and commits
//! as soon as the callback returns; an `async` callback returns a Promise at its first
//! `await`, so what follows runs outside the transaction, and a throw (a rejected Promise)
//! rolls nothing back.
//!
//! Quick fix when the callback has no `await` of its own: drop `async`.
//!
//! Body-local: the call and its callback.

use tree_sitter::Node;

use crate::diagnostics::{FileEdit, Fix};
use crate::syntax::NodeExt;
use crate::text::TextRange;

use super::flow::Api;
use super::Ctx;

pub const CODE: &str = "transaction-sync-async-callback";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let Some((_, "transactionSync")) = cx.member_call(i) else { continue };
        if cx.storage_op(i).is_none_or(|op| op.api != Api::Async) {
            continue;
        }
        let Some(callback) = cx.calls[i].field("arguments").and_then(|a| a.named_child(0)) else { continue };
        if !matches!(callback.kind_name(), "arrow_function" | "function_expression") {
            continue;
        }
        let mut c = callback.walk();
        let Some(keyword) = callback.children(&mut c).find(|n| n.kind_name() == "async") else { continue };
        let next = keyword.next_sibling().map_or(keyword.end_byte(), |n| n.start_byte());
        let fix = (!awaits_in(callback)).then(|| Fix {
            title: "Make the callback synchronous".to_string(),
            edits: vec![FileEdit { file: cx.infer.path.to_path_buf(), range: TextRange::new(keyword.start_byte(), next), new_text: String::new() }],
        });
        let d = cx.report(
            CODE,
            keyword,
            "`transactionSync` commits when its callback returns, and an `async` callback returns at its first `await`: the rest runs outside the transaction, and a throw rolls nothing back. Make the callback synchronous (`sql.exec` and `kv` calls need no `await`), or use `await this.ctx.storage.transaction(async () => …)`.",
        );
        if let Some(fix) = fix {
            d.fixes.push(fix);
        }
    }
}

/// Whether the function awaits (not counting functions nested in it).
fn awaits_in(func: Node<'_>) -> bool {
    let mut stack = vec![func];
    while let Some(n) = stack.pop() {
        if n.id() != func.id() && super::is_function(n.kind_name()) {
            continue;
        }
        if matches!(n.kind_name(), "await_expression" | "for_in_statement") && (n.kind_name() == "await_expression" || n.child(1).is_some_and(|c| c.kind_name() == "await")) {
            return true;
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    false
}
