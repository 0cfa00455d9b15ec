//! Project settings: `dols.toml`, next to the wrangler config, and the editor's settings.
//!
//! ```toml
//! [lint]
//! stub-call-not-awaited = "error"
//! timers-in-durable-object = "off"
//!
//! [sql]
//! exclude = ["test/**", "**/*.spec.ts"]   # files whose SQL is not checked
//! tags = ["db.sql"]                      # tagged templates whose `${}` become bindings
//! wrappers = ["this.query"]              # calls that run `(query, ...bindings)` like `exec`
//! migrations = ["migrations", { path = "sql/chat", classes = ["ChatRoom"] }]
//!                                        # `.sql` files replayed before each class's own DDL
//!
//! [test]
//! allow_fetch = ["api.example.com"]      # hosts `dols test` may send requests to
//! ```
//!
//! `[test]` is read by `dols test`; here it is only checked for its shape, so that a mistake
//! shows in the editor.
//!
//! Each section is read on its own. Unknown sections are reported, never fatal: whatever
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
    /// `[sql]`: what the SQL checks read and skip.
    pub sql: SqlSettings,
    /// Problems found while reading, with their byte ranges in the file.
    pub problems: Vec<(TextRange, Severity, String)>,
}

/// The `[sql]` section (and the editor's `dols.sql.*`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SqlSettings {
    /// Globs of files whose SQL is not checked, relative to the directory of the `dols.toml`
    /// (or, from the editor, to the project's directory). A glob without `/` matches a file
    /// or directory name at any depth.
    pub exclude: Vec<String>,
    /// Tags of tagged templates that run their text as a query with each `${}` bound as a
    /// `?` parameter, as written at the call (`sql`, `this.sql`, `db.query`).
    pub tags: Vec<String>,
    /// Functions and methods called like `exec`: the query first, then its bindings, as
    /// written at the call (`runQuery`, `this.query`).
    pub wrappers: Vec<String>,
    /// `.sql` files whose schema statements run before a class's own: migration files that
    /// the class's code applies (a migrations library, a build step), in order.
    pub migrations: Vec<MigrationSource>,
}

/// One `[sql] migrations` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MigrationSource {
    /// A folder (its `.sql` files, in name order), a `.sql` file, or a glob of `.sql` files
    /// (in path order), relative to the directory of the `dols.toml` (from the editor: to the
    /// project's directory).
    pub path: String,
    /// The classes it applies to; empty for every class of the project.
    pub classes: Vec<String>,
}

impl MigrationSource {
    pub fn applies_to(&self, class: Option<&str>) -> bool {
        self.classes.is_empty() || class.is_some_and(|c| self.classes.iter().any(|x| x == c))
    }
}

