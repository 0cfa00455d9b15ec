//! `setAlarm` in a class with no `alarm()` handler: the alarm fires into nothing.

use crate::infer::{Ty, STORAGE};

use super::Ctx;

pub const CODE: &str = "set-alarm-without-handler";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        let Some((_, "setAlarm")) = cx.member_call(i) else { continue };
        let Some(class) = cx.enclosing_class(i) else { continue };
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == STORAGE || r == "DurableObjectTransaction") {
            continue;
        }
        if !cx.chain_complete(&class) || cx.chain_has_member(&class, "alarm") || cx.chain_open(&class) {
            continue;
        }
        let Some(name) = call.child_by_field_name("function").and_then(|f| f.child_by_field_name("property")) else { continue };
        cx.report(
            CODE,
            name,
            format!("`{}` sets an alarm but has no `alarm()` handler, so the alarm fires into nothing. Add `async alarm()` to the class.", class.name),
        );
    }
}
