//! A Markdown description of what dols knows about the loaded projects: their wrangler
//! configs, Durable Object bindings and migrations. Shown by `dols status` and reusable by the
//! language server.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use crate::config::{Backend, Spanned, WranglerConfig};
use crate::project::{class_info, Project};
use crate::{Analysis, File};

/// Renders the project model of `analysis` as Markdown. Paths appear as they were loaded.
pub fn project_markdown(analysis: &Analysis) -> String {
    let projects = &analysis.projects().list;
    let mut out = String::from("# Durable Objects projects\n");
    if projects.is_empty() {
        out.push_str("\nNo wrangler configuration (wrangler.jsonc, wrangler.json, wrangler.toml) found.\n");
    }
    for p in projects {
        render_config(&mut out, &p.config_path, &p.config, p.sources.len());
        render_classes(&mut out, analysis, p);
    }
    let outside = analysis
        .files()
        .filter(|(path, f)| matches!(f, File::Source(_)) && analysis.projects().for_file(path).is_none())
        .count();
    if outside > 0 {
        let _ = writeln!(out, "\nSource files outside any project: {outside}");
    }
    out
}

/// The Durable Object classes the config names, where each is declared, and how it is bound.
fn render_classes(out: &mut String, analysis: &Analysis, p: &Project) {
    let migrated = p.migrated_classes();
    let mut names: BTreeSet<&str> = migrated.keys().map(String::as_str).collect();
    names.extend(p.local_bindings().map(|b| b.class_name.value.as_str()));
    if names.is_empty() {
        return;
    }
    out.push_str("\n**Durable Object classes**\n\n");
    for name in names {
        let _ = write!(out, "- {}", code(name));
        match migrated.get(name) {
            Some((Backend::Sqlite, _)) => out.push_str(", SQLite storage"),
            Some((Backend::LegacyKv, _)) => out.push_str(", key-value storage"),
            None => out.push_str(", no migration"),
        }
        match p.class_for_name(name).and_then(|k| Some((k, class_info(&analysis.files, k)?))) {
            Some((key, info)) => {
                let line = analysis
                    .file(&key.file)
                    .map(|f| f.line_index().line_col(f.text(), info.name_range.start, crate::Encoding::Utf8).line + 1)
                    .unwrap_or(0);
                let exported = if p.main_classes.contains_key(name) { "exported from main" } else { "not exported from main" };
                let _ = write!(out, ", declared in {}:{line} ({exported})", code(&key.file.display().to_string()));
            }
            None => out.push_str(", class not found in the sources"),
        }
        let bindings: BTreeSet<String> =
            p.local_bindings().filter(|b| b.class_name.value == name).map(|b| code(&b.name.value)).collect();
        if !bindings.is_empty() {
            let _ = write!(out, ", bound as {}", bindings.into_iter().collect::<Vec<_>>().join(", "));
        }
        out.push('\n');
    }
}

fn render_config(out: &mut String, path: &Path, config: &WranglerConfig, sources: usize) {
    let _ = writeln!(out, "\n## {}\n", code(&path.display().to_string()));
    let field = |v: &Option<Spanned<String>>| match v {
        Some(s) => code(&s.value),
        None => "(not set)".to_string(),
    };
    let _ = writeln!(out, "- name: {}", field(&config.name));
    let _ = writeln!(out, "- main: {}", field(&config.main));
    let _ = writeln!(
        out,
        "- compatibility_date: {}",
        field(&config.compatibility_date)
    );
    if !config.compatibility_flags.is_empty() {
        let _ = writeln!(
            out,
            "- compatibility_flags: {}",
            codes(&config.compatibility_flags)
        );
    }
    let _ = writeln!(out, "- source files: {sources}");
    let errors = config.syntax_errors.len();
    if errors > 0 {
        let _ = writeln!(
            out,
            "- syntax errors: {errors} (what follows may be incomplete)"
        );
    }

    if !config.bindings.is_empty() {
        out.push_str("\n**Durable Object bindings**\n\n");
        for b in &config.bindings {
            let _ = write!(
                out,
                "- {} → {}",
                code(&b.name.value),
                code(&b.class_name.value)
            );
            if let Some(script) = &b.script_name {
                let _ = write!(out, " in worker {}", code(&script.value));
                if let Some(environment) = &b.environment {
                    let _ = write!(out, " (environment {})", code(&environment.value));
                }
            }
            match &b.env {
                Some(env) => {
                    let _ = writeln!(out, ", env {}", code(env));
                }
                None => out.push_str(", top level\n"),
            }
        }
    }

    if !config.migrations.is_empty() {
        out.push_str("\n**Migrations**\n\n");
        for (i, m) in config.migrations.iter().enumerate() {
            let tag = m
                .tag
                .as_ref()
                .map_or("(no tag)".to_string(), |t| code(&t.value));
            let mut parts = Vec::new();
            for (key, list) in [
                ("new_sqlite_classes", &m.new_sqlite_classes),
                ("new_classes", &m.new_classes),
                ("deleted_classes", &m.deleted_classes),
            ] {
                if !list.is_empty() {
                    parts.push(format!("{key} {}", codes(list)));
                }
            }
            if !m.renamed_classes.is_empty() {
                let renames: Vec<String> = m
                    .renamed_classes
                    .iter()
                    .map(|r| format!("{} → {}", code(&r.from.value), code(&r.to.value)))
                    .collect();
                parts.push(format!("renamed_classes {}", renames.join(", ")));
            }
            if !m.transferred_classes.is_empty() {
                let transfers: Vec<String> = m
                    .transferred_classes
                    .iter()
                    .map(|t| {
                        let from_script = match &t.from_script {
                            Some(s) => format!(" of worker {}", code(&s.value)),
                            None => String::new(),
                        };
                        format!(
                            "{}{from_script} → {}",
                            code(&t.from.value),
                            code(&t.to.value)
                        )
                    })
                    .collect();
                parts.push(format!("transferred_classes {}", transfers.join(", ")));
            }
            let body = if parts.is_empty() {
                "(no changes)".to_string()
            } else {
                parts.join("; ")
            };
            let _ = writeln!(out, "{}. {tag}: {body}", i + 1);
        }
    }

    if !config.exports.is_empty() {
        out.push_str("\n**Durable Object exports**\n\n");
        for e in &config.exports {
            let _ = write!(out, "- {}", code(&e.class.value));
            let state = e.state.as_ref().map_or("created", |s| s.value.as_str());
            let _ = write!(out, ": state {}", code(state));
            if let Some(storage) = &e.storage {
                let _ = write!(out, ", storage {}", code(&storage.value));
            }
            if let Some(to) = &e.renamed_to {
                let _ = write!(out, ", renamed to {}", code(&to.value));
            }
            out.push('\n');
        }
    }
}

