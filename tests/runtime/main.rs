//! Tests of the embedded runtime on whole projects: every case under `tests/conformance/` must
//! print exactly its `expected.txt`, and small projects written to a temporary directory check
//! persistence, module loading and error positions.

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::Duration;

use dols_runtime::{
    Limits, Output, Project, RunOptions, StateLocation, TestReport, run_tests, run_tests_with,
};

mod debugger;
mod fetch;

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

fn run(dir: &Path, state: StateLocation) -> (Result<TestReport, String>, String, String) {
    let project = Project::load(dir).expect("project loads");
    let buf = Rc::new(RefCell::new((String::new(), String::new())));
    let report = run_tests(&project, &[], state, Output::Capture(buf.clone()));
    let (out, err) = buf.borrow().clone();
    (report, out, err)
}

/// The conformance cases: directories of `tests/conformance` with an `expected.txt`.
fn conformance_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(conformance_dir())
        .expect("tests/conformance exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn conformance_cases_print_their_expected_lines() {
    let cases = conformance_cases();
    assert!(
        cases.len() >= 60,
        "expected the conformance cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let (report, out, err) = run(case, StateLocation::Memory);
        if let Err(e) = &report {
            failures.push(format!(
                "{}: run failed: {e}\nstderr:\n{err}",
                case.display()
            ));
            continue;
        }
        if out != expected {
            failures.push(format!(
                "{}: output differs\n--- expected\n{expected}--- actual\n{out}--- stderr\n{err}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The engine's debugger hook on (a debugger attached, no breakpoint) changes nothing a run
/// prints. (`DOLS_DEBUG_HOOK=1` attaches one to every run of the other tests too.)
#[test]
fn conformance_cases_print_the_same_lines_with_a_debugger_attached() {
    let mut failures = Vec::new();
    for case in &conformance_cases() {
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let (debugger, target) = dols_runtime::debugger::Debugger::new();
        let options = RunOptions {
            debugger: Some(target),
            ..RunOptions::default()
        };
        let (report, out, err) = run_with(case, &options);
        drop(debugger);
        if report.is_err() || out != expected {
            failures.push(format!(
                "{}: {report:?}\n--- expected\n{expected}--- actual\n{out}--- stderr\n{err}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Cases whose objects share a module-level variable. With objects on threads of their own,
/// each object's runtime has its own copy of the modules, so these print other counts (as on
/// the platform when objects run in different isolates); workerd runs them in one.
const SHARED_MODULE_STATE: [&str; 2] = ["instances", "object-reset"];

/// With objects on threads of their own: every case prints the same lines with the debugger
/// machinery on (an idle debugger attached to every runtime) and off, on the real and on the
/// fake clock, and those of `expected.txt` but for the cases that share module state.
#[test]
fn conformance_cases_with_objects_on_threads() {
    let mut failures = Vec::new();
    let threads = RunOptions {
        object_threads: true,
        ..RunOptions::default()
    };
    for case in &conformance_cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let (report, out, err) = run_with(case, &threads);
        let (debugger, target) = dols_runtime::debugger::Debugger::new();
        let debugged = RunOptions {
            debugger: Some(target),
            ..threads.clone()
        };
        let (report_d, out_d, err_d) = run_with(case, &debugged);
        drop(debugger);
        let fake = RunOptions {
            fake_time: true,
            ..threads.clone()
        };
        let (report_f, out_f, err_f) = run_with(case, &fake);
        if report.is_err() || report != report_d || out != out_d {
            failures.push(format!(
                "{name}: debugger on and off differ: {report:?} {report_d:?}\n--- off\n{out}--- on\n{out_d}--- stderr\n{err}{err_d}"
            ));
        }
        if report_f != report || out_f != out {
            failures.push(format!(
                "{name}: fake time differs: {report_f:?}\n--- real\n{out}--- fake\n{out_f}--- stderr\n{err_f}"
            ));
        }
        let shares = SHARED_MODULE_STATE.contains(&name.as_str());
        if (out == expected) == shares {
            failures.push(format!(
                "{name}: {}\n--- expected\n{expected}--- actual\n{out}--- stderr\n{err}",
                if shares { "prints its expected lines: take it off SHARED_MODULE_STATE" } else { "output differs" }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A project in a fresh temporary directory, removed when dropped.
struct TempProject {
    root: PathBuf,
}

impl TempProject {
    fn new(files: &[(&str, &str)]) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "dols-runtime-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        TempProject { root }
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

const CONFIG: &str = r#"{ "name": "t", "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "C", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }] }"#;

const COUNTER: &str = r#"import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  increment(): number {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, n INTEGER)");
    return this.ctx.storage.sql.exec("INSERT INTO c VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1 RETURNING n").one().n as number;
  }
}
export const count = { async test(_c: unknown, env: any) { console.log("n=" + await env.C.getByName("x").increment()); } };
"#;

#[test]
fn storage_persists_between_runs_unless_in_memory() {
    let p = TempProject::new(&[("wrangler.jsonc", CONFIG), ("src/index.ts", COUNTER)]);
    let state = StateLocation::Dir(p.root.join(".dols/state"));
    assert_eq!(
        run(&p.root, state.clone()).1,
        "n=1\nok count\n1 passed, 0 failed\n"
    );
    assert_eq!(
        run(&p.root, state.clone()).1,
        "n=2\nok count\n1 passed, 0 failed\n"
    );
    let files: Vec<_> = fs::read_dir(p.root.join(".dols/state/Counter"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        files
            .iter()
            .filter(|f| f.to_string_lossy().ends_with(".sqlite"))
            .count(),
        1,
        "{files:?}"
    );
    assert_eq!(
        run(&p.root, StateLocation::Memory).1,
        "n=1\nok count\n1 passed, 0 failed\n"
    );
    assert_eq!(run(&p.root, state).1, "n=3\nok count\n1 passed, 0 failed\n");
}

#[test]
fn modules_load_relative_ts_js_and_json() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "m", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "import { twice } from './lib/math';\nimport { label } from './lib/label.js';\nimport data from './data.json';\nimport type { Shape } from './types';\nconst s: Shape = { n: twice(data.n) };\nexport const t = { test() { console.log(label(s.n)); } };\n",
        ),
        (
            "src/lib/math.ts",
            "export function twice(n: number): number { return n * 2; }\n",
        ),
        (
            "src/lib/label.ts",
            "export const label = (n: number): string => `n is ${n}`;\n",
        ),
        ("src/data.json", "{ \"n\": 21 }\n"),
        ("src/types.ts", "export interface Shape { n: number }\n"),
    ]);
    let (r, out, err) = run(&p.root, StateLocation::Memory);
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 0
        }),
        "{err}"
    );
    assert_eq!(out, "n is 42\nok t\n1 passed, 0 failed\n");
}

#[test]
fn errors_point_at_the_original_typescript_position() {
    // Type-heavy lines before and on the failing line: the column must still be the original one.
    let src = "interface Big {\n  a: string;\n  b: Array<Map<string, number>>;\n}\ntype Alias<T> = { [k: string]: T };\nexport const t = {\n  test(_c: unknown, _e: Alias<unknown>): void {\n    const x: Big | undefined = undefined as Big | undefined; throw new TypeError('at seven');\n  },\n};\n";
    let col = src.lines().nth(7).unwrap().find("new TypeError").unwrap() + 1;
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "e", "main": "src/index.ts" }"#,
        ),
        ("src/index.ts", src),
    ]);
    let (r, out, _) = run(&p.root, StateLocation::Memory);
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 0,
            failed: 1
        })
    );
    let at = out
        .lines()
        .find(|l| l.trim_start().starts_with("at "))
        .expect("a location line");
    let loc = at.trim().trim_start_matches("at ");
    let (file, rest) = loc.split_once(':').unwrap();
    let (line, column) = rest.split_once(':').unwrap();
    assert_eq!(file, "src/index.ts");
    assert_eq!(line, "8");
    // QuickJS reports a `new` expression at its `new` keyword or at its callee.
    let column: usize = column.parse().unwrap();
    assert!(
        column == col || column == col + 4,
        "column {column}, `new TypeError` starts at {col}\n{out}"
    );
    assert!(out.contains("FAIL t\n  TypeError: at seven\n"), "{out}");
}

