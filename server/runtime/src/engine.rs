//! The engine: one QuickJS runtime and context, the module loader (TypeScript stripped in
//! place, JSON, `cloudflare:workers`), the native hooks the prelude builds on, and the event
//! loop that drives jobs, turn-end commits and timers.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::promise::PromiseState;
use rquickjs::{
    Array, ArrayBuffer, Context, Ctx, Exception, Function, Module, Object, Persistent, Promise,
    Runtime, Value,
};

use crate::debugger::{DebugTarget, Debugger, HostAccess, ObjectRef};
use crate::ids::{self, IdError, Rng};
use crate::project::Project;
use crate::storage::{Bind, ListOptions, ObjectDb, StateLocation};
use crate::strip::strip_types;

/// The prelude (`js/prelude.js`) compiled to QuickJS bytecode by the build script.
const PRELUDE_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/prelude.qjsbc"));
/// The web platform part (`js/web.js`), evaluated the first time one of its globals is used.
const WEB_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web.qjsbc"));
/// The console's value formatting (`js/inspect.js`), evaluated the first time it is needed.
const INSPECT_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/inspect.qjsbc"));
/// The machinery of objects on threads of their own (`js/threads.js`), evaluated the first time a
/// run with objects on threads needs it.
const THREADS_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/threads.qjsbc"));
/// The key-value storage API (`js/kv.js`), evaluated the first time it is used.
const KV_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kv.qjsbc"));
const WORKERS_MODULE: &str = "export const DurableObject = globalThis.__dols.DurableObject;\n\
export const WorkerEntrypoint = globalThis.__dols.WorkerEntrypoint;\n\
export const RpcTarget = globalThis.__dols.RpcTarget;\n\
export const env = globalThis.__dols.env;\n";
const BOOTSTRAP_NAME: &str = "<dols test runner>";

/// Where the output of `console` and the test report goes.
#[derive(Clone)]
pub enum Output {
    /// Process stdout/stderr, flushed per line.
    Std,
    /// Captured, for tests: stdout and stderr text.
    Capture(Rc<RefCell<(String, String)>>),
    /// Captured where another thread can read it while the run goes on (a debugger's client).
    Shared(Arc<std::sync::Mutex<(String, String)>>),
}

impl Output {
    pub(crate) fn print(&self, stream: i32, text: &str) {
        match self {
            Output::Std => {
                if stream == 2 {
                    let mut e = std::io::stderr().lock();
                    let _ = writeln!(e, "{text}");
                } else {
                    let mut o = std::io::stdout().lock();
                    let _ = writeln!(o, "{text}");
                    let _ = o.flush();
                }
            }
            Output::Capture(buf) => {
                let mut b = buf.borrow_mut();
                let s = if stream == 2 { &mut b.1 } else { &mut b.0 };
                s.push_str(text);
                s.push('\n');
            }
            Output::Shared(buf) => {
                let mut b = buf.lock().unwrap_or_else(|e| e.into_inner());
                let s = if stream == 2 { &mut b.1 } else { &mut b.0 };
                s.push_str(text);
                s.push('\n');
            }
        }
    }
}

/// How a test run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestReport {
    pub passed: u32,
    pub failed: u32,
}

/// The virtual clock of `--fake-time`: milliseconds since the epoch (an `f64`'s bits), shared
/// by the runtimes of a run.
#[derive(Clone)]
pub(crate) struct Clock(Arc<AtomicU64>);

impl Clock {
    pub(crate) fn new(ms: f64) -> Clock {
        Clock(Arc::new(AtomicU64::new(ms.to_bits())))
    }
    pub(crate) fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Acquire))
    }
    pub(crate) fn set(&self, ms: f64) {
        self.0.store(ms.to_bits(), Ordering::Release)
    }
}

/// Prints a line to a stream (1: stdout, 2: stderr).
pub(crate) type PrintFn = Box<dyn Fn(i32, &str)>;

/// Where a runtime's printing goes.
pub(crate) enum Sink {
    Out(Output),
    /// To the coordinator, which owns the run's output (a runtime per object); `quiet` drops
    /// the text (an object's runtime evaluating the modules again).
    Forward(PrintFn, std::cell::Cell<bool>),
}

pub(crate) struct Host {
    pub(crate) out: Sink,
    pub(crate) location: StateLocation,
    pub(crate) dbs: RefCell<Vec<(ObjectDb, String)>>,
    pub(crate) rng: RefCell<Rng>,
    /// The virtual clock of `--fake-time`, or `None` for real time.
    pub(crate) fake_now: Option<Clock>,
    /// Set when objects run on threads of their own: this runtime's link to the others.
    pub(crate) link: Option<crate::threads::Link>,
    /// Outbound `fetch`: the hosts allowed, the requests in flight.
    pub(crate) net: crate::fetch::Net,
}

impl Host {
    pub(crate) fn print(&self, stream: i32, text: &str) {
        match &self.out {
            Sink::Out(o) => o.print(stream, text),
            Sink::Forward(f, quiet) => {
                if !quiet.get() {
                    f(stream, text)
                }
            }
        }
    }

    /// Commits every object's turn; returns the handles whose commit failed, with the error
    /// (their writes of the turn are rolled back).
    fn commit_all(&self) -> Vec<(usize, String)> {
        let mut failed = Vec::new();
        for (handle, (db, label)) in self.dbs.borrow_mut().iter_mut().enumerate() {
            if let Err(e) = db.commit() {
                self.print(2, &format!("dols: commit of {label} failed, its writes of this turn were rolled back: {e}"));
                failed.push((handle, e));
            }
        }
        failed
    }
}

struct FsResolver;

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn resolve_file(base: &Path) -> Option<PathBuf> {
    let s = base.to_string_lossy();
    let mut candidates = vec![base.to_path_buf()];
    for ext in ["ts", "js", "mts", "mjs"] {
        candidates.push(PathBuf::from(format!("{s}.{ext}")));
    }
    // `./x.js` written for a TypeScript file `x.ts` (the usual ESM-with-TypeScript spelling).
    if let Some(stem) = s.strip_suffix(".js") {
        candidates.push(PathBuf::from(format!("{stem}.ts")));
    }
    for index in ["index.ts", "index.js"] {
        candidates.push(base.join(index));
    }
    candidates.into_iter().find(|p| p.is_file())
}

