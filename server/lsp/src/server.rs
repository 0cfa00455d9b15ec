//! The `LanguageServer` implementation: `initialize` and the requests. State-changing
//! notifications never reach it; [`crate::ordered`] applies them in order.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use dols_analysis::Encoding;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

use crate::ordered::request_snapshot;
use crate::paths::uri_to_path;
use crate::shared::Shared;
use crate::world::{ClientCaps, World};
use crate::{features, guard, log, status, watchdog};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct Backend {
    pub shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Self {
            shared: Arc::new(Shared::new(client)),
        }
    }

    fn snapshot(&self) -> Arc<World> {
        request_snapshot(&self.shared)
    }

    /// `dols/status`: a Markdown report of the server's state.
    pub async fn status(&self) -> Result<Value> {
        let world = self.snapshot();
        let stats = self.shared.stats();
        let markdown = guard::compute("dols/status", move || status::markdown(&world, &stats)).await?;
        Ok(json!({ "markdown": markdown }))
    }
}

/// UTF-8 when the client offers it, else the protocol's default UTF-16.
pub fn negotiate_encoding(params: &lsp::InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|encs| encs.contains(&lsp::PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

fn client_caps(params: &lsp::InitializeParams) -> ClientCaps {
    let caps = &params.capabilities;
    let td = caps.text_document.as_ref();
    ClientCaps {
        snippets: td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false),
        resolve_documentation: td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "documentation")),
        definition_links: td
            .and_then(|t| t.definition.as_ref())
            .and_then(|d| d.link_support)
            .unwrap_or(false),
        watch_registration: caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false),
    }
}

/// The workspace folders, else the root URI.
fn workspace_roots(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders.iter().filter_map(|f| uri_to_path(&f.uri)).collect();
    }
    #[allow(deprecated)]
    let root = params.root_uri.as_ref();
    root.and_then(uri_to_path).into_iter().collect()
}

pub fn server_capabilities(enc: Encoding) -> lsp::ServerCapabilities {
    let strings = |s: &[&str]| Some(s.iter().map(|c| c.to_string()).collect());
    lsp::ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: strings(&[".", "\""]),
            resolve_provider: Some(true),
            ..Default::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        signature_help_provider: Some(lsp::SignatureHelpOptions {
            trigger_characters: strings(&["(", ","]),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(lsp::SemanticTokensOptions {
            legend: features::token_legend(),
            range: Some(true),
            full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
            ..Default::default()
        })),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, lsp::CodeActionKind::REFACTOR_REWRITE]),
            resolve_provider: Some(false),
            ..Default::default()
        })),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: features::COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let caps = client_caps(&params);
        let roots = workspace_roots(&params);
        let settings = params.initialization_options.clone().unwrap_or(Value::Null);
        log::info!(
            "initialize: client {}, position encoding {}, roots {:?}",
            params.client_info.as_ref().map_or("(unnamed)", |c| c.name.as_str()),
            status::encoding_name(encoding),
            roots
        );
        if let Some(pid) = params.process_id {
            watchdog::watch_parent(pid);
        }
        let shared = self.shared.clone();
        guard::compute("initialize", move || {
            shared.update(|w| {
                w.encoding = encoding;
                w.caps = caps;
                w.settings = settings;
                w.apply_lint_settings();
                for root in &roots {
                    w.load_root(root);
                }
            });
        })
        .await?;
        self.shared.initialized.store(true, Ordering::SeqCst);
        Ok(lsp::InitializeResult {
            capabilities: server_capabilities(encoding),
            server_info: Some(lsp::ServerInfo {
                name: "dols".to_string(),
                version: Some(VERSION.to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        log::info!("shutdown requested");
        Ok(())
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let world = self.snapshot();
        guard::compute("textDocument/completion", move || features::completion(&world, params)).await
    }

    async fn completion_resolve(&self, item: lsp::CompletionItem) -> Result<lsp::CompletionItem> {
        let world = self.snapshot();
        guard::compute("completionItem/resolve", move || features::resolve_completion(&world, item)).await
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let world = self.snapshot();
        guard::compute("textDocument/hover", move || features::hover(&world, params)).await
    }

    async fn signature_help(&self, params: lsp::SignatureHelpParams) -> Result<Option<lsp::SignatureHelp>> {
        let world = self.snapshot();
        guard::compute("textDocument/signatureHelp", move || {
            features::signature_help(&world, params)
        })
        .await
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let world = self.snapshot();
        guard::compute("textDocument/codeAction", move || features::code_action(&world, params)).await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let world = self.snapshot();
        guard::compute("textDocument/references", move || features::references(&world, params)).await
    }

    async fn semantic_tokens_full(&self, params: lsp::SemanticTokensParams) -> Result<Option<lsp::SemanticTokensResult>> {
        let world = self.snapshot();
        guard::compute("textDocument/semanticTokens/full", move || {
            features::semantic_tokens(&world, &params.text_document.uri, None).map(lsp::SemanticTokensResult::Tokens)
        })
        .await
    }

    async fn semantic_tokens_range(&self, params: lsp::SemanticTokensRangeParams) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        let world = self.snapshot();
        guard::compute("textDocument/semanticTokens/range", move || {
            features::semantic_tokens(&world, &params.text_document.uri, Some(params.range)).map(lsp::SemanticTokensRangeResult::Tokens)
        })
        .await
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        let world = self.snapshot();
        let command = params.command.clone();
        let answer = guard::compute("workspace/executeCommand", move || features::execute_command(&world, params)).await?;
        answer.map_err(|message| {
            log::warning!("workspace/executeCommand {command}: {message}");
            tower_lsp_server::jsonrpc::Error::invalid_params(message)
        })
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let world = self.snapshot();
        guard::compute("textDocument/definition", move || features::definition(&world, params)).await
    }
}
