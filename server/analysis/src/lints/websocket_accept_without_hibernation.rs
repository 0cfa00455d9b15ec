//! `server.accept()` on the server end of a `WebSocketPair` inside a Durable Object. An
//! object holding such a socket stays in memory (and is billed) for as long as the socket is
//! open; `this.ctx.acceptWebSocket(server)` lets it hibernate between messages, with events
//! delivered to `webSocketMessage`/`webSocketClose`.
//!
//! When the socket is only accepted here, the fix is a one-line swap and the rule warns. When
//! the method goes on to use the socket (event listeners, handing it to a helper), moving to
//! hibernation means rewriting those uses: the rule only hints, with no fix.

use crate::syntax::NodeExt;
use tree_sitter::Node;

use crate::diagnostics::{FileEdit, Fix, Severity};
use crate::infer::{DoKind, Ty};
use crate::syntax::node_range;

use super::Ctx;

pub const CODE: &str = "websocket-accept-without-hibernation";

const WEBSOCKET: &str = "WebSocket";

pub(super) fn check(cx: &mut Ctx<'_>) {
    for i in 0..cx.calls.len() {
        let call = cx.calls[i];
        let Some((object, "accept")) = cx.member_call(i) else { continue };
        if object.kind_name() != "identifier" || call.field("arguments").is_none_or(|a| a.named_child_count() != 0) {
            continue;
        }
        let Some(method) = cx.enclosing_method(i) else { continue };
        let Some(class) = cx.this_class(i) else { continue };
        let kind = cx.infer.do_kind(&class);
        if !matches!(kind, DoKind::Extends | DoKind::Legacy) {
            continue;
        }
        if !matches!(cx.recv_ty(i), Some(Ty::Api(r)) if r == WEBSOCKET) {
            continue;
        }
        let name = cx.t(object);
        if !declared_from_pair(cx, method, name) {
            continue;
        }
        let other_uses = uses_of(cx, method, name).into_iter().filter(|n| n.id() != object.id()).count();
        let simple = other_uses == 0;
        let fix = (simple && kind == DoKind::Extends).then(|| Fix {
            title: format!("Accept with `this.ctx.acceptWebSocket({name})` (hibernation)"),
            edits: vec![FileEdit {
                file: cx.infer.path.to_path_buf(),
                range: node_range(call),
                new_text: format!("this.ctx.acceptWebSocket({name})"),
            }],
        });
        let message = if simple {
            format!(
                "`{name}.accept()` keeps this Durable Object in memory for as long as the socket is open. Use `this.ctx.acceptWebSocket({name})` so the object can hibernate between messages; handle them in `webSocketMessage` and `webSocketClose`."
            )
        } else {
            format!(
                "`{name}.accept()` keeps this Durable Object in memory for as long as the socket is open. With `this.ctx.acceptWebSocket({name})` it could hibernate between messages; the event listeners would move to the `webSocketMessage` and `webSocketClose` handlers."
            )
        };
        let d = cx.report(CODE, call, message);
        if !simple {
            d.severity = Severity::Hint;
        }
        if let Some(fix) = fix {
            d.fixes.push(fix);
        }
    }
}

/// Whether `name` is declared in the method from a `new WebSocketPair()` (`const [client,
/// server] = Object.values(pair)`, `const server = pair[1]`).
fn declared_from_pair<'t>(cx: &Ctx<'t>, method: Node<'t>, name: &str) -> bool {
    let mut stack = vec![method];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "variable_declarator"
            && let (Some(pattern), Some(value)) = (n.field("name"), n.field("value")) {
                let binds = match pattern.kind_name() {
                    "identifier" => cx.t(pattern) == name,
                    "array_pattern" => {
                        let mut c = pattern.walk();
                        
                        pattern.named_children(&mut c).any(|p| p.kind_name() == "identifier" && cx.t(p) == name)
                    }
                    _ => false,
                };
                if binds && cx.t(value).contains("WebSocketPair") {
                    return true;
                }
                if binds {
                    // `const pair = new WebSocketPair(); const server = pair[1]`.
                    if let Some(Ty::ApiArray(r) | Ty::Api(r)) = cx.ty(value)
                        && r == WEBSOCKET && !cx.t(value).contains("getWebSockets") {
                            return true;
                        }
                }
            }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// Identifier nodes named `name` in the method, other than declarations.
fn uses_of<'t>(cx: &Ctx<'_>, method: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack: Vec<(Node<'t>, Option<Node<'t>>)> = vec![(method, None)];
    while let Some((n, parent)) = stack.pop() {
        let is_decl = parent.is_some_and(|p| {
            (p.kind_name() == "variable_declarator" && p.field("name").is_some_and(|x| x.id() == n.id()))
                || p.kind_name() == "array_pattern"
        });
        if matches!(n.kind_name(), "identifier" | "shorthand_property_identifier") && cx.t(n) == name && !is_decl {
            out.push(n);
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c).map(|child| (child, Some(n))));
    }
    out
}
