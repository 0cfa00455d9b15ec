//! The `dols` command: language server, checker, and (later) runtime and debugger.
// On Linux with glibc the process starts in `entry::main` below instead of Rust's runtime setup
// (not in the unit tests, whose harness brings its own `main`).
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

mod check;
mod report;
mod schema_cmd;
mod test_cmd;

use std::process::ExitCode;

const USAGE: &str = "\
dols — Durable Objects language tools

Usage:
  dols lsp [--log-file FILE]           run the language server over stdio
  dols check [PATH...] [--format text|json|sarif] [--rule CODE]...
                                       check projects or files and print diagnostics
                                       (with --rule: only those lint rules)
  dols rules                           list the lint rules with their default severity
  dols status [DIR]                    describe the project model, as Markdown
  dols schema [DIR] [--class NAME] [--format sql|json]
                                       print each Durable Object class's shadow schema
                                       (the tables its own SQL creates)
  dols test [DIR] [--test FILE]... [--in-memory | --persist-to DIR] [--fake-time]
            [--object-threads] [--allow-fetch HOST[,HOST]...]...
                                       run the project's test exports on the embedded
                                       runtime (state in DIR/.dols/state by default;
                                       --fake-time: timers and alarms on a virtual clock;
                                       --object-threads: each object on a thread of its own;
                                       --allow-fetch: hosts outbound fetch may reach, as
                                       api.example.com, 127.0.0.1:8787, *.example.org or *,
                                       besides [test] allow_fetch in dols.toml)
  dols help                            show this help
  dols --version                       print the version

Logging: DOLS_LOG=error|warn|info|debug|trace (default: info), to stderr or --log-file.
";

fn run() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "--version" | "-V" | "version" => {
            println!("dols {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        "lsp" => dols_lsp::run_stdio(rest),
        "check" => check::run(rest),
        "status" => check::status(rest),
        "schema" => schema_cmd::run(rest),
        "test" => test_cmd::run(rest),
        "rules" => check::rules(rest),
        other => {
            eprintln!("dols: unknown command `{other}`\n");
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(any(not(all(target_os = "linux", target_env = "gnu")), test))]
fn main() -> ExitCode {
    run()
}

/// The process's entry on Linux with glibc. Rust's runtime setup, which a `main` function gets,
/// also records where the main thread's stack ends so that a stack overflow is reported by name;
/// glibc finds that out by reading and parsing `/proc/self/maps`, about 5 % of a `dols test`
/// cold start. This entry does the rest of that setup itself: the standard streams are opened
/// on `/dev/null` when closed, `SIGPIPE` is ignored (a closed pipe is a write error), a panic
/// exits with status 101 and stdout is flushed at the end. What is lost: a stack overflow ends
/// the process with `SIGSEGV` instead of a message, and a panic of the main thread names it
/// `<unnamed>` instead of `main`. (`std::env::args` works without the setup on glibc.)
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
mod entry {
    use std::ffi::{c_char, c_int};
    use std::io::Write;
    use std::process::ExitCode;

    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        // SAFETY: single-threaded at this point; plain libc calls on the standard descriptors
        // and the signal disposition.
        unsafe {
            open_closed_standard_streams();
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
        let code = match std::panic::catch_unwind(super::run) {
            Ok(code) => status(code),
            Err(_) => 101,
        };
        let _ = std::io::stdout().flush();
        code
    }

    /// The number behind an `ExitCode` (it has no accessor; it compares equal to the one made
    /// from the same byte).
    fn status(code: ExitCode) -> c_int {
        (0..=u8::MAX).find(|&n| ExitCode::from(n) == code).map_or(1, c_int::from)
    }

    /// Opens `/dev/null` on each standard descriptor that is closed, so that files opened later
    /// do not become stdin, stdout or stderr.
    unsafe fn open_closed_standard_streams() {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd { fd, events: 0, revents: 0 });
        // SAFETY: `fds` is a valid array of three pollfd.
        let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } >= 0;
        for pfd in fds {
            let closed = if polled {
                pfd.revents & libc::POLLNVAL != 0
            } else {
                // SAFETY: F_GETFD on a descriptor number only queries it.
                let failed = unsafe { libc::fcntl(pfd.fd, libc::F_GETFD) } == -1;
                failed && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
            };
            // SAFETY: a NUL-terminated path; the lowest free descriptor is the closed one.
            if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } == -1 {
                std::process::abort();
            }
        }
    }
}
