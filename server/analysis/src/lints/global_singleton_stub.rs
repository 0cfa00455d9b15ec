//! Every request routed to one object by a constant name (`getByName("global")`). One object
//! runs on one thread in one place: it caps throughput (about a thousand requests a second)
//! and adds latency for far-away users. A hint: a single coordinator is sometimes the design.

use crate::syntax::NodeExt;
use crate::infer::Ty;

use super::Ctx;

pub const CODE: &str = "global-singleton-stub";

pub(super) fn check(cx: &mut Ctx<'_>) {
    // Tests address fixed objects on purpose.
    if cx.is_test_file() {
        return;
    }
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        let Some((_, method @ ("getByName" | "idFromName"))) = cx.member_call(i) else { continue };
        let Some(args) = call.field("arguments") else { continue };
        if args.named_child_count() != 1 {
            continue;
        }
        let Some(arg) = args.named_child(0) else { continue };
        // Only a plain string literal; a template with `${…}` or a variable is a per-entity key.
        let literal = arg.kind_name() == "string" || (arg.kind_name() == "template_string" && {
            let mut c = arg.walk();
            
            arg.named_children(&mut c).all(|n| n.kind_name() != "template_substitution")
        });
        if !literal {
            continue;
        }
        // Inside a Durable Object, a call to a fixed coordinator is usually deliberate.
        if cx.enclosing_class(i).is_some() {
            continue;
        }
        if !matches!(cx.recv_ty(i), Some(Ty::Namespace(_))) {
            continue;
        }
        let name = cx.t(arg).to_string();
        cx.report(
            CODE,
            call,
            format!(
                "`{method}({name})` sends every request to the same Durable Object, which runs one request at a time in one place. If the state can be split (per user, room, document), derive the name from that key so that the load spreads over many objects."
            ),
        );
    }
}