fn codes(list: &[Spanned<String>]) -> String {
    list.iter()
        .map(|s| code(&s.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A Markdown code span that shows `s` literally, whatever backticks it contains.
fn code(s: &str) -> String {
    let longest_run = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use expect_test::expect;

    use super::*;

    #[test]
    fn describes_configs_bindings_migrations_and_sources() {
        let mut a = Analysis::new();
        a.set_file(
            Path::new("/w/app/wrangler.jsonc"),
            r#"{
  "name": "ledger-worker",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [
    { "name": "LEDGER", "class_name": "Ledger" },
    { "name": "AUDIT", "class_name": "AuditLog", "script_name": "audit-worker", "environment": "production" }
  ] },
  "env": { "staging": { "durable_objects": { "bindings": [{ "name": "LEDGER", "class_name": "Ledger" }] } } },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Ledger"] },
    { "tag": "v2", "renamed_classes": [{ "from": "A", "to": "B" }], "deleted_classes": ["C"] },
    { "tag": "v3", "transferred_classes": [{ "from": "Room", "from_script": "old", "to": "Chat" }] }
  ]
}"#
            .to_string(),
        );
        a.set_file(
            Path::new("/w/app/src/index.ts"),
            "export class Ledger {}\n".to_string(),
        );
        a.set_file(Path::new("/w/app/src/util.ts"), "export {}\n".to_string());
        a.set_file(
            Path::new("/w/other/wrangler.toml"),
            "name = \"other\"\n".to_string(),
        );
        a.set_file(Path::new("/w/scripts/x.ts"), "export {}\n".to_string());
        expect![[r#"
            # Durable Objects projects

            ## `/w/app/wrangler.jsonc`

            - name: `ledger-worker`
            - main: `src/index.ts`
            - compatibility_date: `2026-11-01`
            - source files: 2

            **Durable Object bindings**

            - `LEDGER` → `Ledger`, top level
            - `AUDIT` → `AuditLog` in worker `audit-worker` (environment `production`), top level
            - `LEDGER` → `Ledger`, env `staging`

            **Migrations**

            1. `v1`: new_sqlite_classes `Ledger`
            2. `v2`: deleted_classes `C`; renamed_classes `A` → `B`
            3. `v3`: transferred_classes `Room` of worker `old` → `Chat`

            **Durable Object classes**

            - `B`, SQLite storage, class not found in the sources
            - `Chat`, SQLite storage, class not found in the sources
            - `Ledger`, SQLite storage, declared in `/w/app/src/index.ts`:1 (exported from main), bound as `LEDGER`

            ## `/w/other/wrangler.toml`

            - name: `other`
            - main: (not set)
            - compatibility_date: (not set)
            - source files: 0

            Source files outside any project: 1
        "#]]
        .assert_eq(&project_markdown(&a));
    }

    #[test]
    fn no_config() {
        let mut a = Analysis::new();
        a.set_file(Path::new("index.ts"), "export {}\n".to_string());
        let md = project_markdown(&a);
        assert!(md.contains("No wrangler configuration"), "{md}");
        assert!(md.contains("outside any project: 1"), "{md}");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