impl Resolver for FsResolver {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attrs: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        if name == "cloudflare:workers" {
            return Ok(name.to_string());
        }
        let target = if Path::new(name).is_absolute() {
            PathBuf::from(name)
        } else if name.starts_with("./") || name.starts_with("../") {
            let dir = Path::new(base).parent().unwrap_or(Path::new("/"));
            normalize(&dir.join(name))
        } else if name.starts_with("node:") || name.starts_with("cloudflare:") {
            return Err(rquickjs::Error::new_resolving_message(
                base,
                name,
                "this built-in module is not provided by dols test yet",
            ));
        } else {
            return resolve_package(Path::new(base), name)
                .map(|p| p.to_string_lossy().into_owned())
                .map_err(|msg| rquickjs::Error::new_resolving_message(base, name, msg));
        };
        match resolve_file(&target) {
            Some(p) => Ok(p.to_string_lossy().into_owned()),
            None => Err(rquickjs::Error::new_resolving_message(
                base,
                name,
                "file not found",
            )),
        }
    }
}

/// The conditions of package.json `exports` this runtime matches, in order of preference.
const CONDITIONS: [&str; 6] = [
    "workerd", "worker", "browser", "import", "module", "default",
];

fn pick_condition(v: &serde_json::Value) -> Option<&str> {
    match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Object(m) => CONDITIONS
            .iter()
            .find_map(|c| m.get(*c).and_then(pick_condition)),
        serde_json::Value::Array(a) => a.iter().find_map(pick_condition),
        _ => None,
    }
}

/// Resolves a bare specifier (`pkg`, `pkg/sub`, `@scope/pkg/sub`) through the `node_modules`
/// directories above the importing file: package.json `exports` (with the conditions above),
/// then `module`, then `main`, then `index.js`. Only ES modules can be loaded.
fn resolve_package(base: &Path, name: &str) -> Result<PathBuf, String> {
    let mut parts = name.splitn(if name.starts_with('@') { 3 } else { 2 }, '/');
    let pkg: String = if name.starts_with('@') {
        format!(
            "{}/{}",
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default()
        )
    } else {
        parts.next().unwrap_or_default().to_string()
    };
    let sub = parts.next().unwrap_or("");
    let mut dir = base.parent();
    while let Some(d) = dir {
        let pkg_dir = d.join("node_modules").join(&pkg);
        let manifest = pkg_dir.join("package.json");
        if manifest.is_file() {
            let text = std::fs::read_to_string(&manifest)
                .map_err(|e| format!("{}: {e}", manifest.display()))?;
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
            let key = if sub.is_empty() {
                ".".to_string()
            } else {
                format!("./{sub}")
            };
            let target = match json.get("exports") {
                Some(exports @ serde_json::Value::Object(m))
                    if m.keys().any(|k| k.starts_with('.')) =>
                {
                    let entry = m
                        .get(&key)
                        .ok_or_else(|| format!("package `{pkg}` does not export `{key}`"))?;
                    Some(
                        pick_condition(entry)
                            .ok_or_else(|| {
                                format!(
                                    "package `{pkg}`: no usable condition for `{key}` in {exports}"
                                )
                            })?
                            .to_string(),
                    )
                }
                Some(exports) if sub.is_empty() => pick_condition(exports).map(str::to_string),
                _ if !sub.is_empty() => Some(sub.to_string()),
                _ => ["module", "main"]
                    .iter()
                    .find_map(|f| json.get(*f).and_then(|v| v.as_str()).map(str::to_string)),
            };
            let target = normalize(&pkg_dir.join(target.as_deref().unwrap_or("index.js")));
            return resolve_file(&target).ok_or_else(|| format!("{} not found", target.display()));
        }
        dir = d.parent();
    }
    Err(format!(
        "package `{pkg}` not found in any node_modules directory above the importing file"
    ))
}

struct FsLoader;

impl Loader for FsLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attrs: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, rquickjs::module::Declared>> {
        if name == "cloudflare:workers" {
            return Module::declare(ctx.clone(), name, WORKERS_MODULE);
        }
        let text = std::fs::read_to_string(name)
            .map_err(|e| rquickjs::Error::new_loading_message(name, e.to_string()))?;
        let source = if name.ends_with(".json") {
            format!("export default {};", text.trim())
        } else if name.ends_with(".ts") || name.ends_with(".mts") {
            strip_types(&text).map_err(|e| {
                rquickjs::Error::new_loading_message(
                    name,
                    format!("{}:{}:{}: {}", name, e.line, e.column, e.message),
                )
            })?
        } else {
            text
        };
        Module::declare(ctx.clone(), name, source)
    }
}

/// SQLite rows as arrays of JavaScript values (integers and reals as numbers, blobs as
/// `ArrayBuffer`s).
fn rows_to_js<'js>(
    ctx: &Ctx<'js>,
    rows: Vec<Vec<rusqlite::types::Value>>,
) -> rquickjs::Result<Array<'js>> {
    use rusqlite::types::Value as V;
    let out = Array::new(ctx.clone())?;
    for (i, row) in rows.into_iter().enumerate() {
        let a = Array::new(ctx.clone())?;
        for (j, v) in row.into_iter().enumerate() {
            let js = match v {
                V::Null => Value::new_null(ctx.clone()),
                V::Integer(i) => Value::new_number(ctx.clone(), i as f64),
                V::Real(f) => Value::new_number(ctx.clone(), f),
                V::Text(s) => rquickjs::String::from_str(ctx.clone(), &s)?.into_value(),
                V::Blob(b) => ArrayBuffer::new(ctx.clone(), b)?.into_value(),
            };
            a.set(j, js)?;
        }
        out.set(i, a)?;
    }
    Ok(out)
}

fn throw(ctx: &Ctx<'_>, msg: String) -> rquickjs::Error {
    Exception::throw_message(ctx, &msg)
}

