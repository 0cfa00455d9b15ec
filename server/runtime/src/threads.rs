//! A runtime per object: the worker's code (the tests) runs in a main runtime, each live
//! Durable Object in a runtime of its own (QuickJS runtime, context, prelude, database
//! connection), and events, their results and calls of functions passed by reference travel
//! between them as messages (JSON texts of the prelude's wire form).
//!
//! The thread that called the run coordinates: it holds the output, routes messages, starts an
//! object's runtime on its first event, and hands out the next step — a batch of messages, the
//! responses of a runtime's outbound requests, an event, a timer — to one runtime at a time, in
//! the order one shared runtime would run them (events by the global order of their sending,
//! timers by time and then order). The worker threads of outbound requests send their results
//! here too, so a request under way wakes the coordinator when it ends. With a
//! debugger attached every runtime has a thread of its own; without one they all run on the
//! coordinating thread. Either way a run gives the same results. When the debugger stops a
//! runtime's thread, that thread says so before it waits: the coordinator no longer waits for
//! it and goes on with the other runtimes; messages for the stopped one wait until it is done.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use rquickjs::{Ctx, Function, Object, Persistent, Promise};

use crate::debugger::DebugTarget;
use crate::engine::{
    Clock, Engine, Host, Output, RunOptions, Sink, TestReport, bootstrap, debug_target, now_ms,
};
use crate::ids::Rng;
use crate::project::Project;
use crate::storage::StateLocation;

/// What every runtime of a run shares.
#[derive(Clone)]
struct Shared {
    /// The order of events and timers across runtimes.
    seq: Arc<AtomicU64>,
    /// Generation of each object and the errors that broke the earlier ones (as wire text), so
    /// that a stub in any runtime can tell it is broken.
    objects: Arc<Mutex<HashMap<String, ObjectState>>>,
}

#[derive(Default)]
struct ObjectState {
    generation: u32,
    breaks: HashMap<u32, String>,
}

/// A runtime's link to the run (the natives `seq`, `post`, `object*`).
pub(crate) struct Link {
    shared: Shared,
    outbox: Outbox,
}

/// What a runtime sends out during a step, handed to the coordinator with the step's end (one
/// wake-up of the coordinating thread per step, not one per line printed or message sent).
type Outbox = Rc<RefCell<Vec<Outgoing>>>;

enum Outgoing {
    Print(i32, String),
    Post { to: String, text: String },
}

/// Flushed early past this many items (a step printing a lot), to keep memory bounded.
const OUTBOX_LIMIT: usize = 256;

enum ToCoord {
    /// Part of a step's output, ahead of its end.
    Out { items: Vec<Outgoing> },
    Done { rt: usize, items: Vec<Outgoing>, status: Result<Status, String> },
    /// The runtime's thread stops in the debugger (with what it sent until then).
    Stopping { rt: usize, items: Vec<Outgoing> },
    /// An outbound request of the runtime has finished (from the request's worker thread).
    Fetched { rt: usize, done: crate::fetch::Done },
}

#[derive(Default)]
struct Status {
    /// The order key of the event `deliver` would start, or -1.
    next_event: f64,
    /// The earliest timer that may run: (time, order).
    timer: Option<(f64, f64)>,
    /// The main runtime: whether the tests have finished.
    settled: Option<Result<(), String>>,
    report: Option<TestReport>,
    job_interrupted: bool,
    /// The answer of `failStalled`.
    stall_handled: bool,
    /// Outbound requests under way.
    fetches: usize,
}

enum Command {
    /// Messages to take in; then, when the first event that could start has an order key
    /// below the bound, start it in the same step (what the coordinator would ask next).
    Receive(Vec<String>, f64),
    Deliver,
    Timer,
    /// Finished outbound requests to deliver.
    Fetched(Vec<crate::fetch::Done>),
    FailStalled(String),
    Finish,
}

