//! Finding the SQL in TypeScript: the query argument of each `sql.exec(...)` call, as text
//! with an exact map from every SQL byte back to the source bytes that produced it.

use tree_sitter::Node;

use crate::syntax::NodeExt;
use crate::infer::{Infer, Ty};
use crate::segments::SegmentNodes;
use crate::syntax::node_text;
use crate::settings::SqlSettings;
use crate::text::TextRange;

/// SQL text assembled from source pieces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SqlText {
    pub text: String,
    /// Where each byte of `text` came from, as runs (an escape such as `\n` spans two source
    /// bytes; a `${CONST}` substitution spans the whole substitution). Most SQL is copied byte
    /// for byte from one literal: one run, not a pair of offsets per byte.
    runs: Vec<SpanRun>,
    /// While remembered for a segment: the piece of the file its source offsets count from.
    pub(crate) piece: Option<u32>,
}

/// The source of the bytes of [`SqlText::text`] from `at` to the next run's `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SpanRun {
    at: u32,
    src: u32,
    end: u32,
    /// Byte `at + k` came from source byte `src + k` alone; otherwise every byte of the run
    /// came from `src..end`.
    direct: bool,
}

impl SqlText {
    /// Text copied from the source byte for byte, starting at source offset `src`.
    pub(crate) fn direct(text: &str, src: u32) -> SqlText {
        let mut out = SqlText::default();
        out.push_direct(text, src);
        out
    }

    /// Text every byte of which came from the source range `span`.
    pub(crate) fn spread(text: String, span: (u32, u32)) -> SqlText {
        let mut out = SqlText::default();
        out.push_str(&text, span);
        out
    }

    pub(crate) fn push_str(&mut self, s: &str, span: (u32, u32)) {
        if s.is_empty() {
            return;
        }
        let at = self.text.len() as u32;
        if !self.runs.last().is_some_and(|r| !r.direct && (r.src, r.end) == span) {
            self.runs.push(SpanRun { at, src: span.0, end: span.1, direct: false });
        }
        self.text.push_str(s);
    }

    /// Appends source text copied as it is, from source offset `src`.
    fn push_direct(&mut self, s: &str, src: u32) {
        if s.is_empty() {
            return;
        }
        let at = self.text.len() as u32;
        let end = src + s.len() as u32;
        match self.runs.last_mut() {
            Some(r) if r.direct && r.end == src && r.at + (r.end - r.src) == at => r.end = end,
            _ => self.runs.push(SpanRun { at, src, end, direct: true }),
        }
        self.text.push_str(s);
    }

    fn push_char(&mut self, c: char, span: (u32, u32)) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf), span);
    }

    fn append(&mut self, other: &SqlText) {
        for (k, r) in other.runs.iter().enumerate() {
            let len = other.runs.get(k + 1).map_or(other.text.len() as u32, |n| n.at) - r.at;
            let piece = &other.text[r.at as usize..(r.at + len) as usize];
            if r.direct {
                self.push_direct(piece, r.src);
            } else {
                self.push_str(piece, (r.src, r.end));
            }
        }
    }

    /// The source range of SQL byte `i` (for `i` past the end, the last byte's).
    pub fn span(&self, i: usize) -> (u32, u32) {
        let i = i.min(self.text.len().saturating_sub(1)) as u32;
        let Some(k) = self.runs.partition_point(|r| r.at <= i).checked_sub(1) else { return (0, 0) };
        let r = self.runs[k];
        if r.direct {
            let s = r.src + (i - r.at);
            (s, s + 1)
        } else {
            (r.src, r.end)
        }
    }

    /// The source range of each SQL byte, in order.
    pub fn spans(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        (0..self.text.len()).map(|i| self.span(i))
    }

    /// The smallest and largest source offsets the text came from.
    pub(crate) fn source_bounds(&self) -> Option<(u32, u32)> {
        let lo = self.runs.iter().map(|r| r.src).min()?;
        let hi = self.runs.iter().map(|r| r.end).max()?;
        Some((lo, hi))
    }

    /// Moves every source offset by `delta`.
    pub(crate) fn shift(&mut self, delta: i64) {
        for r in &mut self.runs {
            r.src = (r.src as i64 + delta) as u32;
            r.end = (r.end as i64 + delta) as u32;
        }
    }

    /// The source range of SQL bytes `[start, end)`.
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        if self.text.is_empty() {
            return TextRange::empty(0);
        }
        let s = start.min(self.text.len() - 1);
        let e = end.clamp(s + 1, self.text.len()) - 1;
        let (a, _) = self.span(s);
        let (_, b) = self.span(e);
        TextRange::new(a as usize, (b as usize).max(a as usize))
    }
}

/// What is known of a query argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Query {
    /// The whole text is known.
    Known(SqlText),
    /// Some text is known, but part of it is computed at run time; `prefix` is the known text
    /// before the first unknown part.
    Partial { prefix: String },
    /// Nothing is known (a parameter, a call, a variable).
    Unknown,
}

/// One `exec` call on a SqlStorage receiver.
#[derive(Clone, Debug)]
pub(crate) struct ExecSite {
    /// The `exec` call expression.
    pub call: TextRange,
    pub query: Query,
    /// The range of the query argument.
    pub arg: TextRange,
    /// Number of binding arguments, or `None` when a spread makes it unknown.
    pub bindings: Option<usize>,
    /// The class whose body holds the call, by name; `None` at module level.
    pub class: Option<String>,
    /// The call sits in a `try` block, where failures are handled by the code.
    pub in_try: bool,
    /// The call sits in a `try` whose `catch` is empty: failing is an expected outcome.
    pub failure_swallowed: bool,
    /// The call is written to fail: inside `expect(...)` (`toThrow`, `rejects`) or
    /// `assert.throws(...)`/`assert.rejects(...)`.
    pub expects_failure: bool,
    /// The query is a parameter of a private helper (`#query(sql, ...params)`) whose calls in
    /// this file are checked as sites of their own.
    pub wrapper: bool,
    /// The only binding is an array literal (`exec(q, [a, b])`): one value, not a list.
    pub array_binding: bool,
    /// `await sql.exec(…)`: the range of the `await` keyword.
    pub awaited: Option<TextRange>,
    /// A binding tag (`this.sql`…``): each `${}` is a `?` of the text.
    pub tagged: bool,
    /// The row type written at the call (`exec<Row>(…)`), when it can be read.
    pub row: Option<super::rows::RowType>,
    /// Where a row type can be added (right after `exec` or the tag), when the call has none
    /// and takes one.
    pub row_slot: Option<TextRange>,
    /// What was found while reading the call (spliced values), with this file's ranges.
    pub notes: Vec<crate::diagnostics::Diagnostic>,
}

