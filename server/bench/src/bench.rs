//! One benchmark run against one server: start, open the big file, measure, stop.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Options;
use crate::lsp::{Event, Result, Server, file_uri};
use crate::project::{COMPLETION_LINE, Pos, Project};

/// How the server's diagnostics were matched to edits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DiagMatch {
    /// `publishDiagnostics.version` equal to the edit's version.
    Version,
    /// The server sent no `version`: the first `publishDiagnostics` for the file after the edit.
    FirstAfter,
}

pub struct Metric {
    pub name: &'static str,
    pub samples: std::result::Result<Vec<Duration>, String>,
}

pub struct RunResult {
    pub role: &'static str,
    pub command: String,
    pub server_info: Option<String>,
    pub metrics: Vec<Metric>,
    pub notes: Vec<String>,
    pub diag_match: Option<DiagMatch>,
    /// Set when the run could not get going (server did not start or initialize).
    pub error: Option<String>,
    pub wall: Duration,
}

pub const OPEN: &str = "open → first diagnostics";
pub const COMPLETION: &str = "completion after `this.ctx.storage.`";
pub const HOVER: &str = "hover on `exec`";
pub const SQL_COMPLETION: &str = "completion inside SQL";
pub const EDIT: &str = "edit → diagnostics";

pub fn run(
    role: &'static str,
    label: &str,
    argv: &[String],
    init_options: Option<Value>,
    dir: &Path,
    proj: &Project,
    opts: &Options,
) -> RunResult {
    let started = Instant::now();
    let command = label.trim().to_owned();
    eprintln!("dols-bench: [{role}] starting `{command}`");
    let mut r = RunResult {
        role,
        command: command.clone(),
        server_info: None,
        metrics: Vec::new(),
        notes: Vec::new(),
        diag_match: None,
        error: None,
        wall: Duration::ZERO,
    };
    let mut server = match Server::spawn(&command, argv, dir, opts.verbose) {
        Ok(s) => s,
        Err(e) => {
            r.error = Some(e);
            return r;
        }
    };
    let mut session = Session {
        uri: file_uri(&dir.join("src").join("index.ts")),
        text: proj.index_ts.clone(),
        version: 1,
        incremental: true,
        diag_match: None,
        opts,
    };
    if let Err(e) = session.start(&mut server, dir, init_options, &mut r) {
        r.error = Some(e);
        server.stop();
        r.wall = started.elapsed();
        return r;
    }
    // Each metric runs on its own; a failed metric is reported and the next one still runs,
    // unless the server is gone.
    for name in [HOVER, COMPLETION, SQL_COMPLETION, EDIT] {
        eprintln!("dols-bench: [{role}] {name}");
        let samples = match name {
            HOVER => session.hover(&mut server, proj, &mut r),
            COMPLETION => session.completion(&mut server, proj, &mut r),
            SQL_COMPLETION => session.sql_completion(&mut server, proj, &mut r),
            _ => session.edits(&mut server, proj, &mut r),
        };
        let gone = samples.as_ref().is_err_and(|e| e.starts_with("server `"));
        if let Err(e) = &samples {
            eprintln!("dols-bench: [{role}] {name}: {e}");
        }
        r.metrics.push(Metric { name, samples });
        if gone {
            break;
        }
    }
    r.diag_match = session.diag_match;
    let skipped: Vec<String> = server
        .skipped
        .iter()
        .map(|(m, n)| format!("`{m}` ×{n}"))
        .collect();
    if !skipped.is_empty() {
        r.notes.push(format!(
            "Notifications logged and skipped: {}.",
            skipped.join(", ")
        ));
    }
    server.stop();
    r.wall = started.elapsed();
    r
}

struct Session<'a> {
    uri: String,
    /// The client's copy of the document, kept in step with every didChange.
    text: String,
    version: i64,
    incremental: bool,
    diag_match: Option<DiagMatch>,
    opts: &'a Options,
}