#[test]
fn unsupported_typescript_fails_the_load_with_a_position() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "e", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "export const t = { test() {} };\nenum Color { Red }\n",
        ),
    ]);
    let (r, _, _) = run(&p.root, StateLocation::Memory);
    let e = r.unwrap_err();
    assert!(e.contains("index.ts:2:1") && e.contains("enum"), "{e}");
}

#[test]
fn an_object_that_never_answers_is_reported_not_hung() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "h", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "export const t = { async test() { await new Promise(() => {}); } };\nexport const u = { test() { console.log('next'); } };\n",
        ),
    ]);
    let (r, out, _) = run(&p.root, StateLocation::Memory);
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 1
        })
    );
    assert!(
        out.starts_with("FAIL t\n  Error: the test stopped making progress: it waits for a promise that never settles"),
        "{out}"
    );
    assert!(out.ends_with("next\nok u\n1 passed, 1 failed\n"), "{out}");

    // A top-level await that never settles is not a test: the run itself stops, with the reason.
    fs::write(
        p.root.join("src/index.ts"),
        "await new Promise(() => {});\nexport const t = { test() {} };\n",
    )
    .unwrap();
    let (r, _, _) = run(&p.root, StateLocation::Memory);
    assert!(r.unwrap_err().contains("stopped making progress"));
}

