//! Entering the portal: the session link trades its secret for a cookie, and each later request checks the
//! session's lifetime and records the customer's activity.
//!
//! Times are the request's wall clock: portal sessions never live on a test clock. Each request makes one
//! write, the session document with its new `last_activity_at`: a separate activity row would be smaller but
//! cost one more read, and round trips, not bytes, are what a request pays for (docs/architecture.md).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::auth::hash_key;
use portico_core::objects::billing_portal::session::secret::{self, CookieKey, UrlKey};
use portico_api::context::unix_now;
use portico_core::Timestamp;
use portico_store::TxExt;

use crate::context::live_session;
use crate::cookie;
use crate::refusal::Refusal;

/// `GET /p/session/{secret}`: opens the session (the first use) and sends the browser on to `/p/` with a
/// cookie, so the secret does not stay in the address bar.
pub async fn open(State(state): State<AppState>, Path(url_secret): Path<String>, headers: HeaderMap) -> Response {
    let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    match open_session(&state, &url_secret, unix_now(), accept_language).await {
        Ok(token) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let location = format!("{}/p/", state.public_url.trim_end_matches('/'));
            if let (Ok(location), Some(cookie)) =
                (HeaderValue::from_str(&location), cookie::set(&token, &state.public_url))
            {
                response.headers_mut().insert(header::LOCATION, location);
                response.headers_mut().insert(header::SET_COOKIE, cookie);
                response
            } else {
                Refusal::failed("the public URL cannot be used in a redirect").into_response()
            }
        }
        Err(refusal) => refusal.into_response(),
    }
}

async fn open_session(
    state: &AppState,
    url_secret: &str,
    now: Timestamp,
    accept_language: Option<&str>,
) -> Result<String, Refusal> {
    let unknown = || Refusal::unknown(accept_language);
    let scope = secret::scope_of(url_secret).ok_or_else(unknown)?;
    let hash = hash_key(url_secret);
    let mut tx = state.store.begin_write().await?;
    let key = tx.load::<UrlKey>(&scope, &hash).await?.ok_or_else(unknown)?;
    let mut session =
        live_session(&mut *tx, &scope, &key.session, &state.portal_sessions, now, accept_language).await?;
    if session.engine.secret_hash != hash {
        return Err(unknown());
    }
    session.record_activity(now);
    tx.save(&scope, &session).await?;
    let token = secret::mint(&scope);
    tx.create(&scope, &CookieKey { id: hash_key(&token), session: session.id.clone(), created: now }).await?;
    tx.commit().await?;
    tracing::info!(billing_portal.session = %session.id, "portal session opened");
    Ok(token)
}
