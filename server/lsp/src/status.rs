//! The `dols/status` report.

use std::fmt::Write;


use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dols_analysis::{Analysis, Encoding, File};

use crate::metrics::MethodStats;
use crate::server::VERSION;
use crate::world::{project_key, World};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn encoding_name(enc: Encoding) -> &'static str {
    match enc {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
    }
}

pub fn markdown(world: &World, stats: &[MethodStats]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# dols language server\n");
    let _ = writeln!(out, "- Version: `{VERSION}`");
    let _ = writeln!(out, "- Position encoding: `{}`", encoding_name(world.encoding));
    if world.roots.is_empty() {
        let _ = writeln!(out, "- Workspace roots: none");
    } else {
        let _ = writeln!(out, "- Workspace roots:");
        for root in &world.roots {
            let _ = writeln!(out, "  - `{}`", root.display());
        }
    }

    let settings = serde_json::to_string_pretty(&world.settings).unwrap_or_else(|e| format!("unprintable: {e}"));
    let _ = writeln!(out, "\n## Settings\n\n```json\n{settings}\n```");

    let _ = writeln!(out, "\n## Requests and notifications\n");
    let _ = writeln!(
        out,
        "| Method | Count | p50 (ms) | p99 (ms) |\n| --- | ---: | ---: | ---: |"
    );
    for s in stats {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let _ = writeln!(
            out,
            "| `{}` | {} | {:.2} | {:.2} |",
            s.method,
            s.count,
            ms(s.p50),
            ms(s.p99)
        );
    }

    let _ = writeln!(out, "\n## Open documents\n");
    if world.docs.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        // The hash lets a client check that the server's text is the editor's text.
        let _ = writeln!(
            out,
            "| Document | Version | Bytes | Lines | FNV-1a 64 |\n| --- | ---: | ---: | ---: | --- |"
        );
        let mut docs: Vec<_> = world.docs.values().collect();
        docs.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
        for doc in docs {
            let hash = doc
                .rope()
                .bytes()
                .fold(FNV_OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME));
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | `{hash:016x}` |",
                doc.uri.as_str(),
                doc.version,
                doc.len_bytes(),
                doc.rope().len_lines()
            );
        }
    }

    let _ = writeln!(out, "\n## Project model\n\n{}", dols_analysis::status::project_markdown(&world.analysis));
    let _ = writeln!(out, "\n## Loaded files\n\n{}", loaded_files(&world.analysis));
    out
}

/// The analysed files grouped by project (the directory of their wrangler config).
fn loaded_files(analysis: &Analysis) -> String {
    let mut groups: BTreeMap<Option<PathBuf>, Vec<(&Path, &File)>> = BTreeMap::new();
    for (path, file) in analysis.files() {
        groups
            .entry(project_key(analysis, path))
            .or_default()
            .push((path, file));
    }
    if groups.is_empty() {
        return "No files loaded.\n".to_string();
    }
    let mut out = String::new();
    // Projects first, then the files outside any.
    let ordered = groups
        .iter()
        .filter(|(k, _)| k.is_some())
        .chain(groups.iter().filter(|(k, _)| k.is_none()));
    for (key, files) in ordered {
        match key {
            Some(dir) => {
                let _ = writeln!(out, "### Project `{}`\n", dir.display());
            }
            None => {
                let _ = writeln!(out, "### Files outside any project\n");
            }
        }
        for (path, file) in files {
            match file {
                File::Config(c) => {
                    let name = c.config.name.as_ref().map_or("(unnamed)", |n| n.value.as_str());
                    let _ = writeln!(
                        out,
                        "- config `{}`: worker `{name}`, {} Durable Object bindings, {} migrations",
                        path.display(),
                        c.config.bindings.len(),
                        c.config.migrations.len()
                    );
                }
                File::Source(s) => {
                    let _ = writeln!(out, "- source `{}` ({} bytes)", path.display(), s.text.len());
                }
                File::Settings(_) => {
                    let _ = writeln!(out, "- settings `{}`", path.display());
                }
                File::Sql(s) => {
                    let _ = writeln!(out, "- SQL `{}` ({} bytes)", path.display(), s.text.len());
                }
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn report_has_the_timing_table_and_groups_files_by_project() {
        let mut world = World::default();
        world
            .analysis
            .set_file(Path::new("/w/a/wrangler.jsonc"), r#"{ "name": "alpha" }"#.to_string());
        world
            .analysis
            .set_file(Path::new("/w/a/src/index.ts"), "export class A {}".to_string());
        world
            .analysis
            .set_file(Path::new("/w/loose.ts"), "let x = 1;".to_string());
        world.settings = serde_json::json!({ "dols": { "trace": true } });
        let stats = vec![MethodStats {
            method: "textDocument/hover".into(),
            count: 3,
            p50: Duration::from_micros(1500),
            p99: Duration::from_millis(12),
        }];
        let md = markdown(&world, &stats);
        assert!(md.contains("- Position encoding: `utf-16`"), "{md}");
        assert!(md.contains("| `textDocument/hover` | 3 | 1.50 | 12.00 |"), "{md}");
        assert!(md.contains("\"trace\": true"), "{md}");
        let project = md.find("### Project `/w/a`").expect(&md);
        let loose = md.find("### Files outside any project").expect(&md);
        let index = md.find("- source `/w/a/src/index.ts` (17 bytes)").expect(&md);
        assert!(project < index && index < loose, "{md}");
        assert!(md.contains("- source `/w/loose.ts`"), "{md}");

        world.docs.insert(
            "/w/a/src/index.ts".into(),
            crate::document::Document::new("file:///w/a/src/index.ts".parse().unwrap(), 4, "a"),
        );
        let md = markdown(&world, &[]);
        // FNV-1a 64 of "a" is af63dc4c8601ec8c.
        assert!(
            md.contains("| `file:///w/a/src/index.ts` | 4 | 1 | 1 | `af63dc4c8601ec8c` |"),
            "{md}"
        );
    }
}
