//! A whole `dols test` process against a whole `workerd test` process on the same project,
//! alternating the two run by run so both see the same machine load:
//! `cargo run --release -p dols-runtime --example startup -- PROJECT_DIR [ROUNDS] [--on-disk]`.
//! `dols test` runs `--in-memory`, or with `--on-disk` on SQLite files in one directory kept
//! across the rounds, as `.dols/state` is (workerd always stores on disk). The projects of
//! `docs/performance.md` are in `examples/projects/`: `one-test` (cold start) and `rpc-10k`
//! (10,000 sequential RPC calls).
//! The `dols` binary is `DOLS_BIN` (default: `target/release/dols` next to this example); several,
//! separated by commas (`DOLS_BIN=old/dols,new/dols`), run one after the other in each round, so
//! that builds compare within one series. Each is copied into a temporary directory first, so
//! that binaries written at different times are read through the page cache alike (a binary
//! written long ago may sit there in smaller pieces, which makes faulting its code in slower).
//! workerd is `DOLS_WORKERD` or the pinned one in `tests/conformance/workerd`. Prints, for each,
//! the median and minimum wall time, the median CPU time (user + system, all threads; less
//! sensitive to other load on the machine than wall time) and the largest maximum RSS, then
//! the load average.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use dols_runtime::Project;

/// One run: wall time, CPU time (user + system) and maximum RSS in KiB.
type Run = (Duration, Duration, i64);

fn cpu(t: libc::timeval) -> Duration {
    Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000)
}

/// Runs `cmd` once and measures it.
fn measure(cmd: &mut Command) -> Run {
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
    (
        wall,
        cpu(usage.ru_utime) + cpu(usage.ru_stime),
        usage.ru_maxrss,
    )
}

fn summary(name: &str, runs: &[Run]) -> (Duration, Duration) {
    let mut wall: Vec<Duration> = runs.iter().map(|r| r.0).collect();
    let mut cpu: Vec<Duration> = runs.iter().map(|r| r.1).collect();
    wall.sort();
    cpu.sort();
    let rss = runs.iter().map(|r| r.2).max().unwrap_or(0);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: wall median {:.1} ms (min {:.1} ms), CPU median {:.1} ms, max RSS {:.1} MB ({} runs)",
        ms(wall[wall.len() / 2]),
        ms(wall[0]),
        ms(cpu[cpu.len() / 2]),
        rss as f64 / 1024.0,
        runs.len()
    );
    (wall[wall.len() / 2], cpu[cpu.len() / 2])
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: startup PROJECT_DIR [ROUNDS] [--on-disk]");
        return ExitCode::from(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let on_disk = args.iter().any(|a| a == "--on-disk");
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dols: Vec<PathBuf> = match std::env::var("DOLS_BIN") {
        Ok(list) => list.split(',').map(PathBuf::from).collect(),
        Err(_) => vec![std::env::current_exe()
            .ok()
            .and_then(|e| Some(e.parent()?.parent()?.join("dols")))
            .unwrap_or_else(|| PathBuf::from("dols"))],
    };
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
    let copies: Vec<PathBuf> = dols
        .iter()
        .enumerate()
        .map(|(i, bin)| {
            let copy = tmp.join(format!("dols-{i}"));
            std::fs::copy(bin, &copy).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
            copy
        })
        .collect();
    let (mut ours, mut theirs) = (vec![Vec::new(); copies.len()], Vec::new());
    for _ in 0..rounds {
        for (i, bin) in copies.iter().enumerate() {
            let mut cmd = Command::new(bin);
            cmd.arg("test").arg(&project.root);
            if on_disk {
                cmd.arg("--persist-to").arg(tmp.join(format!("dols-state-{i}")));
            } else {
                cmd.arg("--in-memory");
            }
            ours[i].push(measure(&mut cmd));
        }
        theirs.push(measure(
            Command::new(&workerd)
                .arg("test")
                .arg("config.capnp")
                .current_dir(&tmp),
        ));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    let mode = if on_disk { "(on disk)" } else { "--in-memory" };
    let measured: Vec<_> = ours
        .iter()
        .zip(&dols)
        .map(|(runs, bin)| {
            let name = if dols.len() == 1 {
                format!("dols test {mode}")
            } else {
                format!("{} test {mode}", bin.display())
            };
            summary(&name, runs)
        })
        .collect();
    let (b_wall, b_cpu) = summary("workerd test", &theirs);
    for ((a_wall, a_cpu), bin) in measured.iter().zip(&dols) {
        let name = if dols.len() == 1 { "dols".to_string() } else { bin.display().to_string() };
        println!(
            "workerd / {name}: wall {:.1}x, CPU {:.1}x",
            b_wall.as_secs_f64() / a_wall.as_secs_f64(),
            b_cpu.as_secs_f64() / a_cpu.as_secs_f64()
        );
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average: {}", load.join(" "));
    }
    ExitCode::SUCCESS
}
