//! Builds QuickJS with the dols debugger hook.
//!
//! The repository holds no engine source. This script has cargo fetch the registry's
//! `rquickjs-sys` package at exactly [`UPSTREAM_VERSION`] (through a throw-away manifest in
//! `OUT_DIR`, resolved offline first, then online), copies the engine's C files and the Rust
//! bindings into `OUT_DIR`, inserts the hook (`patch/debug.c` and a few lines in the
//! interpreter) at anchors that must each be found exactly once — the build fails naming the
//! anchor otherwise — and compiles the result the way the upstream build script does for
//! native targets.
//!
//! `DOLS_RQUICKJS_SYS_SRC` may name an unpacked `rquickjs-sys` package directory to use instead.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const UPSTREAM_VERSION: &str = "0.14.0";

const SOURCE_FILES: &[&str] = &["libregexp.c", "libunicode.c", "quickjs.c", "dtoa.c"];
const HEADER_FILES: &[&str] = &[
    "builtin-array-fromasync.h",
    "builtin-iterator-zip-keyed.h",
    "builtin-iterator-zip.h",
    "cutils.h",
    "dtoa.h",
    "libregexp-opcode.h",
    "libregexp.h",
    "libunicode-table.h",
    "libunicode.h",
    "list.h",
    "quickjs-atom.h",
    "quickjs-opcode.h",
    "quickjs-c-atomics.h",
    "quickjs.h",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=patch/debug.c");
    println!("cargo:rerun-if-env-changed=DOLS_RQUICKJS_SYS_SRC");
    println!("cargo:rerun-if-env-changed=DOLS_QUICKJS_NO_DISPATCH_CHECK");
    println!("cargo:rerun-if-env-changed=CARGO_CFG_SANITIZE");
    if env::var_os("CARGO_FEATURE_BINDGEN").is_some() {
        panic!("the dols build of rquickjs-sys uses the bindings shipped with the package; the `bindgen` feature is not supported");
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let upstream = upstream_package(&out);

    // The engine, patched.
    let engine = out.join("quickjs");
    fs::create_dir_all(&engine).unwrap();
    for f in SOURCE_FILES.iter().chain(HEADER_FILES) {
        let from = upstream.join("quickjs").join(f);
        fs::copy(&from, engine.join(f)).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
    fs::copy(upstream.join("quickjs.bind.h"), engine.join("quickjs.bind.h")).unwrap();
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let hook = fs::read_to_string(manifest_dir.join("patch/debug.c")).unwrap();
    let quickjs_c = fs::read_to_string(engine.join("quickjs.c")).unwrap();
    let mut patched = patch_quickjs(&quickjs_c, &hook);
    if !dump_features() {
        patched = without_dumps(&patched);
    }
    fs::write(engine.join("quickjs.c"), patched).unwrap();

    // The Rust side: upstream's `src/lib.rs` without its crate attributes (ours carries them),
    // next to the files it includes by relative path.
    let rust = out.join("upstream");
    let target = env::var("TARGET").unwrap();
    let bindings = upstream.join("src/bindings").join(format!("{target}.rs"));
    if !bindings.exists() {
        panic!("rquickjs-sys {UPSTREAM_VERSION} ships no bindings for `{target}`");
    }
    fs::create_dir_all(rust.join("bindings")).unwrap();
    fs::create_dir_all(rust.join("inlines")).unwrap();
    fs::copy(&bindings, rust.join("bindings").join(format!("{target}.rs"))).unwrap();
    for entry in fs::read_dir(upstream.join("src/inlines")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), rust.join("inlines").join(entry.file_name())).unwrap();
    }
    let lib = fs::read_to_string(upstream.join("src/lib.rs")).unwrap();
    let body: String = lib
        .lines()
        .filter(|l| !l.trim_start().starts_with("#!["))
        .map(|l| format!("{l}\n"))
        .collect();
    for needed in ["include!(concat!(env!(\"OUT_DIR\"), \"/bindings.rs\"));", "bindings_env!(\"TARGET\")"] {
        expect_once(&body, needed, "src/lib.rs");
    }
    fs::write(rust.join("body.rs"), body).unwrap();
    // What upstream's script writes to `OUT_DIR/bindings.rs` when it uses the shipped bindings.
    fs::write(
        out.join("bindings.rs"),
        format!("macro_rules! bindings_env {{\n    (\"TARGET\") => {{ \"{target}\" }};\n}}\n"),
    )
    .unwrap();

    compile(&engine);
}

