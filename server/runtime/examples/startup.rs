//! Cold start of a whole `dols test` process against a whole `workerd test` process on the same
//! project, alternating the two run by run so both see the same machine load:
//! `cargo run --release -p dols-runtime --example startup -- PROJECT_DIR [ROUNDS]`.
//! The `dols` binary is `DOLS_BIN` (default: `target/release/dols` next to this example);
//! workerd is `DOLS_WORKERD` or the pinned one in `tests/conformance/workerd`. Prints the
//! median and minimum wall time and the largest maximum RSS of each.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use dols_runtime::Project;

/// Wall time and maximum RSS (KiB) of one run of `cmd`.
fn measure(cmd: &mut Command) -> (Duration, i64) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; the pointers are valid.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(r, pid, "wait4");
    drop(child);
    (wall, usage.ru_maxrss)
}

fn summary(name: &str, runs: &mut [(Duration, i64)]) {
    runs.sort();
    let median = runs[runs.len() / 2].0;
    let min = runs[0].0;
    let rss = runs.iter().map(|r| r.1).max().unwrap_or(0);
    println!(
        "{name}: median {:.1} ms, min {:.1} ms, max RSS {:.1} MB ({} runs)",
        median.as_secs_f64() * 1000.0,
        min.as_secs_f64() * 1000.0,
        rss as f64 / 1024.0,
        runs.len()
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: startup PROJECT_DIR [ROUNDS]");
        return ExitCode::from(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dols = std::env::var_os("DOLS_BIN").map(PathBuf::from).unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|e| Some(e.parent()?.parent()?.join("dols")))
            .unwrap_or_else(|| PathBuf::from("dols"))
    });
    let workerd = std::env::var_os("DOLS_WORKERD").map(PathBuf::from).unwrap_or_else(|| {
        here.join("../../tests/conformance/workerd/node_modules/.bin/workerd")
    });
    let project = Project::load(Path::new(dir)).expect("the project loads");
    let tmp = std::env::temp_dir().join(format!("dols-startup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("state")).expect("temp dir");
    let (capnp, modules) =
        dols_runtime::workerd::workerd_config(&project, &tmp.join("state")).expect("config");
    std::fs::write(tmp.join("config.capnp"), capnp).expect("config");
    for m in modules {
        let p = tmp.join(&m.name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, m.text).expect("module");
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours.push(measure(
            Command::new(&dols)
                .arg("test")
                .arg("--in-memory")
                .arg(&project.root),
        ));
        theirs.push(measure(
            Command::new(&workerd)
                .arg("test")
                .arg("config.capnp")
                .current_dir(&tmp),
        ));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    summary("dols test --in-memory", &mut ours);
    summary("workerd test", &mut theirs);
    let (a, b) = (ours[ours.len() / 2].0, theirs[theirs.len() / 2].0);
    println!(
        "median ratio: workerd / dols = {:.1}",
        b.as_secs_f64() / a.as_secs_f64()
    );
    ExitCode::SUCCESS
}
