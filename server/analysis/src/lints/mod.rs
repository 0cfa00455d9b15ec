//! Review lints: the rules reviewers of Durable Object code enforce, as diagnostics.
//!
//! Every rule is written to stay silent when it cannot be sure: a false warning on correct
//! code costs more than a missed one. Rules only look at what `infer` can prove (a stub, the
//! storage API, a class whose whole chain is in the project).
//!
//! What a rule reports inside a method depends on that method's body and on class-level
//! facts (members, the config); a rule that needs a fact about the whole class computes it in
//! one function per class (`state_only_in_memory::facts`). The shared view of storage calls
//! and external `await`s is in `flow`.
//!
//! Levels come from the rule's default, then `dols.toml` (`[lint]`), then the editor's
//! settings. `// dols-ignore <code>` on the line before silences one report;
//! `// dols-ignore-file <code>` silences a rule in the whole file.

use crate::syntax::NodeExt;
use std::path::Path;

use tree_sitter::Node;

use crate::diagnostics::{Diagnostic, Severity};
use crate::segments::{decode_diagnostic, encode_diagnostic, Layout, Look, SegResult, Seg, SegmentNodes};
use crate::infer::{DoKind, Infer, Ty};
use crate::project::ClassKey;
use crate::settings::Level;
use crate::text::TextRange;
use crate::syntax::node_text;
use crate::Analysis;

mod alarm_overwrite;
mod await_between_writes;
mod check_then_act_across_await;
mod block_concurrency_outside_constructor;
mod delete_all_keeps_alarm;
mod flow;
mod global_singleton_stub;
mod io_in_block_concurrency;
mod kv_backend_class;
mod legacy_fetch_routing;
mod prefer_sync_kv;
mod reserved_method_over_rpc;
mod set_alarm_without_handler;
mod state_only_in_memory;
mod stub_call_not_awaited;
mod stub_fetch_without_handler;
mod stub_unknown_method;
mod timers_in_durable_object;
mod transaction_sync_async_callback;
mod websocket_accept_without_hibernation;

#[cfg(test)]
mod tests;