pub(crate) fn install_link_natives<'js>(
    ctx: &Ctx<'js>,
    n: &Object<'js>,
    link: &Link,
) -> rquickjs::Result<()> {
    let seq = link.shared.seq.clone();
    n.set(
        "seq",
        Function::new(ctx.clone(), move || {
            seq.fetch_add(1, Ordering::Relaxed) as f64 + 1.0
        })?,
    )?;
    let outbox = link.outbox.clone();
    n.set(
        "post",
        Function::new(ctx.clone(), move |to: String, text: String| {
            outbox.borrow_mut().push(Outgoing::Post { to, text });
        })?,
    )?;
    let objects = link.shared.objects.clone();
    n.set(
        "objectGeneration",
        Function::new(ctx.clone(), move |key: String| {
            objects.lock().unwrap().get(&key).map_or(0, |o| o.generation)
        })?,
    )?;
    let objects = link.shared.objects.clone();
    n.set(
        "objectBreak",
        Function::new(ctx.clone(), move |key: String, generation: u32| {
            objects
                .lock()
                .unwrap()
                .get(&key)
                .and_then(|o| o.breaks.get(&generation).cloned())
        })?,
    )?;
    let objects = link.shared.objects.clone();
    n.set(
        "objectReset",
        Function::new(ctx.clone(), move |key: String, generation: u32, error: String| {
            let mut objects = objects.lock().unwrap();
            let o = objects.entry(key).or_default();
            o.breaks.insert(generation, error);
            o.generation = generation + 1;
        })?,
    )?;
    Ok(())
}

/// What a runtime needs to start.
struct Start {
    rt: usize,
    /// `""` for the main runtime, else the object's key.
    key: String,
    project: Project,
    tests: Vec<PathBuf>,
    state: StateLocation,
    options: RunOptions,
    debug: Option<DebugTarget>,
    clock: Option<Clock>,
    shared: Shared,
    /// To the coordinator, for a runtime on a thread of its own (`None`: on the coordinator's).
    tx: Option<mpsc::Sender<ToCoord>>,
    /// To the coordinator, from the worker threads of outbound requests.
    net_tx: mpsc::Sender<ToCoord>,
    fetch: Arc<crate::fetch::FetchConfig>,
}

/// A runtime of the run and the promise of its bootstrap module.
struct Actor {
    main: bool,
    engine: Engine,
    promise: Persistent<Promise<'static>>,
    outbox: Outbox,
    skip_teardown: bool,
}

impl Actor {
    fn start(start: Start, outbox: Outbox) -> Result<Actor, String> {
        let Start { rt, key, project, tests, state, options, debug, clock, shared, tx, net_tx, fetch } = start;
        let main = key.is_empty();
        let (print_box, print_tx) = (outbox.clone(), tx.clone());
        let host = Host {
            out: Sink::Forward(
                Box::new(move |stream, text| {
                    let mut b = print_box.borrow_mut();
                    b.push(Outgoing::Print(stream, text.to_string()));
                    if let Some(tx) = print_tx.as_ref().filter(|_| b.len() > OUTBOX_LIMIT) {
                        let _ = tx.send(ToCoord::Out { items: std::mem::take(&mut *b) });
                    }
                }),
                // An object's runtime evaluates the modules again: what they print at the top
                // level was printed by the main runtime already.
                Cell::new(!main),
            ),
            location: state,
            dbs: Default::default(),
            rng: RefCell::new(Rng::from_entropy()),
            fake_now: clock,
            link: Some(Link { shared, outbox: outbox.clone() }),
            net: crate::fetch::Net::new(
                fetch,
                Arc::new(move |done| {
                    let _ = net_tx.send(ToCoord::Fetched { rt, done });
                }),
            ),
        };
        let mut engine = Engine::new(options.limits, host)?;
        if let Some(target) = &debug {
            let (stop_box, stop_tx) = (outbox.clone(), tx.clone());
            engine.attach(
                target,
                Box::new(move || {
                    if let Some(tx) = &stop_tx {
                        let items = std::mem::take(&mut *stop_box.borrow_mut());
                        let _ = tx.send(ToCoord::Stopping { rt, items });
                    }
                }),
                rt as u32,
            )?;
        }
        engine.setup(&project.runtime_config_json(), Some(&key))?;
        let (name, source) = if main {
            ("<dols test runner>", bootstrap(&project, &tests, true))
        } else {
            ("<dols object runtime>", bootstrap(&project, &[], false))
        };
        let promise = engine.evaluate(name, source)?;
        engine.settle_turn()?;
        if !main {
            if let Some(Err(e)) = engine.settled(&promise)? {
                return Err(e);
            }
            if let Sink::Forward(_, quiet) = &engine.host.out {
                quiet.set(false);
            }
        }
        Ok(Actor { main, engine, promise, outbox, skip_teardown: options.skip_teardown })
    }