/// The pinned workerd of `tests/conformance/workerd` (install with `npm install` there), or
/// `DOLS_WORKERD`.
fn workerd_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DOLS_WORKERD") {
        return Some(PathBuf::from(p));
    }
    let p = conformance_dir().join("workerd/node_modules/.bin/workerd");
    p.is_file().then_some(p)
}

/// Lines a test printed itself: everything but the runner's `ok`/`FAIL` lines, the indented
/// details under a `FAIL` line, and the summary.
fn printed_lines(out: &str) -> Vec<&str> {
    let lines: Vec<&str> = out.lines().collect();
    let body = &lines[..lines.len().saturating_sub(1)];
    let mut printed = Vec::new();
    let mut in_failure = false;
    for l in body {
        if l.starts_with("FAIL ") {
            in_failure = true;
        } else if in_failure && l.starts_with("  ") {
        } else if l.starts_with("ok ") {
            in_failure = false;
        } else {
            in_failure = false;
            printed.push(*l);
        }
    }
    printed
}

/// `(name, passed)` of each test in `dols test` output.
fn dols_results(out: &str) -> Vec<(String, bool)> {
    let mut r: Vec<(String, bool)> = out
        .lines()
        .filter_map(|l| {
            l.strip_prefix("ok ")
                .map(|n| (n.to_string(), true))
                .or_else(|| l.strip_prefix("FAIL ").map(|n| (n.to_string(), false)))
        })
        .collect();
    r.sort();
    r
}

/// `(name, passed)` of each test in `workerd test` output (`[ PASS ] main:name`).
fn workerd_results(err: &str) -> Vec<(String, bool)> {
    let mut r: Vec<(String, bool)> = err
        .lines()
        .filter_map(|l| {
            let (pass, rest) = if let Some(i) = l.find("[ PASS ] ") {
                (true, &l[i + 9..])
            } else if let Some(i) = l.find("[ FAIL ] ") {
                (false, &l[i + 9..])
            } else {
                return None;
            };
            let name = rest.split_whitespace().next()?;
            Some((name.rsplit(':').next()?.to_string(), pass))
        })
        .collect();
    r.sort();
    r
}

