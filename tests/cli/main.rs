//! End-to-end tests of the `dols` binary: small projects written to a temporary directory,
//! the real command run on them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A directory under the system's temporary directory, removed when dropped.
struct Project {
    root: PathBuf,
}

impl Project {
    fn new(files: &[(&str, &[u8])]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("dols-cli-test-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (path, content) in files {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        }
        fs::create_dir_all(&root).unwrap();
        Project { root }
    }

    /// Runs `dols` with `args` inside the project directory.
    fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_dols"))
        .args(args)
        .current_dir(dir)
        .env_remove("DOLS_LOG")
        .output()
        .expect("the dols binary runs");
    Run {
        code: status.code().expect("dols exits normally"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// A config missing the comma after `"name": "x"`.
const BROKEN_JSONC: &[u8] = b"{\n  \"name\": \"x\"\n  \"main\": \"src/index.ts\"\n}\n";
const BROKEN_LINE: &str = "wrangler.jsonc:2:13: error[config-syntax]: Expected comma\n";

const CLEAN_JSONC: &[u8] = br#"{
  // a comment, and trailing commas, as wrangler allows
  "name": "ledger-worker",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "LEDGER", "class_name": "Ledger" },] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Ledger"] },],
}
"#;

const CLEAN_SOURCE: &[u8] = br#"import { DurableObject } from "cloudflare:workers";

export class Ledger extends DurableObject {}

export default {
  async fetch(): Promise<Response> {
    return new Response("ok");
  },
};
"#;

#[test]
fn broken_config_text_output_and_exit_code() {
    let p = Project::new(&[
        ("wrangler.jsonc", BROKEN_JSONC),
        ("src/index.ts", b"export {};\n"),
    ]);
    let r = p.run(&["check"]);
    assert_eq!(r.stdout, BROKEN_LINE, "stderr: {}", r.stderr);
    assert_eq!(r.code, 1);
    // The same, named explicitly.
    let r = p.run(&["check", "."]);
    assert_eq!((r.stdout.as_str(), r.code), (BROKEN_LINE, 1));
}

#[test]
fn paths_keep_the_prefix_the_user_gave() {
    let p = Project::new(&[("app/wrangler.jsonc", BROKEN_JSONC)]);
    let r = p.run(&["check", "app"]);
    assert_eq!(r.stdout, format!("app/{BROKEN_LINE}"));
    let r = p.run(&["check", "app/wrangler.jsonc"]);
    assert_eq!(r.stdout, format!("app/{BROKEN_LINE}"));
}

#[test]
fn a_file_argument_reports_only_that_file() {
    let p = Project::new(&[
        ("a/wrangler.jsonc", BROKEN_JSONC),
        ("b/wrangler.jsonc", BROKEN_JSONC),
    ]);
    let r = p.run(&["check", "b/wrangler.jsonc"]);
    assert_eq!(r.stdout, format!("b/{BROKEN_LINE}"));
    assert_eq!(r.code, 1);
    let r = p.run(&["check"]);
    assert_eq!(r.stdout, format!("a/{BROKEN_LINE}b/{BROKEN_LINE}"));
}

#[test]
fn columns_count_utf16_code_units() {
    // The emoji is two UTF-16 units (four bytes); the error points at the `"` of "main".
    let p = Project::new(&[(
        "wrangler.jsonc",
        "{ \"name\": \"😀\" \"main\": \"x\" }".as_bytes(),
    )]);
    let r = p.run(&["check"]);
    assert_eq!(
        r.stdout,
        "wrangler.jsonc:1:16: error[config-syntax]: Expected comma\n"
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let toml = b"[[durable_objects.bindings]]\nname = \"A\"\nclass_name = \"A\"\nkind = \"x\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"A\"]\n";
    let p = Project::new(&[("wrangler.toml", toml)]);
    let r = p.run(&["check"]);
    assert_eq!(
        r.stdout,
        "wrangler.toml:4:1: warning[config-unexpected-field]: Unexpected fields found in \
         durable_objects.bindings[0] field: \"kind\"\n"
    );
    assert_eq!(r.code, 0);
}

#[test]
fn json_format_has_lsp_fields() {
    let p = Project::new(&[("wrangler.jsonc", BROKEN_JSONC)]);
    let r = p.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), 1);
    let d = &list[0];
    assert_eq!(d["file"], "wrangler.jsonc");
    assert_eq!(d["range"]["start"]["line"], 1);
    assert_eq!(d["range"]["start"]["character"], 12);
    assert_eq!(d["range"]["end"]["line"], 1);
    assert_eq!(d["range"]["end"]["character"], 13);
    assert_eq!(d["severity"], 1);
    assert_eq!(d["code"], "config-syntax");
    assert_eq!(d["source"], "dols");
    assert_eq!(d["message"], "Expected comma");
    assert!(d.get("relatedInformation").is_none());
}

