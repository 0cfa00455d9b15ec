//! `storage.deleteAll()` in a class that uses alarms, with no `deleteAlarm()` in the same
//! method. Before compatibility date 2026-02-24 (flag `delete_all_deletes_alarm`),
//! `deleteAll` leaves the alarm in place: the object wakes up later with empty storage.
//! Only reported when the project's compatibility date is known to be older.

use crate::infer::{Ty, STORAGE};

use super::Ctx;

pub const CODE: &str = "delete-all-keeps-alarm";

/// From this compatibility date on, `deleteAll` deletes the alarm too.
const DELETES_ALARM_FROM: &str = "2026-02-24";

pub(super) fn check(cx: &mut Ctx<'_>) {
    let Some(project) = cx.infer.project else { return };
    let Some(date) = project.config.compatibility_date.as_ref().map(|d| d.value.as_str()) else { return };
    let flags = &project.config.compatibility_flags;
    if date.len() != 10 || date >= DELETES_ALARM_FROM || flags.iter().any(|f| f.value == "delete_all_deletes_alarm") {
        return;
    }
    for i in 0..cx.calls.len() {
        let Some((_, "deleteAll")) = cx.member_call(i) else { continue };
        let Some(class) = cx.enclosing_class(i) else { continue };
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == STORAGE) {
            continue;
        }
        if !cx.chain_has_member(&class, "alarm") {
            continue;
        }
        // `deleteAlarm()` anywhere in the same method (before or after) clears it.
        let scope = cx.enclosing_method(i).or_else(|| cx.enclosing_function(i));
        if scope.is_none_or(|m| cx.t(m).contains("deleteAlarm")) {
            continue;
        }
        let Some(name) = cx.callee_property(i) else { continue };
        cx.report(
            CODE,
            name,
            format!(
                "With compatibility date {date} (before {DELETES_ALARM_FROM}), `deleteAll()` keeps the alarm: `{}` will still wake up and run `alarm()` on empty storage. Call `await this.ctx.storage.deleteAlarm()` as well, or move to a compatibility date of {DELETES_ALARM_FROM} or later.",
                class.name
            ),
        );
    }
}
