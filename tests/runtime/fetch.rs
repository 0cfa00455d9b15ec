//! Outbound `fetch` against an HTTP server of the test's own on 127.0.0.1: refused unless the
//! host is allowed (by `dols.toml` or by the run's options), and then real requests — method,
//! headers and body out, status, headers and body back, redirects, aborts — that leave the
//! object's input gate open while they are awaited, in every mode of the runtime.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use dols_runtime::{HostPattern, Project, RunOptions};

use super::{TempProject, run_with};

/// An HTTP/1.1 server on 127.0.0.1 (one thread per connection, `connection: close`), with the
/// routes the tests below use. Every request line it receives is recorded.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Released `/wait/KEY` routes (set by `/release/KEY`).
type Gates = Arc<(Mutex<Vec<String>>, Condvar)>;

/// How long `/wait/KEY` waits for its release before it answers `timed out`.
const WAIT_BOUND: Duration = Duration::from_secs(10);

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let gates: Gates = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let (stop2, requests2) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (requests, gates) = (requests2.clone(), gates.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, port, &requests, &gates);
                });
            }
        });
        Server { port, stop, requests }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, port: u16, requests: &Mutex<Vec<String>>, gates: &Gates) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim_end().is_empty() {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    requests.lock().unwrap().push(format!("{method} {path}"));

    let mut status = (200, "OK");
    let mut extra: Vec<(String, String)> = Vec::new();
    let reply: Vec<u8> = if path.starts_with("/echo") {
        let body = match String::from_utf8(body.clone()) {
            Ok(s) => serde_json::Value::from(s),
            Err(_) => serde_json::Value::from(body.clone()),
        };
        serde_json::json!({ "method": method, "path": path, "headers": headers, "body": body })
            .to_string()
            .into_bytes()
    } else if path == "/teapot" {
        status = (418, "Short And Stout");
        extra.push(("x-reply".into(), "teapot".into()));
        extra.push(("set-cookie".into(), "a=1".into()));
        extra.push(("set-cookie".into(), "b=2".into()));
        b"short and stout".to_vec()
    } else if let Some(n) = path.strip_prefix("/redirect/") {
        let n: u32 = n.parse().unwrap_or(0);
        if n == 0 {
            b"arrived".to_vec()
        } else {
            status = (302, "Found");
            // Relative, as servers often send it.
            extra.push(("location".into(), format!("{}", n - 1)));
            Vec::new()
        }
    } else if path == "/see-other" {
        status = (303, "See Other");
        extra.push(("location".into(), "/echo/after-303".into()));
        Vec::new()
    } else if path == "/temporary" {
        status = (307, "Temporary Redirect");
        extra.push(("location".into(), "/echo/after-307".into()));
        Vec::new()
    } else if path == "/elsewhere" {
        status = (302, "Found");
        extra.push(("location".into(), format!("http://localhost:{port}/echo")));
        Vec::new()
    } else if path == "/delay" {
        std::thread::sleep(Duration::from_millis(100));
        b"slow answer".to_vec()
    } else if let Some(key) = path.strip_prefix("/wait/") {
        let (lock, cv) = &**gates;
        let released = lock.lock().unwrap();
        let (released, timeout) = cv
            .wait_timeout_while(released, WAIT_BOUND, |r| !r.iter().any(|k| k == key))
            .unwrap();
        drop(released);
        if timeout.timed_out() { b"timed out".to_vec() } else { b"released".to_vec() }
    } else if let Some(key) = path.strip_prefix("/release/") {
        let (lock, cv) = &**gates;
        lock.lock().unwrap().push(key.to_string());
        cv.notify_all();
        b"done".to_vec()
    } else {
        status = (404, "Not Found");
        b"no such route".to_vec()
    };
    let mut out = format!("HTTP/1.1 {} {}\r\n", status.0, status.1);
    for (k, v) in &extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", reply.len()));
    let mut stream = stream;
    stream.write_all(out.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&reply)?;
    }
    stream.flush()
}

const CONFIG: &str = r#"{ "name": "fetching", "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "F", "class_name": "Fetcher" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Fetcher"] }] }"#;