    fn status(&mut self, stall_handled: bool) -> Result<Status, String> {
        let engine = &mut self.engine;
        let [next_event, at, order]: [f64; 3] = engine.call::<_, Vec<f64>>("stepStatus", ())?
            .try_into()
            .map_err(|_| "bad step status".to_string())?;
        let timer = (!at.is_nan()).then_some((at, order));
        let settled = if self.main { engine.settled(&self.promise)? } else { None };
        let report = if settled.is_some() { Some(engine.report()?) } else { None };
        Ok(Status {
            next_event,
            timer,
            settled,
            report,
            job_interrupted: std::mem::take(&mut engine.job_interrupted),
            stall_handled,
            fetches: engine.host.net.pending(),
        })
    }

    /// One step: a command, the jobs it leads to, the turn's commit and released results.
    fn run(&mut self, command: Command) -> Result<Status, String> {
        let engine = &mut self.engine;
        let mut handled = false;
        match command {
            Command::Receive(texts, deliver_below) => {
                engine.arm();
                for text in texts {
                    engine.call::<_, ()>("receive", (text,))?;
                }
                engine.settle_turn()?;
                let next: f64 = engine.call("nextEvent", ())?;
                if next >= 0.0 && next < deliver_below && engine.deliver()? {
                    engine.settle_turn()?;
                }
            }
            Command::Deliver => {
                engine.deliver()?;
                engine.settle_turn()?;
            }
            Command::Timer => {
                engine.run_timer()?;
                engine.settle_turn()?;
            }
            Command::Fetched(done) => {
                engine.fetched(done)?;
                engine.settle_turn()?;
            }
            Command::FailStalled(msg) => {
                engine.arm();
                handled = engine.call("failStalled", (msg,))?;
                engine.settle_turn()?;
            }
            Command::Finish => {}
        }
        self.status(handled)
    }

    fn take_out(&self) -> Vec<Outgoing> {
        std::mem::take(&mut *self.outbox.borrow_mut())
    }

    fn finish(self) {
        let Actor { engine, promise, skip_teardown, .. } = self;
        drop(promise);
        if skip_teardown {
            engine.leak();
        }
    }
}

/// Waits for a message, spinning a little first: the other side usually answers within
/// microseconds, and putting a thread to sleep and waking it costs more than that.
fn recv_spin<T>(rx: &mpsc::Receiver<T>) -> Result<T, mpsc::RecvError> {
    let start = Instant::now();
    loop {
        match rx.try_recv() {
            Ok(v) => return Ok(v),
            Err(mpsc::TryRecvError::Disconnected) => return Err(mpsc::RecvError),
            Err(mpsc::TryRecvError::Empty) => {}
        }
        if start.elapsed() > SPIN {
            return rx.recv();
        }
        // Yielding, not spinning on the spot: on a loaded machine the thread this one waits
        // for may need this core.
        std::thread::yield_now();
    }
}

const SPIN: Duration = Duration::from_micros(500);

fn runtime_thread(start: Start, commands: mpsc::Receiver<Command>) {
    let rt = start.rt;
    let tx = start.tx.clone().expect("a runtime on a thread has a sender");
    // A panic must not leave the coordinator waiting for a step that never ends.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime_loop(start, commands)
    }));
    if run.is_err() {
        let status = Err(format!("the runtime's thread {rt} failed (a panic in dols)"));
        let _ = tx.send(ToCoord::Done { rt, items: Vec::new(), status });
    }
}

fn runtime_loop(start: Start, commands: mpsc::Receiver<Command>) {
    let rt = start.rt;
    let tx = start.tx.clone().expect("a runtime on a thread has a sender");
    let outbox = Outbox::default();
    let mut actor = match Actor::start(start, outbox.clone()) {
        Ok(a) => a,
        Err(e) => {
            let items = std::mem::take(&mut *outbox.borrow_mut());
            let _ = tx.send(ToCoord::Done { rt, items, status: Err(e) });
            return;
        }
    };
    let status = actor.status(false);
    let _ = tx.send(ToCoord::Done { rt, items: actor.take_out(), status });
    while let Ok(command) = recv_spin(&commands) {
        if matches!(command, Command::Finish) {
            break;
        }
        let status = actor.run(command);
        let _ = tx.send(ToCoord::Done { rt, items: actor.take_out(), status });
    }
    actor.finish();
}

