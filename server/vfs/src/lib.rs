//! Finds worker projects on disk and loads their files into an [`Analysis`].
//!
//! This is the only place that reads project files; the analysis itself does no I/O.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dols_analysis::{Analysis, FileKind};

/// Files larger than this are not analysed (generated bundles, vendored code).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Directory names never descended into.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".git", ".wrangler", ".dols", "dist", "target", ".turbo", ".next"];

/// Whether the loader skips a directory of this name: dependencies, build output, and hidden
/// directories (VCS data, tool state).
pub fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// Why a file was not loaded.
#[derive(Debug)]
pub enum SkipReason {
    TooLarge(u64),
    NotUtf8,
    Io(io::Error),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge(n) => write!(f, "{n} bytes is over the {MAX_FILE_BYTES}-byte limit"),
            SkipReason::NotUtf8 => write!(f, "not UTF-8 text"),
            SkipReason::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Reads a file dols analyses, enforcing the size and encoding limits.
pub fn read_text(path: &Path) -> Result<String, SkipReason> {
    let meta = fs::metadata(path).map_err(SkipReason::Io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(meta.len()));
    }
    let bytes = fs::read(path).map_err(SkipReason::Io)?;
    String::from_utf8(bytes).map_err(|_| SkipReason::NotUtf8)
}

/// Every file under `root` that dols analyses (sources and wrangler configs), sorted.
/// `root` may also be a single file.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if root.is_file() {
        if FileKind::of(root).is_some() {
            out.push(root.to_path_buf());
        }
        return out;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if !is_skipped_dir(&entry.file_name().to_string_lossy()) {
                    stack.push(path);
                }
            } else if ft.is_file() && FileKind::of(&path).is_some() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Loads every file under `root` into `analysis`. Files that cannot be loaded are reported
/// through `skipped` and left out; nothing fails as a whole.
pub fn load_tree(
    analysis: &mut Analysis,
    root: &Path,
    mut skipped: impl FnMut(&Path, SkipReason),
) -> usize {
    let mut texts = Vec::new();
    for path in discover(root) {
        match read_text(&path) {
            Ok(text) => texts.push((path, text)),
            Err(reason) => skipped(&path, reason),
        }
    }
    let n = analysis.set_files(texts);
    load_packages(analysis, root);
    n
}

/// Reads the schema packages again for every root (after an install): a package that none
/// of them has any more is forgotten.
pub fn reload_packages(analysis: &mut Analysis, roots: &[PathBuf]) {
    for package in dols_analysis::sql::SCHEMA_PACKAGES {
        analysis.set_package_sources(package, Vec::new());
    }
    for root in roots {
        load_packages(analysis, root);
    }
}

/// Files whose change means the installed packages may have changed: a schema package's
/// manifest, or a package manager's lock file (written by every install, and outside
/// `node_modules`, which editors often do not watch).
pub fn is_install_marker(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    if matches!(name, "package-lock.json" | "npm-shrinkwrap.json" | "pnpm-lock.yaml" | "yarn.lock" | "bun.lock" | "bun.lockb") {
        return !path.components().any(|c| c.as_os_str() == "node_modules");
    }
    if name == ".package-lock.json" {
        return path.parent().is_some_and(|p| p.ends_with("node_modules"));
    }
    name == "package.json"
        && dols_analysis::sql::SCHEMA_PACKAGES.iter().any(|p| path.parent().is_some_and(|dir| dir.ends_with(Path::new("node_modules").join(p))))
}

/// The globs that find [`is_install_marker`] files, for editors' file watchers.
pub fn install_marker_globs() -> Vec<String> {
    let mut globs = vec!["**/{package-lock.json,npm-shrinkwrap.json,pnpm-lock.yaml,yarn.lock,bun.lock,bun.lockb}".to_string(), "**/node_modules/.package-lock.json".to_string()];
    globs.extend(dols_analysis::sql::SCHEMA_PACKAGES.iter().map(|p| format!("**/node_modules/{p}/package.json")));
    globs
}