/// A function or method that runs its parameter `index` as a query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Wrapper {
    pub(crate) name: String,
    class: Option<String>,
    index: usize,
    /// `exec(q, ...rest)` with the wrapper's own rest parameter: bindings can be counted.
    rest: bool,
}

/// The `exec` calls of one segment of the file whose receiver is a recognised SqlStorage, and
/// the wrappers (functions that pass a parameter to `exec`) defined there.
pub(crate) fn segment_sites<'t>(infer: &Infer<'t>, nodes: &SegmentNodes<'t>, cfg: &SqlSettings) -> (Vec<ExecSite>, Vec<Wrapper>) {
    let text = infer.text();
    let mut out = Vec::new();
    let mut wrappers = Vec::new();
    // Tagged templates read as comparisons (`tag<T>\`…\``).
    for n in &nodes.binary_templates {
        if let Some(t) = super::tags::tagged(*n)
            && let Some(site) = tag_site(infer, &t, cfg)
        {
            out.push(site);
        }
    }
    let body = nodes.block.map(|b| BodyContext::new(infer, b, &nodes.block_ancestors));
    for (n, chain) in nodes.calls.iter().zip(&nodes.ancestors) {
        infer.with_anchor(*n, chain, || call_sites(infer, *n, chain, text, cfg, body.as_ref(), &mut out, &mut wrappers));
    }
    (out, wrappers)
}

/// What the calls of one method body share, worked out once per body instead of once per
/// call from its ancestors: the class of the method, and whether the body's text can hold a
/// `try`, a class of its own, or a call that expects a failure at all (nearly every body holds
/// none of them).
pub(crate) struct BodyContext<'t> {
    block: Node<'t>,
    /// Where the block sits among a call's ancestors.
    depth: usize,
    class: Option<String>,
    has_try: bool,
    has_class: bool,
    may_expect: bool,
}

impl<'t> BodyContext<'t> {
    fn new(infer: &Infer<'t>, block: Node<'t>, block_ancestors: &[Node<'t>]) -> Self {
        use crate::text::word_finder;
        let text = infer.text()[block.byte_range()].as_bytes();
        let expects = [word_finder!(EXPECT_WORDS[0].as_bytes()), word_finder!(EXPECT_WORDS[1].as_bytes()), word_finder!(EXPECT_WORDS[2].as_bytes())];
        BodyContext {
            block,
            depth: block_ancestors.len(),
            class: infer.enclosing_class_in(block_ancestors).map(|k| k.name),
            has_try: word_finder!(b"try").find(text).is_some(),
            has_class: word_finder!(b"class").find(text).is_some(),
            // A call around the body itself (a class expression passed to a function) is left
            // to the full reading.
            may_expect: expects.iter().any(|f| f.find(text).is_some()) || block_ancestors.iter().any(|n| n.kind_name() == "call_expression"),
        }
    }

    /// Whether a call with these ancestors lies in this body.
    fn holds(&self, chain: &[Node<'_>]) -> bool {
        chain.get(self.depth).is_some_and(|n| n.id() == self.block.id())
    }
}

/// The sites of one call (`exec`, a tag, a configured wrapper), and the wrapper it makes.
#[allow(clippy::too_many_arguments)]
fn call_sites<'t>(infer: &Infer<'t>, n: Node<'t>, chain: &[Node<'t>], text: &str, cfg: &SqlSettings, body: Option<&BodyContext<'t>>, out: &mut Vec<ExecSite>, wrappers: &mut Vec<Wrapper>) {
    {
        // A tagged template call ends with its template's backquote (read from the text: the
        // call's fields are found by stepping through its children).
        if text.as_bytes().get(n.end_byte().wrapping_sub(1)) == Some(&b'`')
            && let Some(t) = super::tags::tagged(n)
        {
            if let Some(site) = tag_site(infer, &t, cfg) {
                out.push(site);
            }
            return;
        }
        if !cfg.wrappers.is_empty()
            && let Some(site) = configured_wrapper_call(infer, n, text, cfg)
        {
            out.push(site);
            return;
        }
        if let Some(mut sites) = exec_site_in(infer, n, chain, body) {
            if let [site] = sites.as_mut_slice()
                && site.query == Query::Unknown
            {
                if let Some((w, hidden)) = wrapper_of(n, text) {
                    site.wrapper = hidden;
                    wrappers.push(Wrapper { class: site.class.clone(), ..w });
                } else if super::tags::inside_binding_tag(n, text) {
                    // A tag's own `exec(strings.join("?"), ...values)`: its templates are
                    // sites of their own.
                    site.wrapper = true;
                }
            }
            out.extend(sites);
        }
    }
}

/// The calls of one segment to the file's wrappers, as sites of their own.
pub(crate) fn segment_wrapper_calls<'t>(infer: &Infer<'t>, nodes: &SegmentNodes<'t>, wrappers: &[Wrapper]) -> Vec<ExecSite> {
    let text = infer.text();
    nodes.calls.iter().zip(&nodes.ancestors).filter_map(|(n, chain)| infer.with_anchor(*n, chain, || wrapper_call(infer, wrappers, *n, chain, text))).collect()
}

