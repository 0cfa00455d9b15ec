//! `dols-bench`: drives language servers over stdio on a generated 10,000-line Durable
//! Object project and reports request→response latencies as Markdown.

mod bench;
mod lsp;
mod phases;
mod sqlbench;
mod project;
mod report;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const USAGE: &str = "\
dols-bench — latency benchmark for language servers on a large Durable Object project

Usage:
  dols-bench --server CMD [--peer CMD] [options]
  dols-bench --generate DIR [--lines N]

Options:
  --server CMD          language server command line, e.g. \"target/release/dols lsp\"
  --peer CMD            second server measured in the same run, e.g.
                        \"typescript-language-server --stdio\"
  --peer-tsserver PATH  tsserver.js for the peer (sent as initializationOptions.tsserver.path);
                        @cloudflare/workers-types is looked up next to its typescript package
  --types-dir DIR       the @cloudflare/workers-types package to copy into the project
  --iterations N        timed samples per metric (default 200)
  --warmup N            untimed iterations before each metric (default 5)
  --lines N             size of the generated src/index.ts (default 10000)
  --timeout SECS        limit for one response or one diagnostics round (default 30)
  --ready-timeout SECS  limit for initialize and the first diagnostics (default 120)
  --out FILE            also write the Markdown report to FILE
  --generate DIR        only write the generated project to DIR and exit
  --phases              also time the analysis in process, pass by pass (no protocol), and the
                        SQL checker on a generated 5,000-line module of 500 queries
  --phases-only         only that: no server is started
  --keep                keep the generated temporary project
  --verbose             log server stderr, skipped notifications and server requests
";

