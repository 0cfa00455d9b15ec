//! Compiles the prelude (`src/js/prelude.js`) and its on-demand parts (`src/js/web.js`,
//! `src/js/inspect.js`, `src/js/threads.js`, `src/js/kv.js`) to QuickJS bytecode, so that a run does not parse them (see
//! `src/bytecode.rs`).

#[path = "src/bytecode.rs"]
mod bytecode;

fn main() {
    println!("cargo:rerun-if-changed=src/bytecode.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let rt = rquickjs::Runtime::new().expect("a QuickJS runtime");
    let ctx = rquickjs::Context::full(&rt).expect("a QuickJS context");
    for (file, name, target) in [
        ("src/js/prelude.js", "<dols prelude>", "prelude.qjsbc"),
        ("src/js/web.js", "<dols web>", "web.qjsbc"),
        ("src/js/inspect.js", "<dols inspect>", "inspect.qjsbc"),
        ("src/js/threads.js", "<dols threads>", "threads.qjsbc"),
        ("src/js/kv.js", "<dols kv>", "kv.qjsbc"),
    ] {
        println!("cargo:rerun-if-changed={file}");
        let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let bytes = ctx
            .with(|ctx| bytecode::compile_script(&ctx, &source, name))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join(target), bytes).expect("write the bytecode");
    }
}