/// When `exec`'s query argument is a parameter of the enclosing function: that function as a
/// wrapper, and whether it is private to this file (so that every call to it is in view).
fn pattern_of(p: Node<'_>) -> Option<Node<'_>> {
    p.field("pattern")
}

fn wrapper_of(exec_call: Node<'_>, text: &str) -> Option<(Wrapper, bool)> {
    let args = exec_call.field("arguments")?;
    let mut c = args.walk();
    let list: Vec<Node<'_>> = args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
    let first = *list.first()?;
    if first.kind_name() != "identifier" {
        return None;
    }
    let name = node_text(first, text);
    let mut func = exec_call.parent()?;
    while !matches!(func.kind_name(), "method_definition" | "function_declaration" | "arrow_function" | "function_expression") {
        func = func.parent()?;
    }
    let params = func.field("parameters")?;
    let mut c = params.walk();
    let plist: Vec<Node<'_>> = params.named_children(&mut c).filter(|p| matches!(p.kind_name(), "required_parameter" | "optional_parameter")).collect();
    let index = plist.iter().position(|p| pattern_of(*p).is_some_and(|x| x.kind_name() == "identifier" && node_text(x, text) == name))?;
    // `exec(q, ...rest)` where `rest` is the wrapper's rest parameter right after `q`.
    let rest = match (&list[1..], plist.get(index + 1).and_then(|p| pattern_of(*p))) {
        ([spread], Some(rp)) if spread.kind_name() == "spread_element" && rp.kind_name() == "rest_pattern" && plist.len() == index + 2 => {
            let inner = spread.named_child(0).map(|n| node_text(n, text));
            let rest_name = rp.named_child(0).map(|n| node_text(n, text));
            inner.is_some() && inner == rest_name
        }
        _ => false,
    };
    let (fname, hidden) = match func.kind_name() {
        "method_definition" => {
            let n = func.field("name")?;
            let private = n.kind_name() == "private_property_identifier"
                || crate::model::first_named_child_of_kind(func, "accessibility_modifier")
                    .is_some_and(|a| matches!(node_text(a, text), "private" | "protected"));
            (node_text(n, text).to_string(), private)
        }
        "function_declaration" => {
            let n = func.field("name")?;
            (node_text(n, text).to_string(), func.parent().is_some_and(|p| p.kind_name() == "program"))
        }
        _ => {
            let holder = func.parent()?;
            match holder.kind_name() {
                "public_field_definition" => {
                    let n = holder.field("name")?;
                    let private = n.kind_name() == "private_property_identifier"
                        || crate::model::first_named_child_of_kind(holder, "accessibility_modifier")
                            .is_some_and(|a| matches!(node_text(a, text), "private" | "protected"));
                    (node_text(n, text).to_string(), private)
                }
                "variable_declarator" => {
                    let n = holder.field("name").filter(|n| n.kind_name() == "identifier")?;
                    let top = holder.parent().and_then(|d| d.parent()).is_some_and(|p| p.kind_name() == "program");
                    (node_text(n, text).to_string(), top)
                }
                _ => return None,
            }
        }
    };
    Some((Wrapper { name: fname, class: None, index, rest }, hidden))
}

/// A call of a wrapper (`this.#query("SELECT …", id)`, `run(sql, "SELECT …")`) as a site.
fn wrapper_call(infer: &Infer<'_>, wrappers: &[Wrapper], call: Node<'_>, chain: &[Node<'_>], text: &str) -> Option<ExecSite> {
    let callee = call.field("function")?;
    let class = infer.this_class_or_enclosing(call).map(|k| k.name);
    let w = match callee.kind_name() {
        "member_expression" => {
            if callee.field("object")?.kind_name() != "this" {
                return None;
            }
            let name = node_text(callee.field("property")?, text);
            wrappers.iter().find(|w| w.name == name && w.class.is_some() && w.class == class)?
        }
        "identifier" => {
            let name = node_text(callee, text);
            wrappers.iter().find(|w| w.name == name && w.class.is_none())?
        }
        _ => return None,
    };
    let args = call.field("arguments")?;
    let mut c = args.walk();
    let list: Vec<Node<'_>> = args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
    if list[..list.len().min(w.index + 1)].iter().any(|n| n.kind_name() == "spread_element") {
        return None;
    }
    let arg = *list.get(w.index)?;
    let rest = &list[w.index + 1..];
    let bindings = (w.rest && !rest.iter().any(|n| n.kind_name() == "spread_element")).then_some(rest.len());
    let (in_try, failure_swallowed) = try_context(chain, call);
    let notes = if w.rest { super::inject::spliced_values(infer, arg, &list, w.index) } else { Vec::new() };
    Some(ExecSite {
        call: crate::syntax::node_range(call),
        query: query_of(arg, text, 0),
        arg: crate::syntax::node_range(arg),
        bindings,
        class,
        in_try,
        failure_swallowed,
        expects_failure: expects_failure(chain, text),
        wrapper: false,
        array_binding: rest.len() == 1 && rest[0].kind_name() == "array",
        awaited: None,
        tagged: false,
        row: None,
        row_slot: None,
        notes,
    })
}

/// A call of a wrapper named in the settings (`this.query(sql, ...bindings)`): the query
/// first, then its bindings.
fn configured_wrapper_call(infer: &Infer<'_>, call: Node<'_>, text: &str, cfg: &SqlSettings) -> Option<ExecSite> {
    let callee = call.field("function")?;
    if !matches!(callee.kind_name(), "identifier" | "member_expression") {
        return None;
    }
    let written = crate::settings::compact(node_text(callee, text));
    if !cfg.wrappers.contains(&written) {
        return None;
    }
    let args = call.field("arguments").filter(|a| a.kind_name() == "arguments")?;
    let mut c = args.walk();
    let list: Vec<Node<'_>> = args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
    let first = *list.first().filter(|f| f.kind_name() != "spread_element")?;
    let rest = &list[1..];
    let chain = crate::syntax::ancestors(infer.src.tree.root_node(), call);
    let (in_try, failure_swallowed) = try_context(&chain, call);
    Some(ExecSite {
        call: crate::syntax::node_range(call),
        query: query_of(first, text, 0),
        arg: crate::syntax::node_range(first),
        bindings: (!rest.iter().any(|n| n.kind_name() == "spread_element")).then_some(rest.len()),
        class: infer.enclosing_class_in(&chain).map(|k| k.name),
        in_try,
        failure_swallowed,
        expects_failure: expects_failure(&chain, text),
        wrapper: false,
        array_binding: rest.len() == 1 && rest[0].kind_name() == "array",
        awaited: None,
        tagged: false,
        row: call.field("type_arguments").and_then(|t| super::rows::row_type_of_args(infer, t)),
        row_slot: None,
        notes: super::inject::spliced_values(infer, first, &list, 0),
    })
}

/// A tagged template whose tag binds its substitutions (see `tags`), as a site.
fn tag_site(infer: &Infer<'_>, t: &super::tags::Tagged<'_>, cfg: &SqlSettings) -> Option<ExecSite> {
    let text = infer.text();
    let chain = crate::syntax::ancestors(infer.src.tree.root_node(), t.whole);
    let class = infer.enclosing_class_in(&chain);
    if !super::tags::is_binding_tag(infer, t, class.as_ref(), &cfg.tags) {
        return None;
    }
    let class_key = class.clone();
    let (query, subs) = super::tags::tagged_query(t.template, text);
    let (in_try, failure_swallowed) = try_context(&chain, t.whole);
    Some(ExecSite {
        call: crate::syntax::node_range(t.whole),
        query,
        arg: crate::syntax::node_range(t.template),
        bindings: Some(subs),
        class: class.map(|k| k.name),
        in_try,
        failure_swallowed,
        expects_failure: expects_failure(&chain, text),
        wrapper: false,
        array_binding: false,
        awaited: None,
        tagged: true,
        row: t.type_arg.and_then(|a| super::rows::row_type(infer, a)),
        row_slot: (t.type_arg.is_none() && super::tags::is_agent_sql(infer, t, class_key.as_ref())).then(|| TextRange::empty(t.tag.end_byte())),
        notes: Vec::new(),
    })
}

/// The sites of one call, if it is an `exec` on a recognised SqlStorage (several for
/// `for (const q of QUERIES) sql.exec(q)`).
pub(crate) fn exec_site<'t>(infer: &Infer<'t>, call: Node<'t>) -> Option<Vec<ExecSite>> {
    // One walk down to the call: climbing with `parent()` searches from the root each time.
    let chain = crate::syntax::ancestors(infer.src.tree.root_node(), call);
    exec_site_in(infer, call, &chain, None)
}

/// [`exec_site`] with the call's ancestors (outermost first) already at hand.
fn exec_site_in<'t>(infer: &Infer<'t>, call: Node<'t>, chain: &[Node<'t>], body: Option<&BodyContext<'t>>) -> Option<Vec<ExecSite>> {
    let text = infer.text();
    // `….toArray()`, `….one()`: a call that ends with an empty argument list takes no query
    // (most calls around an `exec` are of its cursor).
    if text.as_bytes()[..call.end_byte()].ends_with(b"()") {
        return None;
    }
    // Most calls that reach here only name `exec` somewhere inside: read the method from the
    // text before any field of the call.
    let (object, method) = crate::syntax::member_call(call, text)?;
    if method != "exec" {
        return None;
    }
    if !matches!(infer.type_of(object), Some(Ty::Api(name)) if name == "SqlStorage") {
        return None;
    }
    let args = call.field("arguments")?;
    // The usual call, `exec("…")` or `exec("…", a)`, is told from its first argument and the
    // count of arguments: listing the children steps through the commas too, at a few hundred
    // instructions a step. A comment or a spread in the list, a first argument that may
    // splice values (a template, a name), or more bindings take the whole list.
    let written = text[args.byte_range()].as_bytes();
    let plain = memchr::memchr(b'/', written).is_none() && !memchr::memchr_iter(b'.', written).any(|i| written[i..].starts_with(b"..."));
    let quick = if plain { args.named_child(0).filter(|f| f.kind_name() == "string") } else { None };
    let list: Vec<Node<'_>> = match (quick, args.named_child_count()) {
        (Some(first), 1) => vec![first],
        (Some(first), 2) => vec![first, args.named_child(1)?],
        _ => {
            let mut c = args.walk();
            args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect()
        }
    };
    let first = *list.first()?;
    let mut query = if first.kind_name() == "spread_element" { Query::Unknown } else { query_of(first, text, 0) };
    if query == Query::Unknown {
        query = imported_query(infer, first).unwrap_or(Query::Unknown);
    }
    let rest = &list[1..];
    let bindings = (!rest.iter().any(|n| n.kind_name() == "spread_element") && first.kind_name() != "spread_element").then_some(rest.len());
    let body = body.filter(|b| b.holds(chain));
    let (in_try, failure_swallowed) = if body.is_some_and(|b| !b.has_try) { (false, false) } else { try_context(chain, call) };
    let type_args = call.field("type_arguments");
    let site = ExecSite {
        call: crate::syntax::node_range(call),
        query,
        arg: crate::syntax::node_range(first),
        bindings,
        class: match body {
            Some(b) if !b.has_class => b.class.clone(),
            _ => infer.enclosing_class_in(chain).map(|k| k.name),
        },
        in_try,
        failure_swallowed,
        expects_failure: body.is_none_or(|b| b.may_expect) && expects_failure(chain, text),
        wrapper: false,
        array_binding: rest.len() == 1 && rest[0].kind_name() == "array",
        awaited: awaited(chain),
        tagged: false,
        row: type_args.and_then(|t| super::rows::row_type_of_args(infer, t)),
        // Right after the method's name: where `<T>` goes.
        row_slot: type_args.is_none().then(|| TextRange::empty(object.end_byte() + text[object.end_byte()..].find(method).unwrap_or(0) + method.len())),
        notes: if first.kind_name() == "spread_element" { Vec::new() } else { super::inject::spliced_values(infer, first, &list, 0) },
    };
    if site.query == Query::Unknown {
        // `for (const m of MIGRATIONS) sql.exec(m)`: one site per element of the array.
        if let Some(elements) = loop_elements(first, text) {
            return Some(
                elements
                    .into_iter()
                    .map(|(query, arg)| ExecSite { query, arg, bindings: None, row: None, row_slot: None, notes: Vec::new(), ..site.clone() })
                    .collect(),
            );
        }
    }
    Some(vec![site])
}