#[test]
fn workerd_prints_the_same_lines_and_results() {
    let Some(workerd) = workerd_binary() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "workerd is not installed and CI=true: run `npm install` in tests/conformance/workerd (or set DOLS_WORKERD)"
            );
        }
        eprintln!(
            "skipping the workerd comparison: run `npm install` in tests/conformance/workerd (or set DOLS_WORKERD)"
        );
        return;
    };
    let cases = conformance_cases();
    let mut failures = Vec::new();
    let mut agree = 0;
    for case in &cases {
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let project = Project::load(case).unwrap();
        let dir = TempProject::new(&[]);
        fs::create_dir_all(dir.root.join("state")).unwrap();
        let (capnp, modules) =
            dols_runtime::workerd::workerd_config(&project, &dir.root.join("state")).unwrap();
        fs::write(dir.root.join("config.capnp"), capnp).unwrap();
        for m in modules {
            let p = dir.root.join(&m.name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, m.text).unwrap();
        }
        let out = std::process::Command::new(&workerd)
            .arg("test")
            .arg("config.capnp")
            .current_dir(&dir.root)
            .output()
            .expect("workerd runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let theirs: Vec<&str> = stdout.lines().collect();
        let ours = printed_lines(&expected);
        if theirs != ours {
            failures.push(format!("{}: printed lines differ\n--- dols\n{}\n--- workerd\n{}\n--- workerd stderr\n{stderr}", case.display(), ours.join("\n"), theirs.join("\n")));
        }
        let (a, b) = (dols_results(&expected), workerd_results(&stderr));
        if theirs == ours && a == b {
            agree += 1;
        }
        if a != b {
            failures.push(format!(
                "{}: results differ: dols {a:?}, workerd {b:?}\n{stderr}",
                case.display()
            ));
        }
    }
    eprintln!(
        "{agree} of {} conformance cases agree with workerd",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn packages_resolve_through_node_modules() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "pkgs", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "import { a } from 'plain';\nimport { b } from '@scope/cond';\nimport { c } from '@scope/cond/extra';\nimport d from 'legacy';\nexport const t = { test() { console.log(a, b, c, d); } };\n",
        ),
        (
            "node_modules/plain/package.json",
            r#"{ "name": "plain", "exports": "./lib/a.js" }"#,
        ),
        ("node_modules/plain/lib/a.js", "export const a = 'a';\n"),
        (
            "node_modules/@scope/cond/package.json",
            r#"{ "name": "@scope/cond", "exports": { ".": { "require": "./cjs.js", "import": "./esm/b.js" }, "./extra": { "default": "./esm/c.js" } } }"#,
        ),
        (
            "node_modules/@scope/cond/esm/b.js",
            "export const b = 'b';\n",
        ),
        (
            "node_modules/@scope/cond/esm/c.js",
            "export const c = 'c';\n",
        ),
        (
            "node_modules/legacy/package.json",
            r#"{ "name": "legacy", "main": "main.js", "module": "mod.js" }"#,
        ),
        ("node_modules/legacy/mod.js", "export default 'd';\n"),
    ]);
    let (r, out, err) = run(&p.root, StateLocation::Memory);
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 0
        }),
        "{err}"
    );
    assert_eq!(out, "a b c d\nok t\n1 passed, 0 failed\n");

    let missing = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "pkgs", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "import 'nowhere';\nexport const t = { test() {} };\n",
        ),
    ]);
    let e = run(&missing.root, StateLocation::Memory).0.unwrap_err();
    assert!(e.contains("package `nowhere` not found"), "{e}");
}

#[test]
fn stripping_keeps_the_shape_of_every_conformance_module() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "ts") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&conformance_dir(), &mut files);
    assert!(files.len() >= 10, "{files:?}");
    for f in files {
        let ts = fs::read_to_string(&f).unwrap();
        let js = dols_runtime::strip::strip_types(&ts)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(ts.len(), js.len(), "{}", f.display());
        let breaks = |s: &str| s.match_indices('\n').map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(breaks(&ts), breaks(&js), "{}", f.display());
        assert_ne!(ts, js, "{}: nothing was stripped", f.display());
    }
}

