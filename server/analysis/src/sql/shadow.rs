//! Shadow databases: one in-memory SQLite database per Durable Object class, built by
//! replaying the class's DDL, against which every query is prepared (never run).
//!
//! The connection imitates the platform's engine (foreign keys on, defensive mode, the
//! platform's limits, its authorizer rules) and is locked down so that SQL from a file can
//! neither reach the file system nor hang or exhaust the server.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::config::DbConfig;
use rusqlite::functions::FunctionFlags;
use std::ffi::{c_char, c_int, c_void, CStr};

use rusqlite::hooks::{AuthAction, AuthContext};
use rusqlite::limits::Limit;
use rusqlite::Connection;

pub(crate) use super::platform::{authorize, Denial, BLOCKED_FUNCTIONS};
use super::schema::{Column, ForeignKey, IndexInfo, ObjectKind, Schema, SchemaObject};

/// The result of preparing (or, for DDL, running) one statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Prepared; `quoted_string` is SQLite's offset of a double-quoted string literal (a
    /// `"word"` that names no column, which SQLite then reads as text).
    /// `columns`: the statement's result columns, when they were asked for (reading them
    /// costs about a fifth of a prepare, and only row types need them).
    Ok { params: usize, quoted_string: Option<usize>, columns: Option<Arc<Vec<ResultColumn>>> },
    Err(SqlError),
}

impl Outcome {
    /// Prepared without reading its result columns.
    fn lacks_columns(&self) -> bool {
        matches!(self, Outcome::Ok { columns: None, .. })
    }
}

/// A statement to prepare, and whether its result columns are wanted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ask<'q> {
    pub text: &'q str,
    pub columns: bool,
}

/// A result column of a prepared statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResultColumn {
    /// The name the row object has for it.
    pub name: String,
    /// A plain reference to a table column: its declared type and whether it can hold NULL
    /// are those of the table (`None` for an expression, whose type SQLite leaves open).
    pub origin: Option<Origin>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    pub table: String,
    pub column: String,
    /// The declared type as written (`INTEGER`, `TEXT`, empty).
    pub decl: String,
    /// NOT NULL, or a primary key (an INTEGER PRIMARY KEY is the rowid).
    pub not_null: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SqlError {
    /// SQLite's message (`no such table: users`).
    pub message: String,
    /// SQLite's error offset into the statement, when it reports one.
    pub offset: Option<usize>,
    pub denial: Option<Denial>,
}

/// What the DDL replay left behind, for judging errors.
#[derive(Clone, Debug, Default)]
pub(crate) struct SchemaFacts {
    /// Tables and views that exist after the replay, as declared (SQLite's own and shadow
    /// tables left out), with their columns.
    pub tables: Vec<String>,
    pub columns: Vec<(String, Vec<String>)>,
    /// Every table or view name (lower case) that existed at some point of the replay.
    pub ever_tables: HashSet<String>,
    /// Every column name (lower case) of any table at some point of the replay.
    pub ever_columns: HashSet<String>,
    /// For each table (lower case): the DDL statement (by position) after which it last
    /// appeared. For each (table, column): the statement after which that column last
    /// appeared in that table.
    pub table_origin: HashMap<String, usize>,
    pub column_origin: HashMap<(String, String), usize>,
}


/// A class: the file that declares it and its name.
pub(crate) type ClassId = (PathBuf, String);

/// All shadow databases, shared by every clone of an `Analysis`.
#[derive(Default)]
pub(crate) struct Engine {
    /// Each class's database behind a lock of its own: classes are checked on several
    /// threads at once.
    classes: Mutex<HashMap<ClassId, Arc<Mutex<Option<ShadowDb>>>>>,
    /// How many query statements were prepared (cache misses), for tests and benchmarks.
    prepares: AtomicUsize,
    /// How many times a class's schema was rebuilt.
    replays: AtomicUsize,
}

struct ShadowDb {
    key: u64,
    conn: Connection,
    auth: Arc<Auth>,
    ops: Arc<AtomicU64>,
    ddl: Vec<Outcome>,
    /// Worked out on first demand: only a failed query, hover and completion need them, and
    /// reading them during the replay cost a quarter of it.
    facts: Option<Arc<SchemaFacts>>,
    cache: rustc_hash::FxHashMap<String, Outcome>,
    /// The schema as data, read on first demand.
    detail: Option<Arc<Schema>>,
    /// The DDL replayed, for saying which statement declared what.
    statements: Vec<String>,
}

/// What the authorizer hook reads and writes. It runs on the thread that prepares, once for
/// every table, column and function a statement touches.
#[derive(Default)]
struct Auth {
    /// Set while the engine reads the schema with its own statements.
    trusted: AtomicBool,
    state: Mutex<AuthState>,
}

#[derive(Default)]
struct AuthState {
    denial: Option<Denial>,
    /// The tables and views the statement being prepared creates.
    created: Vec<String>,
}

/// The answer for one class.
pub(crate) struct ClassResult {
    pub ddl: Vec<Outcome>,
    pub queries: Vec<Outcome>,
}

/// Progress handler period, in virtual machine instructions, and the number of periods one
/// DDL statement may run (a `CREATE TABLE … AS SELECT` over a recursive CTE, for example).
const PROGRESS_PERIOD: i32 = 1000;
const MAX_PERIODS: u64 = 20_000;
/// Queries kept per class before the cache is emptied (typing leaves many dead texts).
const MAX_CACHED: usize = 4096;
/// Shadow databases kept before all are dropped and rebuilt on demand.
const MAX_CLASSES: usize = 512;

