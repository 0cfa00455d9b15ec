//! Requests answered from a snapshot: positions in, analysis results out as LSP types.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use dols_analysis::{Encoding, SqlTokenKind, TextRange, diagnostics::Severity, ide};
use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::document::{encoded_len, offset_at, position_at, range_at};
use crate::paths::uri_to_path;
use crate::world::World;

/// A file a request is about: its path, its text, and the byte offset of the position.
struct At {
    path: PathBuf,
    rope: Rope,
    offset: usize,
}

fn locate(world: &World, pos: &lsp::TextDocumentPositionParams) -> Option<At> {
    let path = uri_to_path(&pos.text_document.uri)?;
    let rope = world.rope(&path)?;
    let offset = offset_at(&rope, pos.position, world.encoding).offset;
    Some(At { path, rope, offset })
}

pub fn completion(world: &World, params: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    let at = locate(world, &params.text_document_position)?;
    let items = world.analysis.completion_with(&at.path, at.offset, world.api_members(&at.path));
    // A client that resolves items gets the documentation when it shows an item: a list of a
    // few hundred SQL names then costs a fraction to encode and send.
    let lazy = world.caps.resolve_documentation.then(|| serde_json::json!(world.completion_places.remember(params.text_document_position.clone())));
    // Items mostly share one replaced range: convert each distinct range once.
    let mut ranges: Vec<(dols_analysis::TextRange, lsp::Range)> = Vec::new();
    let items = items
        .into_iter()
        .map(|item| {
            let range = match ranges.iter().find(|(r, _)| *r == item.replace) {
                Some((_, known)) => *known,
                None => {
                    let known = range_at(&at.rope, item.replace, world.encoding);
                    ranges.push((item.replace, known));
                    known
                }
            };
            let mut out = completion_item_in(item, range, world.caps.snippets);
            if let Some(data) = &lazy
                && out.documentation.take().is_some()
            {
                out.data = Some(data.clone());
            }
            out
        })
        .collect();
    Some(lsp::CompletionResponse::Array(items))
}

/// Fills in the documentation of an item sent without it: the completion at the item's place
/// is worked out again and the item of the same label and kind gives it.
pub fn resolve_completion(world: &World, mut item: lsp::CompletionItem) -> lsp::CompletionItem {
    let Some(data) = item.data.as_ref() else { return item };
    let place = data.as_u64().and_then(|id| world.completion_places.find(id));
    let Some(at) = place.as_ref().and_then(|p| locate(world, p)) else { return item };
    let found = world.analysis.completion_with(&at.path, at.offset, world.api_members(&at.path)).into_iter().find(|c| c.label == item.label && Some(completion_kind(c.kind)) == item.kind);
    if let Some(doc) = found.and_then(|c| c.documentation) {
        item.documentation = Some(markdown_doc(doc));
    }
    item.data = None;
    item
}

#[cfg(test)]
fn completion_item(item: ide::CompletionItem, rope: &Rope, enc: Encoding, snippets: bool) -> lsp::CompletionItem {
    let range = range_at(rope, item.replace, enc);
    completion_item_in(item, range, snippets)
}

/// [`completion_item`] with the replaced range already converted.
fn completion_item_in(item: ide::CompletionItem, range: lsp::Range, snippets: bool) -> lsp::CompletionItem {
    // Plain text is the protocol's default format: said only for snippets.
    let (new_text, format) = match item.snippet {
        Some(snippet) if snippets => (snippet, Some(lsp::InsertTextFormat::SNIPPET)),
        _ => (item.label.clone(), None),
    };
    lsp::CompletionItem {
        kind: Some(completion_kind(item.kind)),
        detail: item.detail,
        documentation: item.documentation.map(markdown_doc),
        sort_text: item.sort_text,
        insert_text_format: format,
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit { range, new_text })),
        label: item.label,
        ..Default::default()
    }
}

fn completion_kind(kind: ide::CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        ide::CompletionKind::Method => lsp::CompletionItemKind::METHOD,
        ide::CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        ide::CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        ide::CompletionKind::Table => lsp::CompletionItemKind::CLASS,
        ide::CompletionKind::Column => lsp::CompletionItemKind::FIELD,
        ide::CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

fn markdown_doc(value: String) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(markdown(value))
}

pub fn hover(world: &World, params: lsp::HoverParams) -> Option<lsp::Hover> {
    let at = locate(world, &params.text_document_position_params)?;
    let hover = world.analysis.hover(&at.path, at.offset)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(hover.markdown)),
        range: Some(range_at(&at.rope, hover.range, world.encoding)),
    })
}

