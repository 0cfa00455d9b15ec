//! Project diagnostics: does the wrangler config agree with the code?

use crate::syntax::NodeExt;
use std::path::Path;

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::catalog::catalog;
use crate::config::Backend;
use crate::diagnostics::{Diagnostic, Related, Severity};
use crate::infer::{DoKind, Infer, Ty, STORAGE};
use crate::project::{ClassKey, Project};
use crate::syntax::{node_range, node_text};
use crate::Analysis;

pub const CLASS_NOT_EXPORTED: &str = "do-class-not-exported";
pub const CLASS_NO_MIGRATION: &str = "do-class-no-migration";
pub const MIGRATION_UNKNOWN_CLASS: &str = "migration-unknown-class";
pub const MAIN_NOT_FOUND: &str = "config-main-not-found";
pub const KV_BACKEND_SQL_API: &str = "kv-backend-sql-api";

fn capture(query: &Query, name: &str) -> u32 {
    query.capture_index_for_name(name).unwrap_or(u32::MAX)
}

fn config_name(p: &Project) -> String {
    p.config_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn main_name(p: &Project) -> String {
    p.config.main.as_ref().map(|m| m.value.clone()).unwrap_or_default()
}

/// Diagnostics about the project that belong on its config file.
pub(crate) fn config_checks(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let Some(p) = a.projects().list.iter().find(|p| p.config_path == path) else { return Vec::new() };
    if !p.config.syntax_errors.is_empty() {
        // A half-read config would make every cross-check below a guess.
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(main) = &p.config.main
        && p.main.is_none() {
            out.push(Diagnostic::new(
                path,
                main.range,
                Severity::Warning,
                MAIN_NOT_FOUND,
                format!("The main module `{}` was not found next to {}: fix the path so that the worker (and dols) can load it.", main.value, config_name(p)),
            ));
        }
    let exports_known = p.main.is_some() && p.main_exports_complete;
    let migrated = p.migrated_classes();
    let mut reported_unexported = Vec::new();
    for b in p.local_bindings() {
        let class = &b.class_name.value;
        if exports_known && !p.main_classes.contains_key(class) {
            reported_unexported.push(class.clone());
            let mut d = Diagnostic::new(
                path,
                b.class_name.range,
                Severity::Error,
                CLASS_NOT_EXPORTED,
                format!(
                    "The binding `{}` names the class `{class}`, but the main module `{}` does not export it: export the class from `{}` (or fix `class_name`).",
                    b.name.value,
                    main_name(p),
                    main_name(p)
                ),
            );
            if let Some(key) = p.classes.get(class).and_then(|v| v.first())
                && let Some(info) = crate::project::class_info(&a.files, key) {
                    d = d.with_related(Related { file: key.file.clone(), range: info.name_range, message: format!("`{class}` is declared here") });
                }
            out.push(d);
        }
        if !migrated.contains_key(class) {
            out.push(Diagnostic::new(
                path,
                b.class_name.range,
                Severity::Error,
                CLASS_NO_MIGRATION,
                format!(
                    "The Durable Object class `{class}` has no migration, so it cannot be deployed: add a migration entry with `\"new_sqlite_classes\": [\"{class}\"]` to `migrations`."
                ),
            ));
        }
    }
    if exports_known {
        for (class, (_, value)) in &migrated {
            if !p.main_classes.contains_key(class) && !reported_unexported.contains(class) {
                out.push(Diagnostic::new(
                    path,
                    value.range,
                    Severity::Error,
                    MIGRATION_UNKNOWN_CLASS,
                    format!(
                        "This migration creates the class `{class}`, but the main module `{}` does not export a class of that name: export it, fix the name, or delete the class in a new migration (`deleted_classes`).",
                        main_name(p)
                    ),
                ));
            }
        }
    }
    out
}

/// Diagnostics about the project that belong on a source file.
pub(crate) fn source_checks(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    let Some(p) = infer.project else { return Vec::new() };
    if !p.config.syntax_errors.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let migrated = p.migrated_classes();
    let bound: Vec<&str> = p.config.bindings.iter().map(|b| b.class_name.value.as_str()).collect();
    // Exported Durable Object classes that the config never creates.
    for (exported, key) in &p.main_classes {
        if key.file != path || migrated.contains_key(exported) || bound.contains(&exported.as_str()) {
            continue;
        }
        if infer.do_kind(key) != DoKind::Extends {
            continue;
        }
        let Some(info) = infer.class(key) else { continue };
        out.push(Diagnostic::new(
            path,
            info.name_range,
            Severity::Warning,
            CLASS_NO_MIGRATION,
            format!(
                "`{exported}` is an exported Durable Object class with no migration in {}: add `\"new_sqlite_classes\": [\"{exported}\"]` in a new migration entry, or stop exporting it.",
                config_name(p)
            ),
        ));
    }
    out.extend(kv_backend_uses(&infer, p, &migrated));
    out
}

/// SQLite-only storage members used in classes created with the KV backend.
fn kv_backend_uses(
    infer: &Infer<'_>,
    p: &Project,
    migrated: &std::collections::BTreeMap<String, (Backend, crate::config::Spanned<String>)>,
) -> Vec<Diagnostic> {
    let kv_classes: Vec<&str> = infer
        .src
        .model
        .classes
        .iter()
        .filter(|c| matches!(migrated.get(&c.name), Some((Backend::LegacyKv, _))))
        .map(|c| c.name.as_str())
        .collect();
    if kv_classes.is_empty() {
        return Vec::new();
    }
    let Some(storage) = catalog().receiver(STORAGE) else { return Vec::new() };
    let sqlite_only: Vec<&str> = storage.members.iter().filter(|m| m.sqlite_only).map(|m| m.name.as_str()).collect();
    let text = infer.text();
    let mut out = Vec::new();
    let query = crate::syntax::member_access_query(infer.src.kind);
    let (receiver_ix, member_ix) = (capture(query, "receiver"), capture(query, "member"));
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, infer.src.tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        let node_of = |ix| m.captures().iter().find(|c| c.index == ix).map(|c| c.node);
        let (Some(obj), Some(prop)) = (node_of(receiver_ix), node_of(member_ix)) else { continue };
        let name = node_text(prop, text);
        if !sqlite_only.contains(&name) {
            continue;
        }
        let Some(class) = infer.this_class_or_enclosing(prop) else { continue };
        if kv_classes.contains(&class.name.as_str()) && infer.type_of(obj) == Some(Ty::Api(STORAGE.into())) {
            out.push(kv_diagnostic(infer, p, &class, name, node_range(prop), migrated));
        }
    }
    out.sort_by_key(|d| d.range);
    out
}

fn kv_diagnostic(
    infer: &Infer<'_>,
    p: &Project,
    class: &ClassKey,
    member: &str,
    range: crate::TextRange,
    migrated: &std::collections::BTreeMap<String, (Backend, crate::config::Spanned<String>)>,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        infer.path,
        range,
        Severity::Error,
        KV_BACKEND_SQL_API,
        format!(
            "`storage.{member}` needs the SQLite storage backend, but `{}` is created with `new_classes` (the key-value backend) in {}, so this throws at run time. For a class that is not deployed yet, use `new_sqlite_classes`; a deployed key-value class cannot be converted, use the asynchronous `get`/`put` API there.",
            class.name,
            config_name(p)
        ),
    );
    if let Some((_, value)) = migrated.get(&class.name) {
        d = d.with_related(Related { file: p.config_path.clone(), range: value.range, message: format!("`{}` is created with the key-value backend here", class.name) });
    }
    d
}

impl Infer<'_> {
    /// The class whose body holds `node` (methods, field initialisers, nested arrows).
    pub(crate) fn this_class_or_enclosing(&self, node: tree_sitter::Node<'_>) -> Option<ClassKey> {
        let ancestors = crate::syntax::ancestors(self.src.tree.root_node(), node);
        self.enclosing_class_in(&ancestors)
    }

    /// [`Self::this_class_or_enclosing`] for a node with these ancestors (outermost first).
    pub(crate) fn enclosing_class_in(&self, ancestors: &[tree_sitter::Node<'_>]) -> Option<ClassKey> {
        let i = ancestors.iter().rposition(|n| n.kind_name() == "class_body")?;
        self.class_key_of_node(*ancestors.get(i.checked_sub(1)?)?)
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::{member_access_query, SourceKind};

    #[test]
    fn queries_compile_for_both_grammars() {
        for kind in [SourceKind::TypeScript, SourceKind::Tsx] {
            let q = member_access_query(kind);
            assert!(q.capture_index_for_name("receiver").is_some() && q.capture_index_for_name("member").is_some());
        }
    }
}