/// A lint rule: its stable code, default severity and one-line summary.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub code: &'static str,
    pub default: Severity,
    pub summary: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        code: stub_call_not_awaited::CODE,
        default: Severity::Warning,
        summary: "A call through a Durable Object stub whose promise is neither awaited, returned nor passed on: its errors are lost.",
    },
    Rule {
        code: reserved_method_over_rpc::CODE,
        default: Severity::Error,
        summary: "A reserved handler (`alarm`, `webSocketMessage`, …) called through a stub: the runtime rejects it.",
    },
    Rule {
        code: stub_fetch_without_handler::CODE,
        default: Severity::Error,
        summary: "`stub.fetch()` to a Durable Object class that has no `fetch` handler.",
    },
    Rule {
        code: stub_unknown_method::CODE,
        default: Severity::Error,
        summary: "A stub call to a method that the target Durable Object class does not have.",
    },
    Rule {
        code: set_alarm_without_handler::CODE,
        default: Severity::Warning,
        summary: "`setAlarm` in a Durable Object class that has no `alarm()` handler: the call throws.",
    },
    Rule {
        code: block_concurrency_outside_constructor::CODE,
        default: Severity::Warning,
        summary: "`blockConcurrencyWhile` called on every request instead of once in the constructor.",
    },
    Rule {
        code: io_in_block_concurrency::CODE,
        default: Severity::Warning,
        summary: "External I/O (`fetch`, a stub call, a timer) awaited inside `blockConcurrencyWhile`.",
    },
    Rule {
        code: websocket_accept_without_hibernation::CODE,
        default: Severity::Warning,
        summary: "A WebSocket accepted with `accept()` inside a Durable Object, which keeps the object from hibernating.",
    },
    Rule {
        code: global_singleton_stub::CODE,
        default: Severity::Hint,
        summary: "Every request routed to one Durable Object by a constant name.",
    },
    Rule {
        code: timers_in_durable_object::CODE,
        default: Severity::Hint,
        summary: "`setTimeout`/`setInterval` for scheduled work in a Durable Object: timers do not survive eviction, alarms do.",
    },
    Rule {
        code: alarm_overwrite::CODE,
        default: Severity::Hint,
        summary: "`setAlarm` in a loop or twice in a block, without `getAlarm`: each call replaces the one alarm.",
    },
    Rule {
        code: delete_all_keeps_alarm::CODE,
        default: Severity::Hint,
        summary: "`deleteAll()` in a class with an `alarm()` handler and no `deleteAlarm()`, on a compatibility date where the alarm survives.",
    },
    Rule {
        code: await_between_writes::CODE,
        default: Severity::Warning,
        summary: "Two storage writes with an `await` of `fetch`, a stub call or a timer between them: they are not committed together.",
    },
    Rule {
        code: check_then_act_across_await::CODE,
        default: Severity::Warning,
        summary: "State read and tested, then written after an `await` of external I/O: another request can pass the same test meanwhile.",
    },
    Rule {
        code: transaction_sync_async_callback::CODE,
        default: Severity::Warning,
        summary: "An `async` callback passed to `transactionSync`: the transaction ends at its first `await` and a throw rolls nothing back.",
    },
    Rule {
        code: legacy_fetch_routing::CODE,
        default: Severity::Hint,
        summary: "A Durable Object `fetch` handler that dispatches on URL paths where RPC methods would do.",
    },
    Rule {
        code: prefer_sync_kv::CODE,
        default: Severity::Hint,
        summary: "Asynchronous `storage.get/put/delete` of one key in a SQLite-backed class, where the synchronous `storage.kv` would do.",
    },
    Rule {
        code: state_only_in_memory::CODE,
        default: Severity::Hint,
        summary: "A field that a method changes with its caller's data and the class never writes to storage: lost on eviction.",
    },
    Rule {
        code: kv_backend_class::CODE,
        default: Severity::Hint,
        summary: "A class created with `new_classes` (the key-value backend) where `new_sqlite_classes` would do.",
    },
];

pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// A `this.a.b` chain: the id of the class node `this` means there, and the chain's text.
type ThisChain<'a> = (Option<usize>, &'a str);

/// A rule's check over one segment.
type Check = fn(&mut Ctx<'_>);

/// Answers about classes and expressions that every segment of a file may ask for again.
#[derive(Default)]
pub(crate) struct Shared<'a> {
    /// `chain_open` answers by class: each walks the class body once.
    open: std::cell::RefCell<rustc_hash::FxHashMap<ClassKey, bool>>,
    /// `chain_has_member` answers by class and name: each searches the class's text.
    has_member: std::cell::RefCell<rustc_hash::FxHashMap<(ClassKey, String), bool>>,
    /// Types of expressions already asked about, by node id: several rules ask about the
    /// same call's receiver.
    types: std::cell::RefCell<rustc_hash::FxHashMap<usize, Option<Ty>>>,
    /// Types of `this.a.b` chains, by class and text.
    /// Keyed by the id of the class node that `this` means there (see [`Ctx::this_class_node`]).
    this_chains: std::cell::RefCell<rustc_hash::FxHashMap<ThisChain<'a>, Option<Ty>>>,
    /// Whether the file is a test module (asked by rules in every segment).
    test_file: std::cell::OnceCell<bool>,
}

