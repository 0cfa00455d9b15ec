//! Receiver typing: which Durable Objects API type an expression has.
//!
//! This is not a type checker. It follows the few ways people reach the DO API —
//! `this.ctx`, constructor parameters, aliases, destructuring, `env.BINDING`, stubs — and
//! answers `None` whenever it cannot be sure, so that callers offer nothing rather than
//! something wrong.

use std::path::Path;

use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use crate::syntax::NodeExt;
use crate::catalog::catalog;
use crate::model::{type_annotation_text, ClassInfo};
use crate::project::{class_info, ClassKey, Project};
use crate::syntax::node_text;
use crate::{Analysis, SourceFile};

/// What an expression is, as far as the DO API goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A catalog receiver, by name (`DurableObjectState`, `SqlStorage`, …).
    Api(String),
    /// An array of a catalog receiver (`getWebSockets()`).
    ApiArray(String),
    /// The worker's `env`.
    Env,
    /// A Durable Object namespace binding, with the class it serves when known.
    Namespace(Option<ClassKey>),
    /// A stub, with the class it calls when known.
    Stub(Option<ClassKey>),
    /// `this` inside a class of the project.
    Instance(ClassKey),
}

pub(crate) const STATE: &str = "DurableObjectState";
pub(crate) const STORAGE: &str = "DurableObjectStorage";
pub(crate) const NAMESPACE: &str = "DurableObjectNamespace";
pub(crate) const STUB: &str = "DurableObjectStub";
const WEBSOCKET: &str = "WebSocket";

/// Base classes from libraries that extend `DurableObject` themselves, by package.
const LIBRARY_DO_BASES: &[(&str, &[&str])] = &[
    ("agents", &["Agent", "AIChatAgent", "McpAgent"]),
    ("agents/mcp", &["McpAgent"]),
    ("agents/ai-chat-agent", &["AIChatAgent"]),
    ("@cloudflare/ai-chat", &["AIChatAgent"]),
    ("partyserver", &["Server"]),
    ("@cloudflare/actors", &["Actor"]),
    ("y-partyserver", &["YServer"]),
];

/// Parameters that the runtime passes to handler methods.
const HANDLER_PARAMS: &[(&str, usize, &str)] = &[
    ("webSocketMessage", 0, WEBSOCKET),
    ("webSocketClose", 0, WEBSOCKET),
    ("webSocketError", 0, WEBSOCKET),
    ("alarm", 0, "AlarmInvocationInfo"),
];

/// Worker handler methods whose second parameter is `env`.
const WORKER_HANDLERS: &[&str] = &["fetch", "scheduled", "queue", "email", "tail", "trace", "test", "tailStream"];

const MAX_DEPTH: usize = 32;

/// The context of one file's inference.
pub(crate) struct Infer<'a> {
    pub a: &'a Analysis,
    pub path: &'a Path,
    pub src: &'a SourceFile,
    pub project: Option<&'a Project>,
    /// `this.<name>` types already worked out: finding one walks the whole class, and a
    /// file asks about the same few fields (`this.ctx`, `this.sql`) at every call.
    fields: std::cell::RefCell<FxHashMap<(ClassKey, String), Option<Ty>>>,
    /// Each method body's ancestors (with the body itself last), by body start: the common
    /// part of the ancestors of every node in that body.
    body_ancestors: std::cell::RefCell<FxHashMap<usize, Vec<Node<'a>>>>,
    /// A node whose ancestors a walk already found (see [`Self::with_anchor`]).
    anchor: std::cell::RefCell<Option<(Node<'a>, Rc<[Node<'a>]>)>>,
    /// Types of plain `this.a.b` chains by class: the same few (`this.ctx.storage.sql`) are
    /// written at nearly every call.
    /// Keyed by the id of the class node that `this` means there.
    this_chains: std::cell::RefCell<FxHashMap<(usize, &'a str), Option<Ty>>>,
}

impl<'a> Infer<'a> {
    pub fn new(a: &'a Analysis, path: &'a Path) -> Option<Self> {
        let src = a.source(path)?;
        Some(Infer { a, path, src, project: a.projects().for_file(path), fields: Default::default(), body_ancestors: Default::default(), anchor: Default::default(), this_chains: Default::default() })
    }

