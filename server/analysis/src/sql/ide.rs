//! IDE features inside the SQL strings of `sql.exec`: completion, hover, go to definition,
//! find references and semantic tokens, all against the class's shadow schema.
//!
//! A statement is read from its tokens, not parsed: half-typed SQL is the normal case here.
//! The reading finds the tables a statement names (after FROM, JOIN, INTO, UPDATE, TABLE,
//! REFERENCES, `ON` of CREATE INDEX/TRIGGER) with their aliases, and the parentheses whose
//! names belong to one table (`INSERT INTO t (…)`, `CREATE TABLE t (…)`, `REFERENCES t (…)`).
//! Each name token then resolves to a table, a column or a function of the schema, or to
//! nothing (a keyword, an alias of a CTE, a name the schema lacks).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use super::functions::{self, Function};
use super::lex::{self, Tok, Token};
use super::schema::{Column, ObjectKind, Schema, SchemaObject};
use super::source::{self, ExecSite, Query, SqlText};
use super::FileSql;
use crate::ide::{CompletionItem, CompletionKind, Hover, NavTarget};
use crate::infer::Infer;
use crate::text::TextRange;
use crate::Analysis;

// ---------------------------------------------------------------------------------------
// Public results

/// What a token of embedded SQL is, for semantic highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlTokenKind {
    Keyword,
    Table,
    Column,
    Function,
    Parameter,
    String,
    Number,
    Operator,
    Comment,
}

/// One highlighted range of the TypeScript source (it may span lines when the SQL does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SqlToken {
    pub range: TextRange,
    pub kind: SqlTokenKind,
}

/// The shadow schema of one class, for `dols schema`.
#[derive(Clone, Debug)]
pub struct ClassSchema {
    pub file: PathBuf,
    pub class: String,
    /// False when part of the schema may come from code dols cannot see (a library base
    /// class, DDL built at run time).
    pub complete: bool,
    pub schema: Arc<Schema>,
}

// ---------------------------------------------------------------------------------------
// Keywords

/// SQLite's own keyword list (upper case).
static KEYWORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut out = Vec::new();
    // SAFETY: sqlite3_keyword_count/name only read SQLite's static keyword table; `name`
    // points at `len` bytes of ASCII that live as long as the library.
    unsafe {
        let n = rusqlite::ffi::sqlite3_keyword_count();
        for i in 0..n {
            let mut name: *const std::os::raw::c_char = std::ptr::null();
            let mut len: std::os::raw::c_int = 0;
            if rusqlite::ffi::sqlite3_keyword_name(i, &mut name, &mut len) == rusqlite::ffi::SQLITE_OK && !name.is_null() {
                let bytes = std::slice::from_raw_parts(name as *const u8, len as usize);
                out.push(String::from_utf8_lossy(bytes).to_ascii_uppercase());
            }
        }
    }
    out.sort();
    out
});

fn is_keyword(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    KEYWORDS.binary_search(&upper).is_ok()
}

/// Keywords that start a statement, offered first at the start of one.
const STATEMENT_KEYWORDS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE", "CREATE", "ALTER", "DROP", "PRAGMA", "VALUES", "EXPLAIN",
    "ANALYZE", "REINDEX",
];

/// The keywords offered inside a statement: clauses, operators and constraint words. (All of
/// SQLite's keywords are highlighted; offering the rarer ones would only bury the useful.)
const CLAUSE_KEYWORDS: &[&str] = &[
    "ABORT", "ALL", "AND", "AS", "ASC", "AUTOINCREMENT", "BETWEEN", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE",
    "CONFLICT", "CONSTRAINT", "CROSS", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DEFAULT", "DELETE", "DESC",
    "DISTINCT", "DO", "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FILTER", "FIRST", "FOREIGN", "FROM", "GLOB",
    "GROUP", "HAVING", "IF", "IGNORE", "IN", "INDEX", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "KEY", "LAST",
    "LEFT", "LIKE", "LIMIT", "MATCH", "NATURAL", "NOT", "NOTHING", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER",
    "OVER", "PARTITION", "PRIMARY", "RECURSIVE", "REFERENCES", "REPLACE", "RETURNING", "ROWID", "SELECT", "SET", "STRICT",
    "TABLE", "THEN", "TRUE", "UNION", "UNIQUE", "UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT",
];

/// Column types, offered in schema statements.
const TYPE_NAMES: &[&str] = &["INTEGER", "TEXT", "REAL", "BLOB", "NUMERIC", "ANY"];

/// Words after a table name that are clauses, not aliases.
const NOT_ALIAS: &[&str] = &[
    "WHERE", "JOIN", "LEFT", "RIGHT", "FULL", "INNER", "OUTER", "CROSS", "NATURAL", "ON", "USING", "GROUP", "ORDER", "LIMIT",
    "OFFSET", "SET", "VALUES", "SELECT", "DEFAULT", "HAVING", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "RETURNING", "INDEXED",
    "NOT", "AS", "DO", "FROM", "WHEN", "BEGIN", "FOR", "EACH", "OR", "AND", "RENAME", "ADD", "DROP", "USING", "WITHOUT",
    "STRICT", "TO", "UPDATE", "DELETE", "INSERT", "ELSE", "THEN", "END",
];

// ---------------------------------------------------------------------------------------
// Reading one statement

#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Table(String),
    Column { table: String, column: String },
    Function(&'static Function),
}

#[derive(Debug)]
struct TableRef {
    name: String,
    alias: Option<String>,
}

/// One statement, its code tokens and what they say about names.
struct Parsed<'s> {
    sql: &'s str,
    toks: Vec<Token>,
    verb: String,
    refs: Vec<TableRef>,
    /// Per token: it names a table (or view) here.
    table_pos: Vec<bool>,
    /// Per token: an alias being declared, and its table.
    alias_decl: HashMap<usize, String>,
    /// Per token: a word of a column definition that is not the column's name (its type,
    /// its constraints).
    not_a_name: Vec<bool>,
    /// Per token: the innermost parenthesis whose names belong to one table.
    owner: Vec<Option<String>>,
    /// Table of `excluded.` (upsert) and of `new.`/`old.` (trigger).
    insert_table: Option<String>,
    trigger_table: Option<String>,
}

