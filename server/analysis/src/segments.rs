//! Incremental diagnostics. A source file is cut into segments: each class method body, and
//! the rest of the file (the *outer* segment: imports, module code, class headers, fields and
//! signatures). The body-local part of a pass (finding the SQL of `exec` calls, running the
//! lint rules on calls) is remembered per segment, keyed by
//!
//! - the segment's own text (for a body: with its class, method header and place), and
//! - the file's *context*: every text outside method bodies, the bodies that other code can
//!   read through (the constructor, bodies that assign `this.<field>`, hand `this` to a call,
//!   touch a prototype or hold a decorator) hashed without the text of their SQL strings,
//!   and the revision of every other file.
//!
//! While the file has syntax errors nothing is taken from memory (error recovery may parse an
//! unchanged body differently). Otherwise a keystroke in one method body re-analyses that body
//! alone; whatever else the pass
//! needs (the class's schema, the other segments' results) comes from memory. Positions are
//! stored relative to a *piece* of the file — the gaps between bodies and the bodies
//! themselves — so that remembered results stay right while other bodies grow and shrink. A
//! result that points into another body cannot be stored that way and is recomputed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tree_sitter::Node;

use crate::diagnostics::Diagnostic;
use crate::syntax::NodeExt;
use crate::text::{word_finder, TextRange};
use crate::infer::Infer;
use crate::{Analysis, SourceFile};

/// How a source file is cut into segments, from its text alone.
#[derive(Debug)]
pub(crate) struct Layout {
    /// Gap, body, gap, body, …, gap: piece `2k + 1` is body `k`.
    pieces: Vec<TextRange>,
    pub bodies: Vec<Body>,
    /// Outer text and the bodies other code reads, hashed.
    text_context: u64,
}

#[derive(Debug)]
pub(crate) struct Body {
    pub range: TextRange,
    /// The class whose method this is.
    pub class: String,
    /// Class, header, text and place of the body, hashed.
    key: u64,
}

/// The call and `new` expressions of one segment; `ancestors[i]` are those of `calls[i]`,
/// outermost first.
#[derive(Default)]
pub(crate) struct SegmentNodes<'t> {
    /// A body segment's block, and the block's ancestors (outermost first).
    pub block: Option<Node<'t>>,
    pub block_ancestors: Vec<Node<'t>>,
    pub calls: Vec<Node<'t>>,
    /// Shared, so that questions about a call can hold them without copying.
    pub ancestors: Vec<std::rc::Rc<[Node<'t>]>>,
    pub news: Vec<Node<'t>>,
    /// `tag<T>\`…\`` read as comparisons (`binary_expression`s ending in a template).
    pub binary_templates: Vec<Node<'t>>,
}

/// One segment of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Outer,
    Body(usize),
}

/// A node with more children than this has them listed for [`Layout::collect`] (the cost of
/// listing them is about that of a few lookups from the first child).
const WIDE: u32 = 24;

impl Layout {
    pub fn of(src: &SourceFile) -> Arc<Layout> {
        src.layout.get_or_init(|| Arc::new(Layout::build(src))).clone()
    }