#[test]
fn sarif_format_is_sarif_2_1_0() {
    let p = Project::new(&[("wrangler.jsonc", BROKEN_JSONC)]);
    let r = p.run(&["check", "--format=sarif"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "dols");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["rules"].as_array().unwrap().len(), 1);
    assert_eq!(driver["rules"][0]["id"], "config-syntax");
    let result = &runs[0]["results"][0];
    assert_eq!(result["ruleId"], "config-syntax");
    assert_eq!(result["level"], "error");
    assert_eq!(result["message"]["text"], "Expected comma");
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "wrangler.jsonc");
    let region = &loc["region"];
    assert_eq!(
        [
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ],
        [2, 13, 2, 14]
    );
}

#[test]
fn clean_project_exits_zero() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", CLEAN_SOURCE),
    ]);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("error["), "{}", r.stdout);
    // A clean run still says what it checked, on stderr; machine formats stay silent there.
    assert_eq!(r.stderr, "dols check: 2 files, 0 errors, 0 warnings, 0 hints\n");
    let r = p.run(&["check", "--format", "sarif"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, "");
    let v: Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn unreadable_files_are_skipped_with_a_note() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", CLEAN_SOURCE),
        ("src/latin1.ts", b"// caf\xe9\n"),
    ]);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(
        r.stderr.contains("src/latin1.ts") && r.stderr.contains("UTF-8"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_usage_exits_two_with_one_line() {
    let p = Project::new(&[("wrangler.jsonc", CLEAN_JSONC)]);
    for (args, says) in [
        (&["check", "--format", "bogus"][..], "bogus"),
        (&["check", "--format"][..], "--format"),
        (&["check", "--frobnicate"][..], "--frobnicate"),
        (&["check", "missing-dir"][..], "missing-dir"),
        (&["status", "--frobnicate"][..], "--frobnicate"),
        (&["status", "missing-dir"][..], "missing-dir"),
    ] {
        let r = p.run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn version_and_help() {
    let dir = std::env::temp_dir();
    let r = run_in(&dir, &["--version"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, &*format!("dols {}\n", env!("CARGO_PKG_VERSION")))
    );
    let r = run_in(&dir, &["help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("dols check") && r.stdout.contains("dols status"),
        "{}",
        r.stdout
    );
}

#[test]
fn status_describes_the_project() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", CLEAN_SOURCE),
    ]);
    let r = p.run(&["status"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for part in [
        "## `wrangler.jsonc`",
        "- name: `ledger-worker`",
        "- source files: 1",
        "- `LEDGER` → `Ledger`, top level",
        "1. `v1`: new_sqlite_classes `Ledger`",
    ] {
        assert!(
            r.stdout.contains(part),
            "missing {part:?} in:\n{}",
            r.stdout
        );
    }
    let parent = p.root.parent().unwrap();
    let name = p.root.file_name().unwrap().to_str().unwrap();
    let r = run_in(parent, &["status", name]);
    assert!(
        r.stdout.contains(&format!("## `{name}/wrangler.jsonc`")),
        "{}",
        r.stdout
    );
}

const TEST_PROJECT_INDEX: &[u8] = br#"import { DurableObject } from "cloudflare:workers";
export class Ledger extends DurableObject {
  add(n: number): number {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS l (n REAL)");
    this.ctx.storage.sql.exec("INSERT INTO l VALUES (?)", n);
    return this.ctx.storage.sql.exec("SELECT sum(n) AS s FROM l").one().s as number;
  }
}
export const adds = { async test(_c: unknown, env: any) { console.log("sum", await env.LEDGER.getByName("a").add(2)); } };
"#;

const FAILING_TEST: &[u8] =
    b"export const fails = {\n  test(): void {\n    throw new Error('nope');\n  },\n};\n";

#[test]
fn test_command_runs_tests_persists_state_and_sets_the_exit_code() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", TEST_PROJECT_INDEX),
        ("src/fail.ts", FAILING_TEST),
    ]);
    let r = p.run(&["test"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "sum 2\nok adds\n1 passed, 0 failed\n"),
        "{}",
        r.stderr
    );
    // The default state directory keeps the object's database between runs.
    assert!(p.root.join(".dols/state/Ledger").is_dir());
    assert_eq!(
        p.run(&["test", "."]).stdout,
        "sum 4\nok adds\n1 passed, 0 failed\n"
    );
    assert_eq!(
        p.run(&["test", "--in-memory"]).stdout,
        "sum 2\nok adds\n1 passed, 0 failed\n"
    );
    let other = p.root.join("elsewhere");
    let r = p.run(&["test", "--persist-to", other.to_str().unwrap()]);
    assert_eq!(r.stdout, "sum 2\nok adds\n1 passed, 0 failed\n");
    assert!(other.join("Ledger").is_dir());

    let r = p.run(&["test", "--test", "src/fail.ts"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "FAIL fails\n  Error: nope\n    at src/fail.ts:3:15\n0 passed, 1 failed\n"
    );
}

#[test]
fn test_command_fake_time_runs_a_day_of_timers_at_once() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", TEST_PROJECT_INDEX),
        (
            "src/day.ts",
            b"export const day = { async test() { const t = Date.now(); await new Promise((r) => setTimeout(r, 86_400_000)); console.log(Date.now() - t); } };\n",
        ),
    ]);
    let started = std::time::Instant::now();
    let r = p.run(&["test", "--in-memory", "--fake-time", "--test", "src/day.ts"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "86400000\nok day\n1 passed, 0 failed\n"),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn test_command_runs_the_code_in_utc_as_workerd_does() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", TEST_PROJECT_INDEX),
        (
            "src/tz.ts",
            b"export const tz = { test() { const d = new Date(Date.UTC(2024, 0, 1, 12)); console.log(d.getHours(), d.getTimezoneOffset(), String(d)); } };\n",
        ),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_dols"))
        .args(["test", "--in-memory", "--test", "src/tz.ts"])
        .current_dir(&p.root)
        // A POSIX zone string: no time zone database needed to make the difference.
        .env("TZ", "JST-9")
        .output()
        .expect("the dols binary runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "12 0 Mon Jan 01 2024 12:00:00 GMT+0000 (Coordinated Universal Time)\nok tz\n1 passed, 0 failed\n"
    );
}

