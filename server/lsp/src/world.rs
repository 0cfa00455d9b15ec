//! The server's state: the analysis, the open documents, the workspace roots and settings.
//!
//! A [`World`] is immutable once shared: readers hold an `Arc<World>` snapshot, and the one
//! writer (the ordered notification path) changes it through `Arc::make_mut`, which copies
//! only while a snapshot is still in use.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::path::{Path, PathBuf};

use dols_analysis::{Analysis, Encoding, File, FileKind};
use dols_vfs::{MAX_FILE_BYTES, SkipReason};
use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileChangeType, Uri,
};

use crate::document::Document;
use crate::log;
use crate::paths::{path_to_uri, uri_to_path};

/// What the client can do, as far as the server cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientCaps {
    pub snippets: bool,
    /// The client asks for a completion item's documentation when it shows it
    /// (`completionItem/resolve`), so lists go out without it.
    pub resolve_documentation: bool,
    pub definition_links: bool,
    pub watch_registration: bool,
}

#[derive(Clone)]
pub struct World {
    pub analysis: Analysis,
    pub docs: HashMap<PathBuf, Document>,
    pub roots: Vec<PathBuf>,
    pub encoding: Encoding,
    pub caps: ClientCaps,
    /// What `initializationOptions` and then `workspace/didChangeConfiguration` delivered.
    pub settings: Value,
    /// Counts changes; a newer world has a larger revision.
    pub revision: u64,
    /// Shared by every snapshot (see [`CompletionPlaces`]).
    pub completion_places: Arc<CompletionPlaces>,
    /// Whether TypeScript sees the Workers types in each project, by project root
    /// (`dols_vfs::has_workers_types`), for `dols.completion.apiMembers` = "auto".
    pub workers_types: Arc<BTreeMap<PathBuf, bool>>,
}

/// Where the last completion lists were asked for. An item sent without its documentation
/// carries only the number of its list as `data`, instead of the document and position in
/// each of a few hundred items; `completionItem/resolve` finds the place again by it.
#[derive(Default)]
pub struct CompletionPlaces {
    recent: std::sync::Mutex<(u64, std::collections::VecDeque<(u64, lsp::TextDocumentPositionParams)>)>,
}

impl CompletionPlaces {
    /// Lists older than this many are no longer resolved (their items show no documentation).
    const KEPT: usize = 32;

    pub fn remember(&self, place: lsp::TextDocumentPositionParams) -> u64 {
        let mut guard = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let (next, recent) = &mut *guard;
        *next += 1;
        if let Some(same) = recent.iter_mut().find(|(_, p)| *p == place) {
            return same.0;
        }
        recent.push_back((*next, place));
        if recent.len() > Self::KEPT {
            recent.pop_front();
        }
        *next
    }

    pub fn find(&self, id: u64) -> Option<lsp::TextDocumentPositionParams> {
        let guard = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.iter().find(|(n, _)| *n == id).map(|(_, p)| p.clone())
    }
}

impl Default for World {
    fn default() -> Self {
        Self {
            analysis: Analysis::new(),
            docs: HashMap::new(),
            roots: Vec::new(),
            // The protocol's default until `initialize` negotiates.
            encoding: Encoding::Utf16,
            caps: ClientCaps::default(),
            settings: Value::Null,
            revision: 0,
            completion_places: Arc::default(),
            workers_types: Arc::default(),
        }
    }
}

/// The lint levels in the client's settings: `{ "dols": { "lint": { "<code>": "off" } } }`,
/// the same without the `dols` wrapper, or with dotted keys (`"dols.lint": {…}`,
/// `"dols.lint.<code>": "off"`).
pub fn lint_levels(settings: &Value) -> dols_analysis::settings::LintLevels {
    let mut levels = dols_analysis::settings::LintLevels::new();
    let nested = settings
        .get("dols")
        .and_then(|d| d.get("lint"))
        .or_else(|| settings.get("dols.lint"))
        .or_else(|| settings.get("lint"));
    if let Some(table) = nested {
        levels.extend(dols_analysis::settings::lint_levels_from_json(table));
    }
    if let Some(map) = settings.as_object() {
        let dotted: serde_json::Map<String, Value> = map
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("dols.lint.")?.to_string(), v.clone())))
            .collect();
        levels.extend(dols_analysis::settings::lint_levels_from_json(&Value::Object(dotted)));
    }
    levels
}

