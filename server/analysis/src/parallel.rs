//! A few worker threads kept for the analysis's parallel work: a file's first run cut into
//! runs of segments, the shadow databases of several classes.
//!
//! Starting a thread costs about a tenth of a millisecond here, and a pass does its parallel
//! work in two steps, so threads started per step cost about as much as they saved on a
//! medium file. The workers start on first use and then wait for work.

use std::collections::VecDeque;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send + 'static>;

struct Pool {
    queue: Mutex<VecDeque<Job>>,
    ready: Condvar,
}

impl Pool {
    fn take(&self) -> Option<Job> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
    }
}

/// The pool, with `threads() - 1` workers (the thread that asks is the last one); `None` when
/// the analysis runs on one thread or no thread could be started.
fn pool() -> Option<&'static Pool> {
    static POOL: OnceLock<Option<&'static Pool>> = OnceLock::new();
    *POOL.get_or_init(|| {
        let workers = crate::segments::configured_threads().saturating_sub(1);
        if workers == 0 {
            return None;
        }
        let pool: &'static Pool = Box::leak(Box::new(Pool { queue: Mutex::default(), ready: Condvar::new() }));
        let started = (0..workers)
            .filter(|i| {
                std::thread::Builder::new()
                    .name(format!("dols-analysis-{i}"))
                    .spawn(move || loop {
                        let job = {
                            let mut queue = pool.queue.lock().unwrap_or_else(|e| e.into_inner());
                            loop {
                                match queue.pop_front() {
                                    Some(job) => break job,
                                    None => queue = pool.ready.wait(queue).unwrap_or_else(|e| e.into_inner()),
                                }
                            }
                        };
                        job();
                    })
                    .is_ok()
            })
            .count();
        (started > 0).then_some(pool)
    })
}

/// Counts the jobs of one call still running.
struct Latch {
    left: Mutex<usize>,
    done: Condvar,
}

impl Latch {
    fn count_down(&self) {
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        *left -= 1;
        if *left == 0 {
            self.done.notify_all();
        }
    }

    fn wait(&self) {
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        while *left > 0 {
            left = self.done.wait(left).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// `f` applied to each item, the items shared among the workers and the calling thread; the
/// results in the items' order. A panic in `f` is raised again here, once every item is done.
pub(crate) fn in_parallel<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let pool = match pool() {
        Some(pool) if items.len() > 1 => pool,
        _ => return items.iter().map(f).collect(),
    };
    let slots: Vec<Mutex<Option<std::thread::Result<T>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let run = |k: usize| {
        let result = catch_unwind(AssertUnwindSafe(|| f(&items[k])));
        *slots[k].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    };
    let run = &run;
    let latch = Arc::new(Latch { left: Mutex::new(items.len() - 1), done: Condvar::new() });
    {
        let mut queue = pool.queue.lock().unwrap_or_else(|e| e.into_inner());
        for k in 1..items.len() {
            let latch = latch.clone();
            let job: Box<dyn FnOnce() + Send + '_> = Box::new(move || {
                run(k);
                latch.count_down();
            });
            // SAFETY: the job borrows `items`, `f` and `slots`, which outlive it: this function
            // does not return (nor unwind: `run` catches panics) before the latch says that
            // every job has finished, and a job touches nothing borrowed after counting down.
            let job: Job = unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + '_>, Job>(job) };
            queue.push_back(job);
        }
        pool.ready.notify_all();
    }
    run(0);
    // Jobs no worker has taken yet are run here rather than waited for (a worker may be slow
    // to wake, or busy with another request's work).
    while let Some(job) = pool.take() {
        job();
    }
    latch.wait();
    slots
        .into_iter()
        .map(|slot| match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(v)) => v,
            Some(Err(panic)) => resume_unwind(panic),
            None => unreachable!("every item ran before the latch opened"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::in_parallel;

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u64> = (0..50).collect();
        let got = in_parallel(&items, |n| {
            // Uneven work, so that items finish out of order.
            (0..(50 - n) * 1000).fold(*n, |a, b| a.wrapping_add(b % 3)) - (0..(50 - n) * 1000).map(|b| b % 3).sum::<u64>()
        });
        assert_eq!(got, items);
    }

    #[test]
    fn a_panic_in_one_item_reaches_the_caller_after_the_others_ran() {
        let items: Vec<usize> = (0..8).collect();
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            in_parallel(&items, |&k| {
                ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert!(k != 3, "item three fails");
                k
            })
        }));
        assert!(result.is_err());
        assert_eq!(ran.load(std::sync::atomic::Ordering::SeqCst), 8);
        // The pool still works afterwards.
        assert_eq!(in_parallel(&items, |&k| k * 2), (0..16).step_by(2).collect::<Vec<_>>());
    }

    #[test]
    fn calls_from_several_threads_at_once_each_get_their_own_results() {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..4u64)
                .map(|t| s.spawn(move || {
                    let items: Vec<u64> = (0..20).map(|i| i + t * 100).collect();
                    (0..20).all(|_| in_parallel(&items, |x| x + 1) == items.iter().map(|x| x + 1).collect::<Vec<_>>())
                }))
                .collect();
            assert!(handles.into_iter().all(|h| h.join().unwrap()));
        });
    }
}
