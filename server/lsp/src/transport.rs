//! JSON-RPC over stdio: `Content-Length` framing, and the loop that feeds the service.
//!
//! tower-lsp-server's own `Server` stops reading after the first message it cannot decode
//! (its framed reader ends the stream on an error), so this loop is our own: a malformed
//! message gets an error response and the next one is read as usual. Messages reach the
//! service one at a time, in the order they arrived; the futures it returns run as tasks.

use std::io::{self, BufRead, Read, Write};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc as std_mpsc;

use futures::{FutureExt, SinkExt, StreamExt};
use serde_json::Value;
use tower::{Service, ServiceExt};
use tower_lsp_server::ClientSocket;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

use crate::{guard, log};

/// Bodies larger than this are refused (and skipped) rather than buffered.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One frame read from the input.
#[derive(Debug, PartialEq)]
pub enum Frame {
    Body(Vec<u8>),
    /// The headers were unusable; the frame was skipped.
    BadHeader(String),
}

/// Reads the next frame; `Ok(None)` at the end of the input.
pub fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut content_length: Option<Result<usize, String>> = None;
    let mut malformed: Option<String> = None;
    let mut line = String::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank line between messages
        }
        saw_header = true;
        let Some((name, value)) = trimmed.split_once(':') else {
            malformed = Some(format!("malformed header line {trimmed:?}"));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            content_length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|e| format!("bad Content-Length {:?}: {e}", value.trim())),
            );
        }
    }
    let len = match content_length {
        Some(Ok(len)) => len,
        Some(Err(e)) => return Ok(Some(Frame::BadHeader(e))),
        None => return Ok(Some(Frame::BadHeader("missing Content-Length header".to_string()))),
    };
    if len > MAX_BODY {
        io::copy(&mut input.take(len as u64), &mut io::sink())?;
        return Ok(Some(Frame::BadHeader(format!(
            "a {len}-byte message is over the {MAX_BODY}-byte limit"
        ))));
    }
    let mut body = vec![0; len];
    input.read_exact(&mut body)?;
    Ok(Some(match malformed {
        Some(e) => Frame::BadHeader(e),
        None => Frame::Body(body),
    }))
}

