//! Printing `dols check` results: plain text, JSON (LSP diagnostics), SARIF 2.1.0.

use std::collections::BTreeSet;

use dols_analysis::{LineCol, Severity};
use serde_json::{Value, json};
use serde_sarif::sarif;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// A range in a file, as zero-based lines and UTF-16 columns; `file` as it is printed.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: String,
    pub start: LineCol,
    pub end: LineCol,
}

/// One diagnostic, ready to print.
#[derive(Clone, Debug)]
pub struct Item {
    pub place: Place,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub related: Vec<(Place, String)>,
}

pub fn render(format: Format, items: &[Item]) -> String {
    match format {
        Format::Text => text(items),
        Format::Json => {
            let list: Vec<Value> = items.iter().map(lsp_json).collect();
            pretty(&Value::Array(list))
        }
        Format::Sarif => pretty(&serde_json::to_value(sarif_log(items)).expect("SARIF serializes")),
    }
}

fn pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("JSON serializes");
    s.push('\n');
    s
}

/// `path:line:col: severity[code]: message`, one-based line and column.
fn text(items: &[Item]) -> String {
    let mut out = String::new();
    for i in items {
        let LineCol { line, col } = i.place.start;
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            i.place.file,
            line + 1,
            col + 1,
            i.severity.as_str(),
            i.code,
            i.message
        ));
    }
    out
}

fn lsp_range(p: &Place) -> Value {
    json!({
        "start": { "line": p.start.line, "character": p.start.col },
        "end": { "line": p.end.line, "character": p.end.col },
    })
}

/// An LSP `Diagnostic` with an added `file`. Related locations name their file the same way
/// (as printed, not as a URI).
fn lsp_json(i: &Item) -> Value {
    let mut v = json!({
        "file": i.place.file,
        "range": lsp_range(&i.place),
        "severity": i.severity.lsp_number(),
        "code": i.code,
        "source": "dols",
        "message": i.message,
    });
    if !i.related.is_empty() {
        let related: Vec<Value> = i
            .related
            .iter()
            .map(|(p, message)| {
                json!({ "location": { "uri": p.file, "range": lsp_range(p) }, "message": message })
            })
            .collect();
        v["relatedInformation"] = Value::Array(related);
    }
    v
}

fn sarif_level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info | Severity::Hint => sarif::ResultLevel::Note,
    }
}

/// A SARIF location: one-based lines and columns, the end column just past the region (SARIF's
/// default column kind counts UTF-16 code units, as the places do).
fn sarif_location(p: &Place, message: Option<&str>) -> sarif::Location {
    let region = sarif::Region::builder()
        .start_line(i64::from(p.start.line) + 1)
        .start_column(i64::from(p.start.col) + 1)
        .end_line(i64::from(p.end.line) + 1)
        .end_column(i64::from(p.end.col) + 1)
        .build();
    let artifact = sarif::ArtifactLocation::builder().uri(uri(&p.file)).build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    match message {
        Some(m) => sarif::Location::builder()
            .physical_location(physical)
            .message(sarif::Message::builder().text(m).build())
            .build(),
        None => sarif::Location::builder()
            .physical_location(physical)
            .build(),
    }
}

fn sarif_log(items: &[Item]) -> sarif::Sarif {
    let codes: Vec<&str> = items
        .iter()
        .map(|i| i.code)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rules: Vec<sarif::ReportingDescriptor> = codes
        .iter()
        .map(|c| match dols_analysis::diagnostics::code_info(c) {
            Some(info) => sarif::ReportingDescriptor::builder()
                .id(*c)
                .short_description(sarif::MultiformatMessageString::builder().text(info.summary).build())
                .build(),
            None => sarif::ReportingDescriptor::builder().id(*c).build(),
        })
        .collect();
    let results: Vec<sarif::Result> = items
        .iter()
        .map(|i| {
            let index = codes.iter().position(|c| *c == i.code).unwrap_or(0);
            let result = sarif::Result::builder()
                .rule_id(i.code)
                .rule_index(index as i64)
                .level(sarif_level(i.severity))
                .message(sarif::Message::builder().text(i.message.clone()).build())
                .locations(vec![sarif_location(&i.place, None)]);
            if i.related.is_empty() {
                result.build()
            } else {
                let related: Vec<sarif::Location> = i
                    .related
                    .iter()
                    .map(|(p, m)| sarif_location(p, Some(m)))
                    .collect();
                result.related_locations(related).build()
            }
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("dols")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// A URI reference for a printed path: relative paths stay relative (with `/` separators),
/// absolute ones become `file://` URIs; characters outside the unreserved set are escaped.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    let absolute = path.starts_with('/');
    if absolute {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(severity: Severity, code: &'static str) -> Item {
        Item {
            place: Place {
                file: "src/a b.ts".to_string(),
                start: LineCol { line: 2, col: 4 },
                end: LineCol { line: 2, col: 9 },
            },
            severity,
            code,
            message: "m".to_string(),
            related: vec![(
                Place {
                    file: "wrangler.jsonc".to_string(),
                    start: LineCol { line: 0, col: 0 },
                    end: LineCol { line: 0, col: 1 },
                },
                "declared here".to_string(),
            )],
        }
    }

    #[test]
    fn text_lines_are_one_based() {
        let out = render(Format::Text, &[item(Severity::Warning, "x-code")]);
        assert_eq!(out, "src/a b.ts:3:5: warning[x-code]: m\n");
    }

    #[test]
    fn json_has_lsp_fields() {
        let out = render(Format::Json, &[item(Severity::Hint, "x-code")]);
        let v: Value = serde_json::from_str(&out).unwrap();
        let d = &v[0];
        assert_eq!(d["severity"], 4);
        assert_eq!(d["range"]["end"]["character"], 9);
        assert_eq!(
            d["relatedInformation"][0]["location"]["uri"],
            "wrangler.jsonc"
        );
        assert_eq!(d["relatedInformation"][0]["message"], "declared here");
    }

    #[test]
    fn sarif_rules_levels_and_regions() {
        let items = [
            item(Severity::Info, "b-code"),
            item(Severity::Error, "a-code"),
        ];
        let v: Value = serde_json::from_str(&render(Format::Sarif, &items)).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "a-code");
        assert_eq!(run["tool"]["driver"]["rules"][1]["id"], "b-code");
        let r = &run["results"][0];
        assert_eq!(
            (r["ruleId"].as_str(), r["ruleIndex"].as_i64()),
            (Some("b-code"), Some(1))
        );
        assert_eq!(r["level"], "note");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "src/a%20b.ts");
        assert_eq!(loc["region"]["startColumn"], 5);
        assert_eq!(loc["region"]["endColumn"], 10);
        assert_eq!(r["relatedLocations"][0]["message"]["text"], "declared here");
        assert_eq!(run["results"][1]["level"], "error");
    }

    #[test]
    fn uris() {
        assert_eq!(uri("src/index.ts"), "src/index.ts");
        assert_eq!(uri("/p/x y/a.ts"), "file:///p/x%20y/a.ts");
    }
}