pub fn signature_help(world: &World, params: lsp::SignatureHelpParams) -> Option<lsp::SignatureHelp> {
    let at = locate(world, &params.text_document_position_params)?;
    let help = world.analysis.signature_help(&at.path, at.offset)?;
    Some(signature_help_to_lsp(help, world.encoding))
}

pub fn signature_help_to_lsp(help: ide::SignatureHelp, enc: Encoding) -> lsp::SignatureHelp {
    let signatures = help
        .signatures
        .into_iter()
        .map(|sig| {
            let parameters = sig
                .params
                .iter()
                .map(|(range, doc)| lsp::ParameterInformation {
                    label: lsp::ParameterLabel::LabelOffsets(label_offsets(&sig.label, *range, enc)),
                    documentation: doc.clone().map(markdown_doc),
                })
                .collect();
            lsp::SignatureInformation {
                documentation: sig.documentation.map(markdown_doc),
                parameters: Some(parameters),
                active_parameter: None,
                label: sig.label,
            }
        })
        .collect();
    lsp::SignatureHelp {
        signatures,
        active_signature: Some(help.active_signature as u32),
        active_parameter: Some(help.active_parameter as u32),
    }
}

/// A byte range inside a label as `[start, end)` offsets in the negotiated encoding.
fn label_offsets(label: &str, range: TextRange, enc: Encoding) -> [u32; 2] {
    let floor = |mut i: usize| {
        i = i.min(label.len());
        while !label.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(range.start), floor(range.end.max(range.start)));
    [encoded_len(&label[..start], enc), encoded_len(&label[..end], enc)]
}

pub fn definition(world: &World, params: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
    let at = locate(world, &params.text_document_position_params)?;
    let targets = world.analysis.definition(&at.path, at.offset);
    if targets.is_empty() {
        return None;
    }
    let mut ropes = Ropes::new(world);
    let mut links = Vec::new();
    for t in targets {
        let (Some(uri), Some(rope)) = (world.uri(&t.file), ropes.get(&t.file)) else {
            continue;
        };
        links.push(lsp::LocationLink {
            origin_selection_range: None,
            target_uri: uri,
            target_range: range_at(rope, t.range, world.encoding),
            target_selection_range: range_at(rope, t.focus, world.encoding),
        });
    }
    Some(if world.caps.definition_links {
        lsp::GotoDefinitionResponse::Link(links)
    } else {
        lsp::GotoDefinitionResponse::Array(
            links
                .into_iter()
                .map(|l| lsp::Location {
                    uri: l.target_uri,
                    range: l.target_selection_range,
                })
                .collect(),
        )
    })
}

/// `textDocument/references`: the mentions of a table or column inside the SQL of its class.
pub fn references(world: &World, params: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let at = locate(world, &params.text_document_position)?;
    let found = world.analysis.references(&at.path, at.offset, params.context.include_declaration);
    let mut ropes = Ropes::new(world);
    Some(
        found
            .into_iter()
            .filter_map(|(file, range)| {
                let uri = world.uri(&file)?;
                let range = range_at(ropes.get(&file)?, range, world.encoding);
                Some(lsp::Location { uri, range })
            })
            .collect(),
    )
}

/// The semantic token types dols reports, in legend order. Tables are `class`, columns
/// `property` (docs/sql.md says so).
pub const TOKEN_TYPES: [SqlTokenKind; 9] = [
    SqlTokenKind::Keyword,
    SqlTokenKind::Table,
    SqlTokenKind::Column,
    SqlTokenKind::Function,
    SqlTokenKind::Parameter,
    SqlTokenKind::String,
    SqlTokenKind::Number,
    SqlTokenKind::Operator,
    SqlTokenKind::Comment,
];

pub fn token_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES
            .iter()
            .map(|k| match k {
                SqlTokenKind::Keyword => lsp::SemanticTokenType::KEYWORD,
                SqlTokenKind::Table => lsp::SemanticTokenType::CLASS,
                SqlTokenKind::Column => lsp::SemanticTokenType::PROPERTY,
                SqlTokenKind::Function => lsp::SemanticTokenType::FUNCTION,
                SqlTokenKind::Parameter => lsp::SemanticTokenType::PARAMETER,
                SqlTokenKind::String => lsp::SemanticTokenType::STRING,
                SqlTokenKind::Number => lsp::SemanticTokenType::NUMBER,
                SqlTokenKind::Operator => lsp::SemanticTokenType::OPERATOR,
                SqlTokenKind::Comment => lsp::SemanticTokenType::COMMENT,
            })
            .collect(),
        token_modifiers: Vec::new(),
    }
}

