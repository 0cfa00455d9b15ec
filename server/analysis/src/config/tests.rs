use std::fmt::Write;
use std::path::Path;

use expect_test::{Expect, expect};

use super::*;

/// Everything read from `text`, each value shown as the source text of its range.
fn render(text: &str, c: &WranglerConfig) -> String {
    let src = |r: TextRange| &text[r.as_range()];
    let opt = |s: &Option<Spanned<String>>| match s {
        Some(s) => src(s.range).to_string(),
        None => "-".to_string(),
    };
    let list = |l: &[Spanned<String>]| l.iter().map(|s| src(s.range)).collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for e in &c.syntax_errors {
        writeln!(
            out,
            "syntax {:?} {:?}: {}",
            e.range,
            src(e.range),
            e.message
        )
        .unwrap();
    }
    for p in &c.problems {
        let sev = p.severity.as_str();
        writeln!(out, "{sev}[{}] {:?}: {}", p.code, src(p.range), p.message).unwrap();
    }
    writeln!(
        out,
        "name={} main={} date={}",
        opt(&c.name),
        opt(&c.main),
        opt(&c.compatibility_date)
    )
    .unwrap();
    if !c.compatibility_flags.is_empty() {
        writeln!(out, "flags: {}", list(&c.compatibility_flags)).unwrap();
    }
    for b in &c.bindings {
        writeln!(
            out,
            "binding env={} {} -> {} script={} environment={}",
            b.env.as_deref().unwrap_or("-"),
            src(b.name.range),
            src(b.class_name.range),
            opt(&b.script_name),
            opt(&b.environment),
        )
        .unwrap();
    }
    for m in &c.migrations {
        write!(out, "migration {}", opt(&m.tag)).unwrap();
        for (label, l) in [
            ("sqlite", &m.new_sqlite_classes),
            ("new", &m.new_classes),
            ("deleted", &m.deleted_classes),
        ] {
            if !l.is_empty() {
                write!(out, " {label}=[{}]", list(l)).unwrap();
            }
        }
        for r in &m.renamed_classes {
            write!(out, " renamed {}->{}", src(r.from.range), src(r.to.range)).unwrap();
        }
        for t in &m.transferred_classes {
            write!(
                out,
                " transferred {}@{}->{}",
                src(t.from.range),
                opt(&t.from_script),
                src(t.to.range)
            )
            .unwrap();
        }
        writeln!(out).unwrap();
    }
    for e in &c.exports {
        writeln!(
            out,
            "export {} storage={} state={} renamed_to={}",
            src(e.class.range),
            opt(&e.storage),
            opt(&e.state),
            opt(&e.renamed_to)
        )
        .unwrap();
    }
    out
}

fn check(format: ConfigFormat, text: &str, expect: Expect) {
    expect.assert_eq(&render(text, &parse_wrangler(format, text)));
}

fn jsonc(text: &str) -> WranglerConfig {
    parse_wrangler(ConfigFormat::Jsonc, text)
}

fn toml(text: &str) -> WranglerConfig {
    parse_wrangler(ConfigFormat::Toml, text)
}

/// The values only (no ranges), to compare what two formats read.
fn values(c: &WranglerConfig) -> String {
    format!(
        "{:?}",
        (
            c.name.as_ref().map(|s| &s.value),
            c.main.as_ref().map(|s| &s.value),
            c.bindings
                .iter()
                .map(|b| (
                    &b.name.value,
                    &b.class_name.value,
                    &b.env,
                    b.script_name.as_ref().map(|s| &s.value)
                ))
                .collect::<Vec<_>>(),
            c.migrations
                .iter()
                .map(|m| {
                    (
                        m.tag.as_ref().map(|s| &s.value),
                        m.new_sqlite_classes
                            .iter()
                            .map(|s| &s.value)
                            .collect::<Vec<_>>(),
                        m.new_classes.iter().map(|s| &s.value).collect::<Vec<_>>(),
                        m.renamed_classes
                            .iter()
                            .map(|r| (&r.from.value, &r.to.value))
                            .collect::<Vec<_>>(),
                        m.deleted_classes
                            .iter()
                            .map(|s| &s.value)
                            .collect::<Vec<_>>(),
                        m.transferred_classes
                            .iter()
                            .map(|t| {
                                (
                                    &t.from.value,
                                    t.from_script.as_ref().map(|s| &s.value),
                                    &t.to.value,
                                )
                            })
                            .collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>(),
        )
    )
}

const CATALOG_JSONC: &str = r#"{
  "name": "ledger-worker",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": {
    "bindings": [
      { "name": "LEDGER", "class_name": "Ledger" },
      { "name": "AUDIT", "class_name": "AuditLog", "script_name": "audit-worker", "environment": "production" }
    ]
  },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Ledger"] },
    { "tag": "v2", "new_classes": ["LegacyCounter"] },
    { "tag": "v3", "renamed_classes": [{ "from": "LegacyCounter", "to": "Counter" }] },
    { "tag": "v4", "deleted_classes": ["Counter"] },
    { "tag": "v5", "transferred_classes": [{ "from": "Room", "from_script": "old-chat-worker", "to": "ChatRoom" }] }
  ]
}
"#;