#[test]
fn test_command_usage_errors_exit_two() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("src/index.ts", TEST_PROJECT_INDEX),
    ]);
    let r = p.run(&["test", "--bogus"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown option `--bogus`"),
        "{}",
        r.stderr
    );
    let r = p.run(&["test", "--in-memory", "--persist-to", "x"]);
    assert_eq!(r.code, 2);
    let empty = Project::new(&[("readme.txt", b"no config")]);
    let r = empty.run(&["test"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no wrangler config"), "{}", r.stderr);
}


/// An HTTP server on 127.0.0.1 that answers every request with its method and path, for as
/// many requests as `count` (then its thread ends).
fn answering_server(count: usize) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            // The request's headers (GET: no body).
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim_end().is_empty() {
                    break;
                }
            }
            let body = format!("answered {}", line.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
            let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }
    });
    port
}

fn fetch_test(port: u16) -> Vec<u8> {
    format!(
        "export const fetches = {{ async test() {{\n  try {{ console.log(await (await fetch('http://127.0.0.1:{port}/hello')).text()); }} catch (e: any) {{ console.log(e.message); }}\n}} }};\n"
    )
    .into_bytes()
}

#[test]
fn test_command_allows_fetch_by_flag_and_by_dols_toml() {
    let port = answering_server(4);
    let source = fetch_test(port);
    let p = Project::new(&[("wrangler.jsonc", CLEAN_JSONC), ("src/index.ts", TEST_PROJECT_INDEX), ("src/fetch.ts", &source)]);
    let run = |extra: &[&str]| {
        let mut args = vec!["test", "--in-memory", "--test", "src/fetch.ts"];
        args.extend_from_slice(extra);
        p.run(&args)
    };
    // Refused without configuration: the error says how to allow the host.
    let r = run(&[]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, format!("Outbound fetch() of http://127.0.0.1:{port}/hello refused: dols test sends no request to the network unless its host is allowed. To allow it, run `dols test --allow-fetch 127.0.0.1:{port}`, or add \"127.0.0.1:{port}\" to `allow_fetch` in the `[test]` section of dols.toml.\nok fetches\n1 passed, 0 failed\n").as_str()),
        "{}",
        r.stderr
    );
    let answered = "answered GET /hello\nok fetches\n1 passed, 0 failed\n";
    let host_port = format!("127.0.0.1:{port}");
    let list = format!("api.example.com,{host_port}");
    for flags in [vec!["--allow-fetch", host_port.as_str()], vec!["--allow-fetch", list.as_str()], vec!["--allow-fetch", "api.example.com", "--allow-fetch", "*"]] {
        let r = run(&flags);
        assert_eq!((r.code, r.stdout.as_str()), (0, answered), "{flags:?}: {}", r.stderr);
    }
    fs::write(p.root.join("dols.toml"), format!("[test]\nallow_fetch = [\"{host_port}\"]\n")).unwrap();
    let r = run(&[]);
    assert_eq!((r.code, r.stdout.as_str()), (0, answered), "{}", r.stderr);
}

