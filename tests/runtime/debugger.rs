//! The debugger on a real run: the run goes on its own thread, the test drives it from the
//! test's thread as a debug adapter would.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::thread::JoinHandle;
use std::time::Duration;

use dols_runtime::debugger::{Debugger, Event, Frame, Resume, Scope, SqlValue, StopReason, Variable};
use dols_runtime::{Output, Project, RunOptions, StateLocation, TestReport, run_tests_with};

use super::TempProject;

const CONFIG: &str = r#"{ "name": "d", "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }] }"#;

// Line numbers matter: the tests below name them.
const INDEX: &str = r#"import { DurableObject } from "cloudflare:workers";
const PREFIX: string = "n:";
export class Counter extends DurableObject {
  async add(by: number): Promise<number> {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS c (k TEXT PRIMARY KEY, v INTEGER)");
    const key = PREFIX + "x";
    sql.exec("INSERT INTO c VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = v + excluded.v", key, by);
    const row = sql.exec("SELECT v FROM c WHERE k = ?", key).one();
    await new Promise((r) => setTimeout(r, 1));
    const after = row.v as number;
    const result = helper(after);
    return result;
  }
}
function helper(n: number): number {
  const doubled = n * 2;
  return doubled;
}
export default {
  async test(_c: unknown, env: any) {
    const stub = env.COUNTER.getByName("a");
    const v = await stub.add(5);
    console.log("result", v);
  },
};
"#;

type RunResult = (Result<TestReport, String>, String, String);

/// Starts the project's tests on a thread of their own with `debugger` attached.
fn start(root: PathBuf, options: RunOptions) -> JoinHandle<RunResult> {
    std::thread::spawn(move || {
        let project = Project::load(&root).expect("project loads");
        let buf = Rc::new(RefCell::new((String::new(), String::new())));
        let report = run_tests_with(&project, &[], StateLocation::Memory, Output::Capture(buf.clone()), &options);
        let (out, err) = buf.borrow().clone();
        (report, out, err)
    })
}

/// Starts the tests of `p` with a debugger holding breakpoints at `lines` of the main module;
/// returns the debugger and the main module's path.
fn start_debugged(p: &TempProject, lines: &[u32], object_threads: bool) -> (Debugger, String, JoinHandle<RunResult>) {
    let file = main_path(&p.root);
    let (d, target) = Debugger::new();
    d.set_breakpoints(&file, lines);
    let run = start(p.root.clone(), RunOptions { debugger: Some(target), object_threads, ..RunOptions::default() });
    (d, file, run)
}

/// Output a test can read while the run goes on (stdout, stderr).
type SharedOutput = std::sync::Arc<std::sync::Mutex<(String, String)>>;

/// [`start_debugged`] with the output readable while the run goes on.
fn start_debugged_shared(p: &TempProject, lines: &[u32], object_threads: bool) -> (Debugger, SharedOutput, JoinHandle<Result<TestReport, String>>) {
    let file = main_path(&p.root);
    let (d, target) = Debugger::new();
    d.set_breakpoints(&file, lines);
    let buf = SharedOutput::default();
    let out = buf.clone();
    let root = p.root.clone();
    let run = std::thread::spawn(move || {
        let project = Project::load(&root).expect("project loads");
        let options = RunOptions { debugger: Some(target), object_threads, ..RunOptions::default() };
        run_tests_with(&project, &[], StateLocation::Memory, Output::Shared(out), &options)
    });
    (d, buf, run)
}

fn main_path(root: &std::path::Path) -> String {
    Project::load(root).unwrap().main.to_string_lossy().into_owned()
}

fn stopped(d: &Debugger) -> (StopReason, Vec<Frame>, Option<dols_runtime::debugger::ObjectRef>) {
    match d.next_event(Duration::from_secs(20)) {
        Some(Event::Stopped { reason, frames, object, .. }) => (reason, frames, object),
        None => panic!("the run did not stop"),
    }
}

fn var<'a>(vars: &'a [Variable], name: &str) -> &'a Variable {
    vars.iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no variable {name} in {vars:?}"))
}

fn at(frame: &Frame) -> (String, u32) {
    (frame.name.clone(), frame.line)
}

#[test]
fn a_breakpoint_in_a_method_shows_frames_variables_storage_and_steps_across_await() {
    breakpoint_frames_variables_storage_steps(false);
}

#[test]
fn the_same_with_objects_on_threads() {
    breakpoint_frames_variables_storage_steps(true);
}

