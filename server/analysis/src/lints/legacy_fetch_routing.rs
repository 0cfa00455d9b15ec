//! A Durable Object whose `fetch` handler dispatches on URL paths (`/increment`, `/get`, …)
//! to its own operations, in a project whose compatibility date has RPC (2024-04-03, or the
//! `rpc` flag). Public methods called through the stub do the same with typed arguments and
//! results, and no URL parsing or JSON encoding. A hint: `fetch` stays right for HTTP that
//! comes from outside (WebSocket upgrades, proxied requests).
//!
//! Body-local: the `fetch` body, the class's kind and the config's compatibility date.

use tree_sitter::Node;

use crate::infer::DoKind;
use crate::project::ClassKey;
use crate::syntax::{node_text, NodeExt};

use super::Ctx;

pub const CODE: &str = "legacy-fetch-routing";

/// RPC on stubs works from this compatibility date on.
const RPC_FROM: &str = "2024-04-03";

/// Distinct paths that make a router.
const MIN_ROUTES: usize = 2;

pub(super) fn check(cx: &mut Ctx<'_>) {
    let Some(project) = cx.infer.project else { return };
    let Some(date) = project.config.compatibility_date.as_ref().map(|d| d.value.clone()) else { return };
    let rpc_flag = project.config.compatibility_flags.iter().any(|f| f.value == "rpc");
    if !(rpc_flag || (date.len() == 10 && date.as_str() >= RPC_FROM)) {
        return;
    }
    // Reported while linting the handler's own body, which a router reads the path in (see
    // `routes`): bodies that never name `pathname` are left at once.
    let Some(segment) = cx.segment else { return };
    if !cx.infer.text()[segment.as_range()].contains("pathname") {
        return;
    }
    let root = cx.infer.src.tree.root_node();
    let mut found = Vec::new();
    for class in cx.infer.src.model.classes.iter().filter(|c| c.range.start <= segment.start && segment.end <= c.range.end) {
        let Some(m) = class.methods.iter().find(|m| m.body == Some(segment)) else { continue };
        if m.name != "fetch" || m.is_static {
            continue;
        }
        let key = ClassKey { file: cx.infer.path.to_path_buf(), name: class.name.clone() };
        if cx.infer.do_kind(&key) != DoKind::Extends {
            continue;
        }
        let Some(method) = root.descendant_for_byte_range(m.name_range.start, m.name_range.end).and_then(|n| n.parent()) else { continue };
        if method.kind_name() != "method_definition" {
            continue;
        }
        let routes = routes(cx, method);
        if routes.len() >= MIN_ROUTES {
            found.push((method.field("name"), class.name.clone(), routes));
        }
    }
    for (name, class, routes) in found {
        let Some(name) = name else { continue };
        let shown: Vec<String> = routes.iter().take(3).map(|r| format!("`{r}`")).collect();
        let more = if routes.len() > 3 { ", …" } else { "" };
        cx.report(
            CODE,
            name,
            format!(
                "`{class}.fetch` dispatches on URL paths ({}{more}). With compatibility date {date}, callers can call public methods of `{class}` through the stub instead (`await stub.method(…)`, RPC since {RPC_FROM}), with typed arguments and results and no URL parsing or JSON encoding. Keep `fetch` for HTTP from outside, such as WebSocket upgrades.",
                shown.join(", ")
            ),
        );
    }
}

/// The distinct path literals (`"/…"`) that `method` compares the request's path with.
fn routes(cx: &Ctx<'_>, method: Node<'_>) -> Vec<String> {
    let text = cx.infer.text();
    let Some(body) = method.field("body") else { return Vec::new() };
    if !node_text(body, text).contains("pathname") {
        return Vec::new();
    }
    // Names that hold the path: `const path = url.pathname`, `const { pathname } = new URL(…)`.
    let mut path_names: Vec<&str> = vec![];
    let mut stack = vec![body];
    let mut nodes = Vec::new();
    while let Some(n) = stack.pop() {
        if n.id() != body.id() && super::is_function(n.kind_name()) {
            continue;
        }
        if n.kind_name() == "variable_declarator"
            && let (Some(name), Some(value)) = (n.field("name"), n.field("value"))
        {
            let v = node_text(value, text);
            match name.kind_name() {
                "identifier" if v.trim_end().ends_with(".pathname") => path_names.push(node_text(name, text)),
                "object_pattern" if node_text(name, text).contains("pathname") && v.contains("URL") => path_names.push("pathname"),
                _ => {}
            }
        }
        nodes.push(n);
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    nodes.sort_by_key(|n| n.start_byte());
    let is_path = |n: Node<'_>| {
        let t = node_text(n, text).trim();
        t.ends_with(".pathname") || (n.kind_name() == "identifier" && path_names.contains(&t))
    };
    let literal = |n: Node<'_>| -> Option<String> {
        let t = node_text(n, text);
        (n.kind_name() == "string" && t.len() > 3 && t[1..].starts_with('/')).then(|| t[1..t.len() - 1].to_string())
    };
    let mut out: Vec<String> = Vec::new();
    let mut add = |r: String| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    for n in nodes {
        match n.kind_name() {
            "binary_expression" => {
                let op = n.field("operator").map(|o| node_text(o, text));
                if !matches!(op, Some("===" | "==" | "!==" | "!=")) {
                    continue;
                }
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else { continue };
                if is_path(l) && let Some(s) = literal(r) {
                    add(s);
                } else if is_path(r) && let Some(s) = literal(l) {
                    add(s);
                }
            }
            "switch_statement" => {
                let Some(value) = n.field("value") else { continue };
                let value = if value.kind_name() == "parenthesized_expression" { value.named_child(0).unwrap_or(value) } else { value };
                if !is_path(value) {
                    continue;
                }
                let Some(cases) = n.field("body") else { continue };
                let mut c = cases.walk();
                for case in cases.named_children(&mut c) {
                    if let Some(s) = case.field("value").and_then(literal) {
                        add(s);
                    }
                }
            }
            "call_expression" => {
                let Some(callee) = n.field("function").filter(|f| f.kind_name() == "member_expression") else { continue };
                let (Some(obj), Some(prop)) = (callee.field("object"), callee.field("property")) else { continue };
                if matches!(node_text(prop, text), "startsWith" | "endsWith")
                    && is_path(obj)
                    && let Some(s) = n.field("arguments").and_then(|a| a.named_child(0)).and_then(literal)
                {
                    add(s);
                }
            }
            _ => {}
        }
    }
    out
}
