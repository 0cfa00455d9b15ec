//! `blockConcurrencyWhile` in a request path. It stops every other event while it runs; in
//! the constructor it runs once per object start, in a method on every call.

use crate::syntax::NodeExt;
use crate::infer::{Ty, STATE};

use super::{method_name, Ctx};

pub const CODE: &str = "block-concurrency-outside-constructor";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        let Some((_, "blockConcurrencyWhile")) = cx.member_call(i) else { continue };
        let Some(method) = cx.enclosing_method(i) else { continue };
        let text = cx.infer.text();
        let name = method_name(method, text);
        if name == "constructor" {
            continue;
        }
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == STATE) {
            continue;
        }
        // Guarded (`if (!this.ready) await …`): runs once, or rarely; not every request.
        if guarded(&cx.ancestors[i], method) || early_if(method, call.start_byte()) {
            continue;
        }
        // Only classes fully in the project: a library base (`Agent`, `Server`) may call a
        // method once at start-up (`onStart`).
        let Some(class) = cx.enclosing_class(i) else { continue };
        if !cx.chain_complete(&class) {
            continue;
        }
        // A helper that the constructor calls runs at start-up.
        let body = cx.ancestors[i].iter().rev().skip_while(|n| n.id() != method.id()).nth(1).copied();
        let ctor_calls_it = body.is_some_and(|body| {
            let mut c = body.walk();
            
            body.named_children(&mut c).any(|m| {
                m.kind_name() == "method_definition" && method_name(m, text) == "constructor" && {
                    let t = cx.t(m);
                    t.contains(&format!("this.{name}(")) || t.contains(&format!("this.{name}.bind"))
                }
            })
        });
        if ctor_calls_it {
            continue;
        }
        let Some(callee) = cx.callee_property(i) else { continue };
        cx.report(
            CODE,
            callee,
            format!(
                "`blockConcurrencyWhile` in `{name}` runs on every call and holds back every other request while it runs. Do one-time set-up (schema, loading state) in the constructor with `ctx.blockConcurrencyWhile`; storage calls are already protected by the input gate."
            ),
        );
    }
}

/// Whether an `if` comes before `at` in the method (`if (this.ready) return;`).
fn early_if(method: tree_sitter::Node<'_>, at: usize) -> bool {
    let mut stack = vec![method];
    while let Some(n) = stack.pop() {
        if n.start_byte() >= at {
            continue;
        }
        if n.kind_name() == "if_statement" {
            return true;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// Whether a conditional (`if`, `?:`, `&&`, `||`, `??`, `switch`, `catch`) stands between
/// the call and its method.
fn guarded(ancestors: &[tree_sitter::Node<'_>], method: tree_sitter::Node<'_>) -> bool {
    for n in ancestors.iter().rev() {
        if n.id() == method.id() {
            return false;
        }
        match n.kind_name() {
            "if_statement" | "ternary_expression" | "switch_statement" | "catch_clause" => return true,
            "binary_expression" => {
                let op = n.field("operator").map(|o| o.kind_name());
                if matches!(op, Some("&&" | "||" | "??")) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}
