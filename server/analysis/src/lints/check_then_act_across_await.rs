//! Check, then act, across an `await` of external I/O: a function reads state (a `SELECT`
//! through `sql.exec`, `kv.get`, `storage.get`), tests it, awaits `fetch`, a stub call or a
//! timer, then writes the same key or table. The input gate only holds other events back
//! while storage works; during a network `await` another request can run, read the same
//! state and pass the same test, so both act on it (two payments for one order).
//!
//! Reported on the write, when all of these hold:
//! - the value read is stored in a variable, and an `if` after it tests that variable (or one
//!   computed from it);
//! - the external `await` runs after the test, whenever the tested path runs: inside the
//!   `if`'s block, or after an `if` that leaves (`return`/`throw`);
//! - a later statement of that path writes the key or a table that was read, as a statement
//!   of its own (a write whose result is used, or with `RETURNING`, checks its own outcome);
//! - no storage read comes between the `await` and the write (a fresh check);
//! - it is not filling a cache: when the test is for absence (`!value`, `=== undefined`,
//!   `.length === 0`) and the write stores what the `await` produced, racing callers only
//!   repeat the work.
//!
//! Nothing inside `transaction`, `transactionSync` or `blockConcurrencyWhile` callbacks is
//! reported: no other event runs there.
//!
//! Body-local: it reads the block of the read and the blocks nested in it.

use tree_sitter::Node;

use crate::diagnostics::Related;
use crate::syntax::{node_range, NodeExt};

use super::flow::{self, Access, StorageOp};
use super::Ctx;

pub const CODE: &str = "check-then-act-across-await";

/// How many statements after a read are looked at.
const WINDOW: usize = 64;

struct Finding<'a> {
    write: usize,
    read: usize,
    test: Node<'a>,
    awaited: Node<'a>,
    what: &'static str,
}

pub(super) fn check(cx: &mut Ctx<'_>) {
    let mut found: Vec<Finding<'_>> = Vec::new();
    let text = cx.infer.text();
    for i in 0..cx.calls.len() {
        if !matches!(cx.member_call(i), Some((_, "get" | "exec"))) {
            continue;
        }
        // Cheap first: the value is declared, and a test and an `await` follow in its block.
        let Some((block, stmt)) = cx.direct_statement(i) else { continue };
        let after = &text[stmt.end_byte()..block.end_byte()];
        if !matches!(stmt.kind_name(), "lexical_declaration" | "variable_declaration") || !after.contains("if") || !may_await_io(after) {
            continue;
        }
        let Some(op) = cx.storage_op(i) else { continue };
        if op.access != Access::Read || (op.key.is_none() && op.tables.is_empty()) {
            continue;
        }
        if let Some(f) = after_read(cx, i)
            && !found.iter().any(|g| g.write == f.write)
        {
            found.push(f);
        }
    }
    // The message names no line: the related locations point at the read and the `await`
    // (a report must not change when lines above its method move).
    let reports: Vec<_> = found
        .iter()
        .filter_map(|f| {
            let name = cx.callee_property(f.write)?;
            let message = format!(
                "This write acts on a check made before an `await` of external I/O ({}): the state was read and tested before that `await` (see the related locations), and other requests can run during it and pass the same test. Claim the state before the `await` (for example `UPDATE … SET status = 'busy' WHERE id = ? AND status = 'pending' RETURNING …`, and go on only if a row came back), or read and test it again after the `await`.",
                f.what.replacen("A ", "a ", 1),
            );
            Some((name, message, node_range(cx.calls[f.read]), node_range(f.test), node_range(f.awaited)))
        })
        .collect();
    for (name, message, read, test, awaited) in reports {
        let path = cx.infer.path.to_path_buf();
        let d = cx.report(CODE, name, message);
        d.related.push(Related { file: path.clone(), range: read, message: "the state is read here".into() });
        d.related.push(Related { file: path.clone(), range: test, message: "and tested here".into() });
        d.related.push(Related { file: path, range: awaited, message: "other events can run during this `await`".into() });
    }
}

