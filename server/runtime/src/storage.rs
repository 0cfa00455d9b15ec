//! Per-object SQLite storage: one connection per Durable Object, user SQL checked by an
//! authorizer like the platform's, errors formatted as the platform formats them, an implicit
//! transaction per turn (committed by the event loop when the job queue runs dry), savepoints for
//! `transactionSync`, and the key-value table `_cf_KV` that user SQL cannot read.

use std::ffi::{c_char, c_int};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::Value;
use rusqlite::{Connection, ffi};

pub const TRANSACTION_MESSAGE: &str = "To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. The JavaScript API is safer because it will automatically roll back on exceptions, and because it interacts correctly with Durable Objects' automatic atomic write coalescing.";
pub const NO_STATEMENT: &str = "SQL code did not contain a statement.";
pub const WRONG_BINDINGS: &str = "Wrong number of parameter bindings for SQL query.";
pub const PARAMS_NOT_LAST: &str = "When executing multiple SQL statements in a single call, only the last statement can have parameters.";

/// The runtime's own tables, which user SQL cannot touch: name and definition.
const INTERNAL_TABLES: [(&str, &str); 2] = [
    (
        "_cf_KV",
        "CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID",
    ),
    (
        "_cf_METADATA",
        "CREATE TABLE IF NOT EXISTS _cf_METADATA (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
    ),
];
const KV: usize = 0;
const META: usize = 1;

/// Where object databases live.
#[derive(Clone, Debug)]
pub enum StateLocation {
    Memory,
    Dir(PathBuf),
}

/// What one `exec()` call returns: the last statement's columns, its rows read so far, and
/// the id of its cursor while it has more.
#[derive(Debug, Default)]
pub struct ExecResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub rows_read: u64,
    pub rows_written: u64,
    pub cursor: Option<u32>,
}

/// Rows read from an open cursor.
#[derive(Debug, Default)]
pub struct CursorRows {
    pub rows: Vec<Vec<Value>>,
    pub done: bool,
    pub rows_read: u64,
    pub rows_written: u64,
}

/// The last statement of an `exec()`, stepped on demand.
struct LiveCursor {
    stmt: *mut ffi::sqlite3_stmt,
    columns: Vec<String>,
    readonly: bool,
    rows_read: u64,
    rows_written: u64,
    /// Rows already produced but not handed out (those of a write with `RETURNING`).
    pending: std::collections::VecDeque<Vec<Value>>,
    /// The reader has been told there are no more rows.
    finished: bool,
}

impl LiveCursor {
    /// Whether a read past the last row has not happened yet (SQLite's step has not said
    /// DONE to the reader).
    fn is_open(&self) -> bool {
        !self.finished
    }

    /// An unread write cursor keeps the turn from committing.
    fn blocks_commit(&self) -> bool {
        !self.readonly && self.is_open()
    }

    /// Hands out up to `max` rows of a write cursor's rows; asking past the last one ends it.
    fn take_pending(&mut self, max: usize, rows: &mut Vec<Vec<Value>>) {
        while rows.len() < max {
            match self.pending.pop_front() {
                Some(r) => rows.push(r),
                None => {
                    self.finished = true;
                    break;
                }
            }
        }
    }

    fn finalize(&mut self) {
        if !self.stmt.is_null() {
            // SAFETY: a statement prepared on this object's connection, finalized once.
            unsafe { ffi::sqlite3_finalize(self.stmt) };
            self.stmt = std::ptr::null_mut();
        }
    }
}

impl Drop for LiveCursor {
    fn drop(&mut self) {
        self.finalize();
    }
}

struct Flags {
    /// Statements of the runtime itself (savepoints, the KV table) bypass the authorizer.
    trusted: AtomicBool,
    /// Set by the authorizer when it refused a transaction statement.
    saw_transaction: AtomicBool,
}

/// A SQLite value as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// The result of [`ObjectDb::debug_query`].
#[derive(Debug, Clone, PartialEq)]
pub struct DebugRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
}

pub struct ObjectDb {
    /// Open cursors, by id. Declared before `conn` so they are finalized before it closes.
    cursors: std::collections::HashMap<u32, LiveCursor>,
    next_cursor: u32,
    conn: Connection,
    flags: Arc<Flags>,
    savepoint_depth: u32,
    /// Whether the runtime's tables `_cf_KV` and `_cf_METADATA` exist, once looked up (they are
    /// created lazily); forgotten whenever a rollback may have undone their creation.
    internal_tables: std::cell::Cell<[Option<bool>; 2]>,
    /// Open `transaction()` callbacks: the turn-end commit waits for them.
    pub async_txn_depth: u32,
}

/// Functions the platform's SQLite is built without (its build lacks `SQLITE_SOUNDEX`), while
/// the bundled SQLite here has them: refused, and reported as SQLite reports a missing function.
const NOT_COMPILED_FUNCTIONS: [&str; 1] = ["soundex"];

