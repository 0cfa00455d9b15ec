//! A minimal LSP client over a child process's stdio: JSON-RPC with `Content-Length`
//! framing, a reader thread that timestamps every message as it arrives, and answers to
//! the server→client requests servers commonly block on.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub type Result<T> = std::result::Result<T, String>;

const STDERR_TAIL: usize = 20;

enum Incoming {
    Message(Value, Instant),
    /// stdout closed (the server exited or closed its output), or a framing error.
    Closed(String),
}

/// What the client waits for; everything else is handled inside [`Server::next_event`].
pub enum Event {
    Response {
        id: i64,
        result: std::result::Result<Value, Value>,
        at: Instant,
    },
    Diagnostics {
        params: Value,
        at: Instant,
    },
}

pub struct Server {
    pub label: String,
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Incoming>,
    next_id: i64,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    closed: Option<String>,
    verbose: bool,
    workspace_folders: Value,
    /// Counts of notifications that were logged and skipped, by method.
    pub skipped: Vec<(String, usize)>,
}

impl Server {
    /// Starts `argv` with its working directory at `cwd`.
    pub fn spawn(label: &str, argv: &[String], cwd: &Path, verbose: bool) -> Result<Server> {
        let (program, args) = argv.split_first().ok_or("empty server command")?;
        let mut child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start `{}`: {e}", argv.join(" ")))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let stdin = child.stdin.take();

        let (tx, rx) = mpsc::channel();
        thread::spawn(move || read_messages(stdout, tx));

        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr_tail);
        let tag = label.to_owned();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if verbose {
                    eprintln!("[{tag} stderr] {line}");
                }
                let mut t = tail.lock().unwrap();
                if t.len() == STDERR_TAIL {
                    t.pop_front();
                }
                t.push_back(line);
            }
        });

        Ok(Server {
            label: label.to_owned(),
            child,
            stdin,
            rx,
            next_id: 1,
            stderr_tail,
            closed: None,
            verbose,
            workspace_folders: Value::Null,
            skipped: Vec::new(),
        })
    }

    pub fn set_workspace_folders(&mut self, folders: Value) {
        self.workspace_folders = folders;
    }

    /// Writes one message; returns the time just before the write.
    fn send(&mut self, msg: &Value) -> Result<Instant> {
        let body = serde_json::to_vec(msg).expect("serializable");
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.exit_error("stdin already closed"));
        };
        let t0 = Instant::now();
        if let Err(e) = stdin.write_all(&frame).and_then(|()| stdin.flush()) {
            return Err(self.exit_error(&format!("writing to the server failed: {e}")));
        }
        Ok(t0)
    }

    /// Sends a request; returns its id and the send time.
    pub fn request(&mut self, method: &str, params: Value) -> Result<(i64, Instant)> {
        let id = self.next_id;
        self.next_id += 1;
        let t0 =
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        Ok((id, t0))
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<Instant> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Waits for the response to `id`; returns its result and its arrival time. Diagnostics
    /// arriving meanwhile are dropped.
    pub fn response(&mut self, id: i64, timeout: Duration, what: &str) -> Result<(Value, Instant)> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.next_event(deadline)? {
                Some(Event::Response {
                    id: got,
                    result,
                    at,
                }) if got == id => {
                    return result
                        .map(|v| (v, at))
                        .map_err(|e| format!("{}: {what} failed: {e}", self.label));
                }
                Some(_) => {}
                None => {
                    return Err(format!(
                        "{}: no response to {what} within {} s",
                        self.label,
                        timeout.as_secs_f64()
                    ));
                }
            }
        }
    }

    pub fn call(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<(Value, Duration)> {
        let (id, t0) = self.request(method, params)?;
        let (v, at) = self.response(id, timeout, method)?;
        Ok((v, at.saturating_duration_since(t0)))
    }

    /// Handles everything that has already arrived, without waiting; returns the
    /// diagnostics among it.
    pub fn drain(&mut self) -> Result<Vec<Value>> {
        let mut diags = Vec::new();
        while let Some(ev) = self.next_event(Instant::now())? {
            if let Event::Diagnostics { params, .. } = ev {
                diags.push(params);
            }
        }
        Ok(diags)
    }

    /// The next response or diagnostics notification, or `None` at the deadline. Answers
    /// server requests and skips other notifications on the way.
    pub fn next_event(&mut self, deadline: Instant) -> Result<Option<Event>> {
        loop {
            if let Some(why) = &self.closed {
                return Err(self.exit_error(&why.clone()));
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            let incoming = match self.rx.recv_timeout(wait) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return Ok(None),
                Err(RecvTimeoutError::Disconnected) => Incoming::Closed("output closed".into()),
            };
            let (msg, at) = match incoming {
                Incoming::Message(m, at) => (m, at),
                Incoming::Closed(why) => {
                    self.closed = Some(why);
                    continue;
                }
            };
            let method = msg.get("method").and_then(Value::as_str).map(str::to_owned);
            let id = msg.get("id").cloned();
            match (method, id) {
                (Some(method), Some(id)) => self.answer(&method, id, msg.get("params"))?,
                (Some(method), None) => {
                    if method == "textDocument/publishDiagnostics" {
                        let params = msg.get("params").cloned().unwrap_or(Value::Null);
                        return Ok(Some(Event::Diagnostics { params, at }));
                    }
                    self.skip(&method, &msg);
                }
                (None, Some(id)) => {
                    let Some(id) = id.as_i64() else { continue };
                    let result = match msg.get("error") {
                        Some(e) => Err(e.clone()),
                        None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
                    };
                    return Ok(Some(Event::Response { id, result, at }));
                }
                (None, None) => {}
            }
        }
    }

    fn skip(&mut self, method: &str, msg: &Value) {
        if self.verbose {
            let text = msg
                .pointer("/params/message")
                .and_then(Value::as_str)
                .unwrap_or("");
            eprintln!(
                "[{}] {method} {}",
                self.label,
                text.lines().next().unwrap_or("")
            );
        }
        match self.skipped.iter_mut().find(|(m, _)| m == method) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((method.to_owned(), 1)),
        }
    }

    /// Answers a server→client request so the server does not stall waiting for it.
    fn answer(&mut self, method: &str, id: Value, params: Option<&Value>) -> Result<()> {
        if self.verbose {
            eprintln!("[{}] server request {method}", self.label);
        }
        let result = match method {
            "workspace/configuration" => {
                let n = params
                    .and_then(|p| p.get("items"))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                Value::Array(vec![Value::Null; n])
            }
            "workspace/workspaceFolders" => self.workspace_folders.clone(),
            "workspace/applyEdit" => json!({"applied": false}),
            "client/registerCapability"
            | "client/unregisterCapability"
            | "window/workDoneProgress/create"
            | "window/showMessageRequest"
            | "window/showDocument"
            | "workspace/semanticTokens/refresh"
            | "workspace/inlayHint/refresh"
            | "workspace/inlineValue/refresh"
            | "workspace/codeLens/refresh"
            | "workspace/diagnostic/refresh" => Value::Null,
            _ => {
                self.send(&json!({"jsonrpc": "2.0", "id": id,
                    "error": {"code": -32601, "message": format!("dols-bench does not handle {method}")}}))?;
                return Ok(());
            }
        };
        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))?;
        Ok(())
    }

    /// A message saying the server is gone, with its exit status and last stderr lines.
    fn exit_error(&mut self, why: &str) -> String {
        // Give the process a moment to finish exiting so its status is known.
        let mut status = None;
        for _ in 0..20 {
            if let Ok(Some(s)) = self.child.try_wait() {
                status = Some(s);
                break;
            }
            thread::sleep(Duration::from_millis(25));
        }
        // Let the stderr thread catch up with the last lines.
        thread::sleep(Duration::from_millis(50));
        let status = match status {
            Some(s) => match s.code() {
                Some(c) => format!("exited with code {c}"),
                None => format!("was terminated ({s})"),
            },
            None => "is still running but closed its output".to_owned(),
        };
        let tail: Vec<String> = self.stderr_tail.lock().unwrap().iter().cloned().collect();
        let mut msg = format!("server `{}` {status} ({why})", self.label);
        if tail.is_empty() {
            msg.push_str("; it wrote nothing to stderr");
        } else {
            msg.push_str("; last stderr lines:\n");
            for l in tail {
                msg.push_str("    ");
                msg.push_str(&l);
                msg.push('\n');
            }
        }
        msg
    }

    /// `shutdown` + `exit`, then waits briefly and kills the process if it is still there.
    pub fn stop(mut self) {
        if self.closed.is_none() {
            if let Ok((id, _)) = self.request("shutdown", Value::Null) {
                let _ = self.response(id, Duration::from_secs(5), "shutdown");
            }
            let _ = self.notify("exit", Value::Null);
        }
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `Content-Length`-framed messages until EOF, stamping each with its arrival time.
fn read_messages(stdout: impl Read, tx: mpsc::Sender<Incoming>) {
    let mut r = BufReader::with_capacity(1 << 16, stdout);
    let mut line = String::new();
    loop {
        let mut len = None;
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) => {
                    let _ = tx.send(Incoming::Closed("end of output".into()));
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = tx.send(Incoming::Closed(format!("reading output failed: {e}")));
                    return;
                }
            }
            let h = line.trim_end();
            if h.is_empty() {
                if len.is_some() {
                    break;
                }
                continue;
            }
            if let Some((name, value)) = h.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                len = value.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; len.unwrap_or(0)];
        if let Err(e) = r.read_exact(&mut body) {
            let _ = tx.send(Incoming::Closed(format!(
                "output ended inside a message: {e}"
            )));
            return;
        }
        let at = Instant::now();
        match serde_json::from_slice(&body) {
            Ok(v) => {
                if tx.send(Incoming::Message(v, at)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Incoming::Closed(format!(
                    "invalid JSON from the server: {e}"
                )));
                return;
            }
        }
    }
}

/// A `file://` URI for an absolute path, percent-encoding what needs it.
pub fn file_uri(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if out.len() > "file:///".len() => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri() {
        assert_eq!(file_uri(Path::new("/a b/c.ts")), "file:///a%20b/c.ts");
    }

    #[test]
    fn framing() {
        let data =
            b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\nContent-Length: 8\r\n\r\n{\"a\":1}\n"
                .to_vec();
        let (tx, rx) = mpsc::channel();
        read_messages(&data[..], tx);
        let got: Vec<_> = rx.iter().collect();
        assert!(matches!(&got[0], Incoming::Message(v, _) if *v == json!({})));
        assert!(matches!(&got[1], Incoming::Message(v, _) if *v == json!({"a": 1})));
        assert!(matches!(&got[2], Incoming::Closed(_)));
    }
}
