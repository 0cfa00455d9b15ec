//! End-to-end tests of dols in a real Neovim.
//!
//! - `counter_project_jsonc_config`, `booking_project_toml_config`: copy an example project
//!   from `docs/examples/` into a fresh temporary directory, break one line of its wrangler
//!   config, and run a headless Neovim on `tests/nvim/e2e.lua`. The script starts `dols lsp`
//!   with `vim.lsp.start_client`, asks for completion after `this.ctx.storage.` typed inside a
//!   Durable Object method, opens the broken config, and writes what it saw to a JSON file
//!   that the test then checks.
//! - `plugin_counter_project`: runs `tests/nvim/plugin.lua`, which loads the plugin in
//!   `editors/nvim` with `require("dols").setup{}` and, through it, sees the diagnostic of a
//!   broken query, completes inside a SQL string, hovers a column, and runs `:DolsSchema`,
//!   `:DolsStatus` and `:DolsRestart`.
//! - `lsp_config_and_lspconfig_definition`: `editors/nvim/lsp/dols.lua` through Neovim 0.11+'s
//!   `vim.lsp.config`/`vim.lsp.enable` (`tests/nvim/lsp_config.lua`), and the root detection
//!   of the nvim-lspconfig definition.
//! - `injection_queries`: compiles the TypeScript and TSX parsers from the C source of the
//!   `tree-sitter-typescript` crate this workspace builds with (found with `cargo metadata`)
//!   and runs `tests/nvim/injections.lua`, which checks that Neovim's own injection machinery,
//!   reading `grammars/queries/*/injections.scm`, marks as SQL exactly the strings the
//!   fixtures in `tests/nvim/injections/` mark. Needs Neovim 0.10 or later and a C compiler
//!   (`cc`, or `$CC`). The compiled parsers are kept under the target directory's `tmp/`.
//!
//! Each test runs on every Neovim listed in `DOLS_NVIM` (executables separated by `:`;
//! default `nvim`), so that one run covers the oldest API the plugin supports (Debian's 0.7)
//! and the newest. Without a listed Neovim, or without one recent enough for the tree-sitter
//! test, or without a C compiler, the tests print why and pass, except under `CI=true`,
//! where they fail.
//!
//! Run the tests:
//!
//! ```text
//! cargo test -p dols --test nvim -- --nocapture
//! DOLS_NVIM="nvim:$HOME/.cache/dols-nvim/venv/bin/nvim" cargo test -p dols --test nvim
//! ```
//!
//! Run the first script by hand against any project (it edits buffers only, never files):
//!
//! ```text
//! cargo build -p dols
//! DOLS_BIN="${CARGO_TARGET_DIR:-target}/debug/dols" DOLS_E2E_PROJECT=docs/examples/counter \
//! DOLS_E2E_OUT=result.json nvim --headless --clean -u NONE -S tests/nvim/e2e.lua
//! echo "exit $?"; cat result.json
//! ```
//!
//! The scripts document their variables at their top. With an unbroken config the
//! diagnostics wait of `e2e.lua` times out, which the result reports as its `error`. When a
//! test fails it keeps its temporary directory and prints the path: it holds the project, the
//! result, Neovim's output and Neovim's `lsp.log` (with the server's stderr).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use serde_json::Value;

#[allow(dead_code)]
#[path = "../e2e_support.rs"]
mod e2e_support;
use e2e_support::{copy_dir, file, run_with_timeout, tail, tool_missing, Scratch};

/// How long one Neovim run may take before it is killed.
const NVIM_TIMEOUT: Duration = Duration::from_secs(60);

/// Completion labels that must be offered after `this.ctx.storage.`.
const STORAGE_MEMBERS: [&str; 6] = ["sql", "kv", "get", "put", "setAlarm", "transactionSync"];

#[test]
fn counter_project_jsonc_config() {
    run_case(Case {
        example: "counter",
        config: "wrangler.jsonc",
        anchor: "reset(): number {",
        // Drop the colon after a key: `"main" "src/index.ts",`.
        break_line: ("\"main\":", "\"main\""),
    });
}

#[test]
fn booking_project_toml_config() {
    run_case(Case {
        example: "booking",
        config: "wrangler.toml",
        anchor: "listSlots(): Slot[] {",
        // Drop the equals sign after a key: `main "src/index.ts"`.
        break_line: ("main = ", "main "),
    });
}

