//! In-process phase timings: the same generated project loaded straight into
//! `dols_analysis::Analysis`, with no protocol around it, so that the report says where the
//! edit → diagnostics time goes (applying the edit, then each diagnostics pass).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dols_analysis::{Analysis, LineCol, Pass, TextEdit, TextRange};

use crate::project::Project;
use crate::report::{fmt_ms, percentile};

pub struct Phases {
    /// Loading the project: parse, file models, project model.
    pub load: Duration,
    /// Each pass over `src/index.ts` on first use (cold caches), then again unchanged.
    pub cold: Vec<(Pass, Duration, Duration)>,
    /// A full check from nothing (load, then every pass), and the same without the lints:
    /// medians of [`FULL_RUNS`] runs each, taken in turns.
    pub full_check: Duration,
    pub full_check_without_lints: Duration,
    /// Per keystroke inside one SQL string: applying the edit.
    pub apply: Vec<Duration>,
    /// Per keystroke: each pass after the edit.
    pub passes: Vec<(Pass, Vec<Duration>)>,
    /// Per keystroke: the edit and every pass.
    pub total: Vec<Duration>,
    pub diagnostics: usize,
    /// Completion inside the SQL string (the place the LSP benchmark asks at).
    pub sql_completion: Vec<Duration>,
}

/// How many times each full check is run (the median is reported).
const FULL_RUNS: usize = 15;

pub fn run(proj: &Project, iterations: usize, warmup: usize) -> Phases {
    // Paths only name the files: the analysis does no I/O.
    let root = PathBuf::from("/bench");
    let index = root.join("src/index.ts");
    let mut a = Analysis::new();
    let t = Instant::now();
    a.set_files([
        (root.join("wrangler.jsonc"), proj.wrangler_jsonc.clone()),
        (index.clone(), proj.index_ts.clone()),
    ]);
    let load = t.elapsed();
    let cold = Pass::ALL
        .iter()
        .map(|p| {
            let first = time(|| a.pass_diagnostics(&index, *p)).0;
            let again = time(|| a.pass_diagnostics(&index, *p)).0;
            (*p, first, again)
        })
        .collect();

    let full = |with_lints: bool| {
        let root = PathBuf::from("/bench-full");
        let index = root.join("src/index.ts");
        let t = Instant::now();
        let mut a = Analysis::new();
        a.set_files([(root.join("wrangler.jsonc"), proj.wrangler_jsonc.clone()), (index.clone(), proj.index_ts.clone())]);
        for p in Pass::ALL.iter().filter(|p| with_lints || **p != Pass::Lints) {
            let _ = a.pass_diagnostics(&index, *p);
        }
        t.elapsed()
    };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..FULL_RUNS {
        with.push(full(true));
        without.push(full(false));
    }
    let (full_check, full_check_without_lints) = (median(with), median(without));

    let mut apply = Vec::new();
    let mut passes: Vec<(Pass, Vec<Duration>)> = Pass::ALL.iter().map(|p| (*p, Vec::new())).collect();
    let mut total = Vec::new();
    let mut diagnostics = 0;
    let mut n = iterations + warmup;
    n += n % 2;
    for i in 0..n {
        let at = offset(&a, &index, proj.sql_edit.line, proj.sql_edit.col);
        let edit = if i % 2 == 0 {
            TextEdit { range: TextRange::new(at, at), new_text: " ".into() }
        } else {
            TextEdit { range: TextRange::new(at, at + 1), new_text: String::new() }
        };
        let (d_apply, ok) = time(|| a.apply_edits(&index, &[edit]));
        assert!(ok, "the benchmark edit was refused");
        let mut sum = d_apply;
        let mut per = Vec::new();
        diagnostics = 0;
        for p in Pass::ALL {
            let (d, found) = time(|| a.pass_diagnostics(&index, p));
            diagnostics += found.len();
            sum += d;
            per.push(d);
        }
        if i >= warmup && apply.len() < iterations {
            apply.push(d_apply);
            for ((_, samples), d) in passes.iter_mut().zip(per) {
                samples.push(d);
            }
            total.push(sum);
        }
    }
    let at = offset(&a, &index, proj.sql_edit.line, proj.sql_edit.col + 1);
    let sql_completion = (0..iterations + warmup)
        .map(|_| time(|| a.completion(&index, at).len()).0)
        .skip(warmup)
        .collect();
    Phases { load, cold, full_check, full_check_without_lints, apply, passes, total, diagnostics, sql_completion }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let v = f();
    (t.elapsed(), v)
}

fn offset(a: &Analysis, path: &Path, line: usize, col: usize) -> usize {
    let file = a.file(path).expect("the benchmark file is loaded");
    file.line_index().offset(file.text(), LineCol { line: line as u32, col: col as u32 }, dols_analysis::Encoding::Utf8)
}

pub fn markdown(w: &mut String, ph: &Phases) {
    let _ = writeln!(w, "\n### In process: where the time goes\n");
    let _ = writeln!(
        w,
        "The same project loaded straight into the analysis library (no protocol), on \
         the same keystroke inside one SQL string. Loading it (parse, file and project models) took \
         {} ms.\n",
        fmt_ms(ms(ph.load))
    );
    let _ = writeln!(
        w,
        "A full check of the file from nothing (parse, models, every pass) took {} ms; without the \
         lints {} ms: the lints add {} ms (medians of {FULL_RUNS} runs each; the analysis uses {} \
         threads for a file's first run).\n",
        fmt_ms(ms(ph.full_check)),
        fmt_ms(ms(ph.full_check_without_lints)),
        fmt_ms(ms(ph.full_check) - ms(ph.full_check_without_lints)),
        dols_analysis::analysis_threads()
    );
    let _ = writeln!(w, "| Pass over `src/index.ts` | first run ms | unchanged file ms |");
    let _ = writeln!(w, "| --- | ---: | ---: |");
    for (p, first, again) in &ph.cold {
        let _ = writeln!(w, "| {} | {} | {} |", p.name(), fmt_ms(ms(*first)), fmt_ms(ms(*again)));
    }
    let _ = writeln!(w, "\n| Per keystroke | Samples | p50 ms | p99 ms |");
    let _ = writeln!(w, "| --- | ---: | ---: | ---: |");
    let mut row = |name: &str, s: &[Duration]| {
        let mut s = s.to_vec();
        s.sort();
        let _ = writeln!(
            w,
            "| {name} | {} | {} | {} |",
            s.len(),
            fmt_ms(ms(percentile(&s, 50.0))),
            fmt_ms(ms(percentile(&s, 99.0)))
        );
    };
    row("apply the edit (reparse, models)", &ph.apply);
    for (p, s) in &ph.passes {
        row(&format!("{} pass", p.name()), s);
    }
    row("edit and every pass", &ph.total);
    row("completion inside SQL (no edit)", &ph.sql_completion);
    let _ = writeln!(w, "\n- The file had {} diagnostics after the last edit.", ph.diagnostics);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
