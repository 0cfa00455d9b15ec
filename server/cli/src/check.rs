//! `dols check` and `dols status`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dols_analysis::{Analysis, Encoding, FileKind, LineCol, Severity};

use crate::report::{self, Format, Item, Place};

const CHECK_USAGE: &str = "usage: dols check [PATH...] [--format text|json|sarif] [--rule CODE]...";
const STATUS_USAGE: &str = "usage: dols status [DIR]";

struct CheckArgs {
    paths: Vec<String>,
    format: Format,
    /// `--rule CODE`: report only these lint rules.
    rules: Vec<String>,
}

/// The parsed arguments, or `None` when help was asked for.
fn parse_check_args(args: &[String]) -> Result<Option<CheckArgs>, String> {
    let mut paths = Vec::new();
    let mut format = None;
    let mut rules = Vec::new();
    let mut iter = args.iter();
    let mut flags_done = false;
    while let Some(arg) = iter.next() {
        if flags_done || !arg.starts_with('-') || arg == "-" {
            paths.push(arg.clone());
            continue;
        }
        let value = if arg == "--" {
            flags_done = true;
            continue;
        } else if arg == "--help" || arg == "-h" {
            return Ok(None);
        } else if arg == "--format" {
            iter.next()
                .map(String::as_str)
                .ok_or("`--format` needs a value: text, json or sarif")?
        } else if let Some(v) = arg.strip_prefix("--format=") {
            v
        } else if arg == "--rule" || arg.starts_with("--rule=") {
            let code = match arg.strip_prefix("--rule=") {
                Some(v) => v,
                None => iter.next().map(String::as_str).ok_or("`--rule` needs a rule code (see `dols rules`)")?,
            };
            if dols_analysis::lints::rule(code).is_none() {
                return Err(format!("unknown rule `{code}` (see `dols rules`)"));
            }
            rules.push(code.to_string());
            continue;
        } else {
            return Err(format!("unknown flag `{arg}`"));
        };
        format = Some(match value {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            other => {
                return Err(format!(
                    "unknown format `{other}` (expected text, json or sarif)"
                ));
            }
        });
    }
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    for p in &paths {
        if !Path::new(p).exists() {
            return Err(format!("no such file or directory: `{p}`"));
        }
    }
    Ok(Some(CheckArgs {
        paths,
        format: format.unwrap_or(Format::Text),
        rules,
    }))
}

/// The loaded files and the ones the user asked about, with the names to print for them.
struct Workspace {
    analysis: Analysis,
    /// Absolute path → the path to print, for every file to report.
    targets: BTreeMap<PathBuf, String>,
    cwd: Option<PathBuf>,
}

impl Workspace {
    /// How to print a path that is not a target (a related location, a skipped file).
    fn display(&self, path: &Path) -> String {
        if let Some(d) = self.targets.get(path) {
            return d.clone();
        }
        match self
            .cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
        {
            Some(rel) => rel.display().to_string(),
            None => path.display().to_string(),
        }
    }
}

/// Loads every project a path belongs to, so that cross-file analysis sees whole projects,
/// and notes which files to report: every file under a directory argument, and file
/// arguments themselves.
fn load(paths: &[String]) -> Result<Workspace, String> {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let mut roots = BTreeSet::new();
    let mut targets = BTreeMap::new();
    for arg in paths {
        let abs = Path::new(arg)
            .canonicalize()
            .map_err(|e| format!("cannot read `{arg}`: {e}"))?;
        if abs.is_dir() {
            roots.insert(dols_vfs::find_project_root(&abs).unwrap_or_else(|| abs.clone()));
            for file in dols_vfs::discover(&abs) {
                let rel = file.strip_prefix(&abs).unwrap_or(&file);
                let shown = if Path::new(arg)
                    .components()
                    .all(|c| c == std::path::Component::CurDir)
                {
                    rel.to_path_buf()
                } else {
                    Path::new(arg).join(rel)
                };
                targets
                    .entry(file)
                    .or_insert_with(|| shown.display().to_string());
            }
        } else if FileKind::of(&abs).is_none() {
            eprintln!(
                "dols check: skipping `{arg}`: not a TypeScript/JavaScript source or wrangler config"
            );
        } else {
            roots.insert(dols_vfs::find_project_root(&abs).unwrap_or_else(|| abs.clone()));
            targets.entry(abs).or_insert_with(|| arg.clone());
        }
    }

    let mut files: BTreeSet<PathBuf> = roots.iter().flat_map(|r| dols_vfs::discover(r)).collect();
    files.extend(targets.keys().cloned());
    let mut ws = Workspace {
        analysis: Analysis::new(),
        targets,
        cwd,
    };
    let mut skipped = Vec::new();
    for file in files {
        match dols_vfs::read_text(&file) {
            Ok(text) => {
                ws.analysis.set_file(&file, text);
            }
            Err(reason) => skipped.push((file, reason)),
        }
    }
    for (file, reason) in skipped {
        eprintln!("dols check: skipped {}: {reason}", ws.display(&file));
        ws.targets.remove(&file);
    }
    for root in &roots {
        dols_vfs::load_packages(&mut ws.analysis, root);
    }
    Ok(ws)
}

