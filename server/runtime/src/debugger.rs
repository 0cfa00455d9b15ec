//! The debugger: breakpoints, stepping (also across `await`), pausing, call stacks, variables,
//! evaluation in a frame and storage reads of a paused run, on top of the engine's hook
//! (`server/quickjs-sys`, `rquickjs_sys::debug`).
//!
//! A [`Debugger`] is the client's end, usable from any thread; its [`DebugTarget`] goes into
//! [`crate::RunOptions::debugger`]. The run's thread calls the hook at each stop point while a
//! breakpoint, a step or a pause request needs it. To stop, the hook sends [`Event::Stopped`]
//! and then serves [`Request`]s from the client on that thread, inside the interpreter, until
//! one resumes the run: the frames, their variables and the objects' databases are read where
//! they live, so a storage read sees the current turn's uncommitted writes. With a runtime per
//! object (`crate::RunOptions::object_threads`) every runtime has the hook and a thread of its
//! own; each stopped thread serves its own requests, named by [`Event::Stopped`]'s `thread`.

use std::collections::{BTreeSet, HashMap};
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use rquickjs::{Array, Ctx, Function, Object, Persistent, Value};
use rquickjs_sys::debug as dbg;

pub use crate::storage::{DebugRows, SqlValue};

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Breakpoint,
    Step,
    Pause,
}

/// A frame of the call stack, innermost first. `level` names it in requests while the run
/// stays stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub level: u32,
    /// The function's name (empty for an anonymous function; `<eval>` for module code).
    pub name: String,
    /// The module's path as the runtime names it (absolute), or an internal name in `<...>`.
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
    /// A native function (no position, no variables).
    pub native: bool,
    /// An async function or generator.
    pub is_async: bool,
    /// A frame of the code that sent the RPC call or `fetch` this event serves, recorded when
    /// the call was made: the stack continues across the stub call. These frames are gone and
    /// have no variables.
    pub caller: bool,
}

/// Which variables of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Arguments and the function's own variables.
    Locals,
    /// Variables of enclosing functions and modules that the function uses.
    Closure,
}

/// A variable, a property or an evaluation result.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    /// As `console.log` would print it (shortened).
    pub value: String,
    /// `typeof`, or the class name of an object.
    pub type_name: String,
    /// Set for objects and functions: pass it to [`Request::Children`] for their properties.
    pub handle: Option<u32>,
}

/// A Durable Object whose database is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// `ClassName <64-hex id>`.
    pub label: String,
    /// Names its database in [`Request::Query`]; `None` when the object has not opened it yet.
    pub handle: Option<usize>,
}

/// Sent to the client.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Stopped {
        /// The thread that stopped: `0` for a run with one runtime (and for the main runtime
        /// of a run with a runtime per object), the object's runtime otherwise. Requests go to
        /// the thread of the latest `Stopped` event unless [`Debugger::select_thread`] says
        /// otherwise.
        thread: u32,
        reason: StopReason,
        frames: Vec<Frame>,
        /// The Durable Object the innermost user frame runs in (its `this`), if any.
        object: Option<ObjectRef>,
    },
}

/// How to resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    Continue,
    /// Stop at the next stop point, wherever it is.
    StepIn,
    /// Stop at the next stop point of this frame (an `await` included: when the function
    /// resumes), or of its caller once it has returned.
    StepOver,
    /// Stop once this frame has returned (an async function: once it has finished).
    StepOut,
}

/// Asked of a stopped run.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    StackTrace,
    Variables { frame: u32, scope: Scope },
    /// Own properties of an object named by a [`Variable::handle`].
    Children { handle: u32 },
    Evaluate { frame: u32, expression: String },
    /// The Durable Objects whose databases are open.
    Objects,
    /// A read-only SQL statement on an object's database (its own tables included).
    Query { object: usize, sql: String },
    Resume(Resume),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Frames(Vec<Frame>),
    Variables(Vec<Variable>),
    Value(Variable),
    Objects(Vec<ObjectRef>),
    Rows(DebugRows),
    Resumed,
    Error(String),
}

