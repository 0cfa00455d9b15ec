//! Tagged templates that run their text as a query, each `${}` bound as a `?` parameter:
//! `this.sql` in a class built on the `agents` package's `Agent` (its `sql` method joins the
//! template's strings with `?` and passes the values as bindings), a tag of the module or
//! the class whose code does the same, and the tags named in the settings.

use tree_sitter::Node;

use crate::infer::Infer;
use crate::project::ClassKey;
use crate::syntax::{node_text, NodeExt};

use super::source::{decode_span, Query, SqlText};

/// Packages whose base classes give `this.sql` as a binding tag (the `Agent` class and the
/// classes built on it).
const AGENT_PACKAGES: &[&str] = &["agents", "agents/mcp", "agents/ai-chat-agent", "@cloudflare/ai-chat"];

/// A tagged template, however the parser shaped it.
pub(crate) struct Tagged<'t> {
    /// The whole expression (`this.sql<Row>`…``).
    pub whole: Node<'t>,
    pub tag: Node<'t>,
    pub template: Node<'t>,
    /// The type argument (`Row` in `this.sql<Row>`…``), when there is exactly one.
    pub type_arg: Option<Node<'t>>,
}

/// `node` as a tagged template. The TypeScript grammar reads `tag<T>`…`` at the start of a
/// statement as two comparisons (`(tag < T) > `…``), and elsewhere as an instantiation
/// with a missing `!`; both shapes are recognised.
pub(crate) fn tagged(node: Node<'_>) -> Option<Tagged<'_>> {
    match node.kind_name() {
        "call_expression" => {
            let template = node.field("arguments").filter(|a| a.kind_name() == "template_string")?;
            let mut tag = node.field("function")?;
            let mut type_args = node.field("type_arguments");
            if tag.kind_name() == "non_null_expression" && tag.named_child(0).is_some_and(|i| i.kind_name() == "instantiation_expression") {
                tag = tag.named_child(0)?;
            }
            if tag.kind_name() == "instantiation_expression" {
                type_args = tag.field("type_arguments");
                tag = tag.named_child(0)?;
            }
            let type_arg = type_args.and_then(single_type_argument);
            Some(Tagged { whole: node, tag, template, type_arg })
        }
        "binary_expression" => {
            let template = node.field("right").filter(|r| r.kind_name() == "template_string")?;
            let left = node.field("left").filter(|l| l.kind_name() == "binary_expression")?;
            let op = |n: Node<'_>| n.field("operator").map(|o| o.kind_name().to_string());
            if op(node).as_deref() != Some(">") || op(left).as_deref() != Some("<") {
                return None;
            }
            let tag = left.field("left")?;
            let type_arg = left.field("right").filter(|t| matches!(t.kind_name(), "identifier" | "member_expression"))?;
            Some(Tagged { whole: node, tag, template, type_arg: Some(type_arg) })
        }
        _ => None,
    }
}

fn single_type_argument(args: Node<'_>) -> Option<Node<'_>> {
    let mut c = args.walk();
    let list: Vec<Node<'_>> = args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
    match list.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Whether the tag of a tagged template binds its substitutions as `?` parameters of a query
/// run on the storage of the enclosing class.
pub(crate) fn is_binding_tag(infer: &Infer<'_>, t: &Tagged<'_>, class: Option<&ClassKey>, configured: &[String]) -> bool {
    let text = infer.text();
    let written = crate::settings::compact(node_text(t.tag, text));
    if configured.contains(&written) {
        return true;
    }
    match t.tag.kind_name() {
        "member_expression" => {
            let (Some(obj), Some(prop)) = (t.tag.field("object"), t.tag.field("property")) else { return false };
            if obj.kind_name() != "this" {
                return false;
            }
            let Some(class) = class else { return false };
            let name = node_text(prop, text);
            (name == "sql" && extends_agent(infer, class)) || class_tag(infer, class, name)
        }
        "identifier" => module_tag(infer, t.tag),
        _ => false,
    }
}

/// Whether the tag is `this.sql` of a class built on the `agents` package's `Agent` (whose
/// `sql<T>` takes a row type).
pub(crate) fn is_agent_sql(infer: &Infer<'_>, t: &Tagged<'_>, class: Option<&ClassKey>) -> bool {
    let text = infer.text();
    crate::settings::compact(node_text(t.tag, text)) == "this.sql" && class.is_some_and(|k| extends_agent(infer, k))
}

/// Whether the class is built on the `agents` package's `Agent` (directly or through the
/// project's own base classes).
fn extends_agent(infer: &Infer<'_>, key: &ClassKey) -> bool {
    for k in infer.class_chain(key) {
        let Some(class) = infer.class(&k) else { return false };
        let Some(base) = class.extends.as_deref() else { continue };
        let Some(src) = infer.a.source(&k.file) else { return false };
        let root = base.split('.').next().unwrap_or(base);
        if let Some(import) = src.model.imports.iter().find(|i| i.local == root) {
            return AGENT_PACKAGES.contains(&import.source.as_str());
        }
    }
    false
}

/// A method or function field of the class (or a base class of the project) that is a
/// binding tag by its code.
fn class_tag(infer: &Infer<'_>, key: &ClassKey, name: &str) -> bool {
    for k in infer.class_chain(key) {
        let Some(class) = infer.class(&k) else { return false };
        let Some(src) = infer.a.source(&k.file) else { return false };
        let range = class.methods.iter().find(|m| m.name == name).map(|m| m.range).or_else(|| {
            class.fields.iter().find(|f| f.name == name && f.is_function).map(|f| f.range)
        });
        if let Some(r) = range {
            let root = src.tree.root_node();
            let Some(node) = root.descendant_for_byte_range(r.start, r.end) else { return false };
            return binds_like_a_tag(node, &src.text);
        }
    }
    false
}

/// A function of the module (declared, or a `const` arrow or function expression) that is a
/// binding tag by its code.
fn module_tag(infer: &Infer<'_>, ident: Node<'_>) -> bool {
    let text = infer.text();
    let name = node_text(ident, text);
    if let Some(value) = super::source::const_value(ident, text) {
        return binds_like_a_tag(value, text);
    }
    let root = infer.src.tree.root_node();
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        let decl = if stmt.kind_name() == "export_statement" { stmt.field("declaration") } else { Some(stmt) };
        if let Some(d) = decl.filter(|d| d.kind_name() == "function_declaration")
            && d.field("name").is_some_and(|n| node_text(n, text) == name)
        {
            return binds_like_a_tag(d, text);
        }
    }
    false
}

/// Whether `node` sits in a function that is a binding tag by its code.
pub(crate) fn inside_binding_tag(node: Node<'_>, text: &str) -> bool {
    let mut cur = node;
    while let Some(p) = cur.parent() {
        if matches!(p.kind_name(), "method_definition" | "function_declaration" | "function_expression" | "arrow_function") {
            return binds_like_a_tag(p, text);
        }
        cur = p;
    }
    false
}

/// A function whose first parameter takes the template's strings and whose body runs `exec`
/// with a `?` joined in: `(strings: TemplateStringsArray, ...values) =>
/// sql.exec(strings.join("?"), ...values)`.
fn binds_like_a_tag(func: Node<'_>, text: &str) -> bool {
    let func = match func.kind_name() {
        "method_definition" | "function_declaration" | "function_expression" | "arrow_function" => func,
        "public_field_definition" => match func.field("value") {
            Some(v) if matches!(v.kind_name(), "arrow_function" | "function_expression") => v,
            _ => return false,
        },
        _ => return false,
    };
    let Some(params) = func.field("parameters") else { return false };
    let Some(first) = params.named_child(0) else { return false };
    let takes_strings = first.field("type").is_some_and(|t| node_text(t, text).contains("TemplateStringsArray"));
    let Some(body) = func.field("body") else { return false };
    let body = node_text(body, text);
    takes_strings && body.contains(".exec(") && ["\"?\"", "'?'", "`?`"].iter().any(|q| body.contains(q))
}

/// The query of a binding tag's template: its text with `?` for each substitution (mapped
/// to the whole `${…}`), and the number of substitutions.
pub(crate) fn tagged_query(template: Node<'_>, text: &str) -> (Query, usize) {
    let (start, end) = (template.start_byte(), template.end_byte());
    if end < start + 2 {
        return (Query::Unknown, 0);
    }
    let mut out = SqlText::default();
    let mut pos = start + 1;
    let mut c = template.walk();
    let subs: Vec<Node<'_>> = template.named_children(&mut c).filter(|n| n.kind_name() == "template_substitution").collect();
    for sub in &subs {
        if decode_span(text, pos, sub.start_byte(), &mut out).is_none() {
            return (Query::Unknown, subs.len());
        }
        out.push_str("?", (sub.start_byte() as u32, sub.end_byte() as u32));
        pos = sub.end_byte();
    }
    if decode_span(text, pos, end - 1, &mut out).is_none() {
        return (Query::Unknown, subs.len());
    }
    (Query::Known(out), subs.len())
}