struct Slot {
    /// `None` for the main runtime run on the coordinator's thread.
    commands: Option<mpsc::Sender<Command>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// A command is out (no `Done` yet).
    busy: bool,
    /// Stopped in the debugger while busy: the others go on.
    stopped: bool,
    status: Status,
}

/// The coordinator's view of the run.
struct Coordinator<'a> {
    out: &'a Output,
    slots: Vec<Slot>,
    by_key: HashMap<String, usize>,
    mail: VecDeque<(String, String)>,
    /// Finished outbound requests, by runtime, in the order they finished.
    fetched: VecDeque<(usize, crate::fetch::Done)>,
    job_interrupted: bool,
    /// The runtimes that run on this thread (all of them when no debugger is attached), by
    /// their index.
    inline: HashMap<usize, Actor>,
    rx: mpsc::Receiver<ToCoord>,
}

impl Coordinator<'_> {
    fn take(&mut self, items: Vec<Outgoing>) {
        for item in items {
            match item {
                Outgoing::Print(stream, text) => self.out.print(stream, &text),
                Outgoing::Post { to, text } => self.mail.push_back((to, text)),
            }
        }
    }

    fn handle(&mut self, m: ToCoord) -> Result<(), String> {
        match m {
            ToCoord::Out { items } => self.take(items),
            ToCoord::Stopping { rt, items } => {
                self.take(items);
                self.slots[rt].stopped = true;
            }
            ToCoord::Done { rt, items, status } => {
                self.take(items);
                let s = &mut self.slots[rt];
                s.busy = false;
                s.stopped = false;
                s.status = status?;
                self.job_interrupted |= s.status.job_interrupted;
            }
            ToCoord::Fetched { rt, done } => self.fetched.push_back((rt, done)),
        }
        Ok(())
    }

    fn recv(&mut self) -> Result<(), String> {
        let m = recv_spin(&self.rx).map_err(|_| "a runtime's thread ended unexpectedly".to_string())?;
        self.handle(m)
    }

    /// Gives a runtime its next step (at once, for the main runtime on this thread).
    fn dispatch(&mut self, rt: usize, command: Command) -> Result<(), String> {
        self.slots[rt].busy = true;
        if let Some(commands) = &self.slots[rt].commands {
            let _ = commands.send(command);
            return Ok(());
        }
        let actor = self.inline.get_mut(&rt).expect("the runtime runs here");
        let status = actor.run(command);
        let items = actor.take_out();
        self.handle(ToCoord::Done { rt, items, status })
    }
}

