//! A class field that an RPC method or handler changes with data from its caller
//! (`this.name = name`, `this.count += by`, `this.count++`) but that the class never writes
//! to storage, in a Durable Object class that does use storage. Fields live in memory: when
//! the object is evicted (idle, a deploy, a restart) the change is gone. A hint.
//!
//! To stay quiet on caches, handles and flags, a field is left alone when:
//! - it is mentioned in any member that writes storage, or that a writing member calls
//!   (`this.save()`, a getter it serialises), or a writing member hands all of `this` on;
//! - it is assigned in any member that reads storage (restored or cached from it, as in the
//!   constructor's `blockConcurrencyWhile`);
//! - its declared type is a handle (`WebSocket`, `Map`, `Set`, a stub, a timer, a Promise) or
//!   its name says cache, timer, socket, session, lock, flag…;
//! - the value is not the caller's data (a call, `new …`, `true`, `null`).
//!
//! Members that mention storage in ways not followed (`this.db.exec(…)`, a `persist` helper)
//! count as reading and writing it. Classes with a project base class, a library base class
//! or that are not named in the wrangler config are not checked.
//!
//! Each member is read on its own ([`member_facts`]); the class-wide facts (which fields are
//! persisted or restored, whether the class uses storage) are joined from those, and each
//! method's changes are then checked against them ([`reports`]).

use rustc_hash::FxHashSet as HashSet;

use tree_sitter::Node;

use crate::diagnostics::{Diagnostic, Severity};
use crate::infer::{DoKind, Infer};
use crate::text::TextRange;
use crate::model::ClassInfo;
use crate::project::ClassKey;
use crate::syntax::{node_text, NodeExt};

use super::flow::Access;
use super::Ctx;

pub const CODE: &str = "state-only-in-memory";

const HANDLERS: &[&str] = &["fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError", "connect"];

/// Words in a member's text that mean it may reach storage in a way not followed.
const STORAGE_WORDS: &[&str] = &["storage", "sql", ".kv", ".exec(", ".put(", "persist", "save", "setState"];

/// Field names that say the value is transient.
const TRANSIENT: &[&str] = &[
    "cache", "cached", "memo", "ready", "init", "loaded", "loading", "pending", "timer", "interval", "timeout",
    "last", "busy", "running", "lock", "connect", "session", "socket", "ws", "listener", "handler", "debounce",
    "promise", "abort", "controller", "queue", "buffer", "inflight", "flight", "dirty", "tmp", "temp",
];

/// Declared types that hold handles, not data.
const HANDLE_TYPES: &[&str] = &[
    "WebSocket", "Map", "Set", "Stub", "Promise", "Timeout", "ReturnType", "Request", "Response", "Socket",
    "Stream", "AbortController", "AbortSignal", "Function", "=>", "Env", "Storage", "State",
];

/// The class-wide facts joined from member facts, borrowing their names.
#[derive(Default)]
struct ClassFacts<'m> {
    uses_storage: bool,
    persists_all: bool,
    persisted: HashSet<&'m str>,
    restored: HashSet<&'m str>,
}

/// What one member of a class says about storage and about its fields: the input of the
/// class-wide facts, and the fields it changes with its caller's data. Members are read one
/// by one (each in its own segment of the file, see `segments`) and joined per class by
/// [`reports`].
#[derive(Clone, Debug)]
pub(crate) struct MemberFacts {
    pub class: String,
    /// The member's name, for `this.save()`-style calls between members.
    pub name: String,
    pub is_method: bool,
    pub writes: bool,
    pub reads: bool,
    /// Every `x` of a `this.x` in the member's text.
    pub mentions: Vec<String>,
    pub hands_on_this: bool,
    /// For a method callable from outside: the `this.x` it changes with its caller's data
    /// (range and field), before the class-wide facts rule any out.
    pub changes: Vec<(TextRange, String)>,
}

/// The facts of the given members (method definitions and field definitions of `class`).
pub(super) fn member_facts<'t>(cx: &Ctx<'t>, class: &ClassInfo, member: Node<'t>) -> MemberFacts {
    let text = cx.infer.text();
    let t = node_text(member, text);
    let (mut writes, mut reads) = (false, false);
    static STORAGE_FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| STORAGE_WORDS.iter().map(|w| memchr::memmem::Finder::new(w.as_bytes())).collect());
    if STORAGE_FINDERS.iter().any(|f| f.find(t.as_bytes()).is_some()) {
        (writes, reads) = (true, true);
    } else {
        for j in cx.calls_in(member) {
            match cx.storage_op(j).map(|op| op.access) {
                Some(Access::Read) => reads = true,
                Some(Access::Write | Access::Alarm | Access::Other) => writes = true,
                None => {}
            }
        }
    }
    let is_method = member.kind_name() == "method_definition";
    let start = member.start_byte();
    // Methods are listed in source order: found by halving (a class of a thousand methods
    // asked this for each of them).
    let info = match class.methods.binary_search_by_key(&start, |m| m.range.start) {
        Ok(k) => Some(&class.methods[k]),
        Err(_) => class.methods.iter().find(|m| m.range.start == start),
    };
    let entry = is_method && info.is_some_and(|info| is_entry_point(cx, info, member));
    let changes = if entry {
        in_method(cx, class, member).into_iter().map(|(n, f)| (crate::syntax::node_range(n), f)).collect()
    } else {
        Vec::new()
    };
    MemberFacts {
        class: class.name.clone(),
        name: member.field("name").map_or("", |n| node_text(n, text)).to_string(),
        is_method,
        writes,
        reads,
        mentions: this_members(t).map(str::to_string).collect(),
        hands_on_this: hands_on_this(t),
        changes,
    }
}