struct Case {
    /// Directory under `docs/examples/`.
    example: &'static str,
    /// The wrangler config file of that example.
    config: &'static str,
    /// Text of the method line after which the script types `this.ctx.storage.`.
    anchor: &'static str,
    /// `(from, to)`: the first line starting with `from` (after indentation) has `from`
    /// replaced by `to`, which must be a syntax error on that line.
    break_line: (&'static str, &'static str),
}

fn run_case(case: Case) {
    for nvim in nvims() {
        run_case_on(&nvim, &case);
    }
}

fn run_case_on(nvim: &Nvim, case: &Case) {
    eprintln!("{}: using {}", case.example, nvim.version_line);
    let repo = repo_root();
    let script = repo.join("tests/nvim/e2e.lua");

    let scratch = Scratch::new("nvim", case.example, report);
    let project = scratch.path.join("project");
    copy_dir(&repo.join("docs/examples").join(case.example), &project)
        .unwrap_or_else(|e| panic!("copying the {} example: {e}", case.example));
    let broken_line = break_config(&project.join(case.config), case.break_line);

    let (result, text) = run_script(
        nvim,
        &scratch,
        &script,
        &project,
        &["-u", "NONE"],
        &[
            ("DOLS_BIN", env!("CARGO_BIN_EXE_dols").into()),
            ("DOLS_E2E_PROJECT", project.clone().into()),
            ("DOLS_E2E_ANCHOR", case.anchor.into()),
        ],
    );
    let report = || scratch.report();

    let labels = strings(&result["completion"], &text);
    let missing: Vec<&str> =
        STORAGE_MEMBERS.iter().copied().filter(|m| !labels.contains(m)).collect();
    assert!(
        missing.is_empty(),
        "{}: completion after `this.ctx.storage.` lacks {missing:?}; offered: {labels:?}\n{}",
        nvim.version_line,
        report()
    );

    let diagnostics = result["config_diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("`config_diagnostics` is not a list: {text}"));
    let on_broken_line = diagnostics
        .iter()
        .any(|d| d["code"] == "config-syntax" && d["lnum"].as_u64() == Some(broken_line as u64));
    assert!(
        on_broken_line,
        "{}: expected a `config-syntax` diagnostic on line {} of {}; got {}\n{}",
        nvim.version_line,
        broken_line + 1,
        case.config,
        serde_json::to_string_pretty(diagnostics).unwrap_or_default(),
        report()
    );
}

/// The plugin in `editors/nvim`, set up with `require("dols").setup{}`, on the counter example
/// (with a `dols.toml` added, so that the plugin's attaching to it is seen).
#[test]
fn plugin_counter_project() {
    for nvim in nvims() {
        plugin_counter_project_on(&nvim);
    }
}

fn plugin_counter_project_on(nvim: &Nvim) {
    eprintln!("plugin: using {}", nvim.version_line);
    let repo = repo_root();
    let script = repo.join("tests/nvim/plugin.lua");
    let scratch = Scratch::new("nvim", "plugin", report);
    let project = scratch.path.join("project");
    copy_dir(&repo.join("docs/examples/counter"), &project)
        .unwrap_or_else(|e| panic!("copying the counter example: {e}"));
    fs::write(project.join("dols.toml"), "[lint]\nstub-call-not-awaited = \"warning\"\n")
        .unwrap_or_else(|e| panic!("writing dols.toml: {e}"));

    let (r, text) = run_script(
        nvim,
        &scratch,
        &script,
        &project,
        &[],
        &[
            ("DOLS_BIN", env!("CARGO_BIN_EXE_dols").into()),
            ("DOLS_E2E_PROJECT", project.clone().into()),
            ("DOLS_PLUGIN_DIR", repo.join("editors/nvim").into()),
        ],
    );
    let v = &nvim.version_line;
    let report = || scratch.report();
    let fail = |what: &str| -> ! { panic!("{v}: {what}\nresult: {text}\n{}", report()) };

    // Which API started the server: 0.7 has no vim.lsp.start.
    if r["has_lsp_start"] != Value::Bool(nvim.version >= (0, 8, 0)) {
        fail("`has_lsp_start` does not match the version");
    }
    for key in ["source_attached", "config_attached", "settings_file_attached"] {
        if r[key] != Value::Bool(true) {
            fail(&format!("`{key}` is not true"));
        }
    }
    if r["package_json_attached"] != Value::Bool(false) {
        fail("dols attached to package.json, which is not its file");
    }

    // The broken query: one `sql-unknown-column` diagnostic, exactly on the column's name.
    let row = r["broken_query"]["row"].as_u64().unwrap_or_else(|| fail("no broken query row"));
    let line = r["broken_query"]["text"].as_str().unwrap_or_else(|| fail("no broken query text"));
    let start = line.find("missing_column").unwrap_or_else(|| fail("the broken query names no missing_column")) as u64;
    let end = start + "missing_column".len() as u64;
    let on_row: Vec<&Value> = r["diagnostics"]
        .as_array()
        .unwrap_or_else(|| fail("`diagnostics` is not a list"))
        .iter()
        .filter(|d| d["lnum"].as_u64() == Some(row))
        .collect();
    let exact = on_row.iter().any(|d| {
        d["code"] == "sql-unknown-column"
            && d["col"].as_u64() == Some(start)
            && d["end_lnum"].as_u64() == Some(row)
            && d["end_col"].as_u64() == Some(end)
    });
    if !exact || on_row.len() != 1 {
        fail(&format!("expected one sql-unknown-column diagnostic at {row}:{start}-{end}, got {on_row:?}"));
    }

    // Completion after `SELECT ` in a query on `counter`: its columns and the table.
    let labels = strings(&r["completion"]["labels"], &text);
    for want in ["id", "value", "counter"] {
        if !labels.contains(&want) {
            fail(&format!("completion inside the SQL string lacks `{want}`"));
        }
    }
    if labels.contains(&"setAlarm") || labels.contains(&"transactionSync") {
        fail("completion inside the SQL string offers TypeScript members");
    }

    // Hover on the column `value`: its table and declared type.
    let hover = r["hover"]["text"].as_str().unwrap_or_else(|| fail("no hover text"));
    if !(hover.contains("counter.value") && hover.contains("INTEGER")) {
        fail("the hover on `value` does not describe the column counter.value INTEGER");
    }

    // :DolsSchema with the cursor in Counter: its CREATE TABLE, in a SQL scratch buffer.
    let schema = strings(&r["schema"]["lines"], &text).join("\n");
    if r["schema"]["filetype"] != "sql" || !schema.contains("CREATE TABLE counter") {
        fail("`:DolsSchema` did not show Counter's schema");
    }
    if r["schema_source"] != "server" {
        fail("`:DolsSchema` did not get the schema from the server's `dols.showSchema`");
    }
    if schema.contains("RateLimiter") {
        fail("`:DolsSchema` showed more than the class under the cursor");
    }

    // :DolsStatus: the server's report, with the settings given to setup().
    let status = strings(&r["status"], &text).join("\n");
    if !status.contains("stub-call-not-awaited") || !status.contains("dols.toml") {
        fail("`:DolsStatus` lacks the settings from setup() or the project's dols.toml");
    }

    // :DolsRestart: a new client replaces the old one.
    let before = r["restart"]["before"].as_array().cloned().unwrap_or_default();
    let after = r["restart"]["after"].as_array().cloned().unwrap_or_default();
    if before.len() != 1 || after.len() != 1 || before == after {
        fail("`:DolsRestart` did not replace the one client with a new one");
    }
}

/// `editors/nvim/lsp/dols.lua` through `vim.lsp.config`/`vim.lsp.enable` (Neovim 0.11+), and
/// the root detection of the nvim-lspconfig definition, on the counter example with a query
/// broken so that a diagnostic shows.
#[test]
fn lsp_config_and_lspconfig_definition() {
    let recent: Vec<Nvim> = nvims().into_iter().filter(|n| n.version >= (0, 11, 0)).collect();
    if recent.is_empty() {
        tool_missing("no Neovim 0.11 or later is listed in DOLS_NVIM (default `nvim`); vim.lsp.config needs one");
        return;
    }
    let repo = repo_root();
    for nvim in recent {
        eprintln!("lsp_config: using {}", nvim.version_line);
        let scratch = Scratch::new("nvim", "lsp-config", report);
        let project = scratch.path.join("project");
        copy_dir(&repo.join("docs/examples/counter"), &project)
            .unwrap_or_else(|e| panic!("copying the counter example: {e}"));
        let index = project.join("src/index.ts");
        let text = fs::read_to_string(&index).expect("the counter example has src/index.ts");
        let broken = text.replacen("SELECT value FROM counter", "SELECT value FROM no_such_table", 1);
        assert_ne!(broken, text, "the counter example no longer has the query this test breaks");
        fs::write(&index, broken).expect("writing src/index.ts");

        let (r, text) = run_script(
            &nvim,
            &scratch,
            &repo.join("tests/nvim/lsp_config.lua"),
            &project,
            &[],
            &[
                ("DOLS_BIN", env!("CARGO_BIN_EXE_dols").into()),
                ("DOLS_E2E_PROJECT", project.clone().into()),
                ("DOLS_PLUGIN_DIR", repo.join("editors/nvim").into()),
            ],
        );
        let report = || scratch.report();
        let root = project.to_string_lossy().to_string();
        assert_eq!(r["source_root"], root.as_str(), "vim.lsp.enable rooted dols elsewhere: {text}\n{}", report());
        let codes = strings(&r["diagnostic_codes"], &text);
        assert!(codes.contains(&"sql-unknown-table"), "no sql-unknown-table diagnostic: {text}\n{}", report());
        assert_eq!(r["package_json_attached"], false, "dols attached to package.json: {text}");
        let roots = &r["lspconfig_roots"];
        assert_eq!(roots["src/index.ts"], root.as_str(), "lspconfig root of a source: {text}");
        assert_eq!(roots["wrangler.jsonc"], root.as_str(), "lspconfig root of the config: {text}");
        assert!(roots["package.json"].is_null(), "lspconfig took package.json: {text}");
        assert!(roots["tsconfig.json"].is_null(), "lspconfig took tsconfig.json: {text}");
        assert!(roots["../elsewhere.ts"].is_null(), "lspconfig found a root outside the project: {text}");
    }
}

/// The three copies of the injection queries are one text.
#[test]
fn injection_query_copies_agree() {
    let queries = repo_root().join("grammars/queries");
    let read = |lang: &str| {
        let path = queries.join(lang).join("injections.scm");
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let typescript = read("typescript");
    assert!(typescript.starts_with("; extends\n"), "injections.scm must extend the stock queries");
    for lang in ["tsx", "javascript"] {
        assert_eq!(read(lang), typescript, "grammars/queries/{lang}/injections.scm differs from the typescript one");
    }
}

/// The SQL injection queries, read by Neovim's tree-sitter with real TypeScript and TSX
/// parsers (see the top of this file).
#[test]
fn injection_queries() {
    let recent: Vec<Nvim> = nvims().into_iter().filter(|n| n.version >= (0, 10, 0)).collect();
    if recent.is_empty() {
        tool_missing("no Neovim 0.10 or later is listed in DOLS_NVIM (default `nvim`); the tree-sitter test needs one");
        return;
    }
    let Some(parsers) = typescript_parsers() else { return };
    let repo = repo_root();
    for nvim in recent {
        eprintln!("injections: using {}", nvim.version_line);
        let scratch = Scratch::new("nvim", "injections", report);
        let mut vars = vec![
            ("DOLS_PLUGIN_DIR", repo.join("editors/nvim").into_os_string()),
            ("DOLS_FIXTURES", repo.join("tests/nvim/injections").into_os_string()),
            ("DOLS_TS_PARSER", parsers.typescript.clone().into_os_string()),
            ("DOLS_TSX_PARSER", parsers.tsx.clone().into_os_string()),
        ];
        if let Some(js) = std::env::var_os("DOLS_JS_PARSER") {
            vars.push(("DOLS_JS_PARSER", js));
        }
        let script = repo.join("tests/nvim/injections.lua");
        let (r, text) = run_script(&nvim, &scratch, &script, &scratch.path, &["-u", "NONE"], &vars);
        for name in ["example.ts", "example.tsx", "example.js"] {
            let file = &r["files"][name];
            let expected = strings(&file["expected"], &text);
            let injected = strings(&file["injected"], &text);
            assert!(expected.len() >= 8, "{name}: the fixture marks too few strings: {expected:?}");
            assert_eq!(
                injected,
                expected,
                "{}: {name} ({}): the SQL regions Neovim injected differ from the marked strings\n{}",
                nvim.version_line,
                file["language"],
                scratch.report()
            );
        }
    }
}

/// A Neovim to test with.
struct Nvim {
    program: PathBuf,
    version: (u32, u32, u32),
    /// The first line of `nvim --version`.
    version_line: String,
}

/// The Neovims listed in `DOLS_NVIM` (default `nvim`) that can be run. One that cannot is
/// skipped with a message, or fails the test under `CI=true`.
fn nvims() -> Vec<Nvim> {
    let list = std::env::var("DOLS_NVIM").unwrap_or_default();
    let list = if list.trim().is_empty() { "nvim".to_string() } else { list };
    let mut out = Vec::new();
    for program in list.split(':').map(str::trim).filter(|p| !p.is_empty()) {
        match nvim_version(Path::new(program)) {
            Some((version, version_line)) => {
                out.push(Nvim { program: PathBuf::from(program), version, version_line })
            }
            None => tool_missing(&format!(
                "cannot run `{program}` (from DOLS_NVIM, default `nvim`): install Neovim (apt-get install neovim)"
            )),
        }
    }
    out
}

/// The version and first line of `nvim --version`, or `None` when it cannot be run.
fn nvim_version(program: &Path) -> Option<((u32, u32, u32), String)> {
    let output = Command::new(program).arg("--version").stdin(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().next().unwrap_or("nvim").to_string();
    // `NVIM v0.7.2`, `NVIM v0.12.0-dev-...`
    let numbers = line.split_once('v')?.1;
    let mut parts = numbers.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    let mut next = || parts.next().and_then(|p| p.parse().ok());
    let version = (next()?, next()?, next().unwrap_or(0));
    Some((version, line))
}

/// Runs `nvim --headless --clean [extra args] -S script` in `cwd` with the given variables
/// (plus `DOLS_E2E_OUT` and `DOLS_E2E_TIMEOUT_MS`), and returns the JSON result it wrote and
/// its text, after checking that it reports no error and that Neovim exited with status 0.
fn run_script(
    nvim: &Nvim,
    scratch: &Scratch,
    script: &Path,
    cwd: &Path,
    extra_args: &[&str],
    vars: &[(&str, OsString)],
) -> (Value, String) {
    assert!(script.is_file(), "missing {}", script.display());
    let out = scratch.path.join("result.json");
    // Neovim keeps its cache, state and data (lsp.log among them) inside the scratch dir.
    let mut cmd = Command::new(&nvim.program);
    cmd.args(["--headless", "--clean"])
        .args(extra_args)
        .arg("-S")
        .arg(script)
        .current_dir(cwd)
        .env("DOLS_E2E_OUT", &out)
        .env("DOLS_E2E_TIMEOUT_MS", "15000")
        .env("DOLS_LOG", "debug")
        .env("XDG_CONFIG_HOME", scratch.path.join("xdg/config"))
        .env("XDG_CACHE_HOME", scratch.path.join("xdg/cache"))
        .env("XDG_STATE_HOME", scratch.path.join("xdg/state"))
        .env("XDG_DATA_HOME", scratch.path.join("xdg/data"))
        .stdin(Stdio::null())
        .stdout(file(&scratch.path.join("nvim.stdout")))
        .stderr(file(&scratch.path.join("nvim.stderr")));
    for (name, value) in vars {
        cmd.env(name, value);
    }
    let status = run_with_timeout(cmd, NVIM_TIMEOUT, "Neovim", scratch);

    let report = || scratch.report();
    let text = fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!("{} ({status}) wrote no result to {}: {e}\n{}", nvim.version_line, out.display(), report())
    });
    let result: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the result is not JSON ({e}): {text}\n{}", report()));
    if !result["error"].is_null() {
        panic!(
            "{}: {} failed: {}\nresult: {text}\n{}",
            nvim.version_line,
            script.file_name().unwrap_or_default().to_string_lossy(),
            result["error"],
            report()
        );
    }
    assert!(status.success(), "Neovim exited with {status} but reported no error\n{}", report());
    (result, text)
}

/// A list of strings in a result.
fn strings<'a>(value: &'a Value, text: &str) -> Vec<&'a str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value} in {text}"))
        .iter()
        .map(|l| l.as_str().unwrap_or_else(|| panic!("not a string: {l} in {text}")))
        .collect()
}