/// What every rule reads: the file's inference context and the call expressions of one
/// segment of the file (a method body, or everything outside method bodies).
pub(crate) struct Ctx<'a> {
    pub infer: &'a Infer<'a>,
    shared: &'a Shared<'a>,
    /// The method body being linted; `None` for the code outside method bodies. A rule that
    /// looks at the model rather than at `calls` reports only for its own segment.
    pub segment: Option<crate::text::TextRange>,
    /// Every `call_expression` of the segment, in source order.
    pub calls: Vec<Node<'a>>,
    /// The ancestors of each call (outermost first), found in the same walk: climbing with
    /// `parent()` is slow in large files.
    pub ancestors: Vec<std::rc::Rc<[Node<'a>]>>,
    pub out: Vec<Diagnostic>,
    /// `member_call` of each call.
    members: Vec<Option<(Node<'a>, &'a str)>>,
    /// The index in `calls` of each call, by node id.
    pub(super) call_index: rustc_hash::FxHashMap<usize, usize>,
    /// What each call does to storage, worked out on first use (`flow::storage_op`).
    ops: Vec<std::cell::OnceCell<Option<flow::StorageOp>>>,
    /// The type of each call's receiver, worked out on first use: most rules ask.
    receivers: Vec<std::cell::OnceCell<Option<Ty>>>,
}

impl<'a> Ctx<'a> {
    pub fn t(&self, node: Node<'_>) -> &'a str {
        node_text(node, self.infer.text())
    }

    /// The type of an expression, remembered for the other rules.
    pub fn ty(&self, node: Node<'a>) -> Option<Ty> {
        if let Some(t) = self.shared.types.borrow().get(&node.id()) {
            return t.clone();
        }
        let t = self.infer.type_of(node);
        self.shared.types.borrow_mut().insert(node.id(), t.clone());
        t
    }

    /// The parent of call `i`.
    pub fn parent(&self, i: usize) -> Option<Node<'a>> {
        self.ancestors[i].last().copied()
    }

