//! The customer portal: the pages a customer reaches through a portal session's link
//! (`/p/session/{secret}`), served from the same process as the API and merged into its router.
//!
//! For now the portal only opens sessions and enforces their lifetime; the real portal (subscriptions,
//! payment methods, invoices) arrives with the next issue.

mod cookie;
mod entry;
mod pages;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use portico_api::AppState;

/// Every portal route. Portal responses may never be framed (Stripe does not allow the portal in an iframe,
/// and framing would invite clickjacking) nor cached.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/p/session/{secret}", get(entry::open))
        .route("/p/", get(entry::home))
        .layer(middleware::map_response(protect))
        .with_state(state)
}

async fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The session URL is a bearer credential: never hand it on in a `Referer`.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