#[test]
fn test_command_rejects_bad_fetch_configuration() {
    let p = Project::new(&[("wrangler.jsonc", CLEAN_JSONC), ("src/index.ts", TEST_PROJECT_INDEX)]);
    let r = p.run(&["test", "--allow-fetch"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--allow-fetch needs a HOST"), "{}", r.stderr);
    let r = p.run(&["test", "--allow-fetch", "https://api.example.com/v1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--allow-fetch: `https://api.example.com/v1` is not a host pattern for fetch: give the host only, without a scheme or a path"),
        "{}",
        r.stderr
    );
    fs::write(p.root.join("dols.toml"), "[test]\nallow_fetch = [\"api.example.com:http\"]\n").unwrap();
    let r = p.run(&["test"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("dols.toml: `allow_fetch` in `[test]`: `api.example.com:http` is not a host pattern for fetch: the port must be a number"), "{}", r.stderr);
}

#[test]
fn sql_mistakes_are_reported_by_check() {
    let p = Project::new(&[
        (
            "wrangler.jsonc",
            br#"{ "name": "s", "main": "src/index.ts", "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "NOTES", "class_name": "Notes" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Notes"] }] }
"#,
        ),
        (
            "src/index.ts",
            br#"import { DurableObject } from "cloudflare:workers";
export class Notes extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)");
  }
  all() { return this.ctx.storage.sql.exec("SELECT id, body FROM note").toArray(); }
}
export default { fetch() { return new Response("ok"); } };
"#,
        ),
    ]);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("src/index.ts:7:66: error[sql-unknown-table]: No table `note`"), "{}", r.stdout);
}

/// The example projects are correct code: no SQL diagnostic may appear on them.
#[test]
fn example_projects_have_no_sql_diagnostics() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples");
    for name in ["counter", "chat-room", "booking"] {
        let r = run_in(&examples.join(name), &["check"]);
        assert!(!r.stdout.contains("[sql-"), "{name}: {}", r.stdout);
        assert!(r.stdout.is_empty(), "{name}: {}", r.stdout);
    }
}