impl Engine {
    pub fn prepare_count(&self) -> usize {
        self.prepares.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    pub fn replay_count(&self) -> usize {
        self.replays.load(Ordering::Relaxed)
    }

    /// Builds (or reuses) the class's shadow database for `ddl` and prepares `queries`
    /// against it, reusing earlier results for statements already prepared on this schema.
    pub fn check(&self, id: &ClassId, ddl: &[String], queries: &[Ask<'_>]) -> ClassResult {
        let slot = self.slot(id);
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        let Some(db) = self.ensure(&mut slot, ddl) else {
            return ClassResult { ddl: Vec::new(), queries: Vec::new() };
        };
        if db.cache.len() > MAX_CACHED {
            db.cache.clear();
        }
        let results = queries.iter().map(|q| db.answer(q, &self.prepares)).collect();
        ClassResult { ddl: db.ddl.clone(), queries: results }
    }

    /// What the replay of `ddl` left behind (see [`SchemaFacts`]), from the class's database.
    pub fn facts(&self, id: &ClassId, ddl: &[String]) -> Arc<SchemaFacts> {
        let slot = self.slot(id);
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        self.ensure(&mut slot, ddl).map(|db| db.facts()).unwrap_or_default()
    }

    /// What the class's database already knows of these queries: for each, its remembered
    /// outcome (`None` when it must be prepared), and whether the database must be built first
    /// (then nothing is known).
    pub fn known(&self, id: &ClassId, ddl: &[String], queries: &[Ask<'_>]) -> (bool, Vec<Option<Outcome>>) {
        let key = ddl_key(ddl);
        let slot = self.classes.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned();
        let none = || (true, vec![None; queries.len()]);
        let Some(slot) = slot else { return none() };
        let slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        match slot.as_ref() {
            Some(db) if db.key == key => (false, queries.iter().map(|q| db.cache.get(q.text).filter(|o| !(q.columns && o.lacks_columns())).cloned()).collect()),
            _ => none(),
        }
    }

    /// Prepares `queries` on a database of their own, built from `ddl` and dropped after: a
    /// share of a class's queries checked on another thread than the class's own database.
    pub fn check_apart(&self, ddl: &[String], queries: &[Ask<'_>]) -> Vec<Outcome> {
        self.replays.fetch_add(1, Ordering::Relaxed);
        let Some(mut db) = ShadowDb::build(ddl_key(ddl), ddl, false) else {
            return Vec::new();
        };
        queries.iter().map(|q| db.answer(q, &self.prepares)).collect()
    }

    /// Keeps what was prepared apart with the class's database, when it is still the one for
    /// `ddl`, so that later checks find it.
    pub fn remember(&self, id: &ClassId, ddl: &[String], queries: &[Ask<'_>], outcomes: &[Outcome]) {
        let key = ddl_key(ddl);
        let slot = self.slot(id);
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(db) = slot.as_mut().filter(|db| db.key == key) {
            for (q, o) in queries.iter().zip(outcomes) {
                if db.cache.len() < MAX_CACHED {
                    db.cache.insert(q.text.to_string(), o.clone());
                }
            }
        }
    }

    /// The class's shadow database for `ddl`, built (replayed) when it has none or one for
    /// other DDL.
    fn ensure<'m>(&self, slot: &'m mut Option<ShadowDb>, ddl: &[String]) -> Option<&'m mut ShadowDb> {
        let key = ddl_key(ddl);
        let rebuild = slot.as_ref().is_none_or(|db| db.key != key);
        if rebuild {
            self.replays.fetch_add(1, Ordering::Relaxed);
            *slot = ShadowDb::build(key, ddl, false);
        }
        slot.as_mut()
    }

    /// The place of a class's database (empty until it is first built).
    fn slot(&self, id: &ClassId) -> Arc<Mutex<Option<ShadowDb>>> {
        let mut classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        if classes.len() > MAX_CLASSES && !classes.contains_key(id) {
            // Classes renamed or deleted leave their databases behind; start afresh.
            classes.clear();
        }
        classes.entry(id.clone()).or_default().clone()
    }

    /// The schema (as data) and replay facts of the class's database for `ddl`.
    pub fn schema(&self, id: &ClassId, ddl: &[String]) -> (Arc<Schema>, Arc<SchemaFacts>) {
        let slot = self.slot(id);
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        match self.ensure(&mut slot, ddl) {
            Some(db) => (db.detail(), db.facts()),
            None => Default::default(),
        }
    }

    /// The schema of the class's database as last built (by the checks or an IDE request),
    /// without working out the class's DDL again: for answers that must be quick.
    pub fn last_schema(&self, id: &ClassId) -> Option<(Arc<Schema>, Arc<SchemaFacts>)> {
        let slot = self.classes.lock().unwrap_or_else(|e| e.into_inner()).get(id)?.clone();
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        let db = slot.as_mut()?;
        Some((db.detail(), db.facts()))
    }
}

/// What a database built from `ddl` is known by.
fn ddl_key(ddl: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ddl.hash(&mut h);
    h.finish()
}

/// Math functions the platform builds in (`SQLITE_ENABLE_MATH_FUNCTIONS`) but the bundled
/// SQLite leaves out; registered as stand-ins so that preparing accepts them.
const MATH_FUNCTIONS: &[(&str, i32)] = &[
    ("acos", 1), ("acosh", 1), ("asin", 1), ("asinh", 1), ("atan", 1), ("atan2", 2), ("atanh", 1),
    ("ceil", 1), ("ceiling", 1), ("cos", 1), ("cosh", 1), ("degrees", 1), ("exp", 1), ("floor", 1),
    ("ln", 1), ("log", 1), ("log", 2), ("log10", 1), ("log2", 1), ("mod", 2), ("pi", 0), ("pow", 2),
    ("power", 2), ("radians", 1), ("sin", 1), ("sinh", 1), ("sqrt", 1), ("tan", 1), ("tanh", 1),
    ("trunc", 1),
];

/// What a schema statement may do to the tables, views and their columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SchemaEffect {
    /// Nothing: an index or a trigger (the tables need not be read again).
    None,
    /// Adds tables or views and nothing else: `CREATE TABLE`, `CREATE VIEW` (not virtual).
    Creates,
    /// Anything else: drops, renames, added columns, virtual tables (which bring shadow
    /// tables), statements that are not schema statements.
    Other,
}

fn schema_effect(stmt: &str) -> SchemaEffect {
    let mut rest = stmt;
    let mut words: Vec<&str> = Vec::with_capacity(3);
    while words.len() < 3 {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.find('\n').map_or("", |i| &r[i..]);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map_or("", |i| &r[i + 2..]);
        } else {
            let end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            words.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    let is = |i: usize, w: &str| words.get(i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    let object = if is(0, "CREATE") {
        // CREATE [UNIQUE] INDEX, CREATE [TEMP|TEMPORARY] TRIGGER|TABLE|VIEW
        if is(1, "UNIQUE") || is(1, "TEMP") || is(1, "TEMPORARY") { 2 } else { 1 }
    } else if is(0, "DROP") {
        1
    } else {
        return SchemaEffect::Other;
    };
    if is(object, "INDEX") || is(object, "TRIGGER") {
        SchemaEffect::None
    } else if is(0, "CREATE") && (is(object, "TABLE") || is(object, "VIEW")) {
        SchemaEffect::Creates
    } else {
        SchemaEffect::Other
    }
}

impl ShadowDb {
    /// Replays `ddl` on a new database; with `facts_wanted`, also reads what each statement
    /// brought in (only [`ShadowDb::facts`] asks for that: the checks need no facts).
    fn build(key: u64, ddl: &[String], facts_wanted: bool) -> Option<ShadowDb> {
        configure_sqlite();
        let mut conn = Connection::open_in_memory().ok()?;
        let auth = Arc::new(Auth::default());
        let ops = Arc::new(AtomicU64::new(0));
        configure(&mut conn, &auth, &ops).ok()?;
        let mut db = ShadowDb { key, conn, auth, ops, ddl: Vec::new(), facts: None, cache: rustc_hash::FxHashMap::default(), detail: None, statements: ddl.to_vec() };
        let mut facts = SchemaFacts::default();
        let mut known = HashMap::new();
        // Tables and views created since the schema was last read (lower case), with the
        // statement that created each. Reading the schema after every `CREATE TABLE` cost
        // more than the replay itself; statements that only create are read together, when a
        // statement that may drop, rename or alter comes, and at the end. Until then nothing
        // can disappear, so what is read then is what each create brought in.
        let mut created: HashMap<String, usize> = HashMap::new();
        for (i, stmt) in ddl.iter().enumerate() {
            let effect = if facts_wanted { schema_effect(stmt) } else { SchemaEffect::None };
            if effect == SchemaEffect::Other && !created.is_empty() {
                db.read_created(&mut facts, &mut known, &mut created, i);
            }
            let outcome = db.run_ddl(stmt);
            let names = std::mem::take(&mut db.auth.state.lock().unwrap_or_else(|e| e.into_inner()).created);
            if matches!(outcome, Outcome::Ok { .. }) {
                match effect {
                    SchemaEffect::None => {}
                    SchemaEffect::Creates => {
                        for name in names {
                            created.entry(name.to_lowercase()).or_insert(i);
                        }
                    }
                    SchemaEffect::Other => db.read_created(&mut facts, &mut known, &mut created, i),
                }
            }
            db.ddl.push(outcome);
        }
        if facts_wanted {
            db.read_created(&mut facts, &mut known, &mut created, ddl.len().saturating_sub(1));
            db.facts = Some(Arc::new(facts));
        }
        Some(db)
    }

    /// The replay's facts: the same DDL replayed once more on a database of its own, which
    /// reads the schema as it goes (that database is dropped after).
    fn facts(&mut self) -> Arc<SchemaFacts> {
        if let Some(f) = &self.facts {
            return f.clone();
        }
        let f = ShadowDb::build(self.key, &self.statements, true).and_then(|mut db| db.facts.take()).unwrap_or_default();
        self.facts = Some(f.clone());
        f
    }

    /// Reads the schema after statement `at` and notes where each new table and column came
    /// from: the statement in `created` that made the table, or `at`.
    fn read_created(&mut self, facts: &mut SchemaFacts, known: &mut HashMap<String, (String, Vec<String>)>, created: &mut HashMap<String, usize>, at: usize) {
        for (table, columns, before) in self.record_schema(facts, known) {
            let had = |c: &str| before.as_ref().is_some_and(|b| b.iter().any(|x| x.eq_ignore_ascii_case(c)));
            let origin = if before.is_none() { created.get(&table).copied().unwrap_or(at) } else { at };
            if before.is_none() {
                facts.table_origin.insert(table.clone(), origin);
            }
            for c in columns.iter().filter(|c| !had(c)) {
                facts.column_origin.insert((table.clone(), c.to_lowercase()), origin);
            }
        }
        created.clear();
    }

    fn take_denial(&self) -> Option<Denial> {
        self.auth.state.lock().unwrap_or_else(|e| e.into_inner()).denial.take()
    }

    fn error(&self, e: rusqlite::Error) -> SqlError {
        let denial = self.take_denial();
        match e {
            rusqlite::Error::SqlInputError { msg, offset, .. } => {
                SqlError { message: msg, offset: usize::try_from(offset).ok(), denial }
            }
            rusqlite::Error::SqliteFailure(err, msg) => {
                SqlError { message: msg.unwrap_or_else(|| err.to_string()), offset: None, denial }
            }
            other => SqlError { message: other.to_string(), offset: None, denial },
        }
    }

    /// The outcome of a query on this schema: remembered, or prepared (and counted) when it
    /// was not, or was without the result columns asked for.
    fn answer(&mut self, q: &Ask<'_>, prepares: &AtomicUsize) -> Outcome {
        match self.cache.get(q.text) {
            Some(o) if !(q.columns && o.lacks_columns()) => o.clone(),
            _ => {
                prepares.fetch_add(1, Ordering::Relaxed);
                let o = self.prepare(q.text, q.columns);
                self.cache.insert(q.text.to_string(), o.clone());
                o
            }
        }
    }

    fn prepare(&mut self, sql: &str, columns: bool) -> Outcome {
        self.take_denial();
        let result = self.conn.prepare(sql).map(|s| (s.parameter_count(), columns.then(|| Arc::new(result_columns(&s)))));
        match result {
            Ok((params, columns)) => Outcome::Ok { params, quoted_string: self.quoted_string(sql), columns },
            Err(e) => Outcome::Err(self.error(e)),
        }
    }

    /// Prepares again with double-quoted string literals disabled: a `"word"` that then fails
    /// as `no such column` was read as a string.
    fn quoted_string(&mut self, sql: &str) -> Option<usize> {
        if !sql.contains('"') {
            return None;
        }
        self.conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false).ok()?;
        let strict = self.conn.prepare(sql).map(|_| ());
        let _ = self.conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, true);
        self.take_denial();
        match strict {
            Err(rusqlite::Error::SqlInputError { msg, offset, .. }) if msg.starts_with("no such column: ") => usize::try_from(offset).ok(),
            _ => None,
        }
    }

    fn run_ddl(&mut self, sql: &str) -> Outcome {
        self.take_denial();
        self.auth.state.lock().unwrap_or_else(|e| e.into_inner()).created.clear();
        self.ops.store(0, Ordering::Relaxed);
        let result = self.conn.prepare(sql).and_then(|mut s| {
            let params = s.parameter_count();
            if params > 0 {
                // DDL cannot take parameters; prepare already said what it had to.
                return Ok(params);
            }
            s.raw_execute().map(|_| 0)
        });
        match result {
            Ok(params) => Outcome::Ok { params, quoted_string: None, columns: None },
            Err(e) => Outcome::Err(self.error(e)),
        }
    }

    /// The schema as data, read once per build with the authorizer out of the way.
    fn detail(&mut self) -> Arc<Schema> {
        if let Some(d) = &self.detail {
            return d.clone();
        }
        let facts = self.facts();
        self.auth.trusted.store(true, Ordering::Relaxed);
        let schema = self.read_schema(&facts).unwrap_or_default();
        self.auth.trusted.store(false, Ordering::Relaxed);
        let d = Arc::new(schema);
        self.detail = Some(d.clone());
        d
    }

    fn read_schema(&self, facts: &SchemaFacts) -> rusqlite::Result<Schema> {
        let mut objects = Vec::new();
        let list = "SELECT s.type, s.name, s.tbl_name, s.sql, coalesce(l.type, '') \
                    FROM sqlite_schema s LEFT JOIN pragma_table_list l ON l.schema = 'main' AND l.name = s.name \
                    WHERE s.sql IS NOT NULL AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY s.rowid";
        let rows: Vec<(String, String, String, String, String)> = {
            let mut s = self.conn.prepare(list)?;
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.flatten().collect()
        };
        // Shadow tables of virtual tables (and their indexes) are the engine's business.
        let shadows: HashSet<String> = rows.iter().filter(|r| r.4 == "shadow").map(|r| r.1.to_lowercase()).collect();
        for (ty, name, table, sql, list_type) in rows {
            if shadows.contains(&name.to_lowercase()) || shadows.contains(&table.to_lowercase()) {
                continue;
            }
            let kind = match (ty.as_str(), list_type.as_str()) {
                ("table", "virtual") => ObjectKind::Virtual,
                ("table", _) => ObjectKind::Table,
                ("view", _) => ObjectKind::View,
                ("index", _) => ObjectKind::Index,
                ("trigger", _) => ObjectKind::Trigger,
                _ => continue,
            };
            let mut obj = SchemaObject {
                kind,
                created_by: facts.table_origin.get(&name.to_lowercase()).copied().filter(|_| kind.is_relation()),
                name,
                table,
                sql,
                columns: Vec::new(),
                foreign_keys: Vec::new(),
                indexes: Vec::new(),
            };
            if kind.is_relation() {
                self.read_table(&mut obj, facts)?;
            }
            objects.push(obj);
        }
        Ok(Schema { objects, ddl: self.statements.clone() })
    }

    fn read_table(&self, obj: &mut SchemaObject, facts: &SchemaFacts) -> rusqlite::Result<()> {
        let lower = obj.name.to_lowercase();
        let mut s = self.conn.prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)")?;
        let cols = s.query_map([&obj.name], |r| {
            Ok(Column {
                name: r.get(0)?,
                decl_type: r.get(1)?,
                not_null: r.get::<_, i64>(2)? != 0,
                default: r.get(3)?,
                primary_key: r.get::<_, i64>(4)?.max(0) as u32,
                unique: false,
                hidden: r.get::<_, i64>(5)? != 0,
                added_by: None,
            })
        })?;
        obj.columns = cols.flatten().collect();
        for c in &mut obj.columns {
            c.added_by = facts.column_origin.get(&(lower.clone(), c.name.to_lowercase())).copied();
        }
        let mut s = self.conn.prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq")?;
        let fks = s.query_map([&obj.name], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?))
        })?;
        let mut last = None;
        for (id, table, from, to, on_update, on_delete) in fks.flatten() {
            if last != Some(id) {
                obj.foreign_keys.push(ForeignKey { columns: Vec::new(), table, references: Vec::new(), on_update, on_delete });
                last = Some(id);
            }
            let fk = obj.foreign_keys.last_mut().expect("pushed above");
            fk.columns.push(from);
            fk.references.extend(to);
        }
        let mut s = self.conn.prepare("SELECT name, \"unique\", origin FROM pragma_index_list(?1) ORDER BY seq DESC")?;
        let idx: Vec<(String, bool, String)> = s.query_map([&obj.name], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0, r.get(2)?)))?.flatten().collect();
        let mut s = self.conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?;
        for (name, unique, origin) in idx {
            let columns: Vec<String> = s.query_map([&name], |r| r.get::<_, Option<String>>(0))?.flatten().flatten().collect();
            if unique && let [only] = columns.as_slice()
                && let Some(c) = obj.columns.iter_mut().find(|c| c.name.eq_ignore_ascii_case(only)) {
                    c.unique = true;
                }
            obj.indexes.push(IndexInfo { name, unique, origin, columns });
        }
        Ok(())
    }

    /// Adds the current tables and columns to `facts`.
    /// Reads the tables and their columns after a schema statement. `known` keeps each
    /// table's columns by its `CREATE` text between calls: a table whose text did not change
    /// kept its columns, so only new and altered tables (and views, whose columns follow
    /// their tables) are read again.
    ///
    /// Returns the shown tables read again (lower-case name, columns), each with the columns it
    /// had before (`None`: a table that did not exist).
    #[allow(clippy::type_complexity)]
    fn record_schema(&mut self, facts: &mut SchemaFacts, known: &mut HashMap<String, (String, Vec<String>)>) -> Vec<(String, Vec<String>, Option<Vec<String>>)> {
        self.auth.trusted.store(true, Ordering::Relaxed);
        // (name, shown, type, CREATE text): SQLite's own tables and the shadow tables of
        // virtual tables exist but are not worth listing in a message.
        let mut tables: Vec<(String, bool, String, String)> = Vec::new();
        // Only virtual tables have shadow tables, and asking `pragma_table_list` which ones are
        // is dearer: it is asked only when the plain list shows a virtual table.
        let read = |list: &str, tables: &mut Vec<(String, bool, String, String)>| {
            tables.clear();
            if let Ok(mut s) = self.conn.prepare(list)
                && let Ok(rows) = s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))
            {
                tables.extend(rows.flatten());
            }
        };
        read(
            "SELECT name, name NOT LIKE 'sqlite\\_%' ESCAPE '\\', type, coalesce(sql, '') FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY rowid",
            &mut tables,
        );
        if tables.iter().any(|(.., sql)| sql.get(..14).is_some_and(|w| w.eq_ignore_ascii_case("CREATE VIRTUAL"))) {
            read(
                "SELECT s.name, s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND coalesce(l.type, '') <> 'shadow', s.type, coalesce(s.sql, '') \
                 FROM sqlite_schema s LEFT JOIN pragma_table_list l ON l.schema = 'main' AND l.name = s.name \
                 WHERE s.type IN ('table', 'view') ORDER BY s.rowid",
                &mut tables,
            );
        }
        facts.columns.clear();
        let mut fresh = Vec::new();
        // Tables gone since the last call (dropped, renamed) are new again if they come back.
        known.retain(|name, _| tables.iter().any(|(t, ..)| t.eq_ignore_ascii_case(name)));
        // Prepared once for all the tables read here.
        let mut columns_of = None;
        for (t, shown, kind, sql) in &tables {
            let lower = t.to_lowercase();
            facts.ever_tables.insert(lower.clone());
            let cols = match known.get(&lower) {
                Some((was, cols)) if was == sql && kind == "table" => cols.clone(),
                previous => {
                    let before = previous.map(|(_, cols)| cols.clone());
                    if columns_of.is_none() {
                        columns_of = self.conn.prepare("SELECT name FROM pragma_table_info(?1)").ok();
                    }
                    let Some(s) = columns_of.as_mut() else { continue };
                    let Ok(rows) = s.query_map([t], |r| r.get::<_, String>(0)) else { continue };
                    let cols: Vec<String> = rows.flatten().collect();
                    facts.ever_columns.extend(cols.iter().map(|c| c.to_lowercase()));
                    known.insert(lower.clone(), (sql.clone(), cols.clone()));
                    if *shown {
                        fresh.push((lower, cols.clone(), before));
                    }
                    cols
                }
            };
            if *shown {
                facts.columns.push((t.clone(), cols));
            }
        }
        facts.tables = tables.into_iter().filter(|(_, shown, ..)| *shown).map(|(t, ..)| t).collect();
        self.auth.trusted.store(false, Ordering::Relaxed);
        fresh
    }
}

