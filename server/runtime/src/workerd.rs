//! A workerd configuration for a project, so the same test modules can run under `workerd test`
//! (the conformance comparison). TypeScript modules are stripped with [`crate::strip`]; module
//! names are paths relative to the project root with `.ts` replaced by `.js`, so imports must
//! spell `./x.js` (which `dols test` also resolves to `x.ts`).

use std::path::{Path, PathBuf};

use crate::project::Project;
use crate::strip::strip_types;

/// One module of the generated worker: its name and its JavaScript text.
pub struct WorkerdModule {
    pub name: String,
    pub text: String,
    pub json: bool,
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        if p.is_dir() {
            collect(&p, out);
        } else if [".ts", ".js", ".mjs", ".json"]
            .iter()
            .any(|e| name.ends_with(e))
            && !name.ends_with(".d.ts")
            && !name.starts_with("wrangler")
        {
            out.push(p);
        }
    }
}

/// The modules (main first) and the text of a `config.capnp` that loads them from files of the
/// same names next to it, with SQLite-backed namespaces stored in the `disk` service at
/// `state_dir`.
pub fn workerd_config(
    project: &Project,
    state_dir: &Path,
) -> Result<(String, Vec<WorkerdModule>), String> {
    let mut files = Vec::new();
    collect(&project.root, &mut files);
    files.retain(|f| f != &project.main);
    files.insert(0, project.main.clone());
    let mut modules = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&project.root)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let (name, text, json) = if let Some(stem) = rel.strip_suffix(".ts") {
            (
                format!("{stem}.js"),
                strip_types(&text).map_err(|e| format!("{rel}:{e}"))?,
                false,
            )
        } else {
            (rel.clone(), text, rel.ends_with(".json"))
        };
        modules.push(WorkerdModule { name, text, json });
    }
    let quote = |s: &str| serde_json::to_string(s).expect("string");
    let mut capnp = String::from(
        "using Workerd = import \"/workerd/workerd.capnp\";\n\nconst config :Workerd.Config = (\n  services = [\n",
    );
    capnp.push_str("    (name = \"main\", worker = .worker),\n");
    capnp.push_str(&format!(
        "    (name = \"disk\", disk = (path = {}, writable = true)),\n  ],\n);\n\n",
        quote(&state_dir.to_string_lossy())
    ));
    capnp.push_str(
        "const worker :Workerd.Worker = (\n  compatibilityDate = \"2026-11-01\",\n  modules = [\n",
    );
    for m in &modules {
        let kind = if m.json { "json" } else { "esModule" };
        capnp.push_str(&format!(
            "    (name = {}, {kind} = embed {}),\n",
            quote(&m.name),
            quote(&m.name)
        ));
    }
    capnp.push_str("  ],\n  durableObjectNamespaces = [\n");
    let mut classes: Vec<(&str, bool)> = Vec::new();
    for b in &project.bindings {
        if !classes.iter().any(|(c, _)| *c == b.class_name) {
            classes.push((&b.class_name, b.sqlite));
        }
    }
    for (class, sqlite) in &classes {
        capnp.push_str(&format!(
            "    (className = {}, uniqueKey = {}, enableSql = {sqlite}),\n",
            quote(class),
            quote(&format!("{}-{class}", project.worker_name))
        ));
    }
    capnp.push_str("  ],\n  durableObjectStorage = (localDisk = \"disk\"),\n  bindings = [\n");
    for b in &project.bindings {
        capnp.push_str(&format!(
            "    (name = {}, durableObjectNamespace = {}),\n",
            quote(&b.name),
            quote(&b.class_name)
        ));
    }
    capnp.push_str("  ],\n);\n");
    Ok((capnp, modules))
}
