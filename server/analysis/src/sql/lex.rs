//! A small SQLite tokenizer: enough to split a script into statements, read each statement's
//! leading keywords and find a name in it. Offsets are byte offsets into the SQL text.

use std::ffi::CString;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Space,
    Comment,
    /// A word: keyword or bare identifier.
    Word,
    /// `"x"`, `` `x` ``, `[x]`.
    Quoted,
    /// `'text'`.
    Str,
    Number,
    /// `?`, `?NNN`, `:name`, `@name`, `$name`.
    Param,
    Semi,
    Open,
    Close,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, sql: &'a str) -> &'a str {
        &sql[self.start..self.end]
    }
    /// The identifier this token names, without quotes (for words and quoted names).
    pub fn ident(&self, sql: &str) -> Option<String> {
        let t = self.text(sql);
        match self.kind {
            Tok::Word => Some(t.to_string()),
            Tok::Quoted if t.len() >= 2 => {
                let inner = &t[1..t.len() - 1];
                Some(match t.as_bytes()[0] {
                    b'"' => inner.replace("\"\"", "\""),
                    b'`' => inner.replace("``", "`"),
                    _ => inner.to_string(),
                })
            }
            _ => None,
        }
    }
    pub fn is_word(&self, sql: &str, word: &str) -> bool {
        self.kind == Tok::Word && self.text(sql).eq_ignore_ascii_case(word)
    }
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, Tok::Space | Tok::Comment)
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

pub(crate) fn tokenize(sql: &str) -> Vec<Token> {
    let b = sql.as_bytes();
    // About one token per three bytes of SQL (words, spaces, punctuation): growing the vector
    // from empty cost more than the scan.
    let mut out = Vec::with_capacity(sql.len() / 3 + 4);
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => {
                while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
                    i += 1;
                }
                Tok::Space
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                Tok::Comment
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                Tok::Comment
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == close {
                        // A doubled quote is an escaped quote (not for `[…]`).
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                if c == b'\'' { Tok::Str } else { Tok::Quoted }
            }
            b'x' | b'X' if b.get(i + 1) == Some(&b'\'') => {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i = (i + 1).min(b.len());
                Tok::Str
            }
            b'0'..=b'9' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                    i += 1;
                }
                Tok::Number
            }
            b'.' if b.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                Tok::Number
            }
            b'?' => {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                Tok::Param
            }
            b':' | b'@' | b'$' if b.get(i + 1).is_some_and(|&n| is_ident_byte(n)) => {
                i += 1;
                while i < b.len() && is_ident_byte(b[i]) {
                    i += 1;
                }
                Tok::Param
            }
            b';' => {
                i += 1;
                Tok::Semi
            }
            b'(' => {
                i += 1;
                Tok::Open
            }
            b')' => {
                i += 1;
                Tok::Close
            }
            _ if is_ident_byte(c) => {
                while i < b.len() && is_ident_byte(b[i]) {
                    i += 1;
                }
                Tok::Word
            }
            _ => {
                i += 1;
                while i < b.len() && !sql.is_char_boundary(i) {
                    i += 1;
                }
                Tok::Other
            }
        };
        out.push(Token { kind, start, end: i });
    }
    out
}

/// One statement of a script: `[start, end)` without the terminating `;`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

/// What splitting a script found.
#[derive(Debug, Default)]
pub(crate) struct Split {
    pub statements: Vec<Span>,
    /// Empty statements the platform rejects (`;;`, a comment after the final `;`), by the
    /// range of the offending text.
    pub empty: Vec<Span>,
}

/// Splits `sql` into statements the way SQLite does: at each `;` that completes a statement
/// (so `;` inside a trigger body does not split).
pub(crate) fn split(sql: &str, tokens: &[Token]) -> Split {
    let mut out = Split::default();
    let mut start = 0;
    for t in tokens.iter().filter(|t| t.kind == Tok::Semi) {
        let piece = &sql[start..t.end];
        if !complete(piece) {
            continue;
        }
        out_push(&mut out, sql, tokens, Span { start, end: t.start }, true);
        start = t.end;
    }
    out_push(&mut out, sql, tokens, Span { start, end: sql.len() }, false);
    out
}

