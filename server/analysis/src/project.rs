//! Worker projects: a wrangler config and the sources under its directory, with the
//! classes its `main` module exports and the Durable Object bindings that point at them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Backend, DoBinding, WranglerConfig};
use crate::model::{ClassInfo, FileModel};
use crate::File;

/// A class somewhere in the project: the file that declares it and its local name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassKey {
    pub file: PathBuf,
    pub name: String,
}

#[derive(Clone, Debug, Default)]
pub struct Projects {
    pub list: Vec<Project>,
}

#[derive(Clone, Debug)]
pub struct Project {
    /// The directory of the config.
    pub root: PathBuf,
    pub config_path: PathBuf,
    pub config: Arc<WranglerConfig>,
    /// Source files that belong to this project (not to a nested project), sorted.
    pub sources: Vec<PathBuf>,
    /// The resolved `main` module, when the config names one that is loaded.
    pub main: Option<PathBuf>,
    /// Classes exported by `main` (following re-exports), by exported name.
    pub main_classes: BTreeMap<String, ClassKey>,
    /// False when some export of `main` could not be followed (a package, a missing file, an
    /// `export *` from outside the project): then "not exported" cannot be claimed.
    pub main_exports_complete: bool,
    /// Every class of every source, by name (several files may declare the same name).
    pub classes: BTreeMap<String, Vec<ClassKey>>,
}

impl Projects {
    pub fn build(files: &BTreeMap<PathBuf, File>) -> Self {
        // One config per directory, in wrangler's order of preference.
        let mut roots: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
        for path in files.keys() {
            if let Some(File::Config(_)) = files.get(path) {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let rank = |p: &Path| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    config::CONFIG_FILE_NAMES.iter().position(|n| *n == name).unwrap_or(usize::MAX)
                };
                match roots.get(&dir) {
                    Some(existing) if rank(existing) <= rank(path) => {}
                    _ => {
                        roots.insert(dir, path.clone());
                    }
                }
            }
        }
        let mut list: Vec<Project> = roots
            .into_iter()
            .filter_map(|(root, config_path)| {
                let File::Config(cfg) = files.get(&config_path)? else { return None };
                Some(Project {
                    root,
                    config_path,
                    config: cfg.config.clone(),
                    sources: Vec::new(),
                    main: None,
                    main_classes: BTreeMap::new(),
                    main_exports_complete: false,
                    classes: BTreeMap::new(),
                })
            })
            .collect();
        for (path, file) in files {
            if let File::Source(src) = file
                && let Some(i) = owning_index(&list, path) {
                    let p = &mut list[i];
                    p.sources.push(path.clone());
                    for c in &src.model.classes {
                        p.classes
                            .entry(c.name.clone())
                            .or_default()
                            .push(ClassKey { file: path.clone(), name: c.name.clone() });
                    }
                }
        }
        for p in &mut list {
            p.main = p
                .config
                .main
                .as_ref()
                .and_then(|m| resolve_in(files, &p.root.join(&m.value)));
            if let Some(main) = p.main.clone() {
                let mut exports = ExportCollector {
                    files,
                    complete: true,
                    done: BTreeMap::new(),
                    in_progress: BTreeSet::new(),
                };
                p.main_classes = exports.exports_of(&main);
                p.main_exports_complete = exports.complete;
            }
        }
        Projects { list }
    }

    /// The project a file belongs to: the one whose root is the nearest ancestor.
    pub fn for_file(&self, path: &Path) -> Option<&Project> {
        owning_index(&self.list, path).map(|i| &self.list[i])
            .or_else(|| self.list.iter().find(|p| p.config_path == path))
    }
}

fn owning_index(list: &[Project], path: &Path) -> Option<usize> {
    list.iter()
        .enumerate()
        .filter(|(_, p)| path.starts_with(&p.root))
        .max_by_key(|(_, p)| p.root.components().count())
        .map(|(i, _)| i)
}

struct ExportCollector<'a> {
    files: &'a BTreeMap<PathBuf, File>,
    complete: bool,
    done: BTreeMap<PathBuf, BTreeMap<String, ClassKey>>,
    in_progress: BTreeSet<PathBuf>,
}

impl ExportCollector<'_> {
    /// The classes `module` exports, by exported name (memoised; a re-export cycle ends empty).
    fn exports_of(&mut self, module: &Path) -> BTreeMap<String, ClassKey> {
        if let Some(done) = self.done.get(module) {
            return done.clone();
        }
        if !self.in_progress.insert(module.to_path_buf()) {
            return BTreeMap::new();
        }
        let mut out = BTreeMap::new();
        match self.files.get(module) {
            Some(File::Source(src)) => {
                let model = &src.model;
                for e in &model.exports {
                    let Some(local) = &e.local else { continue };
                    let key = match &e.source {
                        None => self.class_behind(module, model, local),
                        Some(spec) => self.export_of(module, spec, local),
                    };
                    if let Some(key) = key {
                        out.entry(e.exported.clone()).or_insert(key);
                    }
                }
                for spec in &model.star_exports {
                    match resolve_module(self.files, module, spec) {
                        Some(target) => {
                            for (k, v) in self.exports_of(&target) {
                                if k != "default" {
                                    out.entry(k).or_insert(v);
                                }
                            }
                        }
                        None => self.complete = false,
                    }
                }
            }
            _ => self.complete = false,
        }
        self.in_progress.remove(module);
        self.done.insert(module.to_path_buf(), out.clone());
        out
    }

    /// The class exported as `name` by the module `spec` (relative to `from`).
    fn export_of(&mut self, from: &Path, spec: &str, name: &str) -> Option<ClassKey> {
        let Some(target) = resolve_module(self.files, from, spec) else {
            self.complete = false;
            return None;
        };
        self.exports_of(&target).remove(name)
    }

    /// The class a local name of `module` refers to: declared there, or imported.
    fn class_behind(&mut self, module: &Path, model: &FileModel, local: &str) -> Option<ClassKey> {
        if model.class(local).is_some() {
            return Some(ClassKey { file: module.to_path_buf(), name: local.to_string() });
        }
        let import = model.imports.iter().find(|i| i.local == local)?;
        self.export_of(module, &import.source, &import.imported)
    }
}