/// The reports for a file, from the facts of all its classes' members.
/// `members` holds each member's facts and whether its ranges are encoded for the memo
/// (`decode` brings those back).
pub(super) fn reports(infer: &Infer<'_>, members: &[(&MemberFacts, bool)], decode: impl Fn(TextRange) -> TextRange) -> Vec<Diagnostic> {
    let Some(project) = infer.project else { return Vec::new() };
    let migrated = project.migrated_classes();
    let severity = super::rule(CODE).map_or(Severity::Hint, |r| r.default);
    let mut out = Vec::new();
    for class in &infer.src.model.classes {
        let named = migrated.contains_key(&class.name) || project.config.bindings.iter().any(|b| b.class_name.value == class.name && b.script_name.is_none());
        if !named {
            continue;
        }
        let key = ClassKey { file: infer.path.to_path_buf(), name: class.name.clone() };
        if !matches!(infer.do_kind(&key), DoKind::Extends | DoKind::Legacy) || infer.class_chain(&key).len() != 1 {
            continue;
        }
        let ms: Vec<(&MemberFacts, bool)> = members.iter().filter(|(m, _)| m.class == class.name).copied().collect();
        let facts = class_facts(&ms.iter().map(|(m, _)| *m).collect::<Vec<_>>());
        if !facts.uses_storage || facts.persists_all {
            continue;
        }
        for (m, encoded) in &ms {
            for (range, field) in &m.changes {
                if facts.persisted.contains(field.as_str()) || facts.restored.contains(field.as_str()) {
                    continue;
                }
                out.push(Diagnostic::new(
                    infer.path,
                    if *encoded { decode(*range) } else { *range },
                    severity,
                    CODE,
                    format!(
                        "`this.{field}` is changed here but `{}` never writes it to storage: the change is lost when the object is evicted or restarted (idle, a deploy), and the next request sees the initial value again. Keep it in storage (`this.ctx.storage.kv.put(\"{field}\", …)` or a SQL row) and read it back in the constructor; if it is only a cache, ignore this.",
                        class.name
                    ),
                ));
            }
        }
    }
    out
}

/// The class-wide facts, from its members' facts.
fn class_facts<'m>(members: &[&'m MemberFacts]) -> ClassFacts<'m> {
    let mut facts = ClassFacts::default();
    let mut writers: Vec<bool> = members.iter().map(|m| m.writes).collect();
    let readers: Vec<bool> = members.iter().map(|m| m.reads).collect();
    facts.uses_storage = writers.iter().chain(&readers).any(|b| *b);
    // Members that a writing member calls or reads (`this.save()`, `this.snapshot`) serialise
    // for it: they count as writing too.
    let mut by_name: rustc_hash::FxHashMap<&str, Vec<usize>> = rustc_hash::FxHashMap::default();
    for (k, m) in members.iter().enumerate() {
        if m.is_method {
            by_name.entry(m.name.as_str()).or_default().push(k);
        }
    }
    let mut work: Vec<usize> = (0..members.len()).filter(|&k| writers[k]).collect();
    while let Some(k) = work.pop() {
        for field in &members[k].mentions {
            for &j in by_name.get(field.as_str()).map_or(&[][..], |v| v.as_slice()) {
                if !writers[j] {
                    writers[j] = true;
                    work.push(j);
                }
            }
        }
    }
    for (k, m) in members.iter().enumerate() {
        if writers[k] {
            facts.persisted.extend(m.mentions.iter().map(String::as_str));
            facts.persists_all |= m.hands_on_this;
        }
        if readers[k] {
            facts.restored.extend(m.mentions.iter().map(String::as_str));
        }
    }
    facts
}