const PAUSE_BIT: u32 = 1;
/// Added to `stepping` for each runtime in a step mode (several may be, each on its thread).
const STEP_UNIT: u32 = 2;

type RequestSender = mpsc::Sender<(Request, mpsc::Sender<Reply>)>;

struct Shared {
    breakpoints: Mutex<HashMap<String, BTreeSet<u32>>>,
    /// Bumped whenever breakpoints change: functions rebuild their stop points.
    epoch: AtomicU32,
    /// Non-zero while the hook must look at every stop point: `PAUSE_BIT`, plus `STEP_UNIT`
    /// per runtime that steps.
    stepping: AtomicU32,
    /// The threads stopped now (several, with a runtime per object), each with where its
    /// requests go; a stopped thread serves only its own.
    stops: Mutex<Vec<(u32, RequestSender)>>,
    /// Cleared when the client is dropped: the run goes on undisturbed.
    attached: AtomicBool,
}

/// The client's end of a debugging session. Drop it to detach: a stopped run goes on and
/// breakpoints are forgotten.
pub struct Debugger {
    shared: Arc<Shared>,
    events: mpsc::Receiver<Event>,
    /// Where requests go: the thread of the latest `Stopped` event, or one selected.
    thread: std::cell::Cell<Option<u32>>,
}

/// The run's end, for [`crate::RunOptions::debugger`]. Only one run may use it (with a
/// runtime per object, all of that run's runtimes).
#[derive(Clone)]
pub struct DebugTarget {
    shared: Arc<Shared>,
    events: mpsc::Sender<Event>,
}

impl std::fmt::Debug for DebugTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DebugTarget")
    }
}

