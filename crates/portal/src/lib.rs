//! The customer portal: the pages a customer reaches through a portal session's link
//! (`/p/session/{secret}`), served from the same process as the API and merged into its router.
//!
//! Every page is server-rendered HTML that works without JavaScript; each request runs in one transaction
//! scoped to the session's customer and account ([`context::Visit`]).

mod address_format;
mod billing;
mod branding;
mod context;
mod cookie;
mod csrf;
mod entry;
mod flows;
mod form;
mod home;
mod invoices;
mod login;
pub mod pdf;
mod payment_methods;
pub mod i18n;
mod refusal;
mod render;
mod subscription_actions;
mod subscription_cancel;
mod subscription_pause;
mod subscription_update;
mod views;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use portico_api::AppState;

/// Every portal route. Portal responses may never be framed (Stripe does not allow the portal in an iframe,
/// and framing would invite clickjacking) nor cached.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/p/session/{secret}", get(entry::open))
        .route("/p/login/{token}", get(login::show))
        .route("/p/", get(home::show))
        .route("/p/done", get(flows::confirmation))
        .route("/p/billing", get(billing::show).post(billing::save))
        .route("/p/billing/tax-ids", axum::routing::post(billing::add_tax_id))
        .route("/p/billing/tax-ids/{id}/delete", axum::routing::post(billing::remove_tax_id))
        .route("/p/subscriptions/{id}/update", get(subscription_update::choose).post(subscription_update::preview))
        .route("/p/subscriptions/{id}/update/confirm", get(subscription_update::confirm_page).post(subscription_update::confirm))
        .route("/p/subscriptions/{id}/update/authenticate", get(subscription_update::challenge).post(subscription_update::authenticate))
        .route("/p/payment-methods", get(payment_methods::list))
        .route("/p/payment-methods/new", get(payment_methods::new).post(payment_methods::create))
        .route("/p/payment-methods/{id}/default", axum::routing::post(payment_methods::make_default))
        .route("/p/payment-methods/{id}/remove", axum::routing::post(payment_methods::remove))
        .route("/p/payment-methods/authenticate/{id}", get(payment_methods::challenge).post(payment_methods::authenticate))
        .route("/p/invoices", get(invoices::list))
        .route("/p/invoices/{id}/pay", get(invoices::pay_form).post(invoices::pay))
        .route("/p/invoices/{id}/authenticate", get(invoices::challenge).post(invoices::authenticate))
        .route("/i/{invoice}/{token}", get(invoices::hosted))
        .route("/i/{invoice}/{token}/pay", axum::routing::post(invoices::hosted_pay))
        .route("/i/{invoice}/{token}/authenticate", get(invoices::hosted_challenge).post(invoices::hosted_authenticate))
        .route("/i/{invoice}/{token}/pdf", get(invoices::download))
        .route("/p/subscriptions/{id}/cancel", get(subscription_cancel::show).post(subscription_cancel::cancel))
        .route("/p/subscriptions/{id}/cancel/retention", axum::routing::post(subscription_cancel::accept))
        .route("/p/subscriptions/{id}/renew", axum::routing::post(subscription_cancel::renew))
        .route("/p/subscriptions/{id}/pause", get(subscription_pause::show).post(subscription_pause::pause))
        .route("/p/subscriptions/{id}/resume", axum::routing::post(subscription_pause::resume))
        .route("/p/assets/portal.css", get(stylesheet))
        .layer(middleware::from_fn(refuse_null_bytes))
        .layer(middleware::map_response(protect))
        .layer(middleware::from_fn(server_timing))
        .with_state(state)
}

/// The one stylesheet, compiled in. Cacheable for a day: its URL does not change between releases yet.
async fn stylesheet() -> Response {
    let mut response = include_str!("../assets/portal.css").into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}

/// `Server-Timing: app;dur=<ms>` on every portal response: what the server spent, for browsers' developer
/// tools and for the portal benchmark, without the network in the figure.
async fn server_timing(request: axum::extract::Request, next: middleware::Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.2}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// No session secret, token or id holds a null character (`%00`), and PostgreSQL cannot compare text with one:
/// such a URL leads nowhere.
async fn refuse_null_bytes(request: axum::extract::Request, next: middleware::Next) -> Response {
    if request.uri().path().contains("%00") {
        return refusal::Refusal::not_found().into_response();
    }
    next.run(request).await
}

async fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'"));
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // The session URL is a bearer credential: never hand it on in a `Referer`.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