/// The SQL settings in the client's settings: `{ "dols": { "sql": { "tags": [...],
/// "wrappers": [...], "exclude": [...] } } }`, the same without the `dols` wrapper, or with
/// dotted keys (`"dols.sql": {…}`, `"dols.sql.tags": [...]`).
pub fn sql_settings(settings: &Value) -> dols_analysis::settings::SqlSettings {
    let nested = settings
        .get("dols")
        .and_then(|d| d.get("sql"))
        .or_else(|| settings.get("dols.sql"))
        .or_else(|| settings.get("sql"));
    let mut out = nested.map(dols_analysis::settings::sql_settings_from_json).unwrap_or_default();
    if let Some(map) = settings.as_object() {
        let dotted: serde_json::Map<String, Value> = map
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("dols.sql.")?.to_string(), v.clone())))
            .collect();
        out = out.merged(&dols_analysis::settings::sql_settings_from_json(&Value::Object(dotted)));
    }
    out
}

/// `dols.completion.apiMembers`: whether completion after `.` lists the Durable Objects API
/// members that TypeScript's own completion lists too.
///
/// Only the client knows whether TypeScript's language service runs beside dols, so a client
/// that does (the VS Code extension) sends "auto", its default. Without the setting the server
/// lists every member, as for an editor without TypeScript.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiMembersSetting {
    /// As `Never` in a TypeScript or JavaScript file of a project with the Workers types,
    /// as `Always` elsewhere.
    Auto,
    /// Every member (also when the client did not send the setting).
    #[default]
    Always,
    Never,
}

/// The `apiMembers` setting: `{ "dols": { "completion": { "apiMembers": "never" } } }`, the
/// same without the `dols` wrapper, or with dotted keys. Absent means "always"; an unknown
/// value is logged and read as "auto".
pub fn api_members_setting(settings: &Value) -> ApiMembersSetting {
    let value = settings
        .pointer("/dols/completion/apiMembers")
        .or_else(|| settings.get("dols.completion").and_then(|c| c.get("apiMembers")))
        .or_else(|| settings.get("dols.completion.apiMembers"))
        .or_else(|| settings.pointer("/completion/apiMembers"));
    match value.and_then(Value::as_str) {
        None => ApiMembersSetting::Always,
        Some("always") => ApiMembersSetting::Always,
        Some("never") => ApiMembersSetting::Never,
        Some("auto") => ApiMembersSetting::Auto,
        Some(other) => {
            log::warning!("dols.completion.apiMembers: unknown value {other:?} (expected auto, always or never); using auto");
            ApiMembersSetting::Auto
        }
    }
}

/// The files a change touched, for deciding whose diagnostics to refresh.
#[derive(Debug, Default)]
pub struct Touched {
    pub paths: Vec<PathBuf>,
    /// The projects (see [`project_key`]) the paths belonged to before the change.
    pub keys_before: Vec<Option<PathBuf>>,
    /// Everything may have changed (roots added or removed).
    pub everything: bool,
}

impl World {
    /// The text of a file as a rope: the open document, else the analysed text.
    pub fn rope(&self, path: &Path) -> Option<Rope> {
        if let Some(doc) = self.docs.get(path) {
            return Some(doc.rope().clone());
        }
        self.analysis.file(path).map(|f| Rope::from_str(f.text()))
    }

    /// The URI to use for a path: the one the client opened it with, else a `file://` URI.
    pub fn uri(&self, path: &Path) -> Option<Uri> {
        match self.docs.get(path) {
            Some(doc) => Some(doc.uri.clone()),
            None => path_to_uri(path),
        }
    }