    fn build(src: &SourceFile) -> Layout {
        let text: &str = &src.text;
        // (body, class, where its header starts, whether it is the constructor)
        let mut found: Vec<(TextRange, &str, usize, bool)> = Vec::new();
        for class in &src.model.classes {
            for m in &class.methods {
                if let Some(body) = m.body {
                    found.push((body, class.name.as_str(), m.range.start.min(body.start), false));
                }
            }
            if let Some(body) = class.constructor_body {
                found.push((body, class.name.as_str(), body.start, true));
            }
        }
        found.sort_by_key(|(r, ..)| (r.start, std::cmp::Reverse(r.end)));
        // A class declared inside another class's method is part of that method's body.
        let mut kept: Vec<(TextRange, &str, usize, bool)> = Vec::new();
        for f in found {
            if kept.last().is_none_or(|(last, ..)| f.0.start >= last.end) {
                kept.push(f);
            }
        }
        let mut pieces = Vec::with_capacity(kept.len() * 2 + 1);
        let mut context = FxHasher::default();
        let mut at = 0;
        let mut bodies = Vec::with_capacity(kept.len());
        for (k, (range, class, header_start, is_ctor)) in kept.into_iter().enumerate() {
            pieces.push(TextRange::new(at, range.start));
            text[at..range.start].hash(&mut context);
            pieces.push(range);
            at = range.end;
            let body_text = &text[range.as_range()];
            let header = &text[header_start..range.start];
            let mut h = FxHasher::default();
            (k, class, is_ctor, header, body_text).hash(&mut h);
            let key = h.finish();
            // Code elsewhere reads the constructor (its aliases, the methods it calls), bodies
            // that assign fields or hand `this` out, and a tag method's body (it decides
            // whether its templates are queries, see `sql::tags`). What it reads is never the
            // text of their SQL strings, so editing a `CREATE TABLE` there changes no context.
            if is_ctor || read_by_other_code(body_text) || word_finder!(b"TemplateStringsArray").find(header.as_bytes()).is_some() {
                (k, text_without_sql(src, range)).hash(&mut context);
            }
            bodies.push(Body { range, class: class.to_string(), key });
        }
        pieces.push(TextRange::new(at, text.len()));
        text[at..].hash(&mut context);
        // In a file with syntax errors, tree-sitter's error recovery may cut an unchanged body
        // differently than before (an ambiguous `await x.get<T>(…)` resolved the other way),
        // so remembered results cannot be trusted: a context of its own makes every segment
        // be read again until the file parses cleanly.
        if src.tree.root_node().has_error() {
            static BROKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            BROKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed).hash(&mut context);
        }
        Layout { pieces, bodies, text_context: context.finish() }
    }

    /// The context of a file in its project: its own outer text and the other files.
    pub fn context(&self, a: &Analysis, path: &Path) -> u64 {
        let mut h = FxHasher::default();
        self.text_context.hash(&mut h);
        for (p, rev) in a.revisions() {
            // `.sql` files change schemas, never what a segment finds.
            if p != path && !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql")) {
                (p, rev).hash(&mut h);
            }
        }
        h.finish()
    }

    /// The memo key of a segment under a context (and whatever else the pass depends on).
    pub fn key(&self, seg: Seg, context: u64, extra: u64) -> u64 {
        let mut h = FxHasher::default();
        match seg {
            Seg::Outer => 0u64.hash(&mut h),
            Seg::Body(k) => self.bodies[k].key.hash(&mut h),
        }
        (context, extra).hash(&mut h);
        h.finish()
    }

    pub fn segments(&self) -> impl Iterator<Item = Seg> + '_ {
        std::iter::once(Seg::Outer).chain((0..self.bodies.len()).map(Seg::Body))
    }

    /// The method body that strictly holds a range, if any.
    pub fn body_around(&self, start: usize, end: usize) -> Option<TextRange> {
        let i = self.bodies.partition_point(|b| b.range.start <= start).checked_sub(1)?;
        let r = self.bodies[i].range;
        (r.start <= start && end <= r.end).then_some(r)
    }

    /// The class of a body segment.
    pub fn class_of(&self, seg: Seg) -> Option<&str> {
        match seg {
            Seg::Outer => None,
            Seg::Body(k) => Some(&self.bodies[k].class),
        }
    }

    /// The piece that holds a range of this file, and where the piece starts: `None` when
    /// the range lies in a body other than the segment's own, or across pieces.
    pub fn piece(&self, seg: Seg, r: TextRange) -> Option<(usize, usize)> {
        // The first piece that ends at or after the start; an empty range on a boundary may
        // also belong to the next one.
        let first = self.pieces.partition_point(|p| p.end < r.start);
        for i in first..(first + 2).min(self.pieces.len()) {
            let p = self.pieces[i];
            if p.start > r.start {
                break;
            }
            if r.end <= p.end && (i % 2 == 0 || seg == Seg::Body(i / 2)) {
                return Some((i, p.start));
            }
        }
        None
    }

    pub fn piece_start(&self, piece: usize) -> usize {
        self.pieces[piece].start
    }

    /// A range of this file as a piece-relative range that stays true while other bodies
    /// change (see [`Layout::piece`]).
    pub fn encode(&self, seg: Seg, r: TextRange) -> Option<TextRange> {
        let (i, start) = self.piece(seg, r)?;
        let base = (i as u64) << 32;
        Some(TextRange::new((base | (r.start - start) as u64) as usize, (base | (r.end - start) as u64) as usize))
    }

    pub fn decode(&self, r: TextRange) -> TextRange {
        let piece = self.pieces[(r.start as u64 >> 32) as usize];
        let off = |x: usize| piece.start + (x as u64 & 0xffff_ffff) as usize;
        TextRange::new(off(r.start), off(r.end))
    }

    /// Visits the nodes of a segment in source order (a body: its block and everything in it;
    /// the outer segment: the whole tree except the bodies), with each node's ancestors.
    pub fn walk<'t>(&self, seg: Seg, root: Node<'t>, inert: &[u16], mut visit: impl FnMut(Node<'t>, &[Node<'t>])) {
        let (start, mut stack) = match seg {
            Seg::Outer => (root, Vec::new()),
            Seg::Body(k) => {
                let r = self.bodies[k].range;
                let Some(block) = root.descendant_for_byte_range(r.start, r.end) else { return };
                if block.start_byte() != r.start || block.end_byte() != r.end {
                    return;
                }
                (block, crate::syntax::ancestors(root, block))
            }
        };
        let skip = |n: Node<'_>| seg == Seg::Outer && n.kind_name() == "statement_block" && self.is_body(n);
        let mut cursor = start.walk();
        let depth0 = stack.len();
        loop {
            let node = cursor.node();
            let skipped = skip(node);
            if !skipped {
                visit(node, &stack);
            }
            if !skipped && node.child_count() > 0 && !inert.contains(&node.kind_id()) && cursor.goto_first_child() {
                stack.push(node);
                continue;
            }
            loop {
                if stack.len() == depth0 {
                    return;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                stack.pop();
            }
        }
    }

    /// The call and `new` expressions of several segments, with their ancestors. Few
    /// segments (a keystroke) are walked one by one; many (a first run) in one walk of the
    /// whole tree, since finding each body from the root would scan a large class's members
    /// once per body.
    ///
    /// With `hits` (sorted byte offsets of words the caller looks for), only nodes whose text
    /// holds a hit are visited: a call that names none of the words is not collected, and
    /// neither is anything inside a subtree without one. A body without a hit gets no `block`.
    ///
    /// `after_start`: every node looked for holds a hit after its own first byte (a call its
    /// `(` or backquote, a body its first byte from inside its parent), so a hit at the first
    /// byte of the node being walked is that node's first token, which needs no descent.
    pub fn collect<'t>(&self, segs: &[Seg], root: Node<'t>, hits: Option<&[usize]>, after_start: bool) -> Vec<SegmentNodes<'t>> {
        let mut out: Vec<SegmentNodes<'t>> = segs.iter().map(|_| SegmentNodes::default()).collect();
        // Kinds compared by id: `kind()` reads the name's C string for every node.
        let language = root.language();
        let call = language.id_for_node_kind("call_expression", true);
        let new = language.id_for_node_kind("new_expression", true);
        let block = language.id_for_node_kind("statement_block", true);
        let binary = language.id_for_node_kind("binary_expression", true);
        let template = language.id_for_node_kind("template_string", true);
        let inert: Vec<u16> = INERT.iter().map(|k| language.id_for_node_kind(k, true)).filter(|&id| id != 0).collect();
        let keep = |into: &mut SegmentNodes<'t>, n: Node<'t>, kind: u16, up: &[Node<'t>]| {
            if kind == call {
                into.calls.push(n);
                into.ancestors.push(std::rc::Rc::from(up));
            } else if kind == new {
                into.news.push(n);
            } else if kind == binary && n.field("right").is_some_and(|r| r.kind_id() == template) {
                into.binary_templates.push(n);
            }
        };
        // Which output each segment goes to: index 0 is the outer segment, k + 1 body k.
        let mut slot = vec![None; self.bodies.len() + 1];
        for (i, seg) in segs.iter().enumerate() {
            slot[match seg { Seg::Outer => 0, Seg::Body(k) => k + 1 }] = Some(i);
        }
        // Entering a node of a walk over several segments: a body's block opens its segment
        // (closed again when the walk leaves that depth), and the node is kept for the
        // segment it is in.
        let enter = |node: Node<'t>, stack: &[Node<'t>], segs_open: &mut Vec<(usize, usize)>, out: &mut [SegmentNodes<'t>]| {
            let kind = node.kind_id();
            if kind == block
                && let Ok(k) = self.bodies.binary_search_by_key(&node.start_byte(), |b| b.range.start)
                && self.bodies[k].range.end == node.end_byte()
            {
                segs_open.push((stack.len(), k + 1));
                if let Some(i) = slot[k + 1] {
                    out[i].block = Some(node);
                    out[i].block_ancestors = stack.to_vec();
                }
            }
            let current = segs_open.last().map_or(0, |s| s.1);
            if let Some(i) = slot[current] {
                keep(&mut out[i], node, kind, stack);
            }
        };
        if let Some(hits) = hits {
            // Straight down to each hit: a node's children are not stepped through one by one
            // (a class with hundreds of members), the child holding the next hit is looked up.
            // The hits of the segments asked for. Hits and bodies are both in file order, so
            // one pass tells each hit's segment (a binary search per hit cost more).
            let mut kept: Vec<usize> = Vec::with_capacity(hits.len());
            let mut body = 0;
            for &h in hits {
                while body < self.bodies.len() && self.bodies[body].range.end <= h {
                    body += 1;
                }
                let inside = self.bodies.get(body).is_some_and(|b| b.range.start <= h);
                if slot[if inside { body + 1 } else { 0 }].is_some() {
                    kept.push(h);
                }
            }
            let hits = kept;
            // The first hit not looked at yet: positions only move forward, so it only moves
            // forward too.
            let mut next_hit = 0;
            let mut stack: Vec<Node<'t>> = Vec::new();
            // Per open node: the byte from which its next hit is looked for, and its end.
            let mut from: Vec<(usize, usize)> = Vec::new();
            let mut segs_open: Vec<(usize, usize)> = vec![(0, 0)];
            let mut cursor = root.walk();
            // The children of wide nodes (a class with many members, a module with many
            // statements), listed once: tree-sitter finds the child holding a byte by scanning
            // the children from the first, which for every hit in a wide node costs its
            // position among them.
            let mut wide: rustc_hash::FxHashMap<usize, Vec<(usize, Node<'t>)>> = rustc_hash::FxHashMap::default();
            // The node the cursor is at, when known.
            let mut cursor_at: Option<usize> = None;
            let mut next = Some(root);
            loop {
                if let Some(node) = next.take() {
                    enter(node, &stack, &mut segs_open, &mut out);
                    stack.push(node);
                    let start = node.start_byte();
                    // The node's own first token (the `(` of an argument list): no descent.
                    from.push((if after_start { start + 1 } else { start }, node.end_byte()));
                }
                let (Some(&node), Some((pos, end))) = (stack.last(), from.last_mut()) else { break };
                while hits.get(next_hit).is_some_and(|&h| h < *pos) {
                    next_hit += 1;
                }
                let child = hits.get(next_hit).filter(|&&h| h < *end).and_then(|&h| {
                    if node.child_count() > WIDE {
                        // Only the children from the one holding this hit to the one holding
                        // the node's last hit: a thread given half of a large class lists
                        // half of its members.
                        let children = wide.entry(node.id()).or_insert_with(|| {
                            let last = hits[hits.partition_point(|&x| x < *end) - 1];
                            let mut list = Vec::new();
                            cursor_at = None;
                            cursor.reset(node);
                            if cursor.goto_first_child_for_byte(h).is_some() {
                                loop {
                                    let c = cursor.node();
                                    list.push((c.end_byte(), c));
                                    if c.end_byte() > last || !cursor.goto_next_sibling() {
                                        break;
                                    }
                                }
                            }
                            list
                        });
                        // As `goto_first_child_for_byte`: the first child that ends after the byte.
                        let i = children.partition_point(|(child_end, _)| *child_end <= h);
                        return children.get(i).map(|(_, c)| (*c, h));
                    }
                    // The cursor is often at `node` already: the step down to it left it there.
                    if cursor_at != Some(node.id()) {
                        cursor.reset(node);
                    }
                    cursor.goto_first_child_for_byte(h)?;
                    let c = cursor.node();
                    cursor_at = Some(c.id());
                    Some((c, h))
                });
                match child {
                    // The hit is between children (in a space): look on from the next child.
                    Some((c, h)) if c.start_byte() > h => *pos = c.start_byte(),
                    Some((c, _)) => {
                        *pos = c.end_byte();
                        next = Some(c);
                    }
                    None => {
                        stack.pop();
                        from.pop();
                        while segs_open.len() > 1 && segs_open.last().is_some_and(|s| s.0 >= stack.len()) {
                            segs_open.pop();
                        }
                    }
                }
            }
            return out;
        }
        if segs.len() <= 16 {
            for (seg, into) in segs.iter().zip(&mut out) {
                self.walk(*seg, root, &inert, |n, up| {
                    if into.block.is_none() && matches!(seg, Seg::Body(_)) {
                        into.block = Some(n);
                        into.block_ancestors = up.to_vec();
                    }
                    keep(into, n, n.kind_id(), up)
                });
            }
            return out;
        }
        // Only subtrees that hold text of a wanted segment are entered: a thread given some of
        // the bodies does not walk the others.
        let wanted_bodies: Vec<TextRange> = segs.iter().filter_map(|s| match s { Seg::Body(k) => Some(self.bodies[*k].range), Seg::Outer => None }).collect();
        let outer_wanted = slot[0].is_some();
        let all_wanted = outer_wanted && wanted_bodies.len() == self.bodies.len();
        let wanted = |n: Node<'_>| {
            if all_wanted {
                return true;
            }
            let (s, e) = (n.start_byte(), n.end_byte());
            if outer_wanted && self.body_around(s, e).is_none() {
                return true;
            }
            let i = wanted_bodies.partition_point(|r| r.end <= s);
            wanted_bodies.get(i).is_some_and(|r| r.start < e)
        };
        let mut cursor = root.walk();
        let mut stack: Vec<Node<'t>> = Vec::new();
        // The segment of each open node on the stack, innermost last.
        let mut segs_open: Vec<(usize, usize)> = vec![(0, 0)];
        loop {
            let node = cursor.node();
            enter(node, &stack, &mut segs_open, &mut out);
            if node.child_count() > 0 && !inert.contains(&node.kind_id()) && wanted(node) && cursor.goto_first_child() {
                stack.push(node);
                continue;
            }
            loop {
                // Leaving `node` (or a parent): close the segments opened at its depth.
                while segs_open.len() > 1 && segs_open.last().is_some_and(|s| s.0 >= stack.len()) {
                    segs_open.pop();
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return out;
                }
                stack.pop();
            }
        }
    }

    /// `segs` (in file order) cut into at most `n` runs of neighbouring segments with about as
    /// much work each; one run when there is too little text for threads to pay off. The work
    /// of a segment is what its walk looks at: the hits of `look` in its text (see
    /// [`Layout::hits`]), or its text when every node is looked at. Hits measure it better: a
    /// body of types and comments costs next to nothing, a run of calls a lot.
    #[cfg(test)]
    pub fn runs(&self, segs: &[Seg], n: usize, text: &str, look: Look<'_>) -> Vec<Vec<Seg>> {
        self.runs_by_hits(segs, n, self.hits(text, segs, look).as_deref())
    }

    /// [`Layout::runs`] with the hits of `segs` at hand (`None`: every node is looked at).
    pub fn runs_by_hits(&self, segs: &[Seg], n: usize, hits: Option<&[usize]>) -> Vec<Vec<Seg>> {
        // Below this much text, starting threads costs more than it saves.
        const MIN_BYTES: usize = 48 * 1024;
        let outer = self.pieces.iter().step_by(2).map(|p| p.len()).sum::<usize>();
        let size = |s: &Seg| match s {
            Seg::Outer => outer,
            Seg::Body(k) => self.bodies[*k].range.len(),
        };
        let total: usize = segs.iter().map(size).sum();
        if n <= 1 || total < MIN_BYTES || segs.len() < 2 {
            return vec![segs.to_vec()];
        }
        // Each run walks down from the root and asks its own questions: not worth it for
        // less than about this much text.
        const MIN_RUN_BYTES: usize = 16 * 1024;
        let n = n.min(total / MIN_RUN_BYTES);
        let weights: Vec<usize> = match hits {
            Some(hits) => {
                let within = |r: TextRange| hits.partition_point(|&h| h < r.end) - hits.partition_point(|&h| h < r.start);
                let in_body = |s: &Seg| match s {
                    Seg::Body(k) => within(self.bodies[*k].range),
                    Seg::Outer => 0,
                };
                // The outer segment's hits are the ones in no body.
                let outer_hits = hits.len().saturating_sub(segs.iter().map(in_body).sum());
                // A segment without hits still costs a little (its key, its empty result).
                segs.iter().map(|s| 1 + if matches!(s, Seg::Outer) { outer_hits } else { in_body(s) }).collect()
            }
            None => segs.iter().map(size).collect(),
        };
        let share = weights.iter().sum::<usize>().div_ceil(n);
        let mut runs = vec![Vec::new()];
        let mut filled = 0;
        for (s, w) in segs.iter().zip(weights) {
            let last = runs.last_mut().expect("one run at least");
            if filled >= share && !last.is_empty() && runs.len() < n {
                runs.push(Vec::new());
                filled = 0;
            }
            runs.last_mut().expect("one run at least").push(*s);
            filled += w;
        }
        runs
    }

    /// The body that holds a byte offset.
    #[cfg(test)]
    fn body_index(&self, at: usize) -> Option<usize> {
        let k = self.bodies.partition_point(|b| b.range.start <= at).checked_sub(1)?;
        (at < self.bodies[k].range.end).then_some(k)
    }

    fn is_body(&self, n: Node<'_>) -> bool {
        let (s, e) = (n.start_byte(), n.end_byte());
        self.bodies.binary_search_by_key(&s, |b| b.range.start).is_ok_and(|i| self.bodies[i].range.end == e)
    }
}

