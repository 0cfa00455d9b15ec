//! Shared by the analysis tests: multi-file fixtures and diagnostics drawn under their lines.
//!
//! A fixture holds one or more files, each introduced by a `//- /path` line; a `$0` marks the
//! cursor. Text without any `//- ` line is one file, `/w/src/index.ts`.

use crate::syntax::NodeExt;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::{Analysis, Encoding, LineIndex, TextEdit, TextRange};

pub struct Fixture {
    pub analysis: Analysis,
    /// The file holding `$0` (or `/w/src/index.ts`) and the marker's offset (0 without one).
    pub cursor_file: PathBuf,
    pub offset: usize,
}

pub fn fixture(src: &str) -> Fixture {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for line in src.lines() {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((PathBuf::from(path.trim()), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if files.is_empty() {
        files.push((PathBuf::from("/w/src/index.ts"), src.to_string()));
    }
    let mut cursor = None;
    for (path, text) in &mut files {
        if let Some(at) = text.find("$0") {
            text.replace_range(at..at + 2, "");
            cursor = Some((path.clone(), at));
        }
    }
    let mut analysis = Analysis::new();
    analysis.set_files(files);
    let (cursor_file, offset) = cursor.unwrap_or_else(|| (PathBuf::from("/w/src/index.ts"), 0));
    Fixture { analysis, cursor_file, offset }
}

/// `file:line:col "text"` for a range, 1-based.
pub fn render_range(a: &Analysis, file: &Path, range: crate::TextRange) -> String {
    let text = a.file(file).unwrap().text();
    let start = LineIndex::new(text).line_col(text, range.start, Encoding::Utf8);
    format!("{}:{}:{} {:?}", file.display(), start.line + 1, start.col + 1, &text[range.as_range()])
}

/// The diagnostics of `path` that `keep` selects, each drawn under its source line (squawk
/// style), so that a range off by one shows in review. `none` is the text for no diagnostics.
pub fn render_diagnostics(a: &Analysis, path: &Path, keep: impl Fn(&Diagnostic) -> bool, none: &str) -> String {
    let text = a.file(path).unwrap().text().to_string();
    let idx = LineIndex::new(&text);
    let mut out = String::new();
    for d in a.diagnostics(path).into_iter().filter(|d| keep(d)) {
        let s = idx.line_col(&text, d.range.start, Encoding::Utf8);
        let e = idx.line_col(&text, d.range.end, Encoding::Utf8);
        let line = text.lines().nth(s.line as usize).unwrap_or("");
        let width = if e.line == s.line { (e.col - s.col).max(1) } else { (line.len() as u32 - s.col).max(1) };
        out.push_str(&format!(
            "{:<3} | {}\n    | {}{} {}[{}] {}\n",
            s.line + 1,
            line.trim_end(),
            " ".repeat(s.col as usize),
            "^".repeat(width as usize),
            d.severity.as_str(),
            d.code,
            d.message
        ));
        for r in &d.related {
            out.push_str(&format!("    = related: {} {}\n", render_range(a, &r.file, r.range), r.message));
        }
        for f in &d.fixes {
            out.push_str(&format!("    = fix: {}\n", f.title));
        }
    }
    if out.is_empty() {
        out.push_str(none);
        out.push('\n');
    }
    out
}

/// An edit for property tests: replaces `len` bytes at `at` (both clamped to the text and moved
/// back to character boundaries) with `insert`.
pub fn edit_within(text: &str, at: usize, len: usize, insert: &str) -> TextEdit {
    let mut start = at.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    TextEdit { range: TextRange::new(start, end), new_text: insert.to_string() }
}

/// Every node of a tree with its kind and byte range, for comparing trees exactly (an
/// S-expression leaves the ranges out).
pub fn dump(tree: &tree_sitter::Tree) -> String {
    let mut out = String::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let n = cursor.node();
        out.push_str(&format!("{}@{}..{} ", n.kind_name(), n.start_byte(), n.end_byte()));
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}
