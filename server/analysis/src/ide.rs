//! IDE features on plain data: completion, hover, signature help, go-to-definition, diagnostics.

use std::path::{Path, PathBuf};

use tree_sitter::Node;

use crate::syntax::NodeExt;
use crate::catalog::{catalog, member_markdown, Member, MemberKind, Receiver};
use crate::diagnostics::Diagnostic;
use crate::infer::{DoKind, Infer, Ty, NAMESPACE, STUB};
use crate::model::MethodInfo;
use crate::project::ClassKey;
use crate::syntax::{node_range, node_text};
use crate::text::TextRange;
use crate::Analysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Method,
    Property,
    Snippet,
    /// Inside SQL: a keyword, a table (or view, or alias), a column, a function.
    Keyword,
    Table,
    Column,
    Function,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label: the signature.
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Snippet text (LSP snippet syntax) to insert instead of the label.
    pub snippet: Option<String>,
    /// The range the item replaces (the identifier prefix being typed).
    pub replace: TextRange,
    pub sort_text: Option<String>,
}

/// Which members of the Durable Objects API completion after `.` offers.
///
/// An editor may run dols beside TypeScript's own language service, which already lists the
/// members of every receiver it can type (with the Workers types installed: `ctx`, `storage`,
/// `sql`, `kv`, namespaces, stubs of a typed namespace, a typed `env`). Offering them again
/// would show each member twice in one list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiMembers {
    /// Every member dols knows (the behaviour of an editor without TypeScript).
    #[default]
    All,
    /// Only what TypeScript cannot know: the RPC methods of a stub whose class no `Env`
    /// declaration names, and the bindings of the wrangler config that no `Env` declares.
    /// In a class body the handlers (`fetch`, `alarm`, `webSocketMessage`, …) are left out
    /// too: TypeScript offers them as members of the base class. Completion inside SQL
    /// strings and configs and the constructor snippet are unchanged.
    UnknownToTypeScript,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    pub label: String,
    /// Markdown.
    pub documentation: Option<String>,
    /// Each parameter: its byte range inside `label`, and its documentation.
    pub params: Vec<(TextRange, Option<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    pub signatures: Vec<SignatureInfo>,
    pub active_signature: usize,
    pub active_parameter: usize,
}

/// A place to navigate to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub file: PathBuf,
    /// The whole item (a method with its body, a binding object).
    pub range: TextRange,
    /// The part to select (the name).
    pub focus: TextRange,
}

/// The passes that produce a file's diagnostics, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// Syntax and shape of wrangler configs and `dols.toml`.
    Config,
    /// Config ↔ code consistency (bindings, exports, migrations).
    Checks,
    /// SQL of `exec` calls against the shadow schemas.
    Sql,
    /// Review lints.
    Lints,
}

impl Pass {
    pub const ALL: [Pass; 4] = [Pass::Config, Pass::Checks, Pass::Sql, Pass::Lints];

    pub fn name(self) -> &'static str {
        match self {
            Pass::Config => "config",
            Pass::Checks => "checks",
            Pass::Sql => "sql",
            Pass::Lints => "lints",
        }
    }
}

pub(crate) fn diagnostics(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    Pass::ALL.iter().flat_map(|p| pass_diagnostics(a, path, *p)).collect()
}

pub(crate) fn pass_diagnostics(a: &Analysis, path: &Path, pass: Pass) -> Vec<Diagnostic> {
    match (pass, a.file(path)) {
        (Pass::Config, Some(crate::File::Config(file))) => crate::config::config_diagnostics(path, &file.config),
        (Pass::Config, Some(crate::File::Settings(s))) => crate::settings::settings_diagnostics(path, &s.settings),
        (Pass::Checks, Some(crate::File::Config(_))) => crate::checks::config_checks(a, path),
        (Pass::Checks, Some(crate::File::Source(_))) => crate::checks::source_checks(a, path),
        (Pass::Sql, Some(crate::File::Source(_))) => crate::sql::diagnostics(a, path),
        (Pass::Sql, Some(crate::File::Sql(_))) => crate::sql::script_diagnostics(a, path),
        (Pass::Checks, Some(crate::File::Settings(_))) => crate::sql::migration_setting_checks(a, path),
        (Pass::Lints, Some(crate::File::Config(_))) => crate::lints::lint_config(a, path),
        (Pass::Lints, Some(crate::File::Source(_))) => crate::lints::lint_file(a, path),
        _ => Vec::new(),
    }
}

