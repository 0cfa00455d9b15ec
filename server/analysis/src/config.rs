//! The wrangler configuration model (`wrangler.jsonc`, `wrangler.json`, `wrangler.toml`):
//! only what the Durable Objects tooling needs, every value with its byte range so that
//! diagnostics and go-to-definition can point into the file.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Severity};
use crate::text::TextRange;

/// File names recognised as a worker project's configuration, in wrangler's order of preference.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["wrangler.jsonc", "wrangler.json", "wrangler.toml"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    Jsonc,
    Toml,
}

impl ConfigFormat {
    /// The format for a config file name, or `None` when the name is not a wrangler config.
    pub fn from_file_name(name: &str) -> Option<Self> {
        match name {
            "wrangler.jsonc" | "wrangler.json" => Some(ConfigFormat::Jsonc),
            "wrangler.toml" => Some(ConfigFormat::Toml),
            _ => None,
        }
    }
}

/// A value and the byte range of its literal in the config text (for strings: including quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WranglerConfig {
    pub name: Option<Spanned<String>>,
    /// The worker's entry module, relative to the config file's directory.
    pub main: Option<Spanned<String>>,
    pub compatibility_date: Option<Spanned<String>>,
    pub compatibility_flags: Vec<Spanned<String>>,
    /// Durable Object bindings of the top level and of every named environment.
    pub bindings: Vec<DoBinding>,
    /// The top-level `migrations` list, in order.
    pub migrations: Vec<Migration>,
    /// The declarative `exports` map (the 2026 alternative to migrations).
    pub exports: Vec<ExportEntry>,
    /// Syntax errors: the file could not be read completely. Whatever could be read is kept.
    pub syntax_errors: Vec<SyntaxError>,
    /// What wrangler itself would reject or warn about, judged from this file alone. Left empty
    /// when there are syntax errors (a half-read file would produce false problems).
    pub problems: Vec<ConfigProblem>,
}

/// A mistake in a config file that parses: a missing or mistyped field, an unknown key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    pub range: TextRange,
    pub severity: Severity,
    /// `config-invalid` (wrangler refuses the file) or `config-unexpected-field` (wrangler warns).
    pub code: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoBinding {
    /// The property on `env`.
    pub name: Spanned<String>,
    pub class_name: Spanned<String>,
    /// Set when the class lives in another worker.
    pub script_name: Option<Spanned<String>>,
    pub environment: Option<Spanned<String>>,
    /// The named environment (`env.<name>`) the binding belongs to; `None` at the top level.
    pub env: Option<String>,
    /// The range of the whole binding object/table, for diagnostics about the binding as a whole.
    pub range: TextRange,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Migration {
    pub tag: Option<Spanned<String>>,
    pub new_sqlite_classes: Vec<Spanned<String>>,
    pub new_classes: Vec<Spanned<String>>,
    pub renamed_classes: Vec<RenamedClass>,
    pub deleted_classes: Vec<Spanned<String>>,
    pub transferred_classes: Vec<TransferredClass>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenamedClass {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferredClass {
    pub from: Spanned<String>,
    pub from_script: Option<Spanned<String>>,
    pub to: Spanned<String>,
}

/// One entry of the declarative `exports` map with `"type": "durable-object"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportEntry {
    /// The class name (the map key).
    pub class: Spanned<String>,
    /// `"sqlite"` or `"legacy-kv"`; `None` when absent.
    pub storage: Option<Spanned<String>>,
    /// `"created"` (the default), `"deleted"`, `"renamed"`, `"transferred"`, `"expecting-transfer"`.
    pub state: Option<Spanned<String>>,
    pub renamed_to: Option<Spanned<String>>,
    pub range: TextRange,
}

/// Storage backend a class is created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    LegacyKv,
}

/// Parses a wrangler config. Never fails: syntax errors are recorded in
/// [`WranglerConfig::syntax_errors`] with exact ranges, and whatever could be read is returned.
pub fn parse_wrangler(format: ConfigFormat, text: &str) -> WranglerConfig {
    match format {
        ConfigFormat::Jsonc => jsonc::parse(text),
        ConfigFormat::Toml => toml_format::parse(text),
    }
}

/// The diagnostics of a config file on its own: syntax errors (`config-syntax`) and problems.
pub fn config_diagnostics(path: &Path, config: &WranglerConfig) -> Vec<Diagnostic> {
    let syntax = config.syntax_errors.iter().map(|e| {
        Diagnostic::new(
            path,
            e.range,
            Severity::Error,
            "config-syntax",
            e.message.clone(),
        )
    });
    let problems = config
        .problems
        .iter()
        .map(|p| Diagnostic::new(path, p.range, p.severity, p.code, p.message.clone()));
    syntax.chain(problems).collect()
}

/// A non-empty range for an error a parser reported at `range`, which may be empty (a position
/// between tokens). An empty range grows to the next visible character on the same line, or
/// else to the previous visible character, so that an editor has something to underline.
fn error_range(text: &str, range: TextRange) -> TextRange {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end > start {
        return TextRange::new(start, end);
    }
    let char_at = |i: usize| text[i..].chars().next().map(|c| (i, c.len_utf8()));
    let next = text[start..]
        .char_indices()
        .take_while(|&(_, c)| c != '\n' && c != '\r')
        .find(|&(_, c)| !c.is_whitespace())
        .and_then(|(i, _)| char_at(start + i));
    let previous = || {
        text[..start]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_whitespace())
            .and_then(|(i, _)| char_at(i))
    };
    let first = || text.char_indices().next().and_then(|(i, _)| char_at(i));
    match next.or_else(previous).or_else(first) {
        Some((i, len)) => TextRange::new(i, i + len),
        None => TextRange::new(start, end),
    }
}

mod jsonc;
mod read;
mod toml_format;

#[cfg(test)]
mod tests;