fn install_natives<'js>(ctx: &Ctx<'js>, host: &Rc<Host>) -> rquickjs::Result<()> {
    let n = Object::new(ctx.clone())?;
    let h = host.clone();
    n.set(
        "print",
        Function::new(ctx.clone(), move |stream: i32, text: String| {
            h.print(stream, &text)
        })?,
    )?;
    if host.fake_now.is_some() {
        let h = host.clone();
        n.set(
            "now",
            Function::new(ctx.clone(), move || {
                h.fake_now.as_ref().map_or(0.0, Clock::get)
            })?,
        )?;
    }
    n.set(
        "promiseState",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, p: Promise<'js>| -> rquickjs::Result<Array<'js>> {
                let out = Array::new(ctx.clone())?;
                match p.state() {
                    PromiseState::Pending => out.set(0, 0)?,
                    PromiseState::Resolved => {
                        out.set(0, 1)?;
                        out.set(1, p.result::<Value>().and_then(|r| r.ok()))?;
                    }
                    PromiseState::Rejected => {
                        out.set(0, 2)?;
                        // Reading a rejection's reason marks it handled in QuickJS; take it
                        // from the thrown value.
                        let reason = match p.result::<Value>() {
                            Some(Err(rquickjs::Error::Exception)) => ctx.catch(),
                            _ => Value::new_undefined(ctx.clone()),
                        };
                        out.set(1, reason)?;
                    }
                }
                Ok(out)
            },
        )?,
    )?;
    // The parts of the JavaScript layer loaded on first use.
    for (name, bytecode) in [
        ("loadWeb", WEB_BYTECODE),
        ("loadInspect", INSPECT_BYTECODE),
        ("loadThreads", THREADS_BYTECODE),
        ("loadKv", KV_BYTECODE),
    ] {
        n.set(
            name,
            Function::new(ctx.clone(), move |ctx: Ctx<'js>| crate::bytecode::run_script(&ctx, bytecode))?,
        )?;
    }
    let h = host.clone();
    n.set(
        "random",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, len: usize| {
            let mut buf = vec![0u8; len];
            h.rng.borrow_mut().fill(&mut buf);
            ArrayBuffer::new(ctx, buf)
        })?,
    )?;
    n.set(
        "digest",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, algorithm: String, data: ArrayBuffer<'js>| {
                // SAFETY: the bytes are hashed at once, before any JS runs that could detach
                // the buffer.
                let bytes = unsafe { data.as_bytes() }.unwrap_or_default();
                match crate::digest::digest(&algorithm, bytes) {
                    Some(digest) => ArrayBuffer::new(ctx, digest),
                    None => Err(throw(&ctx, format!("no digest algorithm {algorithm}"))),
                }
            },
        )?,
    )?;
    n.set(
        "idFromName",
        Function::new(ctx.clone(), |ns: String, name: String| {
            ids::id_from_name(&ns, &name)
        })?,
    )?;
    let h = host.clone();
    n.set(
        "newUniqueId",
        Function::new(ctx.clone(), move |ns: String| {
            let mut r = [0u8; 24];
            h.rng.borrow_mut().fill(&mut r);
            ids::unique_id(&ns, &r)
        })?,
    )?;
    n.set(
        "checkId",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, ns: String, id: String| -> rquickjs::Result<Value<'js>> {
                Ok(match ids::check_id(&ns, &id) {
                    Ok(s) => rquickjs::String::from_str(ctx.clone(), &s)?.into_value(),
                    Err(IdError::Format) => Value::new_int(ctx.clone(), 1),
                    Err(IdError::Namespace) => Value::new_int(ctx, 2),
                })
            },
        )?,
    )?;
    let h = host.clone();
    n.set(
        "sqlOpen",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, class: String, id: String| -> rquickjs::Result<u32> {
                let db = ObjectDb::open(&h.location, &class, &id).map_err(|e| throw(&ctx, e))?;
                let mut dbs = h.dbs.borrow_mut();
                dbs.push((db, format!("{class} {id}")));
                Ok(dbs.len() as u32 - 1)
            },
        )?,
    )?;
    let h = host.clone();
    n.set(
        "sqlExec",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  handle: usize,
                  query: String,
                  binds: Array<'js>|
                  -> rquickjs::Result<Object<'js>> {
                let mut bs = Vec::with_capacity(binds.len());
                for v in binds.iter::<Value>() {
                    let v = v?;
                    bs.push(if let Some(n) = v.as_number() {
                        Bind::Real(n)
                    } else if let Some(s) = v.as_string() {
                        Bind::Text(s.to_string()?)
                    } else if let Some(ab) = ArrayBuffer::from_value(v.clone()) {
                        // SAFETY: the bytes are copied at once, before any JS runs that could detach the buffer.
                        Bind::Blob(
                            unsafe { ab.as_bytes() }
                                .map(<[u8]>::to_vec)
                                .unwrap_or_default(),
                        )
                    } else {
                        Bind::Null
                    });
                }
                let r = {
                    let mut dbs = h.dbs.borrow_mut();
                    let db = &mut dbs
                        .get_mut(handle)
                        .ok_or_else(|| throw(&ctx, "bad storage handle".into()))?
                        .0;
                    db.exec(&query, bs)
                }
                .map_err(|e| throw(&ctx, e))?;
                let out = Object::new(ctx.clone())?;
                let cols = Array::new(ctx.clone())?;
                for (i, c) in r.columns.iter().enumerate() {
                    cols.set(i, c.as_str())?;
                }
                out.set("columnNames", cols)?;
                out.set("rows", rows_to_js(&ctx, r.rows)?)?;
                out.set("rowsRead", r.rows_read as f64)?;
                out.set("rowsWritten", r.rows_written as f64)?;
                out.set("cursor", r.cursor.map_or(-1.0, f64::from))?;
                Ok(out)
            },
        )?,
    )?;
    let h = host.clone();
    n.set(
        "sqlNext",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, handle: usize, id: u32, max: f64| -> rquickjs::Result<Object<'js>> {
                let r = {
                    let mut dbs = h.dbs.borrow_mut();
                    let db = &mut dbs
                        .get_mut(handle)
                        .ok_or_else(|| throw(&ctx, "bad storage handle".into()))?
                        .0;
                    db.cursor_next(id, if max >= 1.0 { max as usize } else { 1 })
                }
                .map_err(|e| throw(&ctx, e))?;
                let out = Object::new(ctx.clone())?;
                out.set("rows", rows_to_js(&ctx, r.rows)?)?;
                out.set("done", r.done)?;
                out.set("rowsRead", r.rows_read as f64)?;
                out.set("rowsWritten", r.rows_written as f64)?;
                Ok(out)
            },
        )?,
    )?;
    let h = host.clone();
    n.set(
        "sqlClose",
        Function::new(ctx.clone(), move |handle: usize, id: u32| {
            if let Some((db, _)) = h.dbs.borrow_mut().get_mut(handle) {
                db.cursor_close(id);
            }
        })?,
    )?;
    macro_rules! with_db {
        ($name:literal, |$ctx:ident, $db:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
            let h = host.clone();
            n.set(
                $name,
                Function::new(ctx.clone(), move |$ctx: Ctx<'js>, handle: usize $(, $arg: $ty)*| {
                    let mut dbs = h.dbs.borrow_mut();
                    let $db = &mut dbs.get_mut(handle).ok_or_else(|| throw(&$ctx, "bad storage handle".into()))?.0;
                    let r: Result<_, String> = $body;
                    r.map_err(|e| throw(&$ctx, e))
                })?,
            )?;
        }};
    }
    with_db!("sqlSize", |ctx, db| db.database_size());
    with_db!("spBegin", |ctx, db| db.savepoint_begin());
    with_db!("spEnd", |ctx, db, commit: bool| db.savepoint_end(commit));
    with_db!("asyncTxn", |ctx, db, delta: i32| {
        db.async_txn_depth = db.async_txn_depth.saturating_add_signed(delta);
        Ok(())
    });
    with_db!("kvGet", |ctx, db, key: String| db
        .kv_get(&key)
        .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned())));
    with_db!("kvPut", |ctx, db, key: String, value: String| db
        .kv_put(&key, value.as_bytes()));
    with_db!("kvDelete", |ctx, db, key: String| db.kv_delete(&key));
    with_db!("deleteAll", |ctx, db| db.delete_all());
    with_db!("metaGet", |ctx, db, key: String| db.meta_get(&key));
    with_db!("metaPut", |ctx, db, key: String, value: Option<f64>| db
        .meta_put(&key, value));
    let h = host.clone();
    n.set(
        "kvList",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  handle: usize,
                  o: Object<'js>|
                  -> rquickjs::Result<Vec<Vec<String>>> {
                let opts = ListOptions {
                    start: o.get::<_, Option<String>>("start")?,
                    start_after: o.get::<_, Option<String>>("startAfter")?,
                    end: o.get::<_, Option<String>>("end")?,
                    prefix: o.get::<_, Option<String>>("prefix")?,
                    reverse: o.get::<_, Option<bool>>("reverse")?.unwrap_or(false),
                    limit: o.get::<_, Option<u32>>("limit")?,
                };
                let dbs = h.dbs.borrow();
                let db = &dbs
                    .get(handle)
                    .ok_or_else(|| throw(&ctx, "bad storage handle".into()))?
                    .0;
                let rows = db.kv_list(&opts).map_err(|e| throw(&ctx, e))?;
                Ok(rows
                    .into_iter()
                    .map(|(k, v)| vec![k, String::from_utf8_lossy(&v).into_owned()])
                    .collect())
            },
        )?,
    )?;
    let h = host.clone();
    n.set(
        "fetchStart",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  url: String,
                  method: String,
                  headers: Vec<Vec<String>>,
                  body: Option<ArrayBuffer<'js>>|
                  -> rquickjs::Result<Value<'js>> {
                let headers = headers
                    .into_iter()
                    .filter_map(|mut pair| {
                        let value = pair.pop()?;
                        Some((pair.pop()?, value))
                    })
                    .collect();
                // SAFETY: the bytes are copied at once, before any JS runs that could detach
                // the buffer.
                let body = body.map(|b| unsafe { b.as_bytes() }.map(<[u8]>::to_vec).unwrap_or_default());
                Ok(match h.net.start(url, method, headers, body) {
                    Ok(id) => Value::new_number(ctx, id as f64),
                    Err(refused) => rquickjs::String::from_str(ctx, &refused)?.into_value(),
                })
            },
        )?,
    )?;
    let h = host.clone();
    n.set(
        "fetchCancel",
        Function::new(ctx.clone(), move |id: f64| h.net.cancel(id as u64))?,
    )?;
    if let Some(link) = &host.link {
        crate::threads::install_link_natives(ctx, &n, link)?;
    }
    ctx.globals().set("__native", n)?;
    Ok(())
}