impl Drop for Debugger {
    fn drop(&mut self) {
        self.shared.attached.store(false, Ordering::Release);
        // Stopped threads see their requests' channel close, detach and go on.
        self.shared.stops.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl Debugger {
    pub fn new() -> (Debugger, DebugTarget) {
        let shared = Arc::new(Shared {
            breakpoints: Mutex::new(HashMap::new()),
            epoch: AtomicU32::new(1),
            stepping: AtomicU32::new(0),
            stops: Mutex::new(Vec::new()),
            attached: AtomicBool::new(true),
        });
        let (ev_tx, ev_rx) = mpsc::channel();
        (
            Debugger {
                shared: shared.clone(),
                events: ev_rx,
                thread: std::cell::Cell::new(None),
            },
            DebugTarget {
                shared,
                events: ev_tx,
            },
        )
    }

    /// Sets the breakpoints of a module (its absolute path, as the runtime names modules),
    /// replacing earlier ones; takes effect at once, also while the run is going. A breakpoint
    /// on a line without a stop point (a blank line, a comment, a declaration without
    /// initialiser) is never hit.
    pub fn set_breakpoints(&self, file: &str, lines: &[u32]) {
        let mut b = self.shared.breakpoints.lock().unwrap();
        if lines.is_empty() {
            b.remove(file);
        } else {
            b.insert(file.to_string(), lines.iter().copied().collect());
        }
        drop(b);
        bump(&self.shared.epoch);
    }

    /// Asks the run to stop at its next stop point.
    pub fn pause(&self) {
        self.shared.stepping.fetch_or(PAUSE_BIT, Ordering::Relaxed);
    }

    /// Whether the run (a thread of it) is stopped now.
    pub fn is_stopped(&self) -> bool {
        !self.shared.stops.lock().unwrap().is_empty()
    }

    /// The threads stopped now.
    pub fn stopped_threads(&self) -> Vec<u32> {
        self.shared.stops.lock().unwrap().iter().map(|(t, _)| *t).collect()
    }

    /// Sends the next requests to this stopped thread.
    pub fn select_thread(&self, thread: u32) {
        self.thread.set(Some(thread));
    }

    /// The next event, waiting at most `timeout`; `None` on timeout or when the run has ended.
    /// A `Stopped` event selects its thread for the requests that follow.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        let event = self.events.recv_timeout(timeout).ok()?;
        let Event::Stopped { thread, .. } = &event;
        self.thread.set(Some(*thread));
        Some(event)
    }

    /// Sends a request to the selected stopped thread (see [`Debugger::select_thread`]) and
    /// waits for its answer.
    pub fn request(&self, request: Request) -> Reply {
        let to = {
            let stops = self.shared.stops.lock().unwrap();
            let wanted = self.thread.get();
            stops
                .iter()
                .find(|(t, _)| wanted.is_none_or(|w| w == *t))
                .map(|(_, tx)| tx.clone())
        };
        let Some(to) = to else {
            return Reply::Error("the run is not stopped".into());
        };
        let (tx, rx) = mpsc::channel();
        if to.send((request, tx)).is_err() {
            return Reply::Error("the run has ended".into());
        }
        rx.recv().unwrap_or_else(|_| Reply::Error("the run has ended".into()))
    }

    pub fn stack_trace(&self) -> Result<Vec<Frame>, String> {
        match self.request(Request::StackTrace) {
            Reply::Frames(f) => Ok(f),
            other => Err(error_of(other)),
        }
    }

    pub fn variables(&self, frame: u32, scope: Scope) -> Result<Vec<Variable>, String> {
        match self.request(Request::Variables { frame, scope }) {
            Reply::Variables(v) => Ok(v),
            other => Err(error_of(other)),
        }
    }

    pub fn children(&self, handle: u32) -> Result<Vec<Variable>, String> {
        match self.request(Request::Children { handle }) {
            Reply::Variables(v) => Ok(v),
            other => Err(error_of(other)),
        }
    }

    pub fn evaluate(&self, frame: u32, expression: &str) -> Result<Variable, String> {
        match self.request(Request::Evaluate {
            frame,
            expression: expression.to_string(),
        }) {
            Reply::Value(v) => Ok(v),
            other => Err(error_of(other)),
        }
    }

    pub fn objects(&self) -> Result<Vec<ObjectRef>, String> {
        match self.request(Request::Objects) {
            Reply::Objects(o) => Ok(o),
            other => Err(error_of(other)),
        }
    }

    pub fn query(&self, object: usize, sql: &str) -> Result<DebugRows, String> {
        match self.request(Request::Query {
            object,
            sql: sql.to_string(),
        }) {
            Reply::Rows(r) => Ok(r),
            other => Err(error_of(other)),
        }
    }

    pub fn resume(&self, how: Resume) -> Result<(), String> {
        match self.request(Request::Resume(how)) {
            Reply::Resumed => Ok(()),
            other => Err(error_of(other)),
        }
    }
}

fn error_of(reply: Reply) -> String {
    match reply {
        Reply::Error(e) => e,
        other => format!("unexpected reply {other:?}"),
    }
}

fn bump(epoch: &AtomicU32) {
    // 0 is the "never built" epoch of a function.
    if epoch.fetch_add(1, Ordering::Relaxed) == u32::MAX {
        epoch.fetch_add(1, Ordering::Relaxed);
    }
}

type QueryFn = Box<dyn Fn(usize, &str) -> Result<DebugRows, String>>;

/// What the hook needs from the engine: the objects' databases.
pub(crate) struct HostAccess {
    pub objects: Box<dyn Fn() -> Vec<ObjectRef>>,
    pub query: QueryFn,
    /// Called on the run's thread when it is about to stop (before it waits for the client):
    /// with objects on threads of their own, the others go on meanwhile.
    pub on_stop: Box<dyn Fn()>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Run,
    StepIn,
    StepOver { frame: usize, returned: bool },
    StepOut { frame: usize, returned: bool },
}

struct HookState {
    shared: Arc<Shared>,
    mode: Mode,
    /// `None` once the client is gone: the run goes on undisturbed.
    events: Option<mpsc::Sender<Event>>,
    /// This runtime's thread, as [`Event::Stopped`] names it.
    thread: u32,
    host: HostAccess,
    /// Objects handed out as [`Variable::handle`] during the current stop.
    handles: Vec<Persistent<Value<'static>>>,
}

/// The hook installed on a runtime; uninstalled when dropped (before the runtime is).
pub(crate) struct Installed {
    rt: *mut rquickjs_sys::JSRuntime,
    hooks: Box<dbg::JSDebugHooks>,
    state: *mut HookState,
}

impl Drop for Installed {
    fn drop(&mut self) {
        // SAFETY: `rt` is the runtime the hooks were installed on and outlives `self`.
        unsafe {
            dbg::JS_SetDebugHooks(self.rt, std::ptr::null());
            let mut state = Box::from_raw(self.state);
            // No longer counted among the runtimes that step.
            set_mode(&mut state, Mode::Run);
            // Persistent values must go while the runtime lives.
            drop(state);
        }
        let _ = &self.hooks;
    }
}

/// Installs the hook for `target` on the runtime of `ctx`.
pub(crate) fn install(ctx: &Ctx<'_>, target: &DebugTarget, host: HostAccess, thread: u32) -> Installed {
    let state = Box::into_raw(Box::new(HookState {
        shared: target.shared.clone(),
        mode: Mode::Run,
        events: Some(target.events.clone()),
        thread,
        host,
        handles: Vec::new(),
    }));
    let hooks = Box::new(dbg::JSDebugHooks {
        on_stop,
        line_flags,
        on_frame_exit,
        stepping: target.shared.stepping.as_ptr() as *const u32,
        epoch: target.shared.epoch.as_ptr() as *const u32,
        opaque: state as *mut c_void,
    });
    // SAFETY: the context is live; `hooks` and `state` stay allocated until `Installed` drops.
    let rt = unsafe { rquickjs_sys::JS_GetRuntime(ctx.as_raw().as_ptr()) };
    unsafe { dbg::JS_SetDebugHooks(rt, &*hooks) };
    Installed { rt, hooks, state }
}

unsafe extern "C" fn line_flags(opaque: *mut c_void, file: *const c_char, line: c_int) -> c_int {
    // SAFETY: `opaque` is the `HookState` of `install`; `file` a NUL-terminated string.
    let st = unsafe { &*(opaque as *const HookState) };
    let file = unsafe { CStr::from_ptr(file) }.to_string_lossy();
    if line == 0 {
        // Internal code (the prelude, the test runner, evaluated expressions) has no stops.
        return if file.starts_with('<') { -1 } else { 0 };
    }
    let b = st.shared.breakpoints.lock().unwrap();
    c_int::from(b.get(file.as_ref()).is_some_and(|l| l.contains(&(line as u32))))
}

unsafe extern "C" fn on_frame_exit(
    _ctx: *mut rquickjs_sys::JSContext,
    opaque: *mut c_void,
    frame: usize,
    finished: c_int,
) {
    // SAFETY: see `line_flags`; the hook runs on the run's thread, which owns the state.
    let st = unsafe { &mut *(opaque as *mut HookState) };
    if finished == 0 {
        return;
    }
    match &mut st.mode {
        Mode::StepOver { frame: f, returned } | Mode::StepOut { frame: f, returned } if *f == frame => {
            *returned = true
        }
        _ => {}
    }
}

unsafe extern "C" fn on_stop(ctx: *mut rquickjs_sys::JSContext, opaque: *mut c_void, at_breakpoint: c_int) -> c_int {
    // SAFETY: see `on_frame_exit`.
    let st = unsafe { &mut *(opaque as *mut HookState) };
    if st.events.is_none() || !st.shared.attached.load(Ordering::Acquire) {
        return 0;
    }
    let top = unsafe { dbg::JS_DebugFrameId(ctx, 0) };
    let paused = st.shared.stepping.fetch_and(!PAUSE_BIT, Ordering::Relaxed) & PAUSE_BIT != 0;
    let reason = if paused {
        Some(StopReason::Pause)
    } else if at_breakpoint != 0 {
        Some(StopReason::Breakpoint)
    } else {
        match st.mode {
            Mode::Run => None,
            Mode::StepIn => Some(StopReason::Step),
            Mode::StepOver { frame, returned } => (returned || frame == top).then_some(StopReason::Step),
            Mode::StepOut { returned, .. } => returned.then_some(StopReason::Step),
        }
    };
    let Some(reason) = reason else { return 0 };
    // SAFETY: the hook runs inside the interpreter, which holds the runtime's lock; the `Ctx`
    // does not outlive this call.
    let ctx = unsafe { Ctx::from_raw(NonNull::new_unchecked(ctx)) };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stop(st, &ctx, reason)));
    if r.is_err() {
        // A panic in the debugger must not unwind through C: detach.
        st.events = None;
        set_mode(st, Mode::Run);
    }
    0
}

