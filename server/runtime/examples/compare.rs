//! Runs one conformance case (a project directory) under `workerd test` and under the embedded
//! runtime and prints both outputs, for writing new cases against workerd first:
//! `cargo run -p dols-runtime --example compare -- tests/conformance/CASE [--write]`.
//! With `--write`, the embedded runtime's output is saved as the case's `expected.txt`.
//! workerd is `DOLS_WORKERD` or the pinned one in `tests/conformance/workerd`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use dols_runtime::{Output, Project, StateLocation, run_tests};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: compare CASE_DIR [--write]");
        return ExitCode::from(2);
    };
    let write = args.iter().any(|a| a == "--write");
    let project = match Project::load(Path::new(dir)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let workerd = std::env::var_os("DOLS_WORKERD").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/conformance/workerd/node_modules/.bin/workerd")
    });
    let tmp = std::env::temp_dir().join(format!("dols-compare-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("state")).expect("temp dir");
    let (capnp, modules) = match dols_runtime::workerd::workerd_config(&project, &tmp.join("state"))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    std::fs::write(tmp.join("config.capnp"), capnp).expect("write config");
    for m in modules {
        let p = tmp.join(&m.name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, m.text).expect("write module");
    }
    let out = std::process::Command::new(&workerd)
        .arg("test")
        .arg("config.capnp")
        .current_dir(&tmp)
        .output()
        .expect("workerd runs");
    let _ = std::fs::remove_dir_all(&tmp);
    println!("--- workerd stdout");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!("--- workerd stderr");
    print!("{}", String::from_utf8_lossy(&out.stderr));
    let buf = Rc::new(RefCell::new((String::new(), String::new())));
    let report = run_tests(&project, &[], StateLocation::Memory, Output::Capture(buf.clone()));
    let (o, e) = buf.borrow().clone();
    println!("--- dols stdout");
    print!("{o}");
    println!("--- dols stderr");
    print!("{e}");
    println!("--- dols result: {report:?}");
    if write {
        std::fs::write(Path::new(dir).join("expected.txt"), &o).expect("write expected.txt");
    }
    ExitCode::SUCCESS
}
