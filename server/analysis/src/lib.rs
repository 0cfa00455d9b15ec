//! dols-analysis: everything dols knows about a Durable Objects project, computed on plain
//! data. No I/O and no protocol types: callers hand in file texts and edits, and get back
//! byte ranges, labels and Markdown. The LSP server and the `dols check` command both sit on
//! [`Analysis`].

pub mod catalog;
pub mod config;
pub mod diagnostics;
pub mod ide;
pub mod model;
pub mod project;
pub mod lints;
pub mod reference;
pub mod settings;
pub mod status;
pub mod syntax;
pub mod text;

mod checks;
#[cfg(test)]
mod test_support;
mod infer;
mod parallel;
mod segments;
pub mod sql;

use crate::syntax::NodeExt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tree_sitter::Tree;

pub use diagnostics::{Diagnostic, Severity};
pub use sql::ide::{ClassSchema, SqlToken, SqlTokenKind};
pub use ide::{CompletionItem, CompletionKind, Hover, NavTarget, Pass, SignatureHelp, SignatureInfo};
pub use syntax::{SourceKind, TextEdit};
pub use text::{Encoding, LineCol, LineIndex, TextRange};

use config::{ConfigFormat, WranglerConfig};
use model::FileModel;

/// What kind of file a path is, by its name alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Source(SourceKind),
    Config(ConfigFormat),
    /// `dols.toml`: dols's own project settings.
    Settings,
    /// A `.sql` file: schema statements when `[sql] migrations` names it, else unread.
    Sql,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        if name == settings::SETTINGS_FILE_NAME {
            return Some(FileKind::Settings);
        }
        if let Some(f) = ConfigFormat::from_file_name(name) {
            return Some(FileKind::Config(f));
        }
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("sql") {
            return Some(FileKind::Sql);
        }
        SourceKind::from_extension(ext).map(FileKind::Source)
    }
}

/// A parsed TypeScript/JavaScript file.
/// How many threads the analysis uses for a file's first run (`DOLS_ANALYSIS_THREADS`, or
/// the machine's cores up to 4).
pub fn analysis_threads() -> usize {
    segments::threads()
}

#[derive(Clone)]
pub struct SourceFile {
    pub kind: SourceKind,
    pub text: Arc<str>,
    pub tree: Tree,
    pub line_index: Arc<LineIndex>,
    pub model: Arc<FileModel>,
    /// How the file is cut for incremental diagnostics, worked out on first use.
    layout: std::sync::OnceLock<Arc<segments::Layout>>,
}

impl SourceFile {
    fn file_text(&self) -> &str {
        &self.text
    }
}

/// A parsed wrangler config.
#[derive(Clone)]
pub struct ConfigFile {
    pub format: ConfigFormat,
    pub text: Arc<str>,
    pub line_index: Arc<LineIndex>,
    pub config: Arc<WranglerConfig>,
}

/// A parsed `dols.toml`.
#[derive(Clone)]
pub struct SettingsFile {
    pub text: Arc<str>,
    pub line_index: Arc<LineIndex>,
    pub settings: Arc<settings::Settings>,
}

/// A `.sql` file, split into statements.
#[derive(Clone)]
pub struct SqlFile {
    pub text: Arc<str>,
    pub line_index: Arc<LineIndex>,
    pub(crate) script: Arc<sql::Script>,
}

#[derive(Clone)]
pub enum File {
    Source(SourceFile),
    Config(ConfigFile),
    Settings(SettingsFile),
    Sql(SqlFile),
}

impl File {
    pub fn text(&self) -> &str {
        match self {
            File::Source(s) => &s.text,
            File::Config(c) => &c.text,
            File::Settings(s) => &s.text,
            File::Sql(s) => &s.text,
        }
    }
    pub fn line_index(&self) -> &LineIndex {
        match self {
            File::Source(s) => &s.line_index,
            File::Config(c) => &c.line_index,
            File::Settings(s) => &s.line_index,
            File::Sql(s) => &s.line_index,
        }
    }
}

