//! Parsing TypeScript and JavaScript with tree-sitter, full and incremental.

use std::cell::RefCell;
use std::sync::LazyLock;

use std::num::NonZeroU16;

use tree_sitter::{InputEdit, Language, Node, Parser, Point, Query, Tree};

use crate::text::TextRange;

/// The source languages dols reads. JavaScript is parsed with the TypeScript grammar (a
/// superset for everything a worker module contains); `.tsx`/`.jsx` need the TSX grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    TypeScript,
    Tsx,
}

impl SourceKind {
    /// The kind for a file extension, or `None` when dols does not read such files.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "ts" | "mts" | "cts" | "js" | "mjs" | "cjs" => Some(SourceKind::TypeScript),
            "tsx" | "jsx" => Some(SourceKind::Tsx),
            _ => None,
        }
    }

    fn language(self) -> Language {
        match self {
            SourceKind::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            SourceKind::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }
}

thread_local! {
    // Parsers are reusable and cheap to keep; one per thread and language.
    static PARSERS: RefCell<Vec<(SourceKind, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parses `text`, reusing `old` (already `edit`ed to match `text`) when given.
pub fn parse(kind: SourceKind, text: &str, old: Option<&Tree>) -> Tree {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let idx = match parsers.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                let mut p = Parser::new();
                p.set_language(&kind.language()).expect("tree-sitter-typescript matches the tree-sitter ABI");
                parsers.push((kind, p));
                parsers.len() - 1
            }
        };
        let parser = &mut parsers[idx].1;
        parser
            .parse(text, old)
            .expect("parse only fails on cancellation or timeout, and neither is set")
    })
}

/// Byte offset → tree-sitter point (row, byte column).
pub fn point_at(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = memchr_count(before);
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Point { row, column: offset - line_start }
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// A replacement of `range` (in the text as it is before this edit) by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// Applies `edit` to `text` and records it in `tree` so that the next [`parse`] with this tree
/// is incremental. `lines` is the line index of `text` before the edit, when the caller has
/// one: it turns the edit's positions into binary searches instead of scans from the start.
/// Whether an edit stays inside the characters of one string literal and can change no token
/// boundary: it neither deletes nor types a quote, backslash, `$`, brace or line break, and it
/// lies strictly inside the literal's text (`string_fragment`), so the literal only grows or
/// shrinks. Such an edit leaves the syntax tree's shape exactly as it was. `old` is the text and
/// tree before the edit, which must have no syntax errors.
pub fn keeps_tokens_in_string(old: &str, tree: &Tree, edit: &TextEdit) -> bool {
    let TextRange { start, end } = edit.range;
    let inert = |s: &str| !s.bytes().any(|b| matches!(b, b'"' | b'\'' | b'`' | b'\\' | b'$' | b'{' | b'}' | b'\n' | b'\r'));
    if end > old.len() || !inert(&edit.new_text) || !inert(&old[start..end]) {
        return false;
    }
    // Error recovery may cut a broken file differently once it is parsed again: only a tree
    // without errors is known to keep its shape.
    if tree.root_node().has_error() {
        return false;
    }
    let Some(node) = tree.root_node().descendant_for_byte_range(start, end) else { return false };
    node.kind_name() == "string_fragment"
        && node.start_byte() < start
        && end < node.end_byte()
        && node.parent().is_some_and(|p| matches!(p.kind_name(), "string" | "template_string"))
}

pub fn apply_edit(text: &mut String, tree: &mut Tree, edit: &TextEdit, lines: Option<&crate::LineIndex>) {
    let TextRange { start, end } = edit.range;
    let point = |offset: usize, text: &str| match lines {
        Some(index) => {
            let lc = index.line_col(text, offset, crate::Encoding::Utf8);
            Point { row: lc.line as usize, column: lc.col as usize }
        }
        None => point_at(text, offset),
    };
    let start_position = point(start, text);
    let old_end_position = point(end, text);
    text.replace_range(start..end, &edit.new_text);
    let new_end = start + edit.new_text.len();
    // The inserted text decides where it ends: rows it adds, and the column after its last break.
    let inserted = edit.new_text.as_bytes();
    let new_end_position = match inserted.iter().rposition(|&b| b == b'\n') {
        Some(last) => Point {
            row: start_position.row + inserted.iter().filter(|&&b| b == b'\n').count(),
            column: inserted.len() - last - 1,
        },
        None => Point { row: start_position.row, column: start_position.column + inserted.len() },
    };
    tree.edit(&InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: new_end,
        start_position,
        old_end_position,
        new_end_position,
    });
}