/// Compiles the engine as upstream's build script does for native targets.
fn compile(engine: &Path) {
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let target_arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    if target_arch.starts_with("wasm") || target_os == "wasi" {
        panic!("the dols build of rquickjs-sys does not support WebAssembly targets");
    }
    let mut build = cc::Build::new();
    build
        .extra_warnings(false)
        .flag_if_supported("-Wno-implicit-const-int-float-conversion");
    match env::var("CARGO_CFG_SANITIZE").as_deref() {
        Ok(s @ ("address" | "memory" | "thread")) => {
            build
                .flag(format!("-fsanitize={s}"))
                .flag("-fno-sanitize-recover=all")
                .flag("-fno-omit-frame-pointer");
        }
        Ok(other) => println!("cargo:warning=Unsupported sanitize_option: '{other}'"),
        Err(_) => {}
    }
    if target_os == "windows" {
        if target_env == "msvc" {
            build
                .flag("/DWIN32_LEAN_AND_MEAN")
                .flag("/std:c11")
                .flag("/experimental:c11atomics");
        } else {
            build.flag("-DWIN32_LEAN_AND_MEAN").flag("-std=c11");
        }
    }
    build.define("_GNU_SOURCE", None);
    if env::var_os("CARGO_FEATURE_DISABLE_ASSERTIONS").is_some() {
        build.define("NDEBUG", None);
    }
    for f in SOURCE_FILES {
        build.file(engine.join(f));
    }
    build.compile("quickjs");
}

/// Inserts the hook into `quickjs.c`. Every anchor must occur exactly once.
fn patch_quickjs(src: &str, hook: &str) -> String {
    let mut s = src.to_string();
    // Per-runtime state: the hooks (NULL: off), re-entrancy guard, the stopped frame.
    s = insert_before(
        &s,
        "    JSRuntimeFinalizerState *finalizers;\n};\n",
        "    JSRuntimeFinalizerState *finalizers;\n",
        "    /* dols debugger hook */\n    const struct JSDebugHooks *dbg_hooks;\n    bool dbg_in_hook;\n    struct JSStackFrame *dbg_stop_sf;\n",
    );
    // Per-function stop-point table and the epoch it was built for.
    s = insert_before(
        &s,
        "    uint8_t *pc2line_buf;\n    char *source;\n} JSFunctionBytecode;\n",
        "    uint8_t *pc2line_buf;\n    char *source;\n",
        "    uint8_t *dbg_marks; /* dols debugger: stop points, see js_dbg_build_marks */\n    uint32_t dbg_epoch;\n",
    );
    s = insert_after(
        &s,
        "    js_free_rt(rt, b->pc2line_buf);\n    js_free_rt(rt, b->source);\n",
        "    js_free_rt(rt, b->dbg_marks);\n",
    );
    // Function objects get their `length` and `name` without JS_DefineProperty's general path.
    s = insert_after(
        &s,
        "static void js_function_set_properties(JSContext *ctx, JSValue func_obj,\n                                       JSAtom name, int len)\n{\n",
        FUNCTION_PROPERTIES,
    );
    // The hook's functions, right before the interpreter.
    s = insert_before(
        &s,
        "static JSValue JS_CallInternal(JSContext *caller_ctx, JSValueConst func_obj,\n",
        "",
        &format!("/* ---- dols debugger hook ---- */\n{hook}\n/* ---- end of the dols debugger hook ---- */\n\n"),
    );
    // For measuring the hook's cost only: the interpreter as upstream has it (the hook's
    // functions are there but never called).
    if env::var("DOLS_QUICKJS_NO_DISPATCH_CHECK").as_deref() == Ok("1") {
        println!("cargo:warning=QuickJS built without the debugger's dispatch check (DOLS_QUICKJS_NO_DISPATCH_CHECK=1)");
        return s;
    }
    // The check at the dispatch of every opcode (both dispatch styles).
    for tail in ["switch (opcode = *pc++)", "__extension__ ({ goto *dispatch_table[opcode = *pc++]; });"] {
        s = insert_after(&s, &format!("#define SWITCH(pc)      DUMP_BYTECODE_OR_DONT(pc) {tail}"), "");
        s = s.replacen(
            &format!("DUMP_BYTECODE_OR_DONT(pc) {tail}"),
            &format!("DUMP_BYTECODE_OR_DONT(pc) JS_DBG_CHECK(pc) {tail}"),
            1,
        );
    }
    // Frame exit, for stepping over and out (also across await).
    s = insert_before(
        &s,
        "    rt->current_stack_frame = sf->prev_frame;\n    return ret_val;\n}\n\nJSValue JS_Call(JSContext *ctx,",
        "",
        "    if (unlikely(rt->dbg_hooks != NULL))\n        js_dbg_frame_exit(ctx, sf, b, b->func_kind == JS_FUNC_NORMAL || JS_IsException(ret_val) ||\n                          !(opcode == OP_await || opcode == OP_yield || opcode == OP_yield_star ||\n                            opcode == OP_async_yield_star || opcode == OP_initial_yield));\n",
    );
    s
}

/// Whether one of the `dump-*` features is on: only they set the runtime's dump flags (rquickjs
/// calls `JS_SetDumpFlags` with the flags of the features that are on, and nothing else does).
fn dump_features() -> bool {
    env::vars_os().any(|(k, _)| k.to_str().is_some_and(|k| k.starts_with("CARGO_FEATURE_DUMP_")))
}