/// Kinds of nodes that never hold a call: types, comments and literals. Walks for calls do
/// not go into them (a large module is a third types and punctuation).
const INERT: &[&str] = &[
    "type_annotation",
    "type_arguments",
    "type_parameters",
    "interface_declaration",
    "type_alias_declaration",
    "import_statement",
    "comment",
    "string",
    "number",
    "regex",
];

/// What a pass's walk looks for (see [`Layout::collect`]).
#[derive(Clone, Copy)]
pub(crate) enum Look<'w> {
    /// Every node.
    Everything,
    /// Nodes whose text holds one of these words.
    Words(&'w [&'w str]),
    /// Every call and `new` with arguments: each `(` and backquote (a tagged template is a
    /// call without parentheses), and each body's start, so that a body without calls still
    /// has its block found.
    Calls,
}

impl Layout {
    /// The hits for [`Layout::collect`] of `segs`, found in their text only: a keystroke's
    /// run looks through one body, not the whole file. `None`: walk every node.
    pub fn hits(&self, text: &str, segs: &[Seg], look: Look<'_>) -> Option<Vec<usize>> {
        let mut ranges: Vec<TextRange> = Vec::new();
        for seg in segs {
            match seg {
                Seg::Outer => ranges.extend(self.pieces.iter().step_by(2).copied()),
                Seg::Body(k) => ranges.push(self.bodies[*k].range),
            }
        }
        ranges.sort_by_key(|r| r.start);
        let bytes = text.as_bytes();
        let mut hits: Vec<usize> = Vec::new();
        // One searcher per word, built once for all the ranges.
        let finders: Vec<memchr::memmem::Finder<'_>> = match look {
            Look::Words(words) => words.iter().filter(|w| !w.is_empty()).map(|w| memchr::memmem::Finder::new(w.as_bytes())).collect(),
            _ => Vec::new(),
        };
        for r in &ranges {
            let part = &bytes[r.start..r.end];
            match look {
                Look::Everything => return None,
                Look::Words(_) => {
                    // A word that starts in the range may end in the next one; the search
                    // stops there (searching on to the file's end made the search quadratic).
                    for f in &finders {
                        let tail = &bytes[r.start..(r.end + f.needle().len() - 1).min(bytes.len())];
                        hits.extend(f.find_iter(tail).map(|i| r.start + i));
                    }
                }
                Look::Calls => hits.extend(memchr::memchr2_iter(b'(', b'`', part).map(|i| r.start + i)),
            }
        }
        if matches!(look, Look::Calls) {
            hits.extend(segs.iter().filter_map(|s| match s {
                Seg::Body(k) => Some(self.bodies[*k].range.start),
                Seg::Outer => None,
            }));
        }
        hits.sort_unstable();
        hits.dedup();
        Some(hits)
    }
}