/// Handler names the runtime reserves: not callable over RPC.
pub(crate) const RESERVED_HANDLERS: &[&str] = &["alarm", "connect", "webSocketMessage", "webSocketClose", "webSocketError"];

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The start of the identifier that ends at `offset`.
fn ident_start(text: &str, offset: usize) -> usize {
    text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map_or(offset, |(i, _)| i)
}

/// The outermost expression node that ends exactly at `end` (the receiver before a `.`).
fn expression_ending_at<'t>(root: Node<'t>, end: usize) -> Option<Node<'t>> {
    if end == 0 {
        return None;
    }
    let mut node = root.descendant_for_byte_range(end - 1, end)?;
    if node.end_byte() != end {
        return None;
    }
    // Climb from a token (`)`, `this`) to the expression it closes.
    while !is_expression(node.kind_name()) {
        let parent = node.parent()?;
        if parent.end_byte() != end {
            return None;
        }
        node = parent;
    }
    while let Some(parent) = node.parent() {
        if parent.end_byte() != end || !is_expression(parent.kind_name()) {
            break;
        }
        node = parent;
    }
    Some(node)
}

fn is_expression(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "this"
            | "member_expression"
            | "call_expression"
            | "subscript_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
    )
}

/// The receiver before a member access at `offset`: `recv.pre|` → (recv node, prefix range).
fn member_access_at<'t>(root: Node<'t>, text: &str, offset: usize) -> Option<(Node<'t>, TextRange)> {
    let start = ident_start(text, offset);
    let before = &text[..start];
    let dot = before.strip_suffix('.')?;
    let recv_end = dot.strip_suffix('?').unwrap_or(dot).trim_end().len();
    let recv = expression_ending_at(root, recv_end)?;
    Some((recv, TextRange::new(start, offset)))
}

pub(crate) fn completion(a: &Analysis, path: &Path, offset: usize, members: ApiMembers) -> Vec<CompletionItem> {
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    let text = infer.text();
    if offset > text.len() || !text.is_char_boundary(offset) {
        return Vec::new();
    }
    if let Some(items) = crate::sql::ide::completion(a, &infer, offset) {
        return items;
    }
    let root = infer.src.tree.root_node();
    if let Some((recv, replace)) = member_access_at(root, text, offset) {
        if let Some(ty) = infer.type_of(recv) {
            return member_items(&infer, &ty, replace, members);
        }
        return Vec::new();
    }
    class_body_snippets(&infer, offset, members)
}

fn experimental_enabled(infer: &Infer<'_>) -> bool {
    infer.project.is_some_and(|p| p.config.compatibility_flags.iter().any(|f| f.value == "experimental"))
}

fn catalog_items(receiver: &Receiver, replace: TextRange, include_experimental: bool, skip: &[&str]) -> Vec<CompletionItem> {
    receiver
        .members
        .iter()
        .filter(|m| (include_experimental || !m.experimental) && !skip.contains(&m.name.as_str()))
        .filter(|m| m.kind != MemberKind::Handler)
        .map(|m| CompletionItem {
            label: m.name.clone(),
            kind: if m.kind == MemberKind::Method { CompletionKind::Method } else { CompletionKind::Property },
            detail: m.signatures.first().map(|s| s.label.clone()),
            documentation: Some(member_markdown(receiver, m)),
            snippet: m.snippet.clone(),
            replace,
            sort_text: Some(format!("{}{}", if m.experimental { "1" } else { "0" }, m.name)),
        })
        .collect()
}

fn member_items(infer: &Infer<'_>, ty: &Ty, replace: TextRange, members: ApiMembers) -> Vec<CompletionItem> {
    let cat = catalog();
    let experimental = experimental_enabled(infer);
    let all = members == ApiMembers::All;
    match ty {
        Ty::Api(r) if all => cat.receiver(r).map(|r| catalog_items(r, replace, experimental, &[])).unwrap_or_default(),
        Ty::Namespace(_) if all => cat.receiver(NAMESPACE).map(|r| catalog_items(r, replace, experimental, &[])).unwrap_or_default(),
        Ty::Api(_) | Ty::Namespace(_) => Vec::new(),
        Ty::Stub(class) => {
            let mut items = Vec::new();
            let mut own: Vec<String> = Vec::new();
            if let Some(class) = class.as_ref().filter(|c| all || !env_declares_class(infer, c)) {
                for (key, m) in rpc_methods(infer, class) {
                    own.push(m.name.clone());
                    items.push(rpc_item(&key, m, replace));
                }
            }
            let skip: Vec<&str> = own.iter().map(String::as_str).collect();
            if all && let Some(r) = cat.receiver(STUB) {
                items.extend(catalog_items(r, replace, experimental, &skip));
            }
            items
        }
        Ty::Env => {
            let mut items = env_items(infer, replace);
            if !all {
                let declared = env_declared_names(infer);
                items.retain(|i| !declared.contains(&i.label.as_str()));
            }
            items
        }
        Ty::ApiArray(_) | Ty::Instance(_) => Vec::new(),
    }
}

