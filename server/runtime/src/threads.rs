//! Objects on threads of their own: the worker's code (the tests) runs in a main runtime on a
//! thread, each live Durable Object in a runtime of its own (QuickJS runtime, context, prelude,
//! database connection) on another, and events, their results and calls of functions passed
//! by reference travel between them as messages (JSON texts of the prelude's wire form).
//!
//! The thread that called the run coordinates: it holds the output, routes messages, spawns an
//! object's thread on its first event, and hands out the next macrotask — a batch of messages,
//! an event, a timer — to one runtime at a time, in the order one shared runtime would run them
//! (events by the global order of their sending, timers by time and then order). So a run gives
//! the same results with the debugging machinery on or off. When the debugger stops a
//! runtime's thread, that thread says so before it waits: the coordinator no longer waits for
//! it and goes on with the other runtimes; messages for the stopped one wait until it is done.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use rquickjs::{Ctx, Function, Object};

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
    tx: mpsc::Sender<ToCoord>,
}

enum ToCoord {
    Print(i32, String),
    Post { to: String, text: String },
    Done { rt: usize, status: Result<Status, String> },
    /// The runtime's thread stops in the debugger.
    Stopping { rt: usize },
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
}

enum Command {
    Receive(Vec<String>),
    Deliver,
    Timer,
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
    let tx = link.tx.clone();
    n.set(
        "post",
        Function::new(ctx.clone(), move |to: String, text: String| {
            let _ = tx.send(ToCoord::Post { to, text });
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

/// What a runtime's thread needs to start.
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
    tx: mpsc::Sender<ToCoord>,
}

fn runtime_thread(start: Start, commands: mpsc::Receiver<Command>) {
    let Start { rt, key, project, tests, state, options, debug, clock, shared, tx } = start;
    let main = key.is_empty();
    let print_tx = tx.clone();
    let host = Host {
        out: Sink::Forward(
            Box::new(move |stream, text| {
                let _ = print_tx.send(ToCoord::Print(stream, text.to_string()));
            }),
            // An object's runtime evaluates the modules again: what they print at the top
            // level was printed by the main runtime already.
            Cell::new(!main),
        ),
        location: state,
        dbs: Default::default(),
        rng: std::cell::RefCell::new(Rng::from_entropy()),
        fake_now: clock,
        link: Some(Link { shared, tx: tx.clone() }),
    };
    let done = |status| {
        let _ = tx.send(ToCoord::Done { rt, status });
    };
    let mut engine = match Engine::new(options.limits, host) {
        Ok(e) => e,
        Err(e) => return done(Err(e)),
    };
    let started = (|| -> Result<_, String> {
        if let Some(target) = &debug {
            let stop_tx = tx.clone();
            engine.attach(
                target,
                Box::new(move || {
                    let _ = stop_tx.send(ToCoord::Stopping { rt });
                }),
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
        Ok(promise)
    })();
    let promise = match started {
        Ok(p) => p,
        Err(e) => return done(Err(e)),
    };
    let status = |engine: &mut Engine, stall_handled: bool| -> Result<Status, String> {
        let next_event: f64 = engine.call("nextEvent", ())?;
        let timer: Option<Vec<f64>> = engine.call("timerKey", ())?;
        let settled = if main { engine.settled(&promise)? } else { None };
        let report = if settled.is_some() { Some(engine.report()?) } else { None };
        Ok(Status {
            next_event,
            timer: timer.map(|t| (t[0], t[1])),
            settled,
            report,
            job_interrupted: std::mem::take(&mut engine.job_interrupted),
            stall_handled,
        })
    };
    done(status(&mut engine, false));
    while let Ok(command) = commands.recv() {
        if matches!(command, Command::Finish) {
            break;
        }
        let mut handled = false;
        let r = || -> Result<(), String> {
            match command {
                Command::Receive(texts) => {
                    engine.arm();
                    for text in texts {
                        engine.call::<_, ()>("receive", (text,))?;
                    }
                }
                Command::Deliver => {
                    engine.deliver()?;
                }
                Command::Timer => engine.run_timer()?,
                Command::FailStalled(msg) => {
                    engine.arm();
                    handled = engine.call("failStalled", (msg,))?;
                }
                Command::Finish => unreachable!(),
            }
            engine.settle_turn()
        };
        let r = r();
        done(r.and_then(|()| status(&mut engine, handled)));
    }
    drop(promise);
    if options.skip_teardown {
        engine.leak();
    }
}

struct Slot {
    commands: mpsc::Sender<Command>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// A command is out (no `Done` yet).
    busy: bool,
    /// Stopped in the debugger while busy: the others go on.
    stopped: bool,
    status: Status,
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
    let mut slots: Vec<Slot> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let spawn = |slots: &mut Vec<Slot>, key: String| -> Result<usize, String> {
        let rt = slots.len();
        let (ctx_tx, ctx_rx) = mpsc::channel();
        let start = Start {
            rt,
            key: key.clone(),
            project: project.clone(),
            tests: tests.to_vec(),
            state: state.clone(),
            options: RunOptions { debugger: None, ..options.clone() },
            debug: debug.clone(),
            clock: clock.clone(),
            shared: shared.clone(),
            tx: tx.clone(),
        };
        let name = if key.is_empty() { "dols main".to_string() } else { format!("dols {key}") };
        let thread = std::thread::Builder::new()
            .name(name)
            .stack_size(8 << 20)
            .spawn(move || runtime_thread(start, ctx_rx))
            .map_err(|e| format!("cannot start a thread: {e}"))?;
        slots.push(Slot {
            commands: ctx_tx,
            thread: Some(thread),
            busy: true,
            stopped: false,
            status: Status { next_event: -1.0, ..Status::default() },
        });
        Ok(rt)
    };
    by_key.insert(String::new(), spawn(&mut slots, String::new())?);
    let mut mail: VecDeque<(String, String)> = VecDeque::new();
    let mut job_interrupted = false;
    let started = Instant::now();
    let cpu_ms = options.limits.cpu_time.as_millis();

    // Handles one message from the runtimes' threads.
    let handle = |m: ToCoord,
                      slots: &mut Vec<Slot>,
                      mail: &mut VecDeque<(String, String)>,
                      job_interrupted: &mut bool|
     -> Result<(), String> {
        match m {
            ToCoord::Print(stream, text) => out.print(stream, &text),
            ToCoord::Post { to, text } => mail.push_back((to, text)),
            ToCoord::Stopping { rt } => slots[rt].stopped = true,
            ToCoord::Done { rt, status } => {
                let s = &mut slots[rt];
                s.busy = false;
                s.stopped = false;
                s.status = status?;
                *job_interrupted |= s.status.job_interrupted;
            }
        }
        Ok(())
    };
    let recv = |rx: &mpsc::Receiver<ToCoord>| {
        rx.recv()
            .map_err(|_| "a runtime's thread ended unexpectedly".to_string())
    };
    let result = (|| -> Result<(), String> {
        loop {
            // One runtime at a time runs (unless stopped in the debugger).
            while slots.iter().any(|s| s.busy && !s.stopped) {
                let m = recv(&rx)?;
                handle(m, &mut slots, &mut mail, &mut job_interrupted)?;
            }
            // Messages first, in the order they were sent, to runtimes that are free.
            let mut sent = false;
            for i in 0..mail.len() {
                let to = mail[i].0.clone();
                let rt = match by_key.get(&to) {
                    Some(&rt) => rt,
                    None => {
                        let rt = spawn(&mut slots, to.clone())?;
                        by_key.insert(to, rt);
                        sent = true;
                        break;
                    }
                };
                if slots[rt].busy {
                    continue;
                }
                // This one and the ones after it for the same runtime that follow at once.
                let mut batch = vec![mail.remove(i).expect("index in range").1];
                while mail.get(i).is_some_and(|(t, _)| by_key.get(t) == Some(&rt)) {
                    batch.push(mail.remove(i).expect("index in range").1);
                }
                slots[rt].busy = true;
                let _ = slots[rt].commands.send(Command::Receive(batch));
                sent = true;
                break;
            }
            if sent {
                continue;
            }
            if let Some(r) = &slots[0].status.settled {
                return r.clone();
            }
            // The next event, in the order events were sent.
            let free = || slots.iter().enumerate().filter(|(_, s)| !s.busy);
            if let Some((rt, _)) = free()
                .filter(|(_, s)| s.status.next_event >= 0.0)
                .min_by(|a, b| a.1.status.next_event.total_cmp(&b.1.status.next_event))
            {
                slots[rt].busy = true;
                let _ = slots[rt].commands.send(Command::Deliver);
                continue;
            }
            // Else the earliest timer.
            if let Some((rt, (at, _))) = free()
                .filter_map(|(rt, s)| s.status.timer.map(|t| (rt, t)))
                .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.total_cmp(&b.1.1)))
            {
                match &clock {
                    Some(c) => {
                        if at > c.get() {
                            c.set(at);
                        }
                    }
                    None => {
                        let delay = at - now_ms();
                        if delay > 0.0 {
                            // A stopped runtime may go on meanwhile.
                            match rx.recv_timeout(Duration::from_secs_f64(delay / 1000.0)) {
                                Ok(m) => {
                                    handle(m, &mut slots, &mut mail, &mut job_interrupted)?;
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
                slots[rt].busy = true;
                let _ = slots[rt].commands.send(Command::Timer);
                continue;
            }
            // Nothing can run now; a runtime stopped in the debugger may go on later.
            if slots.iter().any(|s| s.busy) {
                let m = recv(&rx)?;
                handle(m, &mut slots, &mut mail, &mut job_interrupted)?;
                continue;
            }
            // The running test waits for a promise that never settles: fail it, go on.
            let msg = Engine::stall_message(std::mem::take(&mut job_interrupted), cpu_ms);
            slots[0].busy = true;
            let _ = slots[0].commands.send(Command::FailStalled(msg.clone()));
            while slots[0].busy {
                let m = recv(&rx)?;
                handle(m, &mut slots, &mut mail, &mut job_interrupted)?;
            }
            if !slots[0].status.stall_handled {
                return Err(format!(
                    "the tests stopped making progress after {} ms: {msg}",
                    started.elapsed().as_millis()
                ));
            }
        }
    })();
    for s in &mut slots {
        let _ = s.commands.send(Command::Finish);
    }
    // What the runtimes print while they finish.
    drop(tx);
    for s in &mut slots {
        if let Some(t) = s.thread.take() {
            let _ = t.join();
        }
    }
    while let Ok(m) = rx.try_recv() {
        if let ToCoord::Print(stream, text) = m {
            out.print(stream, &text);
        }
    }
    result?;
    let report = slots[0].status.report.unwrap_or(TestReport { passed: 0, failed: 0 });
    out.print(1, &format!("{} passed, {} failed", report.passed, report.failed));
    Ok(report)
}
