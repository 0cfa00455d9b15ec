//! What storage calls do, and where a function waits on something other than storage: the
//! pieces shared by the rules about atomicity and races (`await-between-writes`,
//! `check-then-act-across-await`, `io-in-block-concurrency`).
//!
//! Everything here looks at one statement list at a time (the statements of one block of one
//! function), so that what a rule reports inside a method depends on that method alone.

use tree_sitter::Node;

use crate::infer::{Ty, STORAGE};
use crate::syntax::NodeExt;

use super::Ctx;

pub(crate) const KV: &str = "SyncKvStorage";
pub(crate) const SQL: &str = "SqlStorage";
pub(crate) const TXN: &str = "DurableObjectTransaction";

/// What a storage call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
    /// `setAlarm`, `deleteAlarm`.
    Alarm,
    /// Anything else on storage (`transaction`, `sync`, a query whose text is unknown).
    Other,
}

/// Which storage API a call goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    /// `ctx.storage.get/put/…` (asynchronous).
    Async,
    /// `ctx.storage.kv.get/put/…` (synchronous).
    Kv,
    /// `ctx.storage.sql.exec(…)`.
    Sql,
    /// `txn.get/put/…` inside `storage.transaction`.
    Txn,
}

#[derive(Clone, Debug)]
pub(crate) struct StorageOp {
    pub access: Access,
    pub api: Api,
    /// The key of a single-key call, as written (a string literal without its quotes).
    pub key: Option<String>,
    /// The tables a query reads (for a read) or writes (for a write).
    pub tables: Vec<String>,
    /// A write with `RETURNING`.
    pub returning: bool,
    /// A schema change (`CREATE`, `ALTER`, `DROP`).
    pub ddl: bool,
}

impl StorageOp {
    /// Whether two operations surely touch the same key or table.
    pub fn same_target(&self, other: &StorageOp) -> bool {
        if let (Some(a), Some(b)) = (&self.key, &other.key) {
            return a == b;
        }
        self.tables.iter().any(|t| other.tables.contains(t))
    }
}

impl<'a> Ctx<'a> {
    /// What call `i` does to storage, if it is a storage call.
    pub fn storage_op(&self, i: usize) -> Option<&StorageOp> {
        self.ops[i].get_or_init(|| self.storage_op_uncached(i)).as_ref()
    }

    fn storage_op_uncached(&self, i: usize) -> Option<StorageOp> {
        let (_, method) = self.member_call(i)?;
        // Only names the storage APIs have: spares typing the receiver of every other call.
        if !matches!(
            method,
            "get" | "put" | "delete" | "list" | "deleteAll" | "exec" | "setAlarm" | "deleteAlarm" | "getAlarm"
                | "transaction" | "transactionSync" | "sync"
        ) {
            return None;
        }
        let Some(Ty::Api(receiver)) = self.recv_ty(i) else { return None };
        let api = match receiver.as_str() {
            STORAGE => Api::Async,
            KV => Api::Kv,
            SQL => Api::Sql,
            TXN => Api::Txn,
            _ => return None,
        };
        let args = self.calls[i].field("arguments");
        let first = args.and_then(|a| a.named_child(0));
        let mut op = StorageOp { access: Access::Other, api, key: None, tables: Vec::new(), returning: false, ddl: false };
        if api == Api::Sql {
            if method != "exec" {
                return None;
            }
            if let Some(access) = first.and_then(|q| crate::sql::query_access(q, self.infer.text())) {
                op.returning = access.returning;
                op.ddl = access.ddl;
                if !access.writes.is_empty() || access.ddl {
                    op.access = Access::Write;
                    op.tables = access.writes;
                } else {
                    op.access = Access::Read;
                    op.tables = access.reads;
                }
            }
            return Some(op);
        }
        op.access = match method {
            "get" | "list" => Access::Read,
            "put" | "delete" | "deleteAll" => Access::Write,
            "setAlarm" | "deleteAlarm" if api != Api::Kv => Access::Alarm,
            "getAlarm" | "transaction" | "transactionSync" | "sync" if api != Api::Kv => Access::Other,
            _ => return None,
        };
        if matches!(method, "get" | "put" | "delete") {
            op.key = first.and_then(|k| self.key_text(k));
        }
        Some(op)
    }

    /// A key argument as written; `None` for an array of keys or an entries object.
    fn key_text(&self, node: Node<'_>) -> Option<String> {
        match node.kind_name() {
            "array" | "object" | "spread_element" => None,
            "string" => {
                let t = self.t(node);
                Some(t.get(1..t.len().saturating_sub(1)).unwrap_or("").to_string())
            }
            _ => Some(self.t(node).split_whitespace().collect()),
        }
    }