/// `textDocument/semanticTokens/full` and `/range`: the SQL inside `exec` strings.
pub fn semantic_tokens(world: &World, uri: &lsp::Uri, range: Option<lsp::Range>) -> Option<lsp::SemanticTokens> {
    let path = uri_to_path(uri)?;
    let rope = world.rope(&path)?;
    let enc = world.encoding;
    let range = range.map(|r| {
        let start = offset_at(&rope, r.start, enc).offset;
        TextRange::new(start, offset_at(&rope, r.end, enc).offset.max(start))
    });
    let tokens = world.analysis.sql_semantic_tokens(&path, range);
    Some(lsp::SemanticTokens { result_id: None, data: encode_tokens(&rope, &tokens, enc) })
}

/// Tokens as the protocol's relative `(line, start, length, type, modifiers)` runs; a token
/// that crosses lines becomes one run per line.
pub fn encode_tokens(rope: &Rope, tokens: &[dols_analysis::SqlToken], enc: Encoding) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for t in tokens {
        let Some(ty) = TOKEN_TYPES.iter().position(|k| *k == t.kind) else { continue };
        let s = position_at(rope, t.range.start, enc);
        let e = position_at(rope, t.range.end, enc);
        for line in s.line..=e.line {
            let start = if line == s.line { s.character } else { 0 };
            let end = if line == e.line {
                e.character
            } else {
                // The length of the line's content: the position of its line break.
                let next = rope.line_to_byte(line as usize + 1);
                position_at(rope, next.saturating_sub(1), enc).character
            };
            if end <= start {
                continue;
            }
            let delta_line = line - prev_line;
            let delta_start = if delta_line == 0 { start - prev_start } else { start };
            out.push(lsp::SemanticToken {
                delta_line,
                delta_start,
                length: end - start,
                token_type: ty as u32,
                token_modifiers_bitset: 0,
            });
            (prev_line, prev_start) = (line, start);
        }
    }
    out
}

/// The commands `workspace/executeCommand` runs.
pub const COMMANDS: [&str; 1] = [SHOW_SCHEMA];

/// `dols.showSchema`, with the arguments `[uri, position]` (a `TextDocumentPositionParams`
/// as one object also works): the shadow schema of the Durable Object class at that position
/// as SQL, in the form `dols schema` prints. Answers `{ "class", "uri", "sql" }`, or `null`
/// when no class is there.
pub const SHOW_SCHEMA: &str = "dols.showSchema";

pub fn execute_command(world: &World, params: lsp::ExecuteCommandParams) -> Result<Option<serde_json::Value>, String> {
    match params.command.as_str() {
        SHOW_SCHEMA => {
            let place = position_argument(&params.arguments).ok_or_else(|| format!("{SHOW_SCHEMA} takes a document URI and a position"))?;
            let Some(at) = locate(world, &place) else { return Ok(None) };
            let Some(schema) = world.analysis.class_schema_at(&at.path, at.offset) else { return Ok(None) };
            let root = world.analysis.projects().for_file(&at.path).map(|p| p.root.clone());
            let shown = root.as_deref().and_then(|r| schema.file.strip_prefix(r).ok()).unwrap_or(&schema.file).display().to_string();
            Ok(Some(serde_json::json!({
                "class": schema.class,
                "uri": world.uri(&schema.file).map(|u| u.as_str().to_string()),
                "sql": schema.to_sql(&shown),
            })))
        }
        other => Err(format!("unknown command `{other}` (dols runs {})", COMMANDS.join(", "))),
    }
}

/// A document and position given as `[uri, position]` or as one `{ textDocument, position }`.
fn position_argument(args: &[serde_json::Value]) -> Option<lsp::TextDocumentPositionParams> {
    match args {
        [one] => serde_json::from_value(one.clone()).ok(),
        [uri, position] => Some(lsp::TextDocumentPositionParams {
            text_document: lsp::TextDocumentIdentifier { uri: uri.as_str()?.parse().ok()? },
            position: serde_json::from_value(position.clone()).ok()?,
        }),
        _ => None,
    }
}

/// The texts of files, for converting ranges in files other than the one asked about.
pub struct Ropes<'w> {
    world: &'w World,
    cache: HashMap<PathBuf, Option<Rope>>,
}

impl<'w> Ropes<'w> {
    pub fn new(world: &'w World) -> Self {
        Self {
            world,
            cache: HashMap::new(),
        }
    }
    pub fn get(&mut self, path: &Path) -> Option<&Rope> {
        self.cache
            .entry(path.to_path_buf())
            .or_insert_with(|| self.world.rope(path))
            .as_ref()
    }
}