impl SqlSettings {
    /// Both sets of entries (`dols.toml` and the editor's), without repeats.
    pub fn merged(&self, other: &SqlSettings) -> SqlSettings {
        let join = |a: &[String], b: &[String]| {
            let mut out = a.to_vec();
            out.extend(b.iter().filter(|x| !a.contains(x)).cloned());
            out
        };
        let mut migrations = self.migrations.clone();
        migrations.extend(other.migrations.iter().filter(|m| !self.migrations.contains(m)).cloned());
        SqlSettings {
            exclude: join(&self.exclude, &other.exclude),
            tags: join(&self.tags, &other.tags),
            wrappers: join(&self.wrappers, &other.wrappers),
            migrations,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.exclude.is_empty() && self.tags.is_empty() && self.wrappers.is_empty() && self.migrations.is_empty()
    }
}

const SECTIONS: &[&str] = &["lint", "sql", "test"];
const SQL_KEYS: &[&str] = &["exclude", "tags", "wrappers", "migrations"];
const TEST_KEYS: &[&str] = &["allow_fetch"];

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
        match section.as_str() {
            "lint" => read_lint(table, &spans, &mut out),
            "test" => check_test(table, &spans, &mut out),
            _ => read_sql(table, &spans, &mut out),
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

fn read_sql(table: &toml::Table, spans: &BTreeMap<String, TextRange>, out: &mut Settings) {
    for (key, value) in table {
        let range = spans.get(&format!("sql.{key}")).copied().unwrap_or(TextRange::new(0, 0));
        if !SQL_KEYS.contains(&key.as_str()) {
            out.problems.push((range, Severity::Warning, format!("Unknown key `{key}` in `[sql]` (known: {}).", SQL_KEYS.join(", "))));
            continue;
        }
        if key == "migrations" {
            match value.as_array().map(|items| items.iter().map(migration_from_toml).collect::<Result<Vec<_>, String>>()) {
                Some(Ok(list)) => out.sql.migrations = list,
                Some(Err(problem)) => out.problems.push((range, Severity::Error, problem)),
                None => out.problems.push((range, Severity::Error, MIGRATIONS_SHAPE.to_string())),
            }
            continue;
        }
        let list: Option<Vec<String>> = value.as_array().and_then(|items| items.iter().map(|v| v.as_str().map(str::to_string)).collect());
        let Some(list) = list else {
            out.problems.push((range, Severity::Error, format!("`{key}` must be a list of strings (`{key} = [\"…\"]`).")));
            continue;
        };
        let list: Vec<String> = list.into_iter().map(|s| if key == "exclude" { s } else { compact(&s) }).filter(|s| !s.is_empty()).collect();
        match key.as_str() {
            "exclude" => out.sql.exclude = list,
            "tags" => out.sql.tags = list,
            _ => out.sql.wrappers = list,
        }
    }
}

const MIGRATIONS_SHAPE: &str =
    "`migrations` must be a list of paths or tables (`migrations = [\"migrations\", { path = \"sql/chat\", classes = [\"ChatRoom\"] }]`).";

/// One `migrations` entry: a path, or `{ path = "…", classes = ["…"] }` (`class = "…"` for one).
fn migration_from_toml(v: &toml::Value) -> Result<MigrationSource, String> {
    if let Some(path) = v.as_str() {
        return Ok(MigrationSource { path: path.to_string(), classes: Vec::new() });
    }
    let table = v.as_table().ok_or_else(|| MIGRATIONS_SHAPE.to_string())?;
    if let Some(k) = table.keys().find(|k| !["path", "classes", "class"].contains(&k.as_str())) {
        return Err(format!("Unknown key `{k}` in a `migrations` entry (known: path, classes, class)."));
    }
    let path = table.get("path").and_then(|p| p.as_str()).ok_or_else(|| "A `migrations` entry needs a `path` (a folder, a `.sql` file or a glob).".to_string())?;
    let mut classes = Vec::new();
    if let Some(c) = table.get("class") {
        classes.push(c.as_str().ok_or_else(|| "`class` must be a class name.".to_string())?.to_string());
    }
    if let Some(list) = table.get("classes") {
        let names: Option<Vec<String>> = list.as_array().and_then(|l| l.iter().map(|c| c.as_str().map(str::to_string)).collect());
        classes.extend(names.ok_or_else(|| "`classes` must be a list of class names.".to_string())?);
    }
    Ok(MigrationSource { path: path.to_string(), classes })
}

/// Checks the shape of `[test]` (what `dols test` reads): known keys, lists of strings.
fn check_test(table: &toml::Table, spans: &BTreeMap<String, TextRange>, out: &mut Settings) {
    for (key, value) in table {
        let range = spans.get(&format!("test.{key}")).copied().unwrap_or(TextRange::new(0, 0));
        if !TEST_KEYS.contains(&key.as_str()) {
            out.problems.push((range, Severity::Warning, format!("Unknown key `{key}` in `[test]` (known: {}).", TEST_KEYS.join(", "))));
            continue;
        }
        if !value.as_array().is_some_and(|items| items.iter().all(|v| v.is_str())) {
            out.problems.push((range, Severity::Error, format!("`{key}` must be a list of strings (`{key} = [\"api.example.com\"]`).")));
        }
    }
}

/// A callee as written, without spaces (`this . query` → `this.query`).
pub(crate) fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Reads the editor's SQL settings: `{ "exclude": [...], "tags": [...], "wrappers": [...],
/// "migrations": ["folder", { "path": "…", "classes": [...] }] }` (the value of `dols.sql`).
/// Entries of the wrong shape are skipped.
pub fn sql_settings_from_json(value: &serde_json::Value) -> SqlSettings {
    let list = |key: &str, raw: bool| -> Vec<String> {
        value
            .get(key)
            .and_then(|v| v.as_array())
            .map(|items| items.iter().filter_map(|v| v.as_str()).map(|s| if raw { s.to_string() } else { compact(s) }).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    };
    let migrations = value
        .get("migrations")
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|v| match v {
                    serde_json::Value::String(path) => Some(MigrationSource { path: path.clone(), classes: Vec::new() }),
                    serde_json::Value::Object(o) => {
                        let path = o.get("path")?.as_str()?.to_string();
                        let mut classes: Vec<String> = o.get("class").and_then(|c| c.as_str()).map(str::to_string).into_iter().collect();
                        classes.extend(o.get("classes").and_then(|c| c.as_array()).into_iter().flatten().filter_map(|c| c.as_str()).map(str::to_string));
                        Some(MigrationSource { path, classes })
                    }
                    _ => None,
                })
                .filter(|m| !m.path.is_empty())
                .collect()
        })
        .unwrap_or_default();
    SqlSettings { exclude: list("exclude", true), tags: list("tags", false), wrappers: list("wrappers", false), migrations }
}

/// Whether `rel` (a `/`-separated path relative to the glob's base) matches `glob`: `*` and
/// `?` within one path segment, `**` for any number of segments; a glob without `/` matches
/// a file or directory name at any depth.
pub fn glob_matches(glob: &str, rel: &str) -> bool {
    let glob = glob.trim_start_matches("./");
    let glob = glob.strip_prefix('/').unwrap_or(glob);
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    if !glob.contains('/') {
        return parts.iter().any(|name| segment_matches(glob.as_bytes(), name.as_bytes()));
    }
    let pats: Vec<&str> = glob.split('/').filter(|p| !p.is_empty()).collect();
    // A glob naming a directory (`test/`, `test`) covers everything under it.
    path_matches(&pats, &parts) || (!glob.ends_with("**") && path_matches(&[pats.as_slice(), &["**"]].concat(), &parts))
}