/// The tests of the project, against the server at `BASE`.
const INDEX: &str = r#"import { DurableObject } from "cloudflare:workers";
const BASE = "%BASE%";
const strip = (u: string) => u.startsWith(BASE) ? u.slice(BASE.length) : u;

export class Fetcher extends DurableObject {
  // Awaits a response that the server gives only once `release()` has asked for it: the
  // object's input gate must let that second event in meanwhile.
  async waitForRelease(): Promise<string> {
    console.log("first event: fetch starts");
    this.ctx.storage.kv.put("before", 1);
    const text = await (await fetch(BASE + "/wait/gate")).text();
    console.log("first event: " + text);
    return text;
  }
  async release(): Promise<void> {
    console.log("second event runs while the first awaits its fetch");
    await (await fetch(BASE + "/release/gate")).text();
  }
  // A fetch inside blockConcurrencyWhile(): other events wait until the callback settles.
  async held(): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      const text = await (await fetch(BASE + "/delay")).text();
      console.log("blockConcurrencyWhile: " + text);
    });
  }
  ping(): void { console.log("ping"); }
  // A response to a request started outside the section waits until the section ends.
  async heldResponse(): Promise<void> {
    const response = fetch(BASE + "/delay").then((r) => r.text()).then((t) => console.log("response started outside the section: " + t));
    await this.ctx.blockConcurrencyWhile(async () => {
      await new Promise((r) => setTimeout(r, 300));
      console.log("section ends");
    });
    await response;
  }
}

export const inputGate = { async test(_c: unknown, env: any) {
  const stub = env.F.getByName("a");
  await Promise.all([stub.waitForRelease(), stub.release()]);
} };

export const blockConcurrency = { async test(_c: unknown, env: any) {
  const stub = env.F.getByName("b");
  await Promise.all([stub.held(), stub.ping()]);
  await stub.heldResponse();
} };

export const roundTrip = { async test() {
  const show = async (r: Response) => console.log(r.status, await r.text());
  await show(await fetch(BASE + "/echo", { method: "POST", headers: { "X-Custom": "yes" }, body: "plain text" }));
  await show(await fetch(BASE + "/echo", { method: "PUT", body: new Uint8Array([1, 2, 255]) }));
  await show(await fetch(BASE + "/echo", { method: "POST", body: new Uint8Array([7, 8, 9]).buffer }));
  await show(await fetch(BASE + "/echo", { method: "POST", body: new URLSearchParams({ a: "1", b: "x y" }) }));
  await show(await fetch(new Request(BASE + "/echo?q=1", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 1 }) })));
  await show(await fetch(new URL(BASE + "/echo#fragment"), { method: "DELETE" }));
  const head = await fetch(BASE + "/echo", { method: "HEAD" });
  console.log("HEAD", head.status, head.body === null, head.headers.get("content-length") !== null);
} };

export const response = { async test() {
  const r = await fetch(BASE + "/teapot");
  console.log(r.status, r.statusText, r.ok, strip(r.url), r.redirected, r.type, r.headers.get("x-reply"), JSON.stringify(r.headers.getSetCookie()));
  console.log(await r.clone().text(), new Uint8Array(await r.arrayBuffer()).length, r.bodyUsed);
  const missing = await fetch(BASE + "/nothing-here");
  console.log(missing.status, missing.ok, await missing.text());
} };

export const redirects = { async test() {
  const r = await fetch(BASE + "/redirect/3");
  console.log(r.status, strip(r.url), r.redirected, await r.text());
  const m = await fetch(BASE + "/redirect/3", { redirect: "manual" });
  console.log(m.status, m.headers.get("location"), m.redirected, strip(m.url));
  const s = await fetch(BASE + "/see-other", { method: "POST", headers: { authorization: "kept on one origin" }, body: "dropped" });
  console.log(strip(s.url), await s.text());
  const t = await fetch(BASE + "/temporary", { method: "POST", body: "kept" });
  console.log(await t.text());
  try { await fetch(BASE + "/redirect/21"); } catch (e: any) { console.log(e.name + ": " + strip(e.message)); }
  try { await fetch(BASE + "/elsewhere"); } catch (e: any) { console.log(e.name + ": " + e.message); }
} };

