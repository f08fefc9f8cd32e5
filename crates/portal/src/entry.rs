//! Entering the portal: the session link trades its secret for a cookie, and each later request checks the
//! session's lifetime and records the customer's activity.
//!
//! Times are the request's wall clock: portal sessions never live on a test clock. Each request makes one
//! write, the session document with its new `last_activity_at`: a separate activity row would be smaller but
//! cost one more read, and round trips, not bytes, are what a request pays for (docs/architecture.md).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::auth::hash_key;
use portico_core::objects::billing_portal::session::secret::{self, CookieKey, UrlKey};
use portico_core::objects::billing_portal::session::{Lifetime, Session, Status};
use portico_core::objects::customer::Customer;
use portico_core::{Scope, Timestamp};
use portico_store::{StoreError, Tx, TxExt};

use crate::{cookie, pages};

/// Why a request gets no portal page.
#[derive(Debug)]
enum Refusal {
    Unknown,
    Expired { return_url: Option<String> },
    Failed,
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "portal request failed");
        Refusal::Failed
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Unknown => pages::unknown(),
            Refusal::Expired { return_url } => pages::expired(return_url.as_deref()),
            Refusal::Failed => pages::unavailable(),
        }
    }
}

fn unix_now() -> Timestamp {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

/// `GET /p/session/{secret}`: opens the session (the first use) and sends the browser on to `/p/` with a
/// cookie, so the secret does not stay in the address bar.
pub async fn open(State(state): State<AppState>, Path(url_secret): Path<String>) -> Response {
    match open_session(&state, &url_secret, unix_now()).await {
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
                tracing::error!("the public URL cannot be used in a redirect");
                pages::unavailable()
            }
        }
        Err(refusal) => refusal.into_response(),
    }
}

async fn open_session(state: &AppState, url_secret: &str, now: Timestamp) -> Result<String, Refusal> {
    let scope = secret::scope_of(url_secret).ok_or(Refusal::Unknown)?;
    let hash = hash_key(url_secret);
    let mut tx = state.store.begin_write().await?;
    let key = tx.load::<UrlKey>(&scope, &hash).await?.ok_or(Refusal::Unknown)?;
    let mut session = live_session(&mut *tx, &scope, &key.session, &state.portal_sessions, now).await?;
    if session.engine.secret_hash != hash {
        return Err(Refusal::Unknown);
    }
    session.record_activity(now);
    tx.save(&scope, &session).await?;
    let token = secret::mint(&scope);
    tx.create(&scope, &CookieKey { id: hash_key(&token), session: session.id.clone(), created: now }).await?;
    tx.commit().await?;
    tracing::info!(billing_portal.session = %session.id, "portal session opened");
    Ok(token)
}

/// `GET /p/`: the portal's home page for the cookie's session.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match visit(&state, &headers, unix_now()).await {
        Ok(customer) => pages::home(&customer),
        Err(refusal) => refusal.into_response(),
    }
}

/// Records the visit and answers who the customer is.
async fn visit(state: &AppState, headers: &HeaderMap, now: Timestamp) -> Result<String, Refusal> {
    let token = cookie::token(headers).ok_or(Refusal::Unknown)?;
    let scope = secret::scope_of(&token).ok_or(Refusal::Unknown)?;
    let mut tx = state.store.begin_write().await?;
    let key = tx.load::<CookieKey>(&scope, &hash_key(&token)).await?.ok_or(Refusal::Unknown)?;
    let mut session = live_session(&mut *tx, &scope, &key.session, &state.portal_sessions, now).await?;
    session.record_activity(now);
    tx.save(&scope, &session).await?;
    let customer = tx.load::<Customer>(&scope, &session.customer).await?;
    tx.commit().await?;
    Ok(customer
        .and_then(|customer| customer.name.filter(|n| !n.is_empty()).or(customer.email))
        .unwrap_or(session.customer))
}

/// The session, locked for this request's write, if it still lives at `now`.
async fn live_session(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
    lifetime: &Lifetime,
    now: Timestamp,
) -> Result<Session, Refusal> {
    let session = tx.load_for_update::<Session>(scope, id).await?.ok_or(Refusal::Unknown)?;
    match lifetime.status(&session, now) {
        Status::Live => Ok(session),
        Status::Expired => Err(Refusal::Expired { return_url: session.return_url }),
    }
}