/// A file's diagnostics as LSP diagnostics.
pub fn diagnostics(world: &World, path: &Path) -> Vec<lsp::Diagnostic> {
    let mut ropes = Ropes::new(world);
    world
        .analysis
        .diagnostics(path)
        .into_iter()
        .filter_map(|d| diagnostic_to_lsp(d, &mut ropes))
        .collect()
}

fn diagnostic_to_lsp(d: dols_analysis::Diagnostic, ropes: &mut Ropes<'_>) -> Option<lsp::Diagnostic> {
    let enc = ropes.world.encoding;
    let range = range_at(ropes.get(&d.file)?, d.range, enc);
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .into_iter()
        .filter_map(|r| {
            let uri = ropes.world.uri(&r.file)?;
            let range = range_at(ropes.get(&r.file)?, r.range, enc);
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri, range },
                message: r.message,
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("dols".to_string()),
        message: d.message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    })
}

/// `textDocument/codeAction`: the quick fixes of the diagnostics that touch the range, and
/// the rewrites offered there (adding a row type to an `exec` call).
pub fn code_action(world: &World, params: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
    let path = uri_to_path(&params.text_document.uri)?;
    let rope = world.rope(&path)?;
    let enc = world.encoding;
    let start = offset_at(&rope, params.range.start, enc).offset;
    let end = offset_at(&rope, params.range.end, enc).offset.max(start);
    // `only` asks for some kinds: a kind covers its sub-kinds (`refactor` covers
    // `refactor.rewrite`).
    let wanted = |kind: &lsp::CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|k| k.as_str().is_empty() || kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str())))
        })
    };
    let mut ropes = Ropes::new(world);
    let mut actions = Vec::new();
    if wanted(&lsp::CodeActionKind::REFACTOR_REWRITE) {
        for fix in world.analysis.code_actions(&path, TextRange::new(start, end)) {
            if let Some(edit) = workspace_edit(world, &mut ropes, &fix.edits, enc) {
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.title,
                    kind: Some(lsp::CodeActionKind::REFACTOR_REWRITE),
                    edit: Some(edit),
                    ..Default::default()
                }));
            }
        }
    }
    if !wanted(&lsp::CodeActionKind::QUICKFIX) {
        return Some(actions);
    }
    for d in world.analysis.diagnostics(&path) {
        if d.fixes.is_empty() || d.range.start > end || d.range.end < start {
            continue;
        }
        let fixes = d.fixes.clone();
        let single = fixes.len() == 1;
        let Some(diagnostic) = diagnostic_to_lsp(d, &mut ropes) else { continue };
        for fix in fixes {
            let Some(edit) = workspace_edit(world, &mut ropes, &fix.edits, enc) else { continue };
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title,
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: Some(single),
                ..Default::default()
            }));
        }
    }
    Some(actions)
}

