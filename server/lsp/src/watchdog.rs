//! Exiting when the editor that started the server is gone.

use std::time::Duration;

use crate::log;

/// How often the editor's process is checked.
const INTERVAL: Duration = Duration::from_secs(2);

/// Watches the process `pid` (the `processId` of `initialize`) and exits this process once it
/// is gone.
pub fn watch_parent(pid: u32) {
    if !can_watch() {
        log::info!("cannot watch process {pid} on this platform; the server exits when its input closes");
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("dols-parent-watch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(INTERVAL);
                if !alive(pid) {
                    log::warning!("the editor's process {pid} is gone; exiting");
                    std::process::exit(1);
                }
            }
        });
    if let Err(e) = spawned {
        log::warning!("cannot watch process {pid}: {e}");
    }
}

fn can_watch() -> bool {
    cfg!(unix)
}

#[cfg(unix)]
pub fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // Signal 0 checks existence and permission without sending anything.
    // SAFETY: kill has no memory-safety preconditions.
    let r = unsafe { libc::kill(pid, 0) };
    let exists = r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists && !is_zombie(pid)
}

#[cfg(not(unix))]
pub fn alive(_pid: u32) -> bool {
    true
}

/// A process that has exited but was not reaped yet is gone for our purposes.
#[cfg(target_os = "linux")]
fn is_zombie(pid: libc::pid_t) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) state ...": the command may contain spaces and parentheses.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        == Some("Z")
}

#[cfg(all(unix, not(target_os = "linux")))]
fn is_zombie(_pid: libc::pid_t) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn detects_live_exited_and_zombie_processes() {
        assert!(alive(std::process::id()));
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        assert!(alive(pid));
        child.kill().unwrap();
        // Killed but not yet reaped: a zombie, which must count as gone on Linux.
        std::thread::sleep(Duration::from_millis(200));
        if cfg!(target_os = "linux") {
            assert!(!alive(pid));
        }
        child.wait().unwrap();
        assert!(!alive(pid));
    }
}
