//! SQL inside `sql.exec(...)`: each query is prepared against a shadow schema of its Durable
//! Object class, built by replaying the DDL that the class's own code runs.
//!
//! Where the checker cannot see everything (a query built at run time, DDL in a library base
//! class or handed to a helper elsewhere), it reports only what cannot depend on the unseen
//! part: syntax, statements the platform rejects, binding counts of fully known queries.

pub mod platform;
pub mod functions;
pub mod ide;
mod lex;
pub mod schema;
mod inject;
mod rows;
mod shadow;
mod share;
pub use shadow::configure_sqlite;
mod source;
mod tags;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use crate::syntax::NodeExt;
use crate::diagnostics::{Diagnostic, FileEdit, Fix, Severity};
use crate::infer::{DoKind, Infer, Ty};
use crate::project::ClassKey;
use crate::syntax::node_text;
use crate::text::TextRange;
use crate::Analysis;

pub(crate) use shadow::Engine;
pub(crate) use lex::Access;
use lex::{Tok, Token};
use shadow::{Denial, Outcome, SchemaFacts};
use source::{ExecSite, Query, SqlText, Wrapper};
use crate::segments::{Layout, Look, Memo, SegResult, Seg, SegmentNodes};
use std::sync::Arc;

pub const SYNTAX: &str = "sql-syntax";
pub const UNKNOWN_TABLE: &str = "sql-unknown-table";
pub const UNKNOWN_COLUMN: &str = "sql-unknown-column";
pub const UNKNOWN_FUNCTION: &str = "sql-unknown-function";
pub const BINDING_COUNT: &str = "sql-binding-count";
pub const TRANSACTION: &str = "sql-transaction-statement";
pub const PRAGMA: &str = "sql-pragma-not-allowed";
pub const RESERVED: &str = "sql-reserved-name";
pub const NOT_ALLOWED: &str = "sql-not-allowed";
pub const DDL_FAILED: &str = "sql-ddl-failed";
pub const ERROR: &str = "sql-error";
pub const QUOTED_STRING: &str = "sql-double-quoted-string";
pub const AWAIT_EXEC: &str = "sql-await-exec";
pub const INJECTION: &str = inject::CODE;
pub const ROW_MISSING: &str = "sql-row-missing-column";
pub const ROW_EXTRA: &str = "sql-row-extra-column";
pub const ROW_TYPE: &str = "sql-row-type-mismatch";

/// Packages whose base classes create tables of their own, read from `node_modules` when
/// installed (see [`package_schema`]).
pub const SCHEMA_PACKAGES: &[&str] = &["agents", "@cloudflare/ai-chat"];

/// The packages whose tables a library base class imported from `source` creates.
fn schema_packages(source: &str) -> Option<&'static [&'static str]> {
    match source {
        "agents" | "agents/mcp" | "agents/ai-chat-agent" => Some(&["agents"]),
        "@cloudflare/ai-chat" => Some(&["@cloudflare/ai-chat", "agents"]),
        _ => None,
    }
}

/// The schema statements of an installed package, in the order its files hold them.
#[derive(Debug, Default)]
pub struct PackageSchema {
    pub ddl: Vec<String>,
    /// No schema statement is built at run time (`CREATE TABLE ${name}`).
    pub complete: bool,
}

/// Reads the schema statements of a package from its JavaScript files: every string or
/// template literal whose statements are `CREATE` or `ALTER`. A schema statement with a
/// substitution makes the package's schema partly unknown.
pub fn package_schema(files: &[(PathBuf, String)]) -> PackageSchema {
    let mut out = PackageSchema { ddl: Vec::new(), complete: true };
    for (_, text) in files {
        if !text.contains("CREATE") && !text.contains("create") {
            continue;
        }
        let tree = crate::syntax::parse(crate::syntax::SourceKind::TypeScript, text, None);
        let mut cursor = tree.root_node().walk();
        let mut visit = |n: Node<'_>| match source::query_of(n, text, 0) {
            Query::Known(sql) => {
                let tokens = lex::tokenize(&sql.text);
                for span in lex::split(&sql.text, &tokens).statements {
                    let code = lex::code_tokens(&tokens, span);
                    let verb = lex::verb(&sql.text, &code);
                    // A message such as "CREATE TABLE failed" is not a statement: a CREATE
                    // has a column list or an `AS`, an ALTER or DROP names its object.
                    let shaped = match verb.as_str() {
                        "CREATE" => code.iter().any(|t| t.kind == Tok::Open || t.is_word(&sql.text, "AS")),
                        _ => code.len() >= 3 && code.iter().all(|t| !matches!(t.kind, Tok::Other) || t.text(&sql.text) == "."),
                    };
                    // DROPs are left out: a library drops its tables when an object is
                    // destroyed, and replaying that would leave none.
                    if lex::is_ddl_verb(&verb) && verb != "DROP" && shaped {
                        out.ddl.push(sql.text[span.start..span.end].trim().to_string());
                    }
                }
            }
            Query::Partial { prefix } => {
                let head = prefix.trim_start().to_ascii_uppercase();
                if ["CREATE ", "ALTER ", "DROP "].iter().any(|w| head.starts_with(w)) {
                    out.complete = false;
                }
            }
            Query::Unknown => {}
        };
        // Depth-first over the whole tree, visiting every literal.
        'walk: loop {
            let n = cursor.node();
            if matches!(n.kind_name(), "string" | "template_string") {
                visit(n);
            }
            if !matches!(n.kind_name(), "string") && cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
    }
    out
}

/// One statement of a known query, located in its site.
#[derive(Clone)]
struct Stmt {
    site: usize,
    /// The statement's range in the site's SQL text.
    span: lex::Span,
    /// The text handed to SQLite (UPDATE/DELETE `ORDER BY … LIMIT` tails blanked out, since
    /// the bundled parser lacks that platform extension).
    prepared: String,
    /// Blanking removed parameters: the parameter count is unknown.
    params_unknown: bool,
    verb: String,
    is_last: bool,
}

/// The SQL of one file's `exec` calls, split and classified.
struct FileSql {
    path: PathBuf,
    sites: Vec<ExecSite>,
    stmts: Vec<Stmt>,
    /// Per site: its decoded text and tokens (known queries only).
    texts: Vec<Option<(SqlText, Arc<Tokens>)>>,
    empties: Vec<(usize, lex::Span)>,
    /// Per site: the range of its statements in `stmts` (they are in site order).
    site_stmts: Vec<std::ops::Range<usize>>,
    /// The module-level functions that run SQL we see (they are not "other code").
    module_functions: Vec<String>,
}

/// One site with its SQL read: text, tokens, statements (their `site` is 0 until the file's
/// sites are numbered) and empty statements.
#[derive(Clone)]
struct SiteSql {
    /// The site; for a known query, its text is in `text` only.
    site: ExecSite,
    text: Option<(SqlText, Arc<Tokens>)>,
    stmts: Vec<Stmt>,
    empties: Vec<lex::Span>,
}

/// What one segment of a file contributes, with its positions encoded for the segment.
#[derive(Default)]
pub(crate) struct SegmentSql {
    sites: Vec<SiteSql>,
    wrappers: Vec<Wrapper>,
    /// The outer segment only: the module-level functions that run SQL we see.
    module_functions: Vec<String>,
}

/// The SQL-side results remembered per segment.
#[derive(Default)]
pub(crate) struct SqlMemo {
    segments: Memo<SegmentSql>,
    wrapper_calls: Memo<Vec<SiteSql>>,
    hands_out: Memo<Vec<String>>,
}

impl SqlMemo {
    pub fn forget(&self, path: &Path) {
        self.segments.forget(path);
        self.wrapper_calls.forget(path);
        self.hands_out.forget(path);
    }
}

/// A SQL text's tokens, made when first asked for: most query texts are one plain statement,
/// split and classified without them (see [`single_statement`]), and only a diagnostic or an
/// editor request needs them after that.
#[derive(Default)]
pub(crate) struct Tokens(std::sync::OnceLock<Vec<Token>>);

impl Tokens {
    fn made(tokens: Vec<Token>) -> Arc<Tokens> {
        Arc::new(Tokens(std::sync::OnceLock::from(tokens)))
    }

    /// The tokens, made from `sql` (the text they belong to) when first asked for.
    pub(crate) fn of<'t>(&'t self, sql: &str) -> &'t [Token] {
        self.0.get_or_init(|| lex::tokenize(sql))
    }
}