/// Whether `text` may hold an `await` of external I/O: it has an `await` that is not written
/// straight on the storage (`await this.ctx.storage.…`), which waits only for storage.
fn may_await_io(text: &str) -> bool {
    const STORAGE: [&str; 3] = ["this.ctx.storage.", "ctx.storage.", "this.state.storage."];
    crate::text::word_finder!(b"await").find_iter(text.as_bytes()).any(|at| {
        let rest = text[at + "await".len()..].trim_start();
        !STORAGE.iter().any(|s| rest.starts_with(s))
    })
}

fn after_read<'a>(cx: &Ctx<'a>, i: usize) -> Option<Finding<'a>> {
    let (block, stmt) = cx.direct_statement(i)?;
    if !matches!(stmt.kind_name(), "lexical_declaration" | "variable_declaration") || cx.in_exclusive_callback(i) {
        return None;
    }
    let func = cx.enclosing_function(i)?;
    let read = cx.storage_op(i)?.clone();
    let mut names = flow::declared_names(cx, stmt);
    let stmts = flow::statements(block);
    let at = stmts.iter().position(|s| s.id() == stmt.id())?;
    for k in at + 1..stmts.len().min(at + 1 + WINDOW) {
        let s = stmts[k];
        match s.kind_name() {
            "lexical_declaration" | "variable_declaration" if flow::mentions(cx, s, &names) => {
                names.extend(flow::declared_names(cx, s));
                continue;
            }
            "if_statement" => {
                let Some(cond) = s.field("condition") else { continue };
                if !flow::mentions(cx, cond, &names) {
                    if flow::any_external_await(cx, s) {
                        return None;
                    }
                    continue;
                }
                // A test for absence alone (`if (!row) throw …`) guards nothing a racing
                // request can take away, except the row itself: acting on it twice is a no-op.
                if is_absence_test(cx, cond, &names, true) {
                    return None;
                }
                let absence = is_absence_test(cx, cond, &names, false);
                let cons = s.field("consequence")?;
                let region: Vec<Node<'a>> = if s.field("alternative").is_none() && flow::exits(cons) {
                    stmts[k + 1..].to_vec()
                } else if cons.kind_name() == "statement_block" {
                    flow::statements(cons)
                } else {
                    vec![cons]
                };
                return act_in(cx, func, &region, &read, absence).map(|(write, awaited, what)| Finding {
                    write,
                    read: i,
                    test: s,
                    awaited,
                    what,
                });
            }
            _ => {}
        }
        // An await before any test: whatever is tested later was read before it.
        if flow::any_external_await(cx, s) {
            return None;
        }
    }
    None
}

/// In the statements run after a passed test: an external await, then a write of the same
/// target with no fresh read between.
fn act_in<'a>(cx: &Ctx<'a>, func: Node<'a>, region: &[Node<'a>], read: &StorageOp, absence: bool) -> Option<(usize, Node<'a>, &'static str)> {
    let mut awaited: Option<(usize, Node<'a>, &'static str)> = None;
    for (k, s) in region.iter().enumerate() {
        let ops = cx.ops_in(*s, func);
        if let Some((a, node, what)) = awaited {
            for (j, op) in ops {
                match op.access {
                    Access::Read => return None,
                    Access::Write if op.same_target(read) => {
                        if op.returning || !is_statement_of_its_own(cx, j) {
                            return None;
                        }
                        if absence {
                            let names: Vec<&str> = region[a..k].iter().flat_map(|s| flow::declared_names(cx, *s)).collect();
                            if flow::mentions(cx, cx.calls[j], &names) {
                                return None;
                            }
                        }
                        return Some((j, node, what));
                    }
                    _ => {}
                }
            }
            continue;
        }
        // Before the await: a write of the target settles the check (claim first).
        if ops.iter().any(|(_, op)| op.access == Access::Write && op.same_target(read)) {
            return None;
        }
        if let Some((node, what)) = flow::direct_external_await(cx, *s) {
            awaited = Some((k, node, what));
        } else if flow::any_external_await(cx, *s) {
            // An await in a branch: whether it ran is not known.
            return None;
        }
    }
    None
}