    fn touch(&self, paths: Vec<PathBuf>) -> Touched {
        let keys_before = paths.iter().map(|p| project_key(&self.analysis, p)).collect();
        Touched {
            paths,
            keys_before,
            everything: false,
        }
    }

    /// Every file whose diagnostics a change may have moved: the touched files themselves, and
    /// the open documents and config files of the projects the touched files belonged to before
    /// or belong to now.
    pub fn affected(&self, touched: &Touched) -> BTreeSet<PathBuf> {
        let mut out: BTreeSet<PathBuf> = touched.paths.iter().cloned().collect();
        let candidates = self.docs.keys().map(PathBuf::as_path).chain(self.config_paths());
        if touched.everything {
            out.extend(candidates.map(Path::to_path_buf));
            return out;
        }
        let mut keys: Vec<Option<PathBuf>> = touched.keys_before.clone();
        keys.extend(touched.paths.iter().map(|p| project_key(&self.analysis, p)));
        keys.sort();
        keys.dedup();
        for path in candidates {
            if keys.contains(&project_key(&self.analysis, path)) {
                out.insert(path.to_path_buf());
            }
        }
        out
    }

    pub fn config_paths(&self) -> impl Iterator<Item = &Path> {
        self.analysis
            .files()
            .filter(|(_, f)| matches!(f, File::Config(_)))
            .map(|(p, _)| p)
    }

    // ---- Changes, applied in the order the client sent them ----

    pub fn did_open(&mut self, params: DidOpenTextDocumentParams) -> Option<Touched> {
        let doc = params.text_document;
        let path = analysable_path(&doc.uri)?;
        let touched = self.touch(vec![path.clone()]);
        let document = Document::new(doc.uri, doc.version, &doc.text);
        if document.len_bytes() as u64 > MAX_FILE_BYTES {
            log::info!(
                "{}: open document is {} bytes, over the {MAX_FILE_BYTES}-byte limit; not analysed",
                path.display(),
                document.len_bytes()
            );
            self.analysis.remove_file(&path);
        } else {
            self.analysis.set_file(&path, doc.text);
        }
        let is_config = matches!(FileKind::of(&path), Some(FileKind::Config(_)));
        self.docs.insert(path, document);
        if is_config {
            self.refresh_workers_types(false);
        }
        Some(touched)
    }

    pub fn did_change(&mut self, params: DidChangeTextDocumentParams) -> Option<Touched> {
        let uri = params.text_document.uri;
        let path = analysable_path(&uri)?;
        let enc = self.encoding;
        let Some(doc) = self.docs.get_mut(&path) else {
            log::warning!("didChange for {} which is not open; ignored", uri.as_str());
            return None;
        };
        let mut resync = false;
        let version = params.text_document.version;
        if version < doc.version {
            log::warning!(
                "{}: version went back from {} to {version}; resynchronising the whole text",
                path.display(),
                doc.version
            );
            resync = true;
        }
        let was_analysed = doc.len_bytes() as u64 <= MAX_FILE_BYTES;
        let applied = doc.apply_changes(&params.content_changes, enc);
        doc.version = version;
        for problem in &applied.problems {
            log::warning!("{}: {problem}; resynchronising the whole text", path.display());
            resync = true;
        }
        let len = doc.len_bytes() as u64;
        let text = || doc.text();
        let touched_paths = vec![path.clone()];
        let keys_before = vec![project_key(&self.analysis, &path)];
        if len > MAX_FILE_BYTES {
            if was_analysed {
                log::info!(
                    "{}: now {len} bytes, over the {MAX_FILE_BYTES}-byte limit; no longer analysed",
                    path.display()
                );
                self.analysis.remove_file(&path);
            }
        } else if !was_analysed {
            log::info!("{}: back under the size limit; analysed again", path.display());
            self.analysis.set_file(&path, text());
        } else if resync || !self.analysis.apply_edits(&path, &applied.edits) {
            if !resync {
                log::warning!(
                    "{}: the analysis refused the edits; resynchronising the whole text",
                    path.display()
                );
            }
            self.analysis.set_file(&path, text());
        }
        if matches!(FileKind::of(&path), Some(FileKind::Config(_))) {
            self.refresh_workers_types(false);
        }
        Some(Touched {
            paths: touched_paths,
            keys_before,
            everything: false,
        })
    }

