//! The SQL functions of Durable Object storage, as data (`catalog/sql_functions.toml`):
//! completion and hover inside SQL strings read them from here.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    Core,
    Aggregate,
    Window,
    Date,
    Json,
    Fts5,
    Math,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Core => "core function",
            Group::Aggregate => "aggregate function",
            Group::Window => "window function",
            Group::Date => "date and time function",
            Group::Json => "JSON function",
            Group::Fts5 => "FTS5 function",
            Group::Math => "math function",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    pub name: String,
    pub group: Group,
    /// One entry per form, e.g. `substr(X, START, LENGTH)`.
    pub signatures: Vec<String>,
    /// One line, our own words.
    pub doc: String,
}

impl Function {
    /// Whether the function takes no argument in any form (`pi()`, `random()`).
    pub fn takes_no_arguments(&self) -> bool {
        self.signatures.iter().all(|s| s.contains("()"))
    }

    /// Hover text: the signatures in a code block, the description, the kind.
    pub fn markdown(&self) -> String {
        format!("```sql\n{}\n```\n\n{}\n\n*SQLite {}*", self.signatures.join("\n"), self.doc, self.group.label())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FunctionFile {
    function: Vec<Function>,
}

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let file: FunctionFile = toml::from_str(include_str!("../../catalog/sql_functions.toml"))
        .unwrap_or_else(|e| panic!("the compiled-in SQL function list is invalid: {e}"));
    file.function
});

/// Every function, in the file's order.
pub fn all() -> &'static [Function] {
    &FUNCTIONS
}

/// A function by name (case-insensitive, as SQLite treats them).
pub fn get(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_well_formed_and_matches_the_platform() {
        let all = all();
        assert!(all.len() > 100, "{}", all.len());
        let mut names: Vec<&str> = all.iter().map(|f| f.name.as_str()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate names");
        for f in all {
            assert!(!f.signatures.is_empty() && !f.doc.is_empty(), "{}", f.name);
            for s in &f.signatures {
                assert!(s.to_lowercase().starts_with(&format!("{}(", f.name)), "{}: {s}", f.name);
            }
            assert!(!crate::sql::platform::BLOCKED_FUNCTIONS.contains(&f.name.as_str()), "{} is blocked", f.name);
        }
        for blocked in ["sqlite_version", "load_extension", "soundex", "uuid"] {
            assert!(get(blocked).is_none(), "{blocked}");
        }
        assert_eq!(get("JSON_EXTRACT").map(|f| f.group), Some(Group::Json));
    }
}
