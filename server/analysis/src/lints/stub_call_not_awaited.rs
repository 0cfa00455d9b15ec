//! A call through a stub whose promise floats: neither awaited, returned, assigned nor passed
//! on. The call still runs, but a rejection (the method threw, the object was reset) is lost.

use crate::diagnostics::{FileEdit, Fix};
use crate::syntax::NodeExt;
use crate::infer::Ty;
use crate::text::TextRange;

use super::Ctx;

pub const CODE: &str = "stub-call-not-awaited";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        // Only a call that is a statement on its own floats; `void stub.m()` says so on purpose,
        // and `stub.m().then(…)`/`.catch(…)` handles the result.
        if cx.parent(i).is_none_or(|p| p.kind_name() != "expression_statement") {
            continue;
        }
        let Some((_, method)) = cx.member_call(i) else { continue };
        // `await stub.m<T>(…)` parses as a call of `await stub.m`: awaited.
        if call.field("function").is_some_and(|f| f.kind_name() == "await_expression") {
            continue;
        }
        if !matches!(cx.recv_ty(i), Some(Ty::Stub(_))) {
            continue;
        }
        let func = cx.enclosing_function(i);
        let fix = func.filter(|f| super::is_async(*f)).map(|_| Fix {
            title: "Await the call".to_string(),
            edits: vec![FileEdit {
                file: cx.infer.path.to_path_buf(),
                range: TextRange::new(call.start_byte(), call.start_byte()),
                new_text: "await ".to_string(),
            }],
        });
        let d = cx.report(
            CODE,
            call,
            format!(
                "The promise of `{method}(…)` through this stub is not awaited: if the call fails, the error is lost. Await it, return it, or hand it to `ctx.waitUntil(…)`."
            ),
        );
        if let Some(fix) = fix {
            d.fixes.push(fix);
        }
    }
}