/// The run with each object on a thread of its own (see the module's documentation).
pub(crate) fn run(
    project: &Project,
    tests: &[PathBuf],
    state: StateLocation,
    out: Output,
    options: &RunOptions,
) -> Result<TestReport, String> {
    let (tx, rx) = mpsc::channel::<ToCoord>();
    let shared = Shared {
        seq: Arc::new(AtomicU64::new(0)),
        objects: Arc::new(Mutex::new(HashMap::new())),
    };
    let clock = options.fake_time.then(|| Clock::new(now_ms()));
    let (debug, _idle_debugger) = debug_target(options);
    let fetch = crate::engine::fetch_config(project, options);
    let start = |rt: usize, key: String, on_thread: bool| Start {
        rt,
        key,
        project: project.clone(),
        tests: tests.to_vec(),
        state: state.clone(),
        options: RunOptions { debugger: None, ..options.clone() },
        debug: debug.clone(),
        clock: clock.clone(),
        shared: shared.clone(),
        tx: on_thread.then(|| tx.clone()),
        net_tx: tx.clone(),
        fetch: fetch.clone(),
    };
    // With a debugger attached, each runtime has a thread of its own, so that one can stop
    // while the others go on. Without one nothing can stop, and every runtime runs on this
    // thread: the same steps in the same order, without handing each step to another thread.
    // (`DOLS_OBJECT_THREADS=threads` puts them on threads always, to measure what that costs.)
    let on_threads =
        debug.is_some() || std::env::var("DOLS_OBJECT_THREADS").as_deref() == Ok("threads");
    let open = |c: &mut Coordinator, key: String| -> Result<usize, String> {
        let rt = c.slots.len();
        c.slots.push(Slot {
            commands: None,
            thread: None,
            busy: true,
            stopped: false,
            status: Status { next_event: -1.0, ..Status::default() },
        });
        c.by_key.insert(key.clone(), rt);
        if on_threads {
            let (ctx_tx, ctx_rx) = mpsc::channel();
            let name = if key.is_empty() { "dols main".to_string() } else { format!("dols {key}") };
            let start = start(rt, key, true);
            let thread = std::thread::Builder::new()
                .name(name)
                .stack_size(8 << 20)
                .spawn(move || runtime_thread(start, ctx_rx))
                .map_err(|e| format!("cannot start a thread: {e}"))?;
            c.slots[rt].commands = Some(ctx_tx);
            c.slots[rt].thread = Some(thread);
        } else {
            let outbox = Outbox::default();
            let status = Actor::start(start(rt, key, false), outbox.clone()).and_then(|mut a| {
                let status = a.status(false);
                c.inline.insert(rt, a);
                status
            });
            let items = std::mem::take(&mut *outbox.borrow_mut());
            c.handle(ToCoord::Done { rt, items, status })?;
        }
        Ok(rt)
    };
    let mut c = Coordinator {
        out: &out,
        slots: Vec::new(),
        by_key: HashMap::new(),
        mail: VecDeque::new(),
        fetched: VecDeque::new(),
        job_interrupted: false,
        inline: HashMap::new(),
        rx,
    };
    open(&mut c, String::new())?;
    let started = Instant::now();
    let cpu_ms = options.limits.cpu_time.as_millis();

    let result = (|| -> Result<(), String> {
        loop {
            // One runtime at a time runs (unless stopped in the debugger).
            while c.slots.iter().any(|s| s.busy && !s.stopped) {
                c.recv()?;
            }
            // Messages first, in the order they were sent, to runtimes that are free.
            let mut sent = false;
            for i in 0..c.mail.len() {
                let to = c.mail[i].0.clone();
                let rt = match c.by_key.get(&to) {
                    Some(&rt) => rt,
                    None => {
                        open(&mut c, to)?;
                        sent = true;
                        break;
                    }
                };
                if c.slots[rt].busy {
                    continue;
                }
                // This one and the ones after it for the same runtime that follow at once.
                let mut batch = vec![c.mail.remove(i).expect("index in range").1];
                while c.mail.get(i).is_some_and(|(t, _)| c.by_key.get(t) == Some(&rt)) {
                    batch.push(c.mail.remove(i).expect("index in range").1);
                }
                // With no other message waiting, the runtime may start its first event at
                // once when no other runtime has one to start before it (the next thing this
                // loop would ask for).
                let deliver_below = if c.mail.is_empty() && c.slots[0].status.settled.is_none() {
                    c.slots
                        .iter()
                        .enumerate()
                        .filter(|(j, s)| *j != rt && !s.busy && s.status.next_event >= 0.0)
                        .map(|(_, s)| s.status.next_event)
                        .fold(f64::INFINITY, f64::min)
                } else {
                    -1.0
                };
                c.dispatch(rt, Command::Receive(batch, deliver_below))?;
                sent = true;
                break;
            }
            if sent {
                continue;
            }
            if let Some(r) = &c.slots[0].status.settled {
                return r.clone();
            }
            // Finished outbound requests (I/O completions), for a runtime that is free: all of
            // its finished ones in one step.
            if let Some(i) = c.fetched.iter().position(|(rt, _)| !c.slots[*rt].busy) {
                let rt = c.fetched[i].0;
                let mut done = Vec::new();
                let mut j = i;
                while j < c.fetched.len() {
                    if c.fetched[j].0 == rt {
                        done.push(c.fetched.remove(j).expect("index in range").1);
                    } else {
                        j += 1;
                    }
                }
                c.dispatch(rt, Command::Fetched(done))?;
                continue;
            }
            // The next event, in the order events were sent.
            let next = c
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.busy && s.status.next_event >= 0.0)
                .min_by(|a, b| a.1.status.next_event.total_cmp(&b.1.status.next_event))
                .map(|(rt, _)| rt);
            if let Some(rt) = next {
                c.dispatch(rt, Command::Deliver)?;
                continue;
            }
            // Else the earliest timer.
            let timer = c
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.busy)
                .filter_map(|(rt, s)| s.status.timer.map(|t| (rt, t)))
                .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.total_cmp(&b.1.1)));
            // Outbound requests under way: the run waits for them (real I/O is not on the
            // virtual clock, which moves with real time while the run waits for the network).
            let fetching = c.slots.iter().any(|s| s.status.fetches > 0);
            if let Some((rt, (at, _))) = timer {
                match &clock {
                    Some(clock) if fetching && at > clock.get() => {
                        let waited = Instant::now();
                        match c.rx.recv_timeout(Duration::from_secs_f64((at - clock.get()) / 1000.0)) {
                            Ok(m) => {
                                let now = clock.get() + waited.elapsed().as_secs_f64() * 1000.0;
                                clock.set(now.min(at));
                                c.handle(m)?;
                                continue;
                            }
                            Err(mpsc::RecvTimeoutError::Timeout) => clock.set(at),
                            Err(mpsc::RecvTimeoutError::Disconnected) => {
                                return Err("a runtime's thread ended unexpectedly".into());
                            }
                        }
                    }
                    Some(clock) => {
                        if at > clock.get() {
                            clock.set(at);
                        }
                    }
                    None => {
                        let delay = at - now_ms();
                        if delay > 0.0 {
                            // A runtime stopped in the debugger may go on meanwhile.
                            match c.rx.recv_timeout(Duration::from_secs_f64(delay / 1000.0)) {
                                Ok(m) => {
                                    c.handle(m)?;
                                    continue;
                                }
                                Err(mpsc::RecvTimeoutError::Timeout) => {}
                                Err(mpsc::RecvTimeoutError::Disconnected) => {
                                    return Err("a runtime's thread ended unexpectedly".into());
                                }
                            }
                        }
                    }
                }
                c.dispatch(rt, Command::Timer)?;
                continue;
            }
            // Nothing can run now; a runtime stopped in the debugger may go on later, and a
            // request under way will finish.
            if fetching {
                let waited = Instant::now();
                c.recv()?;
                if let Some(clock) = &clock {
                    clock.set(clock.get() + waited.elapsed().as_secs_f64() * 1000.0);
                }
                continue;
            }
            if c.slots.iter().any(|s| s.busy) {
                c.recv()?;
                continue;
            }
            // The running test waits for a promise that never settles: fail it, go on.
            let msg = Engine::stall_message(std::mem::take(&mut c.job_interrupted), cpu_ms);
            c.dispatch(0, Command::FailStalled(msg.clone()))?;
            while c.slots[0].busy {
                c.recv()?;
            }
            if !c.slots[0].status.stall_handled {
                return Err(format!(
                    "the tests stopped making progress after {} ms: {msg}",
                    started.elapsed().as_millis()
                ));
            }
        }
    })();
    for s in &c.slots {
        if let Some(commands) = &s.commands {
            let _ = commands.send(Command::Finish);
        }
    }
    drop(tx);
    for s in &mut c.slots {
        if let Some(t) = s.thread.take() {
            let _ = t.join();
        }
    }
    // What the runtimes printed while they finished.
    while let Ok(m) = c.rx.try_recv() {
        match m {
            ToCoord::Out { items } | ToCoord::Done { items, .. } | ToCoord::Stopping { items, .. } => {
                for item in items {
                    if let Outgoing::Print(stream, text) = item {
                        out.print(stream, &text);
                    }
                }
            }
            ToCoord::Fetched { .. } => {}
        }
    }
    for (_, actor) in c.inline.drain() {
        actor.finish();
    }
    result?;
    let report = c.slots[0].status.report.unwrap_or(TestReport { passed: 0, failed: 0 });
    out.print(1, &format!("{} passed, {} failed", report.passed, report.failed));
    Ok(report)
}