fn out_push(out: &mut Split, sql: &str, tokens: &[Token], span: Span, terminated: bool) {
    // Tokens are in order: those of the span are one run of them.
    let from = tokens.partition_point(|t| t.start < span.start);
    let inner = || tokens[from..].iter().take_while(|t| t.end <= span.end);
    if inner().any(|t| !t.is_trivia()) {
        out.statements.push(span);
        return;
    }
    let has_comment = inner().any(|t| t.kind == Tok::Comment);
    // A terminated empty piece is `;;`. An unterminated tail after the last `;` is fine when
    // it is whitespace only, but a comment there is an empty statement to the platform. A
    // script that holds no statement at all is empty too.
    if terminated {
        out.empty.push(Span { start: span.start, end: (span.end + 1).min(sql.len()) });
    } else if (has_comment && !out.statements.is_empty()) || (out.statements.is_empty() && out.empty.is_empty()) {
        out.empty.push(span);
    }
}

/// SQLite's own test for "ends with a complete statement".
fn complete(piece: &str) -> bool {
    let Ok(c) = CString::new(piece) else { return true };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call; sqlite3_complete
    // only reads it.
    unsafe { rusqlite::ffi::sqlite3_complete(c.as_ptr()) != 0 }
}

/// The code tokens of a statement span (no whitespace or comments).
pub(crate) fn code_tokens(tokens: &[Token], span: Span) -> Vec<Token> {
    let from = tokens.partition_point(|t| t.start < span.start);
    let inner = &tokens[from..from + tokens[from..].partition_point(|t| t.end <= span.end)];
    let mut code = Vec::with_capacity(inner.len());
    code.extend(inner.iter().filter(|t| !t.is_trivia()).copied());
    code
}

/// The statement's verb: its first keyword, upper-cased (`SELECT`, `CREATE`, `PRAGMA`, …);
/// `EXPLAIN` is looked through.
pub(crate) fn verb(sql: &str, code: &[Token]) -> String {
    let mut it = code.iter().filter(|t| t.kind == Tok::Word);
    let mut first = it.next().map(|t| t.text(sql).to_ascii_uppercase()).unwrap_or_default();
    if first == "EXPLAIN" {
        first = it.find(|t| !t.is_word(sql, "QUERY") && !t.is_word(sql, "PLAN")).map(|t| t.text(sql).to_ascii_uppercase()).unwrap_or_default();
    }
    first
}

/// The first top-level verb of a data statement, looking past a `WITH …` prefix.
pub(crate) fn dml_verb(sql: &str, code: &[Token]) -> Option<&'static str> {
    const VERBS: [&str; 6] = ["SELECT", "VALUES", "INSERT", "REPLACE", "UPDATE", "DELETE"];
    let mut depth = 0i32;
    for t in code {
        match t.kind {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            Tok::Word if depth == 0 => {
                let w = t.text(sql);
                if let Some(verb) = VERBS.iter().find(|v| v.eq_ignore_ascii_case(w)) {
                    return Some(verb);
                }
            }
            _ => {}
        }
    }
    None
}

/// The tables a script reads and writes, found from its keywords: the names after `FROM`
/// and `JOIN` are read, after `INSERT INTO`, `REPLACE INTO`, `UPDATE` and `DELETE FROM`
/// written. Names are lower-cased. A schema change (`CREATE`, `ALTER`, `DROP`) is a write
/// with no table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Access {
    pub reads: Vec<String>,
    pub writes: Vec<String>,
    /// A schema statement.
    pub ddl: bool,
    /// A `RETURNING` clause: the statement reports what it changed.
    pub returning: bool,
}