fn set_mode(st: &mut HookState, mode: Mode) {
    let (was, is) = (st.mode != Mode::Run, mode != Mode::Run);
    st.mode = mode;
    if is && !was {
        st.shared.stepping.fetch_add(STEP_UNIT, Ordering::Relaxed);
    } else if was && !is {
        st.shared.stepping.fetch_sub(STEP_UNIT, Ordering::Relaxed);
    }
}

fn stop<'js>(st: &mut HookState, ctx: &Ctx<'js>, reason: StopReason) {
    set_mode(st, Mode::Run);
    let mut frames = frames(ctx);
    let (object, callers) = current_object(ctx, &frames);
    frames.extend(callers);
    let top = unsafe { dbg::JS_DebugFrameId(ctx.as_raw().as_ptr(), 0) };
    (st.host.on_stop)();
    let (req_tx, requests) = mpsc::channel();
    let thread = st.thread;
    st.shared.stops.lock().unwrap_or_else(|e| e.into_inner()).push((thread, req_tx));
    let unregister = |st: &HookState| {
        st.shared.stops.lock().unwrap_or_else(|e| e.into_inner()).retain(|(t, _)| *t != thread);
    };
    let sent = st.events.as_ref().is_some_and(|ev| {
        ev.send(Event::Stopped {
            thread,
            reason,
            frames: frames.clone(),
            object,
        })
        .is_ok()
    });
    if !sent {
        unregister(st);
        detach(st);
        return;
    }
    loop {
        // The client dropped: its channel is gone.
        let Ok((request, reply)) = requests.recv() else {
            unregister(st);
            detach(st);
            return;
        };
        let answer = match request {
            Request::StackTrace => Reply::Frames(frames.clone()),
            Request::Resume(how) => {
                let mode = match how {
                    Resume::Continue => Mode::Run,
                    Resume::StepIn => Mode::StepIn,
                    Resume::StepOver => Mode::StepOver { frame: top, returned: false },
                    Resume::StepOut => Mode::StepOut { frame: top, returned: false },
                };
                st.handles.clear();
                unregister(st);
                set_mode(st, mode);
                let _ = reply.send(Reply::Resumed);
                return;
            }
            Request::Variables { frame, scope } => variables(st, ctx, frame, scope),
            Request::Children { handle } => children(st, ctx, handle),
            Request::Evaluate { frame, expression } => evaluate(st, ctx, frame, &expression),
            Request::Objects => Reply::Objects((st.host.objects)()),
            Request::Query { object, sql } => match (st.host.query)(object, &sql) {
                Ok(rows) => Reply::Rows(rows),
                Err(e) => Reply::Error(e),
            },
        };
        let _ = reply.send(answer);
    }
}