impl Session<'_> {
    fn start(
        &mut self,
        server: &mut Server,
        dir: &Path,
        init_options: Option<Value>,
        r: &mut RunResult,
    ) -> Result<()> {
        let root = file_uri(dir);
        let folders = json!([{"uri": root, "name": "dols-bench"}]);
        server.set_workspace_folders(folders.clone());
        let mut params = json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "dols-bench", "version": env!("CARGO_PKG_VERSION")},
            "rootUri": root,
            "rootPath": dir.to_string_lossy(),
            "workspaceFolders": folders,
            "capabilities": capabilities(),
        });
        if let Some(init) = init_options {
            params["initializationOptions"] = init;
        }
        let (init, took) = server.call("initialize", params, self.opts.ready_timeout)?;
        if let Some(info) = init.get("serverInfo") {
            let name = info.get("name").and_then(Value::as_str).unwrap_or("?");
            let version = info.get("version").and_then(Value::as_str).unwrap_or("");
            r.server_info = Some(format!("{name} {version}").trim().to_owned());
        }
        let caps = &init["capabilities"];
        // textDocumentSync: a kind number or an options object; 2 = incremental.
        let sync = caps["textDocumentSync"]
            .as_i64()
            .or_else(|| caps["textDocumentSync"]["change"].as_i64())
            .unwrap_or(0);
        self.incremental = sync == 2;
        if sync != 2 {
            r.notes.push(format!(
                "The server asked for textDocumentSync kind {sync}; edits were sent as full text."
            ));
        }
        if let Some(enc) = caps["positionEncoding"].as_str()
            && enc != "utf-16"
        {
            r.notes.push(format!(
                "The server chose position encoding `{enc}` (the text is ASCII)."
            ));
        }
        eprintln!("dols-bench: [{}] initialized in {:.0} ms", r.role, ms(took));
        server.notify("initialized", json!({}))?;

        let t0 = server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": self.uri, "languageId": "typescript", "version": self.version, "text": self.text
            }}),
        )?;
        match self.wait_diagnostics(server, self.opts.ready_timeout)? {
            Some((at, _)) => {
                let took = at.saturating_duration_since(t0);
                eprintln!(
                    "dols-bench: [{}] first diagnostics after {:.0} ms",
                    r.role,
                    ms(took)
                );
                r.metrics.push(Metric {
                    name: OPEN,
                    samples: Ok(vec![took]),
                });
            }
            None => {
                let why = format!(
                    "no publishDiagnostics for the file within {} s of didOpen",
                    self.opts.ready_timeout.as_secs()
                );
                r.notes
                    .push(format!("Not ready by diagnostics: {why}; measured anyway."));
                r.metrics.push(Metric {
                    name: OPEN,
                    samples: Err(why),
                });
            }
        }
        Ok(())
    }

    fn iterations(&self) -> usize {
        self.opts.warmup + self.opts.iterations
    }

    fn hover(
        &mut self,
        server: &mut Server,
        proj: &Project,
        r: &mut RunResult,
    ) -> Result<Vec<Duration>> {
        let params = json!({"textDocument": {"uri": self.uri}, "position": pos(proj.hover)});
        let mut samples = Vec::new();
        let mut last = Value::Null;
        for i in 0..self.iterations() {
            let (v, took) = server.call("textDocument/hover", params.clone(), self.opts.timeout)?;
            if i >= self.opts.warmup {
                samples.push(took);
            }
            last = v;
        }
        match hover_preview(&last) {
            Some(p) => r.notes.push(format!("Hover shows: `{p}`.")),
            None => r.notes.push("Hover returned nothing.".into()),
        }
        Ok(samples)
    }

    fn completion(
        &mut self,
        server: &mut Server,
        proj: &Project,
        r: &mut RunResult,
    ) -> Result<Vec<Duration>> {
        let at = proj.completion_insert;
        let line = format!("{COMPLETION_LINE}\n");
        self.change(server, at, at, &line)?;
        // Let the server finish reacting to the edit before timing requests.
        self.wait_diagnostics(server, self.opts.timeout)?;
        let position = Pos {
            line: at.line,
            col: COMPLETION_LINE.len(),
        };
        let params = json!({
            "textDocument": {"uri": self.uri},
            "position": pos(position),
            "context": {"triggerKind": 2, "triggerCharacter": "."},
        });
        let mut samples = Vec::new();
        let mut last = Value::Null;
        for i in 0..self.iterations() {
            let (v, took) =
                server.call("textDocument/completion", params.clone(), self.opts.timeout)?;
            if i >= self.opts.warmup {
                samples.push(took);
            }
            last = v;
        }
        let labels = completion_labels(&last);
        let has_sql = labels.iter().any(|l| l == "sql");
        r.notes.push(format!(
            "Completion returned {} item{}{}.",
            labels.len(),
            if labels.len() == 1 { "" } else { "s" },
            if has_sql {
                ", including `sql`"
            } else {
                "; `sql` was **not** among them"
            }
        ));
        // Remove the line again so the edit benchmark sees the original text.
        self.change(
            server,
            at,
            Pos {
                line: at.line + 1,
                col: 0,
            },
            "",
        )?;
        self.wait_diagnostics(server, self.opts.timeout)?;
        Ok(samples)
    }

    /// Completion right after `SELECT ` in a query in the middle of the file: the class's
    /// columns, functions and keywords.
    fn sql_completion(
        &mut self,
        server: &mut Server,
        proj: &Project,
        r: &mut RunResult,
    ) -> Result<Vec<Duration>> {
        let position = Pos {
            line: proj.sql_edit.line,
            col: proj.sql_edit.col + 1,
        };
        let params = json!({
            "textDocument": {"uri": self.uri},
            "position": pos(position),
            "context": {"triggerKind": 1},
        });
        let mut samples = Vec::new();
        let mut last = Value::Null;
        for i in 0..self.iterations() {
            let (v, took) =
                server.call("textDocument/completion", params.clone(), self.opts.timeout)?;
            if i >= self.opts.warmup {
                samples.push(took);
            }
            last = v;
        }
        let labels = completion_labels(&last);
        r.notes.push(format!(
            "Completion inside SQL returned {} item{}{}.",
            labels.len(),
            if labels.len() == 1 { "" } else { "s" },
            if labels.iter().any(|l| l == "id") { ", including the column `id`" } else { "" }
        ));
        Ok(samples)
    }

    fn edits(
        &mut self,
        server: &mut Server,
        proj: &Project,
        r: &mut RunResult,
    ) -> Result<Vec<Duration>> {
        let at = proj.sql_edit;
        let after = Pos {
            line: at.line,
            col: at.col + 1,
        };
        let mut samples = Vec::new();
        let mut last = Value::Null;
        let mut n = self.iterations();
        // An even number of edits leaves the text as it was.
        n += n % 2;
        for i in 0..n {
            // Anything still in flight belongs to earlier edits.
            server.drain()?;
            let t0 = if i % 2 == 0 {
                self.change(server, at, at, " ")?
            } else {
                self.change(server, at, after, "")?
            };
            let Some((got, params)) = self.wait_diagnostics(server, self.opts.timeout)? else {
                return Err(format!(
                    "no publishDiagnostics for version {} within {} s of the edit",
                    self.version,
                    self.opts.timeout.as_secs()
                ));
            };
            if i >= self.opts.warmup && samples.len() < self.opts.iterations {
                samples.push(got.saturating_duration_since(t0));
            }
            last = params;
        }
        r.notes.push(diagnostics_summary(&last));
        Ok(samples)
    }

    /// Sends a didChange replacing `from..to` with `text`; returns the send time.
    fn change(&mut self, server: &mut Server, from: Pos, to: Pos, text: &str) -> Result<Instant> {
        let a = offset(&self.text, from);
        let b = offset(&self.text, to);
        self.text.replace_range(a..b, text);
        self.version += 1;
        let change = if self.incremental {
            json!({"range": {"start": pos(from), "end": pos(to)}, "text": text})
        } else {
            json!({"text": self.text})
        };
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [change],
            }),
        )
    }

    /// Waits for diagnostics for the document at the current version: a publishDiagnostics
    /// for our URI whose `version` equals it, or, from a server that sends no `version`, the
    /// first one for our URI. `None` at the timeout.
    fn wait_diagnostics(
        &mut self,
        server: &mut Server,
        timeout: Duration,
    ) -> Result<Option<(Instant, Value)>> {
        let deadline = Instant::now() + timeout;
        loop {
            let Some(ev) = server.next_event(deadline)? else {
                return Ok(None);
            };
            let Event::Diagnostics { params, at } = ev else {
                continue;
            };
            let uri = params["uri"].as_str().unwrap_or("");
            if !same_uri(uri, &self.uri) {
                continue;
            }
            match params.get("version").and_then(Value::as_i64) {
                Some(v) => {
                    self.diag_match.get_or_insert(DiagMatch::Version);
                    if v >= self.version {
                        return Ok(Some((at, params)));
                    }
                }
                None => {
                    self.diag_match = Some(DiagMatch::FirstAfter);
                    return Ok(Some((at, params)));
                }
            }
        }
    }
}