    /// The nearest function-like node around call `i`.
    pub fn enclosing_function(&self, i: usize) -> Option<Node<'a>> {
        self.ancestors[i].iter().rev().find(|n| is_function(n.kind_name())).copied()
    }

    /// The class method whose body holds call `i`, looking through arrow functions only (a
    /// plain function in between has its own `this`).
    pub fn enclosing_method(&self, i: usize) -> Option<Node<'a>> {
        let anc = &self.ancestors[i];
        for (j, n) in anc.iter().enumerate().rev() {
            match n.kind_name() {
                "method_definition" => {
                    return (j > 0 && anc[j - 1].kind_name() == "class_body").then_some(*n);
                }
                "arrow_function" => {}
                k if is_function(k) => return None,
                "class_body" => return None,
                _ => {}
            }
        }
        None
    }

    /// The class whose body holds call `i` (methods, field initialisers, nested functions).
    pub fn enclosing_class(&self, i: usize) -> Option<ClassKey> {
        self.infer.enclosing_class_in(&self.ancestors[i])
    }

    /// The id of the class node whose instance `this` means at call `i`: what
    /// [`Infer::this_class_in`] finds, without building its key.
    fn this_class_node(&self, i: usize) -> Option<usize> {
        let anc = &self.ancestors[i];
        for (j, n) in anc.iter().enumerate().rev() {
            match n.kind_name() {
                "function_expression" | "function_declaration" | "generator_function"
                | "generator_function_declaration" | "object" => return None,
                "class_body" => return Some(anc.get(j.checked_sub(1)?)?.id()),
                _ => {}
            }
        }
        None
    }

    /// The class that `this` means at call `i`.
    pub fn this_class(&self, i: usize) -> Option<ClassKey> {
        self.infer.this_class_in(&self.ancestors[i])
    }

    pub fn report(&mut self, code: &'static str, node: Node<'_>, message: impl Into<String>) -> &mut Diagnostic {
        let severity = rule(code).map_or(Severity::Hint, |r| r.default);
        self.out.push(Diagnostic::new(self.infer.path, crate::syntax::node_range(node), severity, code, message));
        self.out.last_mut().unwrap()
    }

    /// For call `i` of the form `obj.name(...)`: the object node and the method name. Tagged
    /// templates (`obj.name\`…\``) are not calls here.
    pub fn member_call(&self, i: usize) -> Option<(Node<'a>, &'a str)> {
        self.members[i]
    }

    /// The type of the object of call `i` (`obj` in `obj.name(...)`). A chain of plain
    /// properties on `this` (`this.ctx.storage`) has the same type everywhere in a class, so
    /// it is worked out once per class.
    pub fn recv_ty(&self, i: usize) -> Option<&Ty> {
        self.receivers[i].get_or_init(|| self.recv_ty_uncached(i)).as_ref()
    }

    fn recv_ty_uncached(&self, i: usize) -> Option<Ty> {
        let (object, _) = self.members[i]?;
        // `a.b(…).c(…)`: the receiver is another call of the file, typed from its own receiver.
        if object.kind_name() == "call_expression"
            && let Some(&j) = self.call_index.get(&object.id())
                && let Some((inner, method)) = self.members[j]
                    && self.t(inner) != "Object" {
                        return self.recv_ty(j).and_then(|t| self.infer.call_type(t, method));
                    }
        if !is_this_chain(object, self.infer.text()) {
            // `Date.now()`, `JSON.stringify(…)`: built-ins never lead to the DO API.
            if chain_root(object).is_some_and(|r| r.kind_name() == "identifier" && BUILTINS.contains(&self.t(r))) {
                return None;
            }
            // The walk found the call's ancestors: typing its receiver starts from them.
            return self.infer.with_anchor(self.calls[i], &self.ancestors[i], || self.ty(object));
        }
        let key = (self.this_class_node(i), self.t(object));
        if let Some(t) = self.shared.this_chains.borrow().get(&key) {
            return t.clone();
        }
        let t = self.ty(object);
        self.shared.this_chains.borrow_mut().insert(key, t.clone());
        t
    }

    /// Whether the file is a test ([`crate::project::is_test_file`]), where constant names and
    /// timers are the norm.
    pub fn is_test_file(&self) -> bool {
        *self.shared.test_file.get_or_init(|| crate::project::is_test_file(self.infer.path))
    }

    /// For `name(...)`: the plain function name.
    pub fn plain_call(&self, call: Node<'a>) -> Option<&'a str> {
        let callee = call.field("function")?;
        (callee.kind_name() == "identifier").then(|| self.t(callee))
    }

    /// Whether `class` and all its base classes are in the project, so that "it has no such
    /// method" can be claimed: it extends `DurableObject` through project classes, or (the old
    /// style) is named in the config and extends nothing.
    pub fn chain_complete(&self, class: &ClassKey) -> bool {
        match self.infer.do_kind(class) {
            DoKind::Extends => true,
            DoKind::Legacy => {
                let chain = self.infer.class_chain(class);
                chain.last().and_then(|k| self.infer.class(k)).is_some_and(|c| c.extends.is_none())
            }
            DoKind::Library | DoKind::Unknown => false,
        }
    }

    /// Whether some class of the chain may get members at run time, so that "it has no such
    /// member" cannot be claimed: a decorator, `this` handed to a call (`install(this)`,
    /// `Object.assign(this, …)`), or an assignment to the class's prototype.
    pub fn chain_open(&self, class: &ClassKey) -> bool {
        if let Some(open) = self.shared.open.borrow().get(class) {
            return *open;
        }
        let open = self.chain_open_uncached(class);
        self.shared.open.borrow_mut().insert(class.clone(), open);
        open
    }

    fn chain_open_uncached(&self, class: &ClassKey) -> bool {
        self.infer.class_chain(class).iter().any(|k| {
            let (Some(info), Some(src)) = (self.infer.class(k), self.infer.a.source(&k.file)) else { return true };
            if src.text.contains(&format!("{}.prototype", k.name)) {
                return true;
            }
            // Neither a decorator nor `this` as an argument can be there without these.
            let body = &src.text[info.range.as_range()];
            let mut from = info.range.start.saturating_sub(200);
            while !src.text.is_char_boundary(from) {
                from -= 1;
            }
            let decorated = src.text[from..info.range.start].contains('@');
            if !decorated && !body.contains('@') && !body.contains("this)") && !body.contains("this,") {
                return false;
            }
            let root = src.tree.root_node();
            let Some(node) = root.descendant_for_byte_range(info.range.start, info.range.end) else { return true };
            let mut stack = vec![node];
            while let Some(n) = stack.pop() {
                match n.kind_name() {
                    "decorator" => return true,
                    "arguments" => {
                        let mut c = n.walk();
                        if n.named_children(&mut c).any(|a| a.kind_name() == "this") {
                            return true;
                        }
                    }
                    _ => {}
                }
                let mut c = n.walk();
                stack.extend(n.children(&mut c));
            }
            // Decorators sit before the class body, possibly outside the class node.
            node.prev_named_sibling().is_some_and(|p| p.kind_name() == "decorator")
        })
    }

    /// Whether `class` certainly has no member `name`: the whole chain is in the project, none
    /// of it declares or assigns `name`, and nothing adds members at run time.
    pub fn surely_lacks(&self, class: &ClassKey, name: &str) -> bool {
        self.chain_complete(class) && !self.chain_has_member(class, name) && !self.chain_open(class)
    }

    /// The property name of call `i`'s callee (`exec` in `sql.exec(…)`).
    pub fn callee_property(&self, i: usize) -> Option<Node<'a>> {
        let mut f = self.calls[i].field("function")?;
        if f.kind_name() == "await_expression" {
            f = f.named_child(0)?;
        }
        f.field("property")
    }

    /// Whether some class of the chain declares a member (method, accessor or field) `name`.
    /// Assignments `this.<name> = …` in the class body count too (JavaScript classes set
    /// their instance properties in the constructor).
    pub fn chain_has_member(&self, class: &ClassKey, name: &str) -> bool {
        let key = (class.clone(), name.to_string());
        if let Some(&known) = self.shared.has_member.borrow().get(&key) {
            return known;
        }
        let found = self.chain_has_member_uncached(class, name);
        self.shared.has_member.borrow_mut().insert(key, found);
        found
    }

    fn chain_has_member_uncached(&self, class: &ClassKey, name: &str) -> bool {
        self.infer.class_chain(class).iter().any(|k| {
            let Some(c) = self.infer.class(k) else { return false };
            if c.methods.iter().any(|m| m.name == name) || c.fields.iter().any(|f| f.name == name) {
                return true;
            }
            let body = self.infer.a.source(&k.file).and_then(|s| s.text.get(c.range.as_range())).unwrap_or("");
            let assigned = format!("this.{name}");
            body.match_indices(&assigned).any(|(at, _)| {
                let rest = &body[at + assigned.len()..];
                let next = rest.trim_start();
                let is_ident = rest.starts_with(|ch: char| ch.is_alphanumeric() || ch == '_' || ch == '$');
                !is_ident && next.starts_with('=') && !next.starts_with("==")
            })
        })
    }
}