// The PRAGMA allowlist and the reserved `_cf_` names are the ones the checker enforces.
use dols_analysis::sql::platform;

fn authorize(flags: &Flags, ctx: AuthContext<'_>) -> Authorization {
    if flags.trusted.load(Ordering::Relaxed) {
        return Authorization::Allow;
    }
    match ctx.action {
        AuthAction::Function { function_name } => {
            if NOT_COMPILED_FUNCTIONS.iter().any(|f| f.eq_ignore_ascii_case(function_name)) {
                return Authorization::Deny;
            }
            // The platform lets `load_extension()` through to SQLite, which refuses it when
            // it runs ("not authorized", SQLITE_ERROR) since extension loading is off.
            if function_name.eq_ignore_ascii_case("load_extension") {
                return Authorization::Allow;
            }
        }
        // ANALYZE only gathers statistics; the platform runs it, the runtime's tables included.
        AuthAction::Analyze { .. } => return Authorization::Allow,
        _ => {}
    }
    match platform::authorize(&ctx) {
        Ok(()) => Authorization::Allow,
        Err(platform::Denial::Transaction) => {
            flags.saw_transaction.store(true, Ordering::Relaxed);
            Authorization::Deny
        }
        Err(_) => Authorization::Deny,
    }
}

fn code_name(code: c_int) -> String {
    let primary = match code & 0xff {
        1 => "SQLITE_ERROR",
        2 => "SQLITE_INTERNAL",
        3 => "SQLITE_PERM",
        4 => "SQLITE_ABORT",
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        7 => "SQLITE_NOMEM",
        8 => "SQLITE_READONLY",
        9 => "SQLITE_INTERRUPT",
        10 => "SQLITE_IOERR",
        11 => "SQLITE_CORRUPT",
        12 => "SQLITE_NOTFOUND",
        13 => "SQLITE_FULL",
        14 => "SQLITE_CANTOPEN",
        15 => "SQLITE_PROTOCOL",
        16 => "SQLITE_EMPTY",
        17 => "SQLITE_SCHEMA",
        18 => "SQLITE_TOOBIG",
        19 => "SQLITE_CONSTRAINT",
        20 => "SQLITE_MISMATCH",
        21 => "SQLITE_MISUSE",
        22 => "SQLITE_NOLFS",
        23 => "SQLITE_AUTH",
        24 => "SQLITE_FORMAT",
        25 => "SQLITE_RANGE",
        26 => "SQLITE_NOTADB",
        _ => return format!("SQLITE_UNKNOWN_{code}"),
    };
    let extended = code >> 8;
    if extended == 0 {
        return primary.to_string();
    }
    let ext = match (code & 0xff, extended) {
        (19, 1) => "SQLITE_CONSTRAINT_CHECK",
        (19, 2) => "SQLITE_CONSTRAINT_COMMITHOOK",
        (19, 3) => "SQLITE_CONSTRAINT_FOREIGNKEY",
        (19, 4) => "SQLITE_CONSTRAINT_FUNCTION",
        (19, 5) => "SQLITE_CONSTRAINT_NOTNULL",
        (19, 6) => "SQLITE_CONSTRAINT_PRIMARYKEY",
        (19, 7) => "SQLITE_CONSTRAINT_TRIGGER",
        (19, 8) => "SQLITE_CONSTRAINT_UNIQUE",
        (19, 9) => "SQLITE_CONSTRAINT_VTAB",
        (19, 10) => "SQLITE_CONSTRAINT_ROWID",
        (19, 11) => "SQLITE_CONSTRAINT_PINNED",
        (19, 12) => "SQLITE_CONSTRAINT_DATATYPE",
        _ => return format!("{primary} (extended: {primary}_{extended})"),
    };
    format!("{primary} (extended: {ext})")
}

/// The platform's format: `<message>[ at offset N]: <CODE>[ (extended: <EXT>)]`.
fn format_error(err: &rusqlite::Error) -> String {
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let msg = msg.clone().unwrap_or_else(|| e.to_string());
            format!("{msg}: {}", code_name(e.extended_code))
        }
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => {
            let msg = match msg.strip_prefix("not authorized to use function: ") {
                Some(f)
                    if NOT_COMPILED_FUNCTIONS
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(f)) =>
                {
                    format!("no such function: {f}")
                }
                _ => msg.clone(),
            };
            if *offset >= 0 {
                format!(
                    "{msg} at offset {offset}: {}",
                    code_name(error.extended_code)
                )
            } else {
                format!("{msg}: {}", code_name(error.extended_code))
            }
        }
        other => other.to_string(),
    }
}

