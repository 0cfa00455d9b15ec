//! A small LSP client for tests: spawns `dols lsp`, speaks framed JSON-RPC over its stdio,
//! and fails with a clear message (and the server's log) instead of hanging.
//!
//! ```ignore
//! let ws = Workspace::new("hover").file("wrangler.jsonc", "{}");
//! let mut s = Server::builder().root(&ws).start();
//! let doc = s.open(&ws.path("src/index.ts"), "this.ctx.$0storage");
//! let hover = s.hover_at(&doc.uri, doc.position(Enc::Utf16));
//! ```

#![allow(dead_code)] // each test uses a different part of the harness

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long to wait for any one answer before failing the test.
pub const TIMEOUT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------
// Workspaces on disk

/// A temporary directory, removed when dropped.
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// A fresh directory; `name` may contain spaces and non-ASCII to exercise URI encoding.
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "dols-lsp-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let root = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        // The canonical path, so that paths the server derives match ours (macOS /tmp links).
        let root = root.canonicalize().unwrap();
        Self { root }
    }

    pub fn file(self, rel: &str, text: &str) -> Self {
        self.write(rel, text);
        self
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn uri(&self, rel: &str) -> String {
        uri_of(&self.path(rel))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The `file://` URI of an absolute path, percent-encoded like the server does.
pub fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    let s = path.to_str().expect("test paths are UTF-8");
    #[cfg(windows)]
    let s = &format!("/{}", s.replace('\\', "/"));
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Positions marked in text

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    Utf8,
    Utf16,
}

/// Text with an optional `$0` cursor marker (removed from `text`).
#[derive(Clone, Debug)]
pub struct Marked {
    pub text: String,
    pub offset: Option<usize>,
}

impl Marked {
    pub fn new(text: &str) -> Self {
        match text.find("$0") {
            Some(i) => Self {
                text: text.replacen("$0", "", 1),
                offset: Some(i),
            },
            None => Self {
                text: text.to_string(),
                offset: None,
            },
        }
    }

    /// The marker's LSP position (`{line, character}`) in the given encoding.
    pub fn position(&self, enc: Enc) -> Value {
        let offset = self.offset.expect("the text has no $0 marker");
        position_of(&self.text, offset, enc)
    }
}

/// The LSP position of a byte offset (lines end at LF, CRLF or CR).
pub fn position_of(text: &str, offset: usize, enc: Enc) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + before.matches('\r').count() - before.matches("\r\n").count();
    let col = match enc {
        Enc::Utf8 => before.len() - line_start,
        Enc::Utf16 => before[line_start..].encode_utf16().count(),
    };
    json!({ "line": line, "character": col })
}