export const abort = { async test() {
  const c = new AbortController();
  const p = fetch(BASE + "/wait/never", { signal: c.signal });
  setTimeout(() => c.abort(), 20);
  try { await p; } catch (e: any) { console.log(e.name, e.message); }
  try { await fetch(BASE + "/wait/never", { signal: AbortSignal.timeout(30) }); } catch (e: any) { console.log(e.name, e.message); }
  try { await fetch(BASE + "/echo/not-sent", { signal: AbortSignal.abort("stop") }); } catch (e: any) { console.log("rejected with", e); }
} };
"#;

fn index(base: &str) -> String {
    INDEX.replace("%BASE%", base)
}

/// What the project above prints (`port` is the server's).
fn expected(port: u16) -> String {
    let host = format!("127.0.0.1:{port}");
    // The echo's JSON: the request's headers (with `host`) sorted by name, as the server has them.
    let echo = |method: &str, path: &str, headers: &[(&str, &str)], body: &str| {
        let mut all: BTreeMap<&str, &str> = headers.iter().copied().collect();
        all.insert("host", &host);
        let headers: Vec<String> = all.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
        format!(r#"{{"body":{body},"headers":{{{}}},"method":"{method}","path":"{path}"}}"#, headers.join(","))
    };
    // workerd's order: by export name.
    let lines = [
        "AbortError The operation was aborted".into(),
        "TimeoutError The operation was aborted due to timeout".into(),
        "rejected with stop".into(),
        "ok abort".into(),
        "blockConcurrencyWhile: slow answer".into(),
        "ping".into(),
        "section ends".into(),
        "response started outside the section: slow answer".into(),
        "ok blockConcurrency".into(),
        "first event: fetch starts".to_string(),
        "second event runs while the first awaits its fetch".into(),
        "first event: released".into(),
        "ok inputGate".into(),
        "200 /redirect/0 true arrived".into(),
        "302 2 false /redirect/3".into(),
        "/echo/after-303 ".to_string() + &echo("GET", "/echo/after-303", &[("authorization", "kept on one origin")], r#""""#),
        echo("POST", "/echo/after-307", &[("content-length", "4"), ("content-type", "text/plain;charset=UTF-8")], r#""kept""#),
        format!("Error: fetch() of http://{host}/redirect/21 failed: more than 20 redirects."),
        format!(
            "Error: Outbound fetch() of http://localhost:{port}/echo refused: localhost:{port} is not among the hosts dols test may reach (127.0.0.1:{port}). To allow it, run `dols test --allow-fetch localhost:{port}`, or add \"localhost:{port}\" to `allow_fetch` in the `[test]` section of dols.toml."
        ),
        "ok redirects".into(),
        r#"418 I'm a teapot false /teapot false default teapot ["a=1","b=2"]"#.into(),
        "short and stout 15 true".into(),
        "404 false no such route".into(),
        "ok response".into(),
        "200 ".to_string()
            + &echo("POST", "/echo", &[("content-length", "10"), ("content-type", "text/plain;charset=UTF-8"), ("x-custom", "yes")], r#""plain text""#),
        "200 ".to_string() + &echo("PUT", "/echo", &[("content-length", "3")], "[1,2,255]"),
        "200 ".to_string() + &echo("POST", "/echo", &[("content-length", "3")], r#""\u0007\b\t""#),
        "200 ".to_string()
            + &echo("POST", "/echo", &[("content-length", "9"), ("content-type", "application/x-www-form-urlencoded;charset=UTF-8")], r#""a=1&b=x+y""#),
        "200 ".to_string() + &echo("PATCH", "/echo?q=1", &[("content-length", "7"), ("content-type", "application/json")], r#""{\"n\":1}""#),
        "200 ".to_string() + &echo("DELETE", "/echo", &[], r#""""#),
        "HEAD 200 true true".into(),
        "ok roundTrip".into(),
        "6 passed, 0 failed".into(),
    ];
    lines.join("\n") + "\n"
}

fn fetching_project(server: &Server, dols_toml: Option<&str>) -> TempProject {
    let index = index(&server.base());
    let mut files = vec![("wrangler.jsonc", CONFIG), ("src/index.ts", index.as_str())];
    if let Some(t) = dols_toml {
        files.push(("dols.toml", t));
    }
    TempProject::new(&files)
}

/// The requests, responses, redirects and aborts above, with the host allowed by the project's
/// `dols.toml`, in each mode of the runtime: one runtime or one per object, on the real or the
/// fake clock. A fetch under way keeps the run going and is waited for; an aborted one is not.
#[test]
fn allowed_fetches_reach_the_server_in_every_mode() {
    let modes = [
        ("one runtime", RunOptions::default()),
        ("fake time", RunOptions { fake_time: true, ..RunOptions::default() }),
        ("object threads", RunOptions { object_threads: true, ..RunOptions::default() }),
        ("object threads, fake time", RunOptions { object_threads: true, fake_time: true, ..RunOptions::default() }),
    ];
    let mut failures = Vec::new();
    for (mode, options) in modes {
        let server = Server::start();
        let toml = format!("[test]\nallow_fetch = [\"127.0.0.1:{}\"]\n", server.port);
        let p = fetching_project(&server, Some(&toml));
        let started = Instant::now();
        let (report, out, err) = run_with(&p.root, &options);
        let took = started.elapsed();
        if report.is_err() || out != expected(server.port) {
            failures.push(format!("{mode}: {report:?}\n--- expected\n{}--- actual\n{out}--- stderr\n{err}", expected(server.port)));
        }
        // The aborted requests were not waited for (the server holds them for 10 s).
        if took >= WAIT_BOUND / 2 {
            failures.push(format!("{mode}: the run took {took:?}: it waited for an aborted request"));
        }
        let sent = server.requests();
        if sent.iter().any(|r| r.contains("not-sent")) {
            failures.push(format!("{mode}: a request with an aborted signal was sent: {sent:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const ONE_FETCH: &str = r#"export const refused = { async test() {
  try { const r = await fetch("%BASE%/echo"); console.log("reached", r.status); } catch (e: any) { console.log(e.name + ": " + e.message); }
} };
"#;

fn one_fetch_project(server: &Server, dols_toml: Option<&str>) -> TempProject {
    let index = ONE_FETCH.replace("%BASE%", &server.base());
    let mut files = vec![(
        "wrangler.jsonc",
        r#"{ "name": "one", "main": "src/index.ts" }"#,
    ), ("src/index.ts", index.as_str())];
    if let Some(t) = dols_toml {
        files.push(("dols.toml", t));
    }
    TempProject::new(&files)
}

/// Without configuration nothing leaves the runtime, and the error names the URL and says how
/// to allow its host; allowed by the run's options (`--allow-fetch`) or by `dols.toml` (by host
/// and port, by host, or all), the same request reaches the server.
#[test]
fn fetch_is_refused_unless_the_host_is_allowed() {
    let server = Server::start();
    let port = server.port;
    let p = one_fetch_project(&server, None);
    let (report, out, _) = run_with(&p.root, &RunOptions::default());
    assert_eq!(
        out,
        format!(
            "Error: Outbound fetch() of http://127.0.0.1:{port}/echo refused: dols test sends no request to the network unless its host is allowed. To allow it, run `dols test --allow-fetch 127.0.0.1:{port}`, or add \"127.0.0.1:{port}\" to `allow_fetch` in the `[test]` section of dols.toml.\nok refused\n1 passed, 0 failed\n"
        )
    );
    assert!(report.is_ok());
    assert_eq!(server.requests(), Vec::<String>::new(), "a refused request reached the server");

    // Another host only: still refused, and the error lists what is allowed.
    let other = RunOptions { allow_fetch: vec![HostPattern::parse("api.example.com").unwrap()], ..RunOptions::default() };
    let (_, out, _) = run_with(&p.root, &other);
    assert!(out.contains(&format!("127.0.0.1:{port} is not among the hosts dols test may reach (api.example.com).")), "{out}");

    let reached = "reached 200\nok refused\n1 passed, 0 failed\n";
    for pattern in [format!("127.0.0.1:{port}"), "127.0.0.1".into(), "*".into()] {
        let options = RunOptions { allow_fetch: vec![HostPattern::parse(&pattern).unwrap()], ..RunOptions::default() };
        let (_, out, err) = run_with(&p.root, &options);
        assert_eq!(out, reached, "allowed by the options as {pattern}: {err}");
    }
    for toml in [format!("[test]\nallow_fetch = [\"127.0.0.1:{port}\"]\n"), "[lint]\n[test]\nallow_fetch = [\"api.example.com\", \"127.0.0.1\"]\n".into()] {
        let p = one_fetch_project(&server, Some(&toml));
        let (_, out, err) = run_with(&p.root, &RunOptions::default());
        assert_eq!(out, reached, "allowed by {toml}: {err}");
    }
    assert_eq!(server.requests().len(), 5);
}

/// A `[test]` section that cannot be used stops the run before it starts, naming the file and
/// what is wrong, rather than leaving requests refused for no visible reason.
#[test]
fn a_bad_test_section_in_dols_toml_is_an_error() {
    for (toml, says) in [
        ("[test]\nallow-fetch = [\"a.test\"]\n", "unknown key `allow-fetch` in `[test]` (known: allow_fetch)"),
        ("[test]\nallow_fetch = \"a.test\"\n", "`allow_fetch` in `[test]` must be a list of strings"),
        ("[test]\nallow_fetch = [\"https://a.test/\"]\n", "give the host only, without a scheme or a path"),
        ("test = 1\n", "`test` must be a table"),
        ("[test\n", "not valid TOML"),
    ] {
        let p = TempProject::new(&[
            ("wrangler.jsonc", r#"{ "name": "bad", "main": "src/index.ts" }"#),
            ("src/index.ts", "export const t = { test() {} };\n"),
            ("dols.toml", toml),
        ]);
        let e = Project::load(&p.root).unwrap_err();
        assert!(e.contains("dols.toml: ") && e.contains(says), "{toml}: {e}");
    }
}

/// A host that is allowed but does not answer, or does not finish the TLS handshake of an
/// `https:` URL (the client's first bytes are a TLS handshake record): the fetch fails with
/// the URL and the reason.
#[test]
fn a_failed_connection_rejects_with_the_reason() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_bytes = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut b = [0u8; 3];
        stream.read_exact(&mut b).unwrap();
        b
    });
    let https = format!("https://127.0.0.1:{port}/");
    let p = TempProject::new(&[
        ("wrangler.jsonc", r#"{ "name": "tls", "main": "src/index.ts" }"#),
        ("src/index.ts", &format!("export const t = {{ async test() {{ try {{ await fetch('{https}'); }} catch (e: any) {{ console.log(e.name + ': ' + e.message); }} }} }};\n")),
    ]);
    let options = RunOptions { allow_fetch: vec![HostPattern::parse("127.0.0.1").unwrap()], ..RunOptions::default() };
    let (_, out, _) = run_with(&p.root, &options);
    assert!(out.starts_with(&format!("Error: fetch() of {https} failed: ")), "{out}");
    // A TLS record of type handshake (22), version 3.x.
    assert_eq!(first_bytes.join().unwrap()[..2], [22, 3]);

    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = TempProject::new(&[
        ("wrangler.jsonc", r#"{ "name": "down", "main": "src/index.ts" }"#),
        ("src/index.ts", &format!("export const t = {{ async test() {{ try {{ await fetch('http://127.0.0.1:{port}/'); }} catch (e: any) {{ console.log(e.name + ': ' + e.message); }} }} }};\n")),
    ]);
    let options = RunOptions { allow_fetch: vec![HostPattern::parse("127.0.0.1").unwrap()], ..RunOptions::default() };
    let (_, out, _) = run_with(&p.root, &options);
    assert!(out.starts_with(&format!("Error: fetch() of http://127.0.0.1:{port}/ failed: ")), "{out}");
    assert!(out.to_lowercase().contains("refused"), "{out}");
}