impl<'s> Parsed<'s> {
    fn new(sql: &'s str, tokens: &[Token], span: lex::Span) -> Self {
        let toks = lex::code_tokens(tokens, span);
        let n = toks.len();
        let verb = lex::verb(sql, &toks);
        let mut p = Parsed {
            sql,
            verb,
            refs: Vec::new(),
            table_pos: vec![false; n],
            alias_decl: HashMap::new(),
            not_a_name: vec![false; n],
            owner: vec![None; n],
            insert_table: None,
            trigger_table: None,
            toks,
        };
        p.read();
        p
    }

    fn word(&self, i: usize) -> Option<String> {
        let t = self.toks.get(i)?;
        (t.kind == Tok::Word).then(|| t.text(self.sql).to_ascii_uppercase())
    }
    fn is_word(&self, i: usize, w: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_word(self.sql, w))
    }
    fn is_punct(&self, i: usize, p: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Tok::Other && t.text(self.sql) == p)
    }
    fn is_open(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Tok::Open)
    }
    fn ident(&self, i: usize) -> Option<String> {
        let t = self.toks.get(i)?;
        matches!(t.kind, Tok::Word | Tok::Quoted).then(|| t.ident(self.sql)).flatten()
    }
    /// The index of the `)` closing the `(` at `open` (or the end when unclosed).
    fn close_of(&self, open: usize) -> usize {
        let mut depth = 0;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.kind {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.toks.len()
    }
    fn own(&mut self, open: usize, table: &str) {
        let close = self.close_of(open);
        for o in &mut self.owner[open + 1..close.min(self.toks.len())] {
            *o = Some(table.to_string());
        }
    }

    fn read(&mut self) {
        let n = self.toks.len();
        let create = self.verb == "CREATE";
        let mut i = 0;
        while i < n {
            let Some(w) = self.word(i) else {
                i += 1;
                continue;
            };
            let seen = |p: &Parsed<'_>, kw: &str| (0..i).any(|k| p.is_word(k, kw));
            let table_kw = match w.as_str() {
                "FROM" | "JOIN" | "INTO" | "REFERENCES" => true,
                "UPDATE" => !(self.is_word(i + 1, "ON") || self.is_word(i + 1, "OF")),
                "TABLE" => matches!(self.verb.as_str(), "CREATE" | "ALTER" | "DROP"),
                "VIEW" => matches!(self.verb.as_str(), "CREATE" | "DROP"),
                "ON" => create && (seen(self, "INDEX") || seen(self, "TRIGGER")) && !self.is_word(i + 1, "CONFLICT"),
                "TO" => self.verb == "ALTER" && i > 0 && self.is_word(i - 1, "RENAME"),
                "CONFLICT" => {
                    // `ON CONFLICT (cols)`: the INSERT's table.
                    if self.is_open(i + 1)
                        && let Some(t) = self.insert_table.clone() {
                            self.own(i + 1, &t);
                        }
                    false
                }
                "PRAGMA" => {
                    // `PRAGMA table_info(t)`: the argument names a table.
                    let mut j = i + 1;
                    if self.is_punct(j + 1, ".") {
                        j += 2;
                    }
                    if self.is_open(j + 1) && self.ident(j + 2).is_some() {
                        self.table_pos[j + 2] = true;
                    }
                    false
                }
                _ => false,
            };
            if !table_kw {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while self.is_word(j, "IF") || self.is_word(j, "NOT") || self.is_word(j, "EXISTS") {
                j += 1;
            }
            if w == "UPDATE" && self.is_word(j, "OR") {
                j += 2;
            }
            while let Some(mut name) = self.ident(j) {
                if self.toks[j].kind == Tok::Word && matches!(name.to_ascii_uppercase().as_str(), "SELECT" | "VALUES" | "WITH") {
                    break;
                }
                let mut k = j;
                // `main.items`: the table is after the dot.
                if self.is_punct(k + 1, ".") && let Some(second) = self.ident(k + 2) {
                    name = second;
                    k += 2;
                }
                self.table_pos[k] = true;
                let mut alias = None;
                if matches!(w.as_str(), "FROM" | "JOIN" | "UPDATE" | "INTO") {
                    let a = if self.is_word(k + 1, "AS") { k + 2 } else { k + 1 };
                    let candidate = self.ident(a).filter(|s| {
                        self.toks[a].kind == Tok::Quoted || a == k + 2 || !NOT_ALIAS.contains(&s.to_ascii_uppercase().as_str())
                    });
                    if let Some(al) = candidate.filter(|_| !self.is_open(a) && !self.is_punct(a + 1, ".") && !self.is_open(a + 1)) {
                        self.alias_decl.insert(a, name.clone());
                        alias = Some(al);
                        k = a;
                    }
                }
                if w == "INTO" && self.insert_table.is_none() {
                    self.insert_table = Some(name.clone());
                }
                if w == "ON" && seen(self, "TRIGGER") {
                    self.trigger_table = Some(name.clone());
                }
                // Parentheses whose names are this table's columns.
                let table_paren = match w.as_str() {
                    "INTO" | "REFERENCES" | "ON" => self.is_open(k + 1).then_some(k + 1),
                    "TABLE" if create => {
                        if self.is_open(k + 1) {
                            Some(k + 1)
                        } else if self.is_word(k + 1, "USING") && self.is_open(k + 3) {
                            Some(k + 3)
                        } else {
                            None
                        }
                    }
                    _ => None,
                };
                if let Some(open) = table_paren {
                    self.own(open, &name);
                    if w == "TABLE" {
                        self.mark_definitions(open);
                    }
                }
                self.refs.push(TableRef { name, alias });
                // `FROM a x, b y`: the next table of the list.
                if w == "FROM" && self.is_punct(k + 1, ",") {
                    j = k + 2;
                    continue;
                }
                break;
            }
            i = j.max(i + 1);
        }
    }

    /// In `CREATE TABLE t (…)`: at the list's own depth, only the first word of each
    /// definition is a column name; the rest are its type and constraints.
    fn mark_definitions(&mut self, open: usize) {
        let close = self.close_of(open);
        let mut depth = 0;
        let mut first = true;
        for i in open + 1..close.min(self.toks.len()) {
            let kind = self.toks[i].kind;
            if depth == 0 {
                if kind == Tok::Other && self.toks[i].text(self.sql) == "," {
                    first = true;
                    continue;
                }
                // A table constraint (`PRIMARY KEY (a, b)`): its names are in its parentheses.
                let constraint = first
                    && self.word(i).is_some_and(|w| matches!(w.as_str(), "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN"));
                if !first || constraint {
                    self.not_a_name[i] = true;
                }
                first = false;
            }
            match kind {
                Tok::Open => depth += 1,
                Tok::Close => depth -= 1,
                _ => {}
            }
        }
    }

    /// The table a qualifier (`u` of `u.name`) stands for.
    fn qualifier_table(&self, schema: &Schema, q: &str) -> Option<String> {
        if let Some(r) = self.refs.iter().find(|r| r.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(q))) {
            return Some(r.name.clone());
        }
        if q.eq_ignore_ascii_case("excluded") && let Some(t) = &self.insert_table {
            return Some(t.clone());
        }
        if (q.eq_ignore_ascii_case("new") || q.eq_ignore_ascii_case("old")) && let Some(t) = &self.trigger_table {
            return Some(t.clone());
        }
        schema.relation(q).map(|o| o.name.clone())
    }

    /// What the name token `i` refers to.
    fn resolve(&self, schema: &Schema, i: usize) -> Option<Target> {
        let tok = *self.toks.get(i)?;
        let name = self.ident(i)?;
        let table = |n: &str| schema.relation(n).map(|o| Target::Table(o.name.clone()));
        if let Some(t) = self.alias_decl.get(&i) {
            return table(t);
        }
        if i >= 2 && self.is_punct(i - 1, ".") {
            if let Some(q) = self.ident(i - 2)
                && let Some(t) = self.qualifier_table(schema, &q) {
                    let o = schema.relation(&t)?;
                    return o.column(&name).map(|c| Target::Column { table: o.name.clone(), column: c.name.clone() });
                }
            return if self.table_pos[i] { table(&name) } else { None };
        }
        if self.table_pos[i] {
            return table(&name);
        }
        if self.is_punct(i + 1, ".") {
            return self.qualifier_table(schema, &name).and_then(|t| table(&t));
        }
        if tok.kind == Tok::Word && self.is_open(i + 1) && schema.relation(&name).is_none() {
            return functions::get(&name).map(Target::Function);
        }
        if self.not_a_name[i] {
            return None;
        }
        let column_of = |t: &str| {
            let o = schema.relation(t)?;
            o.column(&name).map(|c| Target::Column { table: o.name.clone(), column: c.name.clone() })
        };
        if let Some(owner) = &self.owner[i]
            && let Some(c) = column_of(owner) {
                return Some(c);
            }
        if let Some(c) = self.refs.iter().find_map(|r| column_of(&r.name)) {
            return Some(c);
        }
        table(&name)
    }

    /// The tables this statement reads or writes that the schema has.
    fn scope<'a>(&self, schema: &'a Schema) -> Vec<&'a SchemaObject> {
        let mut out: Vec<&SchemaObject> = Vec::new();
        for r in &self.refs {
            if let Some(o) = schema.relation(&r.name)
                && !out.iter().any(|x| x.name == o.name) {
                    out.push(o);
                }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Finding the SQL at a position and the schema it runs against

/// The query at a position: the site, its text, and the SQL offset of the position.
struct At {
    site: ExecSite,
    sql: SqlText,
    cursor: usize,
}

fn at(infer: &Infer<'_>, offset: usize) -> Option<At> {
    let (site, lit) = source::site_at(infer, offset)?;
    let sql = match &site.query {
        Query::Known(sql) => sql.clone(),
        _ => {
            let node = infer.src.tree.root_node().descendant_for_byte_range(lit.start, lit.end)?;
            source::template_with_holes(node, infer.text())?
        }
    };
    let inside = |&(a, b): &(u32, u32)| lit.start <= a as usize && b as usize <= lit.end;
    let spans: Vec<(u32, u32)> = sql.spans().collect();
    let cursor = match spans.iter().rposition(|s| inside(s) && s.1 as usize <= offset) {
        Some(i) => i + 1,
        None => spans.iter().position(inside)?,
    };
    Some(At { site, sql, cursor })
}

fn class_id(path: &Path, class: Option<&str>) -> (PathBuf, String) {
    (path.to_path_buf(), class.unwrap_or_default().to_string())
}

/// Where each DDL statement of a class's schema is written.
struct DdlSource {
    file: PathBuf,
    sql: SqlText,
    tokens: Arc<super::Tokens>,
    span: lex::Span,
}

struct ClassDdl {
    ddl: Vec<String>,
    /// For each statement of `ddl`: where it is written, when that is in the project.
    sources: Vec<Option<DdlSource>>,
    complete: bool,
}

fn class_ddl(a: &Analysis, infer: &Infer<'_>, file: &FileSql, class: Option<&str>) -> ClassDdl {
    let mut others = HashMap::new();
    let plan = super::class_plan(a, infer, file, class, &mut others);
    let sources = plan
        .ddl_source
        .iter()
        .map(|at| {
            let (path, f, ix) = match at.as_ref()? {
                super::DdlAt::Code(path, ix) => (path, if *path == file.path { file } else { others.get(path)? }, ix),
                super::DdlAt::Script(path, ix) => (path, &a.sql_file(path)?.script.0, ix),
            };
            let stmt = f.stmts.get(*ix)?;
            let (sql, tokens) = f.texts.get(stmt.site)?.as_ref()?;
            Some(DdlSource { file: path.clone(), sql: sql.clone(), tokens: tokens.clone(), span: stmt.span })
        })
        .collect();
    ClassDdl { ddl: plan.ddl, sources, complete: plan.complete }
}

/// The class's schema for a quick answer: the database as the checks last built it, else
/// built now from the class's DDL.
fn quick_schema(a: &Analysis, infer: &Infer<'_>, class: Option<&str>) -> Arc<Schema> {
    let id = class_id(infer.path, class);
    if let Some((schema, _)) = a.sql.last_schema(&id) {
        return schema;
    }
    let file = super::read_file(infer);
    let plan = class_ddl(a, infer, &file, class);
    a.sql.schema(&id, &plan.ddl).0
}

// ---------------------------------------------------------------------------------------
// Completion

enum Context {
    /// Nothing to offer (inside a literal, or a new name being typed).
    Nothing,
    StatementStart,
    Tables,
    /// Columns of one table (after `alias.`, inside `INSERT INTO t (`).
    ColumnsOf(Option<String>),
    Expression,
}

/// Completion inside an SQL string: `None` when `offset` is not in one.
pub(crate) fn completion(a: &Analysis, infer: &Infer<'_>, offset: usize) -> Option<Vec<CompletionItem>> {
    let at = at(infer, offset)?;
    let text = &at.sql.text;
    let all = lex::tokenize(text);
    // Inside a string literal, a comment, a number or a quoted name: nothing.
    if all.iter().any(|t| {
        t.start < at.cursor
            && (at.cursor < t.end || (at.cursor == t.end && t.kind == Tok::Comment && text[t.start..t.end].starts_with("--")))
            && matches!(t.kind, Tok::Str | Tok::Comment | Tok::Quoted | Tok::Number | Tok::Param)
    }) {
        return Some(Vec::new());
    }
    let split = lex::split(text, &all);
    let span = split
        .statements
        .iter()
        .copied()
        .find(|s| s.start <= at.cursor && at.cursor <= s.end)
        .unwrap_or(lex::Span { start: at.cursor, end: at.cursor });
    let p = Parsed::new(text, &all, span);
    // The word being typed, if any.
    let (prefix_start, k) = match p.toks.iter().position(|t| t.end >= at.cursor && t.start < at.cursor) {
        Some(i) if p.toks[i].kind == Tok::Word => (p.toks[i].start, i),
        _ => (at.cursor, p.toks.iter().position(|t| t.start >= at.cursor).unwrap_or(p.toks.len())),
    };
    let replace = if prefix_start == at.cursor { TextRange::empty(offset) } else { at.sql.source_range(prefix_start, at.cursor) };
    let typed = &text[prefix_start..at.cursor];
    let schema = quick_schema(a, infer, at.site.class.as_deref());
    let ctx = context(&p, &schema, k);
    Some(items(&p, &schema, ctx, replace, typed))
}

fn context(p: &Parsed<'_>, schema: &Schema, k: usize) -> Context {
    if k == 0 {
        return Context::StatementStart;
    }
    let prev = k - 1;
    if p.is_punct(prev, ".") {
        return match prev.checked_sub(1).and_then(|q| p.ident(q)) {
            Some(q) => Context::ColumnsOf(p.qualifier_table(schema, &q)),
            None => Context::Nothing,
        };
    }
    // Skip `IF NOT EXISTS` and `OR REPLACE` back to the keyword.
    let mut b = prev;
    while b > 0 && p.word(b).is_some_and(|w| matches!(w.as_str(), "IF" | "NOT" | "EXISTS")) {
        b -= 1;
    }
    if let Some(w) = p.word(b) {
        let creating = p.verb == "CREATE" && (1..=b).rev().take(3).any(|x| p.word(x - 1).as_deref() == Some("CREATE"));
        match w.as_str() {
            "TABLE" | "VIEW" | "INDEX" | "TRIGGER" if creating || p.verb == "CREATE" && w != "TABLE" => return Context::Nothing,
            "FROM" | "JOIN" | "INTO" | "REFERENCES" | "TABLE" => return Context::Tables,
            "UPDATE" if p.verb != "CREATE" => return Context::Tables,
            "ON" if p.verb == "CREATE" && (0..b).any(|x| p.is_word(x, "INDEX") || p.is_word(x, "TRIGGER")) => return Context::Tables,
            "AS" => return Context::Nothing,
            _ => {}
        }
    }
    if p.is_punct(prev, ",") {
        // In a FROM list: the nearest clause word at this depth decides.
        let mut depth = 0i32;
        for x in (0..prev).rev() {
            match p.toks[x].kind {
                Tok::Close => depth += 1,
                Tok::Open if depth == 0 => break,
                Tok::Open => depth -= 1,
                Tok::Word if depth == 0 => match p.word(x).as_deref() {
                    Some("FROM") => return Context::Tables,
                    Some("SELECT" | "WHERE" | "SET" | "BY" | "VALUES" | "ON" | "HAVING" | "RETURNING" | "USING") => break,
                    _ => {}
                },
                _ => {}
            }
        }
    }
    // Directly in a parenthesis that lists one table's columns.
    if let Some(owner) = p.owner.get(k).cloned().flatten().or_else(|| {
        // At the end of an unclosed `(`: the owner of the token before.
        (k == p.toks.len()).then(|| p.owner.get(prev).cloned().flatten()).flatten().or_else(|| {
            (p.is_open(prev) && prev > 0 && p.table_pos[prev - 1]).then(|| p.ident(prev - 1)).flatten()
        })
    }) {
        let list_level = {
            // Only plain column lists (INSERT INTO t (…), CREATE INDEX … ON t (…), REFERENCES t (…)).
            !matches!(p.verb.as_str(), "CREATE") || p.toks.iter().any(|t| t.is_word(p.sql, "INDEX")) || (0..k).any(|x| p.is_word(x, "REFERENCES"))
        };
        if list_level && (p.is_open(prev) || p.is_punct(prev, ",")) {
            return Context::ColumnsOf(schema.relation(&owner).map(|o| o.name.clone()));
        }
    }
    Context::Expression
}

fn items(p: &Parsed<'_>, schema: &Schema, ctx: Context, replace: TextRange, typed: &str) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    let lower = !typed.is_empty() && typed.chars().all(|c| !c.is_ascii_uppercase());
    let keyword = |kw: &str, sort: &str| CompletionItem {
        label: if lower { kw.to_ascii_lowercase() } else { kw.to_string() },
        kind: CompletionKind::Keyword,
        detail: None,
        documentation: None,
        snippet: None,
        replace,
        sort_text: Some(format!("{sort}{kw}")),
    };
    // Where tables are what is asked for, each carries its full description; among the
    // hundreds of items of an expression, only a line (the list must stay small to be quick).
    let full_tables = matches!(ctx, Context::Tables);
    let table = |o: &SchemaObject, sort: &str| CompletionItem {
        label: o.name.clone(),
        kind: CompletionKind::Table,
        detail: Some(format!("{} · {} column{}", o.kind.as_str(), o.columns.len(), if o.columns.len() == 1 { "" } else { "s" })),
        documentation: full_tables.then(|| table_markdown(o, schema)),
        snippet: None,
        replace,
        sort_text: Some(format!("{sort}{}", o.name)),
    };
    let column = |o: &SchemaObject, c: &Column, sort: &str| CompletionItem {
        label: c.name.clone(),
        kind: CompletionKind::Column,
        detail: Some(format!("{} — {}", c.describe(), o.name).trim_start_matches(" — ").to_string()),
        documentation: Some(column_markdown(o, c, schema)),
        snippet: None,
        replace,
        sort_text: Some(format!("{sort}{}", c.name)),
    };
    match ctx {
        Context::Nothing => {}
        Context::StatementStart => {
            out.extend(STATEMENT_KEYWORDS.iter().map(|k| keyword(k, "0")));
        }
        Context::Tables => {
            out.extend(schema.relations().map(|o| table(o, "0")));
        }
        Context::ColumnsOf(t) => {
            if let Some(o) = t.and_then(|t| schema.relation(&t)) {
                out.extend(o.columns.iter().filter(|c| !c.hidden).map(|c| column(o, c, "0")));
            }
        }
        Context::Expression => {
            let scope = p.scope(schema);
            for o in &scope {
                out.extend(o.columns.iter().filter(|c| !c.hidden).map(|c| column(o, c, "0")));
            }
            if scope.is_empty() {
                // No table named yet (`SELECT |` before FROM): every column, table by table.
                for o in schema.relations() {
                    out.extend(o.columns.iter().filter(|c| !c.hidden).map(|c| column(o, c, "1")));
                }
            }
            for r in &p.refs {
                if let (Some(alias), Some(o)) = (&r.alias, schema.relation(&r.name)) {
                    out.push(CompletionItem {
                        label: alias.clone(),
                        kind: CompletionKind::Table,
                        detail: Some(format!("alias of {}", o.name)),
                        documentation: None,
                        snippet: None,
                        replace,
                        sort_text: Some(format!("1{alias}")),
                    });
                }
            }
            out.extend(schema.relations().map(|o| table(o, "2")));
            for f in functions::all() {
                let first = f.signatures.first().cloned().unwrap_or_default();
                out.push(CompletionItem {
                    label: f.name.clone(),
                    kind: CompletionKind::Function,
                    detail: Some(first),
                    documentation: Some(f.doc.clone()),
                    snippet: Some(if f.takes_no_arguments() { format!("{}()", f.name) } else { format!("{}($1)", f.name) }),
                    replace,
                    sort_text: Some(format!("3{}", f.name)),
                });
            }
            out.extend(CLAUSE_KEYWORDS.iter().map(|k| keyword(k, "4")));
            if matches!(p.verb.as_str(), "CREATE" | "ALTER") {
                out.extend(TYPE_NAMES.iter().map(|k| keyword(k, "4")));
            }
        }
    }
    // One item per label (a column in two tables of the statement comes once, from the first).
    let mut seen = std::collections::HashSet::new();
    out.retain(|i| seen.insert((i.label.to_ascii_lowercase(), i.kind)));
    out
}

// ---------------------------------------------------------------------------------------
// Hover, definition, references

fn first_line(stmt: &str) -> String {
    let flat: String = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 90 {
        let cut: String = flat.chars().take(87).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

fn table_markdown(o: &SchemaObject, schema: &Schema) -> String {
    let mut md = format!("```sql\n{}\n```\n\n", o.sql.trim());
    md.push_str(&format!("**{}** `{}`", o.kind.as_str(), o.name));
    let visible: Vec<&Column> = o.columns.iter().filter(|c| !c.hidden).collect();
    if !visible.is_empty() {
        md.push_str("\n\n| column | type and constraints |\n| --- | --- |\n");
        for c in visible {
            let mut d = c.describe();
            if let Some(fk) = o.foreign_key_of(&c.name) {
                d.push_str(&format!(" → `{}`", fk_target(fk)));
            }
            md.push_str(&format!("| `{}` | {} |\n", c.name, d));
        }
    }
    let indexes: Vec<String> = schema
        .objects
        .iter()
        .filter(|x| x.kind == ObjectKind::Index && x.table.eq_ignore_ascii_case(&o.name))
        .map(|x| format!("`{}`", x.name))
        .collect();
    if !indexes.is_empty() {
        md.push_str(&format!("\nIndexes: {}\n", indexes.join(", ")));
    }
    md.trim_end().to_string()
}

fn fk_target(fk: &super::schema::ForeignKey) -> String {
    if fk.references.is_empty() { fk.table.clone() } else { format!("{}({})", fk.table, fk.references.join(", ")) }
}

fn column_markdown(o: &SchemaObject, c: &Column, schema: &Schema) -> String {
    let mut md = format!("```sql\n{}.{} {}\n```\n\n", o.name, c.name, c.describe());
    md.push_str(&format!(
        "Column of {} `{}`; declared type {}.",
        o.kind.as_str(),
        o.name,
        if c.decl_type.is_empty() { "none (any value)".to_string() } else { format!("`{}`", c.decl_type) }
    ));
    let mut keys = Vec::new();
    if c.primary_key > 0 {
        let n = o.columns.iter().filter(|x| x.primary_key > 0).count();
        keys.push(if n > 1 { format!("part {} of the primary key", c.primary_key) } else { "the primary key".to_string() });
    }
    if c.unique && c.primary_key == 0 {
        keys.push("unique".to_string());
    }
    if let Some(fk) = o.foreign_key_of(&c.name) {
        let mut s = format!("references `{}`", fk_target(fk));
        if fk.on_delete != "NO ACTION" {
            s.push_str(&format!(" (ON DELETE {})", fk.on_delete));
        }
        keys.push(s);
    }
    if c.not_null {
        keys.push("NOT NULL".to_string());
    }
    if let Some(d) = &c.default {
        keys.push(format!("default `{d}`"));
    }
    if !keys.is_empty() {
        md.push_str(&format!("\n\nKeys and constraints: {}.", keys.join(", ")));
    }
    if let Some(stmt) = c.added_by.and_then(|k| schema.ddl.get(k)) {
        md.push_str(&format!("\n\nDeclared by `{}`", first_line(stmt)));
    }
    md
}

/// The statement at the position and the index of its name token under the cursor.
struct NameAt {
    at: At,
    tokens: Vec<Token>,
    span: lex::Span,
    index: usize,
}

fn name_at(infer: &Infer<'_>, offset: usize) -> Option<NameAt> {
    let at = at(infer, offset)?;
    let tokens = lex::tokenize(&at.sql.text);
    let split = lex::split(&at.sql.text, &tokens);
    let span = split.statements.iter().copied().find(|s| s.start <= at.cursor && at.cursor <= s.end)?;
    let code = lex::code_tokens(&tokens, span);
    // The name under the cursor, or just before it.
    let index = code
        .iter()
        .position(|t| t.start <= at.cursor && at.cursor < t.end && matches!(t.kind, Tok::Word | Tok::Quoted))
        .or_else(|| code.iter().position(|t| t.end == at.cursor && matches!(t.kind, Tok::Word | Tok::Quoted)))?;
    Some(NameAt { at, tokens, span, index })
}

pub(crate) fn hover(a: &Analysis, infer: &Infer<'_>, offset: usize) -> Option<Hover> {
    let n = name_at(infer, offset)?;
    let p = Parsed::new(&n.at.sql.text, &n.tokens, n.span);
    let schema = quick_schema(a, infer, n.at.site.class.as_deref());
    let tok = p.toks[n.index];
    let range = n.at.sql.source_range(tok.start, tok.end);
    let markdown = match p.resolve(&schema, n.index)? {
        Target::Table(t) => {
            let o = schema.relation(&t)?;
            table_markdown(o, &schema)
        }
        Target::Column { table, column } => {
            let o = schema.relation(&table)?;
            column_markdown(o, o.column(&column)?, &schema)
        }
        Target::Function(f) => f.markdown(),
    };
    Some(Hover { range, markdown })
}

/// The source range of a statement's code.
fn statement_range(sql: &SqlText, tokens: &[Token], span: lex::Span) -> TextRange {
    let code = lex::code_tokens(tokens, span);
    match (code.first(), code.last()) {
        (Some(f), Some(l)) => sql.source_range(f.start, l.end),
        _ => sql.source_range(span.start, span.end),
    }
}

/// Where a table or column is declared in the class's DDL: the statement and the name in it.
fn declaration(schema: &Schema, ddl: &ClassDdl, target: &Target) -> Option<NavTarget> {
    let (stmt_ix, table, column) = match target {
        Target::Table(t) => (schema.relation(t)?.created_by?, t.clone(), None),
        Target::Column { table, column } => {
            let o = schema.relation(table)?;
            let c = o.column(column)?;
            (c.added_by.or(o.created_by)?, table.clone(), Some(column.clone()))
        }
        Target::Function(_) => return None,
    };
    // The statement that brought the name in, then earlier ones (a renamed table keeps the
    // columns its CREATE declared).
    for k in (0..=stmt_ix.min(ddl.sources.len().saturating_sub(1))).rev() {
        let Some(src) = ddl.sources.get(k)?.as_ref() else { break };
        let p = Parsed::new(&src.sql.text, src.tokens.of(&src.sql.text), src.span);
        let hit = (0..p.toks.len()).find(|&i| {
            let Some(name) = p.ident(i) else { return false };
            match &column {
                None => p.table_pos[i] && name.eq_ignore_ascii_case(&table) && declares_table(&p, i),
                Some(c) => name.eq_ignore_ascii_case(c) && declares_column(&p, i),
            }
        });
        if let Some(i) = hit {
            let t = p.toks[i];
            return Some(NavTarget {
                file: src.file.clone(),
                range: statement_range(&src.sql, src.tokens.of(&src.sql.text), src.span),
                focus: src.sql.source_range(t.start, t.end),
            });
        }
        if column.is_none() {
            break;
        }
    }
    None
}

/// `CREATE TABLE|VIEW [IF NOT EXISTS] name` or `ALTER TABLE … RENAME TO name`.
fn declares_table(p: &Parsed<'_>, i: usize) -> bool {
    let mut b = i;
    while b > 0 && p.word(b - 1).is_some_and(|w| matches!(w.as_str(), "IF" | "NOT" | "EXISTS")) {
        b -= 1;
    }
    b > 0 && ((p.verb == "CREATE" && (p.is_word(b - 1, "TABLE") || p.is_word(b - 1, "VIEW"))) || (p.verb == "ALTER" && p.is_word(b - 1, "TO")))
}

/// The name of a column definition (`CREATE TABLE t (name …)`, an fts5 column,
/// `ADD [COLUMN] name`, `RENAME [COLUMN] a TO name`).
fn declares_column(p: &Parsed<'_>, i: usize) -> bool {
    if p.verb == "CREATE" {
        return p.owner[i].is_some() && !p.not_a_name[i] && (p.is_open(i.wrapping_sub(1)) || p.is_punct(i.wrapping_sub(1), ","))
            && p.toks[..i].iter().any(|t| t.is_word(p.sql, "TABLE"));
    }
    if p.verb == "ALTER" && i > 0 {
        let before = if p.is_word(i - 1, "COLUMN") { i.saturating_sub(2) } else { i - 1 };
        return p.is_word(before, "ADD") || (p.is_word(i - 1, "TO") && (0..i).any(|x| p.is_word(x, "RENAME")) && !p.table_pos[i]);
    }
    false
}

pub(crate) fn definition(a: &Analysis, infer: &Infer<'_>, offset: usize) -> Option<Vec<NavTarget>> {
    let n = name_at(infer, offset)?;
    let file = super::read_file(infer);
    let class = n.at.site.class.as_deref();
    let ddl = class_ddl(a, infer, &file, class);
    let (schema, _) = a.sql.schema(&class_id(infer.path, class), &ddl.ddl);
    let p = Parsed::new(&n.at.sql.text, &n.tokens, n.span);
    let target = p.resolve(&schema, n.index);
    Some(target.and_then(|t| declaration(&schema, &ddl, &t)).into_iter().collect())
}

/// Every mention of the table or column at `offset` in the queries and schema statements of
/// its class (the declaration included when asked).
pub(crate) fn references(a: &Analysis, path: &Path, offset: usize, include_declaration: bool) -> Vec<(PathBuf, TextRange)> {
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    let Some(n) = name_at(&infer, offset) else { return Vec::new() };
    let file = super::read_file(&infer);
    let class = n.at.site.class.clone();
    let ddl = class_ddl(a, &infer, &file, class.as_deref());
    let (schema, _) = a.sql.schema(&class_id(path, class.as_deref()), &ddl.ddl);
    let p = Parsed::new(&n.at.sql.text, &n.tokens, n.span);
    let Some(target) = p.resolve(&schema, n.index).filter(|t| !matches!(t, Target::Function(_))) else { return Vec::new() };
    let name = match &target {
        Target::Table(t) => t.clone(),
        Target::Column { column, .. } => column.clone(),
        Target::Function(_) => return Vec::new(),
    };
    let mut out: Vec<(PathBuf, TextRange)> = Vec::new();
    let mut scan = |file_path: &Path, sql: &SqlText, tokens: &[Token], span: lex::Span| {
        let p = Parsed::new(&sql.text, tokens, span);
        for i in 0..p.toks.len() {
            if p.ident(i).is_some_and(|x| x.eq_ignore_ascii_case(&name)) && p.resolve(&schema, i).as_ref() == Some(&target) {
                let t = p.toks[i];
                let r = sql.source_range(t.start, t.end);
                if !out.iter().any(|(f, x)| f == file_path && *x == r) {
                    out.push((file_path.to_path_buf(), r));
                }
            }
        }
    };
    for stmt in &file.stmts {
        let site = &file.sites[stmt.site];
        if site.class != class {
            continue;
        }
        if let Some((sql, tokens)) = &file.texts[stmt.site] {
            scan(path, sql, tokens.of(&sql.text), stmt.span);
        }
    }
    // Schema statements elsewhere (module-level helpers, base classes).
    for src in ddl.sources.iter().flatten() {
        scan(&src.file, &src.sql, src.tokens.of(&src.sql.text), src.span);
    }
    if !include_declaration
        && let Some(decl) = declaration(&schema, &ddl, &target) {
            out.retain(|(f, r)| !(*f == decl.file && *r == decl.focus));
        }
    out.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)));
    out
}