    pub fn text(&self) -> &'a str {
        &self.src.text
    }

    fn t(&self, node: Node<'_>) -> &'a str {
        node_text(node, &self.src.text)
    }

    /// The type of an expression node.
    pub fn type_of(&self, node: Node<'a>) -> Option<Ty> {
        self.type_at_depth(node, 0)
    }

    fn type_at_depth(&self, node: Node<'a>, depth: usize) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match node.kind_name() {
            "parenthesized_expression" | "non_null_expression" | "await_expression" | "as_expression"
            | "satisfies_expression" => node.named_child(0).and_then(|n| self.type_at_depth(n, d)),
            "this" => self.this_class(node).map(Ty::Instance),
            "identifier" => self.identifier_type(node, self.t(node), d),
            "member_expression" => {
                let written = self.t(node);
                // `this` starts the chain and nothing between them rebinds it: the class it
                // means there is the one it means at `node`. Looked up before the children are
                // read (each read walks the node's children): the chain is typed once per class.
                let this_chain = written.starts_with("this.") && written.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$'));
                let key = if this_chain {
                    let key = (self.this_class_node(node)?.id(), written);
                    if let Some(known) = self.this_chains.borrow().get(&key) {
                        return known.clone();
                    }
                    Some(key)
                } else {
                    None
                };
                let object = node.field("object")?;
                let property = node.field("property")?;
                // `c.env` in router handlers (Hono and friends) is the worker's env.
                if object.kind_name() == "identifier" && self.t(object) == "c" && self.t(property) == "env" {
                    return Some(Ty::Env);
                }
                let found = self.type_at_depth(object, d).and_then(|obj| self.property_type(&obj, self.t(property), d));
                if let Some(key) = key {
                    self.this_chains.borrow_mut().insert(key, found.clone());
                }
                found
            }
            "subscript_expression" => {
                let object = node.field("object")?;
                match self.type_at_depth(object, d)? {
                    Ty::ApiArray(r) => Some(Ty::Api(r)),
                    _ => None,
                }
            }
            // `new WebSocketPair()` holds two sockets, read by index or `Object.values`.
            "new_expression" => {
                let ctor = node.field("constructor")?;
                (ctor.kind_name() == "identifier" && self.t(ctor) == "WebSocketPair").then(|| Ty::ApiArray(WEBSOCKET.into()))
            }
            "call_expression" => {
                let callee = node.field("function")?;
                if callee.kind_name() != "member_expression" {
                    return None;
                }
                if self.t(callee) == "Object.values" {
                    let arg = node.field("arguments")?.named_child(0)?;
                    return match self.type_at_depth(arg, d)? {
                        Ty::ApiArray(r) => Some(Ty::ApiArray(r)),
                        _ => None,
                    };
                }
                let object = callee.field("object")?;
                let method = self.t(callee.field("property")?);
                let obj = self.type_at_depth(object, d)?;
                self.call_type(&obj, method)
            }
            _ => None,
        }
    }

    /// The type of `obj.name` (a property read, no call).
    pub fn property_type(&self, obj: &Ty, name: &str, depth: usize) -> Option<Ty> {
        match obj {
            Ty::Api(r) => {
                let (_, m) = catalog().member(r, name)?;
                if m.kind != crate::catalog::MemberKind::Property {
                    return None;
                }
                returns_ty(m.returns.as_deref()?)
            }
            Ty::Stub(_) => {
                let (_, m) = catalog().member(STUB, name)?;
                if m.kind != crate::catalog::MemberKind::Property {
                    return None;
                }
                returns_ty(m.returns.as_deref()?)
            }
            Ty::Env => self.binding_namespace(name),
            Ty::Instance(key) => self.instance_field(key, name, depth),
            Ty::Namespace(_) | Ty::ApiArray(_) => None,
        }
    }

    /// The type of `obj.name(...)`.
    pub fn call_type(&self, obj: &Ty, name: &str) -> Option<Ty> {
        let (receiver, class) = match obj {
            Ty::Api(r) => (r.as_str(), None),
            Ty::Namespace(c) => (NAMESPACE, c.clone()),
            _ => return None,
        };
        let (_, m) = catalog().member(receiver, name)?;
        if m.kind != crate::catalog::MemberKind::Method {
            return None;
        }
        match returns_ty(m.returns.as_deref()?)? {
            Ty::Api(r) if r == STUB => Some(Ty::Stub(class)),
            Ty::Api(r) if r == NAMESPACE => Some(Ty::Namespace(class)),
            other => Some(other),
        }
    }

    /// `env.NAME`: a namespace, when NAME is a Durable Object binding.
    fn binding_namespace(&self, name: &str) -> Option<Ty> {
        if let Some(p) = self.project
            && let Some(b) = p.binding(name) {
                let class = if b.script_name.is_none() { p.class_for_name(&b.class_name.value).cloned() } else { None };
                return Some(Ty::Namespace(class));
            }
        // No config entry: trust an `Env` interface that types it as a namespace.
        for (path, model) in self.project_models() {
            for iface in model.interfaces.iter().filter(|i| i.name == "Env") {
                if let Some(prop) = iface.members.iter().find(|m| m.name == name)
                    && let Some(ty) = prop.type_text.as_deref().and_then(|t| self.type_from_annotation(t, path))
                        && matches!(ty, Ty::Namespace(_)) {
                            return Some(ty);
                        }
            }
        }
        None
    }

    pub(crate) fn project_models(&self) -> Vec<(&'a Path, &'a crate::model::FileModel)> {
        match self.project {
            Some(p) => p
                .sources
                .iter()
                .filter_map(|f| Some((f.as_path(), &*self.a.source(f)?.model)))
                .collect(),
            None => vec![(self.path, &*self.src.model)],
        }
    }

    /// A type written in an annotation: `SqlStorage`, `DurableObjectNamespace<Counter>`,
    /// `DurableObjectStub<Counter> | undefined`, `WebSocket[]`, `Env`.
    pub fn type_from_annotation(&self, text: &str, file: &Path) -> Option<Ty> {
        let mut t = text.trim();
        // Drop `| undefined` / `| null` alternatives.
        let parts: Vec<&str> = t.split('|').map(str::trim).filter(|p| !matches!(*p, "undefined" | "null" | "")).collect();
        if parts.len() != 1 {
            return None;
        }
        t = parts[0];
        if let Some(inner) = t.strip_suffix("[]") {
            return match self.type_from_annotation(inner, file)? {
                Ty::Api(r) => Some(Ty::ApiArray(r)),
                _ => None,
            };
        }
        let (head, arg) = match t.find('<') {
            Some(i) if t.ends_with('>') => (&t[..i], Some(t[i + 1..t.len() - 1].trim())),
            _ => (t, None),
        };
        let head = head.trim();
        match head {
            "Env" | "Cloudflare.Env" => Some(Ty::Env),
            NAMESPACE => Some(Ty::Namespace(arg.and_then(|a| self.class_by_type_name(a, file)))),
            STUB => Some(Ty::Stub(arg.and_then(|a| self.class_by_type_name(a, file)))),
            _ if catalog().receiver(head).is_some() && head != "DurableObject" => Some(Ty::Api(head.to_string())),
            _ => None,
        }
    }

    /// A class named in a type argument (`Counter`, `import("./index").Counter`).
    fn class_by_type_name(&self, name: &str, file: &Path) -> Option<ClassKey> {
        let name = name.rsplit('.').next()?.trim();
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') || name.is_empty() {
            return None;
        }
        if let Some(src) = self.a.source(file)
            && src.model.class(name).is_some() {
                return Some(ClassKey { file: file.to_path_buf(), name: name.to_string() });
            }
        self.project?.class_for_name(name).cloned()
    }

    /// The class whose body encloses `node` when `this` there means its instance.
    /// The ancestors of a node of this file, outermost first. Nodes inside a method body
    /// share that body's ancestors, found once: walking down from the root costs a scan of
    /// every member of a large class.
    pub fn ancestors(&self, node: Node<'a>) -> Vec<Node<'a>> {
        if let Some((anchor, up)) = &*self.anchor.borrow()
            && anchor.start_byte() <= node.start_byte()
            && node.end_byte() <= anchor.end_byte()
        {
            let mut out = up.to_vec();
            if anchor.id() != node.id() {
                out.extend(crate::syntax::ancestors(*anchor, node));
            }
            return out;
        }
        let root = self.src.tree.root_node();
        let layout = crate::segments::Layout::of(self.src);
        let Some(body) = layout.body_around(node.start_byte(), node.end_byte()) else {
            return crate::syntax::ancestors(root, node);
        };
        let mut cache = self.body_ancestors.borrow_mut();
        let prefix = cache.entry(body.start).or_insert_with(|| {
            match root.descendant_for_byte_range(body.start, body.end).filter(|b| b.start_byte() == body.start && b.end_byte() == body.end) {
                Some(block) => {
                    let mut v = crate::syntax::ancestors(root, block);
                    v.push(block);
                    v
                }
                None => Vec::new(),
            }
        });
        let Some(&block) = prefix.last() else { return crate::syntax::ancestors(root, node) };
        if block.id() == node.id() {
            return prefix[..prefix.len() - 1].to_vec();
        }
        let mut out = prefix[..prefix.len() - 1].to_vec();
        out.extend(crate::syntax::ancestors(block, node));
        out
    }

    /// Runs `f` knowing `node`'s ancestors (outermost first, from a walk): questions about
    /// nodes inside it (the receiver of a call, `this`) then climb only from `node`.
    pub fn with_anchor<R>(&self, node: Node<'a>, ancestors: &Rc<[Node<'a>]>, f: impl FnOnce() -> R) -> R {
        /// Puts the previous anchor back, also when `f` unwinds.
        struct Restore<'s, 'a>(&'s std::cell::RefCell<Option<(Node<'a>, Rc<[Node<'a>]>)>>, Option<(Node<'a>, Rc<[Node<'a>]>)>);
        impl Drop for Restore<'_, '_> {
            fn drop(&mut self) {
                *self.0.borrow_mut() = self.1.take();
            }
        }
        let previous = self.anchor.replace(Some((node, ancestors.clone())));
        let _restore = Restore(&self.anchor, previous);
        f()
    }

    /// Hands over a method body's ancestors found by a walk, so that [`Self::ancestors`] does
    /// not have to look for them.
    /// [`Self::remember_body`] for a segment's block, when it has one.
    pub fn remember_nodes(&self, nodes: &crate::segments::SegmentNodes<'a>) {
        if let Some(block) = nodes.block {
            self.remember_body(block, &nodes.block_ancestors);
        }
    }

    pub fn remember_body(&self, block: Node<'a>, ancestors: &[Node<'a>]) {
        self.body_ancestors.borrow_mut().entry(block.start_byte()).or_insert_with(|| {
            let mut v = Vec::with_capacity(ancestors.len() + 1);
            v.extend_from_slice(ancestors);
            v.push(block);
            v
        });
    }

    pub fn this_class(&self, node: Node<'a>) -> Option<ClassKey> {
        self.class_key_of_node(self.this_class_node(node)?)
    }

    /// The class node whose instance `this` means at `node` (see [`Self::this_class`]).
    fn this_class_node(&self, node: Node<'a>) -> Option<Node<'a>> {
        // Under an anchor: only the short path from the anchor down is looked at here; the
        // anchor's own ancestors answer the rest, once per anchor.
        let under_anchor = {
            let anchor = self.anchor.borrow();
            match &*anchor {
                Some((a, up)) if a.start_byte() <= node.start_byte() && node.end_byte() <= a.end_byte() => {
                    // Whatever rebinds `this` between the anchor and the node (a function, an
                    // object literal, a class body) opens a brace before the node: without one,
                    // the anchor's own ancestors decide.
                    if !self.src.text[a.start_byte()..node.start_byte()].contains('{') {
                        Some(this_class_on_path(up, &[*a]))
                    } else {
                        let path = if a.id() == node.id() { Vec::new() } else { crate::syntax::ancestors(*a, node) };
                        Some(this_class_on_path(up, &path))
                    }
                }
                _ => None,
            }
        };
        if let Some(found) = under_anchor {
            return found;
        }
        let ancestors = self.ancestors(node);
        this_class_on_path(&ancestors, &[])
    }

    /// [`Self::this_class`] for a node with these ancestors (outermost first).
    pub fn this_class_in(&self, ancestors: &[Node<'_>]) -> Option<ClassKey> {
        self.class_key_of_node(this_class_on_path(ancestors, &[])?)
    }

    /// The class model entry for a class node of this file.
    pub fn class_key_of_node(&self, class: Node<'_>) -> Option<ClassKey> {
        let c = self.src.model.classes.iter().find(|c| c.range.start == class.start_byte())?;
        Some(ClassKey { file: self.path.to_path_buf(), name: c.name.clone() })
    }

    pub fn class(&self, key: &ClassKey) -> Option<&'a ClassInfo> {
        class_info(&self.a.files, key)
    }

    /// The class a base-class expression names, resolved within the project.
    fn base_class(&self, key: &ClassKey) -> Option<ClassKey> {
        let class = self.class(key)?;
        let base = class.extends.as_deref()?;
        let src = self.a.source(&key.file)?;
        if src.model.class(base).is_some() {
            return Some(ClassKey { file: key.file.clone(), name: base.to_string() });
        }
        let import = src.model.imports.iter().find(|i| i.local == base)?;
        let target = crate::project::resolve_module(&self.a.files, &key.file, &import.source)?;
        let target_src = self.a.source(&target)?;
        if target_src.model.class(&import.imported).is_some() {
            return Some(ClassKey { file: target, name: import.imported.clone() });
        }
        None
    }

    /// The class and its project base classes, nearest first.
    pub fn class_chain(&self, key: &ClassKey) -> Vec<ClassKey> {
        let mut chain = vec![key.clone()];
        while chain.len() < 16 {
            match self.base_class(chain.last().unwrap()) {
                Some(b) if !chain.contains(&b) => chain.push(b),
                _ => break,
            }
        }
        chain
    }

    /// How a class relates to `DurableObject`.
    pub fn do_kind(&self, key: &ClassKey) -> DoKind {
        for k in self.class_chain(key) {
            let Some(class) = self.class(&k) else { break };
            let Some(base) = class.extends.as_deref() else { continue };
            let Some(src) = self.a.source(&k.file) else { break };
            let base_root = base.split('.').next().unwrap_or(base);
            if base == "DurableObject" && !src.model.classes.iter().any(|c| c.name == "DurableObject") {
                return DoKind::Extends;
            }
            if let Some(import) = src.model.imports.iter().find(|i| i.local == base_root) {
                if import.source == "cloudflare:workers" && import.imported == "DurableObject" {
                    return DoKind::Extends;
                }
                if LIBRARY_DO_BASES.iter().any(|(pkg, names)| *pkg == import.source && names.contains(&import.imported.as_str())) {
                    return DoKind::Library;
                }
                if !import.source.starts_with('.') {
                    // Some other package's base class: it may or may not be a Durable Object.
                    return DoKind::Unknown;
                }
            }
        }
        // A class bound or migrated in the config is a Durable Object even in the old style
        // (`implements DurableObject`, `constructor(state, env)`).
        if let Some(p) = self.project {
            let name = &key.name;
            if p.config.bindings.iter().any(|b| &b.class_name.value == name && b.script_name.is_none())
                || p.migrated_classes().contains_key(name)
            {
                return DoKind::Legacy;
            }
        }
        DoKind::Unknown
    }

    /// `this.<name>` inside class `key`.
    fn instance_field(&self, key: &ClassKey, name: &str, depth: usize) -> Option<Ty> {
        let cache_key = (key.clone(), name.to_string());
        if let Some(t) = self.fields.borrow().get(&cache_key) {
            return t.clone();
        }
        let t = self.instance_field_uncached(key, name, depth);
        // Answers found near the top are final; deep ones may have hit the depth limit.
        if depth <= 8 {
            self.fields.borrow_mut().insert(cache_key, t.clone());
        }
        t
    }

    fn instance_field_uncached(&self, key: &ClassKey, name: &str, depth: usize) -> Option<Ty> {
        let kind = self.do_kind(key);
        let inherited = matches!(kind, DoKind::Extends | DoKind::Library);
        if inherited && matches!(name, "ctx" | "env") && !self.declares_field(key, name) {
            // Set by `super(ctx, env)`; nobody reassigns them, so skip scanning the class body.
            return Some(if name == "ctx" { Ty::Api(STATE.into()) } else { Ty::Env });
        }
        for k in self.class_chain(key) {
            let Some(class) = self.class(&k) else { break };
            // A declared type wins.
            if let Some(f) = class.fields.iter().find(|f| f.name == name)
                && let Some(t) = &f.type_text {
                    return self.type_from_annotation(t, &k.file);
                }
            // Otherwise the value assigned to `this.<name>` in the class body.
            if let Some(ty) = self.assigned_field_type(&k, name, depth) {
                return Some(ty);
            }
        }
        None
    }

    /// Whether a class of the chain declares a field `name` itself.
    fn declares_field(&self, key: &ClassKey, name: &str) -> bool {
        self.class_chain(key).iter().filter_map(|k| self.class(k)).any(|c| c.fields.iter().any(|f| f.name == name))
    }

    /// The type of the first `this.<name> = value` in the class whose value types.
    fn assigned_field_type(&self, key: &ClassKey, name: &str, depth: usize) -> Option<Ty> {
        let class = self.class(key)?;
        let src = self.a.source(&key.file)?;
        let other;
        let infer = if key.file == self.path {
            self
        } else {
            other = Infer {
                a: self.a,
                path: self.a.files.get_key_value(&key.file)?.0,
                src,
                project: self.project,
                fields: Default::default(),
                body_ancestors: Default::default(),
                anchor: Default::default(),
                this_chains: Default::default(),
            };
            &other
        };
        let root = src.tree.root_node();
        let class_node = root.descendant_for_byte_range(class.range.start, class.range.end)?;
        // The constructor first: that is where nearly every alias field is set, and it spares
        // a walk over every method of a large class.
        let body = class_node.field("body")?;
        let mut c = body.walk();
        let mut members: Vec<_> = body.named_children(&mut c).collect();
        members.sort_by_key(|m| {
            let is_ctor = m.kind_name() == "method_definition"
                && m.field("name").is_some_and(|n| infer.t(n) == "constructor");
            !is_ctor
        });
        let mut found = None;
        for member in members {
            // A field initialiser: `sql = this.ctx.storage.sql;`
            if member.kind_name() == "public_field_definition" {
                if let (Some(field), Some(value)) = (member.field("name"), member.field("value"))
                    && infer.t(field) == name {
                        found = infer.type_at_depth(value, depth + 1);
                    }
            } else {
                found = infer.assignment_in(member, name, depth);
            }
            if found.is_some() {
                break;
            }
        }
        found
    }

    /// The type of the first `this.<name> = value` under `node` whose value types.
    fn assignment_in(&self, node: Node<'a>, name: &str, depth: usize) -> Option<Ty> {
        let mut stack = vec![node];
        let mut found = None;
        while let Some(n) = stack.pop() {
            if n.kind_name() == "assignment_expression"
                && let (Some(left), Some(right)) = (n.field("left"), n.field("right"))
                    && left.kind_name() == "member_expression"
                        && left.field("object").is_some_and(|o| o.kind_name() == "this")
                        && left.field("property").is_some_and(|p| self.t(p) == name)
                        && let Some(ty) = self.type_at_depth(right, depth + 1) {
                            found = Some(ty);
                            break;
                        }
            let mut c = n.walk();
            let children: Vec<_> = n.named_children(&mut c).collect();
            stack.extend(children.into_iter().rev());
        }
        found
    }

    /// Resolves an identifier to its declaration in scope and types that.
    fn identifier_type(&self, usage: Node<'a>, name: &str, depth: usize) -> Option<Ty> {
        let at = usage.start_byte();
        let mut cur = usage;
        // Climb through the ancestors found in one walk down (`parent()` searches from the
        // root each time); fall back to climbing if the walk did not reach the node.
        let mut chain = self.ancestors(usage);
        let holds = |p: &Node<'_>| p.start_byte() <= usage.start_byte() && usage.end_byte() <= p.end_byte() && p.id() != usage.id();
        if !chain.last().is_some_and(holds) {
            chain.clear();
            let mut n = usage;
            while let Some(p) = n.parent() {
                chain.push(p);
                n = p;
            }
            chain.reverse();
        }
        for parent in chain.into_iter().rev() {
            match parent.kind_name() {
                "statement_block" | "program" | "class_static_block" | "switch_case" | "switch_default" => {
                    let mut c = parent.walk();
                    let stmts: Vec<_> = parent.named_children(&mut c).filter(|s| s.start_byte() < at).collect();
                    for stmt in stmts.iter().rev() {
                        if let Some(r) = self.declared_in(*stmt, name, usage, depth) {
                            return r;
                        }
                    }
                }
                "for_in_statement" => {
                    if let Some(left) = parent.field("left")
                        && left.kind_name() == "identifier" && self.t(left) == name && left.id() != cur.id() {
                            let right = parent.field("right")?;
                            return match self.type_at_depth(right, depth)? {
                                Ty::ApiArray(r) => Some(Ty::Api(r)),
                                _ => None,
                            };
                        }
                }
                "for_statement" => {
                    if let Some(init) = parent.field("initializer")
                        && init.start_byte() < at
                            && let Some(r) = self.declared_in(init, name, usage, depth) {
                                return r;
                            }
                }
                "arrow_function" | "function_expression" | "function_declaration" | "method_definition"
                | "generator_function" | "generator_function_declaration" => {
                    if let Some(r) = self.parameter_type(parent, name, depth) {
                        return r;
                    }
                }
                // Half-typed code: tree-sitter wraps the broken region in an ERROR node that
                // still holds the declarations and parameters typed so far.
                "ERROR" => {
                    let mut c = parent.walk();
                    let stmts: Vec<_> = parent.named_children(&mut c).filter(|s| s.end_byte() <= at).collect();
                    for stmt in stmts.iter().rev() {
                        if let Some(r) = self.declared_in(*stmt, name, usage, depth) {
                            return r;
                        }
                    }
                    if crate::model::first_named_child_of_kind(parent, "formal_parameters").is_some_and(|p| p.end_byte() <= at)
                        && let Some(r) = self.parameter_type(parent, name, depth) {
                            return r;
                        }
                }
                "catch_clause"
                    if parent.field("parameter").is_some_and(|p| self.t(p) == name) => {
                        return None;
                    }
                _ => {}
            }
            cur = parent;
        }
        // Module scope: `import { env } from "cloudflare:workers"`.
        let import = self.src.model.imports.iter().find(|i| i.local == name)?;
        (import.source == "cloudflare:workers" && import.imported == "env").then_some(Ty::Env)
    }

    /// If `stmt` declares `name`: `Some(type)`; `None` when it does not declare it.
    fn declared_in(&self, stmt: Node<'a>, name: &str, usage: Node<'a>, depth: usize) -> Option<Option<Ty>> {
        match stmt.kind_name() {
            "lexical_declaration" | "variable_declaration" => {
                let mut c = stmt.walk();
                let decls: Vec<_> = stmt.named_children(&mut c).filter(|d| d.kind_name() == "variable_declarator").collect();
                for decl in decls.into_iter().rev() {
                    let Some(pattern) = decl.field("name") else { continue };
                    // A use inside its own initialiser does not see the declaration.
                    if decl.byte_range().contains(&usage.start_byte()) {
                        continue;
                    }
                    let value = decl.field("value");
                    match pattern.kind_name() {
                        "identifier" if self.t(pattern) == name => {
                            if let Some(t) = decl.field("type") {
                                return Some(self.type_from_annotation(&type_annotation_text(t, self.text()), self.path));
                            }
                            return Some(value.and_then(|v| self.type_at_depth(v, depth)));
                        }
                        "object_pattern" => {
                            if let Some(key) = destructured_key(pattern, name, self.text()) {
                                let obj = value.and_then(|v| self.type_at_depth(v, depth));
                                return Some(obj.and_then(|o| self.property_type(&o, &key, depth)));
                            }
                        }
                        "array_pattern" => {
                            let mut c2 = pattern.walk();
                            if pattern.named_children(&mut c2).any(|n| n.kind_name() == "identifier" && self.t(n) == name) {
                                // `const [client, server] = Object.values(new WebSocketPair())`
                                return Some(match value.and_then(|v| self.type_at_depth(v, depth)) {
                                    Some(Ty::ApiArray(r)) => Some(Ty::Api(r)),
                                    _ => None,
                                });
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            "function_declaration" | "class_declaration" => {
                stmt.field("name").filter(|n| self.t(*n) == name).map(|_| None)
            }
            _ => None,
        }
    }

    /// If `func` has a parameter `name`: `Some(type)`.
    fn parameter_type(&self, func: Node<'a>, name: &str, depth: usize) -> Option<Option<Ty>> {
        if let Some(p) = func.field("parameter") {
            // `x => …`
            if self.t(p) != name {
                return None;
            }
            return Some(self.callback_param_type(func, 0, depth));
        }
        // Field names are not kept inside ERROR nodes; find the parameter list by kind there.
        let params = func
            .field("parameters")
            .or_else(|| (func.kind_name() == "ERROR").then(|| crate::model::first_named_child_of_kind(func, "formal_parameters")).flatten())?;
        let mut c = params.walk();
        let list: Vec<_> = params
            .named_children(&mut c)
            .filter(|p| matches!(p.kind_name(), "required_parameter" | "optional_parameter"))
            .collect();
        let (index, param) = list.iter().enumerate().find_map(|(i, p)| {
            let pat = p.field("pattern").or_else(|| p.field("name"))?;
            (pat.kind_name() == "identifier" && self.t(pat) == name).then_some((i, *p))
        })?;
        if let Some(t) = param.field("type") {
            return Some(self.type_from_annotation(&type_annotation_text(t, self.text()), self.path));
        }
        if func.kind_name() == "method_definition" {
            let method = func.field("name").map(|n| self.t(n)).unwrap_or("");
            let container = func.parent();
            if container.is_some_and(|b| b.kind_name() == "class_body") {
                let class = container.and_then(|b| b.parent()).and_then(|c| self.class_key_of_node(c));
                if let Some(class) = class {
                    let kind = self.do_kind(&class);
                    if kind != DoKind::Unknown {
                        if method == "constructor" {
                            return Some(match index {
                                0 => Some(Ty::Api(STATE.into())),
                                1 => Some(Ty::Env),
                                _ => None,
                            });
                        }
                        if let Some((_, _, r)) = HANDLER_PARAMS.iter().find(|(m, i, _)| *m == method && *i == index) {
                            return Some(Some(Ty::Api(r.to_string())));
                        }
                    }
                    if method != "constructor" && WORKER_HANDLERS.contains(&method) && index == 1 && kind == DoKind::Unknown {
                        // `class extends WorkerEntrypoint` handlers take (request, env, ctx) only
                        // in the old style; keep to the `env` name to be safe.
                        return Some((name == "env").then_some(Ty::Env));
                    }
                }
            } else if WORKER_HANDLERS.contains(&method) && index == 1 {
                // `export default { fetch(request, env, ctx) { … } }`
                return Some(Some(Ty::Env));
            }
        }
        if let Some(t) = self.callback_param_type(func, index, depth) {
            return Some(Some(t));
        }
        Some((name == "env").then_some(Ty::Env))
    }

    /// The type of parameter `index` of a callback passed to a DO API method.
    fn callback_param_type(&self, func: Node<'a>, index: usize, depth: usize) -> Option<Ty> {
        let args = func.parent().filter(|p| p.kind_name() == "arguments")?;
        let call = args.parent().filter(|c| c.kind_name() == "call_expression")?;
        let callee = call.field("function").filter(|f| f.kind_name() == "member_expression")?;
        let method = self.t(callee.field("property")?);
        let obj = self.type_at_depth(callee.field("object")?, depth + 1)?;
        match (&obj, method, index) {
            (Ty::Api(r), "transaction", 0) if r == STORAGE => Some(Ty::Api("DurableObjectTransaction".into())),
            (Ty::ApiArray(r), "forEach" | "map" | "filter" | "some" | "every" | "find" | "flatMap", 0) => {
                Some(Ty::Api(r.clone()))
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DoKind {
    /// Extends `DurableObject` from `cloudflare:workers`, directly or through project classes.
    Extends,
    /// Extends a library class that is itself a Durable Object (`Agent`, `Server`, …).
    Library,
    /// Named in the config but does not extend `DurableObject` (the old module style).
    Legacy,
    Unknown,
}

/// `{ sql }` → `sql`, `{ storage: s }` → `storage` for `s`.
fn destructured_key(pattern: Node<'_>, name: &str, text: &str) -> Option<String> {
    let mut c = pattern.walk();
    for p in pattern.named_children(&mut c) {
        match p.kind_name() {
            "shorthand_property_identifier_pattern" if node_text(p, text) == name => return Some(name.to_string()),
            "pair_pattern" => {
                let value = p.field("value")?;
                if value.kind_name() == "identifier" && node_text(value, text) == name {
                    return Some(node_text(p.field("key")?, text).to_string());
                }
            }
            "object_assignment_pattern" => {
                let left = p.field("left")?;
                if left.kind_name() == "shorthand_property_identifier_pattern" && node_text(left, text) == name {
                    return Some(name.to_string());
                }
            }
            _ => {}
        }
    }
    None
}

/// A catalog `returns` value as a type.
pub(crate) fn returns_ty(returns: &str) -> Option<Ty> {
    match returns.strip_suffix("[]") {
        Some(inner) => Some(Ty::ApiArray(inner.to_string())),
        None => Some(Ty::Api(returns.to_string())),
    }
}

/// The class node whose instance `this` means below the ancestors `up` followed by `path`
/// (outermost first), without joining them: a plain function or an object literal rebinds
/// `this`, an arrow function does not.
fn this_class_on_path<'t>(up: &[Node<'t>], path: &[Node<'t>]) -> Option<Node<'t>> {
    let at = |i: usize| if i < up.len() { up.get(i) } else { path.get(i - up.len()) };
    for i in (0..up.len() + path.len()).rev() {
        match at(i)?.kind_name() {
            "function_expression" | "function_declaration" | "generator_function"
            | "generator_function_declaration" | "object" => return None,
            "class_body" => return at(i.checked_sub(1)?).copied(),
            _ => {}
        }
    }
    None
}