/// The engine without its dump code. Upstream compiles it in whenever assertions are (without
/// `NDEBUG`), and then calls a tracing function for every item it reads from bytecode and tests
/// the dump flags all over; with the flags always zero that is work for nothing — about 5 % of
/// the instructions of reading the prelude's bytecode at every start. Assertions stay.
fn without_dumps(s: &str) -> String {
    let anchor = "#ifndef NDEBUG\n#define ENABLE_DUMPS\n#endif\n";
    expect_once(s, anchor, "quickjs.c");
    s.replacen(anchor, "/* dols: ENABLE_DUMPS left undefined (no dump-* feature is on) */\n", 1)
}

/// The start of `js_function_set_properties`. Both its callers (a closure made from bytecode,
/// a C function) pass a function object they have just created, with no own property yet; for
/// such an ordinary, extensible object JS_DefinePropertyValue ends in `add_property` with the
/// given flags and the value, after a lookup and checks that cannot apply. Adding the two
/// properties directly gives the same object (same shapes, same order, same flags) for about a
/// third of the instructions; about 450 function objects are made this way at every start
/// (context and prelude). Anything else takes the general path below.
const FUNCTION_PROPERTIES: &str = "    /* dols: a new function object with no own property: add them directly */
    {
        JSObject *p = JS_VALUE_GET_OBJ(func_obj);
        JSProperty *pr;
        if (!p->is_exotic && p->extensible && p->shape->prop_count == 0) {
            pr = add_property(ctx, p, JS_ATOM_length, JS_PROP_CONFIGURABLE);
            if (!pr)
                return;
            pr->u.value = js_int32(len);
            pr = add_property(ctx, p, JS_ATOM_name, JS_PROP_CONFIGURABLE);
            if (!pr)
                return;
            pr->u.value = JS_AtomToString(ctx, name);
            return;
        }
    }
";

fn expect_once(s: &str, anchor: &str, file: &str) {
    let n = s.matches(anchor).count();
    if n != 1 {
        panic!(
            "rquickjs-sys {UPSTREAM_VERSION}: expected the anchor {anchor:?} once in {file}, found it {n} times; the debugger hook must be adapted to this engine version"
        );
    }
}

/// Inserts `text` before `anchor` (at the position `keep` bytes into it).
fn insert_before(s: &str, anchor: &str, keep: &str, text: &str) -> String {
    expect_once(s, anchor, "quickjs.c");
    assert!(anchor.starts_with(keep));
    let at = s.find(anchor).unwrap() + keep.len();
    format!("{}{}{}", &s[..at], text, &s[at..])
}

fn insert_after(s: &str, anchor: &str, text: &str) -> String {
    expect_once(s, anchor, "quickjs.c");
    let at = s.find(anchor).unwrap() + anchor.len();
    format!("{}{}{}", &s[..at], text, &s[at..])
}

/// The unpacked upstream package: cargo resolves a manifest that depends on exactly that
/// version, which downloads and unpacks it into cargo's registry cache if needed.
fn upstream_package(out: &Path) -> PathBuf {
    if let Some(dir) = env::var_os("DOLS_RQUICKJS_SYS_SRC") {
        return PathBuf::from(dir);
    }
    let fetch = out.join("fetch-upstream");
    fs::create_dir_all(fetch.join("src")).unwrap();
    fs::write(
        fetch.join("Cargo.toml"),
        format!(
            "[package]\nname = \"dols-fetch-rquickjs-sys\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nrquickjs-sys = \"={UPSTREAM_VERSION}\"\n\n[workspace]\n"
        ),
    )
    .unwrap();
    fs::write(fetch.join("src/lib.rs"), "").unwrap();
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut errors = String::new();
    for offline in [true, false] {
        let mut cmd = Command::new(&cargo);
        cmd.arg("metadata")
            .arg("--format-version=1")
            .arg("--manifest-path")
            .arg(fetch.join("Cargo.toml"))
            .current_dir(&fetch)
            .env_remove("CARGO_TARGET_DIR");
        if offline {
            cmd.arg("--offline");
        }
        let output = cmd.output().expect("run cargo metadata");
        if !output.status.success() {
            errors.push_str(&String::from_utf8_lossy(&output.stderr));
            continue;
        }
        let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata output");
        let pkg = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "rquickjs-sys" && p["version"] == UPSTREAM_VERSION)
            .unwrap_or_else(|| panic!("cargo metadata did not list rquickjs-sys {UPSTREAM_VERSION}"));
        let manifest = PathBuf::from(pkg["manifest_path"].as_str().unwrap());
        return manifest.parent().unwrap().to_path_buf();
    }
    panic!("could not obtain the rquickjs-sys {UPSTREAM_VERSION} package from the registry:\n{errors}");
}