// ---------------------------------------------------------------------------------------
// Semantic tokens

/// The highlighted tokens of the embedded SQL of a file (only those that touch `range`,
/// when given), sorted and without overlaps.
pub(crate) fn semantic_tokens(a: &Analysis, path: &Path, range: Option<TextRange>) -> Vec<SqlToken> {
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    let text = infer.text();
    let sites: Vec<ExecSite> = match range {
        Some(r) => source::sites_in(&infer, r),
        None => {
            // The file's sites keep their known text in `texts`.
            let file = super::read_file(&infer);
            file.sites
                .into_iter()
                .zip(file.texts)
                .map(|(site, text)| match text {
                    Some((sql, _)) => ExecSite { query: Query::Known(sql), ..site },
                    None => site,
                })
                .collect()
        }
    };
    let mut schemas: HashMap<Option<String>, Arc<Schema>> = HashMap::new();
    let mut out = Vec::new();
    for site in &sites {
        let Query::Known(sql) = &site.query else { continue };
        if range.is_some_and(|r| site.arg.end < r.start || site.arg.start > r.end) {
            continue;
        }
        let schema = schemas.entry(site.class.clone()).or_insert_with(|| quick_schema(a, &infer, site.class.as_deref())).clone();
        let tokens = lex::tokenize(&sql.text);
        let split = lex::split(&sql.text, &tokens);
        let mut kinds: Vec<Option<SqlTokenKind>> = tokens.iter().map(|t| lexical_kind(&sql.text, t)).collect();
        for span in &split.statements {
            let p = Parsed::new(&sql.text, &tokens, *span);
            for (i, t) in p.toks.iter().enumerate() {
                if !matches!(t.kind, Tok::Word | Tok::Quoted) {
                    continue;
                }
                let kind = match p.resolve(&schema, i) {
                    Some(Target::Table(_)) => Some(SqlTokenKind::Table),
                    Some(Target::Column { .. }) => Some(SqlTokenKind::Column),
                    Some(Target::Function(_)) => Some(SqlTokenKind::Function),
                    None if t.kind == Tok::Word && is_keyword(t.text(&sql.text)) => Some(SqlTokenKind::Keyword),
                    None => None,
                };
                if let Some(ix) = tokens.iter().position(|x| x.start == t.start) {
                    kinds[ix] = kind;
                }
            }
        }
        for (t, kind) in tokens.iter().zip(kinds) {
            let Some(kind) = kind else { continue };
            // Text spliced in from a `${CONST}` has no characters of its own in the source.
            if (t.start..t.end).map(|k| sql.span(k)).any(|(s, _)| text.as_bytes().get(s as usize) == Some(&b'$') && text[s as usize..].starts_with("${")) {
                continue;
            }
            let r = sql.source_range(t.start, t.end);
            if r.is_empty() || range.is_some_and(|q| r.end <= q.start || r.start >= q.end) {
                continue;
            }
            // `||`, `<=`, `->>`: one operator, though the tokenizer reads one character at a time.
            if let Some(last) = out.last_mut().filter(|l: &&mut SqlToken| kind == SqlTokenKind::Operator && l.kind == kind && l.range.end == r.start) {
                last.range.end = r.end;
                continue;
            }
            out.push(SqlToken { range: r, kind });
        }
    }
    out.sort_by_key(|t| (t.range.start, t.range.end));
    let mut last_end = 0;
    out.retain(|t| {
        let keep = t.range.start >= last_end;
        if keep {
            last_end = t.range.end;
        }
        keep
    });
    out
}