/// Describes a thrown JS value: `Name: message` and the stack, if any.
fn describe_exception(ctx: &Ctx<'_>, v: Value<'_>) -> String {
    if let Some(o) = v.as_object() {
        let name: Option<String> = o.get("name").ok();
        let message: Option<String> = o.get("message").ok();
        let stack: Option<String> = o.get("stack").ok();
        let mut s = format!(
            "{}: {}",
            name.unwrap_or_else(|| "Error".into()),
            message.unwrap_or_default()
        );
        if let Some(st) = stack.filter(|s| !s.is_empty()) {
            s.push('\n');
            s.push_str(st.trim_end());
        }
        return s;
    }
    let _ = ctx;
    format!("{v:?}")
}

/// Runs every test export of the project's main module (or of `tests`), printing `ok`/`FAIL`
/// lines and a summary to `out`.
pub fn run_tests(
    project: &Project,
    tests: &[PathBuf],
    state: StateLocation,
    out: Output,
) -> Result<TestReport, String> {
    run_tests_with(project, tests, state, out, &RunOptions::default())
}

/// Limits of a run, like the platform's per-isolate and per-event limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// CPU time (of the thread running JavaScript, not wall time) that one macrotask — a
    /// module's evaluation, a delivered event, a timer, with the jobs that follow it — may use
    /// before it is interrupted.
    pub cpu_time: Duration,
    /// Memory the QuickJS runtime may allocate, in bytes (the platform's isolates have 128 MB).
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu_time: Duration::from_secs(30),
            memory: 128 * 1024 * 1024,
        }
    }
}

/// How a run is set up besides the project: limits, the clock, a debugger.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub limits: Limits,
    /// A virtual clock (`dols test --fake-time`): `Date.now()`, `new Date()` and
    /// `performance.now()` read it, it stands still while JavaScript runs, and when nothing
    /// else can run (no job, no deliverable event) it jumps to the earliest timer or alarm,
    /// which then fires at once instead of after a sleep.
    pub fake_time: bool,
    /// Leave the engine and the databases to the operating system instead of tearing them
    /// down, for a process that exits right after the run (`dols test`). Committed writes are
    /// in each database's write-ahead log, which SQLite replays on the next open (a log grown
    /// past 256 KiB is first moved into the database file, without syncing).
    pub skip_teardown: bool,
    /// A debugger to attach (see [`crate::debugger`]). Without one the engine's hook is off,
    /// unless the environment variable `DOLS_DEBUG_HOOK=1` attaches an idle one (no
    /// breakpoints), which is how the tests check that the run is the same with it on.
    pub debugger: Option<DebugTarget>,
    /// Run each live Durable Object on a thread of its own, with its own QuickJS runtime and
    /// database connection (the worker's tests in another), events and results passing as
    /// messages (see `docs/runtime.md`). `DOLS_OBJECT_THREADS=1` sets it for every run.
    pub object_threads: bool,
    /// Hosts that outbound `fetch` may reach (`dols test --allow-fetch`), besides those of the
    /// project's `dols.toml` ([`Project::allow_fetch`]): see [`crate::HostPattern`]. Any other
    /// request is refused with an error that says how to allow it.
    pub allow_fetch: Vec<crate::HostPattern>,
}