pub fn write_frame(output: &mut impl Write, body: &str) -> io::Result<()> {
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

/// A decoded incoming message.
#[derive(Debug)]
pub enum Incoming {
    Request(Request),
    Response(Response),
    /// Not a JSON-RPC message: answered with this error.
    Invalid(Id, Error),
}

fn error(code: ErrorCode, message: String) -> Error {
    Error {
        code,
        message: message.into(),
        data: None,
    }
}

pub fn decode(frame: Frame) -> Incoming {
    let body = match frame {
        Frame::Body(body) => body,
        Frame::BadHeader(e) => return Incoming::Invalid(Id::Null, error(ErrorCode::ParseError, e)),
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Incoming::Invalid(Id::Null, error(ErrorCode::ParseError, format!("Parse error: {e}"))),
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
        .unwrap_or(Id::Null);
    let invalid = |e: String| {
        Incoming::Invalid(
            id.clone(),
            error(ErrorCode::InvalidRequest, format!("Invalid request: {e}")),
        )
    };
    if !value.is_object() {
        return invalid("not a JSON object".to_string());
    }
    if value.get("method").is_some() {
        match serde_json::from_value::<Request>(value) {
            Ok(req) => Incoming::Request(req),
            Err(e) => invalid(e.to_string()),
        }
    } else if value.get("result").is_some() || value.get("error").is_some() {
        match serde_json::from_value::<Response>(value) {
            Ok(res) => Incoming::Response(res),
            Err(e) => invalid(e.to_string()),
        }
    } else {
        invalid("neither a request, a notification nor a response".to_string())
    }
}

enum Out {
    Message(String),
    Stop,
}

/// Hands messages to the writer thread.
#[derive(Clone)]
struct Outbox(std_mpsc::Sender<Out>);

impl Outbox {
    fn send(&self, message: &impl serde::Serialize) {
        match serde_json::to_string(message) {
            Ok(json) => {
                let _ = self.0.send(Out::Message(json));
            }
            Err(e) => log::error!("cannot serialise an outgoing message: {e}"),
        }
    }
}

/// How the input loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Exit,
    InputClosed,
}

/// Serves `service` over `input`/`output` until `exit` or the end of the input.
pub async fn serve<S>(
    mut service: S,
    socket: ClientSocket,
    input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
) -> Ended
where
    S: Service<Request, Response = Option<Response>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
{
    let (in_tx, mut in_rx) = tokio::sync::mpsc::channel::<Incoming>(64);
    let reader = std::thread::Builder::new().name("dols-stdin".into()).spawn(move || {
        let mut input = io::BufReader::new(input);
        loop {
            match read_frame(&mut input) {
                Ok(Some(frame)) => {
                    if in_tx.blocking_send(decode(frame)).is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    log::error!("reading input failed: {e}");
                    return;
                }
            }
        }
    });
    if let Err(e) = reader {
        log::error!("cannot start the input thread: {e}");
        return Ended::InputClosed;
    }

    let (out_tx, out_rx) = std_mpsc::channel::<Out>();
    let writer = std::thread::Builder::new().name("dols-stdout".into()).spawn(move || {
        let mut output = io::BufWriter::new(output);
        while let Ok(Out::Message(body)) = out_rx.recv() {
            log::trace!("-> {body}");
            if let Err(e) = write_frame(&mut output, &body) {
                log::error!("writing output failed: {e}");
                return;
            }
        }
    });
    let writer = match writer {
        Ok(w) => w,
        Err(e) => {
            log::error!("cannot start the output thread: {e}");
            return Ended::InputClosed;
        }
    };
    let outbox = Outbox(out_tx);

    // Requests and notifications from the server to the client.
    let (mut to_client, mut client_responses) = socket.split();
    let forward_outbox = outbox.clone();
    let forward = tokio::spawn(async move {
        while let Some(req) = to_client.next().await {
            forward_outbox.send(&req);
        }
    });

    let ended = loop {
        let Some(msg) = in_rx.recv().await else {
            break Ended::InputClosed;
        };
        match msg {
            Incoming::Request(req) => {
                log::trace!("<- {req}");
                let exit = req.method() == "exit";
                let service = match service.ready().await {
                    Ok(s) => s,
                    Err(e) => {
                        log::error!("the service stopped: {e}");
                        break Ended::InputClosed;
                    }
                };
                let (id, method) = (req.id().cloned(), req.method().to_string());
                let fut = service.call(req);
                let outbox = outbox.clone();
                tokio::spawn(async move {
                    // Handlers compute under their own guard; this is the net under everything
                    // else, so that a request is always answered.
                    match AssertUnwindSafe(fut).catch_unwind().await {
                        Ok(Ok(Some(response))) => outbox.send(&response),
                        Ok(Ok(None)) => {}
                        Ok(Err(e)) => log::error!("{method} failed: {e}"),
                        Err(panic) => {
                            let message = format!("{method} panicked: {}", guard::panic_message(panic.as_ref()));
                            if let Some(id) = id {
                                outbox.send(&Response::from_error(id, guard::internal_error(message)));
                            }
                        }
                    }
                });
                if exit {
                    break Ended::Exit;
                }
            }
            Incoming::Response(res) => {
                if let Err(e) = client_responses.send(res).await {
                    log::error!("cannot route a response from the client: {e}");
                }
            }
            Incoming::Invalid(id, error) => {
                log::warning!("invalid message: {}", error.message);
                outbox.send(&Response::from_error(id, error));
            }
        }
    };
    forward.abort();
    let _ = outbox.0.send(Out::Stop);
    let _ = writer.join();
    ended
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    fn frames(input: &str) -> Vec<Frame> {
        let mut r = io::Cursor::new(input.as_bytes().to_vec());
        std::iter::from_fn(|| read_frame(&mut r).unwrap()).collect()
    }

    #[test]
    fn reads_frames_and_skips_bad_headers() {
        let input = "Content-Length: 2\r\n\r\n{}\
                     Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 3\r\n\r\n[1]\
                     X-Nothing: 1\r\n\r\n\
                     Content-Length: x\r\n\r\n\
                     \r\nContent-Length: 4\r\n\r\nnull";
        assert_eq!(
            frames(input),
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::Body(b"[1]".to_vec()),
                Frame::BadHeader("missing Content-Length header".into()),
                Frame::BadHeader("bad Content-Length \"x\": invalid digit found in string".into()),
                Frame::Body(b"null".to_vec()),
            ]
        );
    }

    #[test]
    fn truncated_body_is_an_error_not_a_hang() {
        let mut r = io::Cursor::new(b"Content-Length: 10\r\n\r\n{}".to_vec());
        assert_eq!(read_frame(&mut r).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn decodes_messages_and_classifies_garbage() {
        let body = |s: &str| Frame::Body(s.as_bytes().to_vec());
        assert!(matches!(
            decode(body(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#)),
            Incoming::Request(_)
        ));
        assert!(matches!(
            decode(body(r#"{"jsonrpc":"2.0","id":1,"result":null}"#)),
            Incoming::Response(_)
        ));
        let Incoming::Invalid(id, e) = decode(body(r#"{"jsonrpc":"2.0","id":1,"meth"#)) else {
            panic!()
        };
        assert_eq!((id, e.code), (Id::Null, ErrorCode::ParseError));
        let Incoming::Invalid(id, e) = decode(body(r#"{"jsonrpc":"2.0","id":7}"#)) else {
            panic!()
        };
        assert_eq!((id, e.code), (Id::Number(7), ErrorCode::InvalidRequest));
        let Incoming::Invalid(_, e) = decode(body(r#"{"jsonrpc":"1.0","id":2,"method":"x"}"#)) else {
            panic!()
        };
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        let Incoming::Invalid(_, e) = decode(body("[]")) else {
            panic!()
        };
        assert_eq!(e.code, ErrorCode::InvalidRequest);
    }

    /// Input fed by the test, chunk by chunk.
    struct ChannelReader {
        chunks: std_mpsc::Receiver<Vec<u8>>,
        buf: io::Cursor<Vec<u8>>,
    }

    impl Read for ChannelReader {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            loop {
                let n = self.buf.read(out)?;
                if n > 0 {
                    return Ok(n);
                }
                match self.chunks.recv() {
                    Ok(chunk) => self.buf = io::Cursor::new(chunk),
                    Err(_) => return Ok(0),
                }
            }
        }
    }

    #[derive(Clone, Default)]
    struct SharedWriter(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedWriter {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl SharedWriter {
        /// Waits for the response with `id`.
        fn response(&self, id: i64) -> Value {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let bytes = self.0.lock().unwrap().clone();
                let mut r = io::Cursor::new(bytes);
                while let Some(Frame::Body(body)) = read_frame(&mut r).unwrap() {
                    let v: Value = serde_json::from_slice(&body).unwrap();
                    if v.get("method").is_none() && v["id"] == id {
                        return v;
                    }
                }
                assert!(Instant::now() < deadline, "no response to {id}");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// Delegates to the real service, except for one method whose handler panics.
    struct PanicOn<S>(S);

    impl<S> Service<Request> for PanicOn<S>
    where
        S: Service<Request, Response = Option<Response>>,
        S::Future: Send + 'static,
    {
        type Response = Option<Response>;
        type Error = S::Error;
        type Future = futures::future::BoxFuture<'static, Result<Option<Response>, S::Error>>;
        fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
            self.0.poll_ready(cx)
        }
        fn call(&mut self, req: Request) -> Self::Future {
            if req.method() == "test/panic" {
                return async { panic!("boom at {}", 42) }.boxed();
            }
            self.0.call(req).boxed()
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_panicking_request_is_answered_and_the_loop_goes_on() {
        let (service, socket) = tower_lsp_server::LspService::new(crate::server::Backend::new);
        let (tx, chunks) = std_mpsc::channel();
        let input = ChannelReader {
            chunks,
            buf: io::Cursor::new(Vec::new()),
        };
        let output = SharedWriter::default();
        let served = tokio::spawn(serve(PanicOn(service), socket, input, output.clone()));
        let send = |v: Value| {
            let body = v.to_string();
            tx.send(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes())
                .unwrap();
        };
        let out = output.clone();
        let response = move |id| {
            let out = out.clone();
            async move { tokio::task::spawn_blocking(move || out.response(id)).await.unwrap() }
        };
        send(serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
        assert!(response(1).await["result"]["capabilities"].is_object());
        send(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "test/panic"}));
        let err = response(2).await;
        assert_eq!(err["error"]["code"], -32603, "{err}");
        assert_eq!(err["error"]["message"], "test/panic panicked: boom at 42");
        send(serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
        assert_eq!(response(3).await["result"], Value::Null);
        send(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
        assert_eq!(served.await.unwrap(), Ended::Exit);
    }
}