fn read_site(mut site: ExecSite) -> SiteSql {
    // The text is kept once, in `text`; the site only says that it is known.
    let sql = match &mut site.query {
        Query::Known(sql) => std::mem::take(sql),
        _ => return SiteSql { site, text: None, stmts: Vec::new(), empties: Vec::new() },
    };
    if let Some(stmt) = single_statement(&sql.text) {
        return SiteSql { site, text: Some((sql, Arc::default())), stmts: vec![stmt], empties: Vec::new() };
    }
    let tokens = lex::tokenize(&sql.text);
    let split = lex::split(&sql.text, &tokens);
    let stmts = statements(&sql.text, &tokens, &split);
    let text = Some((sql, Tokens::made(tokens)));
    SiteSql { site, text, stmts, empties: split.empty }
}

/// The statement of a text that is plainly one: no `;`, nothing that may open a comment (`-`,
/// `/`), and a first word that needs no looking further (`SELECT`, `INSERT`, `REPLACE`,
/// `VALUES`, `CREATE`; an `UPDATE` or `DELETE` may have a tail to blank out). It is what
/// [`statements`] makes of the text, without its tokens.
fn single_statement(sql: &str) -> Option<Stmt> {
    let b = sql.as_bytes();
    if memchr::memchr3(b';', b'-', b'/', b).is_some() {
        return None;
    }
    let start = b.iter().position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c))?;
    // A word: a letter or `_` first (a digit starts a number, `$` a parameter, `x'` a blob).
    if !(b[start].is_ascii_alphabetic() || b[start] == b'_') || (matches!(b[start], b'x' | b'X') && b.get(start + 1) == Some(&b'\'')) {
        return None;
    }
    let end = start + b[start..].iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$') || **c >= 0x80).count();
    let verb = sql[start..end].to_ascii_uppercase();
    if !matches!(verb.as_str(), "SELECT" | "INSERT" | "REPLACE" | "VALUES" | "CREATE") {
        return None;
    }
    Some(Stmt { site: 0, span: lex::Span { start: 0, end: sql.len() }, prepared: sql.to_string(), params_unknown: false, verb, is_last: true })
}

/// The statements of one SQL text, classified (their `site` is 0).
fn statements(sql: &str, tokens: &[Token], split: &lex::Split) -> Vec<Stmt> {
    let n = split.statements.len();
    split
        .statements
        .iter()
        .enumerate()
        .map(|(k, span)| {
            let code = lex::code_tokens(tokens, *span);
            let verb = lex::verb(sql, &code);
            let (prepared, params_unknown) = blank_limit_tail(sql, *span, &code, &verb);
            Stmt { site: 0, span: *span, prepared, params_unknown, verb, is_last: k + 1 == n }
        })
        .collect()
}

/// Reads the SQL of a file, re-reading only the segments whose text or context changed since
/// the last time (see `segments`).
fn read_file(infer: &Infer<'_>) -> FileSql {
    let a = infer.a;
    let path = infer.path;
    let layout = Layout::of(infer.src);
    let cfg = a.sql_settings_for(path);
    // The settings that change what a segment finds are part of its key.
    let cfg_key = {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&(&cfg.tags, &cfg.wrappers), &mut h);
        std::hash::Hasher::finish(&h)
    };
    let memo = &a.memo.sql;
    // Only calls whose text names `exec`, a configured wrapper or holds a template (a tag) can
    // be sites: the walk skips everything else.
    let mut words: Vec<&str> = vec!["exec", "`"];
    words.extend(cfg.wrappers.iter().map(|w| w.rsplit('.').next().unwrap_or(w)));
    let segments = memo.segments.run(
        infer,
        &layout,
        cfg_key,
        Look::Words(&words),
        |batch| {
            // Each thread asks its own questions (the inference context remembers answers).
            let Some(infer) = Infer::new(a, path) else { return batch.iter().map(|_| SegmentSql::default()).collect() };
            batch
                .into_iter()
                .map(|(seg, nodes)| {
                    infer.remember_nodes(&nodes);
                    let (sites, wrappers) = source::segment_sites(&infer, &nodes, &cfg);
                    // The module's SQL-running functions are what the outer segment's code defines.
                    let module_functions = if seg == Seg::Outer { module_sql_functions(&infer, &sites) } else { Vec::new() };
                    SegmentSql { sites: sites.into_iter().map(read_site).collect(), wrappers, module_functions }
                })
                .collect()
        },
        |seg, found| encode_segment(&layout, seg, found),
    );
    let parts: Vec<&SegmentSql> = segments
        .iter()
        .map(|(_, r)| match r {
            SegResult::Encoded(s) => &**s,
            SegResult::Plain(s) => s,
        })
        .collect();
    let wrappers: Vec<Wrapper> = parts.iter().flat_map(|s| s.wrappers.iter().cloned()).collect();
    let module_functions = parts.first().map(|s| s.module_functions.clone()).unwrap_or_default();
    // Each segment's sites as one list, moved as a whole; each site is moved once more, into
    // the file's lists in source order.
    let mut lists: Vec<Vec<SiteSql>> = Vec::with_capacity(segments.len() + 1);
    for (_, r) in segments {
        match r {
            SegResult::Encoded(s) => lists.push(s.sites.iter().map(|x| decode_site(&layout, x)).collect()),
            SegResult::Plain(s) => lists.push(s.sites),
        }
    }
    if !wrappers.is_empty() {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&(&wrappers, cfg_key), &mut h);
        let names: Vec<&str> = wrappers.iter().map(|w| w.name.as_str()).collect();
        let calls = memo.wrapper_calls.run(
            infer,
            &layout,
            std::hash::Hasher::finish(&h),
            Look::Words(&names),
            |batch| {
                let Some(infer) = Infer::new(a, path) else { return batch.iter().map(|_| Vec::new()).collect() };
                batch
                    .into_iter()
                    .map(|(_, nodes)| {
                        infer.remember_nodes(&nodes);
                        source::segment_wrapper_calls(&infer, &nodes, &wrappers).into_iter().map(read_site).collect::<Vec<_>>()
                    })
                    .collect()
            },
            |seg, calls| calls.iter().map(|c| encode_site(&layout, seg, c)).collect(),
        );
        for (_, r) in calls {
            match r {
                SegResult::Encoded(c) => lists.push(c.iter().map(|x| decode_site(&layout, x)).collect()),
                SegResult::Plain(c) => lists.push(c),
            }
        }
    }
    // Source order: by start, then as listed (a loop's sites share their call). A list is in
    // order already when its walk met the calls in order.
    for list in lists.iter_mut().filter(|l| !l.is_sorted_by_key(|s| s.site.call.start)) {
        list.sort_by_key(|s| s.site.call.start);
    }
    let mut order: Vec<(usize, u32)> = lists.iter().enumerate().flat_map(|(k, l)| l.iter().map(move |s| (s.site.call.start, k as u32))).collect();
    order.sort_unstable();
    let count = order.len();
    let mut file = FileSql {
        path: path.to_path_buf(),
        sites: Vec::with_capacity(count),
        stmts: Vec::with_capacity(lists.iter().flatten().map(|s| s.stmts.len()).sum()),
        texts: Vec::with_capacity(count),
        empties: Vec::new(),
        site_stmts: Vec::with_capacity(count),
        module_functions,
    };
    // Within a list the order is the list's own, so each list is taken from its front.
    let mut lists: Vec<std::vec::IntoIter<SiteSql>> = lists.into_iter().map(Vec::into_iter).collect();
    for (i, (_, k)) in order.into_iter().enumerate() {
        let s = lists[k as usize].next().expect("one site per entry");
        let first = file.stmts.len();
        file.stmts.extend(s.stmts.into_iter().map(|st| Stmt { site: i, ..st }));
        file.site_stmts.push(first..file.stmts.len());
        file.empties.extend(s.empties.into_iter().map(|e| (i, e)));
        file.texts.push(s.text);
        file.sites.push(s.site);
    }
    file
}

fn encode_segment(layout: &Layout, seg: Seg, s: &SegmentSql) -> Option<SegmentSql> {
    let sites = s.sites.iter().map(|x| encode_site(layout, seg, x)).collect::<Option<Vec<_>>>()?;
    Some(SegmentSql { sites, wrappers: s.wrappers.clone(), module_functions: s.module_functions.clone() })
}

fn encode_site(layout: &Layout, seg: Seg, s: &SiteSql) -> Option<SiteSql> {
    let mut out = s.clone();
    let range = |r: TextRange| layout.encode(seg, r);
    out.site.call = range(s.site.call)?;
    out.site.arg = range(s.site.arg)?;
    if let Some(r) = s.site.awaited {
        out.site.awaited = Some(range(r)?);
    }
    if let Some(r) = s.site.row_slot {
        out.site.row_slot = Some(range(r)?);
    }
    if let Some(row) = &mut out.site.row {
        row.range = range(row.range)?;
        row.body = range(row.body)?;
        for p in &mut row.props {
            p.range = range(p.range)?;
        }
    }
    let path = s.site.notes.first().map(|d| d.file.clone());
    for d in &mut out.site.notes {
        *d = crate::segments::encode_diagnostic(layout, seg, path.as_deref()?, d)?;
    }
    if let Some((sql, _)) = &mut out.text {
        encode_text(layout, seg, sql)?;
    }
    Some(out)
}