/// The result columns of a prepared statement, with their table column when they are one.
fn result_columns(s: &rusqlite::Statement<'_>) -> Vec<ResultColumn> {
    (0..s.column_count())
        .map(|i| {
            let name = s.column_name(i).unwrap_or_default().to_string();
            let origin = s.column_metadata(i).ok().flatten().map(|(_, table, column, decl, _, not_null, pk, _)| Origin {
                table: table.to_string_lossy().into_owned(),
                column: column.to_string_lossy().into_owned(),
                decl: decl.map(|d| d.to_string_lossy().into_owned()).unwrap_or_default(),
                not_null: not_null || pk,
            });
            ResultColumn { name, origin }
        })
        .collect()
}

/// Process-wide SQLite settings, which only take effect before SQLite initialises (the first
/// connection of the process does that; a later call is refused, harmlessly). Whatever part of
/// a process opens a database first calls this: the shadow schemas here, the runtime's
/// storage.
pub fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` before initialisation; afterwards SQLite refuses it with
        // SQLITE_MISUSE and changes nothing.
        unsafe {
            // Memory statistics take one process-wide lock for every allocation: threads
            // building and preparing on databases of their own would wait on each other.
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
            // A connection's page cache is otherwise allocated twenty pages at a time, each
            // touched; a shadow database, or a small object's storage, holds a few pages.
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_PAGECACHE,
                std::ptr::null_mut::<std::ffi::c_void>(),
                0 as std::ffi::c_int,
                0 as std::ffi::c_int,
            );
        }
    });
}

fn configure(conn: &mut Connection, auth: &Arc<Auth>, ops: &Arc<AtomicU64>) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_FKEY, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    // The platform still accepts double-quoted string literals.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, true)?;
    for (limit, value) in [
        (Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000),
        (Limit::SQLITE_LIMIT_LENGTH, 4 * 1024 * 1024),
        (Limit::SQLITE_LIMIT_COLUMN, 100),
        (Limit::SQLITE_LIMIT_VARIABLE_NUMBER, 100),
        (Limit::SQLITE_LIMIT_FUNCTION_ARG, 127),
        (Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50),
        (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 5),
        (Limit::SQLITE_LIMIT_EXPR_DEPTH, 100),
        (Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 10),
        (Limit::SQLITE_LIMIT_VDBE_OP, 25_000),
        (Limit::SQLITE_LIMIT_ATTACHED, 0),
    ] {
        conn.set_limit(limit, value)?;
    }
    for (name, args) in MATH_FUNCTIONS {
        conn.create_scalar_function(*name, *args, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |_| {
            Ok(rusqlite::types::Value::Null)
        })?;
    }
    let counter = ops.clone();
    conn.progress_handler(PROGRESS_PERIOD, Some(move || counter.fetch_add(1, Ordering::Relaxed) >= MAX_PERIODS))?;
    // SAFETY: the hook gets a pointer to `auth`, which the database holds (`ShadowDb::auth`)
    // for as long as the connection lives, and unsets the hook before dropping it.
    let rc = unsafe { rusqlite::ffi::sqlite3_set_authorizer(conn.handle(), Some(authorizer_hook), Arc::as_ptr(auth) as *mut c_void) };
    if rc != rusqlite::ffi::SQLITE_OK {
        return Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rc), None));
    }
    Ok(())
}

impl Drop for ShadowDb {
    fn drop(&mut self) {
        // SAFETY: the connection is open until its own drop, which comes after this one; the
        // hook must not outlive `auth`.
        unsafe {
            rusqlite::ffi::sqlite3_set_authorizer(self.conn.handle(), None, std::ptr::null_mut());
        }
    }
}

/// The authorizer, set through SQLite's C interface: rusqlite's wrapper checks all four
/// arguments as UTF-8, catches panics and takes the state's lock on every call, which cost a
/// twentieth of each prepare. The actions nearly every statement asks about (reading,
/// writing a table, calling a function, a SELECT) are told from the raw names; any other
/// action, or a name the platform may refuse, goes through [`authorize`].
unsafe extern "C" fn authorizer_hook(data: *mut c_void, code: c_int, arg1: *const c_char, arg2: *const c_char, _: *const c_char, _: *const c_char) -> c_int {
    use rusqlite::ffi;
    // SAFETY: `data` is the `Auth` the connection was configured with (see `configure`).
    let auth = unsafe { &*(data as *const Auth) };
    if auth.trusted.load(Ordering::Relaxed) {
        return ffi::SQLITE_OK;
    }
    // SAFETY: SQLite passes NUL-terminated strings or null.
    let raw = |p: *const c_char| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes());
    let plain = match code {
        ffi::SQLITE_SELECT | ffi::SQLITE_RECURSIVE => true,
        ffi::SQLITE_READ | ffi::SQLITE_INSERT | ffi::SQLITE_UPDATE | ffi::SQLITE_DELETE => {
            raw(arg1).is_some_and(|t| !(t.len() >= 4 && t[..4].eq_ignore_ascii_case(b"_cf_")))
        }
        ffi::SQLITE_FUNCTION => raw(arg2).is_some_and(|f| !BLOCKED_FUNCTIONS.iter().any(|b| b.as_bytes().eq_ignore_ascii_case(f))),
        _ => false,
    };
    if plain {
        return ffi::SQLITE_OK;
    }
    let text = |p: *const c_char| raw(p).and_then(|b| std::str::from_utf8(b).ok());
    let action = auth_action(code, text(arg1), text(arg2));
    let verdict = std::panic::catch_unwind(|| authorize(&AuthContext { action, database_name: None, accessor: None }));
    let mut st = auth.state.lock().unwrap_or_else(|e| e.into_inner());
    match verdict {
        Ok(Ok(())) => {
            if let AuthAction::CreateTable { table_name: name } | AuthAction::CreateView { view_name: name } = action {
                st.created.push(name.to_string());
            }
            ffi::SQLITE_OK
        }
        Ok(Err(d)) => {
            st.denial.get_or_insert(d);
            ffi::SQLITE_DENY
        }
        Err(_) => ffi::SQLITE_DENY,
    }
}

/// An authorizer call as rusqlite describes it: SQLite's action code and its two names (see
/// "Authorizer Action Codes" in SQLite's C interface), for the platform's rules.
fn auth_action<'c>(code: c_int, a: Option<&'c str>, b: Option<&'c str>) -> AuthAction<'c> {
    use rusqlite::ffi;
    use rusqlite::hooks::TransactionOperation as Op;
    use AuthAction as A;
    let op = |s: &str| match s {
        "BEGIN" => Op::Begin,
        "RELEASE" => Op::Release,
        "ROLLBACK" => Op::Rollback,
        _ => Op::Unknown,
    };
    match (code, a, b) {
        (ffi::SQLITE_CREATE_INDEX, Some(index_name), Some(table_name)) => A::CreateIndex { index_name, table_name },
        (ffi::SQLITE_CREATE_TABLE, Some(table_name), _) => A::CreateTable { table_name },
        (ffi::SQLITE_CREATE_TEMP_INDEX, Some(index_name), Some(table_name)) => A::CreateTempIndex { index_name, table_name },
        (ffi::SQLITE_CREATE_TEMP_TABLE, Some(table_name), _) => A::CreateTempTable { table_name },
        (ffi::SQLITE_CREATE_TEMP_TRIGGER, Some(trigger_name), Some(table_name)) => A::CreateTempTrigger { trigger_name, table_name },
        (ffi::SQLITE_CREATE_TEMP_VIEW, Some(view_name), _) => A::CreateTempView { view_name },
        (ffi::SQLITE_CREATE_TRIGGER, Some(trigger_name), Some(table_name)) => A::CreateTrigger { trigger_name, table_name },
        (ffi::SQLITE_CREATE_VIEW, Some(view_name), _) => A::CreateView { view_name },
        (ffi::SQLITE_DELETE, Some(table_name), None) => A::Delete { table_name },
        (ffi::SQLITE_DROP_INDEX, Some(index_name), Some(table_name)) => A::DropIndex { index_name, table_name },
        (ffi::SQLITE_DROP_TABLE, Some(table_name), _) => A::DropTable { table_name },
        (ffi::SQLITE_DROP_TEMP_INDEX, Some(index_name), Some(table_name)) => A::DropTempIndex { index_name, table_name },
        (ffi::SQLITE_DROP_TEMP_TABLE, Some(table_name), _) => A::DropTempTable { table_name },
        (ffi::SQLITE_DROP_TEMP_TRIGGER, Some(trigger_name), Some(table_name)) => A::DropTempTrigger { trigger_name, table_name },
        (ffi::SQLITE_DROP_TEMP_VIEW, Some(view_name), _) => A::DropTempView { view_name },
        (ffi::SQLITE_DROP_TRIGGER, Some(trigger_name), Some(table_name)) => A::DropTrigger { trigger_name, table_name },
        (ffi::SQLITE_DROP_VIEW, Some(view_name), _) => A::DropView { view_name },
        (ffi::SQLITE_INSERT, Some(table_name), _) => A::Insert { table_name },
        (ffi::SQLITE_PRAGMA, Some(pragma_name), pragma_value) => A::Pragma { pragma_name, pragma_value },
        (ffi::SQLITE_READ, Some(table_name), Some(column_name)) => A::Read { table_name, column_name },
        (ffi::SQLITE_SELECT, ..) => A::Select,
        (ffi::SQLITE_TRANSACTION, Some(o), _) => A::Transaction { operation: op(o) },
        (ffi::SQLITE_UPDATE, Some(table_name), Some(column_name)) => A::Update { table_name, column_name },
        (ffi::SQLITE_ATTACH, Some(filename), _) => A::Attach { filename },
        (ffi::SQLITE_DETACH, Some(database_name), _) => A::Detach { database_name },
        (ffi::SQLITE_ALTER_TABLE, Some(database_name), Some(table_name)) => A::AlterTable { database_name, table_name },
        (ffi::SQLITE_REINDEX, Some(index_name), _) => A::Reindex { index_name },
        (ffi::SQLITE_ANALYZE, Some(table_name), _) => A::Analyze { table_name },
        (ffi::SQLITE_CREATE_VTABLE, Some(table_name), Some(module_name)) => A::CreateVtable { table_name, module_name },
        (ffi::SQLITE_DROP_VTABLE, Some(table_name), Some(module_name)) => A::DropVtable { table_name, module_name },
        (ffi::SQLITE_FUNCTION, _, Some(function_name)) => A::Function { function_name },
        (ffi::SQLITE_SAVEPOINT, Some(o), Some(savepoint_name)) => A::Savepoint { operation: op(o), savepoint_name },
        (ffi::SQLITE_RECURSIVE, ..) => A::Recursive,
        (code, arg1, arg2) => A::Unknown { code, arg1, arg2 },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_statements_say_what_they_may_change() {
        use super::SchemaEffect::{Creates, None, Other};
        for (stmt, effect) in [
            ("CREATE TABLE t (a)", Creates),
            ("create table if not exists t (a)", Creates),
            ("/* x */ CREATE VIEW v AS SELECT 1", Creates),
            ("CREATE TEMP VIEW v AS SELECT 1", Creates),
            ("  -- note\n CREATE INDEX i ON t(a)", None),
            ("/* x */ create unique index i ON t(a)", None),
            ("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END", None),
            ("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END", None),
            ("DROP INDEX i", None),
            ("DROP TRIGGER IF EXISTS tr", None),
            ("DROP TABLE t", Other),
            ("DROP VIEW v", Other),
            ("ALTER TABLE t ADD COLUMN b", Other),
            ("ALTER TABLE t RENAME TO u", Other),
            ("CREATE VIRTUAL TABLE f USING fts5(x)", Other),
        ] {
            assert_eq!(super::schema_effect(stmt), effect, "{stmt}");
        }
    }

    /// Creates read together give the same facts as creates read one by one: where each table
    /// and column came from, and every name seen, across drops, renames and added columns.
    #[test]
    fn creates_read_together_keep_their_origins() {
        let ddl = [
            "CREATE TABLE a (x)",
            "CREATE TABLE IF NOT EXISTS b (y, z)",
            "CREATE INDEX ia ON a(x)",
            "CREATE VIEW v AS SELECT x FROM a",
            "CREATE TABLE IF NOT EXISTS a (x, other)",
            "ALTER TABLE b ADD COLUMN w",
            "CREATE TABLE c (k)",
            "DROP TABLE c",
            "CREATE TABLE d (q)",
            "ALTER TABLE d RENAME TO e",
            "CREATE TABLE f (r)",
        ];
        let r = engine_check(&ddl, &[]);
        let f = &r.facts;
        let origin = |t: &str| f.table_origin.get(t).copied();
        assert_eq!((origin("a"), origin("b"), origin("v"), origin("c"), origin("d"), origin("e"), origin("f")), (Some(0), Some(1), Some(3), Some(6), Some(8), Some(9), Some(10)));
        let col = |t: &str, c: &str| f.column_origin.get(&(t.to_string(), c.to_string())).copied();
        assert_eq!((col("a", "x"), col("b", "y"), col("b", "w"), col("v", "x"), col("e", "q"), col("f", "r")), (Some(0), Some(1), Some(5), Some(3), Some(9), Some(10)));
        assert_eq!(col("a", "other"), None, "the second create of `a` made nothing");
        for t in ["a", "b", "v", "c", "d", "e", "f"] {
            assert!(f.ever_tables.contains(t), "{t}");
        }
        for c in ["x", "y", "z", "w", "k", "q", "r"] {
            assert!(f.ever_columns.contains(c), "{c}");
        }
        let mut tables = f.tables.clone();
        tables.sort();
        assert_eq!(tables, ["a", "b", "e", "f", "v"]);
    }

    use super::*;

    /// What an outcome says about parameters and quoted strings.
    fn ok(params: usize, quoted_string: Option<usize>) -> (usize, Option<usize>) {
        (params, quoted_string)
    }

    fn summary(o: &Outcome) -> Option<(usize, Option<usize>)> {
        match o {
            Outcome::Ok { params, quoted_string, .. } => Some((*params, *quoted_string)),
            Outcome::Err(_) => None,
        }
    }

    #[test]
    fn result_columns_name_their_table_columns() {
        let r = engine_check(
            &["CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, data BLOB, n)"],
            &["SELECT id, name AS label, note, data, n, count(*) AS c FROM t"],
        );
        let Outcome::Ok { columns: Some(columns), .. } = &r.queries[0] else { panic!("{:?}", r.queries[0]) };
        let got: Vec<(String, Option<(String, bool)>)> = columns.iter().map(|c| (c.name.clone(), c.origin.as_ref().map(|o| (o.decl.clone(), o.not_null)))).collect();
        let want: Vec<(String, Option<(String, bool)>)> = vec![
            ("id".into(), Some(("INTEGER".into(), true))),
            ("label".into(), Some(("TEXT".into(), true))),
            ("note".into(), Some(("TEXT".into(), false))),
            ("data".into(), Some(("BLOB".into(), false))),
            ("n".into(), Some(("".into(), false))),
            ("c".into(), None),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn each_table_and_column_is_credited_to_the_statement_that_last_brought_it_in() {
        let r = engine_check(
            &[
                "CREATE TABLE a(x)",
                "ALTER TABLE a ADD COLUMN y",
                "CREATE TABLE b(z)",
                "DROP TABLE b",
                "CREATE TABLE B(w)",
                "ALTER TABLE a RENAME TO c",
                "CREATE INDEX i ON c(x)",
                "CREATE VIRTUAL TABLE docs USING fts5(body)",
                "ALTER TABLE c RENAME COLUMN y TO y2",
            ],
            &[],
        );
        let mut tables: Vec<(String, usize)> = r.facts.table_origin.iter().map(|(t, i)| (t.clone(), *i)).collect();
        tables.sort();
        assert_eq!(tables, [("a".to_string(), 0), ("b".to_string(), 4), ("c".to_string(), 5), ("docs".to_string(), 7)]);
        let mut columns: Vec<(String, String, usize)> = r.facts.column_origin.iter().map(|((t, c), i)| (t.clone(), c.clone(), *i)).collect();
        columns.sort();
        let want: Vec<(String, String, usize)> = [("a", "x", 0), ("a", "y", 1), ("b", "w", 4), ("b", "z", 2), ("c", "x", 5), ("c", "y", 5), ("c", "y2", 8), ("docs", "body", 7)]
            .iter()
            .map(|(t, c, i)| (t.to_string(), c.to_string(), *i))
            .collect();
        assert_eq!(columns, want);
        assert_eq!(r.facts.tables, ["c", "B", "docs"], "in creation order (a renamed table keeps its place), without the virtual table's shadow tables");
    }

    /// A class's check, with the replay's facts asked for afterwards (as a failed query does).
    struct Checked {
        ddl: Vec<Outcome>,
        queries: Vec<Outcome>,
        facts: Arc<SchemaFacts>,
    }

    fn engine_check(ddl: &[&str], queries: &[&str]) -> Checked {
        let e = Engine::default();
        let ddl: Vec<String> = ddl.iter().map(|s| s.to_string()).collect();
        let asks: Vec<super::Ask<'_>> = queries.iter().map(|q| super::Ask { text: q, columns: true }).collect();
        let id = (PathBuf::from("a.ts"), "A".into());
        let r = e.check(&id, &ddl, &asks);
        let facts = e.facts(&id, &ddl);
        assert_eq!(e.replay_count(), 1, "asking for the facts keeps the class's database");
        Checked { ddl: r.ddl, queries: r.queries, facts }
    }

    #[test]
    fn engine_build_functions_are_refused() {
        let r = engine_check(
            &["CREATE TABLE t(a)"],
            &["SELECT sqlite_version()", "SELECT a FROM t", "SELECT upper(a) FROM t WHERE SQLite_Source_ID() <> ''", "UPDATE t SET a = load_extension('x')", "INSERT INTO t SELECT lower(a) FROM t", "DELETE FROM t"],
        );
        let denial = |o: &Outcome| match o {
            Outcome::Err(e) => e.denial.clone(),
            _ => None,
        };
        assert_eq!(
            r.queries.iter().map(denial).collect::<Vec<_>>(),
            [Some(Denial::Function("sqlite_version".into())), None, Some(Denial::Function("sqlite_source_id".into())), Some(Denial::Function("load_extension".into())), None, None],
            "a blocked function is refused in any case, beside allowed ones"
        );
    }

    #[test]
    fn platform_rules() {
        let r = engine_check(
            &["CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)", "CREATE TABLE _cf_x(a)", "CREATE VIRTUAL TABLE g USING geopoly(a)", "CREATE TEMP TABLE tt(a)", "CREATE TABLE u(a)", "ALTER TABLE u RENAME TO u2"],
            &[
                "SELECT sqrt(a), pow(a, 2), json_extract(b, '$.x'), b ->> '$.y' FROM t",
                "PRAGMA table_info(t)",
                "PRAGMA foreign_keys = OFF",
                "PRAGMA user_version",
                "PRAGMA journal_mode = WAL",
                "ATTACH DATABASE 'x.db' AS x",
                "SELECT load_extension('x')",
                "SELECT ?3, :a",
                "SELECT \"b\", \"nope\" FROM t",
                "SELECT name FROM pragma_table_info('t')",
                "SELECT name FROM pragma_table_list",
                "SELECT * FROM pragma_index_list(?)",
            ],
        );
        assert_eq!(summary(&r.ddl[0]), Some(ok(0, None)));
        let denial = |o: &Outcome| match o {
            Outcome::Err(e) => e.denial.clone(),
            Outcome::Ok { .. } => None,
        };
        assert_eq!(denial(&r.ddl[1]), Some(Denial::Reserved("_cf_x".into())));
        assert_eq!(denial(&r.ddl[2]), Some(Denial::VirtualModule("geopoly".into())));
        assert_eq!(denial(&r.ddl[3]), Some(Denial::Temp));
        // Renaming runs SQLite's own statements over the temp schema: not a temporary object.
        assert_eq!(r.ddl[4..].iter().map(summary).collect::<Vec<_>>(), [Some(ok(0, None)), Some(ok(0, None))]);
        for i in [0, 1, 2] {
            assert_eq!(summary(&r.queries[i]), Some(ok(0, None)), "query {i}");
        }
        assert_eq!(denial(&r.queries[3]), Some(Denial::Pragma("user_version".into())));
        assert_eq!(denial(&r.queries[4]), Some(Denial::Pragma("journal_mode".into())));
        assert_eq!(denial(&r.queries[5]), Some(Denial::Attach));
        assert_eq!(denial(&r.queries[6]), Some(Denial::Function("load_extension".into())));
        assert_eq!(summary(&r.queries[7]), Some(ok(4, None)));
        assert_eq!(summary(&r.queries[8]), Some(ok(0, Some(12))));
        // Table-valued pragma functions of the allowlist.
        assert_eq!(r.queries[9..].iter().map(summary).collect::<Vec<_>>(), [Some(ok(0, None)), Some(ok(0, None)), Some(ok(1, None))]);
        assert!(r.facts.ever_columns.contains("b"));
    }

    #[test]
    fn hostile_ddl_is_stopped() {
        let r = engine_check(
            &["CREATE TABLE big AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"],
            &["SELECT 1"],
        );
        assert!(matches!(&r.ddl[0], Outcome::Err(e) if e.message.contains("interrupt")), "{:?}", r.ddl[0]);
    }
}