/// JavaScript files read per package, at most.
const MAX_PACKAGE_FILES: usize = 400;

/// Hands the analysis the JavaScript files of the installed packages whose base classes
/// create tables (`dols_analysis::sql::SCHEMA_PACKAGES`), from the nearest `node_modules`
/// at or above `root` that has them. Returns how many packages were found.
pub fn load_packages(analysis: &mut Analysis, root: &Path) -> usize {
    let mut found = 0;
    for package in dols_analysis::sql::SCHEMA_PACKAGES {
        let Some(dir) = root.ancestors().map(|d| d.join("node_modules").join(package)).find(|d| d.join("package.json").is_file()) else {
            continue;
        };
        let mut files = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            let Ok(entries) = fs::read_dir(&d) else { continue };
            let mut entries: Vec<_> = entries.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let path = entry.path();
                let Ok(ft) = entry.file_type() else { continue };
                let name = entry.file_name().to_string_lossy().into_owned();
                if ft.is_dir() {
                    if name != "node_modules" && !name.starts_with('.') {
                        stack.push(path);
                    }
                } else if ft.is_file()
                    && [".js", ".mjs", ".cjs"].iter().any(|x| name.ends_with(x))
                    && files.len() < MAX_PACKAGE_FILES
                    && let Ok(text) = read_text(&path)
                {
                    files.push((path, text));
                }
            }
        }
        if !files.is_empty() {
            found += 1;
            analysis.set_package_sources(package, files);
        }
    }
    found
}

/// The npm package of the Workers runtime's type declarations.
const WORKERS_TYPES_PACKAGE: &str = "@cloudflare/workers-types";

/// The file `wrangler types` writes, which declares the runtime's types and the `Env` of the
/// project.
pub const WORKERS_TYPES_FILE: &str = "worker-configuration.d.ts";

/// Whether TypeScript sees the Workers runtime's types in the project at `root` (the
/// directory of a wrangler config): a `worker-configuration.d.ts` there, or the package
/// `@cloudflare/workers-types` named by a `package.json` or `tsconfig.json`/`jsconfig.json`
/// there or above, or installed in a `node_modules` there or above.
pub fn has_workers_types(root: &Path) -> bool {
    if root.join(WORKERS_TYPES_FILE).is_file() {
        return true;
    }
    root.ancestors().any(|dir| {
        let names_it = |file: &str| fs::read_to_string(dir.join(file)).is_ok_and(|text| text.contains(WORKERS_TYPES_PACKAGE));
        dir.join("node_modules").join(WORKERS_TYPES_PACKAGE).join("package.json").is_file()
            || names_it("package.json")
            || names_it("tsconfig.json")
            || names_it("jsconfig.json")
    })
}

/// Whether a change to this file can change [`has_workers_types`].
pub fn is_workers_types_marker(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    match name {
        WORKERS_TYPES_FILE | "tsconfig.json" | "jsconfig.json" => true,
        "package.json" => {
            !path.components().any(|c| c.as_os_str() == "node_modules")
                || path.parent().is_some_and(|dir| dir.ends_with(Path::new("node_modules").join(WORKERS_TYPES_PACKAGE)))
        }
        _ => is_install_marker(path),
    }
}

/// The globs that find [`is_workers_types_marker`] files (besides the sources and lock files
/// watched anyway), for editors' file watchers.
pub fn workers_types_globs() -> Vec<String> {
    vec![
        "**/{package.json,tsconfig.json,jsconfig.json}".to_string(),
        format!("**/node_modules/{WORKERS_TYPES_PACKAGE}/package.json"),
    ]
}