    /// The statement that holds call `i` directly, and its block: the call runs whenever the
    /// statement does (no function, branch or loop between them).
    pub fn direct_statement(&self, i: usize) -> Option<(Node<'a>, Node<'a>)> {
        let anc = &self.ancestors[i];
        for j in (0..anc.len()).rev() {
            let n = anc[j];
            if n.kind_name() == "statement_block" {
                let stmt = *anc.get(j + 1)?;
                return Some((n, stmt));
            }
            if breaks_straight_line(n) {
                return None;
            }
        }
        None
    }

    /// The indices of the calls inside `node` (calls are in source order).
    pub fn calls_in(&self, node: Node<'_>) -> std::ops::Range<usize> {
        let from = self.calls.partition_point(|c| c.start_byte() < node.start_byte());
        let to = self.calls.partition_point(|c| c.start_byte() < node.end_byte());
        from..to.max(from)
    }

    /// The storage operations in `node` that run as part of the function `func` (not in a
    /// function nested in it), with the call index.
    pub fn ops_in(&self, node: Node<'_>, func: Node<'_>) -> Vec<(usize, &StorageOp)> {
        self.calls_in(node)
            .filter(|&j| self.enclosing_function(j).is_some_and(|f| f.id() == func.id()))
            .filter_map(|j| Some((j, self.storage_op(j)?)))
            .collect()
    }

    /// Whether call `i` runs inside a callback of `transaction`, `transactionSync` or
    /// `blockConcurrencyWhile`, where no other event interleaves.
    pub fn in_exclusive_callback(&self, i: usize) -> bool {
        let anc = &self.ancestors[i];
        anc.iter().enumerate().any(|(j, n)| {
            n.kind_name() == "arguments"
                && j > 0
                && anc[j - 1].kind_name() == "call_expression"
                && anc[j - 1].field("function").and_then(|f| f.field("property")).is_some_and(|p| {
                    matches!(self.t(p), "transaction" | "transactionSync" | "blockConcurrencyWhile")
                })
        })
    }
}

/// Nodes below which code may not run, or runs more than once, or later.
pub(crate) fn breaks_straight_line(n: Node<'_>) -> bool {
    match n.kind_name() {
        "if_statement" | "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
        | "switch_statement" | "ternary_expression" | "try_statement" | "catch_clause" | "finally_clause" => true,
        "binary_expression" => matches!(n.field("operator").map(|o| o.kind_name()), Some("&&" | "||" | "??")),
        "augmented_assignment_expression" => {
            matches!(n.field("operator").map(|o| o.kind_name()), Some("&&=" | "||=" | "??="))
        }
        k => super::is_function(k) || k == "class_body",
    }
}

/// The `await` expressions in `node`, in source order, each with the nodes between `node`
/// and it (outermost first, without `node` itself). Found from the keyword's text: walking
/// every node of a large statement costs far more.
fn awaits_in<'t>(cx: &Ctx<'t>, node: Node<'t>) -> Vec<(Node<'t>, Vec<Node<'t>>)> {
    let text = cx.infer.text();
    let (start, end) = (node.start_byte(), node.end_byte());
    let mut out = Vec::new();
    for at in crate::text::word_finder!(b"await").find_iter(&text.as_bytes()[start..end]).map(|i| start + i) {
        let Some(keyword) = node.descendant_for_byte_range(at, at + 5) else { continue };
        if keyword.kind_name() != "await" || keyword.start_byte() != at {
            continue;
        }
        let mut path = crate::syntax::ancestors(node, keyword);
        // `ancestors` starts at `node` itself and ends at the keyword's parent.
        if path.first().is_some_and(|n| n.id() == node.id()) {
            path.remove(0);
        }
        let Some(expr) = path.pop().or(Some(node)).filter(|e| e.kind_name() == "await_expression") else { continue };
        out.push((expr, path));
    }
    out
}

/// The first `await` of external I/O that runs whenever `stmt` runs, with what it waits on.
pub(crate) fn direct_external_await<'t>(cx: &Ctx<'t>, stmt: Node<'t>) -> Option<(Node<'t>, &'static str)> {
    if breaks_straight_line(stmt) || !cx.t(stmt).contains("await") {
        return None;
    }
    awaits_in(cx, stmt)
        .into_iter()
        .filter(|(expr, path)| !path.iter().chain(std::iter::once(expr)).any(|n| n.id() != stmt.id() && breaks_straight_line(*n)))
        .find_map(|(expr, _)| Some((expr, external_io(cx, expr)?)))
}

