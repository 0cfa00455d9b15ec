//! A stub call to a method that the target class does not have: the runtime answers with
//! `TypeError: The RPC receiver does not implement the method "<name>".` Only claimed when
//! every class of the target's chain is in the project and the class name is unambiguous.

use crate::catalog::catalog;
use crate::infer::{Ty, STUB};

use super::Ctx;

pub const CODE: &str = "stub-unknown-method";

/// Names handled elsewhere: stub methods of the runtime, and the reserved handlers (their own rule).
const NOT_RPC: &[&str] = &["fetch", "connect", "dup", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"];

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let Some((_, method)) = cx.member_call(i) else { continue };
        if NOT_RPC.contains(&method) || catalog().member(STUB, method).is_some() {
            continue;
        }
        // `then` and friends are how promises are read; never a method of the class.
        if matches!(method, "then" | "catch" | "finally") {
            continue;
        }
        let Some(Ty::Stub(Some(class))) = cx.recv_ty(i) else { continue };
        let unique = cx.infer.project.is_some_and(|p| p.classes.get(&class.name).is_some_and(|v| v.len() == 1));
        if !unique || !cx.surely_lacks(class, method) {
            continue;
        }
        let Some(name) = cx.callee_property(i) else { continue };
        let known: Vec<String> = crate::ide::rpc_methods(cx.infer, class).iter().map(|(_, m)| format!("`{}`", m.name)).collect();
        let list = if known.is_empty() { "it has no RPC methods".to_string() } else { format!("its RPC methods: {}", known.join(", ")) };
        cx.report(
            CODE,
            name,
            format!(
                "`{}` has no method `{method}`: the call fails with `TypeError: The RPC receiver does not implement the method \"{method}\"` ({list}).",
                class.name
            ),
        );
    }
}