/// A query constant imported from another module of the project: `exec(SCHEMA)` or
/// `exec(Q.byId)` with `import { SCHEMA, Q } from "./sql"`. Its text is checked; every
/// position in it maps to the argument here (the other module is not this file).
fn imported_query(infer: &Infer<'_>, arg: Node<'_>) -> Option<Query> {
    let text = infer.text();
    let (local, field) = match arg.kind_name() {
        "identifier" => (node_text(arg, text), None),
        "member_expression" => {
            let obj = arg.field("object").filter(|o| o.kind_name() == "identifier")?;
            let prop = arg.field("property").filter(|p| p.kind_name() == "property_identifier")?;
            (node_text(obj, text), Some(node_text(prop, text)))
        }
        _ => return None,
    };
    // A local binding of the same name shadows the import.
    if arg.kind_name() == "identifier" && const_value(arg, text).is_some() {
        return None;
    }
    let import = infer.src.model.imports.iter().find(|i| i.local == local && i.imported != "*" && i.imported != "default")?;
    let target = crate::project::resolve_module(&infer.a.files, infer.path, &import.source)?;
    let src = infer.a.source(&target)?;
    let ttext: &str = &src.text;
    let root = src.tree.root_node();
    // `export const NAME = …` or a top-level `const NAME = …` exported by name.
    let exported = src.model.exports.iter().find(|e| e.exported == import.imported && e.source.is_none())?;
    let name = exported.local.as_deref()?;
    let mut c = root.walk();
    let mut value = None;
    for stmt in root.named_children(&mut c) {
        let decl = if stmt.kind_name() == "export_statement" { stmt.field("declaration") } else { Some(stmt) };
        let Some(decl) = decl.filter(|d| d.kind_name() == "lexical_declaration" && crate::model::has_child_token(*d, "const")) else { continue };
        let mut c2 = decl.walk();
        for d in decl.named_children(&mut c2).filter(|d| d.kind_name() == "variable_declarator") {
            if d.field("name").is_some_and(|n| n.kind_name() == "identifier" && node_text(n, ttext) == name) {
                value = d.field("value");
            }
        }
    }
    let mut value = value?;
    if let Some(f) = field {
        while matches!(value.kind_name(), "as_expression" | "satisfies_expression" | "parenthesized_expression") {
            value = value.named_child(0)?;
        }
        if value.kind_name() != "object" {
            return None;
        }
        let mut c = value.walk();
        let pair = value.named_children(&mut c).find(|p| {
            p.kind_name() == "pair" && p.field("key").is_some_and(|k| node_text(k, ttext).trim_matches(['"', '\'']) == f)
        })?;
        value = pair.field("value")?;
    }
    match query_of(value, ttext, 1) {
        Query::Known(sql) => {
            let span = (arg.start_byte() as u32, arg.end_byte() as u32);
            Some(Query::Known(SqlText::spread(sql.text, span)))
        }
        other => Some(other),
    }
}

