//! Sharing a file's class checks among the analysis's threads.
//!
//! Each class is checked on its own database: built from the class's DDL, then every query
//! not prepared before is prepared on it. With whole classes as jobs, three classes on two
//! threads take as long as two classes, and a file with one class uses one thread. So a
//! class with many queries to prepare may hand the tail of them to a job *apart*: one that
//! builds a second database from the same DDL, prepares its share there, and drops it. That
//! costs one more build, which is worth it only when the share is large enough.
//!
//! The plan is made from estimated costs, with jobs run in the order given, each by the
//! next free thread (see `crate::parallel::in_parallel`).

/// Estimated costs, in units of one prepared statement (measured: a connection opened and
/// set up costs about ten; each `CREATE TABLE` run, which also writes the schema table,
/// about five).
const BUILD_BASE: usize = 10;
const BUILD_PER_STATEMENT: usize = 5;
/// The fewest statements worth a database of their own.
const MIN_APART: usize = 16;

/// What checking one class asks for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClassWork {
    /// The class's database must be built (it has none, or one for other DDL).
    pub build: bool,
    /// Statements of its DDL.
    pub ddl: usize,
    /// Queries not prepared yet on its schema.
    pub pending: usize,
}

/// One job: a class on its own database (`apart == false`; there is exactly one per class),
/// or `pending` of the class's pending queries on a database built for the job. A class's
/// jobs apart take its pending queries from the end, in the order of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Job {
    pub class: usize,
    pub apart: bool,
    pub pending: usize,
}

fn build_cost(w: &ClassWork) -> usize {
    BUILD_BASE + BUILD_PER_STATEMENT * w.ddl
}

fn cost(work: &[ClassWork], j: &Job) -> usize {
    let w = &work[j.class];
    let build = if j.apart || w.build { build_cost(w) } else { 0 };
    build + j.pending
}

/// The jobs, in the order to run them (dearest first), for `threads` threads.
pub(crate) fn plan(work: &[ClassWork], threads: usize) -> Vec<Job> {
    let mut jobs: Vec<Job> = work.iter().enumerate().map(|(class, w)| Job { class, apart: false, pending: w.pending }).collect();
    order(work, &mut jobs);
    if threads < 2 {
        return jobs;
    }
    // Each round moves part of the largest share of the busiest thread to the least busy one,
    // and is kept only when the estimated time of the whole shrinks by a fifth at least.
    for _ in 0..4 * threads {
        let (loads, on) = schedule(work, &jobs, threads);
        let busiest = (0..threads).max_by_key(|&t| loads[t]).unwrap_or(0);
        let idlest = (0..threads).min_by_key(|&t| loads[t]).unwrap_or(0);
        let Some(&from) = on[busiest].iter().max_by_key(|&&j| jobs[j].pending) else { break };
        let gap = loads[busiest] - loads[idlest];
        let share = (gap.saturating_sub(build_cost(&work[jobs[from].class])) / 2).min(jobs[from].pending);
        if share < MIN_APART {
            break;
        }
        let mut next = jobs.clone();
        next[from].pending -= share;
        next.push(Job { class: jobs[from].class, apart: true, pending: share });
        order(work, &mut next);
        // Threads that run at once go slower than one alone (they share caches, memory, and
        // on small machines a core): a small estimated gain is no gain.
        if makespan(work, &next, threads) * 5 > makespan(work, &jobs, threads) * 4 {
            break;
        }
        jobs = next;
    }
    jobs
}

fn order(work: &[ClassWork], jobs: &mut [Job]) {
    jobs.sort_by_key(|j| (std::cmp::Reverse(cost(work, j)), j.class, j.apart));
}

/// Each thread's load and jobs when each job goes, in order, to the thread free first.
fn schedule(work: &[ClassWork], jobs: &[Job], threads: usize) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut loads = vec![0; threads];
    let mut on = vec![Vec::new(); threads];
    for (i, j) in jobs.iter().enumerate() {
        let t = (0..threads).min_by_key(|&t| loads[t]).unwrap_or(0);
        loads[t] += cost(work, j);
        on[t].push(i);
    }
    (loads, on)
}

fn makespan(work: &[ClassWork], jobs: &[Job], threads: usize) -> usize {
    schedule(work, jobs, threads).0.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{makespan, plan, ClassWork, Job};

    fn class(ddl: usize, pending: usize) -> ClassWork {
        ClassWork { build: true, ddl, pending }
    }

    /// Per class: the queries its own database keeps, then each share apart.
    fn shares(work: &[ClassWork], jobs: &[Job]) -> Vec<(usize, Vec<usize>)> {
        (0..work.len())
            .map(|c| {
                let own = jobs.iter().filter(|j| j.class == c && !j.apart).map(|j| j.pending).sum();
                let apart = jobs.iter().filter(|j| j.class == c && j.apart).map(|j| j.pending).collect();
                (own, apart)
            })
            .collect()
    }

    #[test]
    fn every_pending_query_is_in_exactly_one_job_and_each_class_keeps_its_own() {
        for (work, threads) in [
            (vec![class(10, 167), class(10, 167), class(10, 166)], 2),
            (vec![class(10, 500)], 2),
            (vec![class(3, 900)], 4),
            (vec![class(10, 5), class(40, 2000), class(0, 0)], 3),
        ] {
            let jobs = plan(&work, threads);
            for (c, w) in work.iter().enumerate() {
                assert_eq!(jobs.iter().filter(|j| j.class == c && !j.apart).count(), 1, "{work:?}");
                assert_eq!(jobs.iter().filter(|j| j.class == c).map(|j| j.pending).sum::<usize>(), w.pending, "{work:?}");
            }
        }
    }

    #[test]
    fn a_class_with_many_new_queries_is_shared_when_threads_would_idle() {
        // One class, two threads: the second takes part of the queries on a database of its
        // own.
        let one = [class(10, 500)];
        let jobs = plan(&one, 2);
        assert_eq!(shares(&one, &jobs), vec![(250, vec![250])]);
        assert!(makespan(&one, &jobs, 2) < makespan(&one, &[Job { class: 0, apart: false, pending: 500 }], 2));
        // Three like classes on two threads: sharing one would save less than a fifth.
        let three = [class(10, 167), class(10, 167), class(10, 166)];
        assert_eq!(shares(&three, &plan(&three, 2)), vec![(167, vec![]), (167, vec![]), (166, vec![])]);
        // One class far larger than the others is.
        let uneven = [class(10, 600), class(10, 100), class(10, 100)];
        assert_eq!(shares(&uneven, &plan(&uneven, 2)), vec![(460, vec![140]), (100, vec![]), (100, vec![])]);
    }

    #[test]
    fn small_or_already_built_work_is_not_cut() {
        // A keystroke's one new query, a small class, one thread, as many classes as threads.
        let built = [ClassWork { build: false, ddl: 10, pending: 1 }];
        assert_eq!(plan(&built, 2), vec![Job { class: 0, apart: false, pending: 1 }]);
        let small = [class(10, 20)];
        assert_eq!(plan(&small, 2), vec![Job { class: 0, apart: false, pending: 20 }]);
        assert_eq!(plan(&[class(10, 500)], 1).len(), 1);
        let two = [class(10, 200), class(10, 200)];
        assert_eq!(shares(&two, &plan(&two, 2)), vec![(200, vec![]), (200, vec![])]);
    }
}