fn detach(st: &mut HookState) {
    st.events = None;
    st.handles.clear();
    st.shared.breakpoints.lock().unwrap().clear();
    bump(&st.shared.epoch);
    set_mode(st, Mode::Run);
}

fn frames(ctx: &Ctx<'_>) -> Vec<Frame> {
    let raw = ctx.as_raw().as_ptr();
    let n = unsafe { dbg::JS_DebugFrameCount(raw) };
    let mut out = Vec::new();
    for level in 0..n {
        // SAFETY: the returned value is owned.
        let v = unsafe { Value::from_raw(ctx.clone(), dbg::JS_DebugFrameInfo(raw, level)) };
        let Some(o) = v.as_object() else { continue };
        let frame = Frame {
            level: level as u32,
            name: o.get("name").unwrap_or_default(),
            file: o.get::<_, Option<String>>("file").ok().flatten(),
            line: o.get("line").unwrap_or(0),
            column: o.get("column").unwrap_or(0),
            native: o.get("native").unwrap_or(false),
            is_async: o.get("async").unwrap_or(false),
            caller: false,
        };
        out.push(frame);
    }
    let _ = ctx.catch();
    out
}

/// The Durable Object the innermost user frame runs in (its `this`), and the frames of the
/// code that sent that object's latest event through a stub, recorded when it was sent.
fn current_object(ctx: &Ctx<'_>, frames: &[Frame]) -> (Option<ObjectRef>, Vec<Frame>) {
    let raw = ctx.as_raw().as_ptr();
    let of = || -> rquickjs::Result<Function> {
        let d: Object = ctx.globals().get("__dols")?;
        let dbg: Object = d.get("debug")?;
        dbg.get("objectOf")
    };
    let Ok(of) = of() else {
        let _ = ctx.catch();
        return (None, Vec::new());
    };
    for f in frames.iter().filter(|f| !f.native) {
        if f.file.as_deref().is_none_or(|f| f.starts_with('<')) {
            continue;
        }
        let Ok(this) = eval_raw(ctx, raw, f.level, "this") else { continue };
        let found = || -> rquickjs::Result<Option<(ObjectRef, Vec<Frame>)>> {
            let Some(a) = of.call::<_, Option<Array>>((this,))? else { return Ok(None) };
            let label: String = a.get(0)?;
            let handle: Option<f64> = a.get(1)?;
            let callers: Option<Array> = a.get(2)?;
            let mut caller_frames = Vec::new();
            for (i, e) in callers.into_iter().flat_map(|a| a.into_iter()).enumerate() {
                let e: Object = e?.into_object().ok_or(rquickjs::Error::Unknown)?;
                caller_frames.push(Frame {
                    level: (frames.len() + i) as u32,
                    name: e.get("name")?,
                    file: e.get("file")?,
                    line: e.get("line")?,
                    column: e.get("column")?,
                    native: false,
                    is_async: false,
                    caller: true,
                });
            }
            Ok(Some((
                ObjectRef {
                    label,
                    handle: handle.map(|h| h as usize),
                },
                caller_frames,
            )))
        };
        match found() {
            Ok(Some((o, callers))) => return (Some(o), callers),
            Ok(None) => {}
            Err(_) => {
                let _ = ctx.catch();
            }
        }
    }
    (None, Vec::new())
}

