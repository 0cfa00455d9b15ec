//! A small logger: `[level] message` lines to stderr or to a file.
//!
//! The level comes from `DOLS_LOG` (error, warn, info, debug, trace; info by default). Stdout
//! is the protocol channel, so nothing here ever writes to it.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            "trace" => Some(Level::Trace),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

static MAX_LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);
static SINK: Mutex<Option<File>> = Mutex::new(None);

/// Sets the level from `DOLS_LOG` and, when `file` is given, appends to that file instead of
/// stderr. Returns a warning to log when the variable holds something unknown.
pub fn init(env_value: Option<&str>, file: Option<&Path>) -> io::Result<Option<String>> {
    let mut warning = None;
    let level = match env_value {
        None => Level::Info,
        Some(v) if v.trim().is_empty() => Level::Info,
        Some(v) => Level::parse(v).unwrap_or_else(|| {
            warning = Some(format!(
                "DOLS_LOG={v:?} is not one of error|warn|info|debug|trace; using info"
            ));
            Level::Info
        }),
    };
    MAX_LEVEL.store(level as u8, Ordering::Relaxed);
    if let Some(path) = file {
        let f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        *SINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(f);
    }
    Ok(warning)
}

pub fn enabled(level: Level) -> bool {
    level as u8 <= MAX_LEVEL.load(Ordering::Relaxed)
}

/// Writes one log record; multi-line messages keep their line breaks.
pub fn write(level: Level, args: std::fmt::Arguments<'_>) {
    if !enabled(level) {
        return;
    }
    let line = format!("[{}] {}\n", level.as_str(), args);
    let mut sink = SINK.lock().unwrap_or_else(|e| e.into_inner());
    match sink.as_mut() {
        Some(f) => {
            let _ = f.write_all(line.as_bytes());
            let _ = f.flush();
        }
        None => {
            let _ = io::stderr().lock().write_all(line.as_bytes());
        }
    }
}

/// Routes panic messages through the logger (so they land in `--log-file` too).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        write(
            Level::Error,
            format_args!("panic{location}: {}", crate::guard::panic_message(info.payload())),
        );
    }));
}

macro_rules! error {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Error, format_args!($($arg)*)) };
}
macro_rules! warning {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Warn, format_args!($($arg)*)) };
}
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Info, format_args!($($arg)*)) };
}
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Debug, format_args!($($arg)*)) };
}
macro_rules! trace {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Trace, format_args!($($arg)*)) };
}
pub(crate) use {debug, error, info, trace, warning};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(Level::parse("DEBUG"), Some(Level::Debug));
        assert_eq!(Level::parse(" warn "), Some(Level::Warn));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Error < Level::Trace);
    }
}