/// The hosts a run may fetch from: the project's and the options'.
pub(crate) fn fetch_config(project: &Project, options: &RunOptions) -> Arc<crate::fetch::FetchConfig> {
    let mut allow = project.allow_fetch.clone();
    allow.extend(options.allow_fetch.iter().cloned());
    Arc::new(crate::fetch::FetchConfig::new(allow, options.limits.memory as u64))
}

/// [`run_tests`] with explicit [`Limits`] and real time.
pub fn run_tests_with_limits(
    project: &Project,
    tests: &[PathBuf],
    state: StateLocation,
    out: Output,
    limits: Limits,
) -> Result<TestReport, String> {
    let options = RunOptions {
        limits,
        ..RunOptions::default()
    };
    run_tests_with(project, tests, state, out, &options)
}

/// CPU time used by the calling thread so far.
#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Without a per-thread CPU clock, wall time since the first call stands in.
#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

pub(crate) fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// One QuickJS runtime and context with the prelude, its host (storage, output, clock) and its
/// CPU-time budget: the whole run when one runtime runs everything, or one of the runtimes of
/// a run whose objects are on threads of their own.
pub(crate) struct Engine {
    // Dropped in this order: the saved functions and the hook before the context and the
    // runtime.
    /// `__dols`'s functions the loop calls, looked up once.
    fns: RefCell<Vec<(&'static str, Persistent<Function<'static>>)>>,
    hook: Option<crate::debugger::Installed>,
    pub(crate) ctx: Context,
    pub(crate) rt: Runtime,
    pub(crate) host: Rc<Host>,
    deadline: Rc<std::cell::Cell<Duration>>,
    interrupted: Rc<std::cell::Cell<bool>>,
    limits: Limits,
    /// Set when a job was interrupted: whatever it was computing never finishes, which is the
    /// likely reason a test stops making progress.
    pub(crate) job_interrupted: bool,
}

/// An exception taken out of the context as text.
fn fail(ctx: &Ctx<'_>, e: rquickjs::Error) -> String {
    if matches!(e, rquickjs::Error::Exception) {
        describe_exception(ctx, ctx.catch())
    } else {
        e.to_string()
    }
}

impl Engine {
    /// A runtime with the loader, the limits, the natives and the prelude.
    pub(crate) fn new(limits: Limits, host: Host) -> Result<Engine, String> {
        let rt = Runtime::new().map_err(|e| e.to_string())?;
        // The CPU-time budget of the current macrotask: interrupted once the thread's CPU clock
        // passes `deadline`.
        let deadline = Rc::new(std::cell::Cell::new(thread_cpu_time() + limits.cpu_time));
        let interrupted = Rc::new(std::cell::Cell::new(false));
        let (d, hit) = (deadline.clone(), interrupted.clone());
        rt.set_interrupt_handler(Some(Box::new(move || {
            let over = thread_cpu_time() > d.get();
            if over {
                hit.set(true);
            }
            over
        })));
        rt.set_loader(FsResolver, FsLoader);
        rt.set_max_stack_size(1024 * 1024);
        rt.set_memory_limit(limits.memory);
        // QuickJS collects garbage first at 256 KB of allocations, then at 1.5 times what is
        // live: several collections while the prelude and a small project load. Starting at
        // 4 MB leaves a small run without any.
        rt.set_gc_threshold(4 * 1024 * 1024);
        let ctx = new_context(&rt)?;
        let host = Rc::new(host);
        ctx.with(|ctx| -> Result<(), String> {
            install_natives(&ctx, &host).map_err(|e| fail(&ctx, e))?;
            eval_prelude(&ctx).map_err(|e| format!("prelude: {}", fail(&ctx, e)))
        })?;
        Ok(Engine {
            fns: RefCell::new(Vec::new()),
            hook: None,
            ctx,
            rt,
            host,
            deadline,
            interrupted,
            limits,
            job_interrupted: false,
        })
    }

    /// `__dols[name]`, looked up on first use.
    fn function<'js>(&self, ctx: &Ctx<'js>, name: &'static str) -> rquickjs::Result<Function<'js>> {
        if let Some((_, f)) = self.fns.borrow().iter().find(|(n, _)| *n == name) {
            return f.clone().restore(ctx);
        }
        let d: Object = ctx.globals().get("__dols")?;
        let f: Function = d.get(name)?;
        self.fns.borrow_mut().push((name, Persistent::save(ctx, f.clone())));
        Ok(f)
    }

    /// Installs the debugger's hook; `thread` names this runtime in its events.
    pub(crate) fn attach(
        &mut self,
        target: &DebugTarget,
        on_stop: Box<dyn Fn()>,
        thread: u32,
    ) -> Result<(), String> {
        let host = self.host.clone();
        let installed = self.ctx.with(|ctx| {
            attach_debugger(&ctx, target, &host, on_stop, thread).map_err(|e| fail(&ctx, e))
        })?;
        self.hook = Some(installed);
        Ok(())
    }

    /// `__dols.setup`: the bindings, the limits, and which runtime this is (`None` when one
    /// runtime runs everything).
    /// The configuration (JSON) is parsed as JSON and the function called directly, which is
    /// cheaper than compiling a script that spells the call out.
    pub(crate) fn setup(&self, setup: &str, home: Option<&str>) -> Result<(), String> {
        let memory_mb = (self.limits.memory / (1024 * 1024)) as f64;
        self.ctx.with(|ctx| {
            let call = || -> rquickjs::Result<()> {
                let config = ctx.json_parse(setup)?;
                let limits = Object::new(ctx.clone())?;
                limits.set("memoryMb", memory_mb)?;
                self.function(&ctx, "setup")?.call((config, limits, home))
            };
            call().map_err(|e| fail(&ctx, e))
        })
    }

