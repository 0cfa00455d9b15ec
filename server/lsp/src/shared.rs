//! State shared by the ordered notification path, request handlers and background tasks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tower_lsp_server::Client;

use crate::diagnostics::DiagnosticsQueue;
use crate::log;
use crate::metrics::{MethodStats, Metrics};
use crate::world::{Touched, World};

/// A handler slower than this is logged as a warning.
pub const SLOW: Duration = Duration::from_millis(100);

pub struct Shared {
    world: Mutex<Arc<World>>,
    /// Set once `initialize` has been answered; notifications before that are dropped.
    pub initialized: AtomicBool,
    /// Set when the client asked for `shutdown`.
    pub shutdown: AtomicBool,
    metrics: Mutex<Metrics>,
    pub diagnostics: DiagnosticsQueue,
    pub client: Client,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock is caught and logged elsewhere; the data stays usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(client: Client) -> Self {
        Self {
            world: Mutex::new(Arc::new(World::default())),
            initialized: AtomicBool::new(false),
            shutdown: AtomicBool::new(false),
            metrics: Mutex::new(Metrics::default()),
            diagnostics: DiagnosticsQueue::default(),
            client,
        }
    }

    pub fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::SeqCst)
    }

    /// The current world. Cheap: a reference count.
    pub fn snapshot(&self) -> Arc<World> {
        lock(&self.world).clone()
    }

    /// Changes the world. Only the ordered notification path (and `initialize`, before any
    /// notification is accepted) calls this, so changes never interleave.
    pub fn update<R>(&self, f: impl FnOnce(&mut World) -> R) -> (R, Arc<World>) {
        let mut guard = lock(&self.world);
        let world = Arc::make_mut(&mut guard);
        world.revision += 1;
        let r = f(world);
        (r, guard.clone())
    }

    /// Applies a change and schedules diagnostics for everything it may have affected.
    pub fn change(&self, f: impl FnOnce(&mut World) -> Option<Touched>) {
        let (touched, world) = self.update(f);
        if let Some(touched) = touched {
            let affected = world.affected(&touched);
            self.diagnostics.schedule(affected, world);
        }
    }

    pub fn record(&self, method: &str, took: Duration) {
        lock(&self.metrics).record(method, took);
        if took > SLOW {
            log::warning!("{method} took {:.1} ms", took.as_secs_f64() * 1000.0);
        } else {
            log::trace!("{method} took {:.3} ms", took.as_secs_f64() * 1000.0);
        }
    }

    pub fn stats(&self) -> Vec<MethodStats> {
        lock(&self.metrics).stats()
    }
}
