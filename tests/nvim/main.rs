//! End-to-end test of `dols lsp` as Neovim uses it.
//!
//! Each test copies an example project from `docs/examples/` into a fresh temporary
//! directory, breaks one line of its wrangler config, and runs a headless Neovim on
//! `tests/nvim/e2e.lua`. The script starts `dols lsp` with `vim.lsp.start_client`, asks for
//! completion after `this.ctx.storage.` typed inside a Durable Object method, opens the
//! broken config, and writes what it saw to a JSON file that the test then checks.
//!
//! Needs `nvim` on PATH (0.7 or later; Debian: `apt-get install neovim`). Without it the
//! tests print why and pass, except under `CI=true`, where they fail.
//!
//! Run the tests:
//!
//! ```text
//! cargo test -p dols --test nvim -- --nocapture
//! ```
//!
//! Run the script by hand against any project (it edits buffers only, never files):
//!
//! ```text
//! cargo build -p dols
//! DOLS_BIN="${CARGO_TARGET_DIR:-target}/debug/dols" DOLS_E2E_PROJECT=docs/examples/counter \
//! DOLS_E2E_OUT=result.json nvim --headless --clean -u NONE -S tests/nvim/e2e.lua
//! echo "exit $?"; cat result.json
//! ```
//!
//! The script documents its other variables (`DOLS_E2E_ANCHOR`, `DOLS_E2E_TIMEOUT_MS`). With
//! an unbroken config the diagnostics wait times out, which the result reports as its
//! `error`. When a test fails it keeps its temporary directory and prints the path: it holds
//! the project, the result, Neovim's output and Neovim's `lsp.log` (with the server's stderr).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long one Neovim run may take before it is killed.
const NVIM_TIMEOUT: Duration = Duration::from_secs(60);

/// Completion labels that must be offered after `this.ctx.storage.`.
const STORAGE_MEMBERS: [&str; 6] = ["sql", "kv", "get", "put", "setAlarm", "transactionSync"];

#[test]
fn counter_project_jsonc_config() {
    run_case(Case {
        example: "counter",
        config: "wrangler.jsonc",
        anchor: "reset(): number {",
        // Drop the colon after a key: `"main" "src/index.ts",`.
        break_line: ("\"main\":", "\"main\""),
    });
}

#[test]
fn booking_project_toml_config() {
    run_case(Case {
        example: "booking",
        config: "wrangler.toml",
        anchor: "listSlots(): Slot[] {",
        // Drop the equals sign after a key: `main "src/index.ts"`.
        break_line: ("main = ", "main "),
    });
}

struct Case {
    /// Directory under `docs/examples/`.
    example: &'static str,
    /// The wrangler config file of that example.
    config: &'static str,
    /// Text of the method line after which the script types `this.ctx.storage.`.
    anchor: &'static str,
    /// `(from, to)`: the first line starting with `from` (after indentation) has `from`
    /// replaced by `to`, which must be a syntax error on that line.
    break_line: (&'static str, &'static str),
}

