//! Wiring: configuration, first-start bootstrap (platform account and secret key), and the HTTP app.

pub mod bootstrap;
pub mod demo;
pub mod listen;
pub mod scheduler;
pub mod webhooks;

/// mimalloc instead of glibc's malloc, for every binary that links Portico (the server, its tests and benches):
/// serving documents of a few kilobytes, glibc spent up to a sixth of all CPU time in `malloc` and `free`
/// (webhook delivery profile), consolidating freed chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use portico_api::AppState;
use portico_core::processor::TestProcessor;
use portico_store::Store;
use tokio::net::TcpListener;

/// The whole HTTP application: the /v1 API and the customer portal (`/p/…`; the dashboard joins later).
pub fn app(store: Arc<dyn Store>, public_url: String, boot: &bootstrap::Bootstrapped) -> Router {
    app_with(store, public_url, boot, |_| {})
}

/// [`app`] with settings changed by `configure` (the command line's tunables; tests compress time with them).
pub fn app_with(
    store: Arc<dyn Store>,
    public_url: String,
    boot: &bootstrap::Bootstrapped,
    configure: impl FnOnce(&mut AppState),
) -> Router {
    let mut state = AppState::new(store, Arc::new(TestProcessor), public_url)
        .with_card_fingerprint_key(&boot.card_fingerprint_key)
        .with_platform_account(&boot.platform_account);
    configure(&mut state);
    tokio::spawn(scheduler::run(state.clone()));
    tokio::spawn(webhooks::run(state.clone()));
    portico_api::router(state.clone()).merge(portico_portal::router(state))
}

/// Serves `app` on an already-bound listener until the process is asked to stop, pruning expired
/// idempotency keys in the background.
pub async fn serve(listener: TcpListener, app: Router, store: Arc<dyn Store>) -> std::io::Result<()> {
    let pruner = tokio::spawn(prune_idempotency_keys(store));
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await;
    pruner.abort();
    served
}

/// Stripe keeps idempotency keys for 24 hours. Safe on every node: a delete of old rows is idempotent.
async fn prune_idempotency_keys(store: Arc<dyn Store>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let pruned = async {
            let mut tx = store.begin_write().await?;
            let removed = tx.prune_idempotency_keys(now - portico_api::context::IDEMPOTENCY_KEY_TTL_SECS).await?;
            tx.commit().await?;
            Ok::<_, portico_store::StoreError>(removed)
        };
        match pruned.await {
            Ok(removed) if removed > 0 => {
                tracing::info!(idempotency_keys.removed = removed, "pruned expired idempotency keys")
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not prune idempotency keys"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