#[test]
fn a_failing_alarm_is_retried_with_its_retry_count() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "a", "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "A", "class_name": "A" }] } }"#,
        ),
        (
            "src/index.ts",
            r#"import { DurableObject } from "cloudflare:workers";
export class A extends DurableObject {
  async arm(): Promise<void> { await this.ctx.storage.setAlarm(Date.now()); }
  async alarm(info: { retryCount: number; isRetry: boolean }): Promise<void> {
    const runs = (this.ctx.storage.kv.get("runs") as string[] | undefined) ?? [];
    runs.push(`${info.retryCount}:${info.isRetry}`);
    this.ctx.storage.kv.put("runs", runs);
    if (info.retryCount === 0) throw new Error("first run fails");
  }
  runs(): unknown { return this.ctx.storage.kv.get("runs"); }
}
export const retry = { async test(_c: unknown, env: any) {
  const s = env.A.getByName("x");
  await s.arm();
  await new Promise((r) => setTimeout(r, 2300));
  console.log(JSON.stringify(await s.runs()));
} };
"#,
        ),
    ]);
    // On the fake clock: the retry's 2 s back-off passes without sleeping.
    let fake = RunOptions {
        fake_time: true,
        ..RunOptions::default()
    };
    let (r, out, err) = run_with(&p.root, &fake);
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 0
        }),
        "{err}"
    );
    assert_eq!(
        out,
        "[\"0:false\",\"1:true\"]\nok retry\n1 passed, 0 failed\n"
    );
    assert!(
        err.contains("first run fails"),
        "the failed run is reported: {err}"
    );
}

#[test]
fn stripped_typescript_runs_with_the_same_meaning() {
    let ts = r#"
interface Point { x: number; y?: number }
type Pair<T> = [T, T];
declare const external: string;
declare global { interface Window { z: number } }
function overload(a: string): string;
function overload(a: number): number;
function overload(a: any): any { return a; }
const arrow = <T,>(x: T): T => x;
const isString = (x: unknown): x is string => typeof x === "string";
function withThis(this: { k: number }, add: number): number { return this.k + add; }
abstract class Shape<T extends object = {}> implements Point {
  x: number = 1;
  declare y?: number;
  private readonly secret: string = "s";
  protected static count = 0;
  [key: string]: unknown;
  abstract area(): number;
  describe(): string { return `${this.secret}:${this.area()}`; }
}
class Square extends Shape<{ side: number }> {
  side!: number;
  constructor(side: number) { super(); this.side = side; }
  override area(): number { return this.side * this.side; }
  method<U>(u: U): U;
  method(u: any) { return u; }
}
const sq = new Square(3);
const pair: Pair<number> = [1, 2] as Pair<number>;
const n = <number>(pair[0] as unknown);
const checked = { a: 1 } satisfies Record<string, number>;
const maybe: string | undefined = "m";
console.log([
  overload("o"), arrow<number>(5), isString("s"), withThis.call({ k: 1 }, 2),
  sq.describe(), sq.method<string>("u"), pair.join("+"), n, checked.a, maybe!.length,
].join(" "));
"#;
    let js = dols_runtime::strip::strip_types(ts).unwrap();
    assert_eq!(js.len(), ts.len());
    assert_eq!(
        dols_runtime::eval_script(&js).unwrap(),
        "o 5 true 3 s:9 u 1+2 1 1 1\n"
    );
}

#[test]
fn an_alarm_stored_by_an_earlier_run_fires_when_the_object_is_used_again() {
    let src = r#"import { DurableObject } from "cloudflare:workers";
export class A extends DurableObject {
  async arm(): Promise<void> { await this.ctx.storage.setAlarm(Date.now() + 100); }
  async alarm(): Promise<void> { this.ctx.storage.kv.put("fired", true); }
  fired(): unknown { return this.ctx.storage.kv.get("fired") ?? false; }
}
export const run = { async test(_c: unknown, env: any) {
  const s = env.A.getByName("x");
  ARM
  console.log("before", await s.fired());
  await new Promise((r) => setTimeout(r, MS));
  console.log("after", await s.fired());
} };
"#;
    let config = r#"{ "name": "a", "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "A", "class_name": "A" }] } }"#;
    // First run: arm and end before the alarm is due.
    let p = TempProject::new(&[
        ("wrangler.jsonc", config),
        (
            "src/index.ts",
            &src.replace("MS", "0").replace("ARM", "await s.arm();"),
        ),
    ]);
    let state = StateLocation::Dir(p.root.join(".dols/state"));
    // On the fake clock, so that a loaded machine cannot make the first run last until the
    // alarm is due.
    let fake = RunOptions {
        fake_time: true,
        ..RunOptions::default()
    };
    let run = |root: &Path, state: StateLocation| {
        let project = Project::load(root).expect("project loads");
        let buf = Rc::new(RefCell::new((String::new(), String::new())));
        let report = run_tests_with(&project, &[], state, Output::Capture(buf.clone()), &fake);
        let (out, err) = buf.borrow().clone();
        (report, out, err)
    };
    assert_eq!(
        run(&p.root, state.clone()).1,
        "before false\nafter false\nok run\n1 passed, 0 failed\n"
    );
    // Second run, the module no longer arms: the stored alarm fires once the object is used.
    fs::write(
        p.root.join("src/index.ts"),
        src.replace("MS", "400").replace("ARM", ""),
    )
    .unwrap();
    let (r, out, err) = run(&p.root, state);
    assert_eq!(
        out, "before false\nafter true\nok run\n1 passed, 0 failed\n",
        "{r:?} {err}"
    );
}

