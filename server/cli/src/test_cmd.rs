//! `dols test [DIR] [--test FILE]... [--in-memory] [--persist-to DIR] [--fake-time]
//! [--object-threads] [--allow-fetch HOST[,HOST]...]...`: runs the project's test exports on
//! the embedded runtime (see `docs/runtime.md`). Outbound `fetch` reaches only the hosts
//! allowed by `--allow-fetch` and by `allow_fetch` in the `[test]` section of `dols.toml`.

use std::path::PathBuf;
use std::process::ExitCode;

use dols_runtime::{Output, Project, RunOptions, StateLocation, parse_host_list, run_tests_with};

pub fn run(args: &[String]) -> ExitCode {
    // workerd runs in UTC, so the local-time `Date` methods (`getHours()`, `toLocaleString()`,
    // ...) of the code under test do here too. This is the command's first step: no other
    // thread exists yet, and QuickJS has not read the time zone.
    // SAFETY: the process is single-threaded at this point.
    unsafe { std::env::set_var("TZ", "UTC") };
    let mut dir: Option<PathBuf> = None;
    let mut tests = Vec::new();
    let mut in_memory = false;
    let mut persist_to: Option<PathBuf> = None;
    let mut options = RunOptions {
        skip_teardown: true,
        ..RunOptions::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--test" => match it.next() {
                Some(f) => tests.push(PathBuf::from(f)),
                None => return usage("--test needs a FILE"),
            },
            "--in-memory" => in_memory = true,
            "--fake-time" => options.fake_time = true,
            "--object-threads" => options.object_threads = true,
            "--allow-fetch" => match it.next().map(|h| parse_host_list(h)) {
                Some(Ok(hosts)) if !hosts.is_empty() => options.allow_fetch.extend(hosts),
                Some(Err(e)) => return usage(&format!("--allow-fetch: {e}")),
                _ => return usage("--allow-fetch needs a HOST (or HOST,HOST...; `*` for every host)"),
            },
            "--persist-to" => match it.next() {
                Some(d) => persist_to = Some(PathBuf::from(d)),
                None => return usage("--persist-to needs a DIR"),
            },
            s if s.starts_with("--") => return usage(&format!("unknown option `{s}`")),
            s => {
                if dir.is_some() {
                    return usage("only one project DIR");
                }
                dir = Some(PathBuf::from(s));
            }
        }
    }
    if in_memory && persist_to.is_some() {
        return usage("--in-memory and --persist-to exclude each other");
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let project = match Project::load(&dir) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dols test: {e}");
            return ExitCode::from(2);
        }
    };
    let mut test_files = Vec::new();
    for t in tests {
        match std::fs::canonicalize(&t) {
            Ok(p) => test_files.push(p),
            Err(e) => {
                eprintln!("dols test: {}: {e}", t.display());
                return ExitCode::from(2);
            }
        }
    }
    let state = if in_memory {
        StateLocation::Memory
    } else {
        StateLocation::Dir(persist_to.unwrap_or_else(|| project.root.join(".dols").join("state")))
    };
    match run_tests_with(&project, &test_files, state, Output::Std, &options) {
        Ok(r) if r.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("dols test: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!(
        "dols test: {msg}\nusage: dols test [DIR] [--test FILE]... [--in-memory | --persist-to DIR] [--fake-time] [--object-threads] [--allow-fetch HOST[,HOST]...]..."
    );
    ExitCode::from(2)
}