/// The `Env` interfaces of the project (its own, or the one `wrangler types` writes to
/// `worker-configuration.d.ts`): what TypeScript knows of `env`.
fn env_interfaces<'a>(infer: &Infer<'a>) -> Vec<(&'a Path, &'a crate::model::InterfaceInfo)> {
    infer
        .project_models()
        .into_iter()
        .flat_map(|(path, model)| model.interfaces.iter().filter(|i| i.name == "Env").map(move |i| (path, i)))
        .collect()
}

/// The members some `Env` interface of the project declares.
fn env_declared_names<'a>(infer: &Infer<'a>) -> Vec<&'a str> {
    env_interfaces(infer).into_iter().flat_map(|(_, i)| i.members.iter().map(|m| m.name.as_str())).collect()
}

/// Whether an `Env` interface types a binding as a namespace of `class`
/// (`DurableObjectNamespace<Room>`): then TypeScript knows the RPC methods of its stubs.
fn env_declares_class(infer: &Infer<'_>, class: &ClassKey) -> bool {
    env_interfaces(infer).into_iter().any(|(path, i)| {
        i.members.iter().any(|m| {
            let ty = m.type_text.as_deref().and_then(|t| infer.type_from_annotation(t, path));
            matches!(ty, Some(Ty::Namespace(Some(k))) if k.name == class.name)
        })
    })
}

/// The public methods a stub of `class` can call, nearest class first, without duplicates.
pub(crate) fn rpc_methods<'a>(infer: &Infer<'a>, class: &ClassKey) -> Vec<(ClassKey, &'a MethodInfo)> {
    let mut out: Vec<(ClassKey, &MethodInfo)> = Vec::new();
    for key in infer.class_chain(class) {
        let Some(info) = infer.class(&key) else { break };
        for m in &info.methods {
            let callable = !m.is_static
                && !m.is_private
                && m.accessor != Some(crate::model::Accessor::Set)
                && !RESERVED_HANDLERS.contains(&m.name.as_str())
                && m.name != "fetch"
                && m.name != "constructor"
                && !m.name.starts_with('[');
            if callable && !out.iter().any(|(_, o)| o.name == m.name) {
                out.push((key.clone(), m));
            }
        }
    }
    out
}

fn rpc_item(class: &ClassKey, m: &MethodInfo, replace: TextRange) -> CompletionItem {
    let is_getter = m.accessor == Some(crate::model::Accessor::Get);
    CompletionItem {
        label: m.name.clone(),
        kind: if is_getter { CompletionKind::Property } else { CompletionKind::Method },
        detail: Some(format!("(rpc) {}.{}", class.name, m.signature())),
        documentation: Some(rpc_markdown(class, m)),
        snippet: (!is_getter).then(|| if m.params.is_empty() { format!("{}()", m.name) } else { format!("{}($1)", m.name) }),
        replace,
        sort_text: Some(format!("0{}", m.name)),
    }
}

fn rpc_markdown(class: &ClassKey, m: &MethodInfo) -> String {
    let mut md = format!("```ts\n{}.{}\n```\n\n", class.name, m.signature());
    if let Some(doc) = &m.doc {
        md.push_str(doc);
        md.push_str("\n\n");
    }
    md.push_str(&format!(
        "RPC method of the Durable Object class `{}`: it runs inside the object, and the call through the stub always returns a Promise (await it, or errors are lost). Arguments and results are structured-cloned.",
        class.name
    ));
    md
}

