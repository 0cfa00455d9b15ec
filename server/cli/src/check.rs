//! `dols check` and `dols status`.

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("dols check: not built yet");
    ExitCode::from(2)
}

pub fn status(_args: &[String]) -> ExitCode {
    eprintln!("dols status: not built yet");
    ExitCode::from(2)
}
