//! SQL checking: fixtures that must stay silent and fixtures with one seeded mistake each.
//! Diagnostics are rendered under their source line, as in `ide/tests.rs`.

use std::path::Path;

use expect_test::{expect, Expect};

use crate::syntax::TextEdit;
use crate::test_support::render_diagnostics;
use crate::{Analysis, TextRange};

const WRANGLER: &str = r#"{
  "name": "app",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "STORE", "class_name": "Store" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }]
}
"#;

const INDEX: &str = "/w/src/index.ts";

fn analysis(src: &str) -> Analysis {
    let mut a = Analysis::new();
    a.set_file(Path::new("/w/wrangler.jsonc"), WRANGLER.to_string());
    a.set_file(Path::new(INDEX), src.to_string());
    a
}

fn render(a: &Analysis) -> String {
    render_diagnostics(a, Path::new(INDEX), |d| d.code.starts_with("sql-"), "no diagnostics")
}

fn check(src: &str, expect: Expect) {
    expect.assert_eq(&render(&analysis(src)));
}

fn silent(src: &str) {
    let out = render(&analysis(src));
    assert_eq!(out, "no diagnostics\n", "expected no SQL diagnostics for:\n{src}");
}

/// A Store class with the usual schema; `body` goes into the class after the constructor.
fn store(body: &str) -> String {
    format!(
        r#"import {{ DurableObject }} from "cloudflare:workers";

const ITEMS = "items";
const PAGE = 1_000;
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    data TEXT,
    qty INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS items_name ON items(name);
`;

export class Store extends DurableObject<Env> {{
  sql: SqlStorage;
  constructor(ctx: DurableObjectState, env: Env) {{
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {{
      this.sql.exec(SCHEMA);
      this.sql.exec("CREATE TABLE IF NOT EXISTS log (at INTEGER, msg TEXT, item INTEGER REFERENCES items(id))");
      this.sql.exec("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body)");
    }});
  }}
{body}
}}
"#
    )
}

#[test]
fn correct_queries_stay_silent() {
    silent(&store(
        r#"
  add(name: string, qty: number) {
    return this.sql.exec("INSERT INTO items (name, qty) VALUES (?, ?) RETURNING id", name, qty).one().id;
  }
  upsert(name: string, qty: number) {
    this.sql.exec(
      `INSERT INTO items (name, qty) VALUES (?1, ?2)
       ON CONFLICT(name) DO UPDATE SET qty = qty + excluded.qty`,
      name,
      qty,
    );
  }
  list() {
    const q = 'SELECT id, name, json_extract(data, \'$.color\') AS color, data ->> \'$.size\' FROM items ORDER BY name';
    return this.sql.exec(q).toArray();
  }
  byTable() {
    return this.sql.exec(`SELECT count(*) AS n FROM ${ITEMS}`).one();
  }
  page(after: number) {
    return this.sql.exec(`SELECT id FROM ${ITEMS} WHERE id > ? ORDER BY id LIMIT ${PAGE}`, after).toArray();
  }
  concat(id: number) {
    return this.sql.exec("SELECT name FROM items " + "WHERE id = ?", id).toArray();
  }
  trim() {
    this.sql.exec("UPDATE items SET qty = qty - 1 WHERE qty > 0 ORDER BY id LIMIT 10");
    this.sql.exec("DELETE FROM log WHERE at < ? LIMIT 100", Date.now());
  }
  search(term: string) {
    return this.sql.exec("SELECT title, snippet(docs, 1, '[', ']', '…', 8) AS s FROM docs WHERE docs MATCH ? ORDER BY rank", term).toArray();
  }
  stats() {
    return this.sql.exec(`
      WITH totals AS (SELECT name, sum(qty) OVER (PARTITION BY name) AS t FROM items)
      SELECT name, t, sqrt(t) AS root, strftime('%s', 'now') AS now FROM totals;
    `).toArray();
  }
  script() {
    this.sql.exec("INSERT INTO log (at, msg) VALUES (1, 'a'); INSERT INTO log (at, msg) VALUES (?, ?)", 2, "b");
  }
  pragmas() {
    this.sql.exec("PRAGMA table_info(items)");
    this.sql.exec("PRAGMA foreign_keys = ON");
    this.sql.exec("PRAGMA optimize");
  }
  dynamic(col: string, ...args: unknown[]) {
    this.sql.exec(`SELECT ${col} FROM items`);
    this.sql.exec("SELECT * FROM items WHERE id IN (?, ?)", ...args);
  }
  failsOnPurpose() {
    expect(() => this.sql.exec("SELECT * FROM missing")).toThrow();
    assert.throws(() => this.sql.exec("BEGIN"));
    try {
      this.ctx.storage.transactionSync(() => this.sql.exec("SELECT legacy FROM items"));
    } catch {
      // Older objects have no such column.
    }
  }
  quotes() {
    return this.sql.exec("SELECT \"name\" FROM items WHERE name = 'it''s'").toArray();
  }
"#,
    ));
}

#[test]
fn library_base_classes_and_helpers_hide_the_schema() {
    // Tables created by the Agent base class or by a helper elsewhere are not ours to judge.
    silent(
        r#"import { Agent } from "agents";
export class Store extends Agent<Env> {
  list() { return this.ctx.storage.sql.exec("SELECT * FROM cf_agents_state").toArray(); }
}
"#,
    );
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
import { migrate } from "./schema";
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS a (x)");
  }
  list() { return this.ctx.storage.sql.exec("SELECT y FROM b").toArray(); }
}
"#,
    );
    // `this` handed to a module function whose SQL runs through a receiver we do not know.
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
function setup(obj: Store) {
  obj.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS b (y)");
}
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS a (x)");
    setup(this);
  }
  list() { return this.ctx.storage.sql.exec("SELECT y FROM b").toArray(); }
}
"#,
    );
    // Storage handed over inside an options object.
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
import { Kysely } from "kysely";
import { DODialect } from "kysely-do";
export class Store extends DurableObject {
  db: Kysely<any>;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = new Kysely({ dialect: new DODialect({ ctx }) });
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS a (x)");
  }
  list() { return this.ctx.storage.sql.exec("SELECT y FROM b").toArray(); }
}
"#,
    );
    // DDL run through a query known only at run time.
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
const MIGRATIONS = ["CREATE TABLE a (x)", "CREATE TABLE b (y)"];
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (v INTEGER)");
    for (const m of MIGRATIONS) ctx.storage.sql.exec(m);
  }
  list() { return this.ctx.storage.sql.exec("SELECT y FROM b").toArray(); }
}
"#,
    );
}

#[test]
fn module_level_migrations_and_dropped_tables() {
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
function migrate(sql: SqlStorage) {
  sql.exec("CREATE TABLE IF NOT EXISTS old_users (id INTEGER PRIMARY KEY, name TEXT)");
  sql.exec("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
  sql.exec("INSERT INTO users (id, name) SELECT id, name FROM old_users");
  sql.exec("DROP TABLE IF EXISTS old_users");
  try { sql.exec("ALTER TABLE users ADD COLUMN email TEXT"); } catch {}
}
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql);
  }
  find(email: string) { return this.ctx.storage.sql.exec("SELECT id FROM users WHERE email = ?", email).toArray(); }
}
"#,
    );
}

#[test]
fn unknown_table() {
    check(
        &store("  get() { return this.sql.exec(\"SELECT * FROM item WHERE id = ?\", 1).one(); }\n"),
        expect![[r#"
            26  |   get() { return this.sql.exec("SELECT * FROM item WHERE id = ?", 1).one(); }
                |                                               ^^^^ error[sql-unknown-table] No table `item` in the schema of `Store`: it creates `items`, `log`, `docs`. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.
        "#]],
    );
}

#[test]
fn unknown_column() {
    check(
        &store("  get() { return this.sql.exec(`SELECT id,\n    nmae FROM items`).toArray(); }\n"),
        expect![[r#"
            27  |     nmae FROM items`).toArray(); }
                |     ^^^^ error[sql-unknown-column] No column `nmae` in `items` (id, name, data, qty): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
}