fn decode_site(layout: &Layout, s: &SiteSql) -> SiteSql {
    let mut out = s.clone();
    out.site.call = layout.decode(s.site.call);
    out.site.arg = layout.decode(s.site.arg);
    out.site.awaited = s.site.awaited.map(|r| layout.decode(r));
    out.site.row_slot = s.site.row_slot.map(|r| layout.decode(r));
    if let Some(row) = &mut out.site.row {
        row.range = layout.decode(row.range);
        row.body = layout.decode(row.body);
        for p in &mut row.props {
            p.range = layout.decode(p.range);
        }
    }
    for d in &mut out.site.notes {
        let file = d.file.clone();
        *d = crate::segments::decode_diagnostic(layout, &file, d);
    }
    if let Some((sql, _)) = &mut out.text {
        decode_text(layout, sql);
    }
    out
}

/// Each class's queries checked against its schema. What the class's database remembers is
/// taken first (one lookup per query); the rest is prepared on one thread when there is little
/// of it, else shared among the threads (see [`share`]).
fn check_classes(a: &Analysis, classes: &[(&shadow::ClassId, &[String], Vec<shadow::Ask<'_>>)]) -> Vec<shadow::ClassResult> {
    let known: Vec<(bool, Vec<Option<shadow::Outcome>>)> = classes.iter().map(|(id, ddl, queries)| a.sql.known(id, ddl, queries)).collect();
    // Per class: the positions of the queries to prepare.
    let pending: Vec<Vec<usize>> = known.iter().map(|(_, k)| (0..k.len()).filter(|&i| k[i].is_none()).collect()).collect();
    // A keystroke's one new statement is not worth another thread.
    let work: usize = pending.iter().map(Vec::len).sum();
    let threads = if work < 64 { 1 } else { crate::segments::threads() };
    let needs: Vec<share::ClassWork> = classes.iter().zip(&known).zip(&pending).map(|(((_, ddl, _), (build, _)), p)| share::ClassWork { build: *build, ddl: ddl.len(), pending: p.len() }).collect();
    // Each job: its class, and the positions of the queries it prepares. A class's jobs apart
    // take its pending queries from the end; its own job prepares the rest.
    let mut left: Vec<usize> = pending.iter().map(Vec::len).collect();
    let mut jobs: Vec<(share::Job, &[usize])> = share::plan(&needs, threads)
        .into_iter()
        .map(|j| {
            if !j.apart {
                return (j, &[][..]);
            }
            let end = left[j.class];
            left[j.class] -= j.pending;
            (j, &pending[j.class][left[j.class]..end])
        })
        .collect();
    for (j, positions) in jobs.iter_mut().filter(|(j, _)| !j.apart) {
        *positions = &pending[j.class][..left[j.class]];
    }
    enum Done {
        Own(shadow::ClassResult),
        Apart(Vec<shadow::Outcome>),
    }
    let run = |(j, positions): &(share::Job, &[usize])| {
        let (id, ddl, queries) = &classes[j.class];
        let asks: Vec<shadow::Ask<'_>> = positions.iter().map(|&i| queries[i]).collect();
        if j.apart { Done::Apart(a.sql.check_apart(ddl, &asks)) } else { Done::Own(a.sql.check(id, ddl, &asks)) }
    };
    let done: Vec<Done> = if jobs.len() > 1 && threads > 1 { crate::parallel::in_parallel(&jobs, run) } else { jobs.iter().map(run).collect() };
    // Fill in each class's outcomes in the order of its queries.
    let mut slots: Vec<Vec<Option<shadow::Outcome>>> = known.into_iter().map(|(_, k)| k).collect();
    let mut results: Vec<Option<shadow::ClassResult>> = classes.iter().map(|_| None).collect();
    for ((j, positions), d) in jobs.iter().zip(done) {
        let (id, ddl, queries) = &classes[j.class];
        let outcomes = match d {
            Done::Own(mut r) => {
                let own = std::mem::take(&mut r.queries);
                results[j.class] = Some(r);
                own
            }
            Done::Apart(outcomes) => {
                let asks: Vec<shadow::Ask<'_>> = positions.iter().map(|&i| queries[i]).collect();
                a.sql.remember(id, ddl, &asks, &outcomes);
                outcomes
            }
        };
        // A database that could not be built answers nothing: the class's outcomes stay
        // incomplete, and the class answers nothing.
        if outcomes.len() == positions.len() {
            for (&i, o) in positions.iter().zip(outcomes) {
                slots[j.class][i] = Some(o);
            }
        }
    }
    results
        .into_iter()
        .zip(slots)
        .map(|(r, slots)| {
            let mut r = r.expect("every class has a job of its own");
            r.queries = slots.into_iter().collect::<Option<Vec<_>>>().unwrap_or_default();
            r
        })
        .collect()
}

/// Makes the source offsets of SQL text relative to the one piece that holds them all, and
/// notes the piece.
fn encode_text(layout: &Layout, seg: Seg, sql: &mut SqlText) -> Option<()> {
    let (lo, hi) = sql.source_bounds().unwrap_or((0, 0));
    let (piece, start) = layout.piece(seg, TextRange::new(lo as usize, (hi as usize).max(lo as usize)))?;
    sql.shift(-(start as i64));
    sql.piece = Some(piece as u32);
    Some(())
}

fn decode_text(layout: &Layout, sql: &mut SqlText) {
    let piece = sql.piece.take().expect("an encoded text notes its piece") as usize;
    sql.shift(layout.piece_start(piece) as i64);
}

/// The statement text, with a top-level `ORDER BY … LIMIT …` tail of an UPDATE or DELETE
/// replaced by spaces (offsets stay put).
fn blank_limit_tail(sql: &str, span: lex::Span, code: &[Token], verb: &str) -> (String, bool) {
    let text = sql[span.start..span.end].to_string();
    if verb == "CREATE" || !matches!(lex::dml_verb(sql, code), Some("UPDATE" | "DELETE")) {
        return (text, false);
    }
    let mut depth = 0i32;
    let mut seen_verb = false;
    let mut cut = None;
    for t in code {
        match t.kind {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            Tok::Word if depth == 0 => {
                if t.is_word(sql, "UPDATE") || t.is_word(sql, "DELETE") {
                    seen_verb = true;
                } else if seen_verb && (t.is_word(sql, "ORDER") || t.is_word(sql, "LIMIT")) {
                    cut = Some(t.start);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(cut) = cut else { return (text, false) };
    let params = code.iter().any(|t| t.start >= cut && t.kind == Tok::Param);
    let rel = cut - span.start;
    // One space per byte of the tail, so that SQLite's offsets still match the text.
    let mut out = text[..rel].to_string();
    out.extend(std::iter::repeat_n(' ', text.len() - rel));
    (out, params)
}

/// A class's view of the schema: the DDL it runs and whether anything is hidden from us.
struct ClassPlan {
    ddl: Vec<String>,
    /// For each DDL statement: where it is in this file (site, span), when it is.
    ddl_origin: Vec<Option<(usize, usize)>>,
    /// For each DDL statement: where it is written (`None` for an installed package's), for
    /// navigation.
    ddl_source: Vec<Option<DdlAt>>,
    complete: bool,
    /// Some statement creates a table, view or virtual table.
    creates: bool,
    /// Migration files named in the settings apply: the user says where the schema comes
    /// from, so code that is handed the storage is taken to be what applies them.
    migrations: bool,
}

/// Where a schema statement is written.
#[derive(Clone, Debug)]
enum DdlAt {
    /// An `exec` call: the file (this one or a base class's) and the statement's index there.
    Code(PathBuf, usize),
    /// A `.sql` migration file and the statement's index in it.
    Script(PathBuf, usize),
}

pub(crate) fn diagnostics(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    check_file(a, path, None)
}

/// A `.sql` file read as one known query: its statements, with positions in the file.
pub(crate) struct Script(FileSql);

pub(crate) fn read_script(path: &Path, text: &str) -> Script {
    let sql = SqlText::direct(text, 0);
    let tokens = lex::tokenize(&sql.text);
    let stmts = statements(&sql.text, &tokens, &lex::split(&sql.text, &tokens));
    Script(FileSql {
        path: path.to_path_buf(),
        sites: Vec::new(),
        stmts,
        texts: vec![Some((sql, Tokens::made(tokens)))],
        empties: Vec::new(),
        site_stmts: Vec::new(),
        module_functions: Vec::new(),
    })
}

impl Script {
    /// The schema statements (CREATE, ALTER, DROP), with their index among all statements.
    fn ddl(&self) -> impl Iterator<Item = (usize, &Stmt)> {
        self.0.stmts.iter().enumerate().filter(|(_, s)| lex::is_ddl_verb(&s.verb))
    }
}

/// Replays the migration files that apply to `class` up to `upto`, and adds the failures of
/// `upto`'s own statements.
fn script_failures(a: &Analysis, upto: &Path, class: Option<&str>, out: &mut Vec<Diagnostic>) {
    let files = a.migrations_for(upto, class);
    let Some(end) = files.iter().position(|f| f == upto) else { return };
    let mut ddl: Vec<String> = Vec::new();
    let mut mine: Vec<Option<usize>> = Vec::new();
    for f in &files[..=end] {
        let Some(file) = a.sql_file(f) else { continue };
        for (ix, st) in file.script.ddl() {
            ddl.push(st.prepared.clone());
            mine.push((f == upto).then_some(ix));
        }
    }
    let Some(here) = a.sql_file(upto) else { return };
    let id = (upto.to_path_buf(), class.unwrap_or_default().to_string());
    let result = a.sql.check(&id, &ddl, &[]);
    let ctx = Ctx { path: upto, file: &here.script.0, facts: LazyFacts::new(&a.sql, &id, &ddl), complete: true, class };
    // After one statement fails, later failures of that kind may only echo it.
    let mut echoes = false;
    for (outcome, ix) in result.ddl.iter().zip(&mine) {
        let Outcome::Err(e) = outcome else { continue };
        let follows = e.denial.is_none() && !is_syntax(&e.message) && is_state_dependent(&e.message);
        let seen_before = echoes;
        echoes |= follows;
        if let Some(ix) = ix {
            let stmt = &here.script.0.stmts[*ix];
            // In code a failure may hang on which branch ran first; a migration file runs
            // after the same files every time, so a first failure is real.
            if follows && seen_before {
                continue;
            }
            if follows {
                let range = e.offset.map_or_else(|| ctx.stmt_range(stmt), |o| ctx.offset_range(stmt, o));
                out.push(ctx.diag(range, DDL_FAILED, format!("This schema statement fails: `{}`, after the migration files before it. Fix the statement or the order of the files.", e.message)));
            } else {
                out.extend(ctx.ddl_error(stmt, e, false));
            }
        }
    }
}

/// In a `dols.toml`: each `[sql] migrations` entry that names no `.sql` file.
pub(crate) fn migration_setting_checks(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let Some(crate::File::Settings(s)) = a.file(path) else { return Vec::new() };
    let Some(dir) = path.parent() else { return Vec::new() };
    let text = &*s.text;
    let key = text.find("migrations").unwrap_or(0);
    s.settings
        .sql
        .migrations
        .iter()
        .filter(|m| a.migration_files(dir, m).is_empty())
        .map(|m| {
            let range = ["\"", "'"]
                .iter()
                .find_map(|q| text[key..].find(&format!("{q}{}{q}", m.path)).map(|at| TextRange::new(key + at, key + at + m.path.len() + 2)))
                .unwrap_or_else(|| TextRange::new(key, key + "migrations".len().min(text.len() - key)));
            Diagnostic::new(
                path,
                range,
                Severity::Warning,
                crate::settings::SETTINGS_INVALID,
                format!("`{}` names no `.sql` file, so no schema is read from it. The path is relative to this file's folder: a folder (its `.sql` files run in name order), a `.sql` file, or a glob.", m.path),
            )
        })
        .collect()
}

/// The diagnostics of a `.sql` file: when `[sql] migrations` names it, the schema statements
/// that fail, replayed after the files before it (once for the entries of every class, once
/// for each class that has entries of its own). A file no entry names is not read: it may
/// be a D1 database's migration, or anything else.
pub(crate) fn script_diagnostics(a: &Analysis, path: &Path) -> Vec<Diagnostic> {
    let sources = a.migration_sources(path);
    let mut classes: std::collections::BTreeSet<Option<&str>> = [None].into();
    for (_, source) in &sources {
        classes.extend(source.classes.iter().map(|c| Some(c.as_str())));
    }
    let mut out = Vec::new();
    for class in classes {
        script_failures(a, path, class, &mut out);
    }
    out.sort_by(|x, y| x.range.cmp(&y.range).then(x.code.cmp(y.code)));
    out.dedup_by(|x, y| x.range == y.range && x.code == y.code);
    out
}

/// Code actions over `range` that are not fixes of a diagnostic: "Add the row type" on an
/// `exec` call (or an Agent's `this.sql`…``) without one, whose statement returns rows.
pub(crate) fn actions(a: &Analysis, path: &Path, range: TextRange) -> Vec<Fix> {
    let mut out = Vec::new();
    check_file(a, path, Some((range, &mut out)));
    out
}

/// The diagnostics of a file; with `assists`, also the row types that calls touching the
/// range could be given.
fn check_file(a: &Analysis, path: &Path, mut assists: Option<(TextRange, &mut Vec<Fix>)>) -> Vec<Diagnostic> {
    if a.sql_excluded(path) {
        return Vec::new();
    }
    let Some(infer) = Infer::new(a, path) else { return Vec::new() };
    let file = read_file(&infer);
    if file.sites.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Diagnostic> = file.sites.iter().flat_map(|s| s.notes.iter().cloned()).collect();
    for (i, span) in &file.empties {
        let Some((sql, toks)) = &file.texts[*i] else { continue };
        let toks = toks.of(&sql.text);
        // Point at the stray comment or `;` when there is one; an empty string as a whole.
        let range = if sql.text.is_empty() {
            file.sites[*i].arg
        } else {
            toks.iter()
                .find(|t| t.start >= span.start && t.end <= span.end && matches!(t.kind, Tok::Comment | Tok::Semi))
                .map_or_else(|| sql.source_range(span.start, span.end.max(span.start + 1)), |t| sql.source_range(t.start, t.end))
        };
        out.push(Diagnostic::new(
            path,
            range,
            Severity::Error,
            SYNTAX,
            "Empty SQL statement: Durable Objects reject an empty script, a doubled `;` and a comment after the final `;` (`SQL code did not contain a statement.`), after running the statements before it. Remove it.",
        ));
    }
    // `await` on the synchronous `exec`: harmless, but it misreads the API. Once per call.
    let mut awaited: Vec<TextRange> = file.sites.iter().filter_map(|s| s.awaited).collect();
    awaited.dedup();
    for range in awaited {
        out.push(Diagnostic::new(
            path,
            range,
            Severity::Hint,
            AWAIT_EXEC,
            "`sql.exec` is synchronous: it runs the statement and returns its cursor at once, so this `await` does nothing (and suggests other work could interleave here). Remove it.",
        ));
    }
    // Group sites by class (module-level sites under `None`).
    let mut groups: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, s) in file.sites.iter().enumerate() {
        groups.entry(s.class.clone()).or_default().push(i);
    }
    let mut other_files: HashMap<PathBuf, FileSql> = HashMap::new();
    // Each class's plan and queries; then every class checked on its own database.
    struct Group<'f> {
        in_group: Vec<bool>,
        plan: ClassPlan,
        id: shadow::ClassId,
        queries: Vec<&'f Stmt>,
    }
    let mut planned: Vec<Group<'_>> = Vec::with_capacity(groups.len());
    for (class, site_ids) in &groups {
        let mut in_group = vec![false; file.sites.len()];
        for i in site_ids {
            in_group[*i] = true;
        }
        let plan = class_plan(a, &infer, &file, class.as_deref(), &mut other_files);
        let id = (path.to_path_buf(), class.clone().unwrap_or_default());
        let queries: Vec<&Stmt> = file
            .stmts
            .iter()
            .filter(|s| in_group[s.site] && !lex::is_ddl_verb(&s.verb) && !lex::TRANSACTION_VERBS.contains(&s.verb.as_str()))
            .collect();
        planned.push(Group { in_group, plan, id, queries });
    }
    // Result columns are read only where a row type is compared, or may be written.
    let wants_columns = |stmt: &Stmt| {
        let site = &file.sites[stmt.site];
        stmt.is_last
            && (site.row.is_some()
                || site.row_slot.is_some() && assists.as_ref().is_some_and(|(range, _)| site.call.start <= range.end && range.start <= site.call.end))
    };
    let asks: Vec<_> = planned
        .iter()
        .map(|g| (&g.id, g.plan.ddl.as_slice(), g.queries.iter().map(|s| shadow::Ask { text: s.prepared.as_str(), columns: wants_columns(s) }).collect()))
        .collect();
    let results = check_classes(a, &asks);
    for ((class, site_ids), (g, result)) in groups.iter().zip(planned.iter().zip(results)) {
        let (in_group, plan, queries) = (&g.in_group, &g.plan, &g.queries);
        // A schema statement that failed leaves its tables out: judging queries against the
        // rest would only echo that failure.
        let ddl_ok = result.ddl.iter().all(|o| match o {
            Outcome::Ok { .. } => true,
            Outcome::Err(e) => e.denial.is_none() && is_state_dependent(&e.message),
        });
        let mut complete = plan.complete && ddl_ok;
        // Code elsewhere that gets the class's storage may create tables we cannot see; that
        // matters only where completeness decides a report: a failed query, a `"word"` read
        // as a string, a row type.
        if complete
            && !plan.migrations
            && let Some(name) = class.as_deref()
            && (result.queries.iter().any(|o| matches!(o, Outcome::Err(_) | Outcome::Ok { quoted_string: Some(_), .. }))
                || site_ids.iter().any(|&i| file.sites[i].row.is_some()))
        {
            complete = !hands_out(&infer, &file).iter().any(|c| c == name);
        }
        let ctx = Ctx { path, file: &file, facts: LazyFacts::new(&a.sql, &g.id, &plan.ddl), complete, class: class.as_deref() };
        for (outcome, origin) in result.ddl.iter().zip(&plan.ddl_origin) {
            let Some((site, stmt_ix)) = origin else { continue };
            if let Outcome::Err(e) = outcome {
                out.extend(ctx.ddl_error(&file.stmts[*stmt_ix], e, file.sites[*site].in_try));
            }
        }
        for (stmt, outcome) in queries.iter().zip(&result.queries) {
            out.extend(ctx.query_outcome(stmt, outcome));
            if let Some((range, fixes)) = assists.as_mut() {
                let site = &file.sites[stmt.site];
                if let (Some(slot), Outcome::Ok { columns: Some(columns), .. }) = (site.row_slot, outcome)
                    && stmt.is_last
                    && !columns.is_empty()
                    && site.call.start <= range.end
                    && range.start <= site.call.end
                {
                    let (sql, toks) = ctx.text_of(stmt);
                    let code = lex::code_tokens(toks, stmt.span);
                    let outer = code.iter().any(|t| ["LEFT", "RIGHT", "FULL", "UNION", "INTERSECT", "EXCEPT"].iter().any(|w| t.is_word(&sql.text, w)));
                    fixes.push(Fix {
                        title: "Add the row type the query returns".to_string(),
                        edits: vec![FileEdit { file: path.to_path_buf(), range: slot, new_text: format!("<{}>", rows::literal(columns, !outer)) }],
                    });
                }
            }
        }
        for stmt in file.stmts.iter().filter(|s| in_group[s.site]) {
            if lex::TRANSACTION_VERBS.contains(&stmt.verb.as_str()) {
                out.push(ctx.transaction(stmt));
            }
        }
    }
    // Statements written to fail on purpose are fine: in a test's `expect(...).toThrow()`,
    // under a `try` whose `catch` swallows the failure, and under any `try` in a test file.
    let test_file = crate::project::is_test_file(path);
    let on_purpose: Vec<TextRange> = file
        .sites
        .iter()
        .filter(|s| s.expects_failure || s.failure_swallowed || (test_file && s.in_try))
        .map(|s| if s.arg.start < s.call.start || s.arg.end > s.call.end { s.arg } else { s.call })
        .collect();
    out.retain(|d| !on_purpose.iter().any(|r| r.contains_range(d.range)));
    out.sort_by(|x, y| x.range.cmp(&y.range).then(x.code.cmp(y.code)));
    out.dedup_by(|x, y| x.range == y.range && x.code == y.code && x.message == y.message);
    out
}

/// The DDL a class runs, in order, and whether its schema is fully visible.
fn class_plan(
    a: &Analysis,
    infer: &Infer<'_>,
    file: &FileSql,
    class: Option<&str>,
    other_files: &mut HashMap<PathBuf, FileSql>,
) -> ClassPlan {
    let mut plan = ClassPlan { ddl: Vec::new(), ddl_origin: Vec::new(), ddl_source: Vec::new(), complete: true, creates: false, migrations: false };
    let mut chain: Vec<ClassKey> = Vec::new();
    match class {
        Some(name) => {
            let key = ClassKey { file: file.path.clone(), name: name.to_string() };
            chain = infer.class_chain(&key);
            let kind = infer.do_kind(&key);
            let unseen_base = chain.last().and_then(|k| infer.class(k)).is_some_and(|c| c.extends.is_some());
            let library = (kind == DoKind::Library).then(|| library_schema(a, infer, &key)).flatten();
            if let Some(schemas) = &library {
                // The library's own tables come first: its constructor runs before the class's.
                for schema in schemas {
                    plan.complete &= schema.complete;
                    for stmt in &schema.ddl {
                        plan.creates |= stmt.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("CREATE"));
                        plan.ddl.push(stmt.clone());
                        plan.ddl_origin.push(None);
                        plan.ddl_source.push(None);
                    }
                }
            } else if !(kind == DoKind::Extends || (kind == DoKind::Legacy && !unseen_base)) {
                // A library base class (Agent, Server, …) not installed, or a class that is
                // not a Durable Object at all: its tables may come from code we cannot see.
                plan.complete = false;
            }
            if infer.class(&key).is_none() || is_extended(infer, &key) {
                plan.complete = false;
            }
        }
        None => plan.complete = false,
    }
    // Migration files named in the settings run before the class's own statements.
    for f in a.migrations_for(&file.path, class) {
        let Some(script) = a.sql_file(&f) else { continue };
        plan.migrations = true;
        for (ix, st) in script.script.ddl() {
            plan.creates |= st.verb == "CREATE";
            plan.ddl.push(st.prepared.clone());
            plan.ddl_origin.push(None);
            plan.ddl_source.push(Some(DdlAt::Script(f.clone(), ix)));
        }
    }
    // Deepest base first, then the class; module-level helpers of each file in source order
    // among that file's class code.
    let mut files_done: Vec<PathBuf> = Vec::new();
    for k in chain.iter().rev() {
        let is_here = k.file == file.path;
        if !is_here && !other_files.contains_key(&k.file)
            && let Some(other) = Infer::new(a, &k.file) {
                other_files.insert(k.file.clone(), read_file(&other));
            }
        let f = if is_here { file } else if let Some(f) = other_files.get(&k.file) { f } else { plan.complete = false; continue };
        let include_module = !files_done.contains(&k.file);
        files_done.push(k.file.clone());
        add_ddl(&mut plan, f, is_here, |s| s.class.as_deref() == Some(k.name.as_str()) || (include_module && s.class.is_none()));
    }
    if chain.is_empty() {
        add_ddl(&mut plan, file, true, |s| s.class.is_none());
    }
    if !plan.creates {
        // No table is created anywhere we can see: the schema comes from elsewhere.
        plan.complete = false;
    }
    plan
}

/// The schemas of the installed packages whose base class the class is built on, when all
/// of them are installed.
fn library_schema<'a>(a: &'a Analysis, infer: &Infer<'_>, key: &ClassKey) -> Option<Vec<&'a PackageSchema>> {
    for k in infer.class_chain(key) {
        let class = infer.class(&k)?;
        let Some(base) = class.extends.as_deref() else { continue };
        let src = a.source(&k.file)?;
        let root = base.split('.').next().unwrap_or(base);
        if let Some(import) = src.model.imports.iter().find(|i| i.local == root) {
            if import.source.starts_with('.') {
                continue;
            }
            return schema_packages(&import.source)?.iter().map(|p| a.package_schema(p)).collect();
        }
    }
    None
}

fn add_ddl(plan: &mut ClassPlan, f: &FileSql, is_here: bool, wanted: impl Fn(&ExecSite) -> bool) {
    for (i, site) in f.sites.iter().enumerate() {
        if !wanted(site) {
            continue;
        }
        match &site.query {
            Query::Known(_) => {}
            Query::Partial { prefix } => {
                let head = prefix.trim_start().to_ascii_uppercase();
                if head.is_empty() || ["CREATE", "ALTER", "DROP"].iter().any(|w| head.starts_with(w) || w.starts_with(head.as_str())) {
                    plan.complete = false;
                }
                continue;
            }
            // A private wrapper's own `exec(param)`: its calls are sites of their own.
            Query::Unknown if site.wrapper => continue,
            Query::Unknown => {
                plan.complete = false;
                continue;
            }
        }
        for ix in f.site_stmts[i].clone() {
            let st = &f.stmts[ix];
            if lex::is_ddl_verb(&st.verb) {
                plan.creates |= st.verb == "CREATE";
                plan.ddl.push(st.prepared.clone());
                plan.ddl_origin.push(is_here.then_some((i, ix)));
                plan.ddl_source.push(Some(DdlAt::Code(f.path.clone(), ix)));
            }
        }
    }
}

/// Whether another class of the project extends this one: a base class may query tables
/// that its subclasses create.
fn is_extended(infer: &Infer<'_>, key: &ClassKey) -> bool {
    let files: Vec<&Path> = match infer.project {
        Some(p) => p.sources.iter().map(PathBuf::as_path).collect(),
        None => vec![infer.path],
    };
    files.iter().filter_map(|f| infer.a.source(f)).any(|src| {
        src.model.classes.iter().any(|c| c.extends.as_deref().is_some_and(|b| b.rsplit('.').next() == Some(key.name.as_str())))
    })
}

/// Module-level functions whose `exec` calls we see (their DDL is part of every class of the
/// file), given the sites of the outer segment.
fn module_sql_functions(infer: &Infer<'_>, outer_sites: &[ExecSite]) -> Vec<String> {
    let text = infer.text();
    let root = infer.src.tree.root_node();
    let mut c = root.walk();
    root.named_children(&mut c)
        .filter_map(|n| {
            let n = if n.kind_name() == "export_statement" { n.field("declaration")? } else { n };
            if n.kind_name() != "function_declaration" {
                return None;
            }
            let runs_sql = outer_sites.iter().any(|s| s.class.is_none() && n.start_byte() <= s.call.start && s.call.end <= n.end_byte());
            runs_sql.then(|| n.field("name")).flatten().map(|x| node_text(x, text).to_string())
        })
        .collect()
}

/// The classes whose storage (or whole object) some code of the file hands to other code
/// (see [`hands_out_in`]). Asked for only when the answer can change a diagnostic: it types
/// the arguments of every call.
fn hands_out(infer: &Infer<'_>, file: &FileSql) -> Vec<String> {
    let layout = Layout::of(infer.src);
    let key = {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&file.module_functions, &mut h);
        std::hash::Hasher::finish(&h)
    };
    let found = infer.a.memo.sql.hands_out.run(
        infer,
        &layout,
        key,
        Look::Everything,
        |batch| {
            let Some(infer) = Infer::new(infer.a, infer.path) else { return batch.iter().map(|_| Vec::new()).collect() };
            batch
                .into_iter()
                .map(|(seg, nodes)| {
                    infer.remember_nodes(&nodes);
                    hands_out_in(&infer, &layout, seg, &nodes, &file.module_functions)
                })
                .collect()
        },
        |_, classes| Some(classes.clone()),
    );
    let mut out: Vec<String> = Vec::new();
    for (_, r) in found {
        let classes = match &r {
            SegResult::Encoded(c) => &**c,
            SegResult::Plain(c) => c,
        };
        for c in classes {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// The classes whose storage (or whole object) one segment hands to code outside this file's
/// module-level functions: a helper elsewhere may create tables we cannot see. A function that
/// runs SQL through a receiver we do not recognise (`obj.ctx.storage.sql` with `obj: MyObject`)
/// is as hidden as code in another module.
fn hands_out_in<'t>(infer: &Infer<'t>, layout: &Layout, seg: Seg, nodes: &SegmentNodes<'t>, module_functions: &[String]) -> Vec<String> {
    let text = infer.text();
    let typed_storage = |n: Node<'t>| -> bool {
        n.kind_name() == "this"
            || matches!(n.kind_name(), "identifier" | "member_expression" | "non_null_expression" | "as_expression")
                && matches!(infer.type_of(n), Some(Ty::Api(r)) if r == "SqlStorage" || r == crate::infer::STORAGE || r == crate::infer::STATE)
    };
    // Also inside an options object or array: `new DODialect({ ctx })`, `drizzle({ storage: this.ctx.storage })`.
    let storage_like = |n: Node<'t>| -> bool {
        if typed_storage(n) {
            return true;
        }
        if !matches!(n.kind_name(), "object" | "array") {
            return false;
        }
        let mut c = n.walk();
        n.named_children(&mut c).any(|item| match item.kind_name() {
            "shorthand_property_identifier" => matches!(node_text(item, text), "ctx" | "state" | "storage" | "sql"),
            "pair" => item.field("value").is_some_and(typed_storage),
            _ => typed_storage(item),
        })
    };
    let classes = &infer.src.model.classes;
    let mut out: Vec<String> = Vec::new();
    for &n in nodes.calls.iter().chain(&nodes.news) {
        // The class around the call: the body's own, or in the outer segment the innermost
        // class whose text holds it.
        let class = match layout.class_of(seg) {
            Some(c) => Some(c),
            None => classes
                .iter()
                .filter(|c| c.range.start <= n.start_byte() && n.end_byte() <= c.range.end)
                .min_by_key(|c| c.range.len())
                .map(|c| c.name.as_str()),
        };
        let Some(class) = class else { continue };
        if out.iter().any(|c| c == class) {
            continue;
        }
        let callee = n.field("function").or_else(|| n.field("constructor"));
        let local_helper = callee.is_some_and(|c| c.kind_name() == "super" || (c.kind_name() == "identifier" && module_functions.iter().any(|f| f == node_text(c, text))));
        if !local_helper
            && let Some(args) = n.field("arguments")
        {
            let mut c = args.walk();
            if args.named_children(&mut c).any(storage_like) {
                out.push(class.to_string());
            }
        }
    }
    out
}

/// A class's replay facts, asked of its database when a diagnostic first needs them (a
/// failed query): a correct file never does.
struct LazyFacts<'a> {
    engine: &'a shadow::Engine,
    id: &'a shadow::ClassId,
    ddl: &'a [String],
    got: std::cell::OnceCell<Arc<SchemaFacts>>,
}

impl<'a> LazyFacts<'a> {
    fn new(engine: &'a shadow::Engine, id: &'a shadow::ClassId, ddl: &'a [String]) -> Self {
        LazyFacts { engine, id, ddl, got: std::cell::OnceCell::new() }
    }

    fn get(&self) -> &SchemaFacts {
        self.got.get_or_init(|| self.engine.facts(self.id, self.ddl))
    }
}

struct Ctx<'a> {
    path: &'a Path,
    file: &'a FileSql,
    facts: LazyFacts<'a>,
    complete: bool,
    class: Option<&'a str>,
}