/// Runs a project with explicit options, capturing its output.
fn run_with(dir: &Path, options: &RunOptions) -> (Result<TestReport, String>, String, String) {
    let project = Project::load(dir).expect("project loads");
    let buf = Rc::new(RefCell::new((String::new(), String::new())));
    let report = run_tests_with(
        &project,
        &[],
        StateLocation::Memory,
        Output::Capture(buf.clone()),
        options,
    );
    let (out, err) = buf.borrow().clone();
    (report, out, err)
}

fn cpu_limited(ms: u64) -> RunOptions {
    RunOptions {
        limits: Limits {
            cpu_time: Duration::from_millis(ms),
            ..Limits::default()
        },
        ..RunOptions::default()
    }
}

#[test]
fn an_endless_loop_is_interrupted_and_the_run_goes_on() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "l", "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "L", "class_name": "L" }] } }"#,
        ),
        (
            "src/index.ts",
            r#"import { DurableObject } from "cloudflare:workers";
export class L extends DurableObject {
  spin(): void { for (;;) {} }
  ok(): string { return "still answering"; }
}
export const a_spins = { async test(_c: unknown, env: any) { await env.L.getByName("x").spin(); } };
export const b_after = { async test(_c: unknown, env: any) { console.log(await env.L.getByName("x").ok()); } };
"#,
        ),
    ]);
    let (r, out, err) = run_with(&p.root, &cpu_limited(200));
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 1
        }),
        "{out}\n{err}"
    );
    assert!(
        out.starts_with(
            "FAIL a_spins\n  Error: the event was interrupted after using more than 200 ms of CPU time (an endless loop?)\n"
        ),
        "{out}"
    );
    assert!(out.contains("still answering\nok b_after\n"), "{out}");
}

#[test]
fn a_loop_after_an_await_fails_its_test_and_the_run_goes_on() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "l", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "export const a = { async test() { setTimeout(() => console.log('timer still runs'), 300); await null; for (;;) {} } };\nexport const b = { async test() { await new Promise((r) => setTimeout(r, 400)); console.log('next test runs'); } };\n",
        ),
    ]);
    let (r, out, err) = run_with(&p.root, &cpu_limited(100));
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 1
        }),
        "{out}\n{err}"
    );
    assert!(
        err.contains("a job was interrupted after using more than 100 ms of CPU time"),
        "{err}"
    );
    assert!(
        out.starts_with("timer still runs\nFAIL a\n  Error: the test stopped making progress: it waits for a promise that never settles"),
        "{out}"
    );
    assert!(out.contains("an endless loop?"), "{out}");
    assert!(out.ends_with("next test runs\nok b\n1 passed, 1 failed\n"), "{out}");
}

#[test]
fn the_time_limit_counts_cpu_time_not_waiting() {
    // A test that waits 300 ms of wall time on a timer uses almost no CPU: a 50 ms CPU limit
    // does not interrupt it.
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "w", "main": "src/index.ts" }"#,
        ),
        (
            "src/index.ts",
            "export const waits = { async test() { const t = Date.now(); await new Promise((r) => setTimeout(r, 300)); console.log(Date.now() - t >= 290); } };\n",
        ),
    ]);
    let (r, out, err) = run_with(&p.root, &cpu_limited(50));
    assert_eq!(out, "true\nok waits\n1 passed, 0 failed\n", "{r:?} {err}");
}

