//! The dols language server: LSP over stdio on top of `dols-analysis`.
//!
//! - [`transport`] reads and writes framed JSON-RPC and feeds messages, in order, to
//! - [`ordered::Ordered`], which applies state-changing notifications synchronously to the
//!   shared [`world::World`] and pins each request to the world it arrived in, before handing
//!   requests to tower-lsp-server's `LspService` and our [`server::Backend`];
//! - requests compute on their snapshot on the blocking pool, panics caught ([`guard`]);
//! - [`diagnostics`] publishes off the notification path, dropping superseded results.

mod diagnostics;
mod document;
mod features;
mod guard;
mod log;
mod metrics;
mod ordered;
mod paths;
mod server;
mod shared;
mod status;
mod transport;
mod watchdog;
mod world;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp_server::LspService;

const USAGE: &str = "usage: dols lsp [--log-file FILE]";

/// Runs the language server on stdin/stdout until the client exits. `args` are the
/// command-line arguments after `lsp`.
pub fn run_stdio(args: &[String]) -> ExitCode {
    let mut log_file: Option<PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--log-file" {
            match args.next() {
                Some(f) => log_file = Some(PathBuf::from(f)),
                None => {
                    eprintln!("dols lsp: --log-file needs a file name\n{USAGE}");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(f) = arg.strip_prefix("--log-file=") {
            log_file = Some(PathBuf::from(f));
        } else {
            eprintln!("dols lsp: unknown argument `{arg}`\n{USAGE}");
            return ExitCode::from(2);
        }
    }

    let env_level = std::env::var("DOLS_LOG").ok();
    match log::init(env_level.as_deref(), log_file.as_deref()) {
        Ok(Some(warning)) => log::warning!("{warning}"),
        Ok(None) => {}
        Err(e) => {
            eprintln!("dols lsp: cannot open the log file: {e}");
            return ExitCode::from(2);
        }
    }
    log::install_panic_hook();
    log::info!(
        "dols {} language server starting (pid {})",
        server::VERSION,
        std::process::id()
    );

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("dols-lsp")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            log::error!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(serve_stdio());
    // Blocked stdin reads and running computations must not keep the process alive.
    runtime.shutdown_timeout(Duration::from_millis(500));
    code
}

async fn serve_stdio() -> ExitCode {
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method("dols/status", server::Backend::status)
        .finish();
    let shared = service.inner().shared.clone();
    tokio::spawn(diagnostics::run(shared.clone()));
    let service = ordered::Ordered::new(service, shared.clone());
    let ended = transport::serve(service, socket, std::io::stdin(), std::io::stdout()).await;
    let clean = shared.shutdown.load(Ordering::SeqCst);
    log::info!(
        "stopping: {ended:?}, shutdown {}",
        if clean { "requested" } else { "not requested" }
    );
    // The protocol's convention: 0 after `shutdown`, 1 otherwise.
    if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