/// The text of a node.
pub fn node_text<'a>(node: Node<'_>, text: &'a str) -> &'a str {
    &text[node.byte_range()]
}

pub fn node_range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

const MEMBER_ACCESS_SCM: &str = include_str!("../../../grammars/queries/typescript/member-access.scm");

fn compile(kind: SourceKind, source: &str, name: &str) -> Query {
    Query::new(&kind.language(), source).unwrap_or_else(|e| panic!("grammars/queries/typescript/{name} does not fit the grammar: {e}"))
}

static MEMBER_ACCESS_TS: LazyLock<Query> =
    LazyLock::new(|| compile(SourceKind::TypeScript, MEMBER_ACCESS_SCM, "member-access.scm"));
static MEMBER_ACCESS_TSX: LazyLock<Query> = LazyLock::new(|| compile(SourceKind::Tsx, MEMBER_ACCESS_SCM, "member-access.scm"));

/// `grammars/queries/typescript/member-access.scm`, compiled for a file's grammar (node ids
/// differ between the TypeScript and TSX grammars, so each needs its own compiled query).
pub fn member_access_query(kind: SourceKind) -> &'static Query {
    match kind {
        SourceKind::TypeScript => &MEMBER_ACCESS_TS,
        SourceKind::Tsx => &MEMBER_ACCESS_TSX,
    }
}

/// Field ids of one grammar, by name. tree-sitter's `child_by_field_name` compares the name
/// against every field name of the grammar on each call; on a class with a thousand methods
/// that string search dominated building the file model.
struct FieldTable {
    kind_count: usize,
    /// The grammar, by address: a tree's nodes point at it (static grammars are not copied).
    language: usize,
    ids: rustc_hash::FxHashMap<String, NonZeroU16>,
    /// Node kind names by kind id.
    names: Vec<String>,
}

impl FieldTable {
    fn new(kind: SourceKind) -> Self {
        let language = kind.language();
        let ids = (1..=language.field_count() as u16)
            .filter_map(|id| Some((language.field_name_for_id(id)?.to_string(), NonZeroU16::new(id)?)))
            .collect();
        let names = (0..language.node_kind_count() as u16).map(|id| language.node_kind_for_id(id).unwrap_or("").to_string()).collect();
        let kind_count = language.node_kind_count();
        FieldTable { kind_count, language: language.into_raw() as usize, ids, names }
    }
}

static FIELDS: LazyLock<[FieldTable; 2]> = LazyLock::new(|| {
    let tables = [FieldTable::new(SourceKind::TypeScript), FieldTable::new(SourceKind::Tsx)];
    // The grammars are told apart by their node-kind counts (TSX adds the JSX nodes).
    assert_ne!(tables[0].kind_count, tables[1].kind_count, "the TypeScript and TSX grammars must differ");
    tables
});

/// Field access by name, with the name resolved through a per-grammar table; and the node's
/// kind from a table (`Node::kind` measures and checks the C string on every call, and the
/// analysis asks for kinds more than for anything else).
pub trait NodeExt<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
    fn kind_name(&self) -> &'t str;
}

