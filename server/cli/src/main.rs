//! The `dols` command: language server, checker, and (later) runtime and debugger.

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

fn main() -> ExitCode {
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