    /// Evaluates a module given as text; its promise.
    pub(crate) fn evaluate(&self, name: &str, source: String) -> Result<Persistent<Promise<'static>>, String> {
        self.ctx.with(|ctx| {
            let p = Module::evaluate(ctx.clone(), name, source).map_err(|e| fail(&ctx, e))?;
            Ok(Persistent::save(&ctx, p))
        })
    }

    /// The state of a promise: `None` while pending.
    pub(crate) fn settled(&self, promise: &Persistent<Promise<'static>>) -> Result<Option<Result<(), String>>, String> {
        self.ctx.with(|ctx| {
            let p = promise.clone().restore(&ctx).map_err(|e| e.to_string())?;
            Ok(match p.state() {
                PromiseState::Pending => None,
                PromiseState::Resolved => Some(Ok(())),
                PromiseState::Rejected => {
                    let _ = p.result::<Value>();
                    Some(Err(describe_exception(&ctx, ctx.catch())))
                }
            })
        })
    }

    fn cpu_ms(&self) -> u128 {
        self.limits.cpu_time.as_millis()
    }

    /// Starts the CPU-time budget of a new macrotask.
    pub(crate) fn arm(&self) {
        self.deadline.set(thread_cpu_time() + self.limits.cpu_time)
    }

    /// Calls `__dols[name](args)`.
    pub(crate) fn call<A, R>(&self, name: &'static str, args: A) -> Result<R, String>
    where
        A: for<'js> rquickjs::function::IntoArgs<'js>,
        R: for<'js> rquickjs::FromJs<'js>,
    {
        self.ctx.with(|ctx| -> Result<R, String> {
            let f = self.function(&ctx, name).map_err(|e| fail(&ctx, e))?;
            f.call(args).map_err(|e| fail(&ctx, e))
        })
    }

    /// Runs QuickJS jobs until none is left.
    fn run_jobs(&mut self) {
        loop {
            match self.rt.execute_pending_job() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let msg = e.0.with(|ctx| describe_exception(&ctx, ctx.catch()));
                    if self.interrupted.replace(false) {
                        self.job_interrupted = true;
                        self.host.print(
                            2,
                            &format!("dols: a job was interrupted after using more than {} ms of CPU time", self.cpu_ms()),
                        );
                    } else {
                        self.host.print(2, &format!("Uncaught {msg}"));
                    }
                    // An interrupted job must not take the jobs after it down too.
                    self.arm();
                }
            }
        }
    }

    /// Runs jobs, commits every object's turn and releases the results of the events that
    /// ended in it (the output gate), until nothing more is released.
    pub(crate) fn settle_turn(&mut self) -> Result<(), String> {
        loop {
            self.run_jobs();
            let failed = self.host.commit_all();
            // Outgoing requests leave once the turn's writes are committed (the output gate).
            self.host.net.send_queued();
            // The output gate: results of the events of this turn go out only now that their
            // writes are committed (or are replaced by an error when the commit failed).
            let flushed = self.ctx.with(|ctx| -> rquickjs::Result<bool> {
                let f = self.function(&ctx, "flushOutputs")?;
                let failures = Object::new(ctx.clone())?;
                for (handle, e) in &failed {
                    failures.set(handle.to_string(), e.as_str())?;
                }
                f.call((failures,))
            });
            if !flushed.map_err(|e| e.to_string())? {
                return Ok(());
            }
        }
    }

    /// Starts the next queued Durable Object event (a macrotask); whether there was one.
    pub(crate) fn deliver(&mut self) -> Result<bool, String> {
        self.arm();
        let cpu_ms = self.cpu_ms();
        let (deadline, interrupted) = (&self.deadline, &self.interrupted);
        let limits = self.limits;
        self.ctx.with(|ctx| -> Result<bool, String> {
            let f = self.function(&ctx, "deliver").map_err(|e| e.to_string())?;
            match f.call::<_, bool>(()) {
                Ok(b) => Ok(b),
                Err(rquickjs::Error::Exception) => {
                    // Interrupted (or an engine-level failure) while the event's synchronous
                    // part ran: fail that event and go on.
                    let what = describe_exception(&ctx, ctx.catch());
                    deadline.set(thread_cpu_time() + limits.cpu_time);
                    let msg = if interrupted.replace(false) {
                        format!(
                            "the event was interrupted after using more than {cpu_ms} ms of CPU time (an endless loop?)"
                        )
                    } else {
                        what
                    };
                    let fail = self.function(&ctx, "failCurrent").map_err(|e| e.to_string())?;
                    fail.call::<_, ()>((msg,)).map_err(|e| e.to_string())?;
                    Ok(true)
                }
                Err(e) => Err(e.to_string()),
            }
        })
    }

    /// Runs the earliest due timer (a macrotask).
    pub(crate) fn run_timer(&mut self) -> Result<(), String> {
        self.arm();
        let cpu_ms = self.cpu_ms();
        let interrupted = &self.interrupted;
        let host = &self.host;
        self.ctx.with(|ctx| -> Result<(), String> {
            let f = self.function(&ctx, "runTimer").map_err(|e| e.to_string())?;
            match f.call::<_, ()>(()) {
                Ok(()) => Ok(()),
                Err(rquickjs::Error::Exception) => {
                    let what = describe_exception(&ctx, ctx.catch());
                    if interrupted.replace(false) {
                        host.print(2, &format!("dols: a timer callback was interrupted after using more than {cpu_ms} ms of CPU time"));
                    } else {
                        host.print(2, &format!("Uncaught {what}"));
                    }
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            }
        })
    }

    /// Delivers finished outbound requests (a macrotask): each settles the promise its `fetch`
    /// awaits, through the output gate's list (so a caller held by `blockConcurrencyWhile()`
    /// gets it when released). A request aborted meanwhile is dropped.
    pub(crate) fn fetched(&mut self, done: Vec<crate::fetch::Done>) -> Result<(), String> {
        self.arm();
        let host = self.host.clone();
        self.ctx.with(|ctx| -> Result<(), String> {
            let f = self.function(&ctx, "hostDone").map_err(|e| fail(&ctx, e))?;
            for d in done {
                if !host.net.take(d.id) {
                    continue;
                }
                let value = match d.result {
                    Ok(r) => {
                        let o = Object::new(ctx.clone()).map_err(|e| fail(&ctx, e))?;
                        (|| -> rquickjs::Result<()> {
                            o.set("status", r.status)?;
                            o.set("statusText", r.status_text)?;
                            let headers = Array::new(ctx.clone())?;
                            for (i, (k, v)) in r.headers.into_iter().enumerate() {
                                headers.set(i, vec![k, v])?;
                            }
                            o.set("headers", headers)?;
                            o.set("body", ArrayBuffer::new(ctx.clone(), r.body)?)?;
                            Ok(())
                        })()
                        .map_err(|e| fail(&ctx, e))?;
                        (true, o.into_value())
                    }
                    Err(e) => (
                        false,
                        rquickjs::String::from_str(ctx.clone(), &e)
                            .map_err(|e| fail(&ctx, e))?
                            .into_value(),
                    ),
                };
                f.call::<_, ()>((d.id as f64, value.0, value.1)).map_err(|e| fail(&ctx, e))?;
            }
            Ok(())
        })
    }

    /// Why a test stops making progress, for `failStalled`.
    pub(crate) fn stall_message(job_interrupted: bool, cpu_ms: u128) -> String {
        let mut msg = "the test stopped making progress: it waits for a promise that never settles (nothing is left to run: no pending job, event or timer)".to_string();
        if job_interrupted {
            msg.push_str(&format!(
                "; a job was interrupted after using more than {cpu_ms} ms of CPU time (an endless loop?), so what it computed never finished"
            ));
        } else {
            msg.push_str(". (An event to a Durable Object held by blockConcurrencyWhile() waits until that callback settles.)");
        }
        msg
    }

    /// The test runner's counts.
    pub(crate) fn report(&self) -> Result<TestReport, String> {
        self.ctx
            .with(|ctx| -> rquickjs::Result<TestReport> {
                let d: Object = ctx.globals().get("__dols")?;
                let r: Object = d.get("report")?;
                Ok(TestReport {
                    passed: r.get("passed")?,
                    failed: r.get("failed")?,
                })
            })
            .map_err(|e| e.to_string())
    }

    /// For a process that exits right after the run: the OS reclaims the memory at once, where
    /// QuickJS's final garbage collection of every object and function would take longer than
    /// the rest of a small run's shutdown. The databases are left open too (closing would
    /// checkpoint with two fsyncs and delete the log, only for the next run to create it
    /// again); a log grown large is moved into its database file, unsynced, so that the next
    /// open does not replay it.
    pub(crate) fn leak(self) {
        for (db, _) in self.host.dbs.borrow().iter() {
            db.checkpoint_at_exit();
        }
        let Engine { fns, hook, ctx, rt, host, .. } = self;
        drop(fns);
        drop(hook);
        std::mem::forget(ctx);
        std::mem::forget(rt);
        std::mem::forget(host);
    }
}