/// The queries a loop variable takes: `m` in `for (const m of ARRAY)` or
/// `ARRAY.forEach((m) => …)`, or `m.sql` when the elements are objects. Each with the source
/// range of its element.
fn loop_elements(arg: Node<'_>, text: &str) -> Option<Vec<(Query, TextRange)>> {
    let (name, field) = match arg.kind_name() {
        "identifier" => (node_text(arg, text), None),
        "member_expression" => {
            let obj = arg.field("object").filter(|o| o.kind_name() == "identifier")?;
            (node_text(obj, text), Some(node_text(arg.field("property")?, text)))
        }
        _ => return None,
    };
    let mut cur = arg;
    let mut array = None;
    while let Some(p) = cur.parent() {
        match p.kind_name() {
            "for_in_statement" if crate::model::has_child_token(p, "of") => {
                let left = p.field("left")?;
                if left.kind_name() == "identifier" && node_text(left, text) == name {
                    array = p.field("right");
                    break;
                }
            }
            "arrow_function" | "function_expression" => {
                let param = p.field("parameter").or_else(|| {
                    let params = p.field("parameters")?;
                    let first = params.named_child(0)?;
                    first.field("pattern")
                });
                if param.is_some_and(|x| node_text(x, text) == name) {
                    let call = p.parent().filter(|a| a.kind_name() == "arguments")?.parent()?;
                    let callee = call.field("function").filter(|f| f.kind_name() == "member_expression")?;
                    if node_text(callee.field("property")?, text) != "forEach" {
                        return None;
                    }
                    array = callee.field("object");
                    break;
                }
                // A callback inside the loop body (`transactionSync(() => …)`): keep looking.
            }
            "function_declaration" | "method_definition" | "class_body" | "program" => return None,
            _ => {}
        }
        cur = p;
    }
    let mut array = array?;
    for _ in 0..4 {
        match array.kind_name() {
            "identifier" => array = const_value(array, text)?,
            "as_expression" | "satisfies_expression" | "parenthesized_expression" => array = array.named_child(0)?,
            _ => break,
        }
    }
    if array.kind_name() != "array" {
        return None;
    }
    let mut c = array.walk();
    let elements: Vec<Node<'_>> = array.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
    let mut out = Vec::new();
    for el in elements {
        let value = match field {
            None => Some(el),
            Some(f) if el.kind_name() == "object" => {
                let mut c2 = el.walk();
                let pair = el.named_children(&mut c2).find(|p| {
                    p.kind_name() == "pair" && p.field("key").is_some_and(|k| node_text(k, text).trim_matches(['"', '\'']) == f)
                });
                pair.and_then(|p| p.field("value"))
            }
            Some(_) => None,
        };
        let query = value.map_or(Query::Unknown, |v| query_of(v, text, 0));
        out.push((query, crate::syntax::node_range(value.unwrap_or(el))));
    }
    Some(out)
}