/// The compiled TypeScript and TSX parsers.
struct Parsers {
    typescript: PathBuf,
    tsx: PathBuf,
}

/// Compiles (or reuses) the parsers of the `tree-sitter-typescript` crate the workspace
/// depends on. `None` (after a message, or a panic under `CI=true`) when no C compiler runs.
fn typescript_parsers() -> Option<Parsers> {
    let compiler = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let runs = Command::new(&compiler).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !runs.is_ok_and(|s| s.success()) {
        tool_missing(&format!(
            "no C compiler (`{}`) to build the TypeScript parser: install one (apt-get install gcc)",
            compiler.to_string_lossy()
        ));
        return None;
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--manifest-path"])
        .arg(repo_root().join("Cargo.toml"))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo metadata: {e}"));
    assert!(output.status.success(), "cargo metadata failed ({})", output.status);
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let package = metadata["packages"]
        .as_array()
        .expect("cargo metadata lists packages")
        .iter()
        .find(|p| p["name"] == "tree-sitter-typescript")
        .expect("the workspace depends on tree-sitter-typescript");
    let version = package["version"].as_str().expect("a package version");
    let manifest = PathBuf::from(package["manifest_path"].as_str().expect("a manifest path"));
    let source = manifest.parent().expect("the manifest is in the crate's directory").to_path_buf();

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("nvim-parsers/tree-sitter-typescript-{version}"));
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let build = |grammar: &'static str| {
        let (source, dir, compiler) = (source.clone(), dir.clone(), compiler.clone());
        thread::spawn(move || {
            let lib = dir.join(format!("{grammar}.so"));
            if lib.is_file() {
                return lib;
            }
            let src = source.join(grammar).join("src");
            let partial = dir.join(format!("{grammar}.so.{}", std::process::id()));
            let out = Command::new(&compiler)
                .args(["-shared", "-fPIC", "-O0", "-w", "-I"])
                .arg(&src)
                .arg("-o")
                .arg(&partial)
                .arg(src.join("parser.c"))
                .arg(src.join("scanner.c"))
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("running the C compiler: {e}"));
            assert!(
                out.status.success(),
                "compiling the {grammar} parser from {} failed:\n{}",
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            fs::rename(&partial, &lib).unwrap_or_else(|e| panic!("{}: {e}", lib.display()));
            lib
        })
    };
    let (typescript, tsx) = (build("typescript"), build("tsx"));
    Some(Parsers {
        typescript: typescript.join().expect("the typescript parser builds"),
        tsx: tsx.join().expect("the tsx parser builds"),
    })
}

fn repo_root() -> PathBuf {
    // This test belongs to the crate in server/cli.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate lives two levels below the repository root")
        .to_path_buf()
}

/// Applies `break_line` to the config and returns the 0-based number of the changed line.
fn break_config(path: &Path, (from, to): (&str, &str)) -> usize {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let index = lines
        .iter()
        .position(|l| l.trim_start().starts_with(from))
        .unwrap_or_else(|| panic!("no line of {} starts with {from:?}", path.display()));
    lines[index] = lines[index].replacen(from, to, 1);
    fs::write(path, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    index
}

/// Neovim's output and log, for failure messages.
fn report(path: &Path) -> String {
    let read = |rel: &str| fs::read_to_string(path.join(rel)).unwrap_or_default();
    // Neovim 0.7 to 0.9 write lsp.log to the cache directory, later versions to the state one.
    let lsp_log = read("xdg/cache/nvim/lsp.log") + &read("xdg/state/nvim/lsp.log");
    format!(
        "--- nvim stdout\n{}\n--- nvim stderr\n{}\n--- lsp.log\n{}\n--- kept {}",
        tail(&read("nvim.stdout")),
        tail(&read("nvim.stderr")),
        tail(&lsp_log),
        path.display()
    )
}