/// Global objects of the JavaScript runtime.
const BUILTINS: &[&str] = &[
    "Array", "BigInt", "Boolean", "console", "crypto", "Date", "Error", "Intl", "JSON", "Map", "Math", "Number",
    "Object", "Promise", "Reflect", "RegExp", "Response", "Request", "Set", "String", "Symbol", "URL",
    "URLSearchParams", "WeakMap", "WeakSet", "Headers", "TextEncoder", "TextDecoder", "atob", "btoa",
];

/// The leftmost expression of a member chain (`a` in `a.b.c`, `a(…)` in `a(…).b`).
fn chain_root(mut node: Node<'_>) -> Option<Node<'_>> {
    while node.kind_name() == "member_expression" {
        node = node.child(0)?;
    }
    Some(node)
}

/// `this.a.b`: plain properties on `this`.
fn is_this_chain(node: Node<'_>, text: &str) -> bool {
    // Read from the text (`this.a.b`, spaces and `?.` allowed): walking the member expressions
    // reads several nodes per level, for every call whose receiver starts with `this`.
    let Some(mut rest) = node_text(node, text).strip_prefix("this") else { return false };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return true;
        }
        let Some(after) = rest.strip_prefix("?.").or_else(|| rest.strip_prefix('.')) else { return false };
        let after = after.trim_start();
        let n = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
        if n == 0 || after.starts_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        rest = &after[n..];
    }
}