fn table_of(node: &Node<'_>) -> Option<&'static FieldTable> {
    // SAFETY: reads the address of the grammar of the node's tree; nothing is moved or freed.
    let language = unsafe { tree_sitter::ffi::ts_node_language(node.into_raw()) } as usize;
    match FIELDS.iter().find(|t| t.language == language) {
        Some(t) => Some(t),
        // A grammar loaded another way (a copy): told apart by its node-kind count.
        None => {
            let kinds = node.language().node_kind_count();
            FIELDS.iter().find(|t| t.kind_count == kinds)
        }
    }
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        let table = table_of(self)?;
        // A name the grammar does not have is a programming error; treat it as absent.
        let id = *table.ids.get(name)?;
        self.child_by_field_id(id.get())
    }

    fn kind_name(&self) -> &'t str {
        let id = self.kind_id() as usize;
        match table_of(self).and_then(|t| t.names.get(id)) {
            Some(name) => name.as_str(),
            None => self.kind(),
        }
    }
}

/// The ancestors of `node` under `root`, outermost first (without `node` itself). One walk
/// down from the root: tree-sitter finds a parent by searching from the root each time, so
/// climbing with `parent()` costs the depth squared.
pub(crate) fn ancestors<'t>(root: Node<'t>, node: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let (start, end) = (node.start_byte(), node.end_byte());
    let mut cursor = root.walk();
    loop {
        let current = cursor.node();
        if current.id() == node.id() {
            return out;
        }
        out.push(current);
        if cursor.goto_first_child_for_byte(start).is_none() {
            return out;
        }
        loop {
            let n = cursor.node();
            if n.id() == node.id() || (n.start_byte() <= start && end <= n.end_byte()) {
                break;
            }
            if n.start_byte() > start || !cursor.goto_next_sibling() {
                return out;
            }
        }
    }
}

/// A method call `object.name(…)` (also `?.`): its receiver and the method's name; `None` for
/// any other call, a tagged template, or a call whose `)` is missing.
pub(crate) fn member_call<'t>(call: Node<'t>, text: &'t str) -> Option<(Node<'t>, &'t str)> {
    // Read from the text where it can be, and by position, not by field name: this runs for
    // every call, and every child tree-sitter hands out is found by reading the children
    // before it. A call is `function [?.] [type_arguments] arguments`; a tagged template ends
    // with its template where a call ends with `)`.
    if call.end_byte() == 0 || text.as_bytes().get(call.end_byte() - 1) != Some(&b')') {
        return None;
    }
    let mut callee = call.child(0)?;
    // `await a.b<T>(…)` parses as a call of `await a.b` with type arguments.
    if callee.kind_name() == "await_expression" {
        callee = callee.named_child(0)?;
    }
    if callee.kind_name() != "member_expression" {
        return None;
    }
    let object = callee.child(0)?;
    // A member expression is `object (.|?.) property`: its text ends with the property's name,
    // right after the dot (a private `#name` or a comment between is not a method call here).
    let tail = text.get(object.end_byte()..callee.end_byte())?;
    let name_at = tail.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).map_or(0, |i| i + 1);
    let name = &tail[name_at..];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !tail[..name_at].trim_end().ends_with('.') {
        return None;
    }
    Some((object, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parsed tree's nodes point at the grammar the tables were made from, so a node's table
    /// is found by address (the count of node kinds is only the fallback).
    #[test]
    fn nodes_find_their_grammar_by_address() {
        for (kind, table) in [(SourceKind::TypeScript, 0), (SourceKind::Tsx, 1)] {
            let tree = parse(kind, "const x = f(1);", None);
            let node = tree.root_node();
            let language = unsafe { tree_sitter::ffi::ts_node_language(node.into_raw()) } as usize;
            assert_eq!(FIELDS.iter().position(|t| t.language == language), Some(table));
            assert_eq!(node.kind_name(), "program");
            assert_eq!(node.named_child(0).map(|n| n.kind_name()), Some("lexical_declaration"));
        }
    }
}