fn breakpoint_frames_variables_storage_steps(object_threads: bool) {
    let p = TempProject::new(&[("wrangler.jsonc", CONFIG), ("src/index.ts", INDEX)]);
    let (d, file, run) = start_debugged(&p, &[9], object_threads);

    // Hit: the method's frame on top, and the caller's frames across the stub call.
    let (reason, frames, object) = stopped(&d);
    assert_eq!(reason, StopReason::Breakpoint);
    assert_eq!(at(&frames[0]), ("add".into(), 9));
    assert_eq!(frames[0].file.as_deref(), Some(file.as_str()));
    assert_eq!(frames[0].column, 17, "the column of the first expression of the line");
    assert!(frames[0].is_async);
    let caller = frames.iter().find(|f| f.caller).expect("the caller's frames across the RPC call");
    assert_eq!(at(caller), ("test".into(), 23));
    assert_eq!(d.stack_trace().unwrap(), frames);

    // Locals (not `row`: it is in its temporal dead zone) and closure variables.
    let locals = d.variables(0, Scope::Locals).unwrap();
    assert_eq!(var(&locals, "by").value, "5");
    assert_eq!(var(&locals, "key").value, "'n:x'");
    assert_eq!(var(&locals, "sql").type_name, "SqlStorage");
    assert!(locals.iter().all(|v| v.name != "row"), "{locals:?}");
    let closure = d.variables(0, Scope::Closure).unwrap();
    assert_eq!(var(&closure, "PREFIX").value, "'n:'");
    assert_eq!(var(&closure, "helper").type_name, "function");

    // An object's properties through its handle.
    let sql = var(&locals, "sql").handle.expect("objects have a handle");
    let props = d.children(sql).unwrap();
    let proto = var(&props, "[[Prototype]]").handle.unwrap();
    let props = d.children(proto).unwrap();
    assert_eq!(var(&props, "databaseSize").type_name, "accessor");
    assert_eq!(var(&props, "exec").type_name, "function");

    // Evaluation in the paused frame sees its arguments, variables and closures.
    let v = d.evaluate(0, "by * 10 + key.length + PREFIX.length").unwrap();
    assert_eq!((v.value.as_str(), v.type_name.as_str()), ("55", "number"));
    let e = d.evaluate(0, "nosuchname").unwrap_err();
    assert!(e.contains("nosuchname"), "{e}");

    // The paused object's storage, read from this thread while the run is stopped: the
    // turn's uncommitted write is there.
    let object = object.expect("the object the frame runs in");
    assert!(object.label.starts_with("Counter "), "{object:?}");
    let handle = object.handle.expect("its database is open");
    let rows = d.query(handle, "SELECT k, v FROM c").unwrap();
    assert_eq!(rows.columns, ["k", "v"]);
    assert_eq!(rows.rows, [[SqlValue::Text("n:x".into()), SqlValue::Integer(5)]]);
    assert!(d.query(handle, "DELETE FROM c").unwrap_err().contains("read-only"));
    assert_eq!(d.objects().unwrap().len(), 1);

    // Step over line 9, then over the `await` of line 10: the next stop is line 11 of the same
    // call, once it resumes after the timer.
    d.resume(Resume::StepOver).unwrap();
    let (reason, frames, _) = stopped(&d);
    assert_eq!((reason, at(&frames[0])), (StopReason::Step, ("add".into(), 10)));
    let add_frame_count = frames.iter().filter(|f| !f.caller).count();
    d.resume(Resume::StepOver).unwrap();
    let (_, frames, _) = stopped(&d);
    assert_eq!(at(&frames[0]), ("add".into(), 11));
    assert!(
        frames.iter().filter(|f| !f.caller).count() < add_frame_count,
        "resumed from a job, not from the event's delivery: {frames:?}"
    );
    let locals = d.variables(0, Scope::Locals).unwrap();
    assert_eq!(var(&locals, "row").value, "{ v: 5 }");

    // Into helper, out again to the next line of add.
    d.resume(Resume::StepOver).unwrap();
    let (_, frames, _) = stopped(&d);
    assert_eq!(at(&frames[0]), ("add".into(), 12));
    d.resume(Resume::StepIn).unwrap();
    let (_, frames, _) = stopped(&d);
    // The first statement of helper, before its constant is initialised.
    assert_eq!(at(&frames[0]), ("helper".into(), 17));
    assert!(d.variables(0, Scope::Locals).unwrap().iter().all(|v| v.name != "doubled"));
    assert_eq!(at(&frames[1]), ("add".into(), 12));
    assert_eq!(var(&d.variables(0, Scope::Locals).unwrap(), "n").value, "5");
    assert_eq!(var(&d.variables(1, Scope::Locals).unwrap(), "after").value, "5");
    d.resume(Resume::StepOver).unwrap();
    let (_, frames, _) = stopped(&d);
    assert_eq!(at(&frames[0]), ("helper".into(), 18));
    assert_eq!(var(&d.variables(0, Scope::Locals).unwrap(), "doubled").value, "10");
    d.resume(Resume::StepOut).unwrap();
    let (_, frames, _) = stopped(&d);
    assert_eq!(at(&frames[0]), ("add".into(), 13));
    assert_eq!(var(&d.variables(0, Scope::Locals).unwrap(), "result").value, "10");

    d.resume(Resume::Continue).unwrap();
    let (report, out, err) = run.join().unwrap();
    assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }), "{err}");
    assert_eq!(out, "result 10\nok default\n1 passed, 0 failed\n");
}

