//! The Markdown report.

use std::fmt::Write as _;
use std::fs;
use std::time::Duration;

use crate::Options;
use crate::bench::{DiagMatch, RunResult, ms};
use crate::project::{Project, TABLES};

/// Nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn p50_p99(samples: &[Duration]) -> (f64, f64) {
    let mut s = samples.to_vec();
    s.sort();
    (ms(percentile(&s, 50.0)), ms(percentile(&s, 99.0)))
}

pub fn markdown(
    opts: &Options,
    proj: &Project,
    types_installed: bool,
    results: &[RunResult],
    elapsed: Duration,
) -> String {
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "### Setup\n");
    let _ = writeln!(
        w,
        "- Project: generated `src/index.ts` of {} lines: class `Big` with {} methods over {} SQLite tables, \
         plus `wrangler.jsonc` and `tsconfig.json`{}.",
        thousands(proj.lines),
        thousands(proj.methods),
        TABLES,
        if types_installed {
            " (with `@cloudflare/workers-types` in `node_modules`)"
        } else {
            " (without `@cloudflare/workers-types`)"
        }
    );
    let _ = writeln!(
        w,
        "- Samples: {} timed iterations per metric, after {} untimed warm-up iterations.",
        opts.iterations, opts.warmup
    );
    let _ = writeln!(w, "- Machine: {}.", machine());
    let _ = writeln!(w, "- Command: `{}`", opts.command_line);
    let _ = writeln!(w, "- Wall time of the run: {:.0} s.", elapsed.as_secs_f64());

    for r in results {
        let title = match &r.server_info {
            Some(info) => format!("`{}` ({info})", r.command),
            None => format!("`{}`", r.command),
        };
        let _ = writeln!(w, "\n### {} — {title}\n", role_name(r));
        if let Some(e) = &r.error {
            let _ = writeln!(
                w,
                "**Not measured:** the benchmark could not run this server:\n"
            );
            let _ = writeln!(w, "```text\n{}\n```", e.trim_end());
            continue;
        }
        let _ = writeln!(w, "| Metric | Samples | p50 ms | p99 ms |");
        let _ = writeln!(w, "| --- | ---: | ---: | ---: |");
        for m in &r.metrics {
            match &m.samples {
                Ok(s) if !s.is_empty() => {
                    let (p50, p99) = p50_p99(s);
                    let _ = writeln!(
                        w,
                        "| {} | {} | {} | {} |",
                        m.name,
                        s.len(),
                        fmt_ms(p50),
                        fmt_ms(p99)
                    );
                }
                Ok(_) => {
                    let _ = writeln!(w, "| {} | 0 | — | — |", m.name);
                }
                Err(_) => {
                    let _ = writeln!(w, "| {} | failed (below) | — | — |", m.name);
                }
            }
        }
        let _ = writeln!(w);
        match r.diag_match {
            Some(DiagMatch::Version) => {
                let _ = writeln!(
                    w,
                    "- Diagnostics carry `version`: each edit was timed to the `publishDiagnostics` with its version."
                );
            }
            Some(DiagMatch::FirstAfter) => {
                let _ = writeln!(
                    w,
                    "- Diagnostics carry no `version`: each edit was timed to the first `publishDiagnostics` \
                     for the file after it."
                );
            }
            None => {}
        }
        for n in &r.notes {
            let _ = writeln!(w, "- {n}");
        }
        let _ = writeln!(
            w,
            "- Wall time for this server: {:.0} s.",
            r.wall.as_secs_f64()
        );
        for m in &r.metrics {
            if let Err(e) = &m.samples {
                let _ = writeln!(w, "\n{} failed:\n\n```text\n{}\n```", m.name, e.trim_end());
            }
        }
    }

    if let [a, b] = results
        && a.error.is_none()
        && b.error.is_none()
    {
        let _ = writeln!(w, "\n### Ratio\n");
        let _ = writeln!(
            w,
            "Peer time divided by server time: how many times faster `{}` is (below 1: slower).\n",
            a.command
        );
        let _ = writeln!(w, "| Metric | p50 | p99 |");
        let _ = writeln!(w, "| --- | ---: | ---: |");
        for m in &a.metrics {
            let Ok(sa) = &m.samples else { continue };
            let Some(Ok(sb)) = b
                .metrics
                .iter()
                .find(|x| x.name == m.name)
                .map(|x| &x.samples)
            else {
                continue;
            };
            if sa.is_empty() || sb.is_empty() {
                continue;
            }
            let (a50, a99) = p50_p99(sa);
            let (b50, b99) = p50_p99(sb);
            let _ = writeln!(
                w,
                "| {} | {} | {} |",
                m.name,
                ratio(b50, a50),
                ratio(b99, a99)
            );
        }
    }
    md
}

fn role_name(r: &RunResult) -> &'static str {
    match r.role {
        "peer" => "Peer",
        _ => "Server",
    }
}

fn ratio(peer: f64, server: f64) -> String {
    if server <= 0.0 {
        return "—".into();
    }
    let x = peer / server;
    if x >= 100.0 {
        format!("{x:.0}×")
    } else if x >= 10.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

pub fn fmt_ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// CPU model and core count from /proc/cpuinfo, plus the OS.
fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_owned())
        })
    };
    let model = field("model name")
        .or_else(|| field("Hardware"))
        .or_else(|| field("cpu model"))
        .unwrap_or_else(|| "unknown CPU".into());
    let logical = cpuinfo
        .lines()
        .filter(|l| l.split(':').next().map(str::trim) == Some("processor"))
        .count();
    let available = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cores = match (logical, available) {
        (0, a) => format!("{a} logical CPUs"),
        (l, a) if a == 0 || a == l => format!("{l} logical CPUs"),
        (l, a) => format!("{l} logical CPUs ({a} available to the benchmark)"),
    };
    let os = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|r| format!("Linux {}", r.trim()))
        .unwrap_or_else(|_| std::env::consts::OS.to_owned());
    format!("{model}, {cores}, {os}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let s: Vec<Duration> = (1..=200).map(Duration::from_millis).collect();
        assert_eq!(percentile(&s, 50.0), Duration::from_millis(100));
        assert_eq!(percentile(&s, 99.0), Duration::from_millis(198));
        assert_eq!(percentile(&s[..1], 99.0), Duration::from_millis(1));
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(10_003), "10,003");
        assert_eq!(thousands(999), "999");
        assert_eq!(ratio(50.0, 2.0), "25.0×");
    }
}
