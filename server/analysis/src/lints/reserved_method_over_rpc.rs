//! A reserved handler name called through a stub. The runtime keeps these for itself and
//! rejects the call: `TypeError: '<name>' is a reserved method and cannot be called over RPC.`

use crate::infer::Ty;

use super::Ctx;

pub const CODE: &str = "reserved-method-over-rpc";

/// Handler names the runtime rejects over RPC (`fetch` and `connect` are stub methods).
const RESERVED: &[&str] = &["alarm", "webSocketMessage", "webSocketClose", "webSocketError"];

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let Some((_, method)) = cx.member_call(i) else { continue };
        if !RESERVED.contains(&method) || !matches!(cx.recv_ty(i), Some(Ty::Stub(_))) {
            continue;
        }
        let Some(name) = cx.callee_property(i) else { continue };
        cx.report(
            CODE,
            name,
            format!(
                "`{method}` is a reserved handler: calling it through a stub throws `TypeError: '{method}' is a reserved method and cannot be called over RPC.` Move the work into an ordinary public method and call that."
            ),
        );
    }
}