fn env_items(infer: &Infer<'_>, replace: TextRange) -> Vec<CompletionItem> {
    let Some(p) = infer.project else { return Vec::new() };
    let mut items: Vec<CompletionItem> = Vec::new();
    for b in &p.config.bindings {
        if items.iter().any(|i| i.label == b.name.value) {
            continue;
        }
        items.push(CompletionItem {
            label: b.name.value.clone(),
            kind: CompletionKind::Property,
            detail: Some(format!("DurableObjectNamespace<{}>", b.class_name.value)),
            documentation: Some(binding_markdown(infer, b)),
            snippet: None,
            replace,
            sort_text: Some(format!("0{}", b.name.value)),
        });
    }
    items
}

fn binding_markdown(infer: &Infer<'_>, b: &crate::config::DoBinding) -> String {
    let mut md = format!("```ts\n(binding) {}: DurableObjectNamespace<{}>\n```\n\n", b.name.value, b.class_name.value);
    match &b.script_name {
        Some(s) => md.push_str(&format!("Durable Object binding to the class `{}` of the worker `{}`.", b.class_name.value, s.value)),
        None => md.push_str(&format!("Durable Object binding to the class `{}` of this worker.", b.class_name.value)),
    }
    if let Some(env) = &b.env {
        md.push_str(&format!(" Declared for the environment `{env}`."));
    }
    if let Some(p) = infer.project
        && let Some(name) = p.config_path.file_name() {
            md.push_str(&format!(" Configured in `{}`.", name.to_string_lossy()));
        }
    md
}

/// Handler and constructor snippets inside the body of a Durable Object class. Beside
/// TypeScript (`ApiMembers::UnknownToTypeScript`) only the constructor's: TypeScript lists the
/// handlers the base class declares (`alarm?`, `fetch?`, …) among the members to override.
fn class_body_snippets(infer: &Infer<'_>, offset: usize, members: ApiMembers) -> Vec<CompletionItem> {
    let text = infer.text();
    let start = ident_start(text, offset);
    let root = infer.src.tree.root_node();
    let Some(mut node) = root.descendant_for_byte_range(start.saturating_sub(1), start) else { return Vec::new() };
    if start > 0 && !text[..start].ends_with(|c: char| c.is_whitespace() || c == ';' || c == '{' || c == '}') {
        return Vec::new();
    }
    let class_body = loop {
        match node.kind_name() {
            "class_body" => break node,
            "statement_block" | "formal_parameters" | "arguments" | "object" | "type_annotation" | "string"
            | "template_string" | "comment" | "program" => return Vec::new(),
            _ => {}
        }
        let Some(p) = node.parent() else { return Vec::new() };
        node = p;
    };
    if offset <= class_body.start_byte() || offset >= class_body.end_byte() {
        return Vec::new();
    }
    let Some(class) = class_body.parent().and_then(|c| infer.class_key_of_node(c)) else { return Vec::new() };
    if !matches!(infer.do_kind(&class), DoKind::Extends | DoKind::Library) {
        return Vec::new();
    }
    let Some(info) = infer.class(&class) else { return Vec::new() };
    let replace = TextRange::new(start, offset);
    catalog()
        .class_snippets
        .iter()
        .filter(|s| {
            let defined = if s.trigger == "constructor" { info.constructor.is_some() } else { info.methods.iter().any(|m| m.name == s.trigger) };
            !defined && (members == ApiMembers::All || !is_base_class_handler(&s.trigger))
        })
        .map(|s| CompletionItem {
            label: s.label.clone(),
            kind: CompletionKind::Snippet,
            detail: Some(s.detail.clone()),
            documentation: Some(s.doc.clone()),
            snippet: Some(s.body.clone()),
            replace,
            sort_text: Some(format!("0{}", s.trigger)),
        })
        .collect()
}

/// Whether `name` is a handler that the `DurableObject` base class declares, and so one that
/// TypeScript offers in the body of a class extending it.
pub(crate) fn is_base_class_handler(name: &str) -> bool {
    catalog().member("DurableObject", name).is_some_and(|(_, m)| m.kind == MemberKind::Handler)
}

/// The member being accessed when `offset` is on the property name of `recv.name`.
fn property_at<'t>(root: Node<'t>, offset: usize) -> Option<(Node<'t>, Node<'t>)> {
    let node = root.descendant_for_byte_range(offset, offset)?;
    let prop = if node.kind_name() == "property_identifier" {
        node
    } else {
        // The cursor may sit just after the name.
        let prev = root.descendant_for_byte_range(offset.saturating_sub(1), offset)?;
        if prev.kind_name() != "property_identifier" {
            return None;
        }
        prev
    };
    let member = prop.parent().filter(|p| p.kind_name() == "member_expression")?;
    if member.field("property")?.id() != prop.id() {
        return None;
    }
    Some((member.field("object")?, prop))
}