pub struct Options {
    /// The server command as given (for the report) and as words to start.
    pub server: (String, Vec<String>),
    pub peer: Option<(String, Vec<String>)>,
    pub peer_tsserver: Option<PathBuf>,
    pub types_dir: Option<PathBuf>,
    pub iterations: usize,
    pub warmup: usize,
    pub lines: usize,
    pub timeout: Duration,
    pub ready_timeout: Duration,
    pub out: Option<PathBuf>,
    pub generate: Option<PathBuf>,
    pub keep: bool,
    pub verbose: bool,
    pub phases: bool,
    pub phases_only: bool,
    /// The command line as given, for the report.
    pub command_line: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let opts = match parse_args(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("dols-bench: {e}\n");
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    let proj = project::generate(opts.lines);
    if let Some(dir) = &opts.generate {
        if let Err(e) = proj.write(dir) {
            eprintln!(
                "dols-bench: cannot write the project to {}: {e}",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
        if let Some(types) = types_dir(&opts)
            && let Err(e) = install_types(&types, dir)
        {
            eprintln!("dols-bench: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!(
            "dols-bench: wrote {} ({} lines, {} methods)",
            dir.display(),
            proj.lines,
            proj.methods
        );
        return ExitCode::SUCCESS;
    }

    if opts.phases_only {
        let mut md = String::new();
        phases::markdown(&mut md, &phases::run(&proj, opts.iterations, opts.warmup));
        sqlbench::markdown(&mut md, &sqlbench::run(opts.iterations, opts.warmup));
        print!("{md}");
        return ExitCode::SUCCESS;
    }

    let dir = temp_project_dir();
    if let Err(e) = proj.write(&dir) {
        eprintln!(
            "dols-bench: cannot write the project to {}: {e}",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    let types_installed = match types_dir(&opts) {
        Some(types) => match install_types(&types, &dir) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("dols-bench: {e}");
                false
            }
        },
        None => false,
    };
    if !types_installed && opts.peer.is_some() {
        eprintln!(
            "dols-bench: warning: @cloudflare/workers-types is not installed in the generated project \
             (give --types-dir or --peer-tsserver); the peer cannot type `this.ctx`"
        );
    }
    eprintln!(
        "dols-bench: generated {} lines ({} methods) in {}",
        proj.lines,
        proj.methods,
        dir.display()
    );

    let mut results = Vec::new();
    let started = std::time::Instant::now();
    let (label, argv) = &opts.server;
    results.push(bench::run("server", label, argv, None, &dir, &proj, &opts));
    if let Some((label, argv)) = &opts.peer {
        let init = opts
            .peer_tsserver
            .as_ref()
            .map(|p| serde_json::json!({"tsserver": {"path": p.to_string_lossy()}}));
        results.push(bench::run("peer", label, argv, init, &dir, &proj, &opts));
    }
    let elapsed = started.elapsed();

    let mut md = report::markdown(&opts, &proj, types_installed, &results, elapsed);
    if opts.phases {
        phases::markdown(&mut md, &phases::run(&proj, opts.iterations, opts.warmup));
        sqlbench::markdown(&mut md, &sqlbench::run(opts.iterations, opts.warmup));
    }
    print!("{md}");
    if let Some(out) = &opts.out
        && let Err(e) = fs::write(out, &md)
    {
        eprintln!("dols-bench: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    if opts.keep {
        eprintln!("dols-bench: kept the project in {}", dir.display());
    } else {
        let _ = fs::remove_dir_all(&dir);
    }
    if results.iter().all(|r| r.error.is_none()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        server: (String::new(), Vec::new()),
        peer: None,
        peer_tsserver: None,
        types_dir: None,
        iterations: 200,
        warmup: 5,
        lines: 10_000,
        timeout: Duration::from_secs(30),
        ready_timeout: Duration::from_secs(120),
        out: None,
        generate: None,
        keep: false,
        verbose: false,
        phases: false,
        phases_only: false,
        command_line: command_line(args),
    };
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--server" => {
                let v = value(a)?;
                o.server = (v.clone(), command(&v)?);
            }
            "--peer" => {
                let v = value(a)?;
                o.peer = Some((v.clone(), command(&v)?));
            }
            "--peer-tsserver" => o.peer_tsserver = Some(absolute(Path::new(&value(a)?))?),
            "--types-dir" => o.types_dir = Some(absolute(Path::new(&value(a)?))?),
            "--iterations" => o.iterations = number(a, &value(a)?)?,
            "--warmup" => o.warmup = number(a, &value(a)?)?,
            "--lines" => o.lines = number(a, &value(a)?)?,
            "--timeout" => o.timeout = Duration::from_secs(number(a, &value(a)?)? as u64),
            "--ready-timeout" => {
                o.ready_timeout = Duration::from_secs(number(a, &value(a)?)? as u64)
            }
            "--out" => o.out = Some(PathBuf::from(value(a)?)),
            "--generate" => o.generate = Some(PathBuf::from(value(a)?)),
            "--keep" => o.keep = true,
            "--verbose" => o.verbose = true,
            "--phases" => o.phases = true,
            "--phases-only" => {
                o.phases = true;
                o.phases_only = true;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if o.iterations == 0 {
        return Err("--iterations must be at least 1".into());
    }
    if o.lines < 500 {
        return Err("--lines must be at least 500".into());
    }
    if o.server.1.is_empty() && o.generate.is_none() && !o.phases_only {
        return Err("--server is required".into());
    }
    Ok(Some(o))
}

fn number(name: &str, v: &str) -> Result<usize, String> {
    v.parse()
        .map_err(|_| format!("{name}: `{v}` is not a number"))
}

fn absolute(p: &Path) -> Result<PathBuf, String> {
    fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// Splits a command line into words (whitespace-separated; single and double quotes and
/// backslash escapes as in a POSIX shell). A program given as a relative path is made
/// absolute, since servers are started in the generated project's directory.
fn command(s: &str) -> Result<Vec<String>, String> {
    let mut words = split_words(s)?;
    if words.is_empty() {
        return Err("empty command".into());
    }
    let prog = Path::new(&words[0]);
    if words[0].contains('/') && prog.is_relative() {
        words[0] = absolute(prog)?.to_string_lossy().into_owned();
    }
    Ok(words)
}

fn split_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(w) = cur.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(format!("unclosed ' in `{s}`")),
                    }
                }
            }
            '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => w.push(c),
                            None => return Err(format!("trailing \\ in `{s}`")),
                        },
                        Some(c) => w.push(c),
                        None => return Err(format!("unclosed \" in `{s}`")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => cur.get_or_insert_with(String::new).push(c),
                None => return Err(format!("trailing \\ in `{s}`")),
            },
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = cur {
        words.push(w);
    }
    Ok(words)
}

/// The invocation as it would be typed: program name without its directory, arguments
/// quoted where a shell would need it.
fn command_line(args: &[String]) -> String {
    let prog = args
        .first()
        .and_then(|a| Path::new(a).file_name())
        .map_or("dols-bench".into(), |n| n.to_string_lossy().into_owned());
    let mut out = prog;
    for a in args.iter().skip(1) {
        out.push(' ');
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c));
        if plain {
            out.push_str(a);
        } else {
            out.push('"');
            for c in a.chars() {
                if matches!(c, '"' | '\\' | '$' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
    }
    out
}

/// Where `@cloudflare/workers-types` comes from: `--types-dir`, or next to the peer's
/// typescript package (`node_modules/typescript/lib/tsserver.js` →
/// `node_modules/@cloudflare/workers-types`).
fn types_dir(opts: &Options) -> Option<PathBuf> {
    if let Some(d) = &opts.types_dir {
        return Some(d.clone());
    }
    let node_modules = opts.peer_tsserver.as_ref()?.parent()?.parent()?.parent()?;
    let d = node_modules.join("@cloudflare").join("workers-types");
    d.is_dir().then_some(d)
}

/// Copies the types package into `<project>/node_modules/@cloudflare/workers-types`, which
/// the generated tsconfig names in `types`.
fn install_types(from: &Path, project: &Path) -> Result<(), String> {
    if !from.join("index.d.ts").is_file() {
        return Err(format!(
            "{} has no index.d.ts; is it @cloudflare/workers-types?",
            from.display()
        ));
    }
    let to = project
        .join("node_modules")
        .join("@cloudflare")
        .join("workers-types");
    copy_dir(from, &to)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
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

fn temp_project_dir() -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("dols-bench-{}-{nanos}", std::process::id()));
    // Canonical, so the URIs we send match the paths servers see (e.g. a symlinked /tmp).
    let _ = fs::create_dir_all(&dir);
    fs::canonicalize(&dir).unwrap_or(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            split_words("a  'b c' \"d\\\"e\" f\\ g").unwrap(),
            ["a", "b c", "d\"e", "f g"]
        );
        assert!(split_words("'x").is_err());
    }

    #[test]
    fn quoting() {
        let args: Vec<String> = [
            "/x/y/dols-bench",
            "--server",
            "dols lsp",
            "--iterations",
            "5",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            command_line(&args),
            "dols-bench --server \"dols lsp\" --iterations 5"
        );
    }
}