/// The names `x` of every `this.x` in a text.
fn this_members(text: &str) -> impl Iterator<Item = &str> {
    crate::text::word_finder!(b"this.").find_iter(text.as_bytes()).filter_map(move |at| {
        if at > 0 && text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
            return None;
        }
        let rest = &text[at + 5..];
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// `this` used as a value: `put("s", this)`, `{ ...this }`, `JSON.stringify(this)`.
fn hands_on_this(text: &str) -> bool {
    crate::text::word_finder!(b"this").find_iter(text.as_bytes()).any(|at| {
        let before = text[..at].chars().next_back();
        let after = text[at + 4..].chars().next();
        before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
            && after.is_some_and(|c| matches!(c, ')' | ',' | ']' | '}'))
    })
}

/// A method callable from outside: a public, non-static method or a handler.
fn is_entry_point(cx: &Ctx<'_>, info: &crate::model::MethodInfo, method: Node<'_>) -> bool {
    let name = super::method_name(method, cx.infer.text());
    if name == "constructor" || name.starts_with('#') || name.starts_with('_') {
        return false;
    }
    if info.is_static || info.accessor.is_some() {
        return false;
    }
    HANDLERS.contains(&name) || !info.is_private
}

/// The `this.x` nodes a method changes with its caller's data, one per field (before the
/// class-wide facts rule any out).
fn in_method<'t>(cx: &Ctx<'t>, class: &ClassInfo, method: Node<'t>) -> Vec<(Node<'t>, String)> {
    let text = cx.infer.text();
    let body_text = node_text(method, text);
    let params = std::cell::OnceCell::new();
    let mut out: Vec<(Node<'t>, String)> = Vec::new();
    let base = method.start_byte();
    for at in crate::text::word_finder!(b"this.").find_iter(body_text.as_bytes()) {
        let Some(field) = this_members(&body_text[at..]).next() else { continue };
        if out.iter().any(|(_, f)| f == field) {
            continue;
        }
        // The runtime's handles (`this.ctx`, `this.env`, and the usual aliases of storage),
        // never state of the object's own.
        if matches!(field, "ctx" | "env" | "state" | "storage" | "sql" | "kv") {
            continue;
        }
        let lower = field.to_ascii_lowercase();
        if TRANSIENT.iter().any(|w| lower.contains(w)) || class.methods.iter().any(|m| m.name == field) {
            continue;
        }
        if class.fields.iter().any(|f| f.name == field && f.type_text.as_deref().is_some_and(|t| HANDLE_TYPES.iter().any(|h| t.contains(h)))) {
            continue;
        }
        let start = base + at;
        let Some(member) = method.descendant_for_byte_range(start, start + 5 + field.len()) else { continue };
        if member.kind_name() != "member_expression" || member.start_byte() != start {
            continue;
        }
        // Down from the method, not up with `parent()`: climbing starts from the root every
        // step, which in a large class costs thousands of nodes each time.
        let chain = crate::syntax::ancestors(method, member);
        if !runs_with_this(&chain) {
            continue;
        }
        let Some(&parent) = chain.last() else { continue };
        let changed = match parent.kind_name() {
            "update_expression" => true,
            "augmented_assignment_expression" => {
                parent.field("left").is_some_and(|l| l.id() == member.id())
                    && matches!(parent.field("operator").map(|o| node_text(o, text)), Some("+=" | "-=" | "*=" | "/=" | "|=" | "&="))
            }
            "assignment_expression" => {
                parent.field("left").is_some_and(|l| l.id() == member.id())
                    && parent.field("right").is_some_and(|r| is_callers_data(cx, r, params.get_or_init(|| params_of(cx, method)), field))
            }
            _ => false,
        };
        if changed {
            out.push((member, field.to_string()));
        }
    }
    out
}

/// Whether `this` at a node is the method's `this`: between the method (first of `chain`, the
/// node's ancestors from the method down) and the node there are only arrow functions.
fn runs_with_this(chain: &[Node<'_>]) -> bool {
    chain.iter().skip(1).all(|p| !super::is_function(p.kind_name()) || p.kind_name() == "arrow_function")
}

/// The method's parameters whose type (if written) is data, not a handle.
fn params_of<'t>(cx: &Ctx<'t>, method: Node<'_>) -> Vec<&'t str> {
    let Some(params) = method.field("parameters") else { return Vec::new() };
    let mut c = params.walk();
    params
        .named_children(&mut c)
        .filter_map(|p| {
            let pat = p.field("pattern")?;
            if pat.kind_name() != "identifier" {
                return None;
            }
            let handle = p.field("type").is_some_and(|t| HANDLE_TYPES.iter().any(|h| cx.t(t).contains(h)));
            (!handle).then(|| cx.t(pat))
        })
        .collect()
}

/// A value made of the caller's data: a parameter, a property of one, a literal object or
/// array holding one, or arithmetic on the field itself and such values.
fn is_callers_data(cx: &Ctx<'_>, n: Node<'_>, params: &[&str], field: &str) -> bool {
    match n.kind_name() {
        "identifier" => params.contains(&cx.t(n)),
        "member_expression" => {
            let t = cx.t(n);
            t == format!("this.{field}") || n.field("object").is_some_and(|o| is_callers_data(cx, o, params, field))
        }
        "parenthesized_expression" | "as_expression" | "non_null_expression" | "satisfies_expression" => {
            n.named_child(0).is_some_and(|c| is_callers_data(cx, c, params, field))
        }
        "binary_expression" => {
            let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else { return false };
            let literal = |x: Node<'_>| matches!(x.kind_name(), "number" | "string");
            (is_callers_data(cx, l, params, field) || literal(l)) && (is_callers_data(cx, r, params, field) || literal(r))
                && (is_callers_data(cx, l, params, field) || is_callers_data(cx, r, params, field))
        }
        "object" | "array" => super::flow::mentions(cx, n, params),
        _ => false,
    }
}