/// The catalog member behind `ty.name`.
fn catalog_member(ty: &Ty, name: &str) -> Option<(&'static Receiver, &'static Member)> {
    let receiver = match ty {
        Ty::Api(r) => r.as_str(),
        Ty::Namespace(_) => NAMESPACE,
        Ty::Stub(_) => STUB,
        _ => return None,
    };
    catalog().member(receiver, name)
}

pub(crate) fn hover(a: &Analysis, path: &Path, offset: usize) -> Option<Hover> {
    let infer = Infer::new(a, path)?;
    if let Some(h) = crate::sql::ide::hover(a, &infer, offset) {
        return Some(h);
    }
    let root = infer.src.tree.root_node();
    let text = infer.text();
    if let Some((object, prop)) = property_at(root, offset) {
        let name = node_text(prop, text);
        let range = node_range(prop);
        let ty = infer.type_of(object)?;
        if let Ty::Stub(Some(class)) = &ty
            && let Some((key, m)) = rpc_methods(&infer, class).into_iter().find(|(_, m)| m.name == name) {
                return Some(Hover { range, markdown: rpc_markdown(&key, m) });
            }
        if let Ty::Env = ty {
            let b = infer.project?.binding(name)?;
            return Some(Hover { range, markdown: binding_markdown(&infer, b) });
        }
        let (r, m) = catalog_member(&ty, name)?;
        return Some(Hover { range, markdown: member_markdown(r, m) });
    }
    // A handler's name in a Durable Object class.
    let node = root.descendant_for_byte_range(offset, offset)?;
    if node.kind_name() == "property_identifier" {
        let method = node.parent().filter(|m| m.kind_name() == "method_definition")?;
        let class = method.parent().filter(|b| b.kind_name() == "class_body")?.parent()?;
        let key = infer.class_key_of_node(class)?;
        if !matches!(infer.do_kind(&key), DoKind::Extends | DoKind::Library) {
            return None;
        }
        let (r, m) = catalog().member("DurableObject", node_text(node, text))?;
        if m.kind != MemberKind::Handler {
            return None;
        }
        return Some(Hover { range: node_range(node), markdown: member_markdown(r, m) });
    }
    None
}

/// The call whose argument list holds `offset`: the callee's member expression and the index
/// of the argument under the cursor.
fn call_at<'t>(root: Node<'t>, text: &str, offset: usize) -> Option<(Node<'t>, usize)> {
    let mut node = root.descendant_for_byte_range(offset, offset)?;
    loop {
        if node.kind_name() == "arguments" && node.start_byte() < offset {
            let closed = text[..node.end_byte()].ends_with(')');
            if !closed || offset < node.end_byte() {
                let call = node.parent().filter(|c| c.kind_name() == "call_expression")?;
                let callee = call.field("function")?;
                let mut c = node.walk();
                let index = node.children(&mut c).filter(|ch| ch.kind_name() == "," && ch.end_byte() <= offset).count();
                return Some((callee, index));
            }
        }
        node = node.parent()?;
    }
}

