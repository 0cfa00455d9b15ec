//! `setAlarm` in a class with no `alarm()` handler. The runtime refuses it:
//! `TypeError: Your Durable Object class must have an alarm() handler in order to call setAlarm()`.

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
            format!(
                "`{}` has no `alarm()` handler, so `setAlarm` throws `TypeError: Your Durable Object class must have an alarm() handler in order to call setAlarm()`. Add `async alarm()` to the class with the scheduled work.",
                class.name
            ),
        );
    }
}