/// The `await` keyword directly applied to `call` (through parentheses), if any.
fn awaited(ancestors: &[Node<'_>]) -> Option<TextRange> {
    let cur = *ancestors.iter().rev().find(|n| n.kind_name() != "parenthesized_expression")?;
    if cur.kind_name() != "await_expression" {
        return None;
    }
    let mut c = cur.walk();
    let kw = cur.children(&mut c).find(|n| n.kind_name() == "await")?;
    Some(crate::syntax::node_range(kw))
}

/// Parts of the names of the calls that expect a failure (`expect`, `throws`, `assertThrows`,
/// `rejects`, `assertRejects`).
const EXPECT_WORDS: [&str; 3] = ["expect", "hrows", "ejects"];

/// Whether a call with these ancestors (outermost first) is written to fail: inside
/// `expect(…)`, `assert.throws(…)` and the like.
fn expects_failure(ancestors: &[Node<'_>], text: &str) -> bool {
    // Every call around this one lies in the outermost: when its text names none of the
    // functions, no callee needs reading (nearly every site).
    let Some(outer) = ancestors.iter().find(|p| p.kind_name() == "call_expression") else { return false };
    let outer = node_text(*outer, text);
    if !EXPECT_WORDS.iter().any(|w| outer.contains(w)) {
        return false;
    }
    ancestors.iter().rev().any(|p| {
        p.kind_name() == "call_expression"
            && p.field("function").is_some_and(|callee| {
                let name = match callee.kind_name() {
                    "identifier" => node_text(callee, text),
                    "member_expression" => callee.field("property").map_or("", |n| node_text(n, text)),
                    _ => "",
                };
                matches!(name, "expect" | "throws" | "rejects" | "assertThrows" | "assertRejects")
            })
    })
}

/// Whether `node` sits in the body of a `try` (callbacks included), and whether one such
/// `try` swallows failures (an empty `catch`, as feature-detection code writes it).
fn try_context(ancestors: &[Node<'_>], node: Node<'_>) -> (bool, bool) {
    let (mut in_try, mut swallowed) = (false, false);
    let mut cur = node;
    for p in ancestors.iter().rev().copied() {
        match p.kind_name() {
            "try_statement"
                if p.field("body").is_some_and(|b| b.id() == cur.id()) => {
                    in_try = true;
                    let handler = p.field("handler").and_then(|h| h.field("body"));
                    if handler.is_some_and(|b| {
                        let mut c = b.walk();
                        b.named_children(&mut c).all(|n| n.kind_name() == "comment")
                    }) {
                        swallowed = true;
                    }
                }
            "function_declaration" | "function_expression" | "method_definition" | "class_body" => break,
            _ => {}
        }
        cur = p;
    }
    (in_try, swallowed)
}

const MAX_DEPTH: usize = 16;

/// What is known of a string-valued expression.
pub(crate) fn query_of(node: Node<'_>, text: &str, depth: usize) -> Query {
    if depth > MAX_DEPTH {
        return Query::Unknown;
    }
    match node.kind_name() {
        "string" => match string_literal(node, text) {
            Some(s) => Query::Known(s),
            None => Query::Unknown,
        },
        "template_string" => template(node, text, depth),
        "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression" => {
            node.named_child(0).map_or(Query::Unknown, |n| query_of(n, text, depth + 1))
        }
        "binary_expression" => {
            let op = node.field("operator").map(|o| node_text(o, text));
            let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
                return Query::Unknown;
            };
            if op != Some("+") {
                return Query::Unknown;
            }
            concat(query_of(l, text, depth + 1), query_of(r, text, depth + 1))
        }
        "identifier" => match const_value(node, text) {
            Some(v) => query_of(v, text, depth + 1),
            None => Query::Unknown,
        },
        // `QUERIES.byId` where `const QUERIES = { byId: "SELECT …" }` (`as const` too).
        "member_expression" => {
            let (Some(obj), Some(prop)) = (node.field("object"), node.field("property")) else {
                return Query::Unknown;
            };
            if obj.kind_name() != "identifier" || prop.kind_name() != "property_identifier" {
                return Query::Unknown;
            }
            let Some(mut value) = const_value(obj, text) else { return Query::Unknown };
            while matches!(value.kind_name(), "as_expression" | "satisfies_expression" | "parenthesized_expression") {
                let Some(inner) = value.named_child(0) else { return Query::Unknown };
                value = inner;
            }
            if value.kind_name() != "object" {
                return Query::Unknown;
            }
            let name = node_text(prop, text);
            let mut c = value.walk();
            let pair = value.named_children(&mut c).find(|p| {
                p.kind_name() == "pair" && p.field("key").is_some_and(|k| node_text(k, text).trim_matches(['"', '\'']) == name)
            });
            match pair.and_then(|p| p.field("value")) {
                Some(v) => query_of(v, text, depth + 1),
                None => Query::Unknown,
            }
        }
        _ => Query::Unknown,
    }
}

fn concat(a: Query, b: Query) -> Query {
    match (a, b) {
        (Query::Known(mut x), Query::Known(y)) => {
            x.append(&y);
            Query::Known(x)
        }
        (Query::Known(x), Query::Partial { prefix }) => Query::Partial { prefix: x.text + &prefix },
        (Query::Known(x), Query::Unknown) => Query::Partial { prefix: x.text },
        (Query::Partial { prefix }, _) => Query::Partial { prefix },
        (Query::Unknown, _) => Query::Unknown,
    }
}

/// A `'…'` or `"…"` literal, escapes decoded.
fn string_literal(node: Node<'_>, text: &str) -> Option<SqlText> {
    let (start, end) = (node.start_byte(), node.end_byte());
    if end < start + 2 {
        return None;
    }
    let mut out = SqlText::default();
    decode(text, start + 1, end - 1, false, &mut out)?;
    Some(out)
}

fn template(node: Node<'_>, text: &str, depth: usize) -> Query {
    let (start, end) = (node.start_byte(), node.end_byte());
    if end < start + 2 {
        return Query::Unknown;
    }
    let mut out = SqlText::default();
    let mut pos = start + 1;
    let mut c = node.walk();
    let subs: Vec<Node<'_>> = node.named_children(&mut c).filter(|n| n.kind_name() == "template_substitution").collect();
    for sub in subs {
        if decode(text, pos, sub.start_byte(), true, &mut out).is_none() {
            return Query::Unknown;
        }
        let span = (sub.start_byte() as u32, sub.end_byte() as u32);
        let value = substitution_value(sub, text, depth);
        match value {
            Some(v) => out.push_str(&v, span),
            None => return Query::Partial { prefix: out.text },
        }
        pos = sub.end_byte();
    }
    if decode(text, pos, end - 1, true, &mut out).is_none() {
        return Query::Unknown;
    }
    Query::Known(out)
}

/// The text a `${…}` substitution splices in, when it is a string or integer constant.
fn substitution_value(sub: Node<'_>, text: &str, depth: usize) -> Option<String> {
    sub.named_child(0).and_then(|e| match e.kind_name() {
        "identifier" => {
            let v = const_value(e, text)?;
            // Only plain literals are spliced: the name of a table, a column list, a
            // page size.
            if v.kind_name() == "number" {
                return integer_text(node_text(v, text));
            }
            match query_of(v, text, depth + 1) {
                Query::Known(s) => Some(s.text),
                _ => None,
            }
        }
        "number" => integer_text(node_text(e, text)),
        _ => None,
    })
}

/// A template literal's text for reading the statement around a cursor: known
/// substitutions spliced in, each unknown one replaced by the name `_` (so that the
/// statement still reads as one). For the IDE only, never for checking.
pub(crate) fn template_with_holes(node: Node<'_>, text: &str) -> Option<SqlText> {
    if node.kind_name() != "template_string" {
        return None;
    }
    let (start, end) = (node.start_byte(), node.end_byte());
    let mut out = SqlText::default();
    let mut pos = start + 1;
    let mut c = node.walk();
    let subs: Vec<Node<'_>> = node.named_children(&mut c).filter(|n| n.kind_name() == "template_substitution").collect();
    for sub in subs {
        decode(text, pos, sub.start_byte(), true, &mut out)?;
        let span = (sub.start_byte() as u32, sub.end_byte() as u32);
        let value = substitution_value(sub, text, 0).unwrap_or_else(|| "_".to_string());
        out.push_str(&value, span);
        pos = sub.end_byte();
    }
    decode(text, pos, end.checked_sub(1)?, true, &mut out)?;
    Some(out)
}

/// A decimal integer literal as JavaScript prints it (`1_000` → `1000`); other numbers are
/// left alone.
fn integer_text(literal: &str) -> Option<String> {
    let digits: String = literal.chars().filter(|c| *c != '_').collect();
    let ok = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'));
    (ok && digits.len() <= 15).then_some(digits)
}

/// Decodes the source of a template's literal part `text[from..to]` (see [`decode`]).
pub(crate) fn decode_span(text: &str, from: usize, to: usize, out: &mut SqlText) -> Option<()> {
    decode(text, from, to, true, out)
}

/// Decodes the literal source `text[from..to]` (JavaScript escapes; in templates a CRLF
/// becomes LF), appending to `out`. `None` on a malformed escape.
fn decode(text: &str, from: usize, to: usize, template: bool, out: &mut SqlText) -> Option<()> {
    let b = text.as_bytes();
    let mut i = from;
    out.text.reserve(to.saturating_sub(from));
    while i < to {
        let c = b[i];
        // A run of plain ASCII (nearly all SQL) is copied at once, each byte its own span.
        if c.is_ascii() && c != b'\\' && c != b'\r' {
            let run = b[i..to].iter().position(|&x| !x.is_ascii() || x == b'\\' || x == b'\r').map_or(to, |k| i + k);
            out.push_direct(&text[i..run], i as u32);
            i = run;
            continue;
        }
        if c == b'\\' {
            let e = *b.get(i + 1)?;
            let (ch, end): (Option<char>, usize) = match e {
                b'n' => (Some('\n'), i + 2),
                b't' => (Some('\t'), i + 2),
                b'r' => (Some('\r'), i + 2),
                b'b' => (Some('\u{8}'), i + 2),
                b'f' => (Some('\u{c}'), i + 2),
                b'v' => (Some('\u{b}'), i + 2),
                b'0' if !b.get(i + 2).is_some_and(u8::is_ascii_digit) => (Some('\0'), i + 2),
                b'0'..=b'9' => return None,
                // Line continuations produce nothing.
                b'\n' => (None, i + 2),
                b'\r' => (None, if b.get(i + 2) == Some(&b'\n') { i + 3 } else { i + 2 }),
                b'x' => {
                    let v = u32::from_str_radix(text.get(i + 2..i + 4)?, 16).ok()?;
                    (Some(char::from_u32(v)?), i + 4)
                }
                b'u' if b.get(i + 2) == Some(&b'{') => {
                    let close = text.get(i + 3..to)?.find('}')? + i + 3;
                    let v = u32::from_str_radix(&text[i + 3..close], 16).ok()?;
                    (Some(char::from_u32(v)?), close + 1)
                }
                b'u' => {
                    // A lone or paired surrogate does not occur in SQL worth checking.
                    let v = u32::from_str_radix(text.get(i + 2..i + 6)?, 16).ok()?;
                    (Some(char::from_u32(v)?), i + 6)
                }
                _ => {
                    // `\'`, `\"`, `\``, `\\`, `\$` and any other character stand for themselves.
                    let ch = text.get(i + 1..)?.chars().next()?;
                    let end = i + 1 + ch.len_utf8();
                    (if matches!(ch, '\u{2028}' | '\u{2029}') { None } else { Some(ch) }, end)
                }
            };
            if end > to {
                return None;
            }
            if let Some(ch) = ch {
                out.push_char(ch, (i as u32, end as u32));
            }
            i = end;
            continue;
        }
        if template && c == b'\r' && i + 1 < to && b[i + 1] == b'\n' {
            out.push_char('\n', (i as u32, (i + 2) as u32));
            i += 2;
            continue;
        }
        let ch = text.get(i..)?.chars().next()?;
        let n = ch.len_utf8();
        // Each byte of a multi-byte character maps to its own source byte.
        out.push_direct(&text[i..i + n], i as u32);
        i += n;
    }
    Some(())
}

/// The value of a `const` that `ident` refers to: in an enclosing block, or at module level.
pub(crate) fn const_value<'t>(ident: Node<'t>, text: &str) -> Option<Node<'t>> {
    let name = node_text(ident, text);
    let at = ident.start_byte();
    let mut cur = ident;
    while let Some(parent) = cur.parent() {
        if matches!(parent.kind_name(), "statement_block" | "program" | "class_static_block") {
            let mut c = parent.walk();
            for stmt in parent.named_children(&mut c) {
                let decl = match stmt.kind_name() {
                    "lexical_declaration" => stmt,
                    "export_statement" => match stmt.field("declaration") {
                        Some(d) if d.kind_name() == "lexical_declaration" => d,
                        _ => continue,
                    },
                    _ => continue,
                };
                if !crate::model::has_child_token(decl, "const") {
                    continue;
                }
                let mut c2 = decl.walk();
                for d in decl.named_children(&mut c2).filter(|d| d.kind_name() == "variable_declarator") {
                    let Some(n) = d.field("name") else { continue };
                    if n.kind_name() == "identifier" && node_text(n, text) == name {
                        // A block-level const must be declared before the use; a module const
                        // may be used by functions declared above it.
                        if parent.kind_name() != "program" && d.start_byte() > at {
                            return None;
                        }
                        if d.byte_range().contains(&at) {
                            return None;
                        }
                        return d.field("value");
                    }
                }
            }
        }
        // Parameters and other declarations shadow outer consts: stop at a function whose
        // parameters bind the name.
        if matches!(parent.kind_name(), "function_declaration" | "function_expression" | "arrow_function" | "method_definition") {
            if let Some(params) = parent.field("parameters")
                && node_text(params, text).contains(name) && binds_name(params, name, text) {
                    return None;
                }
            if parent.field("parameter").is_some_and(|p| node_text(p, text) == name) {
                return None;
            }
        }
        cur = parent;
    }
    None
}