pub fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({ "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } })
}

/// An open document.
#[derive(Clone, Debug)]
pub struct Doc {
    pub uri: String,
    pub marked: Marked,
}

impl Doc {
    pub fn position(&self, enc: Enc) -> Value {
        self.marked.position(enc)
    }
}

// ---------------------------------------------------------------------------------------
// The server process

pub struct Builder {
    roots: Vec<PathBuf>,
    root_uri_only: bool,
    process_id: Option<u32>,
    encodings: Option<Vec<&'static str>>,
    init_options: Option<Value>,
    dynamic_watchers: bool,
    resolve_documentation: bool,
    args: Vec<String>,
}

impl Builder {
    pub fn root(mut self, ws: &Workspace) -> Self {
        self.roots.push(ws.root().to_path_buf());
        self
    }
    /// Sends the first root as the old `rootUri` instead of `workspaceFolders`.
    pub fn root_uri_only(mut self) -> Self {
        self.root_uri_only = true;
        self
    }
    pub fn process_id(mut self, pid: u32) -> Self {
        self.process_id = Some(pid);
        self
    }
    /// `general.positionEncodings` offered by the client.
    pub fn encodings(mut self, encs: &[&'static str]) -> Self {
        self.encodings = Some(encs.to_vec());
        self
    }
    pub fn init_options(mut self, options: Value) -> Self {
        self.init_options = Some(options);
        self
    }
    pub fn dynamic_watchers(mut self) -> Self {
        self.dynamic_watchers = true;
        self
    }
    /// The client resolves a completion item's documentation when it shows the item.
    pub fn resolve_documentation(mut self) -> Self {
        self.resolve_documentation = true;
        self
    }
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn initialize_params(&self) -> Value {
        let folders: Vec<Value> = self
            .roots
            .iter()
            .map(|r| json!({ "uri": uri_of(r), "name": r.file_name().unwrap().to_string_lossy() }))
            .collect();
        let mut capabilities = json!({
            "textDocument": {
                "completion": { "completionItem": { "snippetSupport": true } },
                "definition": { "linkSupport": true },
                "publishDiagnostics": { "relatedInformation": true }
            },
            "workspace": {
                "workspaceFolders": true,
                "didChangeWatchedFiles": { "dynamicRegistration": self.dynamic_watchers }
            }
        });
        if let Some(encs) = &self.encodings {
            capabilities["general"] = json!({ "positionEncodings": encs });
        }
        if self.resolve_documentation {
            capabilities["textDocument"]["completion"]["completionItem"]["resolveSupport"] = json!({ "properties": ["documentation"] });
        }
        let mut params = json!({
            "processId": self.process_id,
            "clientInfo": { "name": "dols-test-client" },
            "capabilities": capabilities,
        });
        if self.root_uri_only {
            params["rootUri"] = json!(self.roots.first().map(|r| uri_of(r)));
        } else {
            params["rootUri"] = Value::Null;
            params["workspaceFolders"] = json!(folders);
        }
        if let Some(o) = &self.init_options {
            params["initializationOptions"] = o.clone();
        }
        params
    }

    /// Starts the server without initializing it.
    pub fn spawn(self) -> Server {
        Server::spawn(&self.args)
    }

    /// Starts the server and runs `initialize` + `initialized`.
    pub fn start(self) -> Server {
        let params = self.initialize_params();
        let mut server = Server::spawn(&self.args);
        server.initialize_result = server.request("initialize", params);
        server.notify("initialized", json!({}));
        server
    }
}

pub struct Server {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    incoming: Receiver<Value>,
    /// Messages received while waiting for something else.
    backlog: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    pub initialize_result: Value,
}

fn write_message(stdin: &Mutex<ChildStdin>, body: &[u8]) {
    let mut stdin = stdin.lock().unwrap();
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    // The server may be gone (a test of exiting); the read side reports that.
    let _ = stdin.write_all(&frame).and_then(|_| stdin.flush());
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server sent invalid JSON"))
}

impl Server {
    pub fn builder() -> Builder {
        Builder {
            roots: Vec::new(),
            root_uri_only: false,
            process_id: None,
            encodings: None,
            init_options: None,
            dynamic_watchers: false,
            resolve_documentation: false,
            args: Vec::new(),
        }
    }

    fn spawn(args: &[String]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dols"))
            .arg("lsp")
            .args(args)
            .env("DOLS_LOG", "debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning `dols lsp`");
        let stdin = Arc::new(Mutex::new(child.stdin.take().unwrap()));
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let log = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let (tx, incoming) = channel();
        let answer = stdin.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                // Server-to-client requests (registerCapability, ...) get an empty success.
                if msg.get("method").is_some()
                    && let Some(id) = msg.get("id")
                {
                    let reply = json!({ "jsonrpc": "2.0", "id": id, "result": null });
                    write_message(&answer, reply.to_string().as_bytes());
                }
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            stderr,
            next_id: 1,
            initialize_result: Value::Null,
        }
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The server's log once it contains every one of `needles` (stderr is read on its own
    /// thread, so a line written before a response may arrive after it). Fails on timeout.
    pub fn log_containing(&self, needles: &[&str]) -> String {
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            let log = self.log();
            if needles.iter().all(|n| log.contains(n)) {
                return log;
            }
            if std::time::Instant::now() > deadline {
                self.fail(&format!("the log never contained {needles:?}"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn fail(&self, what: &str) -> ! {
        // Give the log a moment to arrive.
        std::thread::sleep(Duration::from_millis(100));
        panic!("{what}\n---- server log ----\n{}", self.log())
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        write_message(&self.stdin, body);
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The next message matching `pred`, from the backlog or the wire.
    pub fn wait_for(&mut self, what: &str, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(msg) if pred(&msg) => return msg,
                Ok(msg) => self.backlog.push_back(msg),
                Err(RecvTimeoutError::Timeout) => self.fail(&format!("timed out after {timeout:?} waiting for {what}")),
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail(&format!("the server closed its output while waiting for {what}"))
                }
            }
        }
    }

    /// The whole response message to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("the response to request {id}"), TIMEOUT, |m| {
            m.get("method").is_none() && m.get("id") == Some(&json!(id))
        })
    }

    /// Sends a request and returns its result; fails the test on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let response = self.response(id);
        if let Some(err) = response.get("error") {
            self.fail(&format!("{method} failed: {err}"));
        }
        response["result"].clone()
    }

    pub fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(method, TIMEOUT, |m| {
            m.get("id").is_none() && m["method"] == method && pred(&m["params"])
        })["params"]
            .clone()
    }

    /// The next `textDocument/publishDiagnostics` for `uri`: its params (`uri`, `version`,
    /// `diagnostics`).
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        self.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri)
    }

    /// Fails if a message matching `pred` arrives within `window`.
    pub fn expect_none(&mut self, what: &str, window: Duration, pred: impl Fn(&Value) -> bool) {
        if let Some(m) = self.backlog.iter().find(|m| pred(m)) {
            let m = m.clone();
            self.fail(&format!("unexpected {what}: {m}"));
        }
        let deadline = Instant::now() + window;
        while let Ok(m) = self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if pred(&m) {
                self.fail(&format!("unexpected {what}: {m}"));
            }
            self.backlog.push_back(m);
        }
    }

    // ---- Documents ----

    /// Opens `path` with `text` (which may hold a `$0` marker), version 1.
    pub fn open(&mut self, path: &Path, text: &str) -> Doc {
        let marked = Marked::new(text);
        let uri = uri_of(path);
        let language = match path.extension().and_then(|e| e.to_str()) {
            Some("ts" | "mts" | "cts") => "typescript",
            Some("tsx") => "typescriptreact",
            Some("json" | "jsonc") => "jsonc",
            Some("toml") => "toml",
            _ => "javascript",
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": marked.text } }),
        );
        Doc { uri, marked }
    }

    /// Sends content changes: `(Some(range), text)` for a range, `(None, text)` for all.
    pub fn change(&mut self, uri: &str, version: i32, changes: &[(Option<Value>, &str)]) {
        let changes: Vec<Value> = changes
            .iter()
            .map(|(range, text)| match range {
                Some(r) => json!({ "range": r, "text": text }),
                None => json!({ "text": text }),
            })
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    }

    fn at(uri: &str, position: Value) -> Value {
        json!({ "textDocument": { "uri": uri }, "position": position })
    }

    pub fn complete_at(&mut self, uri: &str, position: Value) -> Value {
        self.request("textDocument/completion", Self::at(uri, position))
    }

    pub fn hover_at(&mut self, uri: &str, position: Value) -> Value {
        self.request("textDocument/hover", Self::at(uri, position))
    }

    pub fn signature_help_at(&mut self, uri: &str, position: Value) -> Value {
        self.request("textDocument/signatureHelp", Self::at(uri, position))
    }

    pub fn definition_at(&mut self, uri: &str, position: Value) -> Value {
        self.request("textDocument/definition", Self::at(uri, position))
    }

    /// The Markdown of `dols/status`.
    pub fn status(&mut self) -> String {
        let result = self.request("dols/status", Value::Null);
        result["markdown"]
            .as_str()
            .unwrap_or_else(|| self.fail(&format!("dols/status returned {result}")))
            .to_string()
    }

    // ---- Ending ----

    /// Waits up to `timeout` for the process to end.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown_and_exit(&mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit(TIMEOUT)
            .unwrap_or_else(|| self.fail("the server did not exit after shutdown and exit"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