/// The analysis state: every known file, parsed, and the worker projects they form.
/// Cloning is cheap (shared texts and trees), so a server can hand snapshots to readers.
#[derive(Clone, Default)]
pub struct Analysis {
    files: BTreeMap<PathBuf, File>,
    projects: Arc<project::Projects>,
    /// Shadow databases and prepared-statement results, shared by every snapshot.
    sql: Arc<sql::Engine>,
    /// Per-segment results of the diagnostics passes, shared by every snapshot.
    memo: Arc<Memos>,
    /// Lint levels from the editor's settings; they win over `dols.toml`.
    lint_overrides: Arc<settings::LintLevels>,
    /// SQL settings from the editor (`dols.sql.*`); added to those of `dols.toml`.
    sql_overrides: Arc<settings::SqlSettings>,
    /// The schema statements of installed packages whose base classes create tables.
    packages: Arc<BTreeMap<String, Arc<sql::PackageSchema>>>,
    /// A number per file that changes whenever the file does: what other files' remembered
    /// results are keyed by.
    revisions: BTreeMap<PathBuf, u64>,
}

/// What the incremental passes remember per file segment (see `segments`).
#[derive(Default)]
pub(crate) struct Memos {
    pub sql: sql::SqlMemo,
    /// Lint reports per segment, before levels and suppressions.
    pub lints: segments::Memo<lints::SegmentLints>,
}