fn run_case(case: Case) {
    let Some(nvim_version) = nvim_version() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("`nvim` is not on PATH, and CI=true: install Neovim (apt-get install neovim)");
        }
        eprintln!("skipping the Neovim end-to-end test: `nvim` is not on PATH");
        return;
    };
    eprintln!("using {nvim_version}");

    let repo = repo_root();
    let script = repo.join("tests/nvim/e2e.lua");
    assert!(script.is_file(), "missing {}", script.display());

    let scratch = Scratch::new(case.example);
    let project = scratch.path.join("project");
    copy_dir(&repo.join("docs/examples").join(case.example), &project)
        .unwrap_or_else(|e| panic!("copying the {} example: {e}", case.example));
    let broken_line = break_config(&project.join(case.config), case.break_line);
    let out = scratch.path.join("result.json");

    // Neovim keeps its cache, state and data (lsp.log among them) inside the scratch dir.
    let mut cmd = Command::new("nvim");
    cmd.args(["--headless", "--clean", "-u", "NONE", "-S"])
        .arg(&script)
        .current_dir(&project)
        .env("DOLS_BIN", env!("CARGO_BIN_EXE_dols"))
        .env("DOLS_E2E_PROJECT", &project)
        .env("DOLS_E2E_OUT", &out)
        .env("DOLS_E2E_ANCHOR", case.anchor)
        .env("DOLS_E2E_TIMEOUT_MS", "15000")
        .env("DOLS_LOG", "debug")
        .env("XDG_CONFIG_HOME", scratch.path.join("xdg/config"))
        .env("XDG_CACHE_HOME", scratch.path.join("xdg/cache"))
        .env("XDG_STATE_HOME", scratch.path.join("xdg/state"))
        .env("XDG_DATA_HOME", scratch.path.join("xdg/data"))
        .stdin(Stdio::null())
        .stdout(file(&scratch.path.join("nvim.stdout")))
        .stderr(file(&scratch.path.join("nvim.stderr")));
    let status = run_with_timeout(cmd, NVIM_TIMEOUT, &scratch);

    let report = || scratch.report();
    let text = fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!("Neovim ({status}) wrote no result to {}: {e}\n{}", out.display(), report())
    });
    let result: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the result is not JSON ({e}): {text}\n{}", report()));
    if !result["error"].is_null() {
        panic!("the Neovim script failed: {}\nresult: {text}\n{}", result["error"], report());
    }
    assert!(status.success(), "Neovim exited with {status} but reported no error\n{}", report());

    let labels: Vec<&str> = result["completion"]
        .as_array()
        .unwrap_or_else(|| panic!("`completion` is not a list: {text}"))
        .iter()
        .map(|l| l.as_str().unwrap_or_else(|| panic!("a completion label is not a string: {l}")))
        .collect();
    let missing: Vec<&str> =
        STORAGE_MEMBERS.iter().copied().filter(|m| !labels.contains(m)).collect();
    assert!(
        missing.is_empty(),
        "completion after `this.ctx.storage.` lacks {missing:?}; offered: {labels:?}\n{}",
        report()
    );

    let diagnostics = result["config_diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("`config_diagnostics` is not a list: {text}"));
    let on_broken_line = diagnostics
        .iter()
        .any(|d| d["code"] == "config-syntax" && d["lnum"].as_u64() == Some(broken_line as u64));
    assert!(
        on_broken_line,
        "expected a `config-syntax` diagnostic on line {} of {}; got {}\n{}",
        broken_line + 1,
        case.config,
        serde_json::to_string_pretty(diagnostics).unwrap_or_default(),
        report()
    );
}

/// `nvim --version`'s first line, or `None` when Neovim cannot be run.
fn nvim_version() -> Option<String> {
    let output = Command::new("nvim").arg("--version").stdin(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    Some(stdout.lines().next().unwrap_or("nvim").to_string())
}

fn repo_root() -> PathBuf {
    // This test belongs to the crate in server/cli.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate lives two levels below the repository root")
        .to_path_buf()
}

/// Applies `break_line` to the config and returns the 0-based number of the changed line.
fn break_config(path: &Path, (from, to): (&str, &str)) -> usize {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let index = lines
        .iter()
        .position(|l| l.trim_start().starts_with(from))
        .unwrap_or_else(|| panic!("no line of {} starts with {from:?}", path.display()));
    lines[index] = lines[index].replacen(from, to, 1);
    fs::write(path, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    index
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn file(path: &Path) -> fs::File {
    fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_with_timeout(mut cmd: Command, timeout: Duration, scratch: &Scratch) -> ExitStatus {
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start nvim: {e}"));
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) if start.elapsed() < timeout => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Neovim did not finish within {timeout:?}; killed it\n{}", scratch.report());
            }
            Err(e) => panic!("waiting for nvim: {e}"),
        }
    }
}

/// A temporary directory, removed when the test passes and kept when it fails.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir()
            .join(format!("dols-nvim-e2e-{name}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Scratch { path }
    }

    /// Neovim's output and log, for failure messages.
    fn report(&self) -> String {
        let read = |rel: &str| fs::read_to_string(self.path.join(rel)).unwrap_or_default();
        // Neovim 0.7 to 0.9 write lsp.log to the cache directory, later versions to the state one.
        let lsp_log = read("xdg/cache/nvim/lsp.log") + &read("xdg/state/nvim/lsp.log");
        format!(
            "--- nvim stdout\n{}\n--- nvim stderr\n{}\n--- lsp.log\n{}\n--- kept {}",
            tail(&read("nvim.stdout")),
            tail(&read("nvim.stderr")),
            tail(&lsp_log),
            self.path.display()
        )
    }
}

/// The end of a long text (that is where a failure shows), or "(empty)".
fn tail(text: &str) -> &str {
    let text = text.trim();
    match text.char_indices().rev().nth(6000) {
        Some((i, _)) => &text[i..],
        None if text.is_empty() => "(empty)",
        None => text,
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !thread::panicking() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}