/// File edits as a workspace edit; `None` when a file cannot be named or read.
fn workspace_edit(world: &World, ropes: &mut Ropes<'_>, edits: &[dols_analysis::diagnostics::FileEdit], enc: Encoding) -> Option<lsp::WorkspaceEdit> {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        let uri = world.uri(&e.file)?;
        let r = ropes.get(&e.file)?;
        let range = range_at(r, e.range, enc);
        changes.entry(uri).or_default().push(lsp::TextEdit { range, new_text: e.new_text.clone() });
    }
    Some(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() })
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s.lsp_number() {
        1 => lsp::DiagnosticSeverity::ERROR,
        2 => lsp::DiagnosticSeverity::WARNING,
        3 => lsp::DiagnosticSeverity::INFORMATION,
        _ => lsp::DiagnosticSeverity::HINT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(snippet: Option<&str>) -> ide::CompletionItem {
        ide::CompletionItem {
            label: "getByName".into(),
            kind: ide::CompletionKind::Method,
            detail: Some("getByName(name: string): DurableObjectStub".into()),
            documentation: Some("Gets a **stub**.".into()),
            snippet: snippet.map(str::to_string),
            replace: TextRange::new(11, 14),
            sort_text: Some("0".into()),
        }
    }

    #[test]
    fn completion_items_carry_snippets_and_replace_ranges() {
        // "env.😀NS.get" — the replace range covers "get", after an emoji (2 UTF-16 units).
        let rope = Rope::from_str("env.😀NS.get");
        let with_snippet = completion_item(item(Some("getByName(${1:name})")), &rope, Encoding::Utf16, true);
        assert_eq!(with_snippet.kind, Some(lsp::CompletionItemKind::METHOD));
        assert_eq!(with_snippet.insert_text_format, Some(lsp::InsertTextFormat::SNIPPET));
        let Some(lsp::CompletionTextEdit::Edit(edit)) = &with_snippet.text_edit else {
            panic!("no text edit")
        };
        assert_eq!(edit.new_text, "getByName(${1:name})");
        assert_eq!(
            edit.range,
            lsp::Range::new(lsp::Position::new(0, 9), lsp::Position::new(0, 12))
        );
        let Some(lsp::Documentation::MarkupContent(doc)) = &with_snippet.documentation else {
            panic!("no docs")
        };
        assert_eq!(
            (doc.kind.clone(), doc.value.as_str()),
            (lsp::MarkupKind::Markdown, "Gets a **stub**.")
        );

        let utf8 = completion_item(item(Some("getByName($1)")), &rope, Encoding::Utf8, false);
        assert_eq!(utf8.insert_text_format, None, "plain text is the default");
        let Some(lsp::CompletionTextEdit::Edit(edit)) = &utf8.text_edit else {
            panic!("no text edit")
        };
        assert_eq!(edit.new_text, "getByName");
        assert_eq!(
            edit.range,
            lsp::Range::new(lsp::Position::new(0, 11), lsp::Position::new(0, 14))
        );
    }

    #[test]
    fn signature_label_offsets_follow_the_encoding() {
        let label = "exec(query: “SQL” 😀, ...bindings: any[])".to_string();
        let q = label.find("query").unwrap();
        let b = label.find("...bindings").unwrap();
        let help = ide::SignatureHelp {
            signatures: vec![ide::SignatureInfo {
                label: label.clone(),
                documentation: None,
                params: vec![
                    (TextRange::new(q, label.find(',').unwrap()), Some("The SQL".into())),
                    (TextRange::new(b, label.len() - 1), None),
                ],
            }],
            active_signature: 0,
            active_parameter: 1,
        };
        let utf16 = signature_help_to_lsp(help.clone(), Encoding::Utf16);
        let params = utf16.signatures[0].parameters.as_ref().unwrap();
        // “ and ” are one UTF-16 unit each (3 UTF-8 bytes); 😀 is two (4 bytes).
        assert_eq!(params[0].label, lsp::ParameterLabel::LabelOffsets([5, 20]));
        assert_eq!(params[1].label, lsp::ParameterLabel::LabelOffsets([22, 40]));
        assert_eq!(utf16.active_parameter, Some(1));
        let utf8 = signature_help_to_lsp(help, Encoding::Utf8);
        let params = utf8.signatures[0].parameters.as_ref().unwrap();
        assert_eq!(
            params[1].label,
            lsp::ParameterLabel::LabelOffsets([b as u32, label.len() as u32 - 1])
        );
    }

    #[test]
    fn code_actions_carry_every_edit_of_a_fix_in_the_client_encoding() {
        let mut w = World::default();
        let config = PathBuf::from("/w/wrangler.jsonc");
        let src = PathBuf::from("/w/src/index.ts");
        w.analysis.set_file(
            &config,
            r#"{ "main": "src/index.ts", "compatibility_date": "2026-01-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }"#
                .into(),
        );
        let text = "import { DurableObject } from \"cloudflare:workers\";\nexport class Room extends DurableObject {\n  async rename(n: string) { /* 😀 */ await this.ctx.storage.put(\"name\", n); }\n}\n";
        w.analysis.set_file(&src, text.into());
        let uri: lsp::Uri = "file:///w/src/index.ts".parse().unwrap();
        w.docs.insert(src.clone(), crate::document::Document::new(uri.clone(), 1, text));
        let put = lsp::Position::new(2, 61);
        let params = lsp::CodeActionParams {
            text_document: lsp::TextDocumentIdentifier { uri: uri.clone() },
            range: lsp::Range::new(put, put),
            context: lsp::CodeActionContext::default(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let actions = code_action(&w, params).unwrap();
        let [lsp::CodeActionOrCommand::CodeAction(action)] = actions.as_slice() else {
            panic!("one action expected: {actions:?}")
        };
        assert_eq!(action.title, "Use the synchronous `this.ctx.storage.kv.put`");
        let edits = &action.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        // 😀 is two UTF-16 units: `await ` starts at column 37, `this.ctx.storage` ends at 59.
        let got: Vec<(u32, u32, &str)> = edits.iter().map(|e| (e.range.start.character, e.range.end.character, e.new_text.as_str())).collect();
        assert_eq!(got, vec![(37, 43, ""), (59, 59, ".kv")]);
    }
}
