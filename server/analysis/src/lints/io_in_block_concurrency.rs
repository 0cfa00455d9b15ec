//! External I/O awaited inside `blockConcurrencyWhile`: the object accepts no other event
//! until the network answers (and the callback is limited to 30 seconds, after which the
//! object is reset). Storage calls are fine there; `fetch`, stub calls and timers are not.

use crate::syntax::NodeExt;
use crate::infer::{Ty, STATE};

use super::Ctx;

pub const CODE: &str = "io-in-block-concurrency";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        let Some((_, "blockConcurrencyWhile")) = cx.member_call(i) else { continue };
        let Some(callback) = call.field("arguments").and_then(|a| a.named_child(0)) else { continue };
        if !matches!(callback.kind_name(), "arrow_function" | "function_expression") {
            continue;
        }
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == STATE) {
            continue;
        }
        let mut stack = vec![callback];
        let mut found = Vec::new();
        while let Some(n) = stack.pop() {
            if n.id() != callback.id() && super::is_function(n.kind_name()) {
                continue;
            }
            if n.kind_name() == "await_expression"
                && let Some(what) = super::flow::external_io(cx, n) {
                    found.push((n, what));
                }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        found.sort_by_key(|(n, _)| n.start_byte());
        for (node, what) in found {
            cx.report(
                CODE,
                node,
                format!(
                    "{what} is awaited inside `blockConcurrencyWhile`: no other event reaches the object until it answers, and a slow answer resets the object after 30 seconds. Keep only storage work in the callback; do the I/O before or after it."
                ),
            );
        }
    }
}