/// Whether code outside a method body may read what it does: it assigns `this.<field>` (field
/// types come from assignments anywhere in the class), hands `this` to a call, touches a
/// prototype, or holds a decorator.
fn read_by_other_code(body: &str) -> bool {
    let bytes = body.as_bytes();
    if memchr::memchr(b'@', bytes).is_some() || word_finder!(b".prototype").find(bytes).is_some() {
        return true;
    }
    for at in word_finder!(b"this").find_iter(bytes) {
        let before_ok = at == 0 || !is_ident_byte(bytes[at - 1]);
        let mut i = at + 4;
        if !before_ok || bytes.get(i).is_some_and(|b| is_ident_byte(*b)) {
            continue;
        }
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i) {
            Some(b',' | b')' | b']' | b'}') => return true,
            Some(b'.') => {
                i += 1;
                if bytes.get(i) == Some(&b'#') {
                    i += 1;
                }
                while bytes.get(i).is_some_and(|b| is_ident_byte(*b)) {
                    i += 1;
                }
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'=') && !matches!(bytes.get(i + 1), Some(b'=' | b'>')) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A hash of a body's text that leaves out the contents of its SQL strings (string and
/// template literals that start with a statement keyword).
fn text_without_sql(src: &SourceFile, body: TextRange) -> u64 {
    let text: &str = &src.text;
    let mut h = FxHasher::default();
    let root = src.tree.root_node();
    let block = root.descendant_for_byte_range(body.start, body.end).filter(|b| b.start_byte() == body.start && b.end_byte() == body.end);
    let Some(block) = block else {
        text[body.as_range()].hash(&mut h);
        return h.finish();
    };
    let mut at = body.start;
    let mut cursor = block.walk();
    'walk: loop {
        let n = cursor.node();
        if matches!(n.kind_name(), "string" | "template_string") && looks_like_sql(&text[n.start_byte()..n.end_byte()]) {
            text[at..n.start_byte()].hash(&mut h);
            at = n.end_byte();
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() || cursor.node().id() == block.id() {
                break 'walk;
            }
        }
    }
    text[at.min(body.end)..body.end].hash(&mut h);
    h.finish()
}

/// Whether a string literal (with its quotes) holds SQL: its first word is a statement keyword.
fn looks_like_sql(literal: &str) -> bool {
    let inner = literal.get(1..).unwrap_or("").trim_start();
    let word: String = inner.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_uppercase();
    matches!(
        word.as_str(),
        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "CREATE" | "ALTER" | "DROP" | "WITH" | "PRAGMA" | "VALUES"
    )
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// One file's remembered results, by segment key.
/// (The keys are hashes already: FxHash only mixes them.)
pub(crate) type Remembered<T> = Arc<FxHashMap<u64, Arc<T>>>;

/// Results remembered per segment, for one pass, shared by every snapshot of the analysis.
pub(crate) struct Memo<T> {
    files: Mutex<HashMap<PathBuf, Remembered<T>>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { files: Mutex::default() }
    }
}

impl<T> Memo<T> {
    /// What the last run over `path` remembered.
    pub fn previous(&self, path: &Path) -> Remembered<T> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).get(path).cloned().unwrap_or_default()
    }

    /// Replaces what is remembered for `path` with this run's entries, so that the memory
    /// follows the file and does not grow with its history.
    pub fn remember(&self, path: &Path, entries: FxHashMap<u64, Arc<T>>) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf(), Arc::new(entries));
    }

    pub fn forget(&self, path: &Path) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).remove(path);
    }

    /// Runs a pass over every segment of a file, in order. A result remembered under the
    /// segment's key (`extra`: whatever else the pass depends on) is taken as it is; the other
    /// segments are walked together, computed, and remembered when `encode` can make their
    /// positions relative to the segment. Afterwards only this run's results are remembered.
    ///
    /// `compute` gets the segments to compute, in order, with their nodes, and returns one
    /// result per segment. When there are many (a file's first run), they are cut into runs of
    /// neighbouring segments computed on several threads, each run walked by its own thread.
    pub fn run<'t>(
        &self,
        infer: &Infer<'t>,
        layout: &Layout,
        extra: u64,
        look: Look<'_>,
        compute: impl Fn(Vec<(Seg, SegmentNodes<'t>)>) -> Vec<T> + Sync,
        encode: impl Fn(Seg, &T) -> Option<T> + Sync,
    ) -> Vec<(Seg, SegResult<T>)>
    where
        T: Send + Sync,
    {
        let path = infer.path;
        let context = layout.context(infer.a, path);
        let previous = self.previous(path);
        let all: Vec<(Seg, u64)> = layout.segments().map(|seg| (seg, layout.key(seg, context, extra))).collect();
        let missing: Vec<Seg> = all.iter().filter(|(_, key)| !previous.contains_key(key)).map(|(seg, _)| *seg).collect();
        let root = infer.src.tree.root_node();
        let text = infer.text();
        // The hits of every segment to compute, found once: each run's walk keeps those that lie
        // in its own segments.
        let hits = layout.hits(text, &missing, look);
        // Each run: its segments' values, and what is remembered of them.
        let work = |segs: &[Seg]| -> Vec<(T, Option<T>)> {
            let nodes = layout.collect(segs, root, hits.as_deref(), matches!(look, Look::Calls));
            let values = compute(segs.iter().copied().zip(nodes).collect());
            assert_eq!(values.len(), segs.len(), "one result per segment");
            values.into_iter().zip(segs).map(|(v, seg)| {
                let e = encode(*seg, &v);
                (v, e)
            }).collect()
        };
        // A few runs per thread, taken by whichever thread is free: a thread slowed by other
        // work on its core (or given denser code) does not hold the others up.
        let runs = match threads() {
            1 => vec![missing.clone()],
            n => layout.runs_by_hits(&missing, n * RUNS_PER_THREAD, hits.as_deref()),
        };
        let computed: Vec<(T, Option<T>)> = if runs.len() <= 1 {
            work(&missing)
        } else {
            crate::parallel::in_parallel(&runs, |r| work(r)).into_iter().flatten().collect()
        };
        let mut computed = computed.into_iter();
        let mut remembered = FxHashMap::default();
        let mut out = Vec::with_capacity(all.len());
        for (seg, key) in all {
            let result = match previous.get(&key) {
                Some(found) => {
                    remembered.insert(key, found.clone());
                    SegResult::Encoded(found.clone())
                }
                None => {
                    let (value, encoded) = computed.next().expect("one result per missing segment");
                    // Remembered encoded; this run takes the value as it is (no decoding).
                    // A value that points into another body is not remembered.
                    if let Some(encoded) = encoded {
                        remembered.insert(key, Arc::new(encoded));
                    }
                    SegResult::Plain(value)
                }
            };
            out.push((seg, result));
        }
        self.remember(path, remembered);
        out
    }
}