const LINTED_SOURCE: &[u8] = br#"import { DurableObject } from "cloudflare:workers";

export class Ledger extends DurableObject {
  async add(n: number) { await this.ctx.storage.setAlarm(Date.now() + n); }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    env.LEDGER.getByName("main").add(1);
    return new Response("ok");
  },
};
"#;

#[test]
fn lints_are_reported_and_one_rule_can_be_chosen() {
    let p = Project::new(&[("wrangler.jsonc", CLEAN_JSONC), ("src/index.ts", LINTED_SOURCE)]);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "warnings and hints alone exit zero: {}", r.stdout);
    assert_eq!(
        r.stdout,
        "src/index.ts:4:49: warning[set-alarm-without-handler]: `Ledger` has no `alarm()` handler, so `setAlarm` throws `TypeError: Your Durable Object class must have an alarm() handler in order to call setAlarm()`. Add `async alarm()` to the class with the scheduled work.\n\
         src/index.ts:9:5: hint[global-singleton-stub]: `getByName(\"main\")` sends every request to the same Durable Object, which runs one request at a time in one place. If the state can be split (per user, room, document), derive the name from that key so that the load spreads over many objects.\n\
         src/index.ts:9:5: warning[stub-call-not-awaited]: The promise of `add(…)` through this stub is not awaited: if the call fails, the error is lost. Await it, return it, or hand it to `ctx.waitUntil(…)`.\n"
    );
    let r = p.run(&["check", "--rule", "stub-call-not-awaited"]);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("warning[stub-call-not-awaited]"), "{}", r.stdout);
    let r = p.run(&["check", "--rule=no-such-rule"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule `no-such-rule`"), "{}", r.stderr);
}

#[test]
fn dols_toml_turns_rules_off_and_is_checked() {
    let p = Project::new(&[
        ("wrangler.jsonc", CLEAN_JSONC),
        ("dols.toml", b"[lint]\nstub-call-not-awaited = \"off\"\nset-alarm-without-handler = \"error\"\nglobal-singleton-stub = \"off\"\n"),
        ("src/index.ts", LINTED_SOURCE),
    ]);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("src/index.ts:4:49: error[set-alarm-without-handler]"), "{}", r.stdout);
    let bad = Project::new(&[("wrangler.jsonc", CLEAN_JSONC), ("dols.toml", b"[lint\n"), ("src/index.ts", CLEAN_SOURCE)]);
    let r = bad.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("dols.toml:"), "{}", r.stdout);
    assert!(r.stdout.contains("error[settings-invalid]"), "{}", r.stdout);
}

#[test]
fn rules_lists_every_rule() {
    let r = run_in(Path::new("."), &["rules"]);
    assert_eq!(r.code, 0);
    let first = r.stdout.lines().next().unwrap_or("");
    assert!(first.starts_with("stub-call-not-awaited") && first.contains("  warning  "), "{}", r.stdout);
    for code in ["reserved-method-over-rpc", "websocket-accept-without-hibernation", "timers-in-durable-object"] {
        assert!(r.stdout.contains(code), "{code} missing from:\n{}", r.stdout);
    }
}

const SCHEMA_SOURCE: &[u8] = br#"import { DurableObject } from "cloudflare:workers";
import { Agent } from "agents";

const USERS = `
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE
  )`;

export class Accounts extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(USERS);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE)");
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user)");
    ctx.storage.sql.exec("ALTER TABLE users ADD COLUMN name TEXT DEFAULT 'anon'");
  }
}

