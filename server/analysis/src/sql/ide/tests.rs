//! SQL IDE features on fixtures with a `$0` cursor inside an `exec` string.

use std::path::Path;

use expect_test::{expect, Expect};

use crate::ide::CompletionKind;
use crate::test_support::{fixture, render_range};
use crate::{SqlTokenKind, TextRange};

const WRANGLER: &str = r#"//- /w/wrangler.jsonc
{
  "name": "app",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "STORE", "class_name": "Store" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }]
}
"#;

/// A Store class with users, posts and an FTS table; `body` goes after the constructor.
fn store(body: &str) -> String {
    format!(
        r#"{WRANGLER}//- /w/src/index.ts
import {{ DurableObject }} from "cloudflare:workers";

const BY_EMAIL = "SELECT id FROM users WHERE email = ?";

export class Store extends DurableObject<Env> {{
  sql = this.ctx.storage.sql;
  constructor(ctx: DurableObjectState, env: Env) {{
    super(ctx, env);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      name TEXT
    )`);
    this.sql.exec("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, author INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT, body TEXT)");
    this.sql.exec("ALTER TABLE users ADD COLUMN created_at INTEGER DEFAULT (unixepoch())");
    this.sql.exec("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body)");
  }}
{body}
}}
"#
    )
}

fn completions(src: &str) -> Vec<crate::CompletionItem> {
    let f = fixture(src);
    f.analysis.completion(&f.cursor_file, f.offset)
}

/// The items that are not keywords or functions, as `Kind label — detail [replaces "x"]`.
fn check_names(src: &str, expect: Expect) {
    let f = fixture(src);
    let text = f.analysis.file(&f.cursor_file).unwrap().text().to_string();
    let mut out = String::new();
    for i in f.analysis.completion(&f.cursor_file, f.offset) {
        if matches!(i.kind, CompletionKind::Keyword | CompletionKind::Function) {
            continue;
        }
        let replaced = &text[i.replace.as_range()];
        out.push_str(&format!(
            "{:?} {}{}{}\n",
            i.kind,
            i.label,
            i.detail.map(|d| format!(" — {d}")).unwrap_or_default(),
            if replaced.is_empty() { String::new() } else { format!(" [replaces {replaced:?}]") }
        ));
    }
    expect.assert_eq(if out.is_empty() { "none\n" } else { &out });
}

#[test]
fn columns_after_an_alias_in_a_half_typed_statement() {
    check_names(
        &store(r#"  find() { return this.sql.exec("SELECT u.$0 FROM users u JOIN posts p ON p.author = u.id WHERE").toArray(); }"#),
        expect![[r#"
            Column id — INTEGER PRIMARY KEY — users
            Column email — TEXT NOT NULL UNIQUE — users
            Column name — TEXT — users
            Column created_at — INTEGER DEFAULT unixepoch() — users
        "#]],
    );
    // The second alias, with a prefix typed: the prefix is what gets replaced.
    check_names(
        &store(r#"  find() { return this.sql.exec("SELECT p.ti$0 FROM users u JOIN posts p ON").toArray(); }"#),
        expect![[r#"
            Column id — INTEGER PRIMARY KEY — posts [replaces "ti"]
            Column author — INTEGER NOT NULL — posts [replaces "ti"]
            Column title — TEXT — posts [replaces "ti"]
            Column body — TEXT — posts [replaces "ti"]
        "#]],
    );
}

#[test]
fn tables_after_from_join_into_update() {
    for q in ["SELECT * FROM $0", "SELECT * FROM users JOIN $0", "INSERT INTO $0", "UPDATE $0", "DELETE FROM us$0", "SELECT * FROM posts, $0"] {
        let items = completions(&store(&format!(r#"  q() {{ this.sql.exec("{q}"); }}"#)));
        let labels: Vec<(&str, CompletionKind)> = items.iter().map(|i| (i.label.as_str(), i.kind)).collect();
        assert_eq!(
            labels,
            [("users", CompletionKind::Table), ("posts", CompletionKind::Table), ("docs", CompletionKind::Table)],
            "{q}"
        );
    }
}

#[test]
fn insert_column_list_offers_that_tables_columns() {
    check_names(
        &store(r#"  add() { this.sql.exec("INSERT INTO posts (title, $0"); }"#),
        expect![[r#"
            Column id — INTEGER PRIMARY KEY — posts
            Column author — INTEGER NOT NULL — posts
            Column title — TEXT — posts
            Column body — TEXT — posts
        "#]],
    );
}

#[test]
fn expression_context_has_scope_columns_functions_and_keywords() {
    let items = completions(&store(r#"  q() { this.sql.exec("SELECT * FROM posts WHERE $0 ORDER BY id"); }"#));
    let col = items.iter().find(|i| i.label == "author").expect("a column of posts");
    assert_eq!(col.kind, CompletionKind::Column);
    assert!(!items.iter().any(|i| i.label == "email"), "email is a column of users, not in scope");
    let f = items.iter().find(|i| i.label == "json_extract").expect("JSON functions");
    assert_eq!(f.detail.as_deref(), Some("json_extract(JSON, PATH, ...)"));
    assert_eq!(f.snippet.as_deref(), Some("json_extract($1)"));
    for name in ["count", "row_number", "strftime", "sqrt", "bm25", "coalesce"] {
        assert!(items.iter().any(|i| i.label == name && i.kind == CompletionKind::Function), "{name}");
    }
    assert!(items.iter().any(|i| i.label == "BETWEEN" && i.kind == CompletionKind::Keyword));
    assert!(!items.iter().any(|i| i.label == "sqlite_version"), "blocked functions are not offered");
    // Columns sort before tables, functions and keywords.
    let sort = |l: &str| items.iter().find(|i| i.label == l).unwrap().sort_text.clone().unwrap();
    assert!(sort("author") < sort("users") && sort("users") < sort("json_extract") && sort("json_extract") < sort("BETWEEN"));
}

#[test]
fn statement_start_and_literals() {
    let items = completions(&store(r#"  q() { this.sql.exec("sel$0"); }"#));
    assert_eq!(items.first().map(|i| (i.label.as_str(), i.kind)), Some(("select", CompletionKind::Keyword)), "lower case as typed");
    // Inside a string literal or a comment of the SQL: nothing, and no TypeScript items either.
    assert!(completions(&store(r#"  q() { this.sql.exec("SELECT * FROM users WHERE name = 'a$0'"); }"#)).is_empty());
    assert!(completions(&store(r#"  q() { this.sql.exec("SELECT 1 -- users.$0"); }"#)).is_empty());
    // A string that no `exec` runs is not SQL.
    assert!(completions(&store(r#"  q() { const s = "SELECT * FROM $0"; return s; }"#)).is_empty());
}

#[test]
fn queries_in_consts_escapes_and_concatenations() {
    // The module const is passed to exec in a method: its class's schema applies.
    let src = store(r#"  byEmail(e: string) { return this.sql.exec(BY_EMAIL, e).one(); }"#).replace("WHERE email = ?", "WHERE $0 = ?");
    assert!(completions(&src).iter().any(|i| i.label == "email"));
    let src = store("  q() { return this.sql.exec(\"SELECT\\n  p.$0\\tFROM posts \" + \"AS p\").toArray(); }");
    let labels: Vec<String> = completions(&src).into_iter().map(|i| i.label).collect();
    assert_eq!(labels, ["id", "author", "title", "body"]);
}

fn check_hover(src: &str, expect: Expect) {
    let f = fixture(src);
    let out = match f.analysis.hover(&f.cursor_file, f.offset) {
        Some(h) => {
            let text = f.analysis.file(&f.cursor_file).unwrap().text().to_string();
            format!("[{}]\n{}\n", &text[h.range.as_range()], h.markdown)
        }
        None => "no hover\n".to_string(),
    };
    expect.assert_eq(&out);
}

#[test]
fn hover_on_a_table_lists_its_columns_and_create_statement() {
    check_hover(
        &store(r#"  q() { this.sql.exec("SELECT * FROM po$0sts"); }"#),
        expect![[r#"
            [posts]
            ```sql
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT, body TEXT)
            ```

            **table** `posts`

            | column | type and constraints |
            | --- | --- |
            | `id` | INTEGER PRIMARY KEY |
            | `author` | INTEGER NOT NULL → `users(id)` |
            | `title` | TEXT |
            | `body` | TEXT |
        "#]],
    );
}

#[test]
fn hover_on_a_column_shows_type_constraints_keys_and_origin() {
    check_hover(
        &store(r#"  q() { this.sql.exec("SELECT p.author$0, u.created_at FROM posts p JOIN users u ON u.id = p.author"); }"#),
        expect![[r#"
            [author]
            ```sql
            posts.author INTEGER NOT NULL
            ```

            Column of table `posts`; declared type `INTEGER`.

            Keys and constraints: references `users(id)` (ON DELETE CASCADE), NOT NULL.

            Declared by `CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, author INTEGER NOT NULL REFER…`
        "#]],
    );
    check_hover(
        &store(r#"  q() { this.sql.exec("SELECT u.created_at$0 FROM users u"); }"#),
        expect![[r#"
            [created_at]
            ```sql
            users.created_at INTEGER DEFAULT unixepoch()
            ```

            Column of table `users`; declared type `INTEGER`.

            Keys and constraints: default `unixepoch()`.

            Declared by `ALTER TABLE users ADD COLUMN created_at INTEGER DEFAULT (unixepoch())`
        "#]],
    );
}

#[test]
fn hover_on_a_function() {
    check_hover(
        &store(r#"  q() { this.sql.exec("SELECT json_ex$0tract(body, '$.a') FROM posts"); }"#),
        expect![[r#"
            [json_extract]
            ```sql
            json_extract(JSON, PATH, ...)
            ```

            The value at PATH (`$.a.b`, `$[0]`) as an SQL value; with several paths, a JSON array of the values.

            *SQLite JSON function*
        "#]],
    );
    // A word that names nothing in the schema: no hover.
    check_hover(&store(r#"  q() { this.sql.exec("SELECT nope$0 FROM posts"); }"#), expect!["no hover\n"]);
}

fn check_definition(src: &str, expect: Expect) {
    let f = fixture(src);
    let targets = f.analysis.definition(&f.cursor_file, f.offset);
    let out: String = targets.iter().map(|t| format!("{}\n", render_range(&f.analysis, &t.file, t.focus))).collect();
    expect.assert_eq(if out.is_empty() { "none\n" } else { &out });
}

#[test]
fn definition_goes_to_the_name_inside_the_ddl_string() {
    check_definition(
        &store(r#"  q() { this.sql.exec("SELECT em$0ail FROM users"); }"#),
        expect![[r#"
            /w/src/index.ts:11:7 "email"
        "#]],
    );
    check_definition(
        &store(r#"  q() { this.sql.exec("SELECT created_at$0 FROM users"); }"#),
        expect![[r#"
            /w/src/index.ts:15:49 "created_at"
        "#]],
    );
    check_definition(
        &store(r#"  q() { this.sql.exec("SELECT * FROM posts$0"); }"#),
        expect![[r#"
            /w/src/index.ts:14:47 "posts"
        "#]],
    );
    // An FTS5 column, and a table named through an alias.
    check_definition(
        &store(r#"  q() { this.sql.exec("SELECT d.body$0 FROM docs d WHERE docs MATCH ?", "x"); }"#),
        expect![[r#"
            /w/src/index.ts:16:78 "body"
        "#]],
    );
}

#[test]
fn definition_maps_through_escapes_and_other_files() {
    // The schema lives in a base class in another module, with an escaped newline.
    let src = format!(
        r#"{WRANGLER}//- /w/src/base.ts
import {{ DurableObject }} from "cloudflare:workers";
export class Base extends DurableObject<Env> {{
  constructor(ctx: DurableObjectState, env: Env) {{
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS kv (\n  k TEXT PRIMARY KEY,\n  \"v\" BLOB)");
  }}
}}
//- /w/src/index.ts
import {{ Base }} from "./base";
export class Store extends Base {{
  get(k: string) {{ return this.ctx.storage.sql.exec("SELECT v$0 FROM kv WHERE k = ?", k).one(); }}
}}
"#
    );
    check_definition(
        &src,
        expect![[r#"
            /w/src/base.ts:5:85 "\\\"v\\\""
        "#]],
    );
}

#[test]
fn references_of_a_column_across_the_class() {
    let src = store(
        r#"  a() { return this.sql.exec("SELECT title FROM posts WHERE author = ?", 1).toArray(); }
  b() { return this.sql.exec("SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author").toArray(); }
  c() { return this.sql.exec("SELECT title FROM docs").toArray(); }
  d(t: string) { this.sql.exec("UPDATE posts SET title$0 = ? WHERE id = 1", t); }"#,
    );
    let f = fixture(&src);
    let render = |include: bool| -> String {
        f.analysis
            .references(&f.cursor_file, f.offset, include)
            .iter()
            .map(|(file, r)| format!("{}\n", render_range(&f.analysis, file, *r)))
            .collect()
    };
    // `docs.title` is another table's column: not a reference.
    expect![[r#"
        /w/src/index.ts:14:142 "title"
        /w/src/index.ts:18:38 "title"
        /w/src/index.ts:19:40 "title"
        /w/src/index.ts:21:50 "title"
    "#]]
    .assert_eq(&render(true));
    assert!(!render(false).contains("14:142") && render(false).contains("18:38"), "without the declaration");
}

#[test]
fn references_of_a_table_include_ddl_and_qualifiers() {
    let src = store(r#"  a() { return this.sql.exec("SELECT users.name FROM users$0 WHERE users.id IN (SELECT author FROM posts)").toArray(); }"#);
    let f = fixture(&src);
    let refs = f.analysis.references(&f.cursor_file, f.offset, true);
    let rendered: Vec<String> = refs.iter().map(|(file, r)| render_range(&f.analysis, file, *r)).collect();
    expect![[r#"
        [
            "/w/src/index.ts:9:47 \"users\"",
            "/w/src/index.ts:14:113 \"users\"",
            "/w/src/index.ts:15:32 \"users\"",
            "/w/src/index.ts:18:38 \"users\"",
            "/w/src/index.ts:18:54 \"users\"",
            "/w/src/index.ts:18:66 \"users\"",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

fn check_tokens(src: &str, range: Option<(&str, &str)>, expect: Expect) {
    let f = fixture(src);
    let path = Path::new("/w/src/index.ts");
    let text = f.analysis.file(path).unwrap().text().to_string();
    let range = range.map(|(a, b)| TextRange::new(text.find(a).unwrap(), text.find(b).unwrap() + b.len()));
    let out: String = f
        .analysis
        .sql_semantic_tokens(path, range)
        .iter()
        .map(|t| format!("{:?} {}\n", t.kind, &text[t.range.as_range()]))
        .collect();
    expect.assert_eq(&out);
}

#[test]
fn semantic_tokens_classify_sql_inside_strings() {
    let src = store("  q(id: number) { return this.sql.exec(\"SELECT p.title, count(*) AS n -- c\\nFROM posts p WHERE p.id = ? AND 'x' || title > 1.5\", id).toArray(); }");
    check_tokens(
        &src,
        Some(("  q(id", "toArray(); }")),
        expect![[r#"
            Keyword SELECT
            Table p
            Column title
            Function count
            Operator *
            Keyword AS
            Comment -- c
            Keyword FROM
            Table posts
            Table p
            Keyword WHERE
            Table p
            Column id
            Operator =
            Parameter ?
            Keyword AND
            String 'x'
            Operator ||
            Column title
            Operator >
            Number 1.5
        "#]],
    );
}

#[test]
fn semantic_tokens_skip_substitutions_and_cover_the_whole_file() {
    let src = store("  q() { return this.sql.exec(`SELECT ${COLS} FROM users`).toArray(); }").replace("const BY_EMAIL", "const COLS = \"id, email\";\nconst BY_EMAIL");
    let f = fixture(&src);
    let path = Path::new("/w/src/index.ts");
    let text = f.analysis.file(path).unwrap().text().to_string();
    let tokens = f.analysis.sql_semantic_tokens(path, None);
    let sub = text.find("${COLS}").unwrap();
    assert!(!tokens.iter().any(|t| t.range.start >= sub && t.range.start < sub + 7), "the substitution is TypeScript");
    let kinds = |needle: &str| tokens.iter().filter(|t| &text[t.range.as_range()] == needle).map(|t| t.kind).collect::<Vec<_>>();
    assert!(kinds("users").iter().all(|k| *k == SqlTokenKind::Table) && kinds("users").len() >= 4, "{:?}", kinds("users"));
    assert!(kinds("CREATE").contains(&SqlTokenKind::Keyword));
    // The column names of CREATE TABLE are columns; their types and constraints are not.
    assert!(kinds("email").contains(&SqlTokenKind::Column));
    assert!(kinds("TEXT").is_empty() && kinds("PRIMARY").iter().all(|k| *k == SqlTokenKind::Keyword));
    // Sorted, no overlaps.
    assert!(tokens.windows(2).all(|w| w[0].range.end <= w[1].range.start));
}

#[test]
fn completion_follows_an_edited_create_table() {
    let src = store(r#"  q() { this.sql.exec("SELECT * FROM users WHERE $0"); }"#);
    let mut f = fixture(&src);
    let path = f.cursor_file.clone();
    assert!(!completions_at(&f.analysis, &path, f.offset).contains(&"nickname".to_string()));
    // The checks run after every edit; completion then sees the new column.
    let text = f.analysis.file(&path).unwrap().text().to_string();
    let at = text.find("      name TEXT").unwrap();
    let edit = crate::TextEdit { range: TextRange::new(at, at), new_text: "      nickname TEXT,\n".into() };
    assert!(f.analysis.apply_edits(&path, &[edit]));
    f.offset += "      nickname TEXT,\n".len();
    let _ = f.analysis.diagnostics(&path);
    assert!(completions_at(&f.analysis, &path, f.offset).contains(&"nickname".to_string()));
}

fn completions_at(a: &crate::Analysis, path: &Path, offset: usize) -> Vec<String> {
    a.completion(path, offset).into_iter().map(|i| i.label).collect()
}

#[test]
fn class_schemas_list_tables_with_keys() {
    let f = fixture(&store(""));
    let schemas = f.analysis.class_schemas();
    assert_eq!(schemas.len(), 1);
    let s = &schemas[0];
    assert_eq!((s.class.as_str(), s.complete), ("Store", true));
    let names: Vec<(&str, &str)> = s.schema.objects.iter().map(|o| (o.kind.as_str(), o.name.as_str())).collect();
    assert_eq!(names, [("table", "users"), ("index", "sqlite_autoindex_users_1"), ("table", "posts"), ("virtual table", "docs")].iter().copied().filter(|(k, _)| *k != "index").collect::<Vec<_>>());
    let posts = s.schema.relation("posts").unwrap();
    assert_eq!(posts.foreign_keys[0].table, "users");
    assert_eq!(posts.foreign_keys[0].on_delete, "CASCADE");
    assert!(s.schema.relation("users").unwrap().column("email").unwrap().unique);
}

#[test]
fn every_position_of_a_broken_file_is_answered_without_panicking() {
    // Unclosed parentheses and quotes, a stray `.`, multi-byte text inside and around SQL.
    let src = store(
        "  q() { this.sql.exec(\"SELECT u.(, 'é😀 FROM users u WHERE u. = ? AND (\"); }\n  r() { this.sql.exec(`INSERT INTO posts (title, ${'x'} VALUES (\"😀\"`); }\n  s() { this.sql.exec(\"UPDATE users SET name = lower(\" + name + \") WHERE\"); }",
    );
    let f = fixture(&src);
    let path = Path::new("/w/src/index.ts");
    let text = f.analysis.file(path).unwrap().text().to_string();
    for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
        let _ = f.analysis.completion(path, offset);
        let _ = f.analysis.hover(path, offset);
        let _ = f.analysis.definition(path, offset);
        let _ = f.analysis.references(path, offset, true);
    }
    let tokens = f.analysis.sql_semantic_tokens(path, None);
    assert!(tokens.iter().all(|t| text.is_char_boundary(t.range.start) && text.is_char_boundary(t.range.end)));
}

#[test]
fn templates_with_run_time_parts_still_complete() {
    // `${order}` is a parameter: the query is only partly known, yet the statement reads.
    let src = store("  q(order: string) { return this.sql.exec(`SELECT p.$0 FROM posts p ORDER BY ${order}`).toArray(); }");
    let labels: Vec<String> = completions(&src).into_iter().map(|i| i.label).collect();
    assert_eq!(labels, ["id", "author", "title", "body"]);
    let src = store("  q(t: string) { return this.sql.exec(`SELECT * FROM ${t} JOIN users u ON u.$0`).toArray(); }");
    assert!(completions(&src).iter().any(|i| i.label == "email"));
}

#[test]
fn clause_keywords_are_sqlite_keywords() {
    // `ROWID`, `TRUE`, `FALSE` and `STRICT` are words SQLite knows, not keywords of its grammar.
    for k in super::CLAUSE_KEYWORDS.iter().filter(|k| !matches!(**k, "ROWID" | "TRUE" | "FALSE" | "STRICT")) {
        assert!(super::is_keyword(k), "{k}");
    }
    let items = completions(&store(r#"  q() { this.sql.exec("ALTER TABLE users ADD COLUMN age $0"); }"#));
    assert!(items.iter().any(|i| i.label == "INTEGER" && i.kind == CompletionKind::Keyword));
}

#[test]
fn calls_through_the_files_own_wrappers_get_completion_and_hover() {
    let body = r#"  private query(q: string, ...params: SqlStorageValue[]) { return this.sql.exec(q, ...params).toArray(); }
  find(id: number) { return this.query("SELECT u.$0 FROM users u WHERE u.id = ?", id); }"#;
    check_names(
        &store(body),
        expect![[r#"
            Column id — INTEGER PRIMARY KEY — users
            Column email — TEXT NOT NULL UNIQUE — users
            Column name — TEXT — users
            Column created_at — INTEGER DEFAULT unixepoch() — users
        "#]],
    );
    let body = r#"  private query(q: string, ...params: SqlStorageValue[]) { return this.sql.exec(q, ...params).toArray(); }
  find(id: number) { return this.query("SELECT title FROM po$0sts WHERE id = ?", id); }"#;
    let f = fixture(&store(body));
    let hover = f.analysis.hover(&f.cursor_file, f.offset).expect("a hover on the table");
    assert!(hover.markdown.contains("**table** `posts`"), "{}", hover.markdown);
    // A call of some other function is not SQL.
    let body = r#"  private log(q: string) { console.log(q); }
  find() { this.log("SELECT u.$0 FROM users u"); }"#;
    assert!(completions(&store(body)).is_empty());
}