pub(crate) fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function_declaration" | "method_definition" | "generator_function"
            | "generator_function_declaration"
    )
}

pub(crate) fn is_async(func: Node<'_>) -> bool {
    let mut c = func.walk();
    
    func.children(&mut c).take_while(|n| n.kind_name() != "formal_parameters" && n.kind_name() != "statement_block").any(|n| n.kind_name() == "async")
}

/// The method's name (`constructor`, `fetch`, …).
pub(crate) fn method_name<'t>(method: Node<'_>, text: &'t str) -> &'t str {
    method.field("name").map_or("", |n| node_text(n, text))
}

/// The rule checks, in the order they run.
const CHECKS: &[(&str, Check)] = &[
    (stub_call_not_awaited::CODE, stub_call_not_awaited::check),
    (reserved_method_over_rpc::CODE, reserved_method_over_rpc::check),
    (stub_fetch_without_handler::CODE, stub_fetch_without_handler::check),
    (stub_unknown_method::CODE, stub_unknown_method::check),
    (set_alarm_without_handler::CODE, set_alarm_without_handler::check),
    (block_concurrency_outside_constructor::CODE, block_concurrency_outside_constructor::check),
    (io_in_block_concurrency::CODE, io_in_block_concurrency::check),
    (websocket_accept_without_hibernation::CODE, websocket_accept_without_hibernation::check),
    (global_singleton_stub::CODE, global_singleton_stub::check),
    (timers_in_durable_object::CODE, timers_in_durable_object::check),
    (delete_all_keeps_alarm::CODE, delete_all_keeps_alarm::check),
    (alarm_overwrite::CODE, alarm_overwrite::check),
    (await_between_writes::CODE, await_between_writes::check),
    (check_then_act_across_await::CODE, check_then_act_across_await::check),
    (legacy_fetch_routing::CODE, legacy_fetch_routing::check),
    (prefer_sync_kv::CODE, prefer_sync_kv::check),
    (transaction_sync_async_callback::CODE, transaction_sync_async_callback::check),
];

/// What the lints remember of one segment: reports (ranges encoded for the segment) and the
/// facts of the class members written there, for the class-wide rule.
#[derive(Default)]
pub(crate) struct SegmentLints {
    diags: Vec<Diagnostic>,
    members: Vec<state_only_in_memory::MemberFacts>,
}

/// Every lint of one source file, at the levels the user chose, without suppressed ones.
///
/// Rules report on calls, and what they say of a call depends on its method body and on
/// facts outside method bodies; so their reports are remembered per segment of the file (see
/// `segments`) and only the segments whose text or context changed are linted again.
// Kept out of line: profiles name the pass by it.
#[inline(never)]
pub(crate) fn lint_file(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    let levels = effective_levels(a, path);
    if RULES.iter().all(|r| levels(r) == Some(Level::Off)) {
        return Vec::new();
    }
    let on = |code: &str| rule(code).is_some_and(|r| levels(r) != Some(Level::Off));
    let enabled: Vec<bool> = CHECKS.iter().map(|(code, _)| on(code)).collect();
    let state_rule = on(state_only_in_memory::CODE);
    let extra = {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&(&enabled, state_rule), &mut h);
        std::hash::Hasher::finish(&h)
    };
    let layout = Layout::of(infer.src);
    let text = infer.text();
    // Rules look at calls only: the walk goes straight to them (and to each body's block).
    let results = a.memo.lints.run(
        &infer,
        &layout,
        extra,
        Look::Calls,
        |batch| {
            // Each thread asks its own questions (the inference context and `Shared` remember
            // answers).
            let Some(infer) = Infer::new(a, path) else { return batch.iter().map(|_| SegmentLints::default()).collect() };
            let shared = Shared::default();
            batch.into_iter().map(|(seg, nodes)| lint_segment(&infer, &shared, &layout, &enabled, state_rule, seg, nodes)).collect()
        },
        |seg, found| {
            let diags = found.diags.iter().map(|d| encode_diagnostic(&layout, seg, path, d)).collect::<Option<Vec<_>>>()?;
            let members = found.members.iter().map(|m| encode_member(&layout, seg, m)).collect::<Option<Vec<_>>>()?;
            Some(SegmentLints { diags, members })
        },
    );
    let mut out = Vec::new();
    // Member facts, with whether their ranges are encoded (decoded only when reported).
    let mut members: Vec<(&state_only_in_memory::MemberFacts, bool)> = Vec::new();
    for (_, r) in &results {
        match r {
            SegResult::Encoded(found) => {
                out.extend(found.diags.iter().map(|d| decode_diagnostic(&layout, path, d)));
                members.extend(found.members.iter().map(|m| (m, true)));
            }
            SegResult::Plain(found) => {
                out.extend(found.diags.iter().cloned());
                members.extend(found.members.iter().map(|m| (m, false)));
            }
        }
    }
    if state_rule {
        out.extend(state_only_in_memory::reports(&infer, &members, |r| layout.decode(r)));
    }
    let suppress = Suppressions::read(text);
    let index = &infer.src.line_index;
    finish(out, &levels, |d| suppress.covers(d.code, index.line_col(text, d.range.start, crate::Encoding::Utf8).line as usize))
}

