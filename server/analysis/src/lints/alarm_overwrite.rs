//! `setAlarm` called again where the first alarm is still pending: an object has one alarm,
//! and `setAlarm` replaces its time. Reported for a `setAlarm` inside a loop, or a second one
//! in the same block as another, in a method that never reads `getAlarm()`. Calls in
//! different branches (`if … else`) are not reported: only one of them runs.

use crate::syntax::NodeExt;
use crate::infer::{Ty, STORAGE};

use super::Ctx;

pub const CODE: &str = "alarm-overwrite";

const LOOPS: &[&str] = &["for_statement", "for_in_statement", "while_statement", "do_statement"];

pub(super) fn check(cx: &mut Ctx<'_>) {
    // (statement block id, method id) of each `setAlarm` seen so far.
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for i in 0..cx.calls.len() {
        let Some((_, "setAlarm")) = cx.member_call(i) else { continue };
        let Some(method) = cx.enclosing_method(i) else { continue };
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == STORAGE) {
            continue;
        }
        if cx.t(method).contains("getAlarm") {
            continue;
        }
        let within: Vec<_> = cx.ancestors[i].iter().rev().take_while(|n| n.id() != method.id()).copied().collect();
        // In a loop, unless the block around the call leaves it (`setAlarm(…); return;`).
        let in_loop = match within.iter().position(|n| LOOPS.contains(&n.kind_name())) {
            Some(l) => !within[..l].iter().any(|b| b.kind_name() == "statement_block" && leaves(*b)),
            None => false,
        };
        // Only a block that the call is directly in, not through a nested function.
        let block = within.iter().find(|n| n.kind_name() == "statement_block" || super::is_function(n.kind_name()));
        let block_id = block.filter(|b| b.kind_name() == "statement_block").map(|b| b.id());
        let repeated = block_id.is_some_and(|b| seen.contains(&(b, method.id())));
        if let Some(b) = block_id {
            seen.push((b, method.id()));
        }
        if !in_loop && !repeated {
            continue;
        }
        let Some(name) = cx.callee_property(i) else { continue };
        let why = if in_loop { "inside a loop" } else { "again after an earlier `setAlarm` in the same block" };
        cx.report(
            CODE,
            name,
            format!(
                "`setAlarm` is called {why}: an object has a single alarm, and each call replaces the time set before. To keep the earliest time, read `await this.ctx.storage.getAlarm()` first and only move the alarm earlier."
            ),
        );
    }
}

/// Whether a block has a `return`, `break` or `throw` of its own.
fn leaves(block: tree_sitter::Node<'_>) -> bool {
    let mut c = block.walk();
    
    block.named_children(&mut c).any(|s| matches!(s.kind_name(), "return_statement" | "break_statement" | "throw_statement"))
}