/// The generated module that imports the main module (and the `--test` files), hands the main
/// module's namespace to the prelude and, with `run`, awaits the test runner.
pub(crate) fn bootstrap(project: &Project, tests: &[PathBuf], run: bool) -> String {
    let root = format!("{}/", project.root.to_string_lossy().trim_end_matches('/'));
    let test_files: Vec<PathBuf> = if tests.is_empty() {
        vec![project.main.clone()]
    } else {
        tests.to_vec()
    };
    let mut boot = String::new();
    boot.push_str(&format!(
        "import * as main from {};\n",
        json_str(&project.main.to_string_lossy())
    ));
    if !run {
        boot.push_str("__dols.setMain(main);\n");
        return boot;
    }
    for (i, t) in test_files.iter().enumerate() {
        boot.push_str(&format!(
            "import * as t{i} from {};\n",
            json_str(&t.to_string_lossy())
        ));
    }
    boot.push_str("__dols.setMain(main);\nawait __dols.runTests([");
    for (i, t) in test_files.iter().enumerate() {
        boot.push_str(&format!("[{}, t{i}], ", json_str(&t.to_string_lossy())));
    }
    boot.push_str(&format!("], {});\n", json_str(&root)));
    boot
}

/// The debugger target of a run: the options' one, or an idle one with `DOLS_DEBUG_HOOK=1`
/// (whose client is returned to be kept alive for the run).
pub(crate) fn debug_target(options: &RunOptions) -> (Option<DebugTarget>, Option<Debugger>) {
    let mut idle = None;
    let target = options.debugger.clone().or_else(|| {
        (std::env::var("DOLS_DEBUG_HOOK").as_deref() == Ok("1")).then(|| {
            let (d, t) = Debugger::new();
            idle = Some(d);
            t
        })
    });
    (target, idle)
}

/// [`run_tests`] with explicit [`RunOptions`].
pub fn run_tests_with(
    project: &Project,
    tests: &[PathBuf],
    state: StateLocation,
    out: Output,
    options: &RunOptions,
) -> Result<TestReport, String> {
    if options.object_threads
        || matches!(std::env::var("DOLS_OBJECT_THREADS").as_deref(), Ok("1" | "threads"))
    {
        return crate::threads::run(project, tests, state, out, options);
    }
    // Finished outbound requests come back here from their worker threads.
    let (net_tx, net_rx) = std::sync::mpsc::channel::<crate::fetch::Done>();
    let host = Host {
        out: Sink::Out(out.clone()),
        location: state,
        dbs: RefCell::new(Vec::new()),
        rng: RefCell::new(Rng::from_entropy()),
        fake_now: options.fake_time.then(|| Clock::new(now_ms())),
        link: None,
        net: crate::fetch::Net::new(
            fetch_config(project, options),
            Arc::new(move |done| {
                let _ = net_tx.send(done);
            }),
        ),
    };
    let (debug_target, _idle_debugger) = debug_target(options);
    let mut engine = Engine::new(options.limits, host)?;
    if let Some(target) = &debug_target {
        engine.attach(target, Box::new(|| {}), 0)?;
    }
    engine.setup(&project.runtime_config_json(), None)?;
    let promise = engine.evaluate(BOOTSTRAP_NAME, bootstrap(project, tests, true))?;

    let started = Instant::now();
    loop {
        engine.settle_turn()?;
        match engine.settled(&promise)? {
            Some(Ok(())) => break,
            Some(Err(e)) => return Err(e),
            None => {}
        }
        // Finished outbound requests (I/O completions), then queued Durable Object events, are
        // the next macrotasks.
        let done: Vec<_> = net_rx.try_iter().collect();
        if !done.is_empty() {
            engine.fetched(done)?;
            continue;
        }
        if engine.deliver()? {
            continue;
        }
        let delay: f64 = engine.call("nextTimer", ())?;
        if engine.host.net.pending() > 0 {
            // A request is under way: wait for it, until the next timer is due. Real I/O is not
            // on the virtual clock: while the run waits for the network, the fake clock moves
            // as much as real time does.
            let waited = Instant::now();
            let got = if delay < 0.0 {
                net_rx.recv().ok()
            } else {
                net_rx.recv_timeout(Duration::from_secs_f64(delay / 1000.0)).ok()
            };
            if let Some(now) = &engine.host.fake_now {
                let elapsed = waited.elapsed().as_secs_f64() * 1000.0;
                let moved = if delay < 0.0 {
                    elapsed
                } else if got.is_some() {
                    elapsed.min(delay)
                } else {
                    delay
                };
                now.set(now.get() + moved);
            }
            if let Some(first) = got {
                let mut done = vec![first];
                done.extend(net_rx.try_iter());
                engine.fetched(done)?;
                continue;
            }
            engine.run_timer()?;
            continue;
        }
        if delay < 0.0 {
            // Nothing can run and the tests have not finished: the running test waits for a
            // promise that never settles. Fail that test and go on with the next one.
            let msg = Engine::stall_message(std::mem::take(&mut engine.job_interrupted), engine.cpu_ms());
            if engine.call::<_, bool>("failStalled", (msg.clone(),))? {
                continue;
            }
            return Err(format!(
                "the tests stopped making progress after {} ms: {msg}",
                started.elapsed().as_millis()
            ));
        }
        if delay > 0.0 {
            match &engine.host.fake_now {
                Some(now) => now.set(now.get() + delay),
                None => std::thread::sleep(Duration::from_secs_f64(delay / 1000.0)),
            }
        }
        engine.run_timer()?;
    }
    let report = engine.report()?;
    out.print(
        1,
        &format!("{} passed, {} failed", report.passed, report.failed),
    );
    drop(promise);
    if options.skip_teardown {
        engine.leak();
    }
    Ok(report)
}