fn path_matches(pats: &[&str], parts: &[&str]) -> bool {
    match pats.split_first() {
        None => parts.is_empty(),
        Some((&"**", rest)) => (0..=parts.len()).any(|k| path_matches(rest, &parts[k..])),
        Some((p, rest)) => parts.split_first().is_some_and(|(x, more)| segment_matches(p.as_bytes(), x.as_bytes()) && path_matches(rest, more)),
    }
}

fn segment_matches(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|k| segment_matches(rest, &s[k..])),
        Some((b'?', rest)) => !s.is_empty() && segment_matches(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && segment_matches(rest, &s[1..]),
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
    fn reads_the_sql_section() {
        let text = "[sql]\nexclude = [\"test/**\", \"*.spec.ts\"]\ntags = [\"db . sql\"]\nwrappers = [\"this.query\"]\nnope = 1\n";
        let s = parse_settings(text);
        assert_eq!(s.sql.exclude, ["test/**", "*.spec.ts"]);
        assert_eq!(s.sql.tags, ["db.sql"]);
        assert_eq!(s.sql.wrappers, ["this.query"]);
        let problems: Vec<&str> = s.problems.iter().map(|(r, _, _)| &text[r.as_range()]).collect();
        assert_eq!(problems, ["nope = 1"]);
        let s = parse_settings("[sql]\ntags = \"sql\"\n");
        assert!(s.problems[0].2.contains("must be a list of strings"), "{:?}", s.problems);
    }

    #[test]
    fn the_test_section_is_known_and_checked() {
        assert!(parse_settings("[test]\nallow_fetch = [\"api.example.com\", \"*\"]\n").problems.is_empty());
        let text = "[test]\nallow_fetch = \"api.example.com\"\nallow = []\n";
        let s = parse_settings(text);
        let problems: Vec<(&str, &str)> = s.problems.iter().map(|(r, _, m)| (&text[r.as_range()], m.as_str())).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].1.contains("must be a list of strings"), "{problems:?}");
        assert_eq!(problems[1].0, "allow = []");
    }

    #[test]
    fn migrations_are_paths_or_tables() {
        let s = parse_settings("[sql]\nmigrations = [\"migrations\", { path = \"sql/chat\", classes = [\"ChatRoom\", \"Lobby\"] }, { path = \"x.sql\", class = \"Store\" }]\n");
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let got: Vec<(&str, Vec<&str>)> = s.sql.migrations.iter().map(|m| (m.path.as_str(), m.classes.iter().map(String::as_str).collect())).collect();
        assert_eq!(got, [("migrations", vec![]), ("sql/chat", vec!["ChatRoom", "Lobby"]), ("x.sql", vec!["Store"])]);
        assert!(s.sql.migrations[1].applies_to(Some("Lobby")) && !s.sql.migrations[1].applies_to(Some("Store")) && !s.sql.migrations[1].applies_to(None));
        assert!(s.sql.migrations[0].applies_to(None));
        for (text, problem) in [
            ("[sql]\nmigrations = \"migrations\"\n", "must be a list of paths or tables"),
            ("[sql]\nmigrations = [{ classes = [\"A\"] }]\n", "needs a `path`"),
            ("[sql]\nmigrations = [{ path = \"m\", folder = \"x\" }]\n", "Unknown key `folder`"),
            ("[sql]\nmigrations = [{ path = \"m\", classes = \"A\" }]\n", "`classes` must be a list"),
        ] {
            let s = parse_settings(text);
            assert_eq!(s.problems.len(), 1, "{text}: {:?}", s.problems);
            assert!(s.problems[0].2.contains(problem), "{text}: {:?}", s.problems);
            assert_eq!(&text[s.problems[0].0.as_range()], text.lines().nth(1).unwrap());
        }
        let json = serde_json::json!({ "migrations": ["migrations", { "path": "sql/chat", "class": "ChatRoom" }, 3, { "classes": [] }] });
        let from_editor = sql_settings_from_json(&json);
        assert_eq!(from_editor.migrations, [MigrationSource { path: "migrations".into(), classes: vec![] }, MigrationSource { path: "sql/chat".into(), classes: vec!["ChatRoom".into()] }]);
    }

    #[test]
    fn globs() {
        for (glob, path, want) in [
            ("test/**", "test/a.ts", true),
            ("test/**", "test/deep/a.ts", true),
            ("test/**", "src/test/a.ts", false),
            ("test", "test/a.ts", true),
            ("**/*.test.ts", "src/x/a.test.ts", true),
            ("**/*.test.ts", "a.test.ts", true),
            ("*.spec.ts", "src/deep/a.spec.ts", true),
            ("*.spec.ts", "src/a.ts", false),
            ("src/?.ts", "src/a.ts", true),
            ("src/?.ts", "src/ab.ts", false),
            ("./src/*.ts", "src/a.ts", true),
            ("src/*.ts", "src/x/a.ts", false),
        ] {
            assert_eq!(glob_matches(glob, path), want, "{glob} {path}");
        }
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
