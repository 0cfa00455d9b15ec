//! `stub.fetch(…)` to a class with no `fetch` handler: the call fails at run time. Only
//! claimed when every class of the target's chain is in the project.

use crate::infer::Ty;

use super::Ctx;

pub const CODE: &str = "stub-fetch-without-handler";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let Some((_, "fetch")) = cx.member_call(i) else { continue };
        let Some(Ty::Stub(Some(class))) = cx.recv_ty(i) else { continue };
        if !cx.surely_lacks(class, "fetch") {
            continue;
        }
        let Some(name) = cx.callee_property(i) else { continue };
        cx.report(
            CODE,
            name,
            format!(
                "`{}` has no `fetch` handler, so `stub.fetch(…)` fails at run time. Call one of its RPC methods instead, or add `async fetch(request: Request)` to the class.",
                class.name
            ),
        );
    }
}
