//! What the editor end-to-end tests (`tests/nvim`, `tests/vscode`) share: a scratch directory
//! that is kept when a test fails, copying an example project, running a process with a time
//! limit, and the rule for missing tools.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

/// A temporary directory, removed when the test passes and kept when it fails. `report` says
/// what the run left in it (outputs, logs), for failure messages.
pub struct Scratch {
    pub path: PathBuf,
    report: fn(&Path) -> String,
}

impl Scratch {
    /// `$TMPDIR/dols-<tool>-e2e-<name>-<pid>-<nanos>`.
    pub fn new(tool: &str, name: &str, report: fn(&Path) -> String) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!("dols-{tool}-e2e-{name}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Scratch { path, report }
    }

    pub fn report(&self) -> String {
        (self.report)(&self.path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !thread::panicking() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The end of a long text (that is where a failure shows), or "(empty)".
pub fn tail(text: &str) -> &str {
    let text = text.trim();
    match text.char_indices().rev().nth(6000) {
        Some((i, _)) => &text[i..],
        None if text.is_empty() => "(empty)",
        None => text,
    }
}

pub fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
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

pub fn file(path: &Path) -> fs::File {
    fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `cmd` (`what` names it in messages), killing it after `timeout`.
pub fn run_with_timeout(mut cmd: Command, timeout: Duration, what: &str, scratch: &Scratch) -> ExitStatus {
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) if start.elapsed() < timeout => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} did not finish within {timeout:?}; killed it\n{}", scratch.report());
            }
            Err(e) => panic!("waiting for {what}: {e}"),
        }
    }
}

/// Says that a tool is missing: a panic under `CI=true`, a message otherwise.
pub fn tool_missing(what: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what}, and CI=true");
    }
    eprintln!("skipping: {what}");
}