fn binds_name(params: Node<'_>, name: &str, text: &str) -> bool {
    let mut stack = vec![params];
    while let Some(n) = stack.pop() {
        if matches!(n.kind_name(), "identifier" | "shorthand_property_identifier_pattern") && node_text(n, text) == name {
            return true;
        }
        if n.kind_name() == "type_annotation" {
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// The `exec` site (direct call, or loop over a const array) whose query holds the string
/// literal at `offset`, found from the syntax around that literal alone: the call it is an
/// argument of, or the uses of the `const` it initialises. The other calls of the file are
/// never visited. Returns the site (its query known, its text covering the literal) and the
/// literal's range.
pub(crate) fn site_at(infer: &Infer<'_>, offset: usize) -> Option<(ExecSite, TextRange)> {
    let text = infer.text();
    let root = infer.src.tree.root_node();
    let node = root.descendant_for_byte_range(offset, offset)?;
    let mut chain = crate::syntax::ancestors(root, node);
    chain.push(node);
    let at = chain.iter().rposition(|n| matches!(n.kind_name(), "string" | "template_string"))?;
    if chain[at..].iter().any(|n| n.kind_name() == "template_substitution") {
        return None;
    }
    let lit = chain[at];
    if !(lit.start_byte() < offset && offset < lit.end_byte()) {
        return None;
    }
    let lit_range = crate::syntax::node_range(lit);
    let covers = |site: &ExecSite| match &site.query {
        Query::Known(sql) => sql.spans().any(|(a, b)| lit_range.start <= a as usize && b as usize <= lit_range.end),
        // A template with a run-time part, passed as is: read with holes by the caller.
        Query::Partial { .. } => site.arg == lit_range && lit.kind_name() == "template_string",
        Query::Unknown => false,
    };
    // Up through concatenations and type assertions to what holds the value.
    let mut i = at;
    while i > 0 && matches!(chain[i - 1].kind_name(), "binary_expression" | "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression") {
        i -= 1;
    }
    let holder = if i > 0 { chain[i - 1] } else { return None };
    match holder.kind_name() {
        "arguments" => {
            let call = *chain.get(i.checked_sub(2)?)?;
            if let Some(site) = exec_site(infer, call).and_then(|sites| sites.into_iter().find(|s| covers(s))) {
                return Some((site, lit_range));
            }
            // A call of one of the file's own wrappers (a function that hands its parameter to
            // `exec`): a site of its own among the file's.
            let range = crate::syntax::node_range(call);
            let file = super::read_file(infer);
            let i = file.sites.iter().position(|s| s.call == range)?;
            let mut site = file.sites[i].clone();
            if let Some((sql, _)) = &file.texts[i] {
                site.query = Query::Known(sql.clone());
            }
            covers(&site).then_some((site, lit_range))
        }
        "variable_declarator" | "pair" => {
            // `const Q = "…"` or `const Q = { byId: "…" }`: the calls that pass it to `exec`.
            let decl = if holder.kind_name() == "pair" {
                let mut j = (i - 1).checked_sub(1)?;
                if chain[j].kind_name() != "object" {
                    return None;
                }
                while j > 0 && matches!(chain[j - 1].kind_name(), "as_expression" | "satisfies_expression" | "parenthesized_expression") {
                    j -= 1;
                }
                *chain.get(j.checked_sub(1)?)?
            } else {
                holder
            };
            if decl.kind_name() != "variable_declarator" {
                return None;
            }
            let name = decl.field("name").filter(|n| n.kind_name() == "identifier")?;
            let name = node_text(name, text);
            uses_of_const(infer, name, decl)
                .into_iter()
                .find_map(|call| exec_site(infer, call)?.into_iter().find(|s| covers(s)))
                .map(|s| (s, lit_range))
        }
        _ => None,
    }
}

/// The calls (at most a few dozen) that take the const `name` (or one of its properties) as
/// an argument, found by reading the text for the name.
fn uses_of_const<'t>(infer: &Infer<'t>, name: &str, decl: Node<'t>) -> Vec<Node<'t>> {
    let text = infer.text();
    let root = infer.src.tree.root_node();
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut out = Vec::new();
    for (pos, _) in text.match_indices(name).take(256) {
        let end = pos + name.len();
        if (pos > 0 && is_ident(bytes[pos - 1])) || bytes.get(end).is_some_and(|b| is_ident(*b)) {
            continue;
        }
        if decl.start_byte() <= pos && end <= decl.end_byte() {
            continue;
        }
        let Some(ident) = root.descendant_for_byte_range(pos, end).filter(|n| n.kind_name() == "identifier") else { continue };
        if const_value(ident, text).is_none_or(|v| v.start_byte() < decl.start_byte() || v.end_byte() > decl.end_byte()) {
            continue;
        }
        let mut chain = crate::syntax::ancestors(root, ident);
        chain.push(ident);
        let mut i = chain.len() - 1;
        while i > 0 && matches!(chain[i - 1].kind_name(), "member_expression" | "binary_expression" | "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression") {
            i -= 1;
        }
        if i >= 2 && chain[i - 1].kind_name() == "arguments" && chain[i - 2].kind_name() == "call_expression" {
            out.push(chain[i - 2]);
            if out.len() >= 32 {
                break;
            }
        }
    }
    out
}

/// The `exec` sites whose calls overlap `range`, visiting only the nodes that overlap it
/// (wrapper calls are not included).
pub(crate) fn sites_in(infer: &Infer<'_>, range: TextRange) -> Vec<ExecSite> {
    let mut out = Vec::new();
    let mut stack = vec![infer.src.tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.end_byte() < range.start || n.start_byte() > range.end {
            continue;
        }
        if n.kind_name() == "call_expression"
            && let Some(sites) = exec_site(infer, n) {
                out.extend(sites);
            }
        let mut c = n.walk();
        let children: Vec<_> = n.named_children(&mut c).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by_key(|s| s.call.start);
    out
}

#[cfg(test)]
mod span_tests {
    use super::SqlText;

    /// The runs give every byte the source range a list of one range per byte would.
    #[test]
    fn runs_map_each_byte_like_a_list_per_byte() {
        let mut sql = SqlText::default();
        let mut expected: Vec<(u32, u32)> = Vec::new();
        sql.push_direct("SELECT ", 10);
        expected.extend((10..17).map(|k| (k, k + 1)));
        // Contiguous source: one run goes on.
        sql.push_direct("a", 17);
        expected.push((17, 18));
        // An escape: one character from two source bytes.
        sql.push_char('\n', (18, 20));
        expected.push((18, 20));
        // A substitution: every byte from the whole `${…}`.
        sql.push_str("items", (20, 28));
        expected.extend([(20, 28); 5]);
        // A gap in the source (a line continuation) starts a new direct run.
        sql.push_direct(" x", 30);
        expected.extend([(30, 31), (31, 32)]);
        let mut other = SqlText::direct(" y", 40);
        other.push_str("zz", (42, 50));
        sql.append(&other);
        expected.extend([(40, 41), (41, 42), (42, 50), (42, 50)]);
        assert_eq!(sql.text, "SELECT a\nitems x yzz");
        assert_eq!(sql.spans().collect::<Vec<_>>(), expected);
        assert_eq!(sql.source_range(0, 6), crate::text::TextRange::new(10, 16));
        assert_eq!(sql.source_range(9, 14), crate::text::TextRange::new(20, 28));
        assert_eq!(sql.source_bounds(), Some((10, 50)));
        let mut moved = sql.clone();
        moved.shift(-10);
        moved.shift(10);
        assert_eq!(moved, sql);
        assert_eq!(SqlText::default().source_range(0, 3), crate::text::TextRange::empty(0));
    }
}