/// The directory of the nearest wrangler config at or above `start` (a file or directory).
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    let mut dir = if start.is_dir() { Some(start) } else { start.parent() };
    while let Some(d) = dir {
        if dols_analysis::config::CONFIG_FILE_NAMES.iter().any(|n| d.join(n).is_file()) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn install_markers_are_lock_files_and_schema_package_manifests() {
        for yes in ["/w/package-lock.json", "/w/app/pnpm-lock.yaml", "/w/node_modules/.package-lock.json", "/w/node_modules/agents/package.json", "/w/node_modules/@cloudflare/ai-chat/package.json"] {
            assert!(is_install_marker(Path::new(yes)), "{yes}");
        }
        for no in ["/w/package.json", "/w/node_modules/left-pad/package.json", "/w/node_modules/x/package-lock.json", "/w/node_modules/agents/dist/package.json"] {
            assert!(!is_install_marker(Path::new(no)), "{no}");
        }
    }

    use super::*;

    #[test]
    fn workers_types_come_from_the_generated_file_a_manifest_or_node_modules() {
        let base = std::env::temp_dir().join(format!("dols-vfs-types-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("app");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("package.json"), r#"{ "devDependencies": { "wrangler": "4" } }"#).unwrap();
        assert!(!has_workers_types(&root));
        fs::write(root.join("tsconfig.json"), r#"{ "compilerOptions": { "types": ["@cloudflare/workers-types/2023-07-01"] } }"#).unwrap();
        assert!(has_workers_types(&root));
        fs::remove_file(root.join("tsconfig.json")).unwrap();
        fs::write(root.join(WORKERS_TYPES_FILE), "interface Env {}").unwrap();
        assert!(has_workers_types(&root));
        fs::remove_file(root.join(WORKERS_TYPES_FILE)).unwrap();
        // Hoisted into the node_modules of a monorepo's root.
        let hoisted = base.join("node_modules/@cloudflare/workers-types");
        fs::create_dir_all(&hoisted).unwrap();
        fs::write(hoisted.join("package.json"), "{}").unwrap();
        assert!(has_workers_types(&root));
        fs::remove_dir_all(&base).unwrap();

        assert!(is_workers_types_marker(Path::new("/w/package.json")));
        assert!(is_workers_types_marker(Path::new("/w/node_modules/@cloudflare/workers-types/package.json")));
        assert!(!is_workers_types_marker(Path::new("/w/node_modules/left-pad/package.json")));
        assert!(is_workers_types_marker(Path::new("/w/worker-configuration.d.ts")));
        assert!(!is_workers_types_marker(Path::new("/w/src/index.ts")));
    }

    #[test]
    fn installed_packages_reach_the_analysis() {
        let root = std::env::temp_dir().join(format!("dols-vfs-packages-{}", std::process::id()));
        let pkg = root.join("node_modules/agents");
        fs::create_dir_all(pkg.join("dist")).unwrap();
        fs::create_dir_all(root.join("app/src")).unwrap();
        fs::write(pkg.join("package.json"), "{\"name\":\"agents\"}").unwrap();
        fs::write(pkg.join("dist/index.js"), "export class Agent { init() { this.sql`CREATE TABLE IF NOT EXISTS cf_agents_state (id TEXT PRIMARY KEY)`; } }").unwrap();
        fs::write(
            root.join("app/wrangler.jsonc"),
            r#"{ "name": "a", "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "S", "class_name": "Store" }] }, "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }] }"#,
        )
        .unwrap();
        let index = root.join("app/src/index.ts");
        fs::write(&index, "import { Agent } from \"agents\";\nexport class Store extends Agent<Env> {\n  a() { return this.sql`SELECT * FROM cf_agents_stat`; }\n}\n").unwrap();
        let mut a = Analysis::new();
        load_tree(&mut a, &root.join("app"), |_, _| {});
        let codes: Vec<&str> = a.diagnostics(&index).iter().map(|d| d.code).collect();
        let _ = fs::remove_dir_all(&root);
        assert!(codes.contains(&"sql-unknown-table"), "{codes:?}");
    }
}
