//! Wiring: configuration, first-start bootstrap (platform account and secret key), and the HTTP app.

pub mod bootstrap;
pub mod demo;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use portico_api::AppState;
use portico_core::processor::TestProcessor;
use portico_store::Store;
use tokio::net::TcpListener;

/// The whole HTTP application: the /v1 API (portal and dashboard join it in later issues).
pub fn app(store: Arc<dyn Store>, public_url: String) -> Router {
    let state = AppState::new(store, Arc::new(TestProcessor), public_url);
    portico_api::router(state)
}

/// Serves `app` on an already-bound listener until the process is asked to stop.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
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