/// The diagnostics of every target, positioned and sorted by path, then position.
fn collect(ws: &Workspace) -> Vec<Item> {
    let mut items = Vec::new();
    for (path, shown) in &ws.targets {
        if ws.analysis.file(path).is_none() {
            continue;
        }
        for d in ws.analysis.diagnostics(path) {
            let Some(place) = locate(&ws.analysis, shown.clone(), path, d.range) else {
                continue;
            };
            let related = d
                .related
                .iter()
                .filter_map(|r| {
                    let at = locate(&ws.analysis, ws.display(&r.file), &r.file, r.range)?;
                    Some((at, r.message.clone()))
                })
                .collect();
            items.push(Item {
                place,
                severity: d.severity,
                code: d.code,
                message: d.message,
                related,
            });
        }
    }
    items.sort_by(|a, b| {
        (
            &a.place.file,
            a.place.start,
            a.place.end,
            a.code,
            &a.message,
        )
            .cmp(&(
                &b.place.file,
                b.place.start,
                b.place.end,
                b.code,
                &b.message,
            ))
    });
    items
}

fn locate(
    analysis: &Analysis,
    shown: String,
    path: &Path,
    range: dols_analysis::TextRange,
) -> Option<Place> {
    let file = analysis.file(path)?;
    let pos = |offset: usize| -> LineCol {
        file.line_index()
            .line_col(file.text(), offset, Encoding::Utf16)
    };
    Some(Place {
        file: shown,
        start: pos(range.start),
        end: pos(range.end),
    })
}

pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_check_args(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{CHECK_USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("dols check: {msg}");
            return ExitCode::from(2);
        }
    };
    let ws = match load(&args.paths) {
        Ok(ws) => ws,
        Err(msg) => {
            eprintln!("dols check: {msg}");
            return ExitCode::from(2);
        }
    };
    let mut items = collect(&ws);
    if !args.rules.is_empty() {
        items.retain(|i| args.rules.iter().any(|r| r == i.code));
    }
    print!("{}", report::render(args.format, &items));
    if args.format == Format::Text {
        // A one-line tally on stderr, so that a clean run still says what it looked at;
        // stdout keeps only diagnostics, for tools that read it.
        let count = |s: Severity| items.iter().filter(|i| i.severity == s).count();
        eprintln!(
            "dols check: {} files, {} errors, {} warnings, {} hints",
            ws.targets.len(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Hint) + count(Severity::Info)
        );
    }
    if items.iter().any(|i| i.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `dols rules`: every lint rule with its default severity and summary.
pub fn rules(args: &[String]) -> ExitCode {
    if let Some(arg) = args.first() {
        if arg == "--help" || arg == "-h" {
            println!("usage: dols rules");
            return ExitCode::SUCCESS;
        }
        eprintln!("dols rules: unexpected argument `{arg}`");
        return ExitCode::from(2);
    }
    print!("{}", rules_table());
    ExitCode::SUCCESS
}

fn rules_table() -> String {
    let rules = dols_analysis::lints::RULES;
    let width = rules.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rules {
        out.push_str(&format!("{:<width$}  {:<7}  {}\n", r.code, r.default.as_str(), r.summary));
    }
    out.push_str("\nSet a level per rule in dols.toml ([lint] <code> = \"off\" | \"hint\" | \"info\" | \"warning\" | \"error\"); pages: docs/rules/.\n");
    out
}

pub fn status(args: &[String]) -> ExitCode {
    let mut dirs = Vec::new();
    for arg in args {
        if arg == "--help" || arg == "-h" {
            println!("{STATUS_USAGE}");
            return ExitCode::SUCCESS;
        }
        if arg.starts_with('-') && arg != "-" {
            eprintln!("dols status: unknown flag `{arg}`");
            return ExitCode::from(2);
        }
        dirs.push(arg.as_str());
    }
    let dir = match dirs.as_slice() {
        [] => ".",
        [one] => one,
        _ => {
            eprintln!("dols status: takes one directory, got {}", dirs.len());
            return ExitCode::from(2);
        }
    };
    let root = Path::new(dir);
    if !root.is_dir() {
        eprintln!("dols status: not a directory: `{dir}`");
        return ExitCode::from(2);
    }
    let here = root.components().all(|c| c == std::path::Component::CurDir);
    let mut analysis = Analysis::new();
    for file in dols_vfs::discover(root) {
        // Show `./src/a.ts` as `src/a.ts` when describing the current directory.
        let key = if here {
            file.strip_prefix(root).unwrap_or(&file)
        } else {
            &file
        };
        match dols_vfs::read_text(&file) {
            Ok(text) => {
                analysis.set_file(key, text);
            }
            Err(reason) => eprintln!("dols status: skipped {}: {reason}", key.display()),
        }
    }
    print!("{}", dols_analysis::status::project_markdown(&analysis));
    ExitCode::SUCCESS
}