/// The rules over one segment.
fn lint_segment<'a>(infer: &'a Infer<'a>, shared: &'a Shared<'a>, layout: &Layout, enabled: &[bool], state_rule: bool, seg: Seg, nodes: SegmentNodes<'a>) -> SegmentLints {
    infer.remember_nodes(&nodes);
    let text = infer.text();
    let calls = nodes.calls;
    let members = calls.iter().map(|c| crate::syntax::member_call(*c, text)).collect();
    let call_index = calls.iter().enumerate().map(|(i, c)| (c.id(), i)).collect();
    let ops = calls.iter().map(|_| Default::default()).collect();
    let receivers = calls.iter().map(|_| Default::default()).collect();
    let segment = match seg {
        Seg::Outer => None,
        Seg::Body(k) => Some(layout.bodies[k].range),
    };
    let ancestors = nodes.ancestors;
    let mut cx = Ctx { infer, shared, segment, calls, ancestors, out: Vec::new(), members, call_index, ops, receivers };
    for ((_, check), on) in CHECKS.iter().zip(enabled) {
        if *on {
            check(&mut cx);
        }
    }
    let members = if state_rule {
        let method = nodes.block_ancestors.last().copied();
        segment_members(infer, layout, seg, method).into_iter().map(|(class, m)| state_only_in_memory::member_facts(&cx, class, m)).collect()
    } else {
        Vec::new()
    };
    SegmentLints { diags: cx.out, members }
}

/// The class members whose code lies in a segment: for a method body (`method` is the node
/// around its block), that method; outside method bodies, the field definitions.
fn segment_members<'t>(infer: &'t Infer<'t>, layout: &Layout, seg: Seg, method: Option<Node<'t>>) -> Vec<(&'t crate::model::ClassInfo, Node<'t>)> {
    let root = infer.src.tree.root_node();
    let classes = &infer.src.model.classes;
    match seg {
        Seg::Body(k) => {
            let r = layout.bodies[k].range;
            let class = classes.iter().find(|c| c.name == layout.bodies[k].class && c.range.start <= r.start && r.end <= c.range.end);
            let method = method.filter(|m| m.kind_name() == "method_definition");
            class.zip(method).into_iter().collect()
        }
        Seg::Outer => {
            // From the file model, not by stepping through every member of every class body
            // (a class with a thousand methods): the fields, and the methods whose body is not
            // a segment (none, or inside another segment). Their nodes are looked up by range.
            let is_segment = |b: TextRange| layout.bodies.binary_search_by_key(&b.start, |x| x.range.start).is_ok();
            let mut out = Vec::new();
            for class in classes {
                let fields = class.fields.iter().map(|f| (f.range, "public_field_definition"));
                let methods = class
                    .methods
                    .iter()
                    .filter(|m| !class.fields.iter().any(|f| f.range == m.range) && m.body.is_none_or(|b| !is_segment(b)))
                    .map(|m| (m.range, "method_definition"));
                for (range, kind) in fields.chain(methods) {
                    if let Some(node) = node_of(root, range, kind) {
                        out.push((class, node));
                    }
                }
            }
            out.sort_by_key(|(_, n)| n.start_byte());
            out
        }
    }
}