/// `sql.exec(…);` or `await storage.put(…);`: a write whose result nobody looks at.
fn is_statement_of_its_own(cx: &Ctx<'_>, i: usize) -> bool {
    let anc = &cx.ancestors[i];
    let mut k = anc.len();
    while k > 0 && matches!(anc[k - 1].kind_name(), "await_expression" | "parenthesized_expression") {
        k -= 1;
    }
    k > 0 && anc[k - 1].kind_name() == "expression_statement"
}

/// A test for a missing value: `!v`, `v === undefined`, `v == null`, `typeof v === "undefined"`,
/// `v.length === 0`, or an `||`/`&&` of tests one of which is such (all of which, with `only`).
fn is_absence_test(cx: &Ctx<'_>, cond: Node<'_>, names: &[&str], only: bool) -> bool {
    let mut e = cond;
    while e.kind_name() == "parenthesized_expression" {
        let Some(inner) = e.named_child(0) else { return false };
        e = inner;
    }
    match e.kind_name() {
        "unary_expression" => {
            let op = e.field("operator").map(|o| cx.t(o));
            op == Some("!") && e.field("argument").is_some_and(|a| is_value_of(cx, a, names))
        }
        "binary_expression" => {
            let op = e.field("operator").map(|o| cx.t(o)).unwrap_or("");
            let (Some(l), Some(r)) = (e.field("left"), e.field("right")) else { return false };
            match op {
                "||" | "&&" if only => is_absence_test(cx, l, names, true) && is_absence_test(cx, r, names, true),
                "||" | "&&" => is_absence_test(cx, l, names, false) || is_absence_test(cx, r, names, false),
                "===" | "==" | "!==" | "!=" => {
                    let empty = |n: Node<'_>| matches!(cx.t(n), "undefined" | "null" | "0" | "\"undefined\"" | "'undefined'");
                    (empty(r) && is_value_of(cx, l, names)) || (empty(l) && is_value_of(cx, r, names))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// `v`, `v.length`, `typeof v`, `v?.x` for a tracked `v`.
fn is_value_of(cx: &Ctx<'_>, n: Node<'_>, names: &[&str]) -> bool {
    match n.kind_name() {
        "identifier" => names.contains(&cx.t(n)),
        "member_expression" => n.field("object").is_some_and(|o| is_value_of(cx, o, names)),
        "unary_expression" => {
            e_op(cx, n) == Some("typeof") && n.field("argument").is_some_and(|a| is_value_of(cx, a, names))
        }
        "parenthesized_expression" | "non_null_expression" => n.named_child(0).is_some_and(|c| is_value_of(cx, c, names)),
        _ => false,
    }
}

fn e_op<'t>(cx: &Ctx<'t>, n: Node<'_>) -> Option<&'t str> {
    n.field("operator").map(|o| cx.t(o))
}

#[cfg(test)]
mod tests {
    use super::may_await_io;

    #[test]
    fn only_awaits_written_on_the_storage_are_passed_over() {
        assert!(!may_await_io("if (x) { await this.ctx.storage.setAlarm(1); }"));
        assert!(!may_await_io("if (x) { await  ctx.storage.put('k', 1); }"));
        assert!(!may_await_io("if (x) { return; }"));
        assert!(may_await_io("if (x) { await fetch(u); }"));
        assert!(may_await_io("if (x) { await stub.run(); await this.ctx.storage.put('k', 1); }"));
        assert!(may_await_io("if (x) { await this.ctx.storage.transaction(async () => { await fetch(u); }); }"));
        assert!(may_await_io("if (x) { await this.storage.put('k', 1); }"), "a field named storage may be a stub");
    }
}