/// Whether an `await` of external I/O may run in `node` (in any branch, not in a nested
/// function).
pub(crate) fn any_external_await<'t>(cx: &Ctx<'t>, node: Node<'t>) -> bool {
    if !cx.t(node).contains("await") {
        return false;
    }
    awaits_in(cx, node)
        .into_iter()
        .filter(|(_, path)| !path.iter().any(|n| n.id() != node.id() && super::is_function(n.kind_name())))
        .any(|(expr, _)| external_io(cx, expr).is_some())
}

/// What kind of external I/O an awaited expression is, if it is one for sure: `fetch(…)`, a
/// call through a Durable Object stub, or a timer.
pub(crate) fn external_io<'t>(cx: &Ctx<'t>, await_expr: Node<'t>) -> Option<&'static str> {
    let mut e = await_expr.named_child(0)?;
    while e.kind_name() == "parenthesized_expression" {
        e = e.named_child(0)?;
    }
    match e.kind_name() {
        "call_expression" => {
            let callee = e.field("function")?;
            if callee.kind_name() == "identifier" && cx.t(callee) == "fetch" {
                return Some("`fetch(…)`");
            }
            if callee.kind_name() != "member_expression" {
                return None;
            }
            let object = callee.field("object")?;
            if cx.t(callee) == "scheduler.wait" {
                return Some("A timer (`scheduler.wait`)");
            }
            // A call of this segment has its receiver's type worked out once, for every rule.
            let stub = match cx.call_index.get(&e.id()) {
                Some(&j) => matches!(cx.recv_ty(j), Some(Ty::Stub(_))),
                None => matches!(cx.ty(object), Some(Ty::Stub(_))),
            };
            stub.then_some("A call to another Durable Object")
        }
        "new_expression" => {
            let ctor = e.field("constructor")?;
            let body = cx.t(e);
            (cx.t(ctor) == "Promise" && (body.contains("setTimeout(") || body.contains("setInterval(")))
                .then_some("A timer (`setTimeout`)")
        }
        _ => None,
    }
}

/// The statements of a block, without comments.
pub(crate) fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut c = block.walk();
    block.named_children(&mut c).filter(|s| s.kind_name() != "comment").collect()
}

/// The names a statement declares (`const a = …`, `let { b, c: d } = …`, `[e] = …`) or assigns
/// at its top level (`x = …`).
pub(crate) fn declared_names<'t>(cx: &Ctx<'t>, stmt: Node<'_>) -> Vec<&'t str> {
    let mut out = Vec::new();
    match stmt.kind_name() {
        "lexical_declaration" | "variable_declaration" => {
            let mut c = stmt.walk();
            for d in stmt.named_children(&mut c).filter(|d| d.kind_name() == "variable_declarator") {
                if let Some(p) = d.field("name") {
                    pattern_names(cx, p, &mut out);
                }
            }
        }
        "expression_statement" => {
            let mut e = stmt.named_child(0);
            while let Some(n) = e {
                match n.kind_name() {
                    "assignment_expression" | "augmented_assignment_expression" => {
                        if let Some(l) = n.field("left") {
                            pattern_names(cx, l, &mut out);
                        }
                        e = n.field("right");
                    }
                    "parenthesized_expression" => e = n.named_child(0),
                    _ => break,
                }
            }
        }
        _ => {}
    }
    out
}

fn pattern_names<'t>(cx: &Ctx<'t>, p: Node<'_>, out: &mut Vec<&'t str>) {
    let mut stack = vec![p];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => out.push(cx.t(n)),
            // `{ key: value }`: only the value binds.
            "pair_pattern" => stack.extend(n.field("value")),
            "object_assignment_pattern" | "assignment_pattern" => stack.extend(n.field("left")),
            "member_expression" | "subscript_expression" => {}
            _ => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
        }
    }
}

/// Whether `node` reads one of `names` as a variable (not as a property name).
pub(crate) fn mentions(cx: &Ctx<'_>, node: Node<'_>, names: &[&str]) -> bool {
    if names.is_empty() {
        return false;
    }
    let text = cx.t(node);
    if !names.iter().any(|n| text.contains(n)) {
        return false;
    }
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if matches!(n.kind_name(), "identifier" | "shorthand_property_identifier") && names.contains(&cx.t(n)) {
            return true;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// Whether the statement leaves the block: `return`, `throw`, or a block ending in one.
pub(crate) fn exits(stmt: Node<'_>) -> bool {
    match stmt.kind_name() {
        "return_statement" | "throw_statement" => true,
        "statement_block" => statements(stmt).last().is_some_and(|s| exits(*s)),
        _ => false,
    }
}