/// Revisions are unique in the process, so a file removed and added again never repeats one.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Analysis {
    pub fn new() -> Self {
        keep_freed_memory();
        Self::default()
    }

    /// Sets a file's whole text (open, reload from disk). Paths that are neither sources nor
    /// wrangler configs are ignored; returns whether the file was taken.
    pub fn set_file(&mut self, path: &Path, text: String) -> bool {
        let taken = self.insert_file(path, text);
        if taken {
            self.rebuild_projects();
        }
        taken
    }

    /// Sets many files at once (loading a workspace), rebuilding the project model once.
    /// Returns how many were taken.
    pub fn set_files(&mut self, files: impl IntoIterator<Item = (PathBuf, String)>) -> usize {
        let taken = files.into_iter().map(|(path, text)| self.insert_file(&path, text)).filter(|taken| *taken).count();
        if taken > 0 {
            self.rebuild_projects();
        }
        taken
    }

    fn insert_file(&mut self, path: &Path, text: String) -> bool {
        let Some(kind) = FileKind::of(path) else { return false };
        let file = match kind {
            FileKind::Source(kind) => {
                let tree = syntax::parse(kind, &text, None);
                File::Source(make_source(path, kind, text, tree))
            }
            FileKind::Config(format) => File::Config(make_config(format, text)),
            FileKind::Settings => File::Settings(make_settings(text)),
            FileKind::Sql => File::Sql(make_sql(path, text)),
        };
        self.files.insert(path.to_path_buf(), file);
        self.revisions.insert(path.to_path_buf(), next_revision());
        true
    }

    /// Applies edits in order (each range refers to the text after the previous edits), then
    /// reparses incrementally. Returns false when the file is unknown or an edit is out of range.
    pub fn apply_edits(&mut self, path: &Path, edits: &[TextEdit]) -> bool {
        let Some(file) = self.files.get(path) else { return false };
        let mut text = file.text().to_string();
        let valid = |t: &str, e: &TextEdit| {
            e.range.start <= e.range.end
                && e.range.end <= t.len()
                && t.is_char_boundary(e.range.start)
                && t.is_char_boundary(e.range.end)
        };
        let new_file = match file {
            File::Source(src) => {
                let mut edited = src.tree.clone();
                for (i, e) in edits.iter().enumerate() {
                    if !valid(&text, e) {
                        return false;
                    }
                    // The stored line index matches the text only before the first edit.
                    let lines = (i == 0).then_some(&*src.line_index);
                    syntax::apply_edit(&mut text, &mut edited, e, lines);
                }
                let in_string = match edits {
                    [e] => syntax::keeps_tokens_in_string(src.file_text(), &src.tree, e)
                        && src.model.method_body_around(e.range.start, e.range.end).is_some(),
                    _ => false,
                };
                let (tree, model) = if in_string {
                    // Typing inside a string literal of a method body: the tree keeps its
                    // shape, `tree.edit` has moved every position, and the model only shifts.
                    // Tree-sitter catches up on the next structural edit.
                    #[cfg(test)]
                    tests::REPARSES_SKIPPED.with(|n| n.set(n.get() + 1));
                    let e = &edits[0];
                    let delta = e.new_text.len() as isize - e.range.len() as isize;
                    (edited, Some(Arc::new(src.model.shifted(e.range.end, delta))))
                } else {
                    let tree = syntax::parse(src.kind, &text, Some(&edited));
                    let model = match edits {
                        [e] => reuse_model(src, &edited, &tree, e),
                        _ => None,
                    };
                    (tree, model)
                };
                let model = model.unwrap_or_else(|| Arc::new(FileModel::build(path, &text, &tree)));
                let line_index = Arc::new(LineIndex::new(&text));
                File::Source(SourceFile { kind: src.kind, text: text.into(), tree, line_index, model, layout: Default::default() })
            }
            File::Config(cfg) => {
                for e in edits {
                    if !valid(&text, e) {
                        return false;
                    }
                    text.replace_range(e.range.as_range(), &e.new_text);
                }
                File::Config(make_config(cfg.format, text))
            }
            File::Settings(_) => {
                for e in edits {
                    if !valid(&text, e) {
                        return false;
                    }
                    text.replace_range(e.range.as_range(), &e.new_text);
                }
                File::Settings(make_settings(text))
            }
            File::Sql(_) => {
                for e in edits {
                    if !valid(&text, e) {
                        return false;
                    }
                    text.replace_range(e.range.as_range(), &e.new_text);
                }
                File::Sql(make_sql(path, text))
            }
        };
        self.files.insert(path.to_path_buf(), new_file);
        self.revisions.insert(path.to_path_buf(), next_revision());
        self.rebuild_projects();
        true
    }

    pub fn remove_file(&mut self, path: &Path) -> bool {
        let removed = self.files.remove(path).is_some();
        self.revisions.remove(path);
        self.memo.sql.forget(path);
        self.memo.lints.forget(path);
        if removed {
            self.rebuild_projects();
        }
        removed
    }

    pub fn file(&self, path: &Path) -> Option<&File> {
        self.files.get(path)
    }

    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        match self.files.get(path)? {
            File::Source(s) => Some(s),
            _ => None,
        }
    }

    pub fn config(&self, path: &Path) -> Option<&ConfigFile> {
        match self.files.get(path)? {
            File::Config(c) => Some(c),
            _ => None,
        }
    }

    /// The settings that apply to a file: the nearest `dols.toml` at or above it.
    pub fn settings_for(&self, path: &Path) -> Option<&SettingsFile> {
        path.ancestors().skip(1).find_map(|dir| match self.files.get(&dir.join(settings::SETTINGS_FILE_NAME))? {
            File::Settings(s) => Some(s),
            _ => None,
        })
    }

    /// Sets the lint levels chosen in the editor (`dols.lint.<code>`); they win over `dols.toml`.
    pub fn set_lint_overrides(&mut self, levels: settings::LintLevels) {
        self.lint_overrides = Arc::new(levels);
    }

    pub fn lint_overrides(&self) -> &settings::LintLevels {
        &self.lint_overrides
    }

    /// Reads the schema statements of an installed package (`agents`, …) from its JavaScript
    /// files; classes built on its base classes are checked against them. An empty list
    /// forgets the package.
    pub fn set_package_sources(&mut self, package: &str, files: Vec<(PathBuf, String)>) {
        let mut packages = (*self.packages).clone();
        if files.is_empty() {
            packages.remove(package);
        } else {
            packages.insert(package.to_string(), Arc::new(sql::package_schema(&files)));
        }
        self.packages = Arc::new(packages);
    }

    pub(crate) fn package_schema(&self, package: &str) -> Option<&sql::PackageSchema> {
        self.packages.get(package).map(|p| &**p)
    }

    /// Sets the SQL settings chosen in the editor (`dols.sql.*`); they add to `dols.toml`'s.
    pub fn set_sql_overrides(&mut self, sql: settings::SqlSettings) {
        self.sql_overrides = Arc::new(sql);
    }

    pub fn sql_overrides(&self) -> &settings::SqlSettings {
        &self.sql_overrides
    }

    /// The SQL settings that apply to a file: its `dols.toml`'s `[sql]` and the editor's.
    pub(crate) fn sql_settings_for(&self, path: &Path) -> settings::SqlSettings {
        match self.settings_for(path) {
            Some(s) => s.settings.sql.merged(&self.sql_overrides),
            None => (*self.sql_overrides).clone(),
        }
    }

    /// The `[sql] migrations` entries that apply at a path, each with the directory its path
    /// is relative to: the nearest `dols.toml`'s, then the editor's (relative to the project).
    pub(crate) fn migration_sources(&self, path: &Path) -> Vec<(PathBuf, settings::MigrationSource)> {
        let mut out = Vec::new();
        let file_dir = path.ancestors().skip(1).find_map(|dir| match self.files.get(&dir.join(settings::SETTINGS_FILE_NAME))? {
            File::Settings(s) => Some((dir, s)),
            _ => None,
        });
        if let Some((dir, s)) = file_dir {
            out.extend(s.settings.sql.migrations.iter().map(|m| (dir.to_path_buf(), m.clone())));
        }
        if !self.sql_overrides.migrations.is_empty() {
            let base = self.projects.for_file(path).map(|p| p.root.clone()).or(file_dir.map(|(d, _)| d.to_path_buf()));
            if let Some(base) = base {
                for m in &self.sql_overrides.migrations {
                    if !out.iter().any(|(d, o)| *d == base && o == m) {
                        out.push((base.clone(), m.clone()));
                    }
                }
            }
        }
        out
    }

    /// The `.sql` files one migrations entry names, in the order they run: a file itself; a
    /// folder's `.sql` files by name; a glob's matches by path.
    pub(crate) fn migration_files(&self, base: &Path, source: &settings::MigrationSource) -> Vec<PathBuf> {
        let rel = source.path.trim_start_matches("./");
        let sql_files = || self.files.iter().filter(|(_, f)| matches!(f, File::Sql(_))).map(|(p, _)| p);
        if rel.contains(['*', '?']) {
            let mut out: Vec<PathBuf> = sql_files()
                .filter(|p| p.strip_prefix(base).is_ok_and(|r| settings::glob_matches(rel, &r.to_string_lossy().replace('\\', "/"))))
                .cloned()
                .collect();
            out.sort();
            return out;
        }
        let target = base.join(rel.trim_end_matches('/'));
        if matches!(self.files.get(&target), Some(File::Sql(_))) {
            return vec![target];
        }
        // BTreeMap order is path order, which within one folder is name order.
        sql_files().filter(|p| p.parent() == Some(target.as_path())).cloned().collect()
    }

    /// The `.sql` files replayed before a class's own schema statements (`None`: code outside
    /// classes), in order, without repeats.
    pub(crate) fn migrations_for(&self, path: &Path, class: Option<&str>) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        for (base, source) in self.migration_sources(path) {
            if source.applies_to(class) {
                for f in self.migration_files(&base, &source) {
                    if !out.contains(&f) {
                        out.push(f);
                    }
                }
            }
        }
        out
    }

    pub(crate) fn sql_file(&self, path: &Path) -> Option<&SqlFile> {
        match self.files.get(path)? {
            File::Sql(s) => Some(s),
            _ => None,
        }
    }

    /// Whether `[sql] exclude` (in the file's `dols.toml` or the editor's settings) leaves a
    /// file out of SQL checking.
    pub fn sql_excluded(&self, path: &Path) -> bool {
        let rel = |base: &Path| path.strip_prefix(base).ok().map(|r| r.to_string_lossy().replace('\\', "/"));
        let file_globs = path.ancestors().skip(1).find_map(|dir| match self.files.get(&dir.join(settings::SETTINGS_FILE_NAME))? {
            File::Settings(s) => Some((dir, s)),
            _ => None,
        });
        if let Some((dir, s)) = file_globs
            && let Some(rel) = rel(dir)
            && s.settings.sql.exclude.iter().any(|g| settings::glob_matches(g, &rel))
        {
            return true;
        }
        if self.sql_overrides.exclude.is_empty() {
            return false;
        }
        // Editor globs are relative to the project (the wrangler config's directory).
        let base = self.projects.for_file(path).map(|p| p.root.as_path()).or(file_globs.map(|(d, _)| d));
        let rel = base.and_then(rel).unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"));
        self.sql_overrides.exclude.iter().any(|g| settings::glob_matches(g, &rel))
    }

    pub fn files(&self) -> impl Iterator<Item = (&Path, &File)> {
        self.files.iter().map(|(p, f)| (p.as_path(), f))
    }

    /// Every file with its revision.
    pub(crate) fn revisions(&self) -> impl Iterator<Item = (&Path, u64)> {
        self.revisions.iter().map(|(p, r)| (p.as_path(), *r))
    }

    pub fn projects(&self) -> &project::Projects {
        &self.projects
    }

    fn rebuild_projects(&mut self) {
        self.projects = Arc::new(project::Projects::build(&self.files));
    }

    /// Every diagnostic of one file.
    pub fn diagnostics(&self, path: &Path) -> Vec<Diagnostic> {
        ide::diagnostics(self, path)
    }

    /// The diagnostics of one pass over a file (benchmarks time the passes one by one).
    pub fn pass_diagnostics(&self, path: &Path, pass: Pass) -> Vec<Diagnostic> {
        ide::pass_diagnostics(self, path, pass)
    }

    /// How many SQL statements have been prepared against shadow schemas so far (cache
    /// misses only). Edits outside SQL strings must not move it.
    pub fn sql_prepare_count(&self) -> usize {
        self.sql.prepare_count()
    }

    /// Completion items at a byte offset.
    pub fn completion(&self, path: &Path, offset: usize) -> Vec<CompletionItem> {
        ide::completion(self, path, offset, ide::ApiMembers::All)
    }

    /// Completion items at a byte offset, with the members of the Durable Objects API after
    /// `.` limited as `members` says (see [`ide::ApiMembers`]).
    pub fn completion_with(&self, path: &Path, offset: usize, members: ide::ApiMembers) -> Vec<CompletionItem> {
        ide::completion(self, path, offset, members)
    }

    pub fn hover(&self, path: &Path, offset: usize) -> Option<Hover> {
        ide::hover(self, path, offset)
    }

    pub fn signature_help(&self, path: &Path, offset: usize) -> Option<SignatureHelp> {
        ide::signature_help(self, path, offset)
    }

    pub fn definition(&self, path: &Path, offset: usize) -> Vec<NavTarget> {
        ide::definition(self, path, offset)
    }

    /// The mentions of the table or column at a position inside an SQL string, across the
    /// queries and schema statements of its class: (file, range of the name).
    pub fn references(&self, path: &Path, offset: usize, include_declaration: bool) -> Vec<(PathBuf, TextRange)> {
        sql::ide::references(self, path, offset, include_declaration)
    }

    /// Highlighting for the SQL inside `exec` strings (all of the file's, or those touching
    /// `range`): source ranges, sorted, without overlaps.
    pub fn sql_semantic_tokens(&self, path: &Path, range: Option<TextRange>) -> Vec<SqlToken> {
        sql::ide::semantic_tokens(self, path, range)
    }

    /// The shadow schema of every class that has one.
    pub fn class_schemas(&self) -> Vec<ClassSchema> {
        sql::ide::class_schemas(self)
    }

    /// The shadow schema of the class at a byte offset: the class around it, else the file's
    /// only class with a schema.
    pub fn class_schema_at(&self, path: &Path, offset: usize) -> Option<ClassSchema> {
        sql::ide::class_schema_at(self, path, offset)
    }

    /// Code actions over a range that do not fix a diagnostic (refactorings): for now, adding
    /// the row type of an `exec` call from the columns its query returns.
    pub fn code_actions(&self, path: &Path, range: TextRange) -> Vec<diagnostics::Fix> {
        sql::actions(self, path, range)
    }
}