/// The node of `kind` that spans exactly `range`.
fn node_of<'t>(root: Node<'t>, range: TextRange, kind: &str) -> Option<Node<'t>> {
    let mut n = root.descendant_for_byte_range(range.start, range.end)?;
    loop {
        if n.kind_name() == kind && n.start_byte() == range.start && n.end_byte() == range.end {
            return Some(n);
        }
        if n.start_byte() < range.start || n.end_byte() > range.end {
            return None;
        }
        n = n.parent()?;
    }
}

fn encode_member(layout: &Layout, seg: Seg, m: &state_only_in_memory::MemberFacts) -> Option<state_only_in_memory::MemberFacts> {
    let mut m = m.clone();
    for (r, _) in &mut m.changes {
        *r = layout.encode(seg, *r)?;
    }
    Some(m)
}

/// The lints of a wrangler config.
pub(crate) fn lint_config(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let levels = effective_levels(a, path);
    if rule(kv_backend_class::CODE).is_some_and(|r| levels(r) == Some(Level::Off)) {
        return Vec::new();
    }
    finish(kv_backend_class::check_config(a, path), &levels, |_| false)
}

/// Applies the chosen levels and suppressions, and sorts.
fn finish(diags: Vec<Diagnostic>, levels: &dyn Fn(&Rule) -> Option<Level>, suppressed: impl Fn(&Diagnostic) -> bool) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            // A level the user chose applies as is; otherwise the rule's own severity stands
            // (a rule may say less than its default when it is less sure).
            let chosen = levels(rule(d.code)?);
            if chosen == Some(Level::Off) || suppressed(&d) {
                return None;
            }
            if let Some(Level::On(severity)) = chosen {
                d.severity = severity;
            }
            Some(d)
        })
        .collect();
    out.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(a.code.cmp(b.code)));
    out
}

/// The level the user chose for each rule, if any: editor settings, then `dols.toml`.
fn effective_levels<'a>(a: &'a Analysis, path: &Path) -> impl Fn(&Rule) -> Option<Level> + 'a {
    let file = a.settings_for(path).map(|s| s.settings.clone());
    move |r: &Rule| {
        a.lint_overrides().get(r.code).or_else(|| file.as_ref().and_then(|s| s.lint.get(r.code))).copied()
    }
}

/// `// dols-ignore <code>…` and `// dols-ignore-file <code>…` comments of a file.
struct Suppressions {
    /// (line of the comment, codes): silences reports on the next line.
    lines: Vec<(usize, Vec<String>)>,
    file: Vec<String>,
}

impl Suppressions {
    fn read(text: &str) -> Self {
        let mut s = Suppressions { lines: Vec::new(), file: Vec::new() };
        if !text.contains("dols-ignore") {
            return s;
        }
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("//") else { continue };
            let comment = line[at + 2..].trim();
            let codes = |rest: &str| rest.split(|c: char| c == ',' || c.is_whitespace()).filter(|c| !c.is_empty()).map(str::to_string).collect::<Vec<_>>();
            if let Some(rest) = comment.strip_prefix("dols-ignore-file") {
                s.file.extend(codes(rest));
            } else if let Some(rest) = comment.strip_prefix("dols-ignore")
                && (rest.is_empty() || rest.starts_with(char::is_whitespace)) {
                    s.lines.push((i, codes(rest)));
                }
        }
        s
    }

    fn covers(&self, code: &str, line: usize) -> bool {
        self.file.iter().any(|c| c == code)
            || self.lines.iter().any(|(l, codes)| *l + 1 == line && codes.iter().any(|c| c == code))
    }
}