    pub fn did_close(&mut self, params: DidCloseTextDocumentParams) -> Option<Touched> {
        let path = analysable_path(&params.text_document.uri)?;
        let touched = self.touch(vec![path.clone()]);
        self.docs.remove(&path);
        self.reload_from_disk(&path);
        Some(touched)
    }

    /// Re-reads a file that is not open; removes it when it is gone or cannot be analysed.
    fn reload_from_disk(&mut self, path: &Path) {
        if !self.watched(path) {
            // Outside the workspace (or where the loader does not look): known only while open.
            self.analysis.remove_file(path);
            return;
        }
        match dols_vfs::read_text(path) {
            Ok(text) => {
                self.analysis.set_file(path, text);
            }
            Err(SkipReason::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.analysis.remove_file(path);
            }
            Err(reason) => {
                log::info!("skipped {}: {reason}", path.display());
                self.analysis.remove_file(path);
            }
        }
    }

    pub fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) -> Option<Touched> {
        let types_changed = params.changes.iter().any(|c| uri_to_path(&c.uri).is_some_and(|p| dols_vfs::is_workers_types_marker(&p)));
        let touched = self.apply_watched_files(params);
        self.refresh_workers_types(types_changed);
        touched
    }

    /// Works out again whether each project sees the Workers types: every project when
    /// `all`, else only projects not seen before.
    pub fn refresh_workers_types(&mut self, all: bool) {
        let projects = self.analysis.projects();
        let known = |root: &Path| !all && self.workers_types.contains_key(root);
        if projects.list.iter().all(|p| known(&p.root)) && projects.list.len() == self.workers_types.len() {
            return;
        }
        let mut map = BTreeMap::new();
        for p in &projects.list {
            let typed = match self.workers_types.get(&p.root) {
                Some(&typed) if !all => typed,
                _ => {
                    let generated = p.sources.iter().any(|f| f.file_name().is_some_and(|n| n == dols_vfs::WORKERS_TYPES_FILE));
                    let typed = generated || dols_vfs::has_workers_types(&p.root);
                    log::debug!("{}: Workers types {}", p.root.display(), if typed { "found" } else { "not found" });
                    typed
                }
            };
            map.insert(p.root.clone(), typed);
        }
        self.workers_types = Arc::new(map);
    }

    /// How completion lists the API members in `path` (see [`ApiMembersSetting`]).
    pub fn api_members(&self, path: &Path) -> dols_analysis::ide::ApiMembers {
        use dols_analysis::ide::ApiMembers;
        match api_members_setting(&self.settings) {
            ApiMembersSetting::Always => ApiMembers::All,
            ApiMembersSetting::Never => ApiMembers::UnknownToTypeScript,
            ApiMembersSetting::Auto => {
                let source = matches!(FileKind::of(path), Some(FileKind::Source(_)));
                let typed = project_key(&self.analysis, path).is_some_and(|root| self.workers_types.get(&root).copied().unwrap_or(false));
                if source && typed { ApiMembers::UnknownToTypeScript } else { ApiMembers::All }
            }
        }
    }

    fn apply_watched_files(&mut self, params: DidChangeWatchedFilesParams) -> Option<Touched> {
        // An install (a lock file or a schema package's manifest changed): the tables that
        // library base classes create are read again, and every file is checked again.
        if params.changes.iter().any(|c| uri_to_path(&c.uri).is_some_and(|p| dols_vfs::is_install_marker(&p))) {
            log::debug!("packages changed on disk; reading the schema packages again");
            dols_vfs::reload_packages(&mut self.analysis, &self.roots);
            let mut touched = self.touch(Vec::new());
            touched.everything = true;
            let rest = DidChangeWatchedFilesParams { changes: params.changes.into_iter().filter(|c| uri_to_path(&c.uri).is_none_or(|p| !dols_vfs::is_install_marker(&p))).collect() };
            if let Some(more) = self.apply_watched_files(rest) {
                touched.paths = more.paths;
                touched.keys_before = more.keys_before;
            }
            return Some(touched);
        }
        let mut events = Vec::new();
        for change in params.changes {
            let Some(path) = analysable_path(&change.uri) else {
                continue;
            };
            if !self.watched(&path) {
                log::trace!("{}: outside the workspace or in an ignored directory", path.display());
                continue;
            }
            events.push((path, change.typ));
        }
        if events.is_empty() {
            return None;
        }
        let touched = self.touch(events.iter().map(|(p, _)| p.clone()).collect());
        for (path, typ) in events {
            if self.docs.contains_key(&path) {
                log::debug!("{}: changed on disk while open; the editor's text wins", path.display());
                continue;
            }
            if typ == FileChangeType::DELETED {
                log::debug!("{}: deleted", path.display());
                self.analysis.remove_file(&path);
            } else {
                log::debug!("{}: changed on disk; reloading", path.display());
                self.reload_from_disk(&path);
            }
        }
        Some(touched)
    }

    /// Whether a file-watcher event concerns a file the workspace loader would have loaded.
    fn watched(&self, path: &Path) -> bool {
        self.roots
            .iter()
            .any(|root| path.strip_prefix(root).is_ok_and(|rel| !in_ignored_dir(rel)))
    }

    /// Stores the settings; when the lint levels (`dols.lint.<code>`) or the SQL settings
    /// (`dols.sql.*`) change, every file's diagnostics are refreshed.
    pub fn did_change_configuration(&mut self, settings: Value) -> Option<Touched> {
        log::info!("settings changed: {}", settings);
        self.settings = settings;
        self.apply_lint_settings().then(|| Touched {
            everything: true,
            ..Touched::default()
        })
    }

    /// Hands the lint levels and SQL settings in the settings to the analysis; returns
    /// whether they changed.
    pub fn apply_lint_settings(&mut self) -> bool {
        let levels = lint_levels(&self.settings);
        let sql = sql_settings(&self.settings);
        let mut changed = false;
        if &levels != self.analysis.lint_overrides() {
            self.analysis.set_lint_overrides(levels);
            changed = true;
        }
        if &sql != self.analysis.sql_overrides() {
            self.analysis.set_sql_overrides(sql);
            changed = true;
        }
        changed
    }

    pub fn did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) -> Option<Touched> {
        let mut touched = Touched {
            everything: true,
            ..Touched::default()
        };
        for folder in params.event.removed {
            let Some(root) = uri_to_path(&folder.uri) else { continue };
            touched.paths.extend(self.unload_root(&root));
        }
        for folder in params.event.added {
            let Some(root) = uri_to_path(&folder.uri) else { continue };
            self.load_root(&root);
        }
        self.refresh_workers_types(false);
        Some(touched)
    }

    /// Loads every file under `root` (open documents keep the editor's text).
    pub fn load_root(&mut self, root: &Path) -> usize {
        if self.roots.iter().any(|r| r == root) {
            return 0;
        }
        let started = std::time::Instant::now();
        let loaded = dols_vfs::load_tree(&mut self.analysis, root, |path, reason| {
            log::info!("skipped {}: {reason}", path.display());
        });
        for (path, doc) in &self.docs {
            if path.starts_with(root) && doc.len_bytes() as u64 <= MAX_FILE_BYTES {
                self.analysis.set_file(path, doc.text());
            }
        }
        self.roots.push(root.to_path_buf());
        self.refresh_workers_types(false);
        log::info!(
            "loaded {loaded} files under {} in {:?}",
            root.display(),
            started.elapsed()
        );
        loaded
    }

    /// Forgets the files under `root` that no other root holds and that are not open;
    /// returns them.
    fn unload_root(&mut self, root: &Path) -> Vec<PathBuf> {
        self.roots.retain(|r| r != root);
        let gone: Vec<PathBuf> = self
            .analysis
            .files()
            .map(|(p, _)| p)
            .filter(|p| {
                p.starts_with(root) && !self.docs.contains_key(*p) && !self.roots.iter().any(|r| p.starts_with(r))
            })
            .map(Path::to_path_buf)
            .collect();
        for p in &gone {
            self.analysis.remove_file(p);
        }
        log::info!("unloaded {} files under {}", gone.len(), root.display());
        gone
    }
}