/// Installs the engine's debugger hook for `target`, with access to the objects' databases.
fn attach_debugger(
    ctx: &Ctx<'_>,
    target: &DebugTarget,
    host: &Rc<Host>,
    on_stop: Box<dyn Fn()>,
    thread: u32,
) -> rquickjs::Result<crate::debugger::Installed> {
    let (h1, h2) = (host.clone(), host.clone());
    let access = HostAccess {
        objects: Box::new(move || {
            let dbs = h1.dbs.borrow();
            dbs.iter()
                .enumerate()
                .map(|(i, (_, label))| ObjectRef {
                    label: label.clone(),
                    handle: Some(i),
                })
                .collect()
        }),
        query: Box::new(move |handle, sql| {
            let dbs = h2
                .dbs
                .try_borrow()
                .map_err(|_| "the object's database is in use".to_string())?;
            let (db, _) = dbs.get(handle).ok_or_else(|| format!("no object database {handle}"))?;
            db.debug_query(sql)
        }),
        on_stop,
    };
    let installed = crate::debugger::install(ctx, target, access, thread);
    let d: Object = ctx.globals().get("__dols")?;
    let dbg: Object = d.get("debug")?;
    let state: Object = dbg.get("state")?;
    state.set("active", true)?;
    Ok(installed)
}


/// A context with QuickJS's standard intrinsics but its `atob`/`btoa` and `performance`, which
/// the prelude defines as workerd has them (so building QuickJS's own would be wasted).
fn new_context(rt: &Runtime) -> Result<Context, String> {
    use rquickjs::context::intrinsic::{
        Date, Eval, Json, MapSet, Promise, Proxy, RegExp, TypedArrays, WeakRef,
    };
    Context::custom::<(Date, Eval, RegExp, Json, Proxy, MapSet, TypedArrays, Promise, WeakRef)>(rt)
        .map_err(|e| e.to_string())
}

/// Evaluates the prelude in `ctx`, from the bytecode compiled at build time.
fn eval_prelude(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    crate::bytecode::run_script(ctx, PRELUDE_BYTECODE).map(drop)
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("string serialises")
}

/// Evaluates a script in a fresh runtime with the prelude and returns what it printed (for
/// unit tests of the web APIs).
pub fn eval_script(source: &str) -> Result<String, String> {
    let rt = Runtime::new().map_err(|e| e.to_string())?;
    let ctx = new_context(&rt)?;
    let buf = Rc::new(RefCell::new((String::new(), String::new())));
    let host = Rc::new(Host {
        out: Sink::Out(Output::Capture(buf.clone())),
        location: StateLocation::Memory,
        dbs: RefCell::new(Vec::new()),
        rng: RefCell::new(Rng::from_entropy()),
        fake_now: None,
        link: None,
        net: crate::fetch::Net::offline(),
    });
    ctx.with(|ctx| -> Result<(), String> {
        let fail = |e: rquickjs::Error| {
            if matches!(e, rquickjs::Error::Exception) {
                describe_exception(&ctx, ctx.catch())
            } else {
                e.to_string()
            }
        };
        install_natives(&ctx, &host).map_err(fail)?;
        eval_prelude(&ctx).map_err(fail)?;
        ctx.eval::<(), _>(source).map_err(fail)?;
        Ok(())
    })?;
    while rt
        .execute_pending_job()
        .map_err(|e| e.0.with(|ctx| describe_exception(&ctx, ctx.catch())))?
    {}
    let out = buf.borrow().0.clone();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_bytecode_is_that_of_the_current_sources() {
        let rt = Runtime::new().unwrap();
        let ctx = Context::full(&rt).unwrap();
        for (source, name, embedded) in [
            (include_str!("js/prelude.js"), "<dols prelude>", PRELUDE_BYTECODE),
            (include_str!("js/web.js"), "<dols web>", WEB_BYTECODE),
            (include_str!("js/inspect.js"), "<dols inspect>", INSPECT_BYTECODE),
            (include_str!("js/threads.js"), "<dols threads>", THREADS_BYTECODE),
            (include_str!("js/kv.js"), "<dols kv>", KV_BYTECODE),
        ] {
            let fresh = ctx
                .with(|ctx| crate::bytecode::compile_script(&ctx, source, name))
                .unwrap();
            assert!(fresh == embedded, "the build script's bytecode of {name} is stale");
        }
    }

    #[test]
    fn a_prelude_error_is_reported_as_an_exception_with_its_line() {
        let rt = Runtime::new().unwrap();
        let ctx = Context::full(&rt).unwrap();
        ctx.with(|ctx| {
            let code = crate::bytecode::compile_script(&ctx, "1;\nthrow new TypeError('from bytecode');", "<b>").unwrap();
            let e = crate::bytecode::run_script(&ctx, &code).map(drop).unwrap_err();
            assert!(matches!(e, rquickjs::Error::Exception));
            let text = describe_exception(&ctx, ctx.catch());
            assert!(text.starts_with("TypeError: from bytecode\n"), "{text}");
            assert!(text.contains("<b>:2"), "{text}");
        });
    }
}
