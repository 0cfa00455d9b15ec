//! Publishing diagnostics off the notification path.
//!
//! Changes add files to a queue together with the world they were made in; one worker takes
//! everything queued, computes on the newest world, and publishes. Each file carries a
//! generation number: when a newer change queued the file again while its diagnostics were
//! being computed, the older result is dropped and the next round publishes the newer one.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;
use tower_lsp_server::ls_types as lsp;

use crate::shared::Shared;
use crate::world::World;
use crate::{features, guard, log};

#[derive(Default)]
pub struct DiagnosticsQueue {
    state: Mutex<QueueState>,
    wake: Notify,
}

/// Files to publish, each with the generation it was queued at.
type Batch = Vec<(PathBuf, u64)>;

#[derive(Default)]
struct QueueState {
    pending: BTreeSet<PathBuf>,
    world: Option<Arc<World>>,
    generation: HashMap<PathBuf, u64>,
}

impl DiagnosticsQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `paths` for publishing as of `world` (or a newer world queued since).
    pub fn schedule(&self, paths: impl IntoIterator<Item = PathBuf>, world: Arc<World>) {
        let mut st = self.lock();
        for path in paths {
            *st.generation.entry(path.clone()).or_default() += 1;
            st.pending.insert(path);
        }
        if st.world.as_ref().is_none_or(|w| w.revision <= world.revision) {
            st.world = Some(world);
        }
        drop(st);
        self.wake.notify_one();
    }

    /// Everything queued, with each file's generation, and the newest world.
    fn take(&self) -> Option<(Arc<World>, Batch)> {
        let mut st = self.lock();
        if st.pending.is_empty() {
            return None;
        }
        // Moved out, so that the queue does not keep an old world alive (which would make the
        // next change copy the world instead of updating it in place).
        let world = st.world.take()?;
        let pending = std::mem::take(&mut st.pending);
        let batch = pending.into_iter().map(|p| {
            let g = st.generation[&p];
            (p, g)
        });
        Some((world, batch.collect()))
    }

    fn is_current(&self, path: &Path, generation: u64) -> bool {
        self.lock().generation.get(path) == Some(&generation)
    }
}

/// What to tell the client about one file.
enum Outcome {
    Publish {
        uri: lsp::Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    },
    /// Not open and not a config (or no longer analysed): clear what was published.
    Clear,
    Failed(String),
}

fn outcome(world: &World, path: &Path) -> Outcome {
    let doc = world.docs.get(path);
    if doc.is_none() && world.analysis.config(path).is_none() {
        return Outcome::Clear;
    }
    if world.analysis.file(path).is_none() {
        return Outcome::Clear;
    }
    let Some(uri) = world.uri(path) else {
        return Outcome::Clear;
    };
    match guard::catch(|| features::diagnostics(world, path)) {
        Ok(diagnostics) => Outcome::Publish {
            uri,
            diagnostics,
            version: doc.map(|d| d.version),
        },
        Err(msg) => Outcome::Failed(msg),
    }
}

/// The publishing loop; runs for the life of the server.
pub async fn run(shared: Arc<Shared>) {
    // Where each file's diagnostics were last published, to clear them later.
    let mut published: HashMap<PathBuf, lsp::Uri> = HashMap::new();
    loop {
        shared.diagnostics.wake.notified().await;
        let Some((world, batch)) = shared.diagnostics.take() else {
            continue;
        };
        let started = Instant::now();
        let paths: Vec<PathBuf> = batch.iter().map(|(p, _)| p.clone()).collect();
        let w = world.clone();
        let outcomes =
            match tokio::task::spawn_blocking(move || paths.iter().map(|p| outcome(&w, p)).collect::<Vec<_>>()).await {
                Ok(o) => o,
                Err(e) => {
                    log::error!("computing diagnostics failed: {e}");
                    continue;
                }
            };
        for ((path, generation), outcome) in batch.into_iter().zip(outcomes) {
            if !shared.diagnostics.is_current(&path, generation) {
                log::trace!("{}: diagnostics superseded by a newer change", path.display());
                continue;
            }
            match outcome {
                Outcome::Publish {
                    uri,
                    diagnostics,
                    version,
                } => {
                    if let Some(old) = published.insert(path.clone(), uri.clone())
                        && old != uri
                    {
                        shared.client.publish_diagnostics(old, Vec::new(), None).await;
                    }
                    log::debug!("{}: {} diagnostics", path.display(), diagnostics.len());
                    shared.client.publish_diagnostics(uri, diagnostics, version).await;
                }
                Outcome::Clear => {
                    if let Some(uri) = published.remove(&path) {
                        shared.client.publish_diagnostics(uri, Vec::new(), None).await;
                    }
                }
                Outcome::Failed(msg) => log::error!("{}: diagnostics panicked: {msg}", path.display()),
            }
        }
        shared.record("textDocument/publishDiagnostics", started.elapsed());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(revision: u64) -> Arc<World> {
        Arc::new(World {
            revision,
            ..World::default()
        })
    }

    #[test]
    fn a_newer_change_supersedes_results_being_computed() {
        let q = DiagnosticsQueue::default();
        let a = PathBuf::from("/w/a.ts");
        q.schedule([a.clone(), PathBuf::from("/w/wrangler.jsonc")], world(1));
        let (w, batch) = q.take().unwrap();
        assert_eq!(w.revision, 1);
        assert_eq!(batch.len(), 2);
        let gen_a = batch.iter().find(|(p, _)| *p == a).unwrap().1;
        assert!(q.is_current(&a, gen_a));
        assert!(q.take().is_none(), "nothing pending after a take");
        // The file changes again while its diagnostics are computed: the result is stale.
        q.schedule([a.clone()], world(2));
        assert!(!q.is_current(&a, gen_a));
        assert!(q.is_current(Path::new("/w/wrangler.jsonc"), 1));
        let (w, batch) = q.take().unwrap();
        assert_eq!((w.revision, batch.len()), (2, 1));
        assert!(q.is_current(&a, batch[0].1));
    }

    #[test]
    fn the_newest_world_wins_whatever_the_order_of_scheduling() {
        let q = DiagnosticsQueue::default();
        q.schedule([PathBuf::from("/w/a.ts")], world(5));
        q.schedule([PathBuf::from("/w/b.ts")], world(3));
        let (w, batch) = q.take().unwrap();
        assert_eq!((w.revision, batch.len()), (5, 2));
    }

    #[test]
    fn open_files_and_configs_publish_and_others_clear() {
        let mut w = World::default();
        let src = PathBuf::from("/w/src/index.ts");
        let closed = PathBuf::from("/w/src/other.ts");
        let config = PathBuf::from("/w/wrangler.jsonc");
        w.analysis.set_file(&src, "let a = 1;".into());
        w.analysis.set_file(&closed, "let b = 2;".into());
        w.analysis.set_file(&config, "{}".into());
        w.docs.insert(
            src.clone(),
            crate::document::Document::new("file:///w/src/index.ts".parse().unwrap(), 7, "let a = 1;"),
        );
        let Outcome::Publish { uri, version, .. } = outcome(&w, &src) else {
            panic!("open file")
        };
        assert_eq!((uri.as_str(), version), ("file:///w/src/index.ts", Some(7)));
        let Outcome::Publish { uri, version, .. } = outcome(&w, &config) else {
            panic!("config")
        };
        assert_eq!((uri.as_str(), version), ("file:///w/wrangler.jsonc", None));
        assert!(matches!(outcome(&w, &closed), Outcome::Clear));
        assert!(matches!(outcome(&w, Path::new("/w/gone.ts")), Outcome::Clear));
    }
}