#[test]
fn awaited_exec_with_a_row_type_is_checked() {
    // tree-sitter reads `await a.exec<T>(…)` as a call of `await a.exec` with type arguments:
    // the query is still found.
    check(
        &store("  async get() { const r = await this.sql.exec<{ id: number }>(\"SELECT nmae FROM items\").one(); return r; }\n"),
        expect![[r#"
            26  |   async get() { const r = await this.sql.exec<{ id: number }>("SELECT nmae FROM items").one(); return r; }
                |                                                                       ^^^^ error[sql-unknown-column] No column `nmae` in `items` (id, name, data, qty): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
}

#[test]
fn syntax_error_through_escapes() {
    // `\t`, `\"` and a non-ASCII character before the mistake: the range must still land on it.
    check(
        &store("  get() { return this.sql.exec(\"SELECT \\\"name\\\",\\t'é' FROM items WHERE id = = 1\").toArray(); }\n"),
        expect![[r#"
            26  |   get() { return this.sql.exec("SELECT \"name\",\t'é' FROM items WHERE id = = 1").toArray(); }
                |                                                                              ^ error[sql-syntax] SQL syntax error: near "=": syntax error. SQLite cannot parse this statement, so `exec` throws.
        "#]],
    );
}

#[test]
fn binding_count() {
    check(
        &store("  get(a: number) { return this.sql.exec(\"SELECT * FROM items WHERE id = ? AND qty > ?\", a).toArray(); }\n"),
        expect![[r#"
            26  |   get(a: number) { return this.sql.exec("SELECT * FROM items WHERE id = ? AND qty > ?", a).toArray(); }
                |                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-binding-count] This statement has 2 parameters but 1 binding is passed: `exec` throws `Wrong number of parameter bindings for SQL query.` Pass exactly one value per parameter (`?NNN` counts up to the highest index).
        "#]],
    );
}

#[test]
fn transaction_statement() {
    check(
        &store("  run() {\n    this.sql.exec(\"BEGIN TRANSACTION\");\n  }\n"),
        expect![[r#"
            27  |     this.sql.exec("BEGIN TRANSACTION");
                |                    ^^^^^ error[sql-transaction-statement] `BEGIN` cannot run through `sql.exec`: Durable Objects reject SQL transaction statements. Wrap the statements in `this.ctx.storage.transactionSync(() => { … })` (or `transaction(async () => …)`), which rolls back if the callback throws.
        "#]],
    );
}

#[test]
fn pragma_not_allowed() {
    check(
        &store("  version() { return this.sql.exec(\"PRAGMA user_version\").one(); }\n"),
        expect![[r#"
            26  |   version() { return this.sql.exec("PRAGMA user_version").one(); }
                |                                            ^^^^^^^^^^^^ error[sql-pragma-not-allowed] `PRAGMA user_version` is not allowed in Durable Objects (`not authorized`). Allowed: table_list, table_info, table_xinfo, index_list, index_info, index_xinfo, foreign_key_list, foreign_key_check, quick_check, optimize, data_version, page_size (read), and the boolean settings foreign_keys, defer_foreign_keys, case_sensitive_like, ignore_check_constraints, legacy_alter_table, recursive_triggers, reverse_unordered_selects. To track a schema version, keep it in a table of your own.
        "#]],
    );
}

#[test]
fn reserved_name() {
    check(
        &store("  setup() { this.sql.exec(\"CREATE TABLE IF NOT EXISTS _cf_cache (k TEXT)\"); }\n"),
        expect![[r#"
            26  |   setup() { this.sql.exec("CREATE TABLE IF NOT EXISTS _cf_cache (k TEXT)"); }
                |                                                       ^^^^^^^^^ error[sql-reserved-name] `_cf_cache` starts with `_cf_`, a prefix Durable Objects reserve for their internal tables (`not authorized`): choose another name.
        "#]],
    );
}

#[test]
fn ddl_failure() {
    check(
        &store("  setup() { this.sql.exec(\"CREATE TABLE IF NOT EXISTS t (a INTEGER PRIMARY KEY AUTOINCREMENT, b) STRICT\"); }\n"),
        expect![[r#"
            26  |   setup() { this.sql.exec("CREATE TABLE IF NOT EXISTS t (a INTEGER PRIMARY KEY AUTOINCREMENT, b) STRICT"); }
                |                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-ddl-failed] This schema statement fails: `missing datatype for t.b`. Every query of `Store` that depends on it fails too; fix the statement.
        "#]],
    );
}

#[test]
fn unknown_function_and_empty_statement() {
    check(
        &store("  add() {\n    this.sql.exec(\"\");\n    this.sql.exec(`INSERT INTO log (at, msg) VALUES (unixepoch(), uuid());\n    -- done\n`);\n  }\n"),
        expect![[r#"
            27  |     this.sql.exec("");
                |                   ^^ error[sql-syntax] Empty SQL statement: Durable Objects reject an empty script, a doubled `;` and a comment after the final `;` (`SQL code did not contain a statement.`), after running the statements before it. Remove it.
            28  |     this.sql.exec(`INSERT INTO log (at, msg) VALUES (unixepoch(), uuid());
                |                                                                   ^^^^ error[sql-unknown-function] `uuid` is not a SQL function of Durable Object storage (`no such function`): use a built-in (core, date, JSON, math, FTS5) or compute the value in TypeScript and bind it.
            29  |     -- done
                |     ^^^^^^^ error[sql-syntax] Empty SQL statement: Durable Objects reject an empty script, a doubled `;` and a comment after the final `;` (`SQL code did not contain a statement.`), after running the statements before it. Remove it.
        "#]],
    );
}

fn offset_of(a: &Analysis, needle: &str) -> usize {
    a.file(Path::new(INDEX)).unwrap().text().find(needle).unwrap_or_else(|| panic!("{needle} not in fixture"))
}

#[test]
fn only_edited_queries_are_prepared_again() {
    let src = store(
        r#"
  a() { return this.sql.exec("SELECT id FROM items").toArray(); }
  b() { return this.sql.exec("SELECT msg FROM log").toArray(); }
  c() { return 1; }
"#,
    );
    let mut a = analysis(&src);
    let path = Path::new(INDEX);
    a.diagnostics(path);
    let first = a.sql_prepare_count();
    assert!(first >= 2, "the queries were prepared: {first}");
    // Checking again prepares nothing.
    a.diagnostics(path);
    assert_eq!(a.sql_prepare_count(), first);
    // A TypeScript edit outside any SQL string: zero prepares.
    let at = offset_of(&a, "return 1;") + "return ".len();
    assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(at, at + 1), new_text: "42".into() }]));
    assert_eq!(render(&a), "no diagnostics\n");
    assert_eq!(a.sql_prepare_count(), first);
    // An edit inside one query: exactly one prepare.
    let at = offset_of(&a, "SELECT msg") + "SELECT ".len();
    assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(at, at + 3), new_text: "at".into() }]));
    a.diagnostics(path);
    assert_eq!(a.sql_prepare_count(), first + 1);
    // A clone shares the cache.
    let snapshot = a.clone();
    snapshot.diagnostics(path);
    assert_eq!(snapshot.sql_prepare_count(), first + 1);
}

#[test]
fn schema_edits_recheck_queries() {
    let src = store("  a() { return this.sql.exec(\"SELECT msg FROM log\").toArray(); }\n");
    let mut a = analysis(&src);
    let path = Path::new(INDEX);
    assert_eq!(render(&a), "no diagnostics\n");
    let replays = a.sql.replay_count();
    let at = offset_of(&a, "log (at INTEGER, msg");
    let at = at + "log (at INTEGER, ".len();
    assert!(a.apply_edits(path, &[TextEdit { range: TextRange::new(at, at + 3), new_text: "text".into() }]));
    assert!(render(&a).contains("sql-unknown-column"), "{}", render(&a));
    assert_eq!(a.sql.replay_count(), replays + 1, "one schema rebuild for one DDL edit");
}

#[test]
fn ranges_through_crlf_continuations_and_constants() {
    let src = store(
        "  a() { return this.sql.exec(`SELECT id\r\n    FROM items WHERE qty >> = 1`).toArray(); }\n  b() { return this.sql.exec(\"SELECT * \\\n FROM itemz\").toArray(); }\n  c() { return this.sql.exec(`SELECT * FROM ${TABLE}`).toArray(); }\n  d() { return this.sql.exec(`SELECT * FROM items LIMIT ${PAGE}`, 1).toArray(); }\n",
    )
    .replace("const ITEMS", "const TABLE = \"nothere\";\nconst ITEMS");
    check(
        &src,
        expect![[r#"
            28  |     FROM items WHERE qty >> = 1`).toArray(); }
                |                             ^ error[sql-syntax] SQL syntax error: near "=": syntax error. SQLite cannot parse this statement, so `exec` throws.
            30  |  FROM itemz").toArray(); }
                |       ^^^^^ error[sql-unknown-table] No table `itemz` in the schema of `Store`: it creates `items`, `log`, `docs`. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.
            31  |   c() { return this.sql.exec(`SELECT * FROM ${TABLE}`).toArray(); }
                |                                             ^^^^^^^^ error[sql-unknown-table] No table `nothere` in the schema of `Store`: it creates `items`, `log`, `docs`. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.
            32  |   d() { return this.sql.exec(`SELECT * FROM items LIMIT ${PAGE}`, 1).toArray(); }
                |                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-binding-count] This statement has 0 parameters but 1 binding is passed: `exec` throws `Wrong number of parameter bindings for SQL query.` Pass exactly one value per parameter (`?NNN` counts up to the highest index).
        "#]],
    );
}

#[test]
fn old_style_and_inherited_schemas() {
    // A config-bound class that does not extend DurableObject still gets a schema.
    check(
        r#"export class Store {
  constructor(private state: DurableObjectState) {
    state.storage.sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)");
  }
  get(k: string) { return this.state.storage.sql.exec("SELECT v FROM kv WHERE key = ?", k).toArray(); }
}
"#,
        expect![[r#"
            5   |   get(k: string) { return this.state.storage.sql.exec("SELECT v FROM kv WHERE key = ?", k).toArray(); }
                |                                                                               ^^^ error[sql-unknown-column] No column `key` in `kv` (k, v): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
    // The base class creates the tables; the subclass queries them. The base class itself
    // is extended, so its own queries are not judged against its schema alone.
    let mut a = Analysis::new();
    a.set_file(Path::new("/w/wrangler.jsonc"), WRANGLER.to_string());
    a.set_file(
        Path::new("/w/src/base.ts"),
        r#"import { DurableObject } from "cloudflare:workers";
export class Base extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT)");
  }
  count() { return this.ctx.storage.sql.exec("SELECT count(*) AS n FROM extra").one(); }
}
"#
        .to_string(),
    );
    a.set_file(
        Path::new(INDEX),
        r#"import { Base } from "./base";
export class Store extends Base {
  kinds() { return this.ctx.storage.sql.exec("SELECT kind FROM events").toArray(); }
  wrong() { return this.ctx.storage.sql.exec("SELECT kind FROM event").toArray(); }
}
"#
        .to_string(),
    );
    expect![[r#"
        4   |   wrong() { return this.ctx.storage.sql.exec("SELECT kind FROM event").toArray(); }
            |                                                                ^^^^^ error[sql-unknown-table] No table `event` in the schema of `Store`: it creates `events`. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.
    "#]]
    .assert_eq(&render(&a));
    let base: Vec<_> = a.diagnostics(Path::new("/w/src/base.ts")).into_iter().filter(|d| d.code.starts_with("sql-")).collect();
    assert!(base.is_empty(), "{base:?}");
}

#[test]
fn double_quoted_text_is_a_hint() {
    check(
        &store("  active() { return this.sql.exec('SELECT \"name\" FROM items WHERE data = \"active\"').toArray(); }\n"),
        expect![[r#"
            26  |   active() { return this.sql.exec('SELECT "name" FROM items WHERE data = "active"').toArray(); }
                |                                                                          ^^^^^^^^ hint[sql-double-quoted-string] "active" names no column, so SQLite reads it as the text 'active'. Double quotes are for names: write 'active' for text (a later column of that name would silently change the meaning).
        "#]],
    );
}

#[test]
fn migration_arrays_are_replayed() {
    let src = r#"import { DurableObject } from "cloudflare:workers";
const MIGRATIONS = [
  "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT)",
  `ALTER TABLE users ADD COLUMN email TEXT`,
];
const STEPS = [
  { version: 1, sql: "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)" },
  { version: 2, sql: "CREATE INDEX notes_body ON notez(body)" },
];
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    for (const m of MIGRATIONS) ctx.storage.sql.exec(m);
    STEPS.forEach((step) => ctx.storage.sql.exec(step.sql));
  }
  find(email: string) { return this.ctx.storage.sql.exec("SELECT id, name FROM users WHERE email = ?", email).toArray(); }
  notes() { return this.ctx.storage.sql.exec("SELECT body FROM notes").toArray(); }
  wrong() { return this.ctx.storage.sql.exec("SELECT title FROM notes").toArray(); }
}
"#;
    check(
        src,
        expect![[r#"
            18  |   wrong() { return this.ctx.storage.sql.exec("SELECT title FROM notes").toArray(); }
                |                                                      ^^^^^ error[sql-unknown-column] No column `title` in `notes` (id, body): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
}

#[test]
fn private_wrappers_are_followed() {
    let src = r#"import { DurableObject } from "cloudflare:workers";
function run(sql: SqlStorage, query: string, ...params: SqlStorageValue[]) {
  return sql.exec(query, ...params);
}
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#query("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT)");
  }
  #query(sql: string, ...params: SqlStorageValue[]) {
    return this.ctx.storage.sql.exec(sql, ...params);
  }
  get(id: number) { return this.#query("SELECT name FROM users WHERE id = ?", id).one(); }
  wrong(id: number) { return this.#query("SELECT name FROM users WHERE id = ?", id, 2).one(); }
  other() { return run(this.ctx.storage.sql, "SELECT nam FROM users").toArray(); }
}
"#;
    check(
        src,
        expect![[r#"
            14  |   wrong(id: number) { return this.#query("SELECT name FROM users WHERE id = ?", id, 2).one(); }
                |                                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-binding-count] This statement has 1 parameter but 2 bindings are passed: `exec` throws `Wrong number of parameter bindings for SQL query.` Pass exactly one value per parameter (`?NNN` counts up to the highest index).
            15  |   other() { return run(this.ctx.storage.sql, "SELECT nam FROM users").toArray(); }
                |                                                      ^^^ error[sql-unknown-column] No column `nam` in `users` (id, name): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
    // A public wrapper can be called over RPC with any SQL, DDL included: the schema is not
    // fully known, so unknown tables are not reported.
    silent(&src.replace("#query", "query").replace("FROM users WHERE id = ?\", id, 2)", "FROM users WHERE id = ?\", id)").replace("nam FROM users", "name FROM people"));
}

#[test]
fn field_initialisers_are_receivers() {
    check(
        r#"import { DurableObject } from "cloudflare:workers";
export class Store extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  init() { this.sql.exec(`CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT)`); }
  get(key: string) { return this.sql.exec(`SELECT value FROM kv WHERE key = ?`, key).one(); }
  add() { return this.sql.exec("INSERT INTO kv (key, value) VALUES (?, ?)", ["k", "v"]); }
}
"#,
        expect![[r#"
            6   |   add() { return this.sql.exec("INSERT INTO kv (key, value) VALUES (?, ?)", ["k", "v"]); }
                |                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-binding-count] This statement has 2 parameters but 1 binding is passed: `exec` throws `Wrong number of parameter bindings for SQL query.` `exec` takes the values as separate arguments, not as an array: spread it (`exec(query, ...values)`) or list them.
        "#]],
    );
}

/// `tests/fixtures/sql/`: realistic modules, each stating the diagnostics it must produce.
#[test]
fn fixture_corpus() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/sql"));
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.retain(|p| p.extension().is_some_and(|x| x == "ts"));
    entries.sort();
    assert!(entries.len() >= 10, "the corpus is missing");
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    for file in &entries {
        let src = std::fs::read_to_string(file).unwrap();
        let mut want: Vec<(String, usize)> = Vec::new();
        for line in src.lines().take_while(|l| l.starts_with("// expect:")) {
            let rest = line["// expect:".len()..].trim();
            if rest != "clean" {
                let (code, n) = rest.split_once(' ').expect("`// expect: <code> <line>`");
                want.push((code.to_string(), n.trim().parse().expect("a line number")));
            }
        }
        let a = analysis(&src);
        let text = a.file(Path::new(INDEX)).unwrap().text().to_string();
        let idx = crate::LineIndex::new(&text);
        let got: Vec<(String, usize)> = a
            .diagnostics(Path::new(INDEX))
            .into_iter()
            .filter(|d| d.code.starts_with("sql-"))
            .map(|d| (d.code.to_string(), idx.line_col(&text, d.range.start, crate::Encoding::Utf8).line as usize + 1))
            .collect();
        let name = file.file_name().unwrap().to_string_lossy();
        for g in &got {
            if want.contains(g) {
                tp += 1;
            } else {
                fp += 1;
                report.push_str(&format!("{name}: unexpected {} on line {}\n", g.0, g.1));
            }
        }
        for w in &want {
            if !got.contains(w) {
                fn_ += 1;
                report.push_str(&format!("{name}: missing {} on line {}\n", w.0, w.1));
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!("SQL fixture corpus: {} files, precision {precision:.2}, recall {recall:.2}", entries.len());
    assert!(report.is_empty(), "{report}");
}

#[test]
fn failures_handled_by_a_catch_are_still_reported() {
    check(
        &store("  get() {\n    try {\n      return this.sql.exec(\"SELECT * FROM itemz\").toArray();\n    } catch (e) {\n      console.error(e);\n    }\n  }\n"),
        expect![[r#"
            28  |       return this.sql.exec("SELECT * FROM itemz").toArray();
                |                                           ^^^^^ error[sql-unknown-table] No table `itemz` in the schema of `Store`: it creates `items`, `log`, `docs`. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.
        "#]],
    );
}

#[test]
fn queries_in_const_objects() {
    check(
        r#"import { DurableObject } from "cloudflare:workers";
const Q = {
  schema: "CREATE TABLE IF NOT EXISTS votes (poll TEXT NOT NULL, choice TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (poll, choice))",
  vote: "INSERT INTO votes (poll, choice, n) VALUES (?, ?, 1) ON CONFLICT (poll, choice) DO UPDATE SET n = n + 1",
  tally: "SELECT choice, n FROM votes WHERE poll = ? ORDER BY n DESC",
  wrong: "SELECT choice, count FROM votes",
} as const;
export class Poll extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(Q.schema);
  }
  vote(poll: string, choice: string) { this.ctx.storage.sql.exec(Q.vote, poll, choice); }
  tally(poll: string) { return this.ctx.storage.sql.exec(Q.tally, poll).toArray(); }
  wrong() { return this.ctx.storage.sql.exec(Q.wrong).toArray(); }
}
"#,
        expect![[r#"
            6   |   wrong: "SELECT choice, count FROM votes",
                |                          ^^^^^ error[sql-unknown-column] No column `count` in `votes` (poll, choice, n): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
}

/// Odd and broken SQL in odd literals (escapes, quotes, CRLF, non-ASCII, half-typed
/// substitutions) must never make the checker panic or point outside the file.
#[test]
fn odd_input_never_panics() {
    const PIECES: &[&str] = &[
        "SELECT", " * ", "FROM", " items", " WHERE", " id = ?", "'", "\"", "`", "\\", "\\n", "\\x4", "\\u{1F600}", "\\u00e9",
        "é", "😀", "\r\n", "\n", ";", ";;", "--", "/*", "*/", "${", "}", "${ITEMS}", "(", ")", "?1", ":a", "$b", "[", "]",
        "UPDATE items SET qty = 1", " ORDER BY id", " LIMIT 1", "CREATE TABLE", " x(a)", "BEGIN", "PRAGMA user_version", "x'00'",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..400 {
        let n = (next() % 12) as usize + 1;
        let body: String = (0..n).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
        let quote = ["\"", "'", "`"][round % 3];
        let src = store(&format!("  q(a: number) {{ return this.sql.exec({quote}{body}{quote}, a); }}\n"));
        let a = analysis(&src);
        let text = a.file(Path::new(INDEX)).unwrap().text().to_string();
        for d in a.diagnostics(Path::new(INDEX)) {
            let ok = d.range.start <= d.range.end && text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end);
            assert!(ok, "{d:?} in\n{src}");
        }
    }
}

#[test]
fn not_allowed_statements() {
    check(
        &store("  scratch() {\n    this.sql.exec(\"CREATE TEMP TABLE scratch (x)\");\n    this.sql.exec(\"ATTACH DATABASE 'other.db' AS other\");\n  }\n"),
        expect![[r#"
            27  |     this.sql.exec("CREATE TEMP TABLE scratch (x)");
                |                           ^^^^ error[sql-not-allowed] Temporary tables, views, indexes and triggers are not authorized in Durable Objects: create a regular one (and drop it when done).
            28  |     this.sql.exec("ATTACH DATABASE 'other.db' AS other");
                |                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-not-allowed] Durable Objects have exactly one database: `ATTACH`/`DETACH` are not authorized. Keep the data in tables of this database.
        "#]],
    );
}

#[test]
fn other_prepare_errors() {
    check(
        &store(
            "  joined() {\n    return this.sql.exec(\"SELECT id FROM items JOIN log ON log.item = items.id JOIN items AS i2 ON i2.id = log.item\").toArray();\n  }\n  wide() {\n    return this.sql.exec(\"SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6\").toArray();\n  }\n",
        ),
        expect![[r#"
            27  |     return this.sql.exec("SELECT id FROM items JOIN log ON log.item = items.id JOIN items AS i2 ON i2.id = log.item").toArray();
                |                                  ^^ error[sql-error] SQLite rejects this statement: `ambiguous column name: id`, so `exec` throws. Fix the statement.
            30  |     return this.sql.exec("SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6").toArray();
                |                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-error] SQLite rejects this statement: `too many terms in compound SELECT`, so `exec` throws. Fix the statement.
        "#]],
    );
}

#[test]
fn await_on_exec_is_a_hint() {
    check(
        &store("  async count() {\n    const row = (await this.sql.exec(\"SELECT count(*) AS n FROM items\")).one();\n    return row.n;\n  }\n"),
        expect![[r#"
            27  |     const row = (await this.sql.exec("SELECT count(*) AS n FROM items")).one();
                |                  ^^^^^ hint[sql-await-exec] `sql.exec` is synchronous: it runs the statement and returns its cursor at once, so this `await` does nothing (and suggests other work could interleave here). Remove it.
        "#]],
    );
}

#[test]
fn a_default_calling_a_missing_function_fails_the_insert() {
    check(
        r#"import { DurableObject } from "cloudflare:workers";
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY DEFAULT (uuid()), body TEXT)");
  }
  add(body: string) { this.ctx.storage.sql.exec("INSERT INTO docs (body) VALUES (?)", body); }
}
"#,
        expect![[r#"
            7   |   add(body: string) { this.ctx.storage.sql.exec("INSERT INTO docs (body) VALUES (?)", body); }
                |                                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-unknown-function] The schema of a table this statement writes (a column DEFAULT, CHECK or generated column) calls `uuid`, which Durable Object storage does not have, so the statement throws. Fix the CREATE TABLE (for ids: `DEFAULT (lower(hex(randomblob(16))))`), or pass the value.
        "#]],
    );
}

#[test]
fn query_constants_imported_from_another_module() {
    let mut a = Analysis::new();
    a.set_file(Path::new("/w/wrangler.jsonc"), WRANGLER.to_string());
    a.set_file(
        Path::new("/w/src/sql.ts"),
        r#"export const SCHEMA = `CREATE TABLE IF NOT EXISTS tags (name TEXT PRIMARY KEY, uses INTEGER NOT NULL DEFAULT 0)`;
const Q = { bump: "UPDATE tags SET uses = uses + 1 WHERE name = ?", top: "SELECT name FROM tags ORDER BY uses DESC LIMIT ?", bad: "SELECT nmae FROM tags" };
export { Q };
"#
        .to_string(),
    );
    a.set_file(
        Path::new(INDEX),
        r#"import { DurableObject } from "cloudflare:workers";
import { SCHEMA, Q } from "./sql";
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
  }
  bump(name: string) { this.ctx.storage.sql.exec(Q.bump, name); }
  top(n: number) { return this.ctx.storage.sql.exec(Q.top, n).toArray(); }
  bad() { return this.ctx.storage.sql.exec(Q.bad).toArray(); }
}
"#
        .to_string(),
    );
    expect![[r#"
        10  |   bad() { return this.ctx.storage.sql.exec(Q.bad).toArray(); }
            |                                            ^^^^^ error[sql-unknown-column] No column `nmae` in `tags` (name, uses): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
    "#]]
    .assert_eq(&render(&a));
}


/// The file's text after applying the first fix of the first diagnostic with `code`, from the
/// line of the first edit to the line of the last one.
fn fixed(a: &Analysis, code: &str) -> String {
    let path = Path::new(INDEX);
    let d = a.diagnostics(path).into_iter().find(|d| d.code == code).unwrap_or_else(|| panic!("no {code}"));
    let fix = d.fixes.first().unwrap_or_else(|| panic!("{code} has no fix"));
    let mut text = a.file(path).unwrap().text().to_string();
    let mut edits = fix.edits.clone();
    let first = edits.iter().map(|e| e.range.start).min().unwrap();
    let last = edits.iter().map(|e| e.range.end).max().unwrap();
    let from = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let mut to = text[last..].find('\n').map_or(text.len(), |i| last + i);
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in edits {
        to = (to as isize + e.new_text.len() as isize - e.range.len() as isize) as usize;
        text.replace_range(e.range.as_range(), &e.new_text);
    }
    text[from..to].to_string()
}

fn with_files(files: &[(&str, &str)]) -> Analysis {
    let mut a = Analysis::new();
    a.set_file(Path::new("/w/wrangler.jsonc"), WRANGLER.to_string());
    for (p, t) in files {
        a.set_file(Path::new(p), t.to_string());
    }
    a
}

const AGENT: &str = r#"import { Agent } from "agents";
export class Store extends Agent<Env> {
  onStart() {
    this.sql`CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)`;
  }
  add(id: string, body: string) {
    this.sql`INSERT INTO messages (id, body, at) VALUES (${id}, ${body}, ${Date.now()})`;
  }
  list(limit: number) {
    return this.sql<{ id: string; body: string }>`SELECT id, body FROM messages ORDER BY at DESC LIMIT ${limit}`;
  }
  state() {
    // The Agent base class creates its own tables.
    return this.sql`SELECT state FROM cf_agents_state WHERE id = ${"x"}`;
  }
"#;

#[test]
fn agent_sql_tag_binds_each_substitution() {
    silent(&format!("{AGENT}}}\n"));
    check(
        &format!(
            "{AGENT}  broken(id: string) {{\n    return this.sql`SELECT body FROM messages WHERE id = ${{id}} AND AND at > 0`;\n  }}\n  extra(id: string) {{\n    const rows = this.sql<Row>`SELECT body FROM messages WHERE id = ${{id}} OR id = ?`;\n    return rows;\n  }}\n}}\n"
        ),
        expect![[r#"
            17  |     return this.sql`SELECT body FROM messages WHERE id = ${id} AND AND at > 0`;
                |                                                                    ^^^ error[sql-syntax] SQL syntax error: near "AND": syntax error. SQLite cannot parse this statement, so `exec` throws.
            20  |     const rows = this.sql<Row>`SELECT body FROM messages WHERE id = ${id} OR id = ?`;
                |                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-binding-count] This statement has 2 parameters but 1 binding is passed: `exec` throws `Wrong number of parameter bindings for SQL query.` In a tagged template each `${}` is bound as a `?`: write no `?` of your own, put the value in a `${}`.
        "#]],
    );
}

#[test]
fn tag_methods_and_functions_of_the_module() {
    let src = r#"import { DurableObject } from "cloudflare:workers";
function query(sql: SqlStorage) {
  return (strings: TemplateStringsArray, ...values: SqlStorageValue[]) => sql.exec(strings.join("?"), ...values).toArray();
}
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql`CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`;
  }
  sql(strings: TemplateStringsArray, ...values: SqlStorageValue[]) {
    return this.ctx.storage.sql.exec(strings.join("?"), ...values).toArray();
  }
  get(id: number) { return this.sql`SELECT body FROM notes WHERE id = ${id}`; }
  wrong(id: number) { return this.sql`SELECT bdy FROM notes WHERE id = ${id}`; }
}
"#;
    check(
        src,
        expect![[r#"
            14  |   wrong(id: number) { return this.sql`SELECT bdy FROM notes WHERE id = ${id}`; }
                |                                              ^^^ error[sql-unknown-column] No column `bdy` in `notes` (id, body): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
    // A `sql` tag that splices its values into the text (no `?`) is not a binding tag:
    // its templates are not read.
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
function sql(strings: TemplateStringsArray, ...values: unknown[]) {
  return strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
}
export class Store extends DurableObject {
  get(table: string) { return this.ctx.storage.sql.exec(sql`SELECT * FROM ${table}`).toArray(); }
  frag() { return sql`count(*)`; }
}
"#,
    );
    // drizzle's `sql` builds fragments: never read as statements.
    silent(
        r#"import { DurableObject } from "cloudflare:workers";
import { sql } from "drizzle-orm";
export class Store extends DurableObject {
  frag(id: number) { return sql`${id} = ANY`; }
}
"#,
    );
}

#[test]
fn tags_and_wrappers_named_in_the_settings() {
    // The storage handed to `new Db(…)` hides the schema: syntax and bindings are checked.
    let src = r#"import { DurableObject } from "cloudflare:workers";
import { Db } from "./db";
export class Store extends DurableObject {
  db = new Db(this.ctx.storage.sql);
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)");
  }
  get(k: string) { return this.db.sql`SELECT v FROM kv WHERE k = ${k}`; }
  bad(k: string) { return this.db.sql`SELECT v FROM kv WHERE k = = ${k}`; }
  run(k: string) { return runQuery("SELECT v FROM kv WHERE k = ? AND v = ?", k); }
}
"#;
    let toml = "[sql]\ntags = [\"this.db.sql\"]\nwrappers = [\"runQuery\"]\n";
    let a = with_files(&[(INDEX, src), ("/w/dols.toml", toml)]);
    let expected = expect![[r#"
        10  |   bad(k: string) { return this.db.sql`SELECT v FROM kv WHERE k = = ${k}`; }
            |                                                                  ^ error[sql-syntax] SQL syntax error: near "=": syntax error. SQLite cannot parse this statement, so `exec` throws.
        11  |   run(k: string) { return runQuery("SELECT v FROM kv WHERE k = ? AND v = ?", k); }
            |                                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sql-binding-count] This statement has 2 parameters but 1 binding is passed: `exec` throws `Wrong number of parameter bindings for SQL query.` Pass exactly one value per parameter (`?NNN` counts up to the highest index).
    "#]];
    expected.assert_eq(&render(&a));
    // The same from the editor's settings; without them, nothing is read.
    let mut a = with_files(&[(INDEX, src)]);
    assert_eq!(render(&a), "no diagnostics\n");
    a.set_sql_overrides(crate::settings::SqlSettings { tags: vec!["this.db.sql".into()], wrappers: vec!["runQuery".into()], ..Default::default() });
    expected.assert_eq(&render(&a));
}

#[test]
fn excluded_paths_are_not_checked() {
    let bad = "import { DurableObject } from \"cloudflare:workers\";\nexport class Store extends DurableObject {\n  get() { return this.ctx.storage.sql.exec(\"SELEC 1\").toArray(); }\n}\n";
    let a = with_files(&[(INDEX, bad), ("/w/test/store.ts", bad), ("/w/dols.toml", "[sql]\nexclude = [\"test/**\"]\n")]);
    assert!(a.diagnostics(Path::new("/w/test/store.ts")).iter().all(|d| !d.code.starts_with("sql-")));
    assert!(render(&a).contains("sql-syntax"));
    let mut a = with_files(&[(INDEX, bad)]);
    a.set_sql_overrides(crate::settings::SqlSettings { exclude: vec!["src/index.ts".into()], ..Default::default() });
    assert_eq!(render(&a), "no diagnostics\n");
}

#[test]
fn spliced_values_are_reported_with_a_binding_fix() {
    let src = store(
        r#"  byName(name: string) {
    return this.sql.exec(`SELECT id FROM items WHERE name = '${name}'`).toArray();
  }
  search(term: string, limit: number) {
    return this.sql.exec(`SELECT id FROM items WHERE qty > ? AND name LIKE '%${term}%' LIMIT ?`, 1, limit).toArray();
  }
  async add(request: Request) {
    const { name, qty } = await request.json<{ name: string; qty: number }>();
    this.sql.exec(`INSERT INTO items (name, qty) VALUES (${name}, ?)`, qty);
  }
  first(id) {
    return this.sql.exec(`SELECT name FROM items WHERE id = ${id} AND qty >= ?`, 0).one();
  }
"#,
    );
    let a = analysis(&src);
    expect![[r#"
        27  |     return this.sql.exec(`SELECT id FROM items WHERE name = '${name}'`).toArray();
            |                                                              ^^^^^^^ warning[sql-injection] `${name}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection). Pass it as a binding: `?` in the query and the value as an argument of the call.
            = fix: Bind the value as a `?` parameter
        30  |     return this.sql.exec(`SELECT id FROM items WHERE qty > ? AND name LIKE '%${term}%' LIMIT ?`, 1, limit).toArray();
            |                                                                              ^^^^^^^ warning[sql-injection] `${term}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection). Pass it as a binding: `?` in the query and the value as an argument of the call.
            = fix: Bind the value as a `?` parameter
        34  |     this.sql.exec(`INSERT INTO items (name, qty) VALUES (${name}, ?)`, qty);
            |                                                          ^^^^^^^ warning[sql-injection] `${name}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection), and text would need quoting. Pass it as a binding: `?` in the query and the value as an argument of the call.
            = fix: Bind the value as a `?` parameter
        37  |     return this.sql.exec(`SELECT name FROM items WHERE id = ${id} AND qty >= ?`, 0).one();
            |                                                             ^^^^^ warning[sql-injection] `${id}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection), and text would need quoting. Pass it as a binding: `?` in the query and the value as an argument of the call.
            = fix: Bind the value as a `?` parameter
    "#]]
    .assert_eq(&render(&a));
    expect![[r#"    return this.sql.exec(`SELECT id FROM items WHERE name = ?`, name).toArray();"#]].assert_eq(&fixed(&a, "sql-injection"));
    let one = |line: &str| {
        let src = store(&format!("  q(name: string, term: string, id, qty: number, limit: number) {{\n{line}\n  }}\n"));
        fixed(&analysis(&src), "sql-injection")
    };
    expect![[r#"    return this.sql.exec(`SELECT id FROM items WHERE qty > ? AND name LIKE ? LIMIT ?`, 1, `%${term}%`, limit).toArray();"#]]
        .assert_eq(&one("    return this.sql.exec(`SELECT id FROM items WHERE qty > ? AND name LIKE '%${term}%' LIMIT ?`, 1, limit).toArray();"));
    expect![[r#"    this.sql.exec(`INSERT INTO items (name, qty) VALUES (?, ?)`, name, qty);"#]]
        .assert_eq(&one("    this.sql.exec(`INSERT INTO items (name, qty) VALUES (${name}, ?)`, qty);"));
    expect![[r#"    return this.sql.exec(`SELECT name FROM items WHERE id = ? AND qty >= ?`, id, 0).one();"#]]
        .assert_eq(&one("    return this.sql.exec(`SELECT name FROM items WHERE id = ${id} AND qty >= ?`, 0).one();"));
    // In a const (no fix: other uses would need the binding too) and in a wrapper's call;
    // a double-quoted `"${…}"` is a name.
    let src = r#"import { DurableObject } from "cloudflare:workers";
export class Store extends DurableObject {
  #query(sql: string, ...params: SqlStorageValue[]) { return this.ctx.storage.sql.exec(sql, ...params); }
  get(user: string) {
    const q = `SELECT * FROM t WHERE owner = '${user}' AND "${user}" = 1`;
    this.#query(`SELECT * FROM t WHERE owner = ${user}`);
    return this.ctx.storage.sql.exec(q).toArray();
  }
}
"#;
    check(
        src,
        expect![[r#"
            5   |     const q = `SELECT * FROM t WHERE owner = '${user}' AND "${user}" = 1`;
                |                                               ^^^^^^^ warning[sql-injection] `${user}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection). Pass it as a binding: `?` in the query and the value as an argument of the call.
            6   |     this.#query(`SELECT * FROM t WHERE owner = ${user}`);
                |                                                ^^^^^^^ warning[sql-injection] `${user}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection), and text would need quoting. Pass it as a binding: `?` in the query and the value as an argument of the call.
                = fix: Bind the value as a `?` parameter
        "#]],
    );
}

#[test]
fn names_fragments_numbers_and_placeholder_lists_are_not_values() {
    silent(&store(
        r#"  sorted(column: "name" | "qty", dir: string, table: string) {
    return this.sql.exec(`SELECT ${column} FROM ${table} ORDER BY ${column} ${dir}`).toArray();
  }
  some(ids: number[], names: string[]) {
    const placeholders = ids.map(() => "?").join(", ");
    this.sql.exec(`SELECT * FROM items WHERE id IN (${placeholders})`, ...ids);
    this.sql.exec(`INSERT INTO items (name) VALUES ${names.map(() => "(?)").join(", ")}`, ...names);
    this.sql.exec(`SELECT * FROM items WHERE name IN (${names.map((_, i) => `?${i + 1}`).join(",")})`, ...names);
  }
  recent(days: number, limit: number, flag: boolean) {
    const cutoff = Date.now() - days * 86_400_000;
    const state = flag ? "on" : "off";
    return this.sql.exec(`SELECT * FROM log WHERE at > ${cutoff} AND msg = '${state}' AND at < ${Date.now()} LIMIT ${limit}`).toArray();
  }
  dynamic(where: string, fields: Record<string, unknown>) {
    const sets = Object.keys(fields).map((k) => `${k} = ?`).join(", ");
    this.sql.exec(`UPDATE items SET ${sets} WHERE ${where}`, ...Object.values(fields));
    this.sql.exec(`SELECT * FROM items i JOIN log l ON l.item = ${"i"}.id`);
  }
  typed(status: Status, n: number) {
    return this.sql.exec(`SELECT * FROM items WHERE data = '${status}' AND qty = ${n + 1} AND qty <> ${-n}`).toArray();
  }
"#,
    ).replace("const ITEMS", "type Status = \"a\" | \"b\";\nconst ITEMS"));
    // A binding tag's substitutions are bindings.
    silent(&format!("{AGENT}  find(name: string) {{ return this.sql`SELECT id FROM messages WHERE body = ${{name}}`; }}\n}}\n"));
}

#[test]
fn row_types_are_compared_with_the_result_columns() {
    let src = store(
        r#"  one(id: number) {
    return this.sql.exec<{ id: number; name: string; title: string; data: string }>("SELECT id, name, data FROM items WHERE id = ?", id).one();
  }
  typed() {
    return this.sql.exec<Item>("SELECT id, name, qty, data FROM items").toArray();
  }
  joined() {
    return this.sql.exec<{ msg: string; name: string }>("SELECT log.msg, items.name FROM log LEFT JOIN items ON items.id = log.item").toArray();
  }
"#,
    )
    .replace("const ITEMS", "interface Item { id: number; name: string | null; qty: boolean; note?: string }\nconst ITEMS");
    let a = analysis(&src);
    expect![[r#"
        28  |     return this.sql.exec<{ id: number; name: string; title: string; data: string }>("SELECT id, name, data FROM items WHERE id = ?", id).one();
            |                                                      ^^^^^ error[sql-row-missing-column] The row type has `title`, but the query returns no such column (it returns `id`, `name`, `data`): the property is always `undefined`. Fix the name, alias a column `AS title`, or remove the property.
            = fix: Write the row type the query returns
        28  |     return this.sql.exec<{ id: number; name: string; title: string; data: string }>("SELECT id, name, data FROM items WHERE id = ?", id).one();
            |                                                                     ^^^^ warning[sql-row-type-mismatch] Column `items.data` can be NULL (it has no NOT NULL), so `data` can be `null`: write `string | null`, or declare the column NOT NULL.
            = fix: Write the row type the query returns
        31  |     return this.sql.exec<Item>("SELECT id, name, qty, data FROM items").toArray();
            |                          ^^^^ hint[sql-row-extra-column] The query also returns `data`, which `Item` does not declare. Add it to the type, or leave it out of the query.
            = fix: Write the row type the query returns
        31  |     return this.sql.exec<Item>("SELECT id, name, qty, data FROM items").toArray();
            |                          ^^^^ warning[sql-row-type-mismatch] `qty` is declared `boolean`, but column `items.qty` is INTEGER (`number`), so the row holds a number (SQLite stores booleans as 0 and 1). Write `number`.
            = fix: Write the row type the query returns
    "#]]
    .assert_eq(&render(&a));
    expect![[r#"
        interface Item { id: number; name: string; qty: number; data: string | null }"#]]
    .assert_eq(&fixed(&a, "sql-row-extra-column"));
    expect![[r#"    return this.sql.exec<{ id: number; name: string; data: string | null }>("SELECT id, name, data FROM items WHERE id = ?", id).one();"#]]
        .assert_eq(&fixed(&a, "sql-row-missing-column"));
    // Expressions, untyped columns, open types and written-out unions stay silent.
    silent(&store(
        r#"  a() {
    this.sql.exec<{ n: number; total: string }>("SELECT count(*) AS n, sum(qty) AS total FROM items").one();
    this.sql.exec<{ [k: string]: SqlStorageValue; id: number }>("SELECT id, name FROM items").toArray();
    this.sql.exec<{ id: number | string; name: "a" | "b"; data: string | null; at: Date }>("SELECT id, name, data, at FROM items JOIN log ON log.item = items.id").toArray();
    this.sql.exec<Record<string, number>>("SELECT * FROM items").toArray();
    this.sql.exec<{ id: number }>("INSERT INTO items (name) VALUES ('x')");
  }
"#,
    ));
}

#[test]
fn tables_of_a_library_base_class_are_not_errors() {
    // The `agents` package is not in the project: the tables its `Agent` creates (and any
    // other name) may exist, so no table or column is reported unknown; what does not depend
    // on the schema still is.
    let src = r#"import { Agent } from "agents";
import { McpAgent } from "agents/mcp";
export class Store extends Agent<Env> {
  state() { return this.sql`SELECT state FROM cf_agents_state WHERE id = ${"STATE"}`; }
  queue() { return this.ctx.storage.sql.exec("SELECT id, payload FROM cf_agents_queues ORDER BY created_at").toArray(); }
  typo() { return this.sql`SELECT * FROM cf_agents_queue`; }
  broken() { return this.sql`SELECT * FROM cf_agents_state WHERE`; }
}
export class Tools extends McpAgent<Env> {
  servers() { return this.sql`SELECT id, server_url FROM cf_agents_mcp_servers`; }
}
"#;
    check(
        src,
        expect![[r#"
            7   |   broken() { return this.sql`SELECT * FROM cf_agents_state WHERE`; }
                |                                                            ^^^^^ error[sql-syntax] SQL syntax error: incomplete input. SQLite cannot parse this statement, so `exec` throws.
        "#]],
    );
}

#[test]
fn a_row_type_can_be_added_where_there_is_none() {
    let src = store(
        r#"  list() {
    return this.sql.exec("SELECT id, name, data, count(*) OVER () AS total FROM items").toArray();
  }
  add(name: string) {
    this.sql.exec("INSERT INTO items (name) VALUES (?)", name);
    return this.sql.exec<{ id: number }>("SELECT id FROM items WHERE name = ?", name).one();
  }
"#,
    );
    let a = analysis(&src);
    // Diagnostics first: they prepare the queries without reading their result columns,
    // which the action then needs.
    let _ = render(&a);
    let path = Path::new(INDEX);
    let text = a.file(path).unwrap().text().to_string();
    let at = |needle: &str| {
        let i = text.find(needle).unwrap();
        TextRange::new(i, i)
    };
    let apply = |fix: &crate::diagnostics::Fix| {
        let e = &fix.edits[0];
        let mut t = text.clone();
        t.replace_range(e.range.as_range(), &e.new_text);
        t.lines().find(|l| l.contains("SELECT id, name, data")).unwrap().to_string()
    };
    let fixes = a.code_actions(path, at("exec(\"SELECT id, name"));
    assert_eq!(fixes.len(), 1, "{fixes:?}");
    expect![[r#"    return this.sql.exec<{ id: number; name: string; data: string | null; total: SqlStorageValue }>("SELECT id, name, data, count(*) OVER () AS total FROM items").toArray();"#]]
        .assert_eq(&apply(&fixes[0]));
    // An INSERT returns no rows; a call with a row type has one.
    assert!(a.code_actions(path, at("exec(\"INSERT")).is_empty());
    assert!(a.code_actions(path, at("exec<{ id")).is_empty());
    // An Agent's `this.sql` takes one too.
    let a = analysis(&format!("{AGENT}  bodies() {{ return this.sql`SELECT body FROM messages`; }}\n}}\n"));
    let text = a.file(path).unwrap().text().to_string();
    let i = text.find("this.sql`SELECT body").unwrap();
    let fixes = a.code_actions(path, TextRange::new(i, i));
    let e = &fixes[0].edits[0];
    assert_eq!((&text[i..e.range.start], e.new_text.as_str()), ("this.sql", "<{ body: string }>"));
    let i = text.find("this.sql`INSERT").unwrap();
    assert!(a.code_actions(path, TextRange::new(i, i)).is_empty(), "an INSERT returns no rows");
    let i = text.find("this.sql`SELECT state").unwrap();
    let fixes = a.code_actions(path, TextRange::new(i, i));
    assert_eq!(fixes.len(), 0, "the table is the library's: not prepared");
}

#[test]
fn an_installed_library_base_class_brings_its_tables() {
    const AGENTS_JS: &str = r#"import { Server } from "partyserver";
const STATE_ROW = "cf_state_row_id";
export class Agent extends Server {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql`
      CREATE TABLE IF NOT EXISTS cf_agents_state (
        id TEXT PRIMARY KEY NOT NULL,
        state TEXT
      )
    `;
    this.sql`CREATE TABLE IF NOT EXISTS cf_agents_queues (id TEXT PRIMARY KEY NOT NULL, payload TEXT, created_at INTEGER DEFAULT (unixepoch()))`;
    const row = this.sql`SELECT state FROM cf_agents_state WHERE id = ${STATE_ROW}`;
    throw new Error("CREATE TABLE failed");
  }
  sql(strings, ...values) {
    const query = strings.reduce((acc, s, i) => acc + s + (i < values.length ? "?" : ""), "");
    return [...this.ctx.storage.sql.exec(query, ...values)];
  }
}
"#;
    let src = r#"import { Agent } from "agents";
export class Store extends Agent<Env> {
  onStart() {
    this.sql`CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, body TEXT)`;
  }
  state() { return this.sql`SELECT state FROM cf_agents_state WHERE id = ${"x"}`; }
  queued() { return this.sql<{ id: string; payload: string }>`SELECT id, payload FROM cf_agents_queues`; }
  typo() { return this.sql`SELECT * FROM cf_agents_queue`; }
  column() { return this.sql`SELECT stat FROM cf_agents_state`; }
}
"#;
    let mut a = analysis(src);
    // Not installed: nothing about tables or columns.
    assert_eq!(render(&a), "no diagnostics\n");
    a.set_package_sources("agents", vec![("/w/node_modules/agents/dist/index.js".into(), AGENTS_JS.to_string())]);
    check_analysis(
        &a,
        expect![[r#"
            7   |   queued() { return this.sql<{ id: string; payload: string }>`SELECT id, payload FROM cf_agents_queues`; }
                |                                            ^^^^^^^ warning[sql-row-type-mismatch] Column `cf_agents_queues.payload` can be NULL (it has no NOT NULL), so `payload` can be `null`: write `string | null`, or declare the column NOT NULL.
                = fix: Write the row type the query returns
            8   |   typo() { return this.sql`SELECT * FROM cf_agents_queue`; }
                |                                          ^^^^^^^^^^^^^^^ error[sql-unknown-table] No table `cf_agents_queue` in the schema of `Store`: it creates `cf_agents_state`, `cf_agents_queues`, `notes`. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.
            9   |   column() { return this.sql`SELECT stat FROM cf_agents_state`; }
                |                                     ^^^^ error[sql-unknown-column] No column `stat` in `cf_agents_state` (id, state): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
        "#]],
    );
    // A table the package creates under a name computed at run time: partly unknown again.
    let partial = format!("{AGENTS_JS}\nexport function extra(sql, name) {{ sql.exec(`CREATE TABLE IF NOT EXISTS ${{name}} (x)`); }}\n");
    a.set_package_sources("agents", vec![("/w/node_modules/agents/dist/index.js".into(), partial)]);
    assert!(!render(&a).contains("sql-unknown"), "{}", render(&a));
    // Forgotten: silent again.
    a.set_package_sources("agents", Vec::new());
    assert_eq!(render(&a), "no diagnostics\n");
}

fn check_analysis(a: &Analysis, expect: Expect) {
    expect.assert_eq(&render(a));
}

#[test]
fn agent_row_types_in_every_shape_the_parser_gives() {
    // `tag<T>`…`` parses as a call in some places and as two comparisons in others.
    let src = format!(
        "{AGENT}  a() {{ return this.sql<Msg>`SELECT id FROM messages`; }}\n  b() {{ this.sql<Msg>`SELECT id FROM messages`; }}\n  c() {{ const rows = this.sql<{{ id: string; at: string }}>`SELECT id, at FROM messages`; return rows; }}\n}}\n"
    )
    .replace("export class Store", "interface Msg { id: string; body: string }\nexport class Store");
    check(
        &src,
        expect![[r#"
            17  |   a() { return this.sql<Msg>`SELECT id FROM messages`; }
                |                         ^^^ error[sql-row-missing-column] `Msg` has `body`, but the query returns no such column (it returns `id`): the property is always `undefined`. Fix the name, alias a column `AS body`, or remove the property.
                = fix: Write the row type the query returns
            18  |   b() { this.sql<Msg>`SELECT id FROM messages`; }
                |                  ^^^ error[sql-row-missing-column] `Msg` has `body`, but the query returns no such column (it returns `id`): the property is always `undefined`. Fix the name, alias a column `AS body`, or remove the property.
                = fix: Write the row type the query returns
            19  |   c() { const rows = this.sql<{ id: string; at: string }>`SELECT id, at FROM messages`; return rows; }
                |                                             ^^ warning[sql-row-type-mismatch] `at` is declared `string`, but column `messages.at` is INTEGER (`number`), so the row holds a number. Write `number`.
                = fix: Write the row type the query returns
        "#]],
    );
}

#[test]
fn spliced_request_values_and_unknown_sources() {
    let src = store(
        r#"  async fetch(request: Request) {
    const url = new URL(request.url);
    const q = url.searchParams.get("q");
    this.sql.exec(`SELECT id FROM items WHERE name = '${q}'`);
    const body = await request.json<{ name: string }>();
    this.sql.exec(`SELECT id FROM items WHERE name = '${body.name.trim()}'`);
    this.sql.exec(`SELECT id FROM items WHERE data = ${JSON.stringify(body)}`);
    // Not known to be values: a field of the object, an enum, an import, a helper's result.
    this.sql.exec(`SELECT id FROM items WHERE name = '${this.owner}' AND qty = ${Limits.max} AND data = ${nowExpression()}`);
    return new Response("ok");
  }
"#,
    )
    .replace("const ITEMS", "enum Limits { max = 10 }\nconst ITEMS");
    let a = analysis(&src);
    let got: Vec<String> = a
        .diagnostics(Path::new(INDEX))
        .into_iter()
        .filter(|d| d.code == "sql-injection")
        .map(|d| a.file(Path::new(INDEX)).unwrap().text()[d.range.as_range()].to_string())
        .collect();
    assert_eq!(got, ["${q}", "${body.name.trim()}", "${JSON.stringify(body)}"]);
}

#[test]
fn migration_files_named_in_the_settings_are_replayed_before_the_class() {
    // A class whose tables come only from `.sql` files that a migrations library applies.
    let src = r#"import { DurableObject } from "cloudflare:workers";
import { migrate } from "./migrate";
export class Store extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage));
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS users_email ON users(email)");
  }
  byEmail(email: string) { return this.ctx.storage.sql.exec("SELECT id, name, nickname FROM users WHERE email = ?", email).one(); }
  posts() { return this.ctx.storage.sql.exec("SELECT id, titel FROM posts").toArray(); }
}
"#;
    let first = "-- first\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n--> statement-breakpoint\nCREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, author INTEGER REFERENCES users(id));\n";
    // Drizzle's way of changing a table: build a new one, copy, drop, rename.
    let second = "PRAGMA foreign_keys=OFF;\nCREATE TABLE `__new_users` (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, nickname TEXT);\nINSERT INTO `__new_users`(id, name, email) SELECT id, name, email FROM `users`;\nDROP TABLE `users`;\nALTER TABLE `__new_users` RENAME TO `users`;\nPRAGMA foreign_keys=ON;\n";
    // Not named in the settings: a D1 database's migration, never read.
    let d1 = "CREATE TABLE accounts (id INTEGER PRIMARY KEY);\nCREATE TABLE accounts (id INTEGER PRIMARY KEY);\n";
    let files = [
        (INDEX, src),
        ("/w/drizzle/0001_second.sql", second),
        ("/w/drizzle/0000_first.sql", first),
        ("/w/migrations/0001_d1.sql", d1),
        ("/w/dols.toml", "[sql]\nmigrations = [\"drizzle\"]\n"),
    ];
    let a = with_files(&files);
    expect![[r#"
        10  |   posts() { return this.ctx.storage.sql.exec("SELECT id, titel FROM posts").toArray(); }
            |                                                          ^^^^^ error[sql-unknown-column] No column `titel` in `posts` (id, title, author): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
    "#]]
    .assert_eq(&render(&a));
    assert!(a.diagnostics(Path::new("/w/migrations/0001_d1.sql")).is_empty());
    assert!(a.diagnostics(Path::new("/w/drizzle/0000_first.sql")).is_empty());
    assert!(a.diagnostics(Path::new("/w/dols.toml")).is_empty(), "{:?}", a.diagnostics(Path::new("/w/dols.toml")));

    // Navigation reaches the migration files.
    let at = |needle: &str| src.find(needle).unwrap() + 1;
    let targets = a.definition(Path::new(INDEX), at("nickname FROM"));
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].file, Path::new("/w/drizzle/0001_second.sql"));
    assert_eq!(&second[targets[0].focus.as_range()], "nickname");
    let targets = a.definition(Path::new(INDEX), at("posts\")"));
    assert_eq!((targets[0].file.as_path(), &first[targets[0].focus.as_range()]), (Path::new("/w/drizzle/0000_first.sql"), "posts"));
    let refs = a.references(Path::new(INDEX), at("users WHERE"), true);
    assert!(refs.iter().any(|(f, _)| f.ends_with("0000_first.sql")) && refs.iter().any(|(f, _)| f.ends_with("0001_second.sql")), "{refs:?}");
    let hover = a.hover(Path::new(INDEX), at("titel")).map(|h| h.markdown);
    assert!(a.hover(Path::new(INDEX), at("posts\")")).unwrap().markdown.contains("title"), "{hover:?}");

    // Without the entry the tables are unknown to us, and nothing is reported.
    let without: Vec<(&str, &str)> = files.iter().copied().filter(|(p, _)| !p.ends_with("dols.toml")).collect();
    assert_eq!(render(&with_files(&without)), "no diagnostics\n");

    // A failing statement in a migration file is reported in that file, at its place.
    let broken = second.replace("DROP TABLE `users`", "DROP TABLE `user`");
    let mut a = with_files(&files);
    a.set_file(Path::new("/w/drizzle/0001_second.sql"), broken);
    expect![[r#"
        4   | DROP TABLE `user`;
            | ^^^^^^^^^^^^^^^^^ error[sql-ddl-failed] This schema statement fails: `no such table: user`, after the migration files before it. Fix the statement or the order of the files.
    "#]]
    .assert_eq(&render_diagnostics(&a, Path::new("/w/drizzle/0001_second.sql"), |_| true, "no diagnostics"));
    // A syntax error there leaves the class's schema unknown: its queries stay silent.
    let mut a = with_files(&files);
    a.set_file(Path::new("/w/drizzle/0000_first.sql"), first.replace("title TEXT,", "title TEXT,,"));
    assert!(render_diagnostics(&a, Path::new("/w/drizzle/0000_first.sql"), |_| true, "").contains("error[sql-syntax]"));
    assert_eq!(render(&a), "no diagnostics\n");

    // An entry that names no file is reported in the settings.
    let a = with_files(&[(INDEX, src), ("/w/dols.toml", "[sql]\nmigrations = [\"drizzle\"]\n")]);
    expect![[r#"
        2   | migrations = ["drizzle"]
            |               ^^^^^^^^^ warning[settings-invalid] `drizzle` names no `.sql` file, so no schema is read from it. The path is relative to this file's folder: a folder (its `.sql` files run in name order), a `.sql` file, or a glob.
    "#]]
    .assert_eq(&render_diagnostics(&a, Path::new("/w/dols.toml"), |_| true, "no diagnostics"));
}

#[test]
fn migration_entries_can_name_their_classes_and_come_from_the_editor() {
    let wrangler = r#"{
  "name": "app", "main": "src/index.ts", "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "A", "class_name": "Chat" }, { "name": "B", "class_name": "Lobby" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Chat", "Lobby"] }]
}"#;
    let src = r#"import { DurableObject } from "cloudflare:workers";
export class Chat extends DurableObject {
  list() { return this.ctx.storage.sql.exec("SELECT body FROM messages").toArray(); }
}
export class Lobby extends DurableObject {
  list() { return this.ctx.storage.sql.exec("SELECT body FROM messages").toArray(); }
}
"#;
    let mut a = Analysis::new();
    a.set_file(Path::new("/w/wrangler.jsonc"), wrangler.to_string());
    a.set_file(Path::new(INDEX), src.to_string());
    a.set_file(Path::new("/w/sql/chat.sql"), "CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT);".to_string());
    a.set_file(Path::new("/w/sql/lobby.sql"), "CREATE TABLE rooms (id INTEGER PRIMARY KEY);\nCREATE TABLE messages (id INTEGER PRIMARY KEY, text TEXT);".to_string());
    a.set_sql_overrides(crate::settings::SqlSettings {
        migrations: vec![
            crate::settings::MigrationSource { path: "sql/chat.sql".into(), classes: vec!["Chat".into()] },
            crate::settings::MigrationSource { path: "sql/lobby.sql".into(), classes: vec!["Lobby".into()] },
        ],
        ..Default::default()
    });
    expect![[r#"
        6   |   list() { return this.ctx.storage.sql.exec("SELECT body FROM messages").toArray(); }
            |                                                     ^^^^ error[sql-unknown-column] No column `body` in `messages` (id, text): fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.
    "#]]
    .assert_eq(&render(&a));
}

#[test]
fn classes_checked_on_several_threads_give_what_one_thread_gives() {
    // Four classes, more than two threads, each with mistakes among its queries.
    let mut src = String::from("import { DurableObject } from \"cloudflare:workers\";\n");
    for c in 0..4 {
        src += &format!(
            "export class C{c} extends DurableObject {{\n  constructor(ctx: DurableObjectState, env: unknown) {{\n    super(ctx, env);\n    ctx.storage.sql.exec(\"CREATE TABLE IF NOT EXISTS t{c} (id INTEGER PRIMARY KEY, name TEXT)\");\n  }}\n"
        );
        for q in 0..30 {
            let column = if q == 3 || q == 25 { "nmae" } else { "name" };
            src += &format!("  q{q}() {{ return this.ctx.storage.sql.exec(\"SELECT {column} FROM t{c} WHERE id = {q}\").toArray(); }}\n");
        }
        src += "}\n";
    }
    let run = |threads: usize| {
        crate::segments::THREADS.set(Some(threads));
        let out = render(&analysis(&src));
        crate::segments::THREADS.set(None);
        out
    };
    let one = run(1);
    assert_eq!(one.matches("error[sql-unknown-column]").count(), 8, "{one}");
    assert_eq!(run(2), one);
    assert_eq!(run(3), one);
}

#[test]
fn a_class_shared_among_threads_gives_what_one_thread_gives() {
    // One class with many new queries: on two or three threads, part of them is prepared on a
    // second database built from the same DDL. Mistakes, row types and bindings must come out
    // the same, at the same places.
    let mut src = String::from("import { DurableObject } from \"cloudflare:workers\";\ntype Row = { id: number; name: string };\n");
    src += "export class Big extends DurableObject {\n  constructor(ctx: DurableObjectState, env: unknown) {\n    super(ctx, env);\n";
    src += "    ctx.storage.sql.exec(\"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT)\");\n";
    src += "    ctx.storage.sql.exec(\"CREATE TABLE IF NOT EXISTS u (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(id))\");\n  }\n";
    for q in 0..120 {
        let line = match q % 10 {
            3 => format!("  q{q}() {{ return this.ctx.storage.sql.exec(\"SELECT nmae FROM t WHERE id = {q}\").toArray(); }}\n"),
            5 => format!("  q{q}() {{ return this.ctx.storage.sql.exec<Row>(\"SELECT id, note FROM t WHERE id = {q}\").toArray(); }}\n"),
            7 => format!("  q{q}(a: number) {{ this.ctx.storage.sql.exec(\"UPDATE t SET note = ? WHERE id = ? AND {q} > 0\", a); }}\n"),
            8 => format!("  q{q}() {{ return this.ctx.storage.sql.exec(\"SELECT t.id FROM t JOIN u ON u.t_id = t.id WHERE u.id = {q}\").one(); }}\n"),
            _ => format!("  q{q}(id: number) {{ return this.ctx.storage.sql.exec<Row>(\"SELECT id, name FROM t WHERE id = ? LIMIT {q}\", id).toArray(); }}\n"),
        };
        src += &line;
    }
    src += "}\n";
    let run = |threads: usize| {
        crate::segments::THREADS.set(Some(threads));
        let a = analysis(&src);
        let out = render(&a);
        let replays = a.sql.replay_count();
        crate::segments::THREADS.set(None);
        (out, replays)
    };
    let (one, built) = run(1);
    assert_eq!(built, 1, "one thread: the class's own database only");
    for code in ["sql-unknown-column", "sql-row-missing-column", "sql-row-extra-column", "sql-binding-count"] {
        assert_eq!(one.matches(&format!("[{code}]")).count(), 12, "{code}:\n{one}");
    }
    for threads in [2, 3] {
        let (out, built) = run(threads);
        assert!(built > 1, "{threads} threads: a share of the queries is prepared apart");
        assert_eq!(out, one, "{threads} threads");
    }
}

/// What a method body tells once for all its calls (its class; that it holds no `try`, no
/// class and no `expect(…)`) gives each site what reading the call's own ancestors gives,
/// also where a body holds a class, a `try` or an expecting call of its own.
#[test]
fn body_shortcuts_match_each_call_read_alone() {
    let src = r#"import { DurableObject } from "cloudflare:workers";

export class Outer extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS a (x INTEGER)");
  }
  plain() {
    return this.ctx.storage.sql.exec("SELECT x FROM a").toArray();
  }
  nested() {
    this.ctx.storage.sql.exec("SELECT 1");
    class Inner extends DurableObject<Env> {
      run(sql: SqlStorage) {
        return sql.exec("SELECT 2").toArray();
      }
    }
    return Inner;
  }
  guarded() {
    try {
      this.ctx.storage.sql.exec("SELECT 3");
    } catch {}
    this.ctx.storage.sql.exec("SELECT 4");
  }
  tested() {
    expect(() => this.ctx.storage.sql.exec("SELECT nope FROM a")).toThrow();
    this.ctx.storage.sql.exec("SELECT 5");
  }
}

export function helper(sql: SqlStorage) {
  try { sql.exec("SELECT 6"); } finally {}
}
"#;
    let a = analysis(src);
    let path = Path::new(INDEX);
    let infer = crate::infer::Infer::new(&a, path).expect("the module is known");
    let file = super::read_file(&infer);
    let texts: Vec<&str> = file.sites.iter().map(|s| &src[s.arg.as_range()]).collect();
    assert_eq!(file.sites.len(), 9, "every exec call is a site: {texts:?}");
    let root = infer.src.tree.root_node();
    let facts = |s: &super::source::ExecSite| (s.call, s.class.clone(), s.in_try, s.failure_swallowed, s.expects_failure);
    for site in &file.sites {
        let call = root.descendant_for_byte_range(site.call.start, site.call.end).expect("the call is in the tree");
        let alone = super::source::exec_site(&infer, call).expect("the call is a site").remove(0);
        assert_eq!(facts(site), facts(&alone), "{}", &src[site.call.as_range()]);
    }
    let flags: Vec<(bool, bool, bool)> = file.sites.iter().map(|s| (s.in_try, s.failure_swallowed, s.expects_failure)).collect();
    assert!(flags.contains(&(true, true, false)) && flags.contains(&(false, false, true)), "{flags:?}");
}

/// A statement read without tokens is the one the full reading makes of the same text, and
/// texts that need the full reading (several statements, comments, a tail to blank out, a
/// first token that is no word) are left to it.
#[test]
fn a_plain_statement_reads_as_the_full_reading_does() {
    let full = |sql: &str| {
        let tokens = super::lex::tokenize(sql);
        let split = super::lex::split(sql, &tokens);
        (super::statements(sql, &tokens, &split), split.empty.len())
    };
    let facts = |s: &super::Stmt| (s.span, s.prepared.clone(), s.params_unknown, s.verb.clone(), s.is_last);
    let same = |sql: &str| {
        let quick = super::single_statement(sql).unwrap_or_else(|| panic!("read without tokens: {sql:?}"));
        let (stmts, empties) = full(sql);
        assert_eq!((stmts.len(), empties), (1, 0), "{sql:?}");
        assert_eq!(facts(&quick), facts(&stmts[0]), "{sql:?}");
    };
    for sql in [
        "SELECT 1",
        "  select id, name FROM items WHERE id = ? ",
        "\n\tINSERT INTO t (a, b) VALUES (?, 'x')\n",
        "Replace into t values (1)",
        "VALUES (1), (2)",
        "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a')",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = n + 1 LIMIT 1 END",
        "SELECT \"quoted\", [bracketed], `ticked`, x'00' FROM t",
    ] {
        same(sql);
    }
    for sql in [
        "SELECT 1; SELECT 2",
        "SELECT 1 -- note",
        "SELECT a / b FROM t",
        "UPDATE t SET a = 1 ORDER BY a LIMIT 1",
        "DELETE FROM t",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "EXPLAIN SELECT 1",
        "PRAGMA table_info(t)",
        "x'00'",
        "(SELECT 1)",
        "   ",
        "",
        "$p",
        "1",
    ] {
        assert!(super::single_statement(sql).is_none(), "{sql:?} needs the full reading");
    }
}

proptest::proptest! {
    /// Any text the quick reading takes, the full reading reads the same way.
    #[test]
    fn quick_and_full_readings_agree(sql in "[ \\t\\n]{0,2}(SELECT|select|INSERT|Values|CREATE|REPLACE|UPDATE|selectx|x|_a|\\$a|9)[ a-z0-9_,'\"`()?=*.<>!\\[\\]x$-]{0,40}") {
        if let Some(quick) = super::single_statement(&sql) {
            let tokens = super::lex::tokenize(&sql);
            let split = super::lex::split(&sql, &tokens);
            let stmts = super::statements(&sql, &tokens, &split);
            proptest::prop_assert_eq!(stmts.len(), 1);
            proptest::prop_assert!(split.empty.is_empty());
            let s = &stmts[0];
            proptest::prop_assert_eq!((quick.span, &quick.prepared, quick.params_unknown, &quick.verb, quick.is_last), (s.span, &s.prepared, s.params_unknown, &s.verb, s.is_last));
        }
    }
}