#[test]
fn a_pause_request_stops_a_running_loop_and_evaluation_can_end_it() {
    pause_stops_a_loop(false);
}

#[test]
fn a_pause_request_stops_a_loop_in_an_object_on_its_own_thread() {
    pause_stops_a_loop(true);
}

fn pause_stops_a_loop(object_threads: bool) {
    let p = TempProject::new(&[
        ("wrangler.jsonc", CONFIG),
        (
            "src/index.ts",
            r#"import { DurableObject } from "cloudflare:workers";
let stop = false;
export class Counter extends DurableObject {
  spin(): number {
    let n = 0;
    while (!stop) {
      n++;
    }
    return n > 0 ? 1 : 0;
  }
}
export default { async test(_c: unknown, env: any) { console.log(await env.COUNTER.getByName("a").spin()); } };
"#,
        ),
    ]);
    let (d, target) = Debugger::new();
    let run = start(
        p.root.clone(),
        RunOptions {
            debugger: Some(target),
            object_threads,
            ..RunOptions::default()
        },
    );
    std::thread::sleep(Duration::from_millis(50));
    d.pause();
    let (reason, frames, _) = stopped(&d);
    assert_eq!(reason, StopReason::Pause);
    assert_eq!(frames[0].name, "spin");
    assert!((6..=7).contains(&frames[0].line), "{frames:?}");
    // A module variable the function captures can be assigned from the debugger.
    assert_eq!(d.evaluate(0, "stop = true").unwrap().value, "true");
    d.resume(Resume::Continue).unwrap();
    let (report, out, err) = run.join().unwrap();
    assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }), "{err}");
    assert_eq!(out, "1\nok default\n1 passed, 0 failed\n");
}

#[test]
fn dropping_the_debugger_lets_a_stopped_run_finish() {
    detach_while_stopped(false);
}

#[test]
fn dropping_the_debugger_lets_a_stopped_object_on_its_thread_finish() {
    detach_while_stopped(true);
}

fn detach_while_stopped(object_threads: bool) {
    let p = TempProject::new(&[("wrangler.jsonc", CONFIG), ("src/index.ts", INDEX)]);
    let (d, _, run) = start_debugged(&p, &[9, 17], object_threads);
    let (reason, _, _) = stopped(&d);
    assert_eq!(reason, StopReason::Breakpoint);
    drop(d);
    let (report, out, _) = run.join().unwrap();
    assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }));
    assert_eq!(out, "result 10\nok default\n1 passed, 0 failed\n");
}

const TWO_OBJECTS: &str = r#"import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  work(n: number): number {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO t VALUES (?)", n);
    const doubled = n * 2;
    return doubled;
  }
  ping(): string {
    return "pong " + this.ctx.id.name;
  }
}
export default {
  async test(_c: unknown, env: any) {
    const a = env.COUNTER.getByName("a");
    const b = env.COUNTER.getByName("b");
    const pa = a.work(7);
    console.log("b:", await b.ping());
    const pa2 = a.ping();
    console.log("a:", await pa, await pa2);
  },
};
"#;

