//! IDE features on plain data: completion, hover, signature help, go-to-definition, diagnostics.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::text::TextRange;
use crate::Analysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Method,
    Property,
    Snippet,
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

pub(crate) fn diagnostics(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    match a.config(path) {
        Some(file) => crate::config::config_diagnostics(path, &file.config),
        None => Vec::new(),
    }
}

pub(crate) fn completion(_a: &Analysis, _path: &Path, _offset: usize) -> Vec<CompletionItem> {
    Vec::new()
}

pub(crate) fn hover(_a: &Analysis, _path: &Path, _offset: usize) -> Option<Hover> {
    None
}

pub(crate) fn signature_help(_a: &Analysis, _path: &Path, _offset: usize) -> Option<SignatureHelp> {
    None
}

pub(crate) fn definition(_a: &Analysis, _path: &Path, _offset: usize) -> Vec<NavTarget> {
    Vec::new()
}