/// The path of a `file://` URI naming a file dols analyses.
fn analysable_path(uri: &Uri) -> Option<PathBuf> {
    let path = uri_to_path(uri)?;
    FileKind::of(&path).is_some().then_some(path)
}

/// Whether a root-relative file path lies in a directory the workspace loader skips.
fn in_ignored_dir(rel: &Path) -> bool {
    let mut dirs = rel.components().collect::<Vec<_>>();
    dirs.pop();
    dirs.iter().any(|c| dols_vfs::is_skipped_dir(&c.as_os_str().to_string_lossy()))
}

/// The project a file belongs to: the directory of its wrangler config.
pub fn project_key(analysis: &Analysis, path: &Path) -> Option<PathBuf> {
    analysis.projects().for_file(path).map(|p| p.root.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{TextDocumentItem, VersionedTextDocumentIdentifier};

    fn open(w: &mut World, path: &str, text: &str) {
        let uri: Uri = format!("file://{path}").parse().unwrap();
        let item = TextDocumentItem {
            uri,
            language_id: "typescript".into(),
            version: 1,
            text: text.into(),
        };
        w.did_open(DidOpenTextDocumentParams { text_document: item });
    }

    #[test]
    fn changes_affect_their_project_only() {
        let mut w = World::default();
        w.analysis.set_file(Path::new("/w/a/wrangler.jsonc"), "{}".into());
        w.analysis.set_file(Path::new("/w/b/wrangler.toml"), "".into());
        open(&mut w, "/w/a/src/x.ts", "let x;");
        open(&mut w, "/w/b/y.ts", "let y;");
        open(&mut w, "/w/loose.ts", "let z;");
        let touched = w.touch(vec![PathBuf::from("/w/a/src/deep/z.ts")]);
        let affected: Vec<_> = w.affected(&touched).into_iter().collect();
        assert_eq!(
            affected,
            [
                PathBuf::from("/w/a/src/deep/z.ts"),
                PathBuf::from("/w/a/src/x.ts"),
                PathBuf::from("/w/a/wrangler.jsonc")
            ]
        );
        // A config that goes away: the files of its old project are affected too.
        let touched = w.touch(vec![PathBuf::from("/w/b/wrangler.toml")]);
        w.analysis.remove_file(Path::new("/w/b/wrangler.toml"));
        let affected: Vec<_> = w.affected(&touched).into_iter().collect();
        assert_eq!(
            affected,
            [
                PathBuf::from("/w/b/wrangler.toml"),
                PathBuf::from("/w/b/y.ts"),
                PathBuf::from("/w/loose.ts")
            ]
        );
    }

    #[test]
    fn edits_reach_the_analysis_incrementally_or_by_resync() {
        let mut w = World::default();
        open(&mut w, "/w/a.ts", "let a = 1;");
        let uri: Uri = "file:///w/a.ts".parse().unwrap();
        let change = |version, range: Option<(u32, u32, u32, u32)>, text: &str| DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version,
            },
            content_changes: vec![tower_lsp_server::ls_types::TextDocumentContentChangeEvent {
                range: range.map(|(a, b, c, d)| {
                    tower_lsp_server::ls_types::Range::new(
                        tower_lsp_server::ls_types::Position::new(a, b),
                        tower_lsp_server::ls_types::Position::new(c, d),
                    )
                }),
                range_length: None,
                text: text.into(),
            }],
        };
        let text = |w: &World| w.analysis.file(Path::new("/w/a.ts")).unwrap().text().to_string();
        w.did_change(change(2, Some((0, 4, 0, 5)), "bé"));
        assert_eq!(text(&w), "let bé = 1;");
        // Version back and a range past the end: still applied (clamped), then resynchronised.
        w.did_change(change(1, Some((4, 0, 4, 0)), "\n"));
        assert_eq!(text(&w), "let bé = 1;\n");
        assert_eq!(w.docs[Path::new("/w/a.ts")].version, 1);
        // Not open: ignored.
        let mut other = change(3, None, "x");
        other.text_document.uri = "file:///w/b.ts".parse().unwrap();
        assert!(w.did_change(other).is_none());
    }

    #[test]
    fn sql_settings_reach_the_analysis() {
        let mut w = World::default();
        let nested = serde_json::json!({ "dols": { "sql": { "tags": ["db . sql"], "exclude": ["test/**"] } } });
        assert!(w.did_change_configuration(nested).is_some());
        assert_eq!(w.analysis.sql_overrides().tags, ["db.sql"]);
        assert_eq!(w.analysis.sql_overrides().exclude, ["test/**"]);
        // The same settings again: nothing to refresh.
        let dotted = serde_json::json!({ "dols.sql.tags": ["db.sql"], "dols.sql.exclude": ["test/**"] });
        assert!(w.did_change_configuration(dotted).is_none());
        assert!(w.did_change_configuration(serde_json::json!({ "dols.sql.wrappers": ["this.query"] })).is_some());
        assert_eq!(w.analysis.sql_overrides().wrappers, ["this.query"]);
        assert!(w.analysis.sql_overrides().tags.is_empty());
    }

    #[test]
    fn api_members_setting_forms() {
        use serde_json::json;
        assert_eq!(api_members_setting(&Value::Null), ApiMembersSetting::Always, "no setting: every member");
        assert_eq!(api_members_setting(&json!({ "dols": { "completion": { "apiMembers": "auto" } } })), ApiMembersSetting::Auto);
        assert_eq!(api_members_setting(&json!({ "dols.completion": { "apiMembers": "never" } })), ApiMembersSetting::Never);
        assert_eq!(api_members_setting(&json!({ "dols.completion.apiMembers": "always" })), ApiMembersSetting::Always);
        assert_eq!(api_members_setting(&json!({ "completion": { "apiMembers": "never" } })), ApiMembersSetting::Never);
        assert_eq!(api_members_setting(&json!({ "dols.completion.apiMembers": "sometimes" })), ApiMembersSetting::Auto);

        // "auto" follows the project's Workers types, and only in sources.
        let mut w = World::default();
        w.analysis.set_file(Path::new("/w/wrangler.jsonc"), "{}".into());
        w.analysis.set_file(Path::new("/w/src/index.ts"), "let x;".into());
        w.settings = json!({ "dols": { "completion": { "apiMembers": "auto" } } });
        w.workers_types = Arc::new(BTreeMap::from([(PathBuf::from("/w"), true)]));
        use dols_analysis::ide::ApiMembers;
        assert_eq!(w.api_members(Path::new("/w/src/index.ts")), ApiMembers::UnknownToTypeScript);
        assert_eq!(w.api_members(Path::new("/w/wrangler.jsonc")), ApiMembers::All);
        assert_eq!(w.api_members(Path::new("/elsewhere/a.ts")), ApiMembers::All);
        w.workers_types = Arc::new(BTreeMap::from([(PathBuf::from("/w"), false)]));
        assert_eq!(w.api_members(Path::new("/w/src/index.ts")), ApiMembers::All);
    }

    #[test]
    fn ignored_directories_match_the_loader() {
        assert!(in_ignored_dir(Path::new("node_modules/x/index.ts")));
        assert!(in_ignored_dir(Path::new("apps/a/.wrangler/tmp/bundle.js")));
        assert!(in_ignored_dir(Path::new("dist/index.js")));
        assert!(!in_ignored_dir(Path::new("apps/a/src/index.ts")));
        assert!(
            !in_ignored_dir(Path::new(".eslintrc.js")),
            "hidden files are loaded; hidden directories are not"
        );
    }
}