/// The kind a token has on its own (literals, parameters, operators, comments).
fn lexical_kind(sql: &str, t: &Token) -> Option<SqlTokenKind> {
    match t.kind {
        Tok::Str => Some(SqlTokenKind::String),
        Tok::Number => Some(SqlTokenKind::Number),
        Tok::Param => Some(SqlTokenKind::Parameter),
        Tok::Comment => Some(SqlTokenKind::Comment),
        Tok::Other => {
            let s = t.text(sql);
            (!matches!(s, "," | ".")).then_some(SqlTokenKind::Operator)
        }
        Tok::Word if is_keyword(t.text(sql)) => Some(SqlTokenKind::Keyword),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// dols schema

/// The shadow schema of every class of the loaded sources that has one (some DDL of its own
/// or inherited), in file order.
pub(crate) fn class_schemas(a: &Analysis) -> Vec<ClassSchema> {
    let mut out = Vec::new();
    let paths: Vec<PathBuf> = a.files().filter(|(_, f)| matches!(f, crate::File::Source(_))).map(|(p, _)| p.to_path_buf()).collect();
    for path in paths {
        let Some(infer) = Infer::new(a, &path) else { continue };
        let file = super::read_file(&infer);
        for class in &infer.src.model.classes {
            let ddl = class_ddl(a, &infer, &file, Some(&class.name));
            if ddl.ddl.is_empty() {
                continue;
            }
            let (schema, _) = a.sql.schema(&class_id(&path, Some(&class.name)), &ddl.ddl);
            let complete = ddl.complete && !super::hands_out(&infer, &file).contains(&class.name);
            out.push(ClassSchema { file: path.clone(), class: class.name.clone(), complete, schema });
        }
    }
    out
}

/// The shadow schema of the class at `offset` in `path`: the class whose text holds it, else
/// the file's only class that has a schema. A class without DDL gets an empty schema.
pub(crate) fn class_schema_at(a: &Analysis, path: &Path, offset: usize) -> Option<ClassSchema> {
    let infer = Infer::new(a, path)?;
    let file = super::read_file(&infer);
    let classes = &infer.src.model.classes;
    let schema_of = |name: &str| {
        let ddl = class_ddl(a, &infer, &file, Some(name));
        let (schema, _) = a.sql.schema(&class_id(path, Some(name)), &ddl.ddl);
        let complete = ddl.complete && !super::hands_out(&infer, &file).iter().any(|c| c == name);
        (ddl.ddl.is_empty(), ClassSchema { file: path.to_path_buf(), class: name.to_string(), complete, schema })
    };
    if let Some(class) = classes.iter().find(|c| c.range.contains_inclusive(offset)) {
        return Some(schema_of(&class.name).1);
    }
    let mut with_ddl = classes.iter().map(|c| schema_of(&c.name)).filter(|(empty, _)| !empty);
    match (with_ddl.next(), with_ddl.next()) {
        (Some((_, one)), None) => Some(one),
        _ => None,
    }
}

impl ClassSchema {
    /// The schema as SQL, as `dols schema` prints it: a comment naming the class and
    /// `file` (as the caller wants it shown), then each statement SQLite stored, re-indented.
    pub fn to_sql(&self, file: &str) -> String {
        let mut out = format!("-- {} ({file})\n", self.class);
        if !self.complete {
            out.push_str("-- Part of this schema may come from code dols cannot see (a library base class, DDL built at run time).\n");
        }
        if self.schema.objects.is_empty() {
            out.push_str("-- No tables: the class creates none in the code dols reads.\n");
        }
        for o in &self.schema.objects {
            out.push_str(&reindent(&o.sql));
            out.push_str(";\n");
        }
        out
    }
}

/// A statement as SQLite stored it (with the indentation of the TypeScript around it),
/// its continuation lines moved to a two-space indent.
fn reindent(sql: &str) -> String {
    let mut lines = sql.trim().lines();
    let first = lines.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = lines.collect();
    let common = rest
        .iter()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with(')'))
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = first;
    for l in rest {
        let trimmed = l.trim_start();
        let body = if trimmed.starts_with(')') { trimmed } else { l.get(common..).unwrap_or(trimmed) };
        out.push('\n');
        if !body.starts_with(')') {
            out.push_str("  ");
        }
        out.push_str(body);
    }
    out
}

#[cfg(test)]
mod tests;