fn capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {
            "configuration": true,
            "workspaceFolders": true,
            "didChangeConfiguration": {"dynamicRegistration": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true},
        },
        "window": {"workDoneProgress": true},
        "textDocument": {
            "synchronization": {"dynamicRegistration": false, "didSave": true},
            "publishDiagnostics": {
                "versionSupport": true,
                "relatedInformation": true,
                "tagSupport": {"valueSet": [1, 2]},
            },
            "completion": {
                "contextSupport": true,
                "completionItem": {
                    "snippetSupport": true,
                    "documentationFormat": ["markdown", "plaintext"],
                    "labelDetailsSupport": true,
                    "resolveSupport": {"properties": ["documentation", "detail"]},
                },
            },
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "signatureHelp": {"signatureInformation": {"documentationFormat": ["markdown", "plaintext"]}},
            "definition": {"linkSupport": true},
        },
    })
}

fn pos(p: Pos) -> Value {
    json!({"line": p.line, "character": p.col})
}

/// Byte offset of an LSP position in ASCII text.
fn offset(text: &str, p: Pos) -> usize {
    let mut start = 0;
    for _ in 0..p.line {
        start += text[start..].find('\n').expect("position inside the text") + 1;
    }
    start + p.col
}

/// URIs compared after percent-decoding, so `%3A` and `:` (or case of escapes) do not matter.
fn same_uri(a: &str, b: &str) -> bool {
    a == b || decode(a) == decode(b)
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the last diagnostics of the edit benchmark held.
fn diagnostics_summary(params: &Value) -> String {
    let diags = params["diagnostics"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let mut s = format!(
        "After the last edit the file had {} diagnostic{}",
        diags.len(),
        if diags.len() == 1 { "" } else { "s" }
    );
    if let Some(first) = diags.first() {
        let msg = first["message"]
            .as_str()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        let _ = write!(s, ", the first: \"{}\"", msg.replace('`', "'"));
    }
    s.push('.');
    s
}

fn completion_labels(v: &Value) -> Vec<String> {
    let items = v.as_array().or_else(|| v["items"].as_array());
    items
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["label"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The first line of a hover's text that is not a code fence, shortened.
fn hover_preview(v: &Value) -> Option<String> {
    let contents = v.get("contents")?;
    let text = match contents {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .map(|p| p.as_str().or_else(|| p["value"].as_str()).unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other["value"].as_str()?.to_owned(),
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("```"))?;
    let line: String = line.replace('`', "'");
    Some(if line.chars().count() > 90 {
        format!("{}…", line.chars().take(90).collect::<String>())
    } else {
        line
    })
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(offset("ab\ncd\n", Pos { line: 1, col: 1 }), 4);
        assert_eq!(offset("ab\ncd\n", Pos { line: 2, col: 0 }), 6);
    }

    #[test]
    fn uris() {
        assert!(same_uri("file:///c%3A/x", "file:///c:/x"));
        assert!(!same_uri("file:///a", "file:///b"));
    }

    #[test]
    fn previews() {
        let v =
            json!({"contents": {"kind": "markdown", "value": "```ts\nexec(q: string)\n```\ndocs"}});
        assert_eq!(hover_preview(&v).unwrap(), "exec(q: string)");
    }
}