/// With objects on threads of their own, a breakpoint in object A stops A alone: the tests'
/// RPC call to object B completes while A is stopped, A's storage can be read meanwhile, and a
/// call into A waits until A goes on.
#[test]
fn a_stopped_object_does_not_stop_the_others() {
    let p = TempProject::new(&[("wrangler.jsonc", CONFIG), ("src/index.ts", TWO_OBJECTS)]);
    let (d, buf, run) = start_debugged_shared(&p, &[6], true);
    let (reason, frames, object) = stopped(&d);
    assert_eq!((reason, at(&frames[0])), (StopReason::Breakpoint, ("work".into(), 6)));
    let printed = || buf.lock().unwrap().0.clone();
    // B answers while A stays stopped.
    let waited = std::time::Instant::now();
    while !printed().contains("b: pong b") {
        assert!(waited.elapsed() < Duration::from_secs(20), "B did not answer while A was stopped: {:?}", buf.lock().unwrap());
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(d.is_stopped());
    // A's storage, with the write of the stopped turn.
    let handle = object.expect("the stopped object").handle.expect("its database is open");
    let rows = d.query(handle, "SELECT v FROM t").unwrap();
    assert_eq!(rows.rows, [[SqlValue::Integer(7)]]);
    assert_eq!(var(&d.variables(0, Scope::Locals).unwrap(), "n").value, "7");
    // The call into A made after B's answer waits for A.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(printed(), "b: pong b\n");
    d.resume(Resume::Continue).unwrap();
    let report = run.join().unwrap();
    let (out, err) = buf.lock().unwrap().clone();
    assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }), "{err}");
    assert_eq!(out, "b: pong b\na: 14 pong a\nok default\n1 passed, 0 failed\n");
}

/// Without threads of their own, the same breakpoint stops everything (all-stop): B's answer
/// comes only after A goes on. (What the test above shows is the threads' doing.)
#[test]
fn with_one_runtime_a_stopped_object_stops_them_all() {
    let p = TempProject::new(&[("wrangler.jsonc", CONFIG), ("src/index.ts", TWO_OBJECTS)]);
    let (d, buf, run) = start_debugged_shared(&p, &[6], false);
    let (reason, _, _) = stopped(&d);
    assert_eq!(reason, StopReason::Breakpoint);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(buf.lock().unwrap().0, "");
    d.resume(Resume::Continue).unwrap();
    assert_eq!(run.join().unwrap(), Ok(TestReport { passed: 1, failed: 0 }));
    assert_eq!(buf.lock().unwrap().0, "b: pong b\na: 14 pong a\nok default\n1 passed, 0 failed\n");
}

/// Two objects stopped at once, each on its thread: the client gets a `Stopped` event for
/// each, talks to either by selecting its thread (its own variables and storage), and resumes
/// them one after the other.
#[test]
fn two_objects_stopped_at_once_are_two_threads() {
    let index = TWO_OBJECTS.replace(
        r#"    const pa = a.work(7);
    console.log("b:", await b.ping());
    const pa2 = a.ping();
    console.log("a:", await pa, await pa2);"#,
        r#"    console.log(...(await Promise.all([a.work(7), b.work(8)])));"#,
    );
    let p = TempProject::new(&[("wrangler.jsonc", CONFIG), ("src/index.ts", &index)]);
    let (d, _, run) = start_debugged(&p, &[6], true);
    let mut threads = Vec::new();
    for _ in 0..2 {
        match d.next_event(Duration::from_secs(20)) {
            Some(Event::Stopped { thread, reason, frames, .. }) => {
                assert_eq!((reason, at(&frames[0])), (StopReason::Breakpoint, ("work".into(), 6)));
                threads.push(thread);
            }
            None => panic!("both objects did not stop: {threads:?}"),
        }
    }
    assert_ne!(threads[0], threads[1]);
    let mut stopped = d.stopped_threads();
    stopped.sort();
    let mut expected = threads.clone();
    expected.sort();
    assert_eq!(stopped, expected);
    // The two objects run at once: either may stop first. Each thread shows its own call's
    // argument and its own object's storage.
    let mut seen = Vec::new();
    for thread in &threads {
        d.select_thread(*thread);
        let n: i64 = var(&d.variables(0, Scope::Locals).unwrap(), "n").value.parse().expect("n is a number");
        let objects = d.objects().unwrap();
        assert_eq!(objects.len(), 1, "{objects:?}");
        let rows = d.query(objects[0].handle.unwrap(), "SELECT v FROM t").unwrap();
        assert_eq!(rows.rows, [[SqlValue::Integer(n)]]);
        seen.push(n);
    }
    seen.sort();
    assert_eq!(seen, [7, 8]);
    d.select_thread(threads[1]);
    d.resume(Resume::Continue).unwrap();
    assert_eq!(d.stopped_threads(), [threads[0]]);
    d.select_thread(threads[0]);
    d.resume(Resume::Continue).unwrap();
    let (report, out, err) = run.join().unwrap();
    assert_eq!(report, Ok(TestReport { passed: 1, failed: 0 }), "{err}");
    assert_eq!(out, "14 16\nok default\n1 passed, 0 failed\n");
}
