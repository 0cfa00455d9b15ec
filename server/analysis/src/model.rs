//! The per-file model: classes, interfaces, imports and exports of one module, read from its
//! syntax tree once per change. Everything here is syntactic; meaning (which class is a
//! Durable Object, which binding points where) is worked out in `project` and `infer`.

use std::path::Path;

use tree_sitter::{Node, Tree};

use crate::syntax::NodeExt;
use crate::syntax::{node_range, node_text};
use crate::text::TextRange;

#[derive(Clone, Debug, Default)]
pub struct FileModel {
    pub classes: Vec<ClassInfo>,
    pub interfaces: Vec<InterfaceInfo>,
    pub imports: Vec<ImportInfo>,
    pub exports: Vec<ExportInfo>,
    /// `export * from "…"` sources.
    pub star_exports: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    /// The base class as written, without type arguments (`DurableObject`, `Agent`, `lib.Base`).
    pub extends: Option<String>,
    pub methods: Vec<MethodInfo>,
    pub fields: Vec<FieldInfo>,
    /// Constructor parameters, when the class declares a constructor.
    pub constructor: Option<Vec<ParamInfo>>,
    /// The constructor's body (`{ … }`), kept apart from `methods` like its parameters.
    pub constructor_body: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accessor {
    Get,
    Set,
}

#[derive(Clone, Debug)]
pub struct MethodInfo {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    /// The `{ … }` body, when the method has one (arrow-function fields: their block body).
    pub body: Option<TextRange>,
    pub params: Vec<ParamInfo>,
    /// The return type annotation without the leading colon.
    pub return_type: Option<String>,
    pub is_async: bool,
    pub is_static: bool,
    /// `private`/`protected` or a `#name`: not reachable over RPC.
    pub is_private: bool,
    pub accessor: Option<Accessor>,
    /// The JSDoc comment right before the method, cleaned of its `/** */` markup.
    pub doc: Option<String>,
}

impl MethodInfo {
    /// `name(a: string, b?: number): Promise<void>`.
    pub fn signature(&self) -> String {
        let params: Vec<&str> = self.params.iter().map(|p| p.text.as_str()).collect();
        let mut s = format!("{}({})", self.name, params.join(", "));
        if let Some(ret) = &self.return_type {
            s.push_str(": ");
            s.push_str(ret);
        }
        s
    }
}

#[derive(Clone, Debug)]
pub struct FieldInfo {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    /// The type annotation without the colon.
    pub type_text: Option<String>,
    pub is_static: bool,
    pub is_private: bool,
    /// The initialiser is an arrow function or function expression: callable like a method.
    pub is_function: bool,
}

#[derive(Clone, Debug)]
pub struct ParamInfo {
    /// The bound name; empty for a destructuring pattern.
    pub name: String,
    /// The parameter as written, without decorators.
    pub text: String,
    pub type_text: Option<String>,
    pub optional: bool,
    /// `constructor(private state: DurableObjectState)`: also declares a field.
    pub is_property: bool,
}

#[derive(Clone, Debug)]
pub struct InterfaceInfo {
    pub name: String,
    pub range: TextRange,
    pub members: Vec<PropertyInfo>,
}

#[derive(Clone, Debug)]
pub struct PropertyInfo {
    pub name: String,
    pub range: TextRange,
    pub type_text: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ImportInfo {
    /// The name bound in this module.
    pub local: String,
    /// The imported name; `default` for a default import, `*` for a namespace import.
    pub imported: String,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct ExportInfo {
    /// The name other modules see (`default` for the default export).
    pub exported: String,
    /// The local name (or, for a re-export, the name in `source`). `None` for an
    /// anonymous default export.
    pub local: Option<String>,
    /// Set for `export { a } from "./x"`.
    pub source: Option<String>,
    pub range: TextRange,
}

/// Moves a range for an edit that replaced `[start, old_end)` by `delta` more (or fewer)
/// bytes: ranges after the edit move, ranges around it stretch, ranges before it stay.
fn shift(r: &mut TextRange, old_end: usize, delta: isize) {
    let moved = |x: usize| (x as isize + delta) as usize;
    if r.start >= old_end {
        r.start = moved(r.start);
    }
    if r.end >= old_end {
        r.end = moved(r.end);
    }
}

impl FileModel {
    /// The method whose body strictly contains `[start, end)` (the edit stays inside it).
    pub fn method_body_around(&self, start: usize, end: usize) -> Option<TextRange> {
        self.classes
            .iter()
            .filter(|c| c.range.start < start && end < c.range.end)
            .flat_map(|c| c.methods.iter().filter_map(|m| m.body).chain(c.constructor_body))
            .find(|b| b.start < start && end < b.end)
    }

    /// This model after an edit inside a method body: the same items, with ranges moved.
    /// Only valid when the edit changed nothing outside that body (see `Analysis::apply_edits`).
    pub fn shifted(&self, old_end: usize, delta: isize) -> FileModel {
        let mut m = self.clone();
        for c in &mut m.classes {
            shift(&mut c.name_range, old_end, delta);
            shift(&mut c.range, old_end, delta);
            for f in &mut c.fields {
                shift(&mut f.name_range, old_end, delta);
                shift(&mut f.range, old_end, delta);
            }
            if let Some(b) = &mut c.constructor_body {
                shift(b, old_end, delta);
            }
            for x in &mut c.methods {
                shift(&mut x.name_range, old_end, delta);
                shift(&mut x.range, old_end, delta);
                if let Some(b) = &mut x.body {
                    shift(b, old_end, delta);
                }
            }
        }
        for i in &mut m.interfaces {
            shift(&mut i.range, old_end, delta);
            for p in &mut i.members {
                shift(&mut p.range, old_end, delta);
            }
        }
        for e in &mut m.exports {
            shift(&mut e.range, old_end, delta);
        }
        m
    }

    pub fn build(_path: &Path, text: &str, tree: &Tree) -> Self {
        let mut model = FileModel::default();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for stmt in root.named_children(&mut cursor) {
            model.top_level(stmt, text);
        }
        model
    }

    pub fn class(&self, name: &str) -> Option<&ClassInfo> {
        self.classes.iter().find(|c| c.name == name)
    }

    pub fn interface(&self, name: &str) -> Option<&InterfaceInfo> {
        self.interfaces.iter().find(|i| i.name == name)
    }

    /// The local name exported as `exported` from this module, without following re-exports.
    pub fn local_export(&self, exported: &str) -> Option<&ExportInfo> {
        self.exports.iter().find(|e| e.exported == exported)
    }

    fn top_level(&mut self, stmt: Node<'_>, text: &str) {
        match stmt.kind_name() {
            "class_declaration" | "abstract_class_declaration" => {
                if let Some(c) = class_info(stmt, text) {
                    self.classes.push(c);
                }
            }
            "interface_declaration" => {
                if let Some(i) = interface_info(stmt, text) {
                    self.interfaces.push(i);
                }
            }
            "type_alias_declaration" => {
                if let (Some(name), Some(value)) =
                    (stmt.field("name"), stmt.field("value"))
                    && value.kind_name() == "object_type" {
                        self.interfaces.push(InterfaceInfo {
                            name: node_text(name, text).to_string(),
                            range: node_range(stmt),
                            members: property_signatures(value, text),
                        });
                    }
            }
            "import_statement" => self.import(stmt, text),
            "export_statement" => self.export(stmt, text),
            "ambient_declaration" => {
                // `declare global { interface Env { … } }`, `declare namespace Cloudflare { … }`.
                let mut stack = vec![stmt];
                while let Some(n) = stack.pop() {
                    if n.kind_name() == "interface_declaration" {
                        if let Some(i) = interface_info(n, text) {
                            self.interfaces.push(i);
                        }
                        continue;
                    }
                    let mut c = n.walk();
                    stack.extend(n.named_children(&mut c));
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                // `const Foo = class extends DurableObject { … }`
                let mut c = stmt.walk();
                for decl in stmt.named_children(&mut c) {
                    if let (Some(name), Some(value)) =
                        (decl.field("name"), decl.field("value"))
                        && value.kind_name() == "class" && name.kind_name() == "identifier"
                            && let Some(mut ci) = class_info(value, text) {
                                ci.name = node_text(name, text).to_string();
                                ci.name_range = node_range(name);
                                self.classes.push(ci);
                            }
                }
            }
            _ => {}
        }
    }

    fn import(&mut self, stmt: Node<'_>, text: &str) {
        let Some(source) = stmt.field("source").map(|s| string_value(s, text)) else {
            return;
        };
        let mut c = stmt.walk();
        for clause in stmt.named_children(&mut c).filter(|n| n.kind_name() == "import_clause") {
            let mut c2 = clause.walk();
            for part in clause.named_children(&mut c2) {
                match part.kind_name() {
                    "identifier" => self.imports.push(ImportInfo {
                        local: node_text(part, text).to_string(),
                        imported: "default".into(),
                        source: source.clone(),
                    }),
                    "namespace_import" => {
                        if let Some(id) = first_named_child_of_kind(part, "identifier") {
                            self.imports.push(ImportInfo {
                                local: node_text(id, text).to_string(),
                                imported: "*".into(),
                                source: source.clone(),
                            });
                        }
                    }
                    "named_imports" => {
                        let mut c3 = part.walk();
                        for spec in part.named_children(&mut c3).filter(|n| n.kind_name() == "import_specifier") {
                            let Some(name) = spec.field("name") else { continue };
                            let imported = name_value(name, text);
                            let local = spec
                                .field("alias")
                                .map(|a| node_text(a, text).to_string())
                                .unwrap_or_else(|| imported.clone());
                            self.imports.push(ImportInfo { local, imported, source: source.clone() });
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn export(&mut self, stmt: Node<'_>, text: &str) {
        let range = node_range(stmt);
        let is_default = has_child_token(stmt, "default");
        let source = stmt.field("source").map(|s| string_value(s, text));
        if let Some(decl) = stmt.field("declaration") {
            let before = self.classes.len();
            self.top_level(decl, text);
            match decl.kind_name() {
                "class_declaration" | "abstract_class_declaration" => {
                    if let Some(c) = self.classes.get(before) {
                        let exported = if is_default { "default".to_string() } else { c.name.clone() };
                        self.exports.push(ExportInfo { exported, local: Some(c.name.clone()), source: None, range });
                    }
                }
                "function_declaration" | "generator_function_declaration" => {
                    if let Some(name) = decl.field("name") {
                        let name = node_text(name, text).to_string();
                        let exported = if is_default { "default".to_string() } else { name.clone() };
                        self.exports.push(ExportInfo { exported, local: Some(name), source: None, range });
                    }
                }
                "lexical_declaration" | "variable_declaration" => {
                    let mut c = decl.walk();
                    for d in decl.named_children(&mut c) {
                        if let Some(name) = d.field("name").filter(|n| n.kind_name() == "identifier") {
                            let name = node_text(name, text).to_string();
                            self.exports.push(ExportInfo { exported: name.clone(), local: Some(name), source: None, range });
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        if is_default {
            // `export default Foo;`, `export default { fetch … }`, `export default class { … }`.
            let value = stmt.field("value").or_else(|| {
                let mut c = stmt.walk();
                stmt.named_children(&mut c).find(|n| n.kind_name() != "comment" && n.kind_name() != "decorator")
            });
            let local = value.and_then(|v| match v.kind_name() {
                "identifier" => Some(node_text(v, text).to_string()),
                "class" => {
                    let mut ci = class_info(v, text)?;
                    if ci.name.is_empty() {
                        ci.name = "default".into();
                    }
                    let name = ci.name.clone();
                    self.classes.push(ci);
                    Some(name)
                }
                _ => None,
            });
            self.exports.push(ExportInfo { exported: "default".into(), local, source: None, range });
            return;
        }
        let mut c = stmt.walk();
        for child in stmt.named_children(&mut c) {
            match child.kind_name() {
                "export_clause" => {
                    let mut c2 = child.walk();
                    for spec in child.named_children(&mut c2).filter(|n| n.kind_name() == "export_specifier") {
                        let Some(name) = spec.field("name") else { continue };
                        let local = name_value(name, text);
                        let exported = spec
                            .field("alias")
                            .map(|a| name_value(a, text))
                            .unwrap_or_else(|| local.clone());
                        self.exports.push(ExportInfo {
                            exported,
                            local: Some(local),
                            source: source.clone(),
                            range: node_range(spec),
                        });
                    }
                }
                "namespace_export" => {
                    // `export * as ns from "…"`: a namespace object, never a class.
                }
                _ => {}
            }
        }
        if source.is_some() && has_child_token(stmt, "*") && first_named_child_of_kind(stmt, "namespace_export").is_none() {
            self.star_exports.push(source.unwrap_or_default());
        }
    }
}

fn class_info(node: Node<'_>, text: &str) -> Option<ClassInfo> {
    let body = node.field("body")?;
    let (name, name_range) = match node.field("name") {
        Some(n) => (node_text(n, text).to_string(), node_range(n)),
        None => (String::new(), TextRange::empty(node.start_byte())),
    };
    let extends = first_named_child_of_kind(node, "class_heritage")
        .and_then(|h| first_named_child_of_kind(h, "extends_clause"))
        .and_then(|e| e.field("value"))
        .map(|v| node_text(v, text).to_string());
    let mut info = ClassInfo {
        name,
        name_range,
        range: node_range(node),
        extends,
        methods: Vec::new(),
        fields: Vec::new(),
        constructor: None,
        constructor_body: None,
    };
    let mut c = body.walk();
    let mut pending_doc: Option<String> = None;
    for member in body.named_children(&mut c) {
        match member.kind_name() {
            "comment" => {
                let t = node_text(member, text);
                pending_doc = t.starts_with("/**").then(|| clean_jsdoc(t));
                continue;
            }
            "method_definition" | "method_signature" | "abstract_method_signature" => {
                if let Some(m) = method_info(member, text, pending_doc.take()) {
                    if m.name == "constructor" {
                        for p in m.params.iter().filter(|p| p.is_property && !p.name.is_empty()) {
                            info.fields.push(FieldInfo {
                                name: p.name.clone(),
                                name_range: m.name_range,
                                range: m.range,
                                type_text: p.type_text.clone(),
                                is_static: false,
                                is_private: p.text.starts_with("private") || p.text.starts_with("protected"),
                                is_function: false,
                            });
                        }
                        info.constructor = Some(m.params);
                        info.constructor_body = m.body;
                    } else {
                        info.methods.push(m);
                    }
                }
            }
            "public_field_definition" => {
                if let Some(f) = field_info(member, text) {
                    if f.is_function {
                        // `handle = async (x: string) => { … }` is callable over RPC like a method.
                        if let Some(value) = member.field("value") {
                            info.methods.push(MethodInfo {
                                name: f.name.clone(),
                                name_range: f.name_range,
                                range: f.range,
                                body: value.field("body").filter(|b| b.kind_name() == "statement_block").map(node_range),
                                params: value
                                    .field("parameters")
                                    .map(|p| params_info(p, text))
                                    .or_else(|| {
                                        value.field("parameter").map(|p| {
                                            vec![ParamInfo {
                                                name: node_text(p, text).to_string(),
                                                text: node_text(p, text).to_string(),
                                                type_text: None,
                                                optional: false,
                                                is_property: false,
                                            }]
                                        })
                                    })
                                    .unwrap_or_default(),
                                return_type: value.field("return_type").map(|t| type_annotation_text(t, text)),
                                is_async: has_child_token(value, "async"),
                                is_static: f.is_static,
                                is_private: f.is_private,
                                accessor: None,
                                doc: pending_doc.take(),
                            });
                        }
                    }
                    info.fields.push(f);
                }
            }
            _ => {}
        }
        pending_doc = None;
    }
    Some(info)
}

fn method_info(node: Node<'_>, text: &str, doc: Option<String>) -> Option<MethodInfo> {
    let name_node = node.field("name")?;
    let name = name_value(name_node, text);
    let params = node.field("parameters").map(|p| params_info(p, text)).unwrap_or_default();
    let return_type = node.field("return_type").map(|t| type_annotation_text(t, text));
    let accessibility = first_named_child_of_kind(node, "accessibility_modifier").map(|a| node_text(a, text));
    let is_private = name_node.kind_name() == "private_property_identifier"
        || matches!(accessibility, Some("private") | Some("protected"));
    let accessor = if has_child_token(node, "get") {
        Some(Accessor::Get)
    } else if has_child_token(node, "set") {
        Some(Accessor::Set)
    } else {
        None
    };
    Some(MethodInfo {
        name,
        name_range: node_range(name_node),
        range: node_range(node),
        body: node.field("body").map(node_range),
        params,
        return_type,
        is_async: has_child_token(node, "async"),
        is_static: has_child_token(node, "static"),
        is_private,
        accessor,
        doc,
    })
}

fn field_info(node: Node<'_>, text: &str) -> Option<FieldInfo> {
    let name_node = node.field("name")?;
    let accessibility = first_named_child_of_kind(node, "accessibility_modifier").map(|a| node_text(a, text));
    let value = node.field("value");
    Some(FieldInfo {
        name: name_value(name_node, text),
        name_range: node_range(name_node),
        range: node_range(node),
        type_text: node.field("type").map(|t| type_annotation_text(t, text)),
        is_static: has_child_token(node, "static"),
        is_private: name_node.kind_name() == "private_property_identifier"
            || matches!(accessibility, Some("private") | Some("protected")),
        is_function: value.is_some_and(|v| matches!(v.kind_name(), "arrow_function" | "function_expression")),
    })
}

pub(crate) fn params_info(params: Node<'_>, text: &str) -> Vec<ParamInfo> {
    let mut out = Vec::new();
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        let optional = match p.kind_name() {
            "required_parameter" => false,
            "optional_parameter" => true,
            _ => continue,
        };
        let pattern = p.field("pattern").or_else(|| p.field("name"));
        let name = pattern
            .filter(|n| n.kind_name() == "identifier")
            .map(|n| node_text(n, text).to_string())
            .unwrap_or_default();
        let type_text = p.field("type").map(|t| type_annotation_text(t, text));
        let is_property = first_named_child_of_kind(p, "accessibility_modifier").is_some()
            || has_child_token(p, "readonly");
        // The text without decorators, so that signatures read cleanly.
        let start = pattern.map_or(p.start_byte(), |n| n.start_byte());
        let text_of = collapse_ws(&text[start..p.end_byte()]);
        out.push(ParamInfo {
            name,
            text: text_of,
            type_text,
            optional: optional || p.field("value").is_some(),
            is_property,
        });
    }
    out
}

fn interface_info(node: Node<'_>, text: &str) -> Option<InterfaceInfo> {
    let name = node.field("name")?;
    let body = node.field("body")?;
    Some(InterfaceInfo {
        name: node_text(name, text).to_string(),
        range: node_range(node),
        members: property_signatures(body, text),
    })
}

fn property_signatures(body: Node<'_>, text: &str) -> Vec<PropertyInfo> {
    let mut out = Vec::new();
    let mut c = body.walk();
    for m in body.named_children(&mut c).filter(|m| m.kind_name() == "property_signature") {
        if let Some(name) = m.field("name") {
            out.push(PropertyInfo {
                name: name_value(name, text),
                range: node_range(name),
                type_text: m.field("type").map(|t| type_annotation_text(t, text)),
            });
        }
    }
    out
}

/// The type of a `type_annotation` node, without the colon.
pub(crate) fn type_annotation_text(node: Node<'_>, text: &str) -> String {
    let t = node_text(node, text).trim_start();
    collapse_ws(t.strip_prefix(':').unwrap_or(t).trim())
}

/// The value of a string literal node, without quotes (escapes are left as written: module
/// specifiers and binding names do not use them).
pub(crate) fn string_value(node: Node<'_>, text: &str) -> String {
    unquote(node_text(node, text)).to_string()
}

/// A string literal's text without its quotes. A string still being typed may lack the
/// closing quote (tree-sitter then ends the node where the text stops).
fn unquote(t: &str) -> &str {
    let Some(quote) = t.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
        return t;
    };
    let inner = &t[1..];
    inner.strip_suffix(quote).unwrap_or(inner)
}

/// A property or specifier name: identifiers as written, string names without quotes.
fn name_value(node: Node<'_>, text: &str) -> String {
    if node.kind_name() == "string" { string_value(node, text) } else { node_text(node, text).to_string() }
}

pub(crate) fn has_child_token(node: Node<'_>, token: &str) -> bool {
    let mut c = node.walk();
    node.children(&mut c).any(|ch| !ch.is_named() && ch.kind_name() == token)
}

pub(crate) fn first_named_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = node.walk();
    node.named_children(&mut c).find(|n| n.kind_name() == kind)
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_ws = false;
    for ch in s.chars() {
        if ch.is_whitespace() {
            if !last_ws {
                out.push(' ');
            }
            last_ws = true;
        } else {
            out.push(ch);
            last_ws = false;
        }
    }
    out.trim().to_string()
}

/// `/** Adds one.\n * @param by step */` → `Adds one.\n@param by step`.
pub fn clean_jsdoc(comment: &str) -> String {
    let inner = comment.trim_start_matches("/**").trim_end_matches("*/");
    let lines: Vec<&str> = inner
        .lines()
        .map(|l| {
            let l = l.trim();
            l.strip_prefix("* ").or_else(|| l.strip_prefix('*')).unwrap_or(l)
        })
        .collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, SourceKind};

    fn model(src: &str) -> FileModel {
        let tree = parse(SourceKind::TypeScript, src, None);
        FileModel::build(Path::new("a.ts"), src, &tree)
    }

    #[test]
    fn reads_classes_methods_and_exports() {
        let m = model(
            r#"
import { DurableObject } from "cloudflare:workers";
import * as lib from "./lib";
export interface Env { COUNTER: DurableObjectNamespace<Counter>; }
export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); }
  /** Adds `by`.
   * @param by the step */
  async increment(by = 1): Promise<number> { return by; }
  private secret() {}
  #hidden() {}
  static make() {}
  get total(): number { return 1; }
  onMessage = async (msg: string) => {};
}
class Local {}
export { Local as Renamed };
export * from "./more";
export default { fetch() {} };
"#,
        );
        let c = m.class("Counter").unwrap();
        assert_eq!(c.extends.as_deref(), Some("DurableObject"));
        let names: Vec<_> = c.methods.iter().map(|m| (m.name.as_str(), m.is_private, m.is_static)).collect();
        assert_eq!(
            names,
            [("increment", false, false), ("secret", true, false), ("#hidden", true, false), ("make", false, true), ("total", false, false), ("onMessage", false, false)]
        );
        let inc = &c.methods[0];
        assert_eq!(inc.signature(), "increment(by = 1): Promise<number>");
        assert_eq!(inc.doc.as_deref(), Some("Adds `by`.\n@param by the step"));
        assert!(inc.params[0].optional);
        assert_eq!(c.constructor.as_ref().unwrap()[0].type_text.as_deref(), Some("DurableObjectState"));
        let exports: Vec<_> = m.exports.iter().map(|e| (e.exported.as_str(), e.local.as_deref())).collect();
        assert_eq!(exports, [("Counter", Some("Counter")), ("Renamed", Some("Local")), ("default", None)]);
        assert_eq!(m.star_exports, ["./more"]);
        assert_eq!(m.interface("Env").unwrap().members[0].type_text.as_deref(), Some("DurableObjectNamespace<Counter>"));
        assert_eq!(m.imports.len(), 2);
    }

    #[test]
    fn unquote_keeps_whole_characters() {
        assert_eq!(unquote("\"cloudflare:work;;😀"), "cloudflare:work;;😀");
        assert_eq!(unquote("\"./x.js\""), "./x.js");
        assert_eq!(unquote("'a'"), "a");
        assert_eq!(unquote("`t`"), "t");
        assert_eq!(unquote("\""), "");
        assert_eq!(unquote("plain"), "plain");
    }

    #[test]
    fn parameter_properties_become_fields() {
        let m = model("export class Old { constructor(private state: DurableObjectState, readonly env: Env) {} }");
        let c = m.class("Old").unwrap();
        let fields: Vec<_> = c.fields.iter().map(|f| (f.name.as_str(), f.type_text.as_deref())).collect();
        assert_eq!(fields, [("state", Some("DurableObjectState")), ("env", Some("Env"))]);
    }
}
