//! The service in front of `LspService` that keeps document changes in order.
//!
//! The transport calls [`Ordered::call`] once per incoming message, one after another, in the
//! order the messages arrived; only the returned futures run concurrently. So `call` applies
//! the notifications that change state (`didOpen`, `didChange`, `didClose`, watched files,
//! configuration, workspace folders) right there, before returning, and takes the snapshot
//! each request will compute on there too. A request thus sees exactly the changes that
//! arrived before it, however the futures are scheduled afterwards.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types as lsp;

use crate::shared::Shared;
use crate::world::World;
use crate::{guard, log};

tokio::task_local! {
    /// The world a request was received in, set around the request's future.
    pub static SNAPSHOT: Arc<World>;
}

/// The snapshot of the request being handled (or the current world outside of one).
pub fn request_snapshot(shared: &Shared) -> Arc<World> {
    SNAPSHOT.try_with(Arc::clone).unwrap_or_else(|_| shared.snapshot())
}

pub struct Ordered<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Ordered<S> {
    pub fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Notifications applied in `call`, in order, instead of in a concurrent handler.
const ORDERED: &[&str] = &[
    "initialized",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWorkspaceFolders",
];

impl<S> Service<Request> for Ordered<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let started = Instant::now();
        let method = req.method().to_string();
        if req.id().is_none() && ORDERED.contains(&method.as_str()) {
            if self.shared.is_initialized() {
                let (_, _, params) = req.into_parts();
                apply(&self.shared, &method, params);
            } else {
                log::warning!("{method} before initialize; ignored");
            }
            self.shared.record(&method, started.elapsed());
            return Box::pin(std::future::ready(Ok(None)));
        }
        if method == "shutdown" && self.shared.is_initialized() {
            self.shared.shutdown.store(true, Ordering::SeqCst);
        }
        let snapshot = req.id().is_some().then(|| self.shared.snapshot());
        let fut = self.inner.call(req);
        let shared = self.shared.clone();
        Box::pin(async move {
            let response = match snapshot {
                Some(world) => SNAPSHOT.scope(world, fut).await,
                None => fut.await,
            };
            shared.record(&method, started.elapsed());
            response
        })
    }
}

fn parse<P: DeserializeOwned>(method: &str, params: Option<Value>) -> Option<P> {
    match serde_json::from_value(params.unwrap_or(Value::Null)) {
        Ok(p) => Some(p),
        Err(e) => {
            log::warning!("{method}: invalid params: {e}");
            None
        }
    }
}

/// Applies one state-changing notification. A panic is logged, and the document it was about
/// (if any) is re-read whole from the editor's text so that the analysis stays in step.
fn apply(shared: &Shared, method: &str, params: Option<Value>) {
    let uri = params
        .as_ref()
        .and_then(|p| p.pointer("/textDocument/uri"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let result = guard::catch(|| match method {
        "initialized" => initialized(shared),
        "textDocument/didOpen" => {
            if let Some(p) = parse::<lsp::DidOpenTextDocumentParams>(method, params) {
                shared.change(|w| w.did_open(p));
            }
        }
        "textDocument/didChange" => {
            if let Some(p) = parse::<lsp::DidChangeTextDocumentParams>(method, params) {
                shared.change(|w| w.did_change(p));
            }
        }
        "textDocument/didClose" => {
            if let Some(p) = parse::<lsp::DidCloseTextDocumentParams>(method, params) {
                shared.change(|w| w.did_close(p));
            }
        }
        "workspace/didChangeWatchedFiles" => {
            if let Some(p) = parse::<lsp::DidChangeWatchedFilesParams>(method, params) {
                shared.change(|w| w.did_change_watched_files(p));
            }
        }
        "workspace/didChangeConfiguration" => {
            if let Some(p) = parse::<lsp::DidChangeConfigurationParams>(method, params) {
                shared.change(|w| w.did_change_configuration(p.settings));
            }
        }
        "workspace/didChangeWorkspaceFolders" => {
            if let Some(p) = parse::<lsp::DidChangeWorkspaceFoldersParams>(method, params) {
                shared.change(|w| w.did_change_workspace_folders(p));
            }
        }
        other => log::error!("{other} is not an ordered notification"),
    });
    if let Err(msg) = result {
        log::error!("{method} panicked: {msg}");
        let Some(path) = uri
            .and_then(|u| u.parse().ok())
            .and_then(|u| crate::paths::uri_to_path(&u))
        else {
            return;
        };
        let resynced = guard::catch(|| {
            shared.update(|w| {
                if let Some(doc) = w.docs.get(&path) {
                    let text = doc.text();
                    w.analysis.set_file(&path, text);
                }
            })
        });
        if let Err(msg) = resynced {
            log::error!("{}: resynchronising after the panic failed too: {msg}", path.display());
        }
    }
}

/// After `initialized`: publish the config files' diagnostics, and ask the client to watch the
/// files dols reads.
fn initialized(shared: &Shared) {
    let world = shared.snapshot();
    let configs: Vec<_> = world.config_paths().map(|p| p.to_path_buf()).collect();
    shared.diagnostics.schedule(configs, world.clone());
    if !world.caps.watch_registration {
        log::info!("the client cannot register file watchers; files changed outside the editor go unnoticed");
        return;
    }
    let client = shared.client.clone();
    tokio::spawn(async move {
        let watcher = |glob: &str| lsp::FileSystemWatcher {
            glob_pattern: lsp::GlobPattern::String(glob.to_string()),
            kind: None,
        };
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: [
                watcher("**/*.{ts,tsx,mts,cts,js,mjs,cjs,jsx}"),
                watcher("**/wrangler.{json,jsonc,toml}"),
                watcher("**/dols.toml"),
                watcher("**/*.sql"),
            ]
            .into_iter()
            .chain(dols_vfs::install_marker_globs().iter().map(|g| watcher(g)))
            .chain(dols_vfs::workers_types_globs().iter().map(|g| watcher(g)))
            .collect(),
        };
        let registration = lsp::Registration {
            id: "dols-watched-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        match client.register_capability(vec![registration]).await {
            Ok(()) => log::debug!("registered file watchers"),
            Err(e) => log::warning!("registering file watchers failed: {}", e.message),
        }
    });
}