impl Ctx<'_> {
    fn text_of(&self, stmt: &Stmt) -> (&SqlText, &[Token]) {
        let (sql, toks) = self.file.texts[stmt.site].as_ref().expect("statements come from known queries");
        (sql, toks.of(&sql.text))
    }

    /// The source range of the whole statement (its code, without surrounding space).
    fn stmt_range(&self, stmt: &Stmt) -> TextRange {
        let (sql, toks) = self.text_of(stmt);
        let code = lex::code_tokens(toks, stmt.span);
        match (code.first(), code.last()) {
            (Some(f), Some(l)) => sql.source_range(f.start, l.end),
            _ => sql.source_range(stmt.span.start, stmt.span.end),
        }
    }

    /// The source range of the token at SQLite's error offset.
    fn offset_range(&self, stmt: &Stmt, offset: usize) -> TextRange {
        let (sql, toks) = self.text_of(stmt);
        let at = stmt.span.start + offset;
        let tok = toks
            .iter()
            .find(|t| t.end > at && !t.is_trivia() && t.start >= stmt.span.start && t.end <= stmt.span.end)
            .filter(|t| t.start <= at || t.start < stmt.span.end);
        match tok {
            Some(t) => sql.source_range(t.start, t.end),
            None => self.stmt_range(stmt),
        }
    }

    /// The source range of the first name token spelling `name` (quoted or not).
    fn name_range(&self, stmt: &Stmt, name: &str) -> TextRange {
        let (sql, toks) = self.text_of(stmt);
        let last = name.rsplit('.').next().unwrap_or(name);
        toks.iter()
            .filter(|t| t.start >= stmt.span.start && t.end <= stmt.span.end)
            .find(|t| t.ident(&sql.text).is_some_and(|i| i.eq_ignore_ascii_case(last)))
            .map(|t| sql.source_range(t.start, t.end))
            .unwrap_or_else(|| self.stmt_range(stmt))
    }

    fn diag(&self, range: TextRange, code: &'static str, message: String) -> Diagnostic {
        Diagnostic::new(self.path, range, Severity::Error, code, message)
    }

    fn class_label(&self) -> String {
        if self.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql")) {
            // A migration file, replayed by every class its entry names.
            return match self.class {
                Some(c) => format!("`{c}`"),
                None => "every class that replays this file".to_string(),
            };
        }
        match self.class {
            Some(c) => format!("`{c}`"),
            None => "this module".to_string(),
        }
    }

    /// "`items` (id, name)" for the tables a statement names, to say what exists.
    fn columns_in(&self, stmt: &Stmt) -> String {
        let (sql, toks) = self.text_of(stmt);
        let named: Vec<String> = lex::code_tokens(toks, stmt.span).iter().filter_map(|t| t.ident(&sql.text)).map(|n| n.to_lowercase()).collect();
        let listed: Vec<String> = self
            .facts
            .get()
            .columns
            .iter()
            .filter(|(t, _)| named.contains(&t.to_lowercase()))
            .map(|(t, cols)| format!("`{t}` ({})", cols.join(", ")))
            .collect();
        if listed.is_empty() { "the tables this statement uses".to_string() } else { listed.join(", ") }
    }

    fn transaction(&self, stmt: &Stmt) -> Diagnostic {
        let (sql, toks) = self.text_of(stmt);
        let code = lex::code_tokens(toks, stmt.span);
        let range = code.iter().find(|t| t.kind == Tok::Word).map_or_else(|| self.stmt_range(stmt), |t| sql.source_range(t.start, t.end));
        self.diag(
            range,
            TRANSACTION,
            format!(
                "`{}` cannot run through `sql.exec`: Durable Objects reject SQL transaction statements. Wrap the statements in `this.ctx.storage.transactionSync(() => {{ … }})` (or `transaction(async () => …)`), which rolls back if the callback throws.",
                stmt.verb
            ),
        )
    }

    fn denial(&self, stmt: &Stmt, d: &Denial) -> Option<Diagnostic> {
        let (sql, toks) = self.text_of(stmt);
        Some(match d {
            Denial::Pragma(name) => self.diag(
                self.name_range(stmt, name),
                PRAGMA,
                format!("`PRAGMA {name}` is not allowed in Durable Objects (`not authorized`). Allowed: table_list, table_info, table_xinfo, index_list, index_info, index_xinfo, foreign_key_list, foreign_key_check, quick_check, optimize, data_version, page_size (read), and the boolean settings foreign_keys, defer_foreign_keys, case_sensitive_like, ignore_check_constraints, legacy_alter_table, recursive_triggers, reverse_unordered_selects. To track a schema version, keep it in a table of your own."),
            ),
            Denial::Reserved(name) => self.diag(
                self.name_range(stmt, name),
                RESERVED,
                format!("`{name}` starts with `_cf_`, a prefix Durable Objects reserve for their internal tables (`not authorized`): choose another name."),
            ),
            Denial::Transaction => self.transaction(stmt),
            Denial::Attach => self.diag(self.stmt_range(stmt), NOT_ALLOWED, "Durable Objects have exactly one database: `ATTACH`/`DETACH` are not authorized. Keep the data in tables of this database.".into()),
            Denial::Temp => {
                let code = lex::code_tokens(toks, stmt.span);
                let range = code
                    .iter()
                    .find(|t| t.is_word(&sql.text, "TEMP") || t.is_word(&sql.text, "TEMPORARY") || t.ident(&sql.text).is_some_and(|i| i.eq_ignore_ascii_case("temp")))
                    .map_or_else(|| self.stmt_range(stmt), |t| sql.source_range(t.start, t.end));
                self.diag(range, NOT_ALLOWED, "Temporary tables, views, indexes and triggers are not authorized in Durable Objects: create a regular one (and drop it when done).".into())
            }
            Denial::VirtualModule(m) => self.diag(
                self.name_range(stmt, m),
                NOT_ALLOWED,
                format!("The virtual table module `{m}` is not available in Durable Objects (`not authorized`): only fts5, fts5vocab, rtree and rtree_i32 are."),
            ),
            Denial::Function(name) if name == "load_extension" => self.diag(
                self.name_range(stmt, "load_extension"),
                NOT_ALLOWED,
                "Durable Objects cannot load SQLite extensions: `load_extension` is not authorized.".into(),
            ),
            Denial::Function(name) => self.diag(
                self.name_range(stmt, name),
                NOT_ALLOWED,
                format!("`{name}()` is not authorized in Durable Objects: it reports on the engine build, which the platform keeps to itself. Remove the call."),
            ),
        })
    }

    fn ddl_error(&self, stmt: &Stmt, e: &shadow::SqlError, in_try: bool) -> Option<Diagnostic> {
        if let Some(d) = &e.denial {
            return self.denial(stmt, d);
        }
        if is_syntax(&e.message) {
            return Some(self.syntax(stmt, e));
        }
        if in_try || is_state_dependent(&e.message) {
            return None;
        }
        let range = e.offset.map_or_else(|| self.stmt_range(stmt), |o| self.offset_range(stmt, o));
        Some(self.diag(range, DDL_FAILED, format!("This schema statement fails: `{}`. Every query of {} that depends on it fails too; fix the statement.", e.message, self.class_label())))
    }

    fn syntax(&self, stmt: &Stmt, e: &shadow::SqlError) -> Diagnostic {
        let range = match e.offset {
            Some(o) => self.offset_range(stmt, o),
            None => {
                // `incomplete input`: point at the end of the statement.
                let (sql, toks) = self.text_of(stmt);
                let code = lex::code_tokens(toks, stmt.span);
                code.last().map_or_else(|| self.stmt_range(stmt), |t| sql.source_range(t.start, t.end))
            }
        };
        self.diag(range, SYNTAX, format!("SQL syntax error: {}. SQLite cannot parse this statement, so `exec` throws.", e.message))
    }

    fn query_outcome(&self, stmt: &Stmt, outcome: &Outcome) -> Vec<Diagnostic> {
        let site = &self.file.sites[stmt.site];
        match outcome {
            Outcome::Ok { params, quoted_string, columns } => {
                let mut out = Vec::new();
                if stmt.is_last
                    && let Some(row) = &site.row
                    && let Some(columns) = columns.as_ref().filter(|c| !c.is_empty())
                {
                    out.extend(self.row_type(stmt, row, columns));
                }
                // With part of the schema hidden, the word may well be a column.
                if let Some(o) = quoted_string.filter(|_| self.complete) {
                    let range = self.offset_range(stmt, o);
                    let (sql, _) = self.text_of(stmt);
                    let word = self.file.texts[stmt.site].as_ref().and_then(|(_, toks)| {
                        toks.of(&sql.text).iter().find(|t| sql.source_range(t.start, t.end) == range).map(|t| t.text(&sql.text).to_string())
                    });
                    if let Some(word) = word.filter(|w| w.starts_with('"')) {
                        let inner = word.trim_matches('"');
                        out.push(Diagnostic::new(
                            self.path,
                            range,
                            Severity::Hint,
                            QUOTED_STRING,
                            format!("{word} names no column, so SQLite reads it as the text '{inner}'. Double quotes are for names: write '{inner}' for text (a later column of that name would silently change the meaning)."),
                        ));
                    }
                }
                if *params > 0 && !stmt.is_last {
                    out.push(self.diag(
                        self.stmt_range(stmt),
                        BINDING_COUNT,
                        "Only the last statement of a multi-statement `exec` may have parameters (the platform throws otherwise): run this statement in its own `exec` call.".into(),
                    ));
                }
                if stmt.is_last && !stmt.params_unknown
                    && let Some(n) = site.bindings
                        && n != *params {
                            out.push(self.diag(
                                TextRange::new(site.arg.start, site.call.end),
                                BINDING_COUNT,
                                format!(
                                    "This statement has {params} parameter{} but {n} binding{} {} passed: `exec` throws `Wrong number of parameter bindings for SQL query.` {}",
                                    if *params == 1 { "" } else { "s" },
                                    if n == 1 { "" } else { "s" },
                                    if n == 1 { "is" } else { "are" },
                                    if site.tagged {
                                        "In a tagged template each `${}` is bound as a `?`: write no `?` of your own, put the value in a `${}`."
                                    } else if site.array_binding {
                                        "`exec` takes the values as separate arguments, not as an array: spread it (`exec(query, ...values)`) or list them."
                                    } else {
                                        "Pass exactly one value per parameter (`?NNN` counts up to the highest index)."
                                    },
                                ),
                            ));
                        }
                out
            }
            Outcome::Err(e) => self.query_error(stmt, e).into_iter().collect(),
        }
    }

    /// The row type written at the call against the statement's result columns.
    fn row_type(&self, stmt: &Stmt, row: &rows::RowType, columns: &[shadow::ResultColumn]) -> Vec<Diagnostic> {
        let (sql, toks) = self.text_of(stmt);
        let code = lex::code_tokens(toks, stmt.span);
        // An outer join can make any column NULL; a `*` returns whatever the table has,
        // which hidden schema code may have changed.
        let outer = code.iter().any(|t| ["LEFT", "RIGHT", "FULL"].iter().any(|w| t.is_word(&sql.text, w)));
        let star = code.iter().any(|t| t.text(&sql.text) == "*") && code.iter().any(|t| t.is_word(&sql.text, "SELECT") || t.is_word(&sql.text, "RETURNING"));
        let compound = code.iter().any(|t| ["UNION", "INTERSECT", "EXCEPT"].iter().any(|w| t.is_word(&sql.text, w)));
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        let returned = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let label = row.name.as_deref().map_or_else(|| "the row type".to_string(), |n| format!("`{n}`"));
        let fix = Fix {
            title: "Write the row type the query returns".to_string(),
            edits: vec![FileEdit { file: self.path.to_path_buf(), range: row.body, new_text: rows::literal(columns, !outer && !compound) }],
        };
        let mut out = Vec::new();
        // Inline, at the property; a named type, at the type argument of this call.
        let at = |p: &rows::RowProp| if row.name.is_none() { p.range } else { row.range };
        for p in &row.props {
            let Some(col) = columns.iter().find(|c| c.name == p.name) else {
                if !p.optional && (self.complete || !star) {
                    out.push(
                        Diagnostic::new(
                            self.path,
                            at(p),
                            Severity::Error,
                            ROW_MISSING,
                            format!("{} has `{}`, but the query returns no such column (it returns {returned}): the property is always `undefined`. Fix the name, alias a column `AS {}`, or remove the property.", capitalized(&label), p.name, p.name),
                        )
                        .with_fix(fix.clone()),
                    );
                }
                continue;
            };
            let (Some(origin), Some(ts)) = (&col.origin, p.ty.as_deref().and_then(rows::read_ts_type)) else { continue };
            if compound {
                continue;
            }
            let Some(kind) = rows::kind_of_decl(&origin.decl) else { continue };
            let fits = match kind {
                rows::Kind::Number => ts.number,
                rows::Kind::Text => ts.string,
                rows::Kind::Blob => ts.blob,
            };
            let ty = p.ty.as_deref().unwrap_or_default();
            let message = if !fits {
                Some(format!(
                    "`{}` is declared `{ty}`, but column `{}.{}` is {} (`{}`), so the row holds {}{}. Write `{}`.",
                    p.name,
                    origin.table,
                    origin.column,
                    if origin.decl.is_empty() { "untyped".to_string() } else { origin.decl.clone() },
                    kind.ts(),
                    match kind {
                        rows::Kind::Number => "a number",
                        rows::Kind::Text => "a string",
                        rows::Kind::Blob => "an ArrayBuffer",
                    },
                    if ts.boolean { " (SQLite stores booleans as 0 and 1)" } else { "" },
                    rows::column_ts(col, !outer),
                ))
            } else if !origin.not_null && !outer && !ts.null {
                Some(format!(
                    "Column `{}.{}` can be NULL (it has no NOT NULL), so `{}` can be `null`: write `{ty} | null`, or declare the column NOT NULL.",
                    origin.table, origin.column, p.name
                ))
            } else {
                None
            };
            if let Some(message) = message {
                let range = if row.name.is_none() { p.range } else { row.range };
                out.push(Diagnostic::new(self.path, range, Severity::Warning, ROW_TYPE, message).with_fix(fix.clone()));
            }
        }
        if !row.open {
            let missing: Vec<&str> = names.iter().copied().filter(|n| !row.props.iter().any(|p| p.name == *n)).collect();
            if !missing.is_empty() {
                out.push(
                    Diagnostic::new(
                        self.path,
                        row.range,
                        Severity::Hint,
                        ROW_EXTRA,
                        format!(
                            "The query also returns {}, which {label} does not declare. Add {} to the type, or leave {} out of the query.",
                            missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                            if missing.len() == 1 { "it" } else { "them" },
                            if missing.len() == 1 { "it" } else { "them" },
                        ),
                    )
                    .with_fix(fix.clone()),
                );
            }
        }
        out
    }

    fn query_error(&self, stmt: &Stmt, e: &shadow::SqlError) -> Option<Diagnostic> {
        if let Some(d) = &e.denial {
            return self.denial(stmt, d);
        }
        if is_syntax(&e.message) {
            return Some(self.syntax(stmt, e));
        }
        let m = &e.message;
        if let Some(name) = m.strip_prefix("no such table: ") {
            let bare = name.rsplit('.').next().unwrap_or(name);
            if !self.complete || self.facts.get().ever_tables.contains(&bare.to_lowercase()) {
                return None;
            }
            let tables = if self.facts.get().tables.is_empty() {
                "it creates no tables".to_string()
            } else {
                format!("it creates {}", self.facts.get().tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))
            };
            return Some(self.diag(
                self.name_range(stmt, bare),
                UNKNOWN_TABLE,
                format!("No table `{bare}` in the schema of {}: {tables}. Fix the name, or create the table (CREATE TABLE IF NOT EXISTS …) before this query runs.", self.class_label()),
            ));
        }
        let column = m.strip_prefix("no such column: ").map(|c| c.to_string()).or_else(|| {
            // `table t has no column named x`
            m.split_once(" has no column named ").map(|(_, c)| c.to_string())
        });
        if let Some(col) = column {
            let bare = col.rsplit('.').next().unwrap_or(&col).to_string();
            if !self.complete || self.facts.get().ever_columns.contains(&bare.to_lowercase()) && !col.contains('.') {
                return None;
            }
            if col.contains('.') && !self.complete {
                return None;
            }
            let range = e.offset.map_or_else(|| self.name_range(stmt, &bare), |o| self.offset_range(stmt, o));
            return Some(self.diag(
                range,
                UNKNOWN_COLUMN,
                format!(
                    "No column `{col}` in {}: fix the name, or add the column (ALTER TABLE … ADD COLUMN) in the schema code.",
                    self.columns_in(stmt)
                ),
            ));
        }
        if let Some(f) = m.strip_prefix("no such function: ") {
            let range = e.offset.map_or_else(|| self.name_range(stmt, f), |o| self.offset_range(stmt, o));
            return Some(self.diag(
                range,
                UNKNOWN_FUNCTION,
                format!("`{f}` is not a SQL function of Durable Object storage (`no such function`): use a built-in (core, date, JSON, math, FTS5) or compute the value in TypeScript and bind it."),
            ));
        }
        if let Some(f) = m.strip_prefix("unknown function: ") {
            // A DEFAULT (or CHECK, generated column) that calls a function SQLite lacks: the
            // CREATE TABLE succeeds, every write that evaluates it fails.
            let f = f.trim_end_matches("()");
            return Some(self.diag(
                self.stmt_range(stmt),
                UNKNOWN_FUNCTION,
                format!("The schema of a table this statement writes (a column DEFAULT, CHECK or generated column) calls `{f}`, which Durable Object storage does not have, so the statement throws. Fix the CREATE TABLE (for ids: `DEFAULT (lower(hex(randomblob(16))))`), or pass the value."),
            ));
        }
        if !self.complete || m.contains("interrupt") || m.contains("not authorized") {
            return None;
        }
        let range = e.offset.map_or_else(|| self.stmt_range(stmt), |o| self.offset_range(stmt, o));
        Some(self.diag(range, ERROR, format!("SQLite rejects this statement: `{m}`, so `exec` throws. Fix the statement.")))
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Failures that depend on the state a schema statement meets (a table created twice on
/// purpose, a column added by a guarded migration, an object dropped earlier): not knowable
/// from the code.
fn is_state_dependent(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["already exists", "duplicate column", "no such", "has no column", "cannot drop", "interrupt", "there is already", "not exist"]
        .iter()
        .any(|p| m.contains(p))
}

fn is_syntax(message: &str) -> bool {
    message.contains("syntax error") || message == "incomplete input" || message.starts_with("unrecognized token")
}

/// What the query argument of an `exec` reads and writes, when its text is known (or its
/// start, for a query completed at run time). `None` when nothing of it is known.
pub(crate) fn query_access(arg: Node<'_>, text: &str) -> Option<Access> {
    match source::query_of(arg, text, 0) {
        Query::Known(s) => Some(lex::access(&s.text)),
        Query::Partial { prefix } => Some(lex::access(&prefix)),
        Query::Unknown => None,
    }
}
