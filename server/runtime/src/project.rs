//! The project a test run loads: its wrangler config (read with the analysis crate's model),
//! its main module and its Durable Object bindings, and the `[test]` section of its
//! `dols.toml`.

use std::path::{Path, PathBuf};

use dols_analysis::config::{CONFIG_FILE_NAMES, ConfigFormat, parse_wrangler};
use dols_analysis::settings::SETTINGS_FILE_NAME;

use crate::fetch::HostPattern;

/// A Durable Object binding of the worker being tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    pub class_name: String,
    /// Declared with `new_sqlite_classes` (or not declared as a legacy KV class).
    pub sqlite: bool,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub main: PathBuf,
    pub worker_name: String,
    pub bindings: Vec<Binding>,
    /// Hosts that outbound `fetch` may reach: `allow_fetch` in the `[test]` section of the
    /// `dols.toml` next to the wrangler config.
    pub allow_fetch: Vec<HostPattern>,
}

impl Project {
    /// Reads the wrangler config in `dir` (`wrangler.jsonc`, `wrangler.json` or `wrangler.toml`).
    pub fn load(dir: &Path) -> Result<Project, String> {
        let root = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let (path, format) = CONFIG_FILE_NAMES
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file())
            .and_then(|p| {
                let f = ConfigFormat::from_file_name(p.file_name()?.to_str()?)?;
                Some((p, f))
            })
            .ok_or_else(|| {
                format!(
                    "no wrangler config ({}) in {}",
                    CONFIG_FILE_NAMES.join(", "),
                    root.display()
                )
            })?;
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config = parse_wrangler(format, &text);
        if let Some(e) = config.syntax_errors.first() {
            return Err(format!("{}: {}", path.display(), e.message));
        }
        let main = config
            .main
            .as_ref()
            .map(|m| m.value.clone())
            .ok_or_else(|| format!("{}: no `main` module", path.display()))?;
        let main = root.join(main);
        if !main.is_file() {
            return Err(format!(
                "{}: main module {} not found",
                path.display(),
                main.display()
            ));
        }
        let legacy = |class: &str| {
            config
                .migrations
                .iter()
                .any(|m| m.new_classes.iter().any(|c| c.value == class))
                || config.exports.iter().any(|e| {
                    e.class.value == class
                        && e.storage.as_ref().is_some_and(|s| s.value == "legacy-kv")
                })
        };
        let bindings = config
            .bindings
            .iter()
            .filter(|b| b.script_name.is_none())
            .map(|b| Binding {
                name: b.name.value.clone(),
                class_name: b.class_name.value.clone(),
                sqlite: !legacy(&b.class_name.value),
            })
            .collect();
        let worker_name = config
            .name
            .as_ref()
            .map_or_else(|| "worker".to_string(), |n| n.value.clone());
        let allow_fetch = read_test_settings(&root.join(SETTINGS_FILE_NAME))?;
        Ok(Project {
            root,
            main,
            worker_name,
            bindings,
            allow_fetch,
        })
    }

    /// The configuration the prelude's `__dols.setup` takes.
    pub(crate) fn runtime_config_json(&self) -> String {
        let bindings: Vec<serde_json::Value> = self
            .bindings
            .iter()
            .map(|b| serde_json::json!({ "name": b.name, "className": b.class_name, "sqlite": b.sqlite }))
            .collect();
        serde_json::json!({ "workerName": self.worker_name, "bindings": bindings }).to_string()
    }
}

/// The keys of `dols.toml`'s `[test]` section.
const TEST_KEYS: &[&str] = &["allow_fetch"];

/// Reads the `[test]` section of a `dols.toml` (none when the file does not exist):
///
/// ```toml
/// [test]
/// allow_fetch = ["api.example.com", "127.0.0.1:8787", "*.example.org"]
/// ```
///
/// Anything in that section that cannot be used is an error naming the file, so that a
/// misspelt key does not leave requests refused for no visible reason. Other sections are the
/// checker's (see `dols_analysis::settings`).
fn read_test_settings(path: &Path) -> Result<Vec<HostPattern>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let fail = |msg: String| format!("{}: {msg}", path.display());
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| fail(format!("not valid TOML: {}", e.message())))?;
    let Some(section) = doc.get("test") else {
        return Ok(Vec::new());
    };
    let toml::Value::Table(section) = section else {
        return Err(fail("`test` must be a table (`[test]`)".into()));
    };
    let mut allow = Vec::new();
    for (key, value) in section {
        if !TEST_KEYS.contains(&key.as_str()) {
            return Err(fail(format!(
                "unknown key `{key}` in `[test]` (known: {})",
                TEST_KEYS.join(", ")
            )));
        }
        let list: Option<Vec<&str>> = value
            .as_array()
            .and_then(|items| items.iter().map(toml::Value::as_str).collect());
        let Some(list) = list else {
            return Err(fail(format!(
                "`{key}` in `[test]` must be a list of strings (`{key} = [\"api.example.com\"]`)"
            )));
        };
        for p in list {
            allow.push(HostPattern::parse(p).map_err(|e| fail(format!("`{key}` in `[test]`: {e}")))?);
        }
    }
    Ok(allow)
}