const CATALOG_TOML: &str = r#"name = "ledger-worker"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "LEDGER"
class_name = "Ledger"

[[durable_objects.bindings]]
name = "AUDIT"
class_name = "AuditLog"
script_name = "audit-worker"
environment = "production"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Ledger"]

[[migrations]]
tag = "v2"
new_classes = ["LegacyCounter"]

[[migrations]]
tag = "v3"
renamed_classes = [{ from = "LegacyCounter", to = "Counter" }]

[[migrations]]
tag = "v4"
deleted_classes = ["Counter"]

[[migrations]]
tag = "v5"
transferred_classes = [{ from = "Room", from_script = "old-chat-worker", to = "ChatRoom" }]
"#;

const CATALOG_EXPORTS: &str = r#"{
  "exports": {
    "Ledger":      { "type": "durable-object", "storage": "sqlite" },          // state defaults to "created"
    "Old":         { "type": "durable-object", "state": "deleted" },
    "ChatRoom":    { "type": "durable-object", "state": "renamed", "renamed_to": "Room" },
    "Room":        { "type": "durable-object", "storage": "sqlite" },
    "Moving":      { "type": "durable-object", "state": "transferred", "transferred_to": "other-worker" },
    "Incoming":    { "type": "durable-object", "state": "expecting-transfer", "storage": "sqlite", "transfer_from": "source-worker" }
  }
}
"#;

