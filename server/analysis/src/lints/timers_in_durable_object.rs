//! `setTimeout`/`setInterval` in a Durable Object for scheduled work. Timers live in memory:
//! when the object is evicted or restarted they are gone, and a pending timer keeps the
//! object awake. Alarms (`ctx.storage.setAlarm`) survive both. A hint, and only for a
//! constant delay of a second or more: a sleep (`await new Promise(r => setTimeout(r, ms))`),
//! a yield (`setTimeout(fn, 0)`) or a delay computed at run time is not reported.

use crate::syntax::NodeExt;
use super::Ctx;

pub const CODE: &str = "timers-in-durable-object";

/// Delays under this many milliseconds are yields and debounces, not scheduled work.
const MIN_DELAY_MS: f64 = 1000.0;

pub(super) fn check(cx: &mut Ctx<'_>) {
    if cx.is_test_file() {
        return;
    }
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        // The call's text first: it is cheaper than its callee, and nearly every call fails it.
        if !cx.t(call).starts_with("set") {
            continue;
        }
        let Some(name @ ("setTimeout" | "setInterval")) = cx.plain_call(call) else { continue };
        let Some(class) = cx.enclosing_class(i) else { continue };
        if !matches!(cx.infer.do_kind(&class), crate::infer::DoKind::Extends | crate::infer::DoKind::Legacy) {
            continue;
        }
        if inside_promise_executor(cx, &cx.ancestors[i]) {
            continue;
        }
        let Some(args) = call.field("arguments") else { continue };
        let delay = args.named_child(1).and_then(|d| constant_ms(cx, d));
        if delay.is_none_or(|ms| ms < MIN_DELAY_MS) {
            continue;
        }
        // `setTimeout(() => this.ctx.abort(), …)`: resetting the object, not work to keep.
        if args.named_child(0).is_some_and(|f| cx.t(f).contains("abort(")) {
            continue;
        }
        cx.report(
            CODE,
            call,
            format!(
                "`{name}` in a Durable Object does not survive eviction or a restart, and keeps the object in memory while pending. For work that must happen later, use an alarm: `this.ctx.storage.setAlarm(Date.now() + ms)` and an `alarm()` handler."
            ),
        );
    }
}

/// The value of a constant delay: `5000`, `60_000`, `5 * 60 * 1000`.
fn constant_ms(cx: &Ctx<'_>, node: tree_sitter::Node<'_>) -> Option<f64> {
    match node.kind_name() {
        "number" => cx.t(node).replace('_', "").parse().ok(),
        "parenthesized_expression" => constant_ms(cx, node.named_child(0)?),
        "binary_expression" => {
            let l = constant_ms(cx, node.field("left")?)?;
            let r = constant_ms(cx, node.field("right")?)?;
            match node.field("operator")?.kind_name() {
                "*" => Some(l * r),
                "+" => Some(l + r),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `new Promise(resolve => setTimeout(resolve, ms))`: a sleep, not scheduled work.
fn inside_promise_executor(cx: &Ctx<'_>, ancestors: &[tree_sitter::Node<'_>]) -> bool {
    for n in ancestors.iter().rev() {
        if n.kind_name() == "new_expression" {
            return n.field("constructor").is_some_and(|c| cx.t(c) == "Promise");
        }
        if n.kind_name() == "method_definition" || n.kind_name() == "class_body" {
            return false;
        }
    }
    false
}