fn make_source(path: &Path, kind: SourceKind, text: String, tree: Tree) -> SourceFile {
    let line_index = Arc::new(LineIndex::new(&text));
    let model = Arc::new(FileModel::build(path, &text, &tree));
    SourceFile { kind, text: text.into(), tree, line_index, model, layout: Default::default() }
}

/// Typing inside a method body — nearly every keystroke — leaves the classes, signatures and
/// exports as they were: when tree-sitter reports no structural change outside that body, the
/// old model is kept with its ranges moved instead of being rebuilt from the tree.
fn reuse_model(old: &SourceFile, edited: &Tree, new: &Tree, edit: &TextEdit) -> Option<Arc<FileModel>> {
    let body = old.model.method_body_around(edit.range.start, edit.range.end)?;
    let delta = edit.new_text.len() as isize - edit.range.len() as isize;
    let body_end = (body.end as isize + delta) as usize;
    let inside = |r: tree_sitter::Range| body.start < r.start_byte && r.end_byte < body_end;
    if !edited.changed_ranges(new).all(inside) {
        return None;
    }
    // The body must still be one block ending where it did (no brace typed or removed).
    let block = new.root_node().descendant_for_byte_range(body.start, body_end)?;
    if block.kind_name() != "statement_block" || block.start_byte() != body.start || block.end_byte() != body_end {
        return None;
    }
    #[cfg(test)]
    tests::MODELS_REUSED.with(|n| n.set(n.get() + 1));
    Some(Arc::new(old.model.shifted(edit.range.end, delta)))
}

