//! Diagnostics on plain data: byte ranges, stable codes, optional fixes.

use std::path::PathBuf;

use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    /// LSP's numbering: 1 error … 4 hint.
    pub fn lsp_number(self) -> u8 {
        match self {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Info => 3,
            Severity::Hint => 4,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Another place that explains a diagnostic (for example the config entry behind a code error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: PathBuf,
    pub range: TextRange,
    pub message: String,
}

/// A text replacement that repairs the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<FileEdit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub file: PathBuf,
    pub range: TextRange,
    pub new_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub range: TextRange,
    pub severity: Severity,
    /// Stable code, documented under `docs/rules/` or `docs/diagnostics.md`.
    pub code: &'static str,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(
        file: impl Into<PathBuf>,
        range: TextRange,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        debug_assert!(code_info(code).is_some(), "diagnostic code `{code}` is not in diagnostics::CODES");
        Self {
            file: file.into(),
            range,
            severity,
            code,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }
    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}

/// A documented diagnostic code.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    /// One line: what the code reports.
    pub summary: &'static str,
}

/// Every code dols reports. Each has a page `docs/diagnostics/<code>.md` (checked by a test),
/// and emitting a code missing here fails in debug builds.
pub const CODES: &[CodeInfo] = &[
    CodeInfo { code: "config-syntax", summary: "The wrangler config is not valid JSONC or TOML." },
    CodeInfo { code: "config-invalid", summary: "A wrangler config value that wrangler rejects: a missing or mistyped field." },
    CodeInfo { code: "config-unexpected-field", summary: "A field wrangler does not know in a Durable Object binding or migration." },
    CodeInfo { code: "config-main-not-found", summary: "The config's `main` module does not exist." },
    CodeInfo { code: "do-class-not-exported", summary: "A Durable Object binding names a class that the main module does not export." },
    CodeInfo { code: "do-class-no-migration", summary: "A Durable Object class that no migration creates." },
    CodeInfo { code: "migration-unknown-class", summary: "A migration creates a class that the main module does not export." },
    CodeInfo { code: "sql-syntax", summary: "A SQL statement in `sql.exec` that SQLite cannot parse, or an empty statement." },
    CodeInfo { code: "sql-unknown-table", summary: "A query names a table that the class's schema code never creates." },
    CodeInfo { code: "sql-unknown-column", summary: "A query names a column that its tables do not have." },
    CodeInfo { code: "sql-unknown-function", summary: "A query calls a SQL function that Durable Object storage does not have." },
    CodeInfo { code: "sql-binding-count", summary: "The bindings passed to `exec` do not match the statement's parameters." },
    CodeInfo { code: "sql-transaction-statement", summary: "BEGIN, COMMIT, ROLLBACK, SAVEPOINT or RELEASE through `sql.exec`, which Durable Objects reject." },
    CodeInfo { code: "sql-pragma-not-allowed", summary: "A PRAGMA outside the set Durable Objects allow." },
    CodeInfo { code: "sql-reserved-name", summary: "A table, index, view or trigger name with the reserved `_cf_` prefix." },
    CodeInfo { code: "sql-not-allowed", summary: "ATTACH, temporary objects, unsupported virtual tables or extensions, which Durable Objects do not authorize." },
    CodeInfo { code: "sql-ddl-failed", summary: "A CREATE/ALTER/DROP statement of the class's schema code that fails." },
    CodeInfo { code: "sql-double-quoted-string", summary: "A double-quoted word in SQL that SQLite reads as text because no column has that name." },
    CodeInfo { code: "sql-await-exec", summary: "`await` on the synchronous `sql.exec`." },
    CodeInfo { code: "sql-injection", summary: "A `${}` of a query template puts a runtime value into the SQL text instead of binding it." },
    CodeInfo { code: "sql-row-missing-column", summary: "The row type of `exec<T>` has a property the query does not return." },
    CodeInfo { code: "sql-row-extra-column", summary: "The query returns a column that the row type of `exec<T>` does not declare." },
    CodeInfo { code: "sql-row-type-mismatch", summary: "A property type of `exec<T>`'s row type does not match the declared type of its column." },
    CodeInfo { code: "sql-error", summary: "Any other error SQLite reports when preparing a query against the class's schema." },
    CodeInfo { code: "kv-backend-sql-api", summary: "A SQLite-only storage API used in a class created with the key-value backend." },
    CodeInfo { code: "settings-invalid", summary: "A `dols.toml` that cannot be read, or names an unknown section, rule or level." },
];

/// The code's entry: a config or project code of [`CODES`], or a lint rule of
/// [`crate::lints::RULES`] (documented under `docs/rules/`).
pub fn code_info(code: &str) -> Option<CodeInfo> {
    CODES
        .iter()
        .copied()
        .find(|c| c.code == code)
        .or_else(|| crate::lints::rule(code).map(|r| CodeInfo { code: r.code, summary: r.summary }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_has_a_page() {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/diagnostics"));
        for c in super::CODES {
            let page = dir.join(format!("{}.md", c.code));
            let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("missing {}", page.display()));
            assert!(text.starts_with(&format!("# `{}`", c.code)), "{} must start with its code as title", page.display());
        }
        let pages = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "md"));
        for page in pages {
            let name = page.path().file_stem().unwrap().to_string_lossy().into_owned();
            assert!(name == "README" || super::CODES.iter().any(|c| c.code == name), "docs/diagnostics/{name}.md documents an unknown code");
        }
    }

    #[test]
    fn every_rule_has_a_page() {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules"));
        let readme = std::fs::read_to_string(dir.join("README.md")).expect("docs/rules/README.md");
        for r in crate::lints::RULES {
            assert!(super::CODES.iter().all(|c| c.code != r.code), "`{}` is both a config code and a rule", r.code);
            let page = dir.join(format!("{}.md", r.code));
            let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("missing {}", page.display()));
            assert!(text.starts_with(&format!("# `{}`", r.code)), "{} must start with its code as title", page.display());
            assert!(text.matches("```").count() >= 4, "{} needs a reported and a correct example", page.display());
            assert!(readme.contains(&format!("`{}`", r.code)), "docs/rules/README.md must list `{}`", r.code);
        }
        let pages = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "md"));
        for page in pages {
            let name = page.path().file_stem().unwrap().to_string_lossy().into_owned();
            assert!(name == "README" || crate::lints::rule(&name).is_some(), "docs/rules/{name}.md documents an unknown rule");
        }
    }
}
