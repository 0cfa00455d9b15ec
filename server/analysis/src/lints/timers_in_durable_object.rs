//! `setTimeout`/`setInterval` in a Durable Object for scheduled work. Timers live in memory:
//! when the object is evicted or restarted they are gone, and a pending timer keeps the
//! object awake. Alarms (`ctx.storage.setAlarm`) survive both. A hint: a short sleep
//! (`await new Promise(r => setTimeout(r, ms))`) is fine and not reported.

use super::Ctx;

pub const CODE: &str = "timers-in-durable-object";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        let Some(name @ ("setTimeout" | "setInterval")) = cx.plain_call(call) else { continue };
        let Some(class) = cx.infer.this_class_or_enclosing(call) else { continue };
        if !matches!(cx.infer.do_kind(&class), crate::infer::DoKind::Extends | crate::infer::DoKind::Legacy) {
            continue;
        }
        if inside_promise_executor(cx, call) {
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

/// `new Promise(resolve => setTimeout(resolve, ms))`: a sleep, not scheduled work.
fn inside_promise_executor(cx: &Ctx<'_>, call: tree_sitter::Node<'_>) -> bool {
    let mut cur = call.parent();
    while let Some(n) = cur {
        if n.kind() == "new_expression" {
            return n.child_by_field_name("constructor").is_some_and(|c| cx.t(c) == "Promise");
        }
        if n.kind() == "method_definition" || n.kind() == "class_body" {
            return false;
        }
        cur = n.parent();
    }
    false
}
