//! A Durable Object class created with `new_classes`: the legacy key-value storage backend.
//! New classes should use `new_sqlite_classes` (SQL, the synchronous `kv` API, point-in-time
//! recovery). A class already deployed with the key-value backend cannot be converted, so
//! this is only a hint.

use std::path::Path;

use crate::config::Backend;
use crate::diagnostics::{Diagnostic, Severity};
use crate::Analysis;

pub const CODE: &str = "kv-backend-class";

pub(super) fn check_config(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let Some(p) = a.projects().list.iter().find(|p| p.config_path == path) else { return Vec::new() };
    if !p.config.syntax_errors.is_empty() {
        return Vec::new();
    }
    let live = p.migrated_classes();
    let mut out = Vec::new();
    for m in &p.config.migrations {
        for c in &m.new_classes {
            // Only a class that is still alive with this entry as its origin.
            let current = live.get(&c.value).is_some_and(|(b, v)| *b == Backend::LegacyKv && v.range == c.range);
            if !current {
                continue;
            }
            out.push(Diagnostic::new(
                path,
                c.range,
                Severity::Hint,
                CODE,
                format!(
                    "`{}` is created with the key-value storage backend (`new_classes`). If it is not deployed yet, create it with `new_sqlite_classes` to get SQL, the synchronous `ctx.storage.kv` API and point-in-time recovery; a deployed key-value class cannot be converted in place.",
                    c.value
                ),
            ));
        }
    }
    out
}
