//! Project settings: `dols.toml`, next to the wrangler config, and the editor's settings.
//!
//! ```toml
//! [lint]
//! stub-call-not-awaited = "error"
//! timers-in-durable-object = "off"
//! ```
//!
//! Each section is read on its own, so that a later section (for example `[sql]`) can be
//! added without touching the others. Unknown sections are reported, never fatal: whatever
//! could be read is used.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Severity};
use crate::text::TextRange;

/// The file name of the project settings.
pub const SETTINGS_FILE_NAME: &str = "dols.toml";

pub const SETTINGS_INVALID: &str = "settings-invalid";

/// How loudly a rule reports, or `Off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "off" => Level::Off,
            "hint" => Level::On(Severity::Hint),
            "info" => Level::On(Severity::Info),
            "warning" | "warn" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::On(s) => s.as_str(),
        }
    }
}

/// Per-rule levels chosen by the user, by rule code.
pub type LintLevels = BTreeMap<String, Level>;

/// What a `dols.toml` holds, plus what was wrong with it.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `[lint]`: per-rule levels.
    pub lint: LintLevels,
    /// Problems found while reading, with their byte ranges in the file.
    pub problems: Vec<(TextRange, Severity, String)>,
}

const SECTIONS: &[&str] = &["lint"];

/// Reads a `dols.toml`. Never fails: a broken file yields the entries that could be read.
pub fn parse_settings(text: &str) -> Settings {
    let mut out = Settings::default();
    let doc: toml::Spanned<toml::Table> = match toml::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            let range = e.span().map(|s| TextRange::new(s.start, s.end)).unwrap_or(TextRange::new(0, 0));
            out.problems.push((range, Severity::Error, format!("dols.toml is not valid TOML: {}", e.message())));
            return out;
        }
    };
    // Spans of keys and values come from a second, span-keeping read of the same text.
    let spans = key_spans(text);
    for (section, value) in doc.get_ref() {
        let range = spans.get(section.as_str()).copied().unwrap_or(TextRange::new(0, 0));
        if !SECTIONS.contains(&section.as_str()) {
            out.problems.push((range, Severity::Warning, format!("Unknown section `{section}` in dols.toml (known: {}).", SECTIONS.join(", "))));
            continue;
        }
        let toml::Value::Table(table) = value else {
            out.problems.push((range, Severity::Error, format!("`{section}` must be a table (`[{section}]`).")));
            continue;
        };
        if section == "lint" {
            read_lint(table, &spans, &mut out);
        }
    }
    out.problems.sort_by_key(|(range, _, _)| range.start);
    out
}

fn read_lint(table: &toml::Table, spans: &BTreeMap<String, TextRange>, out: &mut Settings) {
    for (code, value) in table {
        let range = spans.get(&format!("lint.{code}")).copied().unwrap_or(TextRange::new(0, 0));
        if crate::lints::rule(code).is_none() {
            out.problems.push((range, Severity::Warning, format!("Unknown rule `{code}` in `[lint]` (see `dols rules`).")));
            continue;
        }
        match value.as_str().and_then(Level::parse) {
            Some(level) => {
                out.lint.insert(code.clone(), level);
            }
            None => out.problems.push((
                range,
                Severity::Error,
                format!("The level of `{code}` must be one of \"off\", \"hint\", \"info\", \"warning\", \"error\"."),
            )),
        }
    }
}

/// Byte ranges of top-level tables (`lint`) and their keys (`lint.<key>`), found by a plain
/// line scan: enough to place a diagnostic, and harmless when it finds nothing.
fn key_spans(text: &str) -> BTreeMap<String, TextRange> {
    let mut out = BTreeMap::new();
    let mut section = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let content = trimmed.trim_end();
        if let Some(name) = content.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            section = name.trim().to_string();
            out.entry(section.clone()).or_insert(TextRange::new(offset + lead, offset + lead + content.len()));
        } else if let Some(eq) = content.find('=') {
            let key = content[..eq].trim().trim_matches('"');
            if !key.is_empty() && !key.starts_with('#') {
                let full = if section.is_empty() { key.to_string() } else { format!("{section}.{key}") };
                out.entry(full).or_insert(TextRange::new(offset + lead, offset + lead + content.len()));
            }
        }
        offset += line.len();
    }
    out
}

/// The diagnostics of a `dols.toml`.
pub(crate) fn settings_diagnostics(path: &std::path::Path, settings: &Settings) -> Vec<Diagnostic> {
    settings
        .problems
        .iter()
        .map(|(range, severity, message)| Diagnostic::new(path, *range, *severity, SETTINGS_INVALID, message.clone()))
        .collect()
}

/// Reads editor settings for lints: `{ "stub-call-not-awaited": "off", … }` (the value of
/// `dols.lint`). Entries with an unknown code or level are skipped.
pub fn lint_levels_from_json(value: &serde_json::Value) -> LintLevels {
    let mut out = LintLevels::new();
    if let Some(map) = value.as_object() {
        for (code, level) in map {
            if crate::lints::rule(code).is_none() {
                continue;
            }
            if let Some(level) = level.as_str().and_then(Level::parse) {
                out.insert(code.clone(), level);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_and_reports_problems() {
        let text = "[lint]\nstub-call-not-awaited = \"error\"\ntimers-in-durable-object = \"off\"\nno-such-rule = \"hint\"\nglobal-singleton-stub = \"loud\"\n[sqlx]\n";
        let s = parse_settings(text);
        assert_eq!(s.lint.get("stub-call-not-awaited"), Some(&Level::On(Severity::Error)));
        assert_eq!(s.lint.get("timers-in-durable-object"), Some(&Level::Off));
        assert_eq!(s.lint.len(), 2);
        let problems: Vec<(&str, &str)> = s.problems.iter().map(|(r, _, m)| (&text[r.as_range()], m.as_str())).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].0, "no-such-rule = \"hint\"");
        assert_eq!(problems[1].0, "global-singleton-stub = \"loud\"");
        assert_eq!(problems[2].0, "[sqlx]");
    }

    #[test]
    fn broken_toml_is_one_problem() {
        let s = parse_settings("[lint\n");
        assert!(s.lint.is_empty());
        assert_eq!(s.problems.len(), 1);
        assert!(s.problems[0].2.starts_with("dols.toml is not valid TOML"));
    }

    #[test]
    fn editor_levels() {
        let v = serde_json::json!({ "stub-call-not-awaited": "hint", "nope": "off", "timers-in-durable-object": 3 });
        let l = lint_levels_from_json(&v);
        assert_eq!(l.len(), 1);
        assert_eq!(l["stub-call-not-awaited"], Level::On(Severity::Hint));
    }
}