pub(crate) fn access(sql: &str) -> Access {
    let tokens: Vec<Token> = tokenize(sql).into_iter().filter(|t| !t.is_trivia()).collect();
    let mut out = Access::default();
    let name_at = |i: usize| -> Option<String> {
        let t = tokens.get(i)?;
        if !matches!(t.kind, Tok::Word | Tok::Quoted) {
            return None;
        }
        // `main.t`: the name after the dot.
        if tokens.get(i + 1).is_some_and(|d| d.text(sql) == ".") {
            return tokens.get(i + 2).and_then(|n| n.ident(sql)).map(|n| n.to_ascii_lowercase());
        }
        t.ident(sql).map(|n| n.to_ascii_lowercase())
    };
    let mut at_start = true;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == Tok::Semi {
            at_start = true;
            continue;
        }
        if t.kind != Tok::Word {
            at_start = false;
            continue;
        }
        let w = t.text(sql).to_ascii_uppercase();
        if at_start && is_ddl_verb(&w) {
            out.ddl = true;
        }
        at_start = false;
        let prev = i.checked_sub(1).map(|p| tokens[p].text(sql).to_ascii_uppercase()).unwrap_or_default();
        match w.as_str() {
            "FROM" if prev == "DELETE" => out.writes.extend(name_at(i + 1)),
            "FROM" | "JOIN" => out.reads.extend(name_at(i + 1)),
            "INTO" if matches!(prev.as_str(), "INSERT" | "REPLACE" | "ABORT" | "FAIL" | "IGNORE" | "ROLLBACK") => {
                out.writes.extend(name_at(i + 1))
            }
            "UPDATE" if prev != "DO" && prev != "OF" => {
                // `UPDATE OR IGNORE t`
                let skip = if tokens.get(i + 1).is_some_and(|n| n.is_word(sql, "OR")) { 3 } else { 1 };
                out.writes.extend(name_at(i + skip));
            }
            "RETURNING" => out.returning = true,
            _ => {}
        }
    }
    out
}

pub(crate) const TRANSACTION_VERBS: &[&str] = &["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"];

/// Statements that change the schema and are replayed into the shadow database.
pub(crate) fn is_ddl_verb(verb: &str) -> bool {
    matches!(verb, "CREATE" | "ALTER" | "DROP")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(sql: &str) -> (Vec<&str>, Vec<&str>) {
        let toks = tokenize(sql);
        let s = split(sql, &toks);
        (s.statements.iter().map(|p| &sql[p.start..p.end]).collect(), s.empty.iter().map(|p| &sql[p.start..p.end]).collect())
    }

    #[test]
    fn access_finds_read_and_written_tables() {
        let a = access("SELECT s.id FROM slots s LEFT JOIN Bookings b ON b.slot_id = s.id");
        assert_eq!((a.reads, a.writes, a.ddl), (vec!["slots".to_string(), "bookings".to_string()], vec![], false));
        let a = access("INSERT INTO counter (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET value = 2 RETURNING value");
        assert_eq!((a.reads.len(), a.writes, a.returning), (0, vec!["counter".to_string()], true));
        let a = access("UPDATE OR IGNORE \"jobs\" SET s = 1 WHERE id IN (SELECT id FROM queue); DELETE FROM main.log");
        assert_eq!((a.reads, a.writes), (vec!["queue".to_string()], vec!["jobs".to_string(), "log".to_string()]));
        assert!(access("CREATE TABLE IF NOT EXISTS t (id INTEGER)").ddl);
    }

    #[test]
    fn splits_like_sqlite() {
        assert_eq!(stmts("SELECT 1; SELECT ';'"), (vec!["SELECT 1", " SELECT ';'"], vec![]));
        assert_eq!(stmts("SELECT 1;\n  "), (vec!["SELECT 1"], vec![]));
        let trig = "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (1); END; SELECT 2";
        assert_eq!(stmts(trig).0.len(), 2);
        assert_eq!(stmts("SELECT 1; -- note").1, vec![" -- note"]);
        assert_eq!(stmts("SELECT 1;;").1, vec![";"]);
        assert_eq!(stmts("-- note\nSELECT 1 -- tail"), (vec!["-- note\nSELECT 1 -- tail"], vec![]));
        assert_eq!(stmts("  ").1.len(), 1);
    }

    #[test]
    fn verbs() {
        let sql = "EXPLAIN QUERY PLAN WITH x AS (SELECT 1) DELETE FROM t";
        let toks = tokenize(sql);
        let code = code_tokens(&toks, Span { start: 0, end: sql.len() });
        assert_eq!(verb(sql, &code), "WITH");
        assert_eq!(dml_verb(sql, &code), Some("DELETE"));
        let p = tokenize("SELECT ?1, :a, @b, $c, 'x?'");
        assert_eq!(p.iter().filter(|t| t.kind == Tok::Param).count(), 4);
    }
}