fn eval_raw<'js>(
    ctx: &Ctx<'js>,
    raw: *mut rquickjs_sys::JSContext,
    level: u32,
    src: &str,
) -> Result<Value<'js>, String> {
    let c = CString::new(src).map_err(|e| e.to_string())?;
    // SAFETY: `c` is NUL-terminated with `src.len()` bytes before the NUL.
    let v = unsafe {
        Value::from_raw(
            ctx.clone(),
            dbg::JS_DebugEvalInFrame(raw, level as c_int, c.as_ptr(), src.len()),
        )
    };
    if v.is_exception() {
        let e = ctx.catch();
        return Err(preview(ctx, &e));
    }
    Ok(v)
}

fn variables<'js>(st: &mut HookState, ctx: &Ctx<'js>, frame: u32, scope: Scope) -> Reply {
    let raw = ctx.as_raw().as_ptr();
    let closure = c_int::from(scope == Scope::Closure);
    // SAFETY: owned result.
    let v = unsafe { Value::from_raw(ctx.clone(), dbg::JS_DebugFrameVariables(raw, frame as c_int, closure)) };
    if v.is_exception() {
        let e = ctx.catch();
        return Reply::Error(preview(ctx, &e));
    }
    let Some(list) = v.as_array() else {
        return Reply::Error(format!("frame {frame} has no variables"));
    };
    let mut out: Vec<Variable> = Vec::new();
    for e in list.iter::<Array>() {
        let Ok(e) = e else { continue };
        let name: String = e.get(0).unwrap_or_default();
        // Engine-internal slots (`<ret>`, `this`, `new.target`, home objects, ...).
        if name.is_empty() || name.starts_with('<') || name == "this" || name == "new.target" {
            continue;
        }
        let kind: i32 = e.get(1).unwrap_or(0);
        if e.len() < 3 {
            // In its temporal dead zone: declared further on, or in a block not entered.
            continue;
        }
        let value: Value = e.get(2).unwrap_or_else(|_| Value::new_undefined(ctx.clone()));
        // A name declared in several blocks: keep the innermost (declared last) one.
        if kind == 2 {
            out.retain(|v| v.name != name);
        }
        out.push(describe(st, ctx, name, value));
    }
    let _ = ctx.catch();
    Reply::Variables(out)
}