/// Resolves a relative module specifier the way bundlers do for TypeScript sources:
/// `./x` → `./x.ts`, `./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`. Bare specifiers
/// (packages) are not resolved.
pub fn resolve_module(files: &BTreeMap<PathBuf, File>, from: &Path, spec: &str) -> Option<PathBuf> {
    if !(spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..") {
        return None;
    }
    let base = normalize(&from.parent()?.join(spec));
    resolve_in(files, &base)
}

fn resolve_in(files: &BTreeMap<PathBuf, File>, base: &Path) -> Option<PathBuf> {
    let base = normalize(base);
    let is_source = |p: &Path| matches!(files.get(p), Some(File::Source(_)));
    if is_source(&base) {
        return Some(base);
    }
    let s = base.to_string_lossy().to_string();
    for (js, ts) in [(".js", ".ts"), (".js", ".tsx"), (".mjs", ".mts"), (".cjs", ".cts"), (".jsx", ".tsx")] {
        if let Some(stem) = s.strip_suffix(js) {
            let p = PathBuf::from(format!("{stem}{ts}"));
            if is_source(&p) {
                return Some(p);
            }
        }
    }
    for ext in ["ts", "tsx", "mts", "js", "mjs", "jsx"] {
        let p = PathBuf::from(format!("{s}.{ext}"));
        if is_source(&p) {
            return Some(p);
        }
    }
    for ext in ["ts", "tsx", "js", "mjs"] {
        let p = base.join(format!("index.{ext}"));
        if is_source(&p) {
            return Some(p);
        }
    }
    None
}

/// Removes `.` and folds `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

impl Project {
    /// Durable Object bindings that this worker defines itself (no `script_name`).
    pub fn local_bindings(&self) -> impl Iterator<Item = &DoBinding> {
        self.config.bindings.iter().filter(|b| b.script_name.is_none())
    }

    /// The binding called `name`, preferring the top level over named environments.
    pub fn binding(&self, name: &str) -> Option<&DoBinding> {
        let mut found = self.config.bindings.iter().filter(|b| b.name.value == name);
        let first = found.next()?;
        if first.env.is_none() {
            return Some(first);
        }
        found.find(|b| b.env.is_none()).or(Some(first))
    }

    /// The class a binding's `class_name` names: the export of `main` when known, else the only
    /// class of that name in the project.
    pub fn class_for_name(&self, class_name: &str) -> Option<&ClassKey> {
        if let Some(k) = self.main_classes.get(class_name) {
            return Some(k);
        }
        match self.classes.get(class_name).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }

    /// Classes the migrations leave alive at the end, with their backend and the config
    /// value that created (or last renamed) them.
    pub fn migrated_classes(&self) -> BTreeMap<String, (Backend, config::Spanned<String>)> {
        let mut live: BTreeMap<String, (Backend, config::Spanned<String>)> = BTreeMap::new();
        for m in &self.config.migrations {
            for c in &m.new_sqlite_classes {
                live.insert(c.value.clone(), (Backend::Sqlite, c.clone()));
            }
            for c in &m.new_classes {
                live.insert(c.value.clone(), (Backend::LegacyKv, c.clone()));
            }
            for r in &m.renamed_classes {
                let backend = live.remove(&r.from.value).map_or(Backend::Sqlite, |(b, _)| b);
                live.insert(r.to.value.clone(), (backend, r.to.clone()));
            }
            for t in &m.transferred_classes {
                // The backend comes from the other worker; SQLite is today's default.
                live.insert(t.to.value.clone(), (Backend::Sqlite, t.to.clone()));
            }
            for d in &m.deleted_classes {
                live.remove(&d.value);
            }
        }
        for e in &self.config.exports {
            let state = e.state.as_ref().map_or("created", |s| s.value.as_str());
            if matches!(state, "created" | "expecting-transfer") {
                let backend = match e.storage.as_ref().map(|s| s.value.as_str()) {
                    Some("legacy-kv") => Backend::LegacyKv,
                    _ => Backend::Sqlite,
                };
                live.insert(e.class.value.clone(), (backend, e.class.clone()));
            }
        }
        live
    }

    /// The storage backend of a class, when the config says.
    pub fn backend_of(&self, class_name: &str) -> Option<Backend> {
        self.migrated_classes().get(class_name).map(|(b, _)| *b)
    }
}

/// Looks a class up in the analysed files.
pub fn class_info<'a>(files: &'a BTreeMap<PathBuf, File>, key: &ClassKey) -> Option<&'a ClassInfo> {
    match files.get(&key.file)? {
        File::Source(s) => s.model.class(&key.name),
        _ => None,
    }
}

/// Whether a module is a test by the usual conventions: `*.test.*`, `*.spec.*`, or a folder
/// named `test`, `tests`, `__tests__`, `e2e`, `test-…` or `tests-…` on its path.
pub(crate) fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.contains(".test.")
        || name.contains(".spec.")
        || path.components().any(|c| {
            let c = c.as_os_str().to_str().unwrap_or("");
            matches!(c, "test" | "tests" | "__tests__" | "e2e") || c.starts_with("test-") || c.starts_with("tests-")
        })
}