#[test]
fn catalog_jsonc_example() {
    check(
        ConfigFormat::Jsonc,
        CATALOG_JSONC,
        expect![[r#"
            name="ledger-worker" main="src/index.ts" date="2026-11-01"
            binding env=- "LEDGER" -> "Ledger" script=- environment=-
            binding env=- "AUDIT" -> "AuditLog" script="audit-worker" environment="production"
            migration "v1" sqlite=["Ledger"]
            migration "v2" new=["LegacyCounter"]
            migration "v3" renamed "LegacyCounter"->"Counter"
            migration "v4" deleted=["Counter"]
            migration "v5" transferred "Room"@"old-chat-worker"->"ChatRoom"
        "#]],
    );
}

#[test]
fn catalog_toml_example_reads_like_the_jsonc_one() {
    check(
        ConfigFormat::Toml,
        CATALOG_TOML,
        expect![[r#"
            name="ledger-worker" main="src/index.ts" date="2026-11-01"
            binding env=- "LEDGER" -> "Ledger" script=- environment=-
            binding env=- "AUDIT" -> "AuditLog" script="audit-worker" environment="production"
            migration "v1" sqlite=["Ledger"]
            migration "v2" new=["LegacyCounter"]
            migration "v3" renamed "LegacyCounter"->"Counter"
            migration "v4" deleted=["Counter"]
            migration "v5" transferred "Room"@"old-chat-worker"->"ChatRoom"
        "#]],
    );
    let (j, t) = (jsonc(CATALOG_JSONC), toml(CATALOG_TOML));
    assert_eq!(values(&j), values(&t));
    assert!(j.problems.is_empty() && t.problems.is_empty());
}

#[test]
fn catalog_exports_example() {
    let c = jsonc(CATALOG_EXPORTS);
    assert!(c.syntax_errors.is_empty() && c.problems.is_empty(), "{c:?}");
    check(
        ConfigFormat::Jsonc,
        CATALOG_EXPORTS,
        expect![[r#"
            name=- main=- date=-
            export "Ledger" storage="sqlite" state=- renamed_to=-
            export "Old" storage=- state="deleted" renamed_to=-
            export "ChatRoom" storage=- state="renamed" renamed_to="Room"
            export "Room" storage="sqlite" state=- renamed_to=-
            export "Moving" storage=- state="transferred" renamed_to=-
            export "Incoming" storage="sqlite" state="expecting-transfer" renamed_to=-
        "#]],
    );
}

#[test]
fn exports_skip_other_types() {
    let text = r#"{ "exports": { "Ledger": { "type": "durable-object" }, "default": { "type": "worker" }, "X": 3 } }"#;
    let c = jsonc(text);
    assert_eq!(c.exports.len(), 1);
    assert_eq!(&text[c.exports[0].class.range.as_range()], "\"Ledger\"");
    assert_eq!(
        &text[c.exports[0].range.as_range()],
        r#"{ "type": "durable-object" }"#
    );
}

#[test]
fn jsonc_comments_and_trailing_commas() {
    check(
        ConfigFormat::Jsonc,
        r#"// the ledger
{
  /* block */ "name": "w", // trailing
  "compatibility_flags": ["nodejs_compat", ],
  "durable_objects": { "bindings": [ { "name": "A", "class_name": "B", }, ], },
  "migrations": [ { "tag": "v1", "new_sqlite_classes": [ "B", ], }, ],
}
"#,
        expect![[r#"
            name="w" main=- date=-
            flags: "nodejs_compat"
            binding env=- "A" -> "B" script=- environment=-
            migration "v1" sqlite=["B"]
        "#]],
    );
}

#[test]
fn jsonc_escaped_strings_keep_their_literal_range() {
    let text = r#"{ "name": "a\"b\u0041" }"#;
    let c = jsonc(text);
    let name = c.name.unwrap();
    assert_eq!(name.value, "a\"bA");
    assert_eq!(&text[name.range.as_range()], r#""a\"b\u0041""#);
}

#[test]
fn jsonc_duplicate_key_last_wins() {
    let c = jsonc(r#"{ "main": "a.ts", "main": "b.ts" }"#);
    assert_eq!(c.main.unwrap().value, "b.ts");
}

#[test]
fn toml_tables_inline_tables_and_envs() {
    check(
        ConfigFormat::Toml,
        r#"name = 'w'
compatibility_flags = ["nodejs_compat"]
durable_objects.bindings = [
  { name = "A", class_name = "Alpha" },
  { name = "B", class_name = "Beta", script_name = "other" },
]

[env.staging]
name = "w-staging"

[[env.staging.durable_objects.bindings]]
name = "A"
class_name = "AlphaStaging"

[env.production.durable_objects]
bindings = [{ name = "A", class_name = "Alpha" }]

[[migrations]]
tag = "v1"
new_sqlite_classes = [
  "Alpha",
  "AlphaStaging",
]
"#,
        expect![[r#"
            name='w' main=- date=-
            flags: "nodejs_compat"
            binding env=- "A" -> "Alpha" script=- environment=-
            binding env=- "B" -> "Beta" script="other" environment=-
            binding env=staging "A" -> "AlphaStaging" script=- environment=-
            binding env=production "A" -> "Alpha" script=- environment=-
            migration "v1" sqlite=["Alpha" "AlphaStaging"]
        "#]],
    );
}

#[test]
fn jsonc_env_bindings() {
    check(
        ConfigFormat::Jsonc,
        r#"{
  "durable_objects": { "bindings": [{ "name": "A", "class_name": "Alpha" }] },
  "env": {
    "staging": { "durable_objects": { "bindings": [{ "name": "A", "class_name": "Alpha" }] } },
    "empty": {}
  }
}"#,
        expect![[r#"
            name=- main=- date=-
            binding env=- "A" -> "Alpha" script=- environment=-
            binding env=staging "A" -> "Alpha" script=- environment=-
        "#]],
    );
}

#[test]
fn exact_ranges_jsonc() {
    let c = jsonc(CATALOG_JSONC);
    let src = |r: TextRange| &CATALOG_JSONC[r.as_range()];
    let audit = &c.bindings[1];
    assert_eq!(src(audit.name.range), "\"AUDIT\"");
    assert_eq!(audit.name.value, "AUDIT");
    assert_eq!(
        src(audit.range),
        r#"{ "name": "AUDIT", "class_name": "AuditLog", "script_name": "audit-worker", "environment": "production" }"#
    );
    assert_eq!(
        src(c.migrations[0].range),
        r#"{ "tag": "v1", "new_sqlite_classes": ["Ledger"] }"#
    );
    assert_eq!(
        src(c.migrations[4].transferred_classes[0].from.range),
        "\"Room\""
    );
    assert_eq!(src(c.compatibility_date.unwrap().range), "\"2026-11-01\"");
}

#[test]
fn exact_ranges_toml() {
    let c = toml(CATALOG_TOML);
    let src = |r: TextRange| &CATALOG_TOML[r.as_range()];
    let audit = &c.bindings[1];
    assert_eq!(src(audit.class_name.range), "\"AuditLog\"");
    // A `[[table]]` runs from its header to its last value.
    assert_eq!(
        src(audit.range),
        "[[durable_objects.bindings]]\nname = \"AUDIT\"\nclass_name = \"AuditLog\"\n\
         script_name = \"audit-worker\"\nenvironment = \"production\""
    );
    assert_eq!(
        src(c.migrations[2].range),
        "[[migrations]]\ntag = \"v3\"\nrenamed_classes = [{ from = \"LegacyCounter\", to = \"Counter\" }]"
    );
    assert_eq!(
        src(c.migrations[2].renamed_classes[0].to.range),
        "\"Counter\""
    );
    assert_eq!(src(c.main.unwrap().range), "\"src/index.ts\"");

    let text = "name = '''lit'''\nmain = \"\"\"\nsrc/a.ts\"\"\"\n";
    let c = toml(text);
    assert_eq!(&text[c.name.unwrap().range.as_range()], "'''lit'''");
    let main = c.main.unwrap();
    assert_eq!(main.value, "src/a.ts");
    assert_eq!(&text[main.range.as_range()], "\"\"\"\nsrc/a.ts\"\"\"");
}

#[test]
fn jsonc_syntax_errors() {
    check(
        ConfigFormat::Jsonc,
        "{ \"name\": \"a\" \"main\": \"b\" }",
        expect![[r#"
            syntax 14..15 "\"": Expected comma
            name=- main=- date=-
        "#]],
    );
    check(
        ConfigFormat::Jsonc,
        "{\n  \"name\": \"a\",\n",
        expect![[r#"
            syntax 0..1 "{": unterminated object: this `{` is never closed
            name=- main=- date=-
        "#]],
    );
    check(
        ConfigFormat::Jsonc,
        "{ \"name\": 'a' }",
        expect![[r#"
            syntax 10..11 "'": Single-quoted strings are not allowed
            name=- main=- date=-
        "#]],
    );
    check(
        ConfigFormat::Jsonc,
        "{ \"name\": tru }",
        expect![[r#"
            syntax 10..13 "tru": Unexpected word
            name=- main=- date=-
        "#]],
    );
    check(
        ConfigFormat::Jsonc,
        "{ } /* open",
        expect![[r#"
            syntax 4..6 "/*": unterminated comment: this `/*` is never closed
            name=- main=- date=-
        "#]],
    );
}

#[test]
fn toml_syntax_errors_keep_what_could_be_read() {
    check(
        ConfigFormat::Toml,
        "name = \"w\"\nmain = \n[[durable_objects.bindings]]\nname = \"A\"\nclass_name = \"B\"\n",
        expect![[r#"
            syntax 16..17 "=": string values must be quoted, expected literal string
            name="w" main=- date=-
            binding env=- "A" -> "B" script=- environment=-
        "#]],
    );
    check(
        ConfigFormat::Toml,
        "name = \"w\nmain = \"src/index.ts\"\n",
        expect![[r#"
            syntax 8..9 "w": invalid basic string, expected `"`
            name="w main="src/index.ts" date=-
        "#]],
    );
    check(
        ConfigFormat::Toml,
        "name = \"a\"\nname = \"b\"\n",
        expect![[r#"
            syntax 11..15 "name": duplicate key
            name="a" main=- date=-
        "#]],
    );
}

#[test]
fn toml_syntax_errors_hide_problems() {
    // The binding lacks `class_name`, but a file with a syntax error reports only that.
    let c = toml("main = \n[[durable_objects.bindings]]\nname = \"A\"\n");
    assert_eq!(c.syntax_errors.len(), 1);
    assert!(c.problems.is_empty());
}

#[test]
fn toml_1_0_inline_tables() {
    check(
        ConfigFormat::Toml,
        "[[migrations]]\ntag = \"v1\"\nrenamed_classes = [{ from = \"A\",\n  to = \"B\" }]\n",
        expect![[r#"
            syntax 45..46 "{": this inline table spans several lines; wrangler reads TOML 1.0, where an inline table must stay on one line
            name=- main=- date=-
            migration "v1" renamed "A"->"B"
        "#]],
    );
    check(
        ConfigFormat::Toml,
        "durable_objects = { bindings = [{ name = \"A\", class_name = \"B\", }] }\n",
        expect![[r#"
            syntax 62..63 ",": trailing comma in an inline table; wrangler reads TOML 1.0, which does not allow one
            name=- main=- date=-
            binding env=- "A" -> "B" script=- environment=-
        "#]],
    );
    // Line breaks inside a value within the braces are fine, and so are dotted keys.
    let text = "migrations = [{ tag = \"v1\", new_sqlite_classes = [\n  \"A\",\n] }]\nx = { a.b = 1, c = \"\"\"\n\"\"\" }\n";
    let c = toml(text);
    assert!(c.syntax_errors.is_empty(), "{:?}", c.syntax_errors);
    assert_eq!(c.migrations[0].new_sqlite_classes[0].value, "A");
}

#[test]
fn binding_problems() {
    check(
        ConfigFormat::Jsonc,
        r#"{
  "durable_objects": { "bindings": [
    { "class_name": "A" },
    { "name": "B" },
    { "name": "C", "class_name": 3 },
    { "name": "D", "class_name": "D", "environment": "production" },
    { "name": "E", "class_name": "E", "script_name": "other", "environment": "staging", "kind": "x" },
    "F"
  ] }
}"#,
        expect![[r#"
            error[config-invalid] "{ \"class_name\": \"A\" }": "durable_objects.bindings[0]" should have a string "name" field
            error[config-invalid] "{ \"name\": \"B\" }": "durable_objects.bindings[1]" should have a string "class_name" field
            error[config-invalid] "3": "durable_objects.bindings[2].class_name" should be a string, but it is a number
            error[config-invalid] "\"environment\"": "durable_objects.bindings[3]": binding should have a "script_name" field if "environment" is present
            warning[config-unexpected-field] "\"kind\"": Unexpected fields found in durable_objects.bindings[4] field: "kind"
            error[config-invalid] "\"F\"": "durable_objects.bindings[5]" should be an object, but it is a string
            name=- main=- date=-
            binding env=- "D" -> "D" script=- environment="production"
            binding env=- "E" -> "E" script="other" environment="staging"
        "#]],
    );
}

#[test]
fn binding_problems_toml_and_env() {
    check(
        ConfigFormat::Toml,
        r#"[[durable_objects.bindings]]
name = "A"

[env.staging.durable_objects]
bindings = { name = "A", class_name = "A" }

[env.production]
durable_objects = []
"#,
        expect![[r#"
            error[config-invalid] "[[durable_objects.bindings]]": "durable_objects.bindings[0]" should have a string "class_name" field
            error[config-invalid] "{ name = \"A\", class_name = \"A\" }": "env.staging.durable_objects.bindings" should be an array, but it is a table
            error[config-invalid] "[]": "env.production.durable_objects" should be a table, but it is an array
            name=- main=- date=-
        "#]],
    );
    check(
        ConfigFormat::Jsonc,
        r#"{ "durable_objects": {}, "env": { "dev": { "durable_objects": { "bindings": 1 } } } }"#,
        expect![[r#"
            error[config-invalid] "\"durable_objects\"": "durable_objects" is missing the required "bindings" field
            error[config-invalid] "1": "env.dev.durable_objects.bindings" should be an array, but it is a number
            name=- main=- date=-
        "#]],
    );
}

#[test]
fn migration_problems() {
    check(
        ConfigFormat::Toml,
        r#"[[migrations]]
tag = "v1"
new_sqlite_classes = ["A"]
new_sqlite_class = ["B"]

[[migrations]]
new_classes = "C"

[[migrations]]
tag = "v1"
deleted_classes = [1]
renamed_classes = [{ from = "A" }]
transferred_classes = [{ to = "X", from_script = 2 }]
"#,
        expect![[r#"
            warning[config-unexpected-field] "new_sqlite_class": Unexpected fields found in migrations field: "new_sqlite_class"
            error[config-invalid] "[[migrations]]": "migrations[1]" should have a string "tag" field
            error[config-invalid] "\"C\"": "migrations[1].new_classes" should be an array of strings, but it is a string
            error[config-invalid] "\"v1\"": duplicate migration tag "v1": "migrations[0]" already uses it, and tags must be unique
            error[config-invalid] "1": "migrations[2].deleted_classes[0]" should be a string, but it is a number
            error[config-invalid] "{ from = \"A\" }": "migrations[2].renamed_classes[0]" should have a string "to" field
            error[config-invalid] "{ to = \"X\", from_script = 2 }": "migrations[2].transferred_classes[0]" should have a string "from" field
            error[config-invalid] "2": "migrations[2].transferred_classes[0].from_script" should be a string, but it is a number
            name=- main=- date=-
            migration "v1" sqlite=["A"]
            migration -
            migration "v1"
        "#]],
    );
    check(
        ConfigFormat::Jsonc,
        r#"{ "migrations": { "tag": "v1" }, "env": { "x": { "migrations": [{ "tag": "v1", "new_sqlite": [] }] } } }"#,
        expect![[r#"
            error[config-invalid] "{ \"tag\": \"v1\" }": "migrations" should be an array, but it is an object
            warning[config-unexpected-field] "\"new_sqlite\"": Unexpected fields found in migrations field: "new_sqlite"
            name=- main=- date=-
        "#]],
    );
}

#[test]
fn top_level_type_problems() {
    check(
        ConfigFormat::Toml,
        "name = 1\nmain = \"src/index.ts\"\ncompatibility_date = 2026-11-01\ncompatibility_flags = \"nodejs_compat\"\n",
        expect![[r#"
            error[config-invalid] "1": "name" should be a string, but it is a number
            error[config-invalid] "2026-11-01": "compatibility_date" should be a string, but it is a date-time (write dates as quoted strings)
            error[config-invalid] "\"nodejs_compat\"": "compatibility_flags" should be an array of strings, but it is a string
            name=- main="src/index.ts" date=-
        "#]],
    );
}

#[test]
fn valid_files_have_no_problems() {
    for (format, text) in [
        (ConfigFormat::Jsonc, CATALOG_JSONC),
        (ConfigFormat::Toml, CATALOG_TOML),
        (ConfigFormat::Jsonc, CATALOG_EXPORTS),
        (ConfigFormat::Jsonc, ""),
        (ConfigFormat::Toml, ""),
    ] {
        let c = parse_wrangler(format, text);
        assert!(
            c.syntax_errors.is_empty() && c.problems.is_empty(),
            "{format:?} {c:?}"
        );
    }
}

#[test]
fn diagnostics_of_a_config() {
    let text = "{ \"durable_objects\": { \"bindings\": [{ \"name\": \"A\", \"class_name\": \"A\", \"x\": 1 }] } }";
    let path = Path::new("/p/wrangler.jsonc");
    let diags = config_diagnostics(path, &jsonc(text));
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(
        (d.code, d.severity),
        ("config-unexpected-field", Severity::Warning)
    );
    assert_eq!(&text[d.range.as_range()], "\"x\"");
    assert_eq!(d.file, path);

    let diags = config_diagnostics(path, &jsonc("{ \"a\": }"));
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].code, diags[0].severity),
        ("config-syntax", Severity::Error)
    );
    assert!(!diags[0].range.is_empty());
}

#[test]
fn error_ranges_are_never_empty() {
    let text = "ab  \ncd";
    // Empty at a space: the next visible character on the line…
    assert_eq!(
        error_range("a  b", TextRange::empty(1)),
        TextRange::new(3, 4)
    );
    // …and when the line has none, the previous visible character.
    assert_eq!(error_range(text, TextRange::empty(2)), TextRange::new(1, 2));
    // Empty just before a line break: the previous visible character.
    assert_eq!(error_range(text, TextRange::empty(4)), TextRange::new(1, 2));
    // At the end of the text.
    assert_eq!(error_range(text, TextRange::empty(7)), TextRange::new(6, 7));
    // Multi-byte characters are taken whole.
    assert_eq!(error_range("é", TextRange::empty(0)), TextRange::new(0, 2));
    // A non-empty range stays as it is.
    assert_eq!(
        error_range(text, TextRange::new(0, 2)),
        TextRange::new(0, 2)
    );
}

#[test]
fn analysis_reports_config_diagnostics() {
    let mut a = crate::Analysis::new();
    let path = Path::new("/p/wrangler.toml");
    assert!(a.set_file(
        path,
        "[[durable_objects.bindings]]\nname = \"A\"\n".to_string()
    ));
    let diags = a.diagnostics(path);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "config-invalid");
    assert!(a.diagnostics(Path::new("/p/src/index.ts")).is_empty());
}
