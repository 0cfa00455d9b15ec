//! The dols language server.

use std::process::ExitCode;

/// Runs the language server on stdin/stdout until the client exits. `args` are the
/// command-line arguments after `lsp`.
pub fn run_stdio(_args: &[String]) -> ExitCode {
    eprintln!("dols lsp: not built yet");
    ExitCode::from(2)
}
