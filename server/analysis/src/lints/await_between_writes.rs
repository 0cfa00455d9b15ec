//! Two storage writes in one block with an `await` of external I/O between them (`fetch`, a
//! call to another Durable Object, a timer). Writes with no `await` between them are
//! committed together; across such an `await` the first one is committed alone, other
//! events run before the second, and a failure in between leaves only half of the change.
//!
//! Reported on the second write, and only when the pair could surely be grouped: both writes
//! run whenever the block runs (no branch or loop around them), the second uses nothing the
//! code computed from the `await` on, and the two touch different keys or tables (writing
//! the same key before and after a call is a state change around it, not one change split
//! in two). Writes inside `transaction`, `transactionSync` or `blockConcurrencyWhile`
//! callbacks are not reported, nor alarm calls.
//!
//! Body-local: it reads the block around the second write and nothing else.

use crate::syntax::NodeExt;
use crate::diagnostics::Related;
use crate::syntax::node_range;

use super::flow::{self, Access};
use super::Ctx;

pub const CODE: &str = "await-between-writes";

/// How many statements before a write are looked at.
const WINDOW: usize = 64;

pub(super) fn check(cx: &mut Ctx<'_>) {
    let mut found = Vec::new();
    let text = cx.infer.text();
    for i in 0..cx.calls.len() {
        if !matches!(cx.member_call(i), Some((_, "put" | "delete" | "deleteAll" | "exec"))) {
            continue;
        }
        // Cheap first: some `await` must come before the write in its block.
        let Some((block, stmt)) = cx.direct_statement(i) else { continue };
        if !text[block.start_byte()..stmt.start_byte()].contains("await") {
            continue;
        }
        if cx.storage_op(i).is_none_or(|op| op.access != Access::Write || op.ddl) {
            continue;
        }
        if let Some(f) = pair_before(cx, i) {
            found.push(f);
        }
    }
    for (second, first, await_node, what) in found {
        let Some(name) = cx.callee_property(second) else { continue };
        let line = |n: tree_sitter::Node<'_>| cx.infer.src.line_index.line_col(cx.infer.text(), n.start_byte(), crate::Encoding::Utf8).line + 1;
        let first_call = cx.calls[first];
        let message = format!(
            "This write and the one on line {} are separated by an `await` of external I/O ({}, line {}): they are committed separately, other events can run between them, and a failure in between leaves only the first. Do both writes before the `await` (writes with no `await` between them are committed together), or make them one `this.ctx.storage.transactionSync(() => …)`.",
            line(first_call),
            what.replacen("A ", "a ", 1),
            line(await_node),
        );
        let path = cx.infer.path.to_path_buf();
        let d = cx.report(CODE, name, message);
        d.related.push(Related { file: path.clone(), range: node_range(first_call), message: "the first write".into() });
        d.related.push(Related { file: path, range: node_range(await_node), message: "the `await` between them".into() });
    }
}

/// For the write `i`: the earlier write of the same block it is split from, and the `await`
/// between them.
fn pair_before<'a>(cx: &Ctx<'a>, i: usize) -> Option<(usize, usize, tree_sitter::Node<'a>, &'static str)> {
    let (block, stmt) = cx.direct_statement(i)?;
    if cx.in_exclusive_callback(i) {
        return None;
    }
    let func = cx.enclosing_function(i)?;
    let second = cx.storage_op(i)?.clone();
    let stmts = flow::statements(block);
    let at = stmts.iter().position(|s| s.id() == stmt.id())?;
    // Another write earlier in the same statement (`a(); b()` on one line is rare, but
    // `put(…, await fetch(…))` puts the await inside): leave those alone.
    if cx.ops_in(stmt, func).iter().any(|(j, op)| *j < i && op.access == Access::Write) {
        return None;
    }
    let mut awaited: Option<(usize, tree_sitter::Node<'a>, &'static str)> = None;
    for k in (at.saturating_sub(WINDOW)..at).rev() {
        let s = stmts[k];
        if matches!(s.kind_name(), "return_statement" | "throw_statement" | "break_statement" | "continue_statement") {
            return None;
        }
        let ops = cx.ops_in(s, func);
        let writes: Vec<usize> = ops.iter().filter(|(_, op)| op.access == Access::Write && !op.ddl).map(|(j, _)| *j).collect();
        match awaited {
            None => {
                // A write closer to this one, with no await between: not this rule's case.
                if !writes.is_empty() {
                    return None;
                }
                if let Some((node, what)) = flow::direct_external_await(cx, s) {
                    awaited = Some((k, node, what));
                }
            }
            Some((a, node, what)) => {
                let direct: Vec<usize> = writes.iter().copied().filter(|&j| cx.direct_statement(j).is_some_and(|(_, st)| st.id() == s.id())).collect();
                if writes.len() != direct.len() {
                    // A write in a branch: which one comes first is not known.
                    return None;
                }
                let Some(&first) = direct.last() else { continue };
                let first_op = cx.storage_op(first)?;
                if first_op.same_target(&second) {
                    return None;
                }
                // The second write must not use what was computed from the await on.
                let names: Vec<&str> = stmts[a..at].iter().flat_map(|s| flow::declared_names(cx, *s)).collect();
                if flow::mentions(cx, cx.calls[i], &names) {
                    return None;
                }
                return Some((i, first, node, what));
            }
        }
    }
    None
}
