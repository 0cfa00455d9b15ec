//! `dols schema`: the shadow schema of each Durable Object class, as SQL or JSON.

use std::path::Path;
use std::process::ExitCode;

use dols_analysis::Analysis;
use dols_analysis::sql::schema::{ObjectKind, SchemaObject};
use serde_json::{Value, json};

const USAGE: &str = "usage: dols schema [DIR] [--class NAME] [--format sql|json]";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Sql,
    Json,
}

struct Args {
    dir: String,
    class: Option<String>,
    format: Format,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut dirs = Vec::new();
    let mut class = None;
    let mut format = Format::Sql;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "--help" | "-h" => return Ok(None),
            "--class" => {
                let v = inline.or_else(|| it.next().cloned()).ok_or("`--class` needs a class name")?;
                class = Some(v);
            }
            "--format" => {
                let v = inline.or_else(|| it.next().cloned()).ok_or("`--format` needs a value: sql or json")?;
                format = match v.as_str() {
                    "sql" => Format::Sql,
                    "json" => Format::Json,
                    other => return Err(format!("unknown format `{other}` (expected sql or json)")),
                };
            }
            f if f.starts_with('-') && f != "-" => return Err(format!("unknown flag `{f}`")),
            _ => dirs.push(arg.clone()),
        }
    }
    let dir = match dirs.as_slice() {
        [] => ".".to_string(),
        [one] => one.clone(),
        _ => return Err(format!("takes one directory, got {}", dirs.len())),
    };
    if !Path::new(&dir).is_dir() {
        return Err(format!("not a directory: `{dir}`"));
    }
    Ok(Some(Args { dir, class, format }))
}

pub fn run(args: &[String]) -> ExitCode {
    let args = match parse(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("dols schema: {msg}");
            return ExitCode::from(2);
        }
    };
    let root = match Path::new(&args.dir).canonicalize() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dols schema: cannot read `{}`: {e}", args.dir);
            return ExitCode::from(2);
        }
    };
    let mut analysis = Analysis::new();
    let files: Vec<_> = dols_vfs::discover(&root)
        .into_iter()
        .filter_map(|file| match dols_vfs::read_text(&file) {
            Ok(text) => Some((file, text)),
            Err(reason) => {
                eprintln!("dols schema: skipped {}: {reason}", file.display());
                None
            }
        })
        .collect();
    analysis.set_files(files);
    let mut schemas = analysis.class_schemas();
    if let Some(name) = &args.class {
        schemas.retain(|s| &s.class == name);
        if schemas.is_empty() {
            eprintln!("dols schema: no class `{name}` with a schema (see `dols schema` for the list)");
            return ExitCode::from(1);
        }
    }
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    match args.format {
        Format::Sql => {
            let mut out = String::new();
            for (i, s) in schemas.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&s.to_sql(&shown(&s.file)));
            }
            print!("{out}");
        }
        Format::Json => {
            let classes: Vec<Value> = schemas
                .iter()
                .map(|s| {
                    let of = |kinds: &[ObjectKind]| -> Vec<&SchemaObject> { s.schema.objects.iter().filter(|o| kinds.contains(&o.kind)).collect() };
                    json!({
                        "class": s.class,
                        "file": shown(&s.file),
                        "complete": s.complete,
                        "tables": of(&[ObjectKind::Table, ObjectKind::Virtual, ObjectKind::View]),
                        "indexes": of(&[ObjectKind::Index]).iter().map(|o| json!({ "name": o.name, "table": o.table, "sql": o.sql })).collect::<Vec<_>>(),
                        "triggers": of(&[ObjectKind::Trigger]).iter().map(|o| json!({ "name": o.name, "table": o.table, "sql": o.sql })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&json!({ "classes": classes })).expect("JSON values serialise"));
        }
    }
    ExitCode::SUCCESS
}