/// How many runs a file's first run is cut into per thread (see [`Memo::run`]).
const RUNS_PER_THREAD: usize = 4;

/// How many threads a file's first run may use.
pub(crate) fn threads() -> usize {
    #[cfg(test)]
    if let Some(n) = THREADS.get() {
        return n;
    }
    configured_threads()
}

/// The thread count the machine and `DOLS_ANALYSIS_THREADS` give (tests may ask for another
/// in [`threads`]).
pub(crate) fn configured_threads() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        // `DOLS_ANALYSIS_THREADS=1` keeps the analysis on the thread that asks.
        let chosen = std::env::var("DOLS_ANALYSIS_THREADS").ok().and_then(|v| v.parse::<usize>().ok()).filter(|&n| n > 0);
        chosen.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(4))
    })
}

#[cfg(test)]
thread_local! {
    /// A test's choice of thread count for the runs it starts.
    pub(crate) static THREADS: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// A segment's result from [`Memo::run`].
pub(crate) enum SegResult<T> {
    /// Positions relative to the segment (decode them with the layout).
    Encoded(Arc<T>),
    /// Positions as they are in the file.
    Plain(T),
}

/// A diagnostic with its same-file ranges encoded for a segment (`None`: not storable).
pub(crate) fn encode_diagnostic(layout: &Layout, seg: Seg, path: &Path, d: &Diagnostic) -> Option<Diagnostic> {
    let mut d = d.clone();
    map_diagnostic(&mut d, path, |r| layout.encode(seg, r))?;
    Some(d)
}

pub(crate) fn decode_diagnostic(layout: &Layout, path: &Path, d: &Diagnostic) -> Diagnostic {
    let mut d = d.clone();
    map_diagnostic(&mut d, path, |r| Some(layout.decode(r))).expect("decoding always succeeds");
    d
}

fn map_diagnostic(d: &mut Diagnostic, path: &Path, f: impl Fn(TextRange) -> Option<TextRange>) -> Option<()> {
    if d.file == path {
        d.range = f(d.range)?;
    }
    for r in &mut d.related {
        if r.file == path {
            r.range = f(r.range)?;
        }
    }
    for fix in &mut d.fixes {
        for e in &mut fix.edits {
            if e.file == path {
                e.range = f(e.range)?;
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_read_by_other_code() {
        for yes in ["{ this.sql = s; }", "{ this.#db = x }", "{ install(this) }", "{ f(this, 1) }", "{ X.prototype.y = 1 }", "{ this.a\n  = 2 }", "{ return { self: this }; }"] {
            assert!(read_by_other_code(yes), "{yes}");
        }
        for no in ["{ this.a == b }", "{ this.a.b(c) }", "{ const thisx = 1; }", "{ this.n += 1 }", "{ this.a.b = 2 }", "{ return this; }", "{ const f = this.g => 1 }"] {
            assert!(!read_by_other_code(no), "{no}");
        }
    }

    use crate::Analysis;
    use proptest::prelude::*;

    const WRANGLER: &str = r#"{
  "name": "memo",
  "main": "src/index.ts",
  "compatibility_date": "2025-01-01",
  "durable_objects": { "bindings": [{ "name": "ROOMS", "class_name": "Room" }, { "name": "LOGS", "class_name": "Log" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room", "Log"] }]
}"#;

    /// A module with every kind of cross-body dependency the passes have: DDL in the
    /// constructor, a field alias set there and one set in a method, a private wrapper, a
    /// module constant, a method the constructor calls, rules that read class facts, a row
    /// type declared outside the body that uses it, a tag method, and a spliced value.
    const MODULE: &str = r#"import { DurableObject } from "cloudflare:workers";
export interface Env { ROOMS: DurableObjectNamespace<Room>; LOGS: DurableObjectNamespace<Log>; }
const BY_ID = "SELECT id, title FROM rooms WHERE id = ?";
interface RoomRow { id: number; title: string | null; owner: string }
export class Room extends DurableObject<Env> {
  sql: SqlStorage;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec("CREATE TABLE IF NOT EXISTS rooms (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
      this.setup();
    });
  }
  setup() { this.store = this.ctx.storage; }
  #q(query: string, ...params: unknown[]) { return this.sql.exec(query, ...params); }
  get(id: number) { return this.sql.exec<RoomRow>(BY_ID, id).one(); }
  find(title: string) { return this.sql.exec(`SELECT id FROM rooms WHERE title = '${title}'`).toArray(); }
  all() { return this.sql.exec<{ id: string }>("SELECT id, title FROM rooms").toArray(); }
  titles() { return this.#q("SELECT titel FROM rooms").toArray(); }
  rename(id: number, title: string) { this.sql.exec("UPDATE rooms SET title = ? WHERE id = ?", title, id); }
  async later() { await this.store.setAlarm(Date.now() + 1000); }
  async block() { await this.ctx.blockConcurrencyWhile(async () => {}); }
  count() { return this.sql.exec("SELECT count(*) AS n FROM rooms WHERE nope = 1").one().n; }
  seen = 0;
  note(n: number) { this.seen = n; }
  async join(name: string) {
    const seats = await this.ctx.storage.get<number>("seats");
    if (seats !== undefined && seats > 0) {
      await scheduler.wait(100);
      await this.ctx.storage.put("seats", seats - 1);
    }
  }
  async fetch(request: Request) {
    const url = new URL(request.url);
    if (url.pathname === "/a") return new Response("a");
    if (url.pathname === "/b") return new Response("b");
    return new Response("none");
  }
}
export class Log extends DurableObject<Env> {
  append(line: string) { this.ctx.storage.sql.exec("INSERT INTO lines (text) VALUES (?)", line); }
  q(strings: TemplateStringsArray, ...values: SqlStorageValue[]) { return this.ctx.storage.sql.exec(strings.join("?"), ...values).toArray(); }
  last(n: number) { return this.q`SELECT text FROM lines LIMIT ${n} OFFSET ${n} ?`; }
  async alarm() {}
}
export default {
  async fetch(req: Request, env: Env) {
    const room = env.ROOMS.getByName("global");
    room.rename(1, "x");
    return new Response(String(await room.count()));
  },
};
"#;

    const INSERTS: &[&str] = &[
        "", " ", "x", "}", "{", "\"", ";", "\n", "(", ")", "this.other = this.sql;", "this.sql", "CREATE TABLE lines (text TEXT);",
        "titel", "title", "alarm() {}", "setTimeout(() => {}, 5);", "install(this);", "await fetch(\"https://x\");",
        "${title}", "'", "<RoomRow>", "owner", "?", ": number",
    ];

    fn diagnostics_of(a: &Analysis) -> String {
        let mut out = String::new();
        for p in ["/w/src/index.ts", "/w/wrangler.jsonc"] {
            for d in a.diagnostics(Path::new(p)) {
                out.push_str(&format!("{} {:?} {:?} {} {:?} {:?}\n", d.code, d.range, d.severity, d.message, d.related, d.fixes));
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]
        /// Whatever the edits, the diagnostics worked out incrementally (segments remembered
        /// from the earlier texts) are exactly those of a fresh analysis of the same files.
        #[test]
        fn remembered_segments_give_the_diagnostics_of_a_fresh_analysis(
            edits in proptest::collection::vec((0usize..MODULE.len(), 0usize..4, prop::sample::select(INSERTS.to_vec())), 1..7)
        ) {
            let path = Path::new("/w/src/index.ts");
            let files = |text: String| [(PathBuf::from("/w/wrangler.jsonc"), WRANGLER.to_string()), (path.to_path_buf(), text)];
            let mut a = Analysis::new();
            a.set_files(files(MODULE.to_string()));
            let _ = diagnostics_of(&a);
            for (at, len, insert) in edits {
                let text = a.file(path).unwrap().text().to_string();
                let edit = crate::test_support::edit_within(&text, at, len, insert);
                prop_assert!(a.apply_edits(path, &[edit]), "edit refused");
                let incremental = diagnostics_of(&a);
                let mut fresh = Analysis::new();
                fresh.set_files(files(a.file(path).unwrap().text().to_string()));
                // The fresh analysis parses from scratch; compare only where both read the
                // same tree, node for node and byte for byte (error recovery in broken text may
                // differ, see lib.rs).
                let dump = |a: &Analysis| crate::test_support::dump(&a.source(path).unwrap().tree);
                let same_tree = dump(&a) == dump(&fresh);
                if same_tree {
                    prop_assert_eq!(incremental, diagnostics_of(&fresh));
                }
            }
        }
    }

    #[test]
    fn one_walk_finds_what_walking_each_segment_finds() {
        let mut text = String::from("import { DurableObject } from \"cloudflare:workers\";\nf(1);\nexport class A extends DurableObject {\n");
        for i in 0..40 {
            text.push_str(&format!("  m{i}(x: number) {{ g(x, () => h({i})); if (x) {{ new Map(k()); }} }}\n  f{i} = () => q({i});\n"));
        }
        text.push_str("  n() { class Inner { z() { y(); } } return new Inner(); }\n}\nfinal();\n");
        let path = Path::new("/w/src/index.ts");
        let mut a = Analysis::new();
        a.set_file(path, text);
        let src = a.source(path).unwrap();
        let layout = Layout::of(src);
        let root = src.tree.root_node();
        let segs: Vec<Seg> = layout.segments().collect();
        assert!(segs.len() > 16, "the one-walk path must be taken");
        let describe = |nodes: &SegmentNodes<'_>| {
            let calls: Vec<String> = nodes.calls.iter().zip(&nodes.ancestors).map(|(c, up)| format!("{:?}<{}", crate::syntax::node_range(*c), up.iter().map(|n| n.kind_name()).collect::<Vec<_>>().join("/"))).collect();
            let news: Vec<_> = nodes.news.iter().map(|n| crate::syntax::node_range(*n)).collect();
            format!("{calls:?} {news:?}")
        };
        let together: Vec<String> = layout.collect(&segs, root, None, false).iter().map(describe).collect();
        let one_by_one: Vec<String> = segs.iter().map(|s| describe(&layout.collect(&[*s], root, None, false)[0])).collect();
        assert_eq!(together, one_by_one);
        let total: usize = layout.collect(&segs, root, None, false).iter().map(|n| n.calls.len()).sum();
        assert_eq!(total, 2 + 40 * 4 + 1, "every call is in exactly one segment");

        // With hits: exactly the calls of a full walk whose text holds a hit, with the same
        // ancestors, for all segments at once and for each alone.
        let hits = layout.hits(&src.text, &segs, Look::Words(&["h(", "y("])).unwrap();
        let holds = |n: &Node<'_>| hits.iter().any(|&h| n.start_byte() <= h && h < n.end_byte());
        let expected: Vec<String> = layout
            .collect(&segs, root, None, false)
            .into_iter()
            .map(|mut n| {
                let keep: Vec<bool> = n.calls.iter().map(holds).collect();
                let mut k = keep.iter();
                n.calls.retain(|_| *k.next().unwrap());
                let mut k = keep.iter();
                n.ancestors.retain(|_| *k.next().unwrap());
                n.news.retain(holds);
                describe(&n)
            })
            .collect();
        let together: Vec<String> = layout.collect(&segs, root, Some(&hits), false).iter().map(describe).collect();
        let one_by_one: Vec<String> = segs.iter().map(|s| describe(&layout.collect(&[*s], root, Some(&hits), false)[0])).collect();
        assert_eq!(together, expected);
        assert_eq!(one_by_one, expected);
        let found: Vec<&str> = layout
            .collect(&segs, root, Some(&hits), false)
            .iter()
            .flat_map(|n| n.calls.clone())
            .map(|c| &src.text[c.start_byte()..c.end_byte()])
            .collect();
        // Per method: `g(x, () => h(i))` and `h(i)`; and `y()` inside the nested class.
        assert_eq!(found.len(), 40 * 2 + 1, "{found:?}");
        assert!(found.iter().all(|c| c.contains("h(") || c.contains("y(")), "{found:?}");

        // The lints' hits find every call a full walk finds, with the same ancestors, and
        // every body's block, also in a body without calls.
        let mut text2 = src.text.to_string();
        text2.insert_str(text2.rfind("  n() {").unwrap(), "  quiet() { this.x = 1; }\n  tagged() { return t`a${1}`; }\n");
        let mut a2 = Analysis::new();
        a2.set_file(path, text2);
        let src2 = a2.source(path).unwrap();
        let layout2 = Layout::of(src2);
        let root2 = src2.tree.root_node();
        let segs2: Vec<Seg> = layout2.segments().collect();
        let hits2 = layout2.hits(&src2.text, &segs2, Look::Calls).unwrap();
        let block = |n: &SegmentNodes<'_>| (n.block.map(crate::syntax::node_range), n.block_ancestors.iter().map(|b| b.kind_name().to_string()).collect::<Vec<_>>());
        let full = layout2.collect(&segs2, root2, None, false);
        let hit = layout2.collect(&segs2, root2, Some(&hits2), true);
        assert_eq!(full.iter().map(describe).collect::<Vec<_>>(), hit.iter().map(describe).collect::<Vec<_>>());
        assert_eq!(full.iter().map(block).collect::<Vec<_>>(), hit.iter().map(block).collect::<Vec<_>>());
        assert!(hit.iter().any(|n| n.calls.is_empty() && n.block.is_some()), "a body without calls has its block");
        assert!(hit.iter().flat_map(|n| &n.calls).any(|c| src2.text[c.byte_range()].starts_with("t`")), "a tagged template is a call");

        // The hits of some segments are those of all segments that lie in them.
        for look in [Look::Calls, Look::Words(&["h(", "y("])] {
            let all = layout2.hits(&src2.text, &segs2, look).unwrap();
            for part in segs2.chunks(5) {
                let inside = |h: usize| match layout2.body_index(h) {
                    Some(k) => part.contains(&Seg::Body(k)),
                    None => part.contains(&Seg::Outer),
                };
                let expected: Vec<usize> = all.iter().copied().filter(|&h| inside(h)).collect();
                assert_eq!(layout2.hits(&src2.text, part, look).unwrap(), expected);
            }
        }

        // A thread given some of the segments walks only their part of the tree, and finds
        // what the walk of all of them finds there.
        for hits in [None, Some(hits.as_slice())] {
            let together: Vec<String> = layout.collect(&segs, root, hits, false).iter().map(describe).collect();
            for parts in [2, 3, 7] {
                let size = segs.len().div_ceil(parts);
                let apart: Vec<String> = segs.chunks(size).flat_map(|part| layout.collect(part, root, hits, false)).map(|n| describe(&n)).collect();
                assert_eq!(apart, together, "{parts} parts");
            }
        }
        // So do the lints' runs, which pass over a hit at a node's own first byte.
        let together: Vec<String> = layout2.collect(&segs2, root2, Some(&hits2), true).iter().map(describe).collect();
        for parts in [2, 3, 7] {
            let size = segs2.len().div_ceil(parts);
            let apart: Vec<String> = segs2.chunks(size).flat_map(|part| layout2.collect(part, root2, Some(&hits2), true)).map(|n| describe(&n)).collect();
            assert_eq!(apart, together, "{parts} parts");
        }
    }

    #[test]
    fn runs_are_neighbours_with_about_as_much_text_each() {
        let mut text = String::from("export class A {\n");
        for i in 0..400 {
            text.push_str(&format!("  m{i}() {{ {} }}\n", "x(); ".repeat(30)));
        }
        text.push_str("}\n");
        let path = Path::new("/w/src/index.ts");
        let mut a = Analysis::new();
        a.set_file(path, text);
        let layout = Layout::of(a.source(path).unwrap());
        let segs: Vec<Seg> = layout.segments().collect();
        let text = &a.source(path).unwrap().text;
        assert_eq!(layout.runs(&segs, 1, text, Look::Everything), vec![segs.clone()]);
        let runs = layout.runs(&segs, 3, text, Look::Everything);
        assert_eq!(runs.len(), 3);
        assert_eq!(runs.concat(), segs, "every segment once, in order");
        let bodies = |r: &Vec<Seg>| r.iter().filter(|s| matches!(s, Seg::Body(_))).count();
        assert!(runs.iter().all(|r| (110..=150).contains(&bodies(r))), "{:?}", runs.iter().map(bodies).collect::<Vec<_>>());
        // Little text is not worth a thread.
        assert_eq!(layout.runs(&segs[..20], 3, text, Look::Everything).len(), 1);
    }

    /// With hits, a run's share is its hits: the bodies full of calls are spread over the
    /// threads, whatever their length in bytes.
    #[test]
    fn runs_share_the_hits() {
        let mut text = String::from("export class A {\n");
        for i in 0..400 {
            // The first half: long bodies of comments; the second: short bodies of calls.
            let body = if i < 200 { format!("// {}", "y".repeat(600)) } else { "x(); ".repeat(20) };
            text.push_str(&format!("  m{i}() {{\n {body}\n }}\n"));
        }
        text.push_str("}\n");
        let path = Path::new("/w/src/index.ts");
        let mut a = Analysis::new();
        a.set_file(path, text.clone());
        let layout = Layout::of(a.source(path).unwrap());
        let segs: Vec<Seg> = layout.segments().collect();
        let hits = layout.hits(&text, &segs, Look::Calls).expect("calls are looked for by their hits");
        let runs = layout.runs(&segs, 2, &text, Look::Calls);
        assert_eq!(runs.concat(), segs, "every segment once, in order");
        let calls = |r: &Vec<Seg>| r.iter().map(|s| match s { Seg::Body(k) => { let r = layout.bodies[*k].range; hits.iter().filter(|&&h| r.start <= h && h < r.end).count() } Seg::Outer => 0 }).sum::<usize>();
        let shares: Vec<usize> = runs.iter().map(calls).collect();
        assert_eq!(shares.len(), 2);
        assert!(shares.iter().all(|&c| (1800..=2500).contains(&c)), "{shares:?}");
        // By bytes alone, the first thread would get the comments and a few calls.
        let by_bytes: Vec<usize> = layout.runs(&segs, 2, &text, Look::Everything).iter().map(calls).collect();
        assert!(by_bytes[0] < 1000, "{by_bytes:?}");
    }

    /// A file's first run on several threads gives exactly what one thread gives.
    #[test]
    fn threads_give_the_diagnostics_of_one_thread() {
        // Many copies of the module's methods, with the reports they make, in one large class.
        let start = MODULE.find("  setup() {").unwrap();
        let end = MODULE.find("  async fetch(request").unwrap();
        let mut methods = String::new();
        for i in 0..120 {
            let copy = MODULE[start..end].replace("setup()", &format!("setup{i}()")).replace("#q(", &format!("#q{i}(")).replace("this.#q(", &format!("this.#q{i}("));
            methods.push_str(&copy.replace("  get(", &format!("  get{i}(")).replace("  find(", &format!("  find{i}(")).replace("  all(", &format!("  all{i}(")).replace("  titles(", &format!("  titles{i}(")).replace("  rename(", &format!("  rename{i}(")).replace("  async later(", &format!("  async later{i}(")).replace("  async block(", &format!("  async block{i}(")).replace("  count(", &format!("  count{i}(")).replace("  seen = 0;", &format!("  seen{i} = 0;")).replace("  note(", &format!("  note{i}(")).replace("this.seen = n", &format!("this.seen{i} = n")).replace("  async join(", &format!("  async join{i}(")));
        }
        let module = format!("{}{}{}", &MODULE[..end], methods, &MODULE[end..]);
        assert!(module.len() > 64 * 1024, "large enough for threads: {}", module.len());
        let run = |threads: usize| {
            THREADS.set(Some(threads));
            let mut a = Analysis::new();
            a.set_files([(PathBuf::from("/w/wrangler.jsonc"), WRANGLER.to_string()), (PathBuf::from("/w/src/index.ts"), module.clone())]);
            let found = diagnostics_of(&a);
            THREADS.set(None);
            found
        };
        let one = run(1);
        assert!(one.lines().count() > 120 * 5, "the copies report too: {}", one.lines().count());
        assert_eq!(run(2), one);
        assert_eq!(run(3), one);
    }

    #[test]
    fn the_module_has_diagnostics_to_keep() {
        let mut a = Analysis::new();
        a.set_files([(PathBuf::from("/w/wrangler.jsonc"), WRANGLER.to_string()), (PathBuf::from("/w/src/index.ts"), MODULE.to_string())]);
        let found = diagnostics_of(&a);
        for code in [
            "sql-unknown-column", "global-singleton-stub", "block-concurrency-outside-constructor", "stub-call-not-awaited",
            "check-then-act-across-await", "legacy-fetch-routing", "state-only-in-memory",
            "sql-injection",
            "sql-row-missing-column",
            "sql-row-extra-column",
            "sql-row-type-mismatch",
            "sql-syntax",
        ] {
            assert!(found.contains(code), "{code} missing from:\n{found}");
        }
    }
}
