//! Prints a TypeScript file with its types blanked (same lines and columns), for running the
//! conformance cases on other runtimes: `cargo run -p dols-runtime --example strip -- FILE.ts`.

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: strip FILE.ts");
        return std::process::ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match dols_runtime::strip::strip_types(&text) {
        Ok(js) => {
            print!("{js}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}:{e}");
            std::process::ExitCode::from(1)
        }
    }
}