/// When the tree cannot tell (an unclosed `(` while typing), find the call by scanning back
/// for the unmatched parenthesis, skipping strings and nested brackets.
fn call_at_text<'t>(root: Node<'t>, text: &str, offset: usize) -> Option<(Node<'t>, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut commas = 0usize;
    let mut i = offset;
    let limit = offset.saturating_sub(4096);
    while i > limit {
        i -= 1;
        let in_string = root
            .descendant_for_byte_range(i, i + 1)
            .is_some_and(|n| matches!(n.kind_name(), "string_fragment" | "template_string" | "string" | "comment" | "escape_sequence"));
        if in_string {
            continue;
        }
        match bytes[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' => {
                let callee = expression_ending_at(root, text[..i].trim_end().len())?;
                return Some((callee, commas));
            }
            b'[' | b'{' | b';' => return None,
            b',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

pub(crate) fn signature_help(a: &Analysis, path: &Path, offset: usize) -> Option<SignatureHelp> {
    let infer = Infer::new(a, path)?;
    let text = infer.text();
    if offset > text.len() {
        return None;
    }
    let root = infer.src.tree.root_node();
    let (callee, index) = call_at(root, text, offset).or_else(|| call_at_text(root, text, offset))?;
    if callee.kind_name() != "member_expression" {
        return None;
    }
    let name = node_text(callee.field("property")?, text);
    let ty = infer.type_of(callee.field("object")?)?;
    if let Ty::Stub(Some(class)) = &ty
        && let Some((key, m)) = rpc_methods(&infer, class).into_iter().find(|(_, m)| m.name == name) {
            let label = format!("{}.{}", key.name, m.signature());
            let prefix = key.name.len() + 1 + m.name.len() + 1;
            let mut pos = prefix;
            let params = m
                .params
                .iter()
                .map(|p| {
                    let r = TextRange::new(pos, pos + p.text.len());
                    pos += p.text.len() + 2;
                    (r, None)
                })
                .collect::<Vec<_>>();
            let n = params.len();
            return Some(SignatureHelp {
                signatures: vec![SignatureInfo { label, documentation: m.doc.clone(), params }],
                active_signature: 0,
                active_parameter: index.min(n.saturating_sub(1)),
            });
        }
    let (_, member) = catalog_member(&ty, name)?;
    if member.kind != MemberKind::Method {
        return None;
    }
    let signatures: Vec<SignatureInfo> = member
        .signatures
        .iter()
        .map(|s| SignatureInfo {
            label: s.label.clone(),
            documentation: Some(member.doc.clone()),
            params: s
                .params
                .iter()
                .filter_map(|p| {
                    let at = param_position(&s.label, &p.label)?;
                    Some((TextRange::new(at, at + p.label.len()), Some(p.doc.clone())))
                })
                .collect(),
        })
        .collect();
    // The first overload with enough parameters for the argument being typed.
    let active_signature = signatures
        .iter()
        .position(|s| s.params.len() > index || s.label.contains("..."))
        .unwrap_or(0);
    Some(SignatureHelp { signatures, active_signature, active_parameter: index })
}

/// Where a parameter's text sits in a signature label (inside the parentheses).
fn param_position(label: &str, param: &str) -> Option<usize> {
    let open = label.find('(')?;
    label[open..].find(param).map(|i| open + i)
}

pub(crate) fn definition(a: &Analysis, path: &Path, offset: usize) -> Vec<NavTarget> {
    if let Some(cfg) = a.config(path) {
        return config_definition(a, path, &cfg.config, offset);
    }
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    if let Some(targets) = crate::sql::ide::definition(a, &infer, offset) {
        return targets;
    }
    let root = infer.src.tree.root_node();
    let Some((object, prop)) = property_at(root, offset) else { return Vec::new() };
    let name = node_text(prop, infer.text());
    match infer.type_of(object) {
        Some(Ty::Stub(Some(class))) => rpc_methods(&infer, &class)
            .into_iter()
            .filter(|(_, m)| m.name == name)
            .map(|(key, m)| NavTarget { file: key.file, range: m.range, focus: m.name_range })
            .collect(),
        Some(Ty::Env) => {
            let Some(p) = infer.project else { return Vec::new() };
            p.config
                .bindings
                .iter()
                .filter(|b| b.name.value == name)
                .map(|b| NavTarget { file: p.config_path.clone(), range: b.range, focus: b.name.range })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// In a wrangler config: a class name to the class.
fn config_definition(a: &Analysis, path: &Path, cfg: &crate::config::WranglerConfig, offset: usize) -> Vec<NavTarget> {
    let Some(project) = a.projects().list.iter().find(|p| p.config_path == path) else { return Vec::new() };
    let mut names = Vec::new();
    for b in cfg.bindings.iter().filter(|b| b.script_name.is_none()) {
        names.push(&b.class_name);
    }
    for m in &cfg.migrations {
        names.extend(m.new_sqlite_classes.iter().chain(&m.new_classes));
        names.extend(m.renamed_classes.iter().map(|r| &r.to));
        names.extend(m.transferred_classes.iter().map(|t| &t.to));
    }
    names.extend(cfg.exports.iter().map(|e| &e.class));
    let Some(hit) = names.into_iter().find(|n| n.range.contains_inclusive(offset)) else { return Vec::new() };
    let Some(key) = project.class_for_name(&hit.value) else { return Vec::new() };
    let Some(info) = crate::project::class_info(&a.files, key) else { return Vec::new() };
    vec![NavTarget { file: key.file.clone(), range: info.range, focus: info.name_range }]
}

#[cfg(test)]
mod tests;