/// A JS-side value ready to bind (the JS layer has already applied the platform's conversions).
pub enum Bind {
    Null,
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl ObjectDb {
    pub fn open(location: &StateLocation, class: &str, id: &str) -> Result<Self, String> {
        // Process-wide settings (memory statistics off, the page cache allocated a page at a
        // time), shared with the shadow schemas: whichever opens a database first applies them.
        dols_analysis::sql::configure_sqlite();
        // A database created by this open has none of the runtime's tables yet: no need to
        // look them up.
        let mut fresh = true;
        let conn = match location {
            StateLocation::Memory => Connection::open_in_memory(),
            StateLocation::Dir(dir) => {
                let dir = dir.join(class);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let file = dir.join(format!("{id}.sqlite"));
                fresh = !file.exists();
                Connection::open(file)
            }
        }
        .map_err(|e| e.to_string())?;
        let pragmas = match location {
            StateLocation::Memory => "PRAGMA foreign_keys = ON;",
            StateLocation::Dir(_) => {
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
            }
        };
        conn.execute_batch(pragmas).map_err(|e| e.to_string())?;
        // SAFETY: valid handle; the platform's limits (sql-rules.md §8).
        unsafe {
            let db = conn.handle();
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_SQL_LENGTH, 100_000);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_COLUMN, 100);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_VARIABLE_NUMBER, 100);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_FUNCTION_ARG, 127);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_COMPOUND_SELECT, 5);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_EXPR_DEPTH, 100);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_TRIGGER_DEPTH, 10);
            ffi::sqlite3_limit(db, ffi::SQLITE_LIMIT_ATTACHED, 0);
            ffi::sqlite3_db_config(
                db,
                ffi::SQLITE_DBCONFIG_DEFENSIVE,
                1 as c_int,
                std::ptr::null_mut::<c_int>(),
            );
        }
        let flags = Arc::new(Flags {
            trusted: AtomicBool::new(false),
            saw_transaction: AtomicBool::new(false),
        });
        let f = flags.clone();
        let mut conn = conn;
        conn.authorizer(Some(move |ctx: AuthContext<'_>| authorize(&f, ctx)))
            .map_err(|e| e.to_string())?;
        Ok(ObjectDb {
            cursors: std::collections::HashMap::new(),
            next_cursor: 0,
            conn,
            flags,
            savepoint_depth: 0,
            internal_tables: std::cell::Cell::new(if fresh {
                [Some(false), Some(false)]
            } else {
                [None, None]
            }),
            async_txn_depth: 0,
        })
    }

    fn trusted<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        self.flags.trusted.store(true, Ordering::Relaxed);
        let r = f(&self.conn);
        self.flags.trusted.store(false, Ordering::Relaxed);
        r.map_err(|e| format_error(&e))
    }

    /// Opens the implicit transaction of this turn if none is open.
    fn ensure_txn(&self) -> Result<(), String> {
        if self.conn.is_autocommit() {
            self.trusted(|c| c.execute_batch("BEGIN"))?;
        }
        Ok(())
    }

    /// For a process that ends without closing the database (`dols test`): once its
    /// write-ahead log has grown past 256 KiB, moves the log into the database file and empties
    /// it, without syncing (the operating system writes the pages after the process is gone, as
    /// it does for the log itself). Every open replays the whole log (about 0.4 µs per KiB
    /// here), and without this it would grow by the pages of every run until SQLite's automatic
    /// checkpoint at 1,000 pages (4 MB). Not at every exit: the next write after an emptied log
    /// syncs its new header (two `fsync`s, about 0.6 ms here), so this is paid once per many
    /// runs. 256 KiB keeps the two costs, averaged over the runs, near their smallest: about
    /// 0.06 ms per start (replays averaging 128 KiB, a sync every 60-odd runs of one page),
    /// against about 0.2 ms with the earlier limit of 1 MiB. A
    /// statement still open makes the checkpoint stop short, which is harmless.
    pub fn checkpoint_at_exit(&self) {
        const LOG_LIMIT: u64 = 256 << 10;
        let Some(path) = self.conn.path().filter(|p| !p.is_empty()) else {
            return;
        };
        let log = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
        if log <= LOG_LIMIT {
            return;
        }
        let _ = self.trusted(|c| {
            c.execute_batch("PRAGMA synchronous = OFF")?;
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        });
    }

    /// Commits the turn's implicit transaction, unless a `transaction()` callback is still open.
    pub fn commit(&mut self) -> Result<(), String> {
        if self.conn.is_autocommit() || self.async_txn_depth > 0 || self.savepoint_depth > 0 {
            return Ok(());
        }
        let r = if self.cursors.values().any(LiveCursor::blocks_commit) {
            // The platform's statement would still be in progress; SQLite's own message.
            Err("cannot commit transaction - SQL statements in progress: SQLITE_BUSY".to_string())
        } else {
            self.trusted(|c| c.execute_batch("COMMIT"))
        };
        if r.is_err() {
            // A write statement still in progress (a `RETURNING` cursor not read to its end)
            // makes COMMIT fail: the turn is rolled back and the object must be reset.
            self.close_cursors();
            if !self.conn.is_autocommit() {
                let _ = self.trusted(|c| c.execute_batch("ROLLBACK"));
            }
        }
        r
    }

    /// Runs every statement of `sql` but the last to completion, then prepares and binds the
    /// last one and steps it once (the platform reads the first row at `exec()` time, so an
    /// error in it surfaces there). The rest of its rows are stepped on demand with
    /// [`ObjectDb::cursor_next`]; the cursor stays open in SQLite until it is read to its end
    /// or closed, so a write statement with `RETURNING` that is not read to its end keeps the
    /// turn's transaction from committing, as on the platform.
    pub fn exec(&mut self, sql: &str, binds: Vec<Bind>) -> Result<ExecResult, String> {
        self.ensure_txn()?;
        if sql.len() > 100_000 {
            return Err("statement too long: SQLITE_TOOBIG".into());
        }
        let mut pos = 0;
        loop {
            let rest = &sql[pos..];
            // Each statement is prepared once; SQLite says where the next one starts.
            let Some((mut cursor, len)) = self.prepare_next(rest)? else {
                // Only whitespace or comments: nothing ran, or text followed a `;`.
                return Err(NO_STATEMENT.into());
            };
            pos += len;
            if !sql[pos..].trim().is_empty() {
                // Not the last statement: it may not take parameters; its rows are discarded.
                // SAFETY: a live statement of this connection.
                if unsafe { ffi::sqlite3_bind_parameter_count(cursor.stmt) } > 0 {
                    return Err(PARAMS_NOT_LAST.into());
                }
                self.step(&mut cursor, usize::MAX, &mut Vec::new())?;
                continue;
            }
            self.bind(&cursor, binds)?;
            let mut rows = Vec::new();
            if !cursor.readonly && !cursor.columns.is_empty() {
                // A write with RETURNING does all its writes on the first step (SQLite keeps
                // the returned rows aside): run it to its end so `rowsWritten` is known, and
                // hand its rows out on demand. Until they are all read, the turn cannot commit,
                // as on the platform, where the statement is still in progress.
                let mut all = Vec::new();
                self.step(&mut cursor, usize::MAX, &mut all)?;
                cursor.pending = all.into();
                cursor.finished = false;
                cursor.take_pending(1, &mut rows);
            } else {
                self.step(&mut cursor, 1, &mut rows)?;
            }
            let result = ExecResult {
                columns: cursor.columns.clone(),
                rows,
                rows_read: cursor.rows_read,
                rows_written: cursor.rows_written,
                cursor: None,
            };
            if !cursor.is_open() {
                return Ok(result);
            }
            let id = self.next_cursor;
            self.next_cursor += 1;
            self.cursors.insert(id, cursor);
            return Ok(ExecResult {
                cursor: Some(id),
                ..result
            });
        }
    }

    fn prepare_error(&self, e: &rusqlite::Error) -> String {
        if self.flags.saw_transaction.load(Ordering::Relaxed) {
            TRANSACTION_MESSAGE.into()
        } else {
            format_error(e)
        }
    }

    /// Prepares the first statement of `text`: the statement and the byte length it took, or
    /// `None` when only whitespace and comments remain.
    fn prepare_next(&mut self, text: &str) -> Result<Option<(LiveCursor, usize)>, String> {
        self.flags.saw_transaction.store(false, Ordering::Relaxed);
        let mut stmt = std::ptr::null_mut();
        let mut tail: *const c_char = std::ptr::null();
        // SAFETY: valid connection handle; `text` outlives the call and `tail` points into it;
        // the statement is owned by the returned cursor (finalized on drop, before the
        // connection closes).
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                self.conn.handle(),
                text.as_ptr().cast(),
                text.len() as c_int,
                &mut stmt,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            // Prepare again through rusqlite for its error (message, code and offset).
            return Err(match self.conn.prepare(text) {
                Err(e) => self.prepare_error(&e),
                Ok(_) => format!("SQL statement could not be prepared: {}", code_name(rc)),
            });
        }
        if stmt.is_null() {
            return Ok(None);
        }
        let len = if tail.is_null() {
            text.len()
        } else {
            // SAFETY: `tail` points into `text`.
            unsafe { tail.offset_from(text.as_ptr().cast()) as usize }
        };
        let mut cursor = LiveCursor {
            stmt,
            columns: Vec::new(),
            readonly: true,
            rows_read: 0,
            rows_written: 0,
            pending: Default::default(),
            finished: false,
        };
        // SAFETY: `stmt` is a valid prepared statement until the cursor is dropped; column
        // names are copied at once.
        unsafe {
            cursor.readonly = ffi::sqlite3_stmt_readonly(stmt) != 0;
            let n = ffi::sqlite3_column_count(stmt);
            for i in 0..n {
                let name = ffi::sqlite3_column_name(stmt, i);
                cursor.columns.push(if name.is_null() {
                    String::new()
                } else {
                    std::ffi::CStr::from_ptr(name).to_string_lossy().into_owned()
                });
            }
        }
        Ok(Some((cursor, len)))
    }

    /// Binds the values of an `exec()` to its last statement.
    fn bind(&self, cursor: &LiveCursor, binds: Vec<Bind>) -> Result<(), String> {
        let stmt = cursor.stmt;
        // SAFETY: `stmt` is a live statement of this connection; text and blobs are copied by
        // SQLite (SQLITE_TRANSIENT).
        unsafe {
            let params = ffi::sqlite3_bind_parameter_count(stmt) as usize;
            if binds.len() != params {
                return Err(WRONG_BINDINGS.into());
            }
            for (i, b) in binds.into_iter().enumerate() {
                let i = i as c_int + 1;
                let rc = match b {
                    Bind::Null => ffi::sqlite3_bind_null(stmt, i),
                    Bind::Real(f) if f.is_nan() => ffi::sqlite3_bind_null(stmt, i),
                    Bind::Real(f) => ffi::sqlite3_bind_double(stmt, i, f),
                    Bind::Text(t) => ffi::sqlite3_bind_text(
                        stmt,
                        i,
                        t.as_ptr().cast(),
                        t.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                    Bind::Blob(b) => ffi::sqlite3_bind_blob(
                        stmt,
                        i,
                        b.as_ptr().cast(),
                        b.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                };
                if rc != ffi::SQLITE_OK {
                    return Err(self.last_error(rc));
                }
            }
        }
        Ok(())
    }

    /// The connection's last error, in the platform's format.
    fn last_error(&self, rc: c_int) -> String {
        // SAFETY: valid connection handle; the message is copied at once.
        unsafe {
            let db = self.conn.handle();
            let msg = ffi::sqlite3_errmsg(db);
            let msg = if msg.is_null() {
                String::new()
            } else {
                std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned()
            };
            let code = ffi::sqlite3_extended_errcode(db);
            format!("{msg}: {}", code_name(if code == 0 { rc } else { code }))
        }
    }

    /// Steps `cursor` for up to `max` rows, appending them to `rows`. At the end (or on an
    /// error) the statement is finalized and `cursor.stmt` becomes null.
    fn step(&mut self, cursor: &mut LiveCursor, max: usize, rows: &mut Vec<Vec<Value>>) -> Result<(), String> {
        if cursor.stmt.is_null() {
            return Ok(());
        }
        let ncol = cursor.columns.len();
        let mut taken = 0;
        while taken < max {
            let before = self.conn.total_changes();
            // SAFETY: `cursor.stmt` is a live statement of this connection.
            let rc = unsafe { ffi::sqlite3_step(cursor.stmt) };
            if !cursor.readonly {
                cursor.rows_written += self.conn.total_changes().saturating_sub(before);
            }
            match rc {
                ffi::SQLITE_ROW => {
                    let mut vals = Vec::with_capacity(ncol);
                    for i in 0..ncol as c_int {
                        // SAFETY: the statement has a current row with `ncol` columns; text and
                        // blob pointers are copied before the next step.
                        vals.push(unsafe {
                            match ffi::sqlite3_column_type(cursor.stmt, i) {
                                ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_column_int64(cursor.stmt, i)),
                                ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_column_double(cursor.stmt, i)),
                                ffi::SQLITE_TEXT => {
                                    let p = ffi::sqlite3_column_text(cursor.stmt, i);
                                    let n = ffi::sqlite3_column_bytes(cursor.stmt, i) as usize;
                                    let bytes = if p.is_null() { &[][..] } else { std::slice::from_raw_parts(p, n) };
                                    Value::Text(String::from_utf8_lossy(bytes).into_owned())
                                }
                                ffi::SQLITE_BLOB => {
                                    let p = ffi::sqlite3_column_blob(cursor.stmt, i).cast::<u8>();
                                    let n = ffi::sqlite3_column_bytes(cursor.stmt, i) as usize;
                                    Value::Blob(if p.is_null() { Vec::new() } else { std::slice::from_raw_parts(p, n).to_vec() })
                                }
                                _ => Value::Null,
                            }
                        });
                    }
                    if cursor.readonly {
                        cursor.rows_read += 1;
                    }
                    rows.push(vals);
                    taken += 1;
                }
                ffi::SQLITE_DONE => {
                    cursor.finalize();
                    cursor.finished = true;
                    return Ok(());
                }
                rc => {
                    let e = self.last_error(rc);
                    cursor.finalize();
                    cursor.finished = true;
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// The next rows (up to `max`) of an open cursor; `done` when it has no more.
    pub fn cursor_next(&mut self, id: u32, max: usize) -> Result<CursorRows, String> {
        let Some(mut cursor) = self.cursors.remove(&id) else {
            return Ok(CursorRows { rows: Vec::new(), done: true, rows_read: 0, rows_written: 0 });
        };
        let mut rows = Vec::new();
        let r = if cursor.stmt.is_null() {
            cursor.take_pending(max, &mut rows);
            Ok(())
        } else {
            self.step(&mut cursor, max, &mut rows)
        };
        let out = CursorRows {
            rows,
            done: !cursor.is_open(),
            rows_read: cursor.rows_read,
            rows_written: cursor.rows_written,
        };
        if cursor.is_open() {
            self.cursors.insert(id, cursor);
        }
        r.map(|()| out)
    }

    /// Closes a cursor that will not be read further (its JavaScript object is gone).
    pub fn cursor_close(&mut self, id: u32) {
        self.cursors.remove(&id);
    }

    /// Closes every open cursor (the object is being reset).
    pub fn close_cursors(&mut self) {
        self.cursors.clear();
    }

    pub fn database_size(&self) -> Result<f64, String> {
        self.trusted(|c| {
            c.query_row("SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())", [], |r| {
                Ok((r.get::<_, i64>(0)?.max(1) * r.get::<_, i64>(1)?) as f64)
            })
        })
    }

    pub fn savepoint_begin(&mut self) -> Result<(), String> {
        self.ensure_txn()?;
        let n = self.savepoint_depth;
        self.trusted(|c| c.execute_batch(&format!("SAVEPOINT _cf_sync_savepoint_{n}")))?;
        self.savepoint_depth += 1;
        Ok(())
    }

    pub fn savepoint_end(&mut self, commit: bool) -> Result<(), String> {
        if self.savepoint_depth == 0 {
            return Err("no open transaction".into());
        }
        self.savepoint_depth -= 1;
        let n = self.savepoint_depth;
        if !commit {
            self.internal_tables.set([None, None]);
        }
        let sql = if commit {
            format!("RELEASE _cf_sync_savepoint_{n}")
        } else {
            format!("ROLLBACK TO _cf_sync_savepoint_{n}; RELEASE _cf_sync_savepoint_{n}")
        };
        self.trusted(|c| c.execute_batch(&sql))
    }

    /// Whether the runtime table `_cf_KV` (`KV`) or `_cf_METADATA` (`META`) exists.
    fn has_table(&self, which: usize) -> Result<bool, String> {
        let mut known = self.internal_tables.get();
        if let Some(b) = known[which] {
            return Ok(b);
        }
        let name = INTERNAL_TABLES[which].0;
        let exists = self
            .trusted(|c| {
                c.prepare_cached("SELECT count(*) FROM sqlite_master WHERE name = ?1")?
                    .query_row([name], |r| r.get::<_, i64>(0))
            })
            .map(|n| n > 0)?;
        known[which] = Some(exists);
        self.internal_tables.set(known);
        Ok(exists)
    }

    /// Creates a runtime table unless it is known to exist.
    fn ensure_table(&self, which: usize) -> Result<(), String> {
        if self.has_table(which)? {
            return Ok(());
        }
        self.trusted(|c| c.execute_batch(INTERNAL_TABLES[which].1))?;
        let mut known = self.internal_tables.get();
        known[which] = Some(true);
        self.internal_tables.set(known);
        Ok(())
    }

    fn kv_table_exists(&self) -> Result<bool, String> {
        self.has_table(KV)
    }

    /// Runs one read-only statement for a debugger, trusted (the runtime's own tables can be
    /// read) and inside the current turn's transaction (its uncommitted writes are seen). Writes
    /// are refused: the statement must be read-only for SQLite.
    pub fn debug_query(&self, sql: &str) -> Result<DebugRows, String> {
        if !self.trusted(|c| c.prepare(sql).map(|s| s.readonly()))? {
            return Err("the debugger only runs read-only statements".into());
        }
        self.trusted(|c| {
            let mut stmt = c.prepare(sql)?;
            let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
            let n = columns.len();
            let mut rows = Vec::new();
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                let mut row = Vec::with_capacity(n);
                for i in 0..n {
                    row.push(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => SqlValue::Null,
                        rusqlite::types::ValueRef::Integer(v) => SqlValue::Integer(v),
                        rusqlite::types::ValueRef::Real(v) => SqlValue::Real(v),
                        rusqlite::types::ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
                        rusqlite::types::ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
                    });
                }
                rows.push(row);
            }
            Ok(DebugRows { columns, rows })
        })
    }

    pub fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        if !self.kv_table_exists()? {
            return Ok(None);
        }
        self.trusted(|c| {
            let mut s = c.prepare_cached("SELECT value FROM _cf_KV WHERE key = ?1")?;
            let mut rows = s.query([key])?;
            match rows.next()? {
                Some(r) => Ok(Some(r.get::<_, Vec<u8>>(0)?)),
                None => Ok(None),
            }
        })
    }

    pub fn kv_put(&self, key: &str, value: &[u8]) -> Result<(), String> {
        self.ensure_txn()?;
        self.ensure_table(KV)?;
        self.trusted(|c| {
            c.prepare_cached("INSERT OR REPLACE INTO _cf_KV (key, value) VALUES (?1, ?2)")?.execute(rusqlite::params![key, value])
        })
        .map(|_| ())
    }

    pub fn kv_delete(&self, key: &str) -> Result<bool, String> {
        if !self.kv_table_exists()? {
            return Ok(false);
        }
        self.ensure_txn()?;
        self.trusted(|c| {
            c.prepare_cached("DELETE FROM _cf_KV WHERE key = ?1")?
                .execute([key])
        })
        .map(|n| n > 0)
    }

    /// Keys in `[start, end)` (or after `start_after`), with `prefix`, in order, up to `limit`.
    pub fn kv_list(&self, opts: &ListOptions) -> Result<Vec<(String, Vec<u8>)>, String> {
        if !self.kv_table_exists()? {
            return Ok(Vec::new());
        }
        self.trusted(|c| {
            let order = if opts.reverse { "DESC" } else { "ASC" };
            let mut s = c.prepare(&format!(
                "SELECT key, value FROM _cf_KV WHERE (?1 IS NULL OR key >= ?1) AND (?2 IS NULL OR key > ?2) AND (?3 IS NULL OR key < ?3) \
                 AND (?4 IS NULL OR substr(key, 1, length(?4)) = ?4) ORDER BY key {order} LIMIT ?5"
            ))?;
            let limit = opts.limit.map_or(-1, |l| l as i64);
            let rows = s.query_map(rusqlite::params![opts.start, opts.start_after, opts.end, opts.prefix, limit], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?;
            rows.collect()
        })
    }

    /// A value of the runtime's own metadata table `_cf_METADATA` (the alarm time), which user
    /// SQL cannot read; writes take part in the current transaction.
    pub fn meta_get(&self, key: &str) -> Result<Option<f64>, String> {
        if !self.has_table(META)? {
            return Ok(None);
        }
        self.trusted(|c| {
            let mut s = c.prepare_cached("SELECT value FROM _cf_METADATA WHERE key = ?1")?;
            let mut rows = s.query([key])?;
            match rows.next()? {
                Some(r) => Ok(Some(r.get::<_, f64>(0)?)),
                None => Ok(None),
            }
        })
    }

    pub fn meta_put(&self, key: &str, value: Option<f64>) -> Result<(), String> {
        self.ensure_txn()?;
        self.ensure_table(META)?;
        self.trusted(|c| {
            match value {
                Some(v) => c.prepare_cached("INSERT OR REPLACE INTO _cf_METADATA (key, value) VALUES (?1, ?2)")?.execute(rusqlite::params![key, v]),
                None => c.prepare_cached("DELETE FROM _cf_METADATA WHERE key = ?1")?.execute([key]),
            }
        })
        .map(|_| ())
    }

    /// Drops every table, index, view and trigger, including the KV table.
    pub fn delete_all(&self) -> Result<(), String> {
        self.ensure_txn()?;
        self.internal_tables.set([Some(false), Some(false)]);
        self.trusted(|c| {
            let objects: Vec<(String, String)> = c
                .prepare("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            c.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            for (kind, name) in objects {
                let kind = if kind == "view" { "VIEW" } else { "TABLE" };
                c.execute_batch(&format!("DROP {kind} IF EXISTS \"{}\"", name.replace('"', "\"\"")))?;
            }
            Ok(())
        })
    }
}

#[derive(Default)]
pub struct ListOptions {
    pub start: Option<String>,
    pub start_after: Option<String>,
    pub end: Option<String>,
    pub prefix: Option<String>,
    pub reverse: bool,
    pub limit: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> ObjectDb {
        ObjectDb::open(&StateLocation::Memory, "C", "id").unwrap()
    }

    #[test]
    fn error_texts_match_the_platform() {
        let mut d = db();
        assert_eq!(
            d.exec("SELECT * FROM nope", vec![]).unwrap_err(),
            "no such table: nope: SQLITE_ERROR"
        );
        assert_eq!(
            d.exec("SELECT nope", vec![]).unwrap_err(),
            "no such column: nope at offset 7: SQLITE_ERROR"
        );
        assert_eq!(d.exec("BEGIN", vec![]).unwrap_err(), TRANSACTION_MESSAGE);
        assert_eq!(
            d.exec("SAVEPOINT x", vec![]).unwrap_err(),
            TRANSACTION_MESSAGE
        );
        assert_eq!(
            d.exec("PRAGMA user_version", vec![]).unwrap_err(),
            "not authorized: SQLITE_AUTH"
        );
        assert_eq!(d.exec("", vec![]).unwrap_err(), NO_STATEMENT);
        assert_eq!(d.exec("SELECT 1; -- c", vec![]).unwrap_err(), NO_STATEMENT);
        assert_eq!(d.exec("SELECT ?", vec![]).unwrap_err(), WRONG_BINDINGS);
        assert_eq!(
            d.exec("SELECT ?; SELECT 1", vec![]).unwrap_err(),
            PARAMS_NOT_LAST
        );
        d.exec("CREATE TABLE u (name TEXT UNIQUE NOT NULL)", vec![])
            .unwrap();
        d.exec("INSERT INTO u VALUES ('a')", vec![]).unwrap();
        assert_eq!(
            d.exec("INSERT INTO u VALUES ('a')", vec![]).unwrap_err(),
            "UNIQUE constraint failed: u.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"
        );
        assert_eq!(
            d.exec("SELECT sqlite_version()", vec![]).unwrap_err(),
            "not authorized to use function: sqlite_version at offset 7: SQLITE_ERROR"
        );
    }

    #[test]
    fn kv_table_is_hidden_from_sql() {
        let mut d = db();
        d.kv_put("k", b"v").unwrap();
        assert_eq!(d.kv_get("k").unwrap().as_deref(), Some(&b"v"[..]));
        assert_eq!(
            d.exec("SELECT key FROM _cf_KV", vec![]).unwrap_err(),
            "access to _cf_KV.key is prohibited: SQLITE_AUTH"
        );
        assert_eq!(
            d.exec("CREATE TABLE _cf_x (a)", vec![]).unwrap_err(),
            "not authorized: SQLITE_AUTH"
        );
    }

    #[test]
    fn multiple_statements_return_the_last() {
        let mut d = db();
        let r = d
            .exec(
                "CREATE TABLE t (a); INSERT INTO t VALUES (1), (2); SELECT a FROM t WHERE a > ?",
                vec![Bind::Real(0.0)],
            )
            .unwrap();
        assert_eq!(r.columns, ["a"]);
        // The first row is read at once, the rest on demand.
        assert_eq!(r.rows, [vec![Value::Integer(1)]]);
        let id = r.cursor.expect("an open cursor");
        let more = d.cursor_next(id, 10).unwrap();
        assert_eq!(more.rows, [vec![Value::Integer(2)]]);
        assert!(more.done);
        assert_eq!(more.rows_read, 2);
        let r = d
            .exec("SELECT typeof(?1) AS t", vec![Bind::Real(1.0)])
            .unwrap();
        assert_eq!(r.rows[0][0], Value::Text("real".into()));
    }

    #[test]
    fn an_unfinished_returning_cursor_fails_the_commit_and_rolls_back() {
        let mut d = db();
        d.exec("CREATE TABLE t (a)", vec![]).unwrap();
        d.commit().unwrap();
        let r = d
            .exec("INSERT INTO t VALUES (1), (2) RETURNING a", vec![])
            .unwrap();
        assert!(r.cursor.is_some());
        assert_eq!(
            d.commit().unwrap_err(),
            "cannot commit transaction - SQL statements in progress: SQLITE_BUSY"
        );
        let r = d.exec("SELECT count(*) AS n FROM t", vec![]).unwrap();
        assert_eq!(r.rows[0][0], Value::Integer(0));
        // A read cursor left open does not stop the commit.
        d.exec("INSERT INTO t VALUES (3), (4)", vec![]).unwrap();
        let open = d.exec("SELECT a FROM t", vec![]).unwrap();
        assert!(open.cursor.is_some());
        d.commit().unwrap();
    }

    #[test]
    fn savepoints_roll_back() {
        let mut d = db();
        d.exec("CREATE TABLE t (a)", vec![]).unwrap();
        d.savepoint_begin().unwrap();
        d.exec("INSERT INTO t VALUES (1)", vec![]).unwrap();
        d.savepoint_end(false).unwrap();
        d.commit().unwrap();
        let r = d.exec("SELECT count(*) AS n FROM t", vec![]).unwrap();
        assert_eq!(r.rows[0][0], Value::Integer(0));
    }

    #[test]
    fn a_large_write_ahead_log_is_emptied_at_exit_and_a_small_one_is_kept() {
        let dir = std::env::temp_dir().join(format!("dols-wal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let state = StateLocation::Dir(dir.clone());
        let log = dir.join("C").join("id.sqlite-wal");
        let log_len = || std::fs::metadata(&log).map_or(0, |m| m.len());
        let mut d = ObjectDb::open(&state, "C", "id").unwrap();
        d.kv_put("small", b"x").unwrap();
        d.commit().unwrap();
        let small = log_len();
        assert!(small > 0, "the write is in the log");
        d.checkpoint_at_exit();
        assert_eq!(log_len(), small, "a small log is left for the next open");
        d.kv_put("big", &vec![7u8; 1 << 19]).unwrap();
        d.commit().unwrap();
        assert!(log_len() > 256 << 10);
        d.checkpoint_at_exit();
        assert_eq!(log_len(), 0, "a log past 256 KiB is moved into the database");
        // The process would end here without closing: reopen as the next run does.
        std::mem::forget(d);
        let again = ObjectDb::open(&state, "C", "id").unwrap();
        assert_eq!(again.kv_get("small").unwrap().as_deref(), Some(&b"x"[..]));
        assert_eq!(again.kv_get("big").unwrap().map(|v| v.len()), Some(1 << 19));
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
