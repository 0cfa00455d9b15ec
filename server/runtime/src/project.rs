//! The project a test run loads: its wrangler config (read with the analysis crate's model),
//! its main module and its Durable Object bindings.

use std::path::{Path, PathBuf};

use dols_analysis::config::{CONFIG_FILE_NAMES, ConfigFormat, parse_wrangler};

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
        Ok(Project {
            root,
            main,
            worker_name,
            bindings,
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
