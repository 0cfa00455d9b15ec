//! `setAlarm` in a class with no `alarm()` handler. The runtime refuses it:
//! `TypeError: Your Durable Object class must have an alarm() handler in order to call setAlarm()`.

use crate::infer::{Ty, STORAGE};

use super::Ctx;

pub const CODE: &str = "set-alarm-without-handler";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let Some((_, "setAlarm")) = cx.member_call(i) else { continue };
        let Some(class) = cx.enclosing_class(i) else { continue };
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == STORAGE || r == "DurableObjectTransaction") {
            continue;
        }
        if !cx.surely_lacks(&class, "alarm") {
            continue;
        }
        let Some(name) = cx.callee_property(i) else { continue };
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