fn make_sql(path: &Path, text: String) -> SqlFile {
    let script = Arc::new(sql::read_script(path, &text));
    let line_index = Arc::new(LineIndex::new(&text));
    SqlFile { text: text.into(), line_index, script }
}

fn make_settings(text: String) -> SettingsFile {
    let settings = Arc::new(settings::parse_settings(&text));
    let line_index = Arc::new(LineIndex::new(&text));
    SettingsFile { text: text.into(), line_index, settings }
}

fn make_config(format: ConfigFormat, text: String) -> ConfigFile {
    let config = Arc::new(config::parse_wrangler(format, &text));
    let line_index = Arc::new(LineIndex::new(&text));
    ConfigFile { format, text: text.into(), line_index, config }
}

/// Asks the C allocator to keep freed memory for reuse instead of handing it back to the
/// system after each pass. A file's first run allocates some megabytes on two threads and
/// frees them at the end; given back, they came back as 150 to 200 page faults on the next
/// run (about a tenth of a cold SQL check here). Only memory above 64 MiB is given back, and
/// blocks up to 16 MiB come from the heap, where freed ones are reused.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: `mallopt` only changes glibc's allocation thresholds.
            unsafe {
                libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
                libc::mallopt(libc::M_MMAP_THRESHOLD, 16 << 20);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cell::Cell;

    thread_local! {
        pub(super) static MODELS_REUSED: Cell<usize> = const { Cell::new(0) };
        pub(super) static REPARSES_SKIPPED: Cell<usize> = const { Cell::new(0) };
    }

    #[test]
    fn typing_in_a_method_body_keeps_the_model() {
        let path = Path::new("/w/src/index.ts");
        let mut a = Analysis::new();
        a.set_file(path, SRC.to_string());
        let before = MODELS_REUSED.with(Cell::get);
        let at = SRC.find("UPDATE t").unwrap();
        assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(at, at), new_text: "x".into() }]));
        assert_eq!(MODELS_REUSED.with(Cell::get), before + 1, "an edit inside a string in a body reuses the model");
        let brace = SRC.find("    const sql").unwrap();
        assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(brace, brace), new_text: "}".into() }]));
        assert_eq!(MODELS_REUSED.with(Cell::get), before + 1, "a brace changes the structure: rebuilt");
        let m = &a.source(path).unwrap().model;
        assert!(m.class("Counter").is_some());
    }

    const SRC: &str = r#"import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (n INTEGER)");
  }
  /** Adds one. */
  async increment(by = 1): Promise<number> {
    const sql = this.ctx.storage.sql;
    return sql.exec("UPDATE t SET n = n + ? RETURNING n", by).one().n as number;
  }
  handle = async (x: string) => { return x; };
  get total(): number { return 1; }
}
export default { fetch() { return new Response("ok"); } };
"#;

    #[test]
    fn typing_inside_a_string_skips_the_reparse() {
        let path = Path::new("/w/src/index.ts");
        let mut a = Analysis::new();
        a.set_file(path, SRC.to_string());
        let before = REPARSES_SKIPPED.with(Cell::get);
        let at = SRC.find("SET n").unwrap() + 1;
        assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(at, at), new_text: "xy".into() }]));
        assert_eq!(REPARSES_SKIPPED.with(Cell::get), before + 1);
        let quote = SRC.find("SET n").unwrap();
        assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(quote, quote), new_text: "\"".into() }]));
        assert_eq!(REPARSES_SKIPPED.with(Cell::get), before + 1, "a quote changes the tokens: reparsed");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        /// Edits inside string literals (the keystrokes that skip the reparse) leave a tree
        /// identical, node for node and byte for byte, to a fresh parse of the new text.
        #[test]
        fn trees_kept_through_string_edits_match_a_fresh_parse(
            edits in proptest::collection::vec((0usize..4, 0usize..40, 0usize..3, prop::sample::select(vec!["", " ", "x", "é", "\"", "`", "${", "\n", ";"])), 1..12)
        ) {
            let path = Path::new("/w/src/index.ts");
            let mut a = Analysis::new();
            a.set_file(path, STRINGS.to_string());
            for (which, at, len, insert) in edits {
                let text = a.file(path).unwrap().text().to_string();
                // Aim inside the n-th string literal of the text.
                let starts: Vec<usize> = text.match_indices(['"', '`']).map(|(i, _)| i + 1).collect();
                let base = starts[which % starts.len()];
                let edit = crate::test_support::edit_within(&text, base + at % 8, len, insert);
                prop_assert!(a.apply_edits(path, &[edit]), "edit refused");
                let src = a.source(path).unwrap();
                // Broken text may be cut differently by error recovery (see below); a string
                // edit that kept the tree always leaves text without errors.
                let fresh = syntax::parse(src.kind, &src.text, None);
                if !fresh.root_node().has_error() {
                    prop_assert_eq!(crate::test_support::dump(&src.tree), crate::test_support::dump(&fresh));
                }
                let rebuilt = FileModel::build(path, &src.text, &src.tree);
                prop_assert_eq!(format!("{:?}", src.model), format!("{rebuilt:?}"));
            }
        }
    }

    const STRINGS: &str = r#"export class Q extends DurableObject<Env> {
  list(): unknown[] {
    const a = this.ctx.storage.sql.exec("SELECT id, name FROM items WHERE id = ?", 1).toArray();
    const b = this.ctx.storage.sql.exec(`SELECT ${T} FROM items`).toArray();
    return [a, b, 'single quoted text', `plain template`];
  }
}
"#;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        /// Whatever the edit (inside a body, across braces, anywhere), the model kept through
        /// an incremental edit equals the model built afresh from the same tree; and where
        /// the text has no syntax error, that tree is the one a fresh parse gives. (In broken
        /// text, tree-sitter's error recovery may cut an edited tree differently from a fresh
        /// parse; both are fair readings.)
        #[test]
        fn incremental_model_matches_a_fresh_one(
            edits in proptest::collection::vec((0usize..SRC.len(), 0usize..6, prop::sample::select(vec!["", " ", "x", "}", "{", "\"", "\n", "a.b(", "// c\n", "/**/"])), 1..8)
        ) {
            let path = Path::new("/w/src/index.ts");
            let mut a = Analysis::new();
            a.set_file(path, SRC.to_string());
            for (at, len, insert) in edits {
                let text = a.file(path).unwrap().text().to_string();
                let edit = crate::test_support::edit_within(&text, at, len, insert);
                prop_assert!(a.apply_edits(path, &[edit]), "edit refused");
                let src = a.source(path).unwrap();
                let rebuilt = FileModel::build(path, &src.text, &src.tree);
                prop_assert_eq!(format!("{:?}", src.model), format!("{rebuilt:?}"));
                let fresh = syntax::parse(src.kind, &src.text, None);
                if !fresh.root_node().has_error() {
                    prop_assert_eq!(crate::test_support::dump(&src.tree), crate::test_support::dump(&fresh));
                }
            }
        }
    }
}
