//! The generated API reference page, `docs/reference/api.md`: the whole catalog rendered as
//! Markdown. Each member is rendered by [`member_markdown`], the same function hover uses, so
//! the page shows exactly what the editor shows. A test keeps the committed page in step
//! with the catalog.

use crate::catalog::{Catalog, catalog, member_markdown, snippet_text};

/// The command that regenerates the page; named in its first line.
pub const UPDATE_COMMAND: &str = "UPDATE_EXPECT=1 cargo test -p dols-analysis reference";

/// The reference page for the compiled-in catalog.
pub fn reference_markdown() -> String {
    render(catalog())
}

fn render(catalog: &Catalog) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "> Generated from `server/analysis/catalog/*.toml` by `{UPDATE_COMMAND}`; do not edit by hand.\n\n"
    ));
    out.push_str("# Durable Objects API reference\n\n");
    out.push_str(
        "Every runtime type dols knows about, with each member as hover shows it: signatures, \
         whether the call returns a Promise, whether it needs a SQLite-backed class or the \
         `experimental` compatibility flag, and the behaviour worth knowing before using it. \
         The class-body snippets offered inside `extends DurableObject` follow at the end.\n\n",
    );

    out.push_str("## Contents\n\n");
    for r in &catalog.receivers {
        out.push_str(&format!(
            "- [`{}`](#{}) ({} members)\n",
            r.name,
            anchor(&r.name),
            r.members.len()
        ));
    }
    out.push_str("- [Class snippets](#class-snippets)\n\n");

    for r in &catalog.receivers {
        out.push_str(&format!("## `{}`\n\n", r.name));
        out.push_str(r.summary.trim());
        out.push_str("\n\n");
        for note in &r.notes {
            out.push_str(note.trim());
            out.push_str("\n\n");
        }
        out.push_str(&format!("[Cloudflare documentation]({})\n\n", r.link));
        for m in &r.members {
            out.push_str(&format!("### `{}.{}`\n\n", r.name, m.name));
            out.push_str(&member_markdown(r, m));
            out.push('\n');
        }
    }

    out.push_str("## Class snippets\n\n");
    out.push_str(
        "Offered in the body of a class that extends `DurableObject` when the trigger word is \
         typed. Shown here with every tab stop at its default text.\n\n",
    );
    for s in &catalog.class_snippets {
        out.push_str(&format!("### `{}`\n\n", s.trigger));
        out.push_str(&format!("`{}`: {}\n\n", s.label, s.detail));
        out.push_str(s.doc.trim());
        out.push_str("\n\n```ts\n");
        // A tab stop on an otherwise empty line leaves only indentation behind.
        for line in snippet_text(&s.body).lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push_str("```\n\n");
    }

    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// The fragment GitHub gives a heading that holds only an identifier.
fn anchor(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reference/api.md");

    /// Fails when the committed page differs from the catalog; `UPDATE_EXPECT=1` rewrites it.
    #[test]
    fn reference_page_is_up_to_date() {
        let expected = reference_markdown();
        let path = Path::new(PAGE);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &expected).unwrap();
            return;
        }
        let actual = match std::fs::read_to_string(path) {
            Ok(text) => text.replace("\r\n", "\n"),
            Err(e) => panic!("cannot read docs/reference/api.md ({e}); run `{UPDATE_COMMAND}`"),
        };
        if actual != expected {
            let line = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e)
                .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
            panic!(
                "docs/reference/api.md is out of date (first difference at line {}):\n  committed: {:?}\n  generated: {:?}\nrun `{UPDATE_COMMAND}` to regenerate it",
                line + 1,
                actual.lines().nth(line).unwrap_or("<end of file>"),
                expected.lines().nth(line).unwrap_or("<end of file>"),
            );
        }
    }

    #[test]
    fn page_covers_every_receiver_member_and_snippet() {
        let page = reference_markdown();
        assert!(page.starts_with("> Generated from "));
        assert!(page.lines().next().unwrap().contains(UPDATE_COMMAND));
        let cat = catalog();
        for r in &cat.receivers {
            assert!(page.contains(&format!("\n## `{}`\n", r.name)), "{}", r.name);
            assert!(page.contains(&format!("(#{})", anchor(&r.name))), "{}", r.name);
            for m in &r.members {
                assert!(page.contains(&format!("\n### `{}.{}`\n", r.name, m.name)));
                assert!(page.contains(&member_markdown(r, m)), "{}.{}", r.name, m.name);
            }
        }
        for s in &cat.class_snippets {
            let first_line = snippet_text(&s.body).lines().next().unwrap().to_string();
            assert!(page.contains(&format!("```ts\n{first_line}\n")), "{}", s.trigger);
        }
        assert!(page.lines().all(|l| l == l.trim_end()), "trailing whitespace in the page");
        assert!(page.contains("async alarm(alarmInfo?: AlarmInvocationInfo): Promise<void> {"));
        assert!(page.contains("CREATE TABLE IF NOT EXISTS items"));
        assert!(!page.contains("${"), "unexpanded snippet tab stop in the page");
    }

    #[test]
    fn anchors_follow_github_headings() {
        assert_eq!(anchor("DurableObjectStorage"), "durableobjectstorage");
        assert_eq!(anchor("Sql_Storage-X"), "sql_storage-x");
    }
}