#[test]
fn running_out_of_memory_fails_the_event_and_the_run_goes_on() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "m", "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "M", "class_name": "M" }] } }"#,
        ),
        (
            "src/index.ts",
            r#"import { DurableObject } from "cloudflare:workers";
export class M extends DurableObject {
  hog(): number { const chunks: string[] = []; for (;;) chunks.push("x".repeat(1 << 20) + chunks.length); }
  small(): number { return [1, 2, 3].length; }
}
export const a_hog = { async test(_c: unknown, env: any) { await env.M.getByName("x").hog(); } };
export const b_after = { async test(_c: unknown, env: any) { console.log("after:", await env.M.getByName("x").small()); } };
"#,
        ),
    ]);
    let options = RunOptions {
        limits: Limits {
            memory: 32 * 1024 * 1024,
            ..Limits::default()
        },
        ..RunOptions::default()
    };
    let (r, out, err) = run_with(&p.root, &options);
    assert_eq!(
        r,
        Ok(TestReport {
            passed: 1,
            failed: 1
        }),
        "{out}\n{err}"
    );
    assert!(
        out.starts_with(
            "FAIL a_hog\n  Error: the event ran out of memory: the runtime's memory limit is 32 MB\n"
        ),
        "{out}"
    );
    assert!(out.contains("after: 3\nok b_after\n"), "{out}");
}

#[test]
fn fake_time_fires_timers_and_alarms_without_sleeping() {
    let p = TempProject::new(&[
        (
            "wrangler.jsonc",
            r#"{ "name": "f", "main": "src/index.ts", "durable_objects": { "bindings": [{ "name": "A", "class_name": "A" }] } }"#,
        ),
        (
            "src/index.ts",
            r#"import { DurableObject } from "cloudflare:workers";
export class A extends DurableObject {
  async arm(ms: number): Promise<void> { await this.ctx.storage.setAlarm(Date.now() + ms); }
  async alarm(info: { retryCount: number }): Promise<void> {
    const runs = (this.ctx.storage.kv.get("runs") as number[] | undefined) ?? [];
    runs.push(Date.now());
    this.ctx.storage.kv.put("runs", runs);
    if (info.retryCount < 3) throw new Error("fails " + info.retryCount);
  }
  runs(): number[] { return (this.ctx.storage.kv.get("runs") as number[] | undefined) ?? []; }
}
export const clock = { async test(_c: unknown, env: any) {
  const t0 = Date.now(), p0 = performance.now();
  const order: string[] = [];
  await Promise.all([
    new Promise<void>((r) => setTimeout(() => { order.push("hour"); r(); }, 3_600_000)),
    new Promise<void>((r) => setTimeout(() => { order.push("minute"); r(); }, 60_000)),
  ]);
  console.log(order.join(","), Date.now() - t0, new Date().getTime() - t0, Math.round(performance.now() - p0));
  const s = env.A.getByName("x");
  const armedAt = Date.now();
  await s.arm(86_400_000);
  while ((await s.runs()).length < 4) await new Promise((r) => setTimeout(r, 3_600_000));
  const runs: number[] = await s.runs();
  console.log(runs[0] - armedAt, runs.slice(1).map((t, i) => t - runs[i]).join(","));
} };
"#,
        ),
    ]);
    let fake = RunOptions {
        fake_time: true,
        ..RunOptions::default()
    };
    let started = std::time::Instant::now();
    let (r, out, err) = run_with(&p.root, &fake);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(
        out,
        "minute,hour 3600000 3600000 3600000\n86400000 2000,4000,8000\nok clock\n1 passed, 0 failed\n",
        "{r:?} {err}"
    );
    assert_eq!(err.matches("Uncaught Error: fails").count(), 3, "{err}");
}