export class Chat extends Agent<Env> {
  onStart() { this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS msgs (body TEXT)"); }
}

export default { fetch() { return new Response("ok"); } };
"#;

fn schema_project() -> Project {
    Project::new(&[
        (
            "wrangler.jsonc",
            br#"{ "name": "s", "main": "src/index.ts", "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ACCOUNTS", "class_name": "Accounts" }, { "name": "CHAT", "class_name": "Chat" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Accounts", "Chat"] }] }
"#,
        ),
        ("src/index.ts", SCHEMA_SOURCE),
    ])
}

/// The statements as SQLite keeps them in `sqlite_schema` (an added column is spliced into
/// the CREATE TABLE text by SQLite itself).
#[test]
fn schema_prints_each_classs_create_statements() {
    let p = schema_project();
    let r = p.run(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "-- Accounts (src/index.ts)
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE
  , name TEXT DEFAULT 'anon');
CREATE TABLE sessions (token TEXT PRIMARY KEY, user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE);
CREATE INDEX sessions_by_user ON sessions (user);

-- Chat (src/index.ts)
-- Part of this schema may come from code dols cannot see (a library base class, DDL built at run time).
CREATE TABLE msgs (body TEXT);
"
    );
    // One class, from another directory.
    let r = run_in(p.root.parent().unwrap(), &["schema", p.root.to_str().unwrap(), "--class", "Chat"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("-- Chat (src/index.ts)\n") && !r.stdout.contains("users"), "{}", r.stdout);
}

#[test]
fn schema_as_json_has_columns_types_and_keys() {
    let p = schema_project();
    let r = p.run(&["schema", "--format=json", "--class", "Accounts"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let class = &v["classes"][0];
    assert_eq!((class["class"].as_str(), class["complete"].as_bool()), (Some("Accounts"), Some(true)));
    let users = &class["tables"][0];
    assert_eq!(users["name"], "users");
    let cols: Vec<(String, String)> = users["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c["type"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(cols, [("id".into(), "INTEGER".into()), ("email".into(), "TEXT".into()), ("name".into(), "TEXT".into())]);
    assert_eq!(users["columns"][0]["primary_key"], 1);
    assert_eq!(users["columns"][1]["unique"], true);
    assert_eq!(users["columns"][2]["default"], "'anon'");
    let fk = &class["tables"][1]["foreign_keys"][0];
    assert_eq!((fk["columns"][0].as_str(), fk["table"].as_str(), fk["references"][0].as_str(), fk["on_delete"].as_str()), (Some("user"), Some("users"), Some("id"), Some("CASCADE")));
    assert_eq!(class["indexes"][0]["name"], "sessions_by_user");
}

#[test]
fn schema_usage_errors() {
    let p = schema_project();
    let r = p.run(&["schema", "--format", "yaml"]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "dols schema: unknown format `yaml` (expected sql or json)\n"));
    let r = p.run(&["schema", "--class", "Nope"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no class `Nope`"), "{}", r.stderr);
}

#[test]
fn migration_files_named_in_dols_toml_feed_check_and_schema() {
    let source: &[u8] = br#"import { DurableObject } from "cloudflare:workers";
export class Store extends DurableObject {
  posts() { return this.ctx.storage.sql.exec("SELECT id, titel FROM posts").toArray(); }
}
export default { fetch() { return new Response("ok"); } };
"#;
    let p = Project::new(&[
        ("wrangler.jsonc", br#"{ "name": "app", "main": "src/index.ts", "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "STORE", "class_name": "Store" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }] }"#),
        ("src/index.ts", source),
        ("drizzle/0000_init.sql", b"CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);\n"),
        ("drizzle/0001_tags.sql", b"ALTER TABLE posts ADD COLUMN tags TEXT;\nDROP TABLE nope;\n"),
        // A D1 database's migrations: not named, so never read.
        ("migrations/0001_d1.sql", b"CREATE TABLE d1 (id);\nCREATE TABLE d1 (id);\n"),
        ("dols.toml", b"[sql]\nmigrations = [\"drizzle\"]\n"),
    ]);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].starts_with("drizzle/0001_tags.sql:2:1: error[sql-ddl-failed]"), "{}", r.stdout);
    assert!(lines[1].starts_with("src/index.ts:3:58: error[sql-unknown-column]") && lines[1].contains("(id, title, tags)"), "{}", r.stdout);
    let r = p.run(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, tags TEXT)"), "{}", r.stdout);
    assert!(!r.stdout.contains("d1"), "{}", r.stdout);
}