fn children<'js>(st: &mut HookState, ctx: &Ctx<'js>, handle: u32) -> Reply {
    let Some(p) = st.handles.get(handle as usize).cloned() else {
        return Reply::Error(format!("no object with handle {handle} (handles last until the run resumes)"));
    };
    let Ok(v) = p.restore(ctx) else {
        return Reply::Error("the object is gone".into());
    };
    let f = || -> rquickjs::Result<Array<'js>> {
        let d: Object = ctx.globals().get("__dols")?;
        let dbg: Object = d.get("debug")?;
        let f: Function = dbg.get("properties")?;
        f.call((v,))
    };
    match f() {
        Ok(list) => {
            let mut out = Vec::new();
            for e in list.iter::<Array>() {
                let Ok(e) = e else { continue };
                let name: String = e.get(0).unwrap_or_default();
                let value: Value = e.get(1).unwrap_or_else(|_| Value::new_undefined(ctx.clone()));
                let accessor: bool = e.get(2).unwrap_or(false);
                if accessor {
                    out.push(Variable {
                        name,
                        value: "[Getter/Setter]".into(),
                        type_name: "accessor".into(),
                        handle: None,
                    });
                } else {
                    out.push(describe(st, ctx, name, value));
                }
            }
            Reply::Variables(out)
        }
        Err(_) => {
            let e = ctx.catch();
            Reply::Error(preview(ctx, &e))
        }
    }
}

fn evaluate<'js>(st: &mut HookState, ctx: &Ctx<'js>, frame: u32, expression: &str) -> Reply {
    let raw = ctx.as_raw().as_ptr();
    match eval_raw(ctx, raw, frame, expression) {
        Ok(v) => Reply::Value(describe(st, ctx, expression.to_string(), v)),
        Err(e) => Reply::Error(e),
    }
}

fn describe<'js>(st: &mut HookState, ctx: &Ctx<'js>, name: String, value: Value<'js>) -> Variable {
    let type_name = type_name(ctx, &value);
    let handle = if value.is_object() || value.is_function() {
        st.handles.push(Persistent::save(ctx, value.clone()));
        Some(st.handles.len() as u32 - 1)
    } else {
        None
    };
    Variable {
        name,
        value: preview(ctx, &value),
        type_name,
        handle,
    }
}

fn type_name(ctx: &Ctx<'_>, v: &Value<'_>) -> String {
    if let Some(o) = v.as_object().filter(|_| !v.is_function()) {
        let ctor: Option<Object> = o.get("constructor").ok();
        if let Some(name) = ctor.and_then(|c| c.get::<_, String>("name").ok()).filter(|n| !n.is_empty()) {
            return name;
        }
        let _ = ctx.catch();
        return "object".into();
    }
    let t = if v.is_function() {
        "function"
    } else if v.is_number() {
        "number"
    } else if v.is_bool() {
        "boolean"
    } else if v.is_string() {
        "string"
    } else if v.is_symbol() {
        "symbol"
    } else if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.is_big_int() {
        "bigint"
    } else {
        v.type_name()
    };
    t.to_string()
}

const PREVIEW_MAX: usize = 240;

/// The value as `console.log` prints it (the prelude's formatter), strings quoted.
fn preview<'js>(ctx: &Ctx<'js>, v: &Value<'js>) -> String {
    let f = || -> rquickjs::Result<String> {
        let d: Object = ctx.globals().get("__dols")?;
        let dbg: Object = d.get("debug")?;
        let f: Function = dbg.get("inspect")?;
        f.call((v.clone(),))
    };
    let mut s = f().unwrap_or_else(|_| {
        let _ = ctx.catch();
        format!("<{}>", v.type_name())
    });
    if s.len() > PREVIEW_MAX {
        let mut cut = PREVIEW_MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}
