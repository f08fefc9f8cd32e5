//! The configuration's shareable login page (`login_page.url`, `/p/login/{token}`), where an expired session
//! allowed to (`after_expiration.type=customer_login`) sends its customer.
//!
//! Signing in by email, with a one-time link, is a later part of the product (ROADMAP item 6). Until then the
//! page says so plainly, whatever the token: it reveals nothing about which configurations exist.

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use crate::refusal::Refusal;

pub async fn show(headers: HeaderMap) -> Response {
    let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Refusal::sign_in_unavailable(accept_language).into_response()
}