#[test]
fn conformance_cases_print_the_same_lines_with_fake_time() {
    let fake = RunOptions {
        fake_time: true,
        ..RunOptions::default()
    };
    let mut failures = Vec::new();
    for case in conformance_cases() {
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let (report, out, err) = run_with(&case, &fake);
        if report.is_err() || out != expected {
            failures.push(format!(
                "{}: {report:?}\n--- expected\n{expected}--- actual\n{out}--- stderr\n{err}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Values that cross an RPC call keep what the structured clone keeps, the same with one
/// runtime and with a runtime per object (where they travel in the wire form between runtimes).
#[test]
fn rpc_values_are_the_same_between_runtimes() {
    let p = TempProject::new(&[
        ("wrangler.jsonc", CONFIG),
        (
            "src/index.ts",
            r#"import { DurableObject, RpcTarget } from "cloudflare:workers";
class Box extends RpcTarget { get size() { return 3; } grow(n: number) { return n + 1; } }
export class Counter extends DurableObject {
  echo(v: unknown): unknown { return v; }
  box(): Box { return new Box(); }
  twice(f: (n: number) => Promise<number>): Promise<number> { return f(2).then((n) => n * 2); }
  fail(): never { const e: any = new RangeError("bad"); e.code = 7; throw e; }
  async fetch(req: Request): Promise<Response> { return new Response("got " + (await req.text()), { status: 201, headers: { "x-a": "1" } }); }
}
export default {
  async test(_c: unknown, env: any) {
    const s = env.C.getByName("v");
    const buf = new ArrayBuffer(8);
    const shared = { k: 1 };
    const v: any = [1, , -0, NaN, 10n ** 20n, new Uint8Array(buf, 2, 3), new DataView(buf, 4), new Map<unknown, unknown>([[shared, shared]]), Object(5), Object("s"), new Set([shared])];
    v.push(v);
    const b: any = await s.echo(v);
    console.log(b.length, 1 in b, Object.is(b[2], -0), Number.isNaN(b[3]), b[4] === 10n ** 20n);
    console.log(b[5].buffer === b[6].buffer, b[5].byteOffset, b[5].length, b[6].byteOffset, b[6].byteLength);
    const [[mk, mv]] = [...b[7]];
    console.log(mk === mv, [...b[10]][0] === mk, typeof b[8], b[8] instanceof Number, b[9].valueOf(), b[11] === b);
    try { await s.fail(); } catch (e: any) { console.log(e instanceof RangeError, e.name, e.message, e.code); }
    console.log(await s.twice(async (n: number) => n + 1));
    const box = await s.box();
    console.log(typeof box, await box.size, await box.grow(4));
    const r = await s.fetch("https://x.test/", { method: "POST", body: "hi" });
    console.log(r.status, r.headers.get("x-a"), await r.text());
  },
};
"#,
        ),
    ]);
    let expected = "12 false true true true\n\
true 2 3 4 4\n\
true true object true s true\n\
true RangeError bad 7\n\
6\n\
function 3 5\n\
201 1 got hi\n\
ok default\n1 passed, 0 failed\n";
    for object_threads in [false, true] {
        let options = RunOptions { object_threads, ..RunOptions::default() };
        let (report, out, err) = run_with(&p.root, &options);
        assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }), "threads {object_threads}: {out}{err}");
        assert_eq!(out, expected, "threads {object_threads}: {err}");
    }
}

/// A function passed over RPC is released once the other side no longer holds it: 2,000 calls
/// each pass a callback holding 100 KB, 200 MB in all, over a runtime's 128 MB.
#[test]
fn functions_passed_over_rpc_are_released() {
    let p = TempProject::new(&[
        ("wrangler.jsonc", CONFIG),
        (
            "src/index.ts",
            r#"import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async call(f: () => Promise<number>): Promise<number> { return await f(); }
}
export default {
  async test(_c: unknown, env: any) {
    const s = env.C.getByName("f");
    let total = 0;
    for (let i = 0; i < 2000; i++) {
      const held = new Uint8Array(100_000);
      held[0] = 1;
      total += await s.call(async () => held[0]);
    }
    console.log(total);
  },
};
"#,
        ),
    ]);
    for object_threads in [false, true] {
        let options = RunOptions { object_threads, ..RunOptions::default() };
        let (report, out, err) = run_with(&p.root, &options);
        assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }), "threads {object_threads}: {out}{err}");
        assert_eq!(out, "2000\nok default\n1 passed, 0 failed\n", "threads {object_threads}: {err}");
    }
}
