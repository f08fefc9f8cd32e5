//! Per-request context: authentication, the acting account, the request's one database transaction and
//! idempotency. The middleware here wraps every /v1 handler; handlers reach it through [`Ctx`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portico_core::objects::event::API_VERSION;
use portico_core::objects::webhook_endpoint::WebhookRegistry;
use portico_core::{Scope, Timestamp, ids};
use portico_store::{Claim, KeyOwner, StoreError, Tx};
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, MutexGuard};

use crate::auth;
use crate::error::{ApiError, ErrorType};
use crate::state::AppState;

/// Largest request body accepted; Stripe's own limit is of this order.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Stripe keeps idempotency keys for at least 24 hours.
pub const IDEMPOTENCY_KEY_TTL_SECS: i64 = 24 * 60 * 60;

/// What a handler knows about its request. Cloning is cheap; all clones share the one transaction.
#[derive(Clone)]
pub struct Ctx {
    inner: Arc<Inner>,
}

struct Inner {
    scope: Scope,
    /// Set when `Stripe-Account` selected a connected account; events then carry `account`.
    connected_account: Option<String>,
    /// The account whose key authenticated the request (the platform, for Connect requests).
    key_owner: KeyOwner,
    /// The request's time, or the test clock's when the request acts on an object that lives on one.
    now: AtomicI64,
    request_id: String,
    idempotency_key: Option<String>,
    state: AppState,
    tx: Mutex<Box<dyn Tx>>,
    /// Where this context's events go, read by the first event (see [`Ctx::webhook_registry`]).
    webhook_registry: std::sync::Mutex<Option<Arc<WebhookRegistry>>>,
}

impl Ctx {
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    /// The request's time: every object created by one request carries the same timestamp.
    pub fn now(&self) -> Timestamp {
        self.inner.now.load(Ordering::Relaxed)
    }

    /// Moves the command's time: to a test clock's frozen time when it acts on the clock's objects, or along
    /// a clock's advance. Everything created afterwards (objects, events) carries that time.
    pub fn set_now(&self, now: Timestamp) {
        self.inner.now.store(now, Ordering::Relaxed);
    }

    /// A command outside any HTTP request (the scheduler, a test clock's advance), acting in `scope` at `now`
    /// in the transaction `tx`; take the transaction back with [`Ctx::into_tx`] to commit it. On an account other
    /// than the platform it acts as the platform on its connected account.
    pub fn background(state: AppState, scope: Scope, tx: Box<dyn Tx>, now: Timestamp) -> Self {
        let platform = state.platform_account.as_deref().filter(|platform| *platform != scope.account);
        let connected_account = platform.map(|_| scope.account.clone());
        let owner = platform.map_or_else(|| scope.account.clone(), str::to_owned);
        let key_owner = KeyOwner { account: owner, livemode: scope.livemode };
        Ctx {
            inner: Arc::new(Inner {
                scope,
                connected_account,
                key_owner,
                now: AtomicI64::new(now),
                request_id: String::new(),
                idempotency_key: None,
                state,
                tx: Mutex::new(tx),
                webhook_registry: Default::default(),
            }),
        }
    }

    /// The transaction back, once every clone of the context is gone.
    pub fn into_tx(self) -> Option<Box<dyn Tx>> {
        Arc::try_unwrap(self.inner).ok().map(|inner| inner.tx.into_inner())
    }

    pub fn state(&self) -> &AppState {
        &self.inner.state
    }

    /// The scope of the account that owns the API key, whatever `Stripe-Account` says.
    pub fn key_scope(&self) -> Scope {
        Scope { account: self.inner.key_owner.account.clone(), livemode: self.inner.key_owner.livemode }
    }

    pub fn connected_account(&self) -> Option<&str> {
        self.inner.connected_account.as_deref()
    }

    pub fn request(&self) -> portico_core::objects::event::EventRequest {
        portico_core::objects::event::EventRequest {
            id: (!self.inner.request_id.is_empty()).then(|| self.inner.request_id.clone()),
            idempotency_key: self.inner.idempotency_key.clone(),
        }
    }

    /// Where this context's events go: the account's webhook registry (for a connected account, its platform's,
    /// whose `connect` endpoints receive them). At most one read by primary key per context, none while the
    /// installation-wide copy is current.
    pub async fn webhook_registry(&self, tx: &mut dyn Tx) -> Result<Arc<WebhookRegistry>, ApiError> {
        if let Some(loaded) = self.inner.webhook_registry.lock().expect("not poisoned").clone() {
            return Ok(loaded);
        }
        let scope = if self.connected_account().is_some() { self.key_scope() } else { self.scope().clone() };
        let loaded = self.state().registries.get(tx, &scope).await?;
        *self.inner.webhook_registry.lock().expect("not poisoned") = Some(loaded.clone());
        Ok(loaded)
    }

    /// The request's transaction; committed by the middleware when the handler answers 2xx.
    pub async fn tx(&self) -> MutexGuard<'_, Box<dyn Tx>> {
        self.inner.tx.lock().await
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| ApiError::internal("Ctx extractor used outside the API middleware"))
    }
}

/// The wall clock, in Stripe's Unix seconds.
pub fn unix_now() -> Timestamp {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

/// Marks an error response whose changes are committed all the same. Stripe keeps what a declined
/// confirmation did (the intent's `last_setup_error`, its `*.setup_failed` event) while answering 402.
#[derive(Debug, Clone, Copy)]
pub struct KeepChanges;

/// An error response that keeps the request's changes (see [`KeepChanges`]).
pub fn error_keeping_changes(error: ApiError) -> Response {
    let mut response = error.into_response();
    response.extensions_mut().insert(KeepChanges);
    response
}

/// Wraps every /v1 request: request id and version headers, authentication, account selection, one
/// transaction committed only on success (or when the handler marks [`KeepChanges`]), and idempotent replays.
pub async fn api_layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let request_id = format!("req_{}", ids::random_base62(14));
    let version = request
        .headers()
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| API_VERSION.to_owned());
    let idempotency_key = request.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let outcome = if !valid_version(&version) {
        Err(ApiError::invalid_request(format!("Invalid Stripe API version: {version}")).with_param("Stripe-Version"))
    } else if path.contains("%00") {
        // No id holds a null character, and PostgreSQL cannot compare text with one.
        Err(ApiError::invalid_request("Request URLs must not contain null bytes (%00)."))
    } else {
        run(state, request, next, &request_id, idempotency_key.clone()).await
    };
    let mut response = match outcome {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    let headers = response.headers_mut();
    set_header(headers, "request-id", &request_id);
    set_header(headers, "stripe-version", &version);
    if let Some(key) = &idempotency_key {
        set_header(headers, "idempotency-key", key);
    }
    tracing::debug!(
        request.id = %request_id,
        http.method = %method,
        http.path = %path,
        http.status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "{method} {path} -> {}",
        response.status().as_u16()
    );
    response
}

/// `2026-10-28.endive` or a dated version without a release name (`2024-06-20`).
fn valid_version(version: &str) -> bool {
    let (date, name) = version.split_once('.').unwrap_or((version, "x"));
    let bytes = date.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase())
}

fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

async fn run(
    state: AppState,
    request: Request,
    next: Next,
    request_id: &str,
    key: Option<String>,
) -> Result<Response, ApiError> {
    let owner = auth::authenticate(&state, request.headers()).await?;
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::invalid_request(format!("Request bodies are limited to {MAX_BODY_BYTES} bytes.")))?;
    let mut attempts = 1;
    loop {
        let run = attempt(&state, &owner, parts.clone(), body.clone(), next.clone(), request_id, key.clone());
        match run.await {
            Ok(response) => return Ok(response),
            // A copy of a document the transaction relied on had changed (`Tx::get_json_committed`): nothing was
            // written, and the copy is gone, so the request runs again.
            Err(Failed::Stale) if attempts < MAX_ATTEMPTS => attempts += 1,
            Err(Failed::Stale) => return Err(ApiError::internal(StoreError::Stale)),
            Err(Failed::Api(error)) => return Err(error),
        }
    }
}

/// Runs of one request that end with [`StoreError::Stale`] before it fails.
const MAX_ATTEMPTS: u32 = 3;

/// Why a run of a request produced no response: a store error of this kind means "run it again".
enum Failed {
    Stale,
    Api(ApiError),
}

impl From<ApiError> for Failed {
    fn from(error: ApiError) -> Self {
        Failed::Api(error)
    }
}

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => Failed::Stale,
            other => Failed::Api(other.into()),
        }
    }
}

/// One run of a request: its transaction, its handler, its commit.
async fn attempt(
    state: &AppState,
    owner: &KeyOwner,
    parts: Parts,
    body: Bytes,
    next: Next,
    request_id: &str,
    key: Option<String>,
) -> Result<Response, Failed> {
    let writes = parts.method != Method::GET && parts.method != Method::HEAD;
    let mut tx = if writes { state.store.begin_write().await? } else { state.store.begin_read().await? };
    let connected_account = auth::connected_account(&mut *tx, owner, &parts.headers).await?;
    let scope =
        Scope { account: connected_account.clone().unwrap_or_else(|| owner.account.clone()), livemode: owner.livemode };
    let now = unix_now();

    // Keys only matter on POST (Stripe ignores them on GET and DELETE); only then is the body hashed.
    let idempotency = key.filter(|_| parts.method == Method::POST).map(|key| {
        let fingerprint = fingerprint(&parts.method, parts.uri.path(), &body);
        (key, fingerprint)
    });
    let mut unchecked = false;
    if let Some((key, fingerprint)) = &idempotency {
        validate_key(key)?;
        match tx.claim_idempotency_key(&scope, key, fingerprint, now).await? {
            Claim::Done { fingerprint: stored, status, body } => {
                return Ok(replay(key, fingerprint, &stored, status, body)?);
            }
            Claim::New => {}
            Claim::Unchecked => unchecked = true,
        }
    }

    let ctx = Ctx {
        inner: Arc::new(Inner {
            scope: scope.clone(),
            connected_account,
            key_owner: owner.clone(),
            now: AtomicI64::new(now),
            request_id: request_id.to_owned(),
            idempotency_key: idempotency.as_ref().map(|(key, _)| key.clone()),
            state: state.clone(),
            tx: Mutex::new(tx),
            webhook_registry: Default::default(),
        }),
    };
    let mut request = Request::from_parts(parts, Body::from(body));
    request.extensions_mut().insert(ctx.clone());
    let response = next.run(request).await;

    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.map_err(ApiError::internal)?;
    let status = parts.status;
    let keep_changes = status.is_success() || parts.extensions.get::<KeepChanges>().is_some();
    let Ok(inner) = Arc::try_unwrap(ctx.inner) else {
        return Err(ApiError::internal("request context still borrowed after the handler returned").into());
    };
    let mut tx = inner.tx.into_inner();
    if keep_changes {
        if let Some((key, _)) = &idempotency {
            tx.finish_idempotency_key(&scope, key, status.as_u16(), &String::from_utf8_lossy(&body)).await?;
        }
        match (tx.commit().await, &idempotency) {
            (Ok(()), _) => {}
            // The key was used first by a concurrent request, or before (`Claim::Unchecked`): ours is undone,
            // the stored answer is the answer.
            (Err(StoreError::Conflict), Some((key, fingerprint))) => {
                return match stored_answer(state, &scope, key, fingerprint, now).await? {
                    Some(replayed) => Ok(replayed),
                    None => Err(ApiError::internal("idempotency key conflict without a stored answer").into()),
                };
            }
            (Err(error), _) => return Err(error.into()),
        }
    } else {
        drop(tx);
        if let Some((key, fingerprint)) = &idempotency {
            // A key used before answers with what it stored, not with this run's refusal.
            if unchecked && let Some(replayed) = stored_answer(state, &scope, key, fingerprint, now).await? {
                return Ok(replayed);
            }
            remember_failure(state, &scope, key, fingerprint, status, &body, now).await?;
        }
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

/// Stripe stores the outcome of a request that ran, so a retry sees the same answer; requests refused while
/// validating their parameters are not stored, so a corrected retry may reuse the key. Here that means: a
/// card error (402) is remembered, other refusals (400, 404) are not. Server errors are not remembered either
/// (Stripe would), so that a retry after a transient failure gets a real second attempt.
/// The failed request's own transaction was rolled back, so the key is recorded in a fresh one.
async fn remember_failure(
    state: &AppState,
    scope: &Scope,
    key: &str,
    fingerprint: &str,
    status: StatusCode,
    body: &Bytes,
    now: Timestamp,
) -> Result<(), ApiError> {
    if status != StatusCode::PAYMENT_REQUIRED {
        return Ok(());
    }
    let mut tx = state.store.begin_write().await?;
    if matches!(tx.claim_idempotency_key(scope, key, fingerprint, now).await?, Claim::New | Claim::Unchecked) {
        tx.finish_idempotency_key(scope, key, status.as_u16(), &String::from_utf8_lossy(body)).await?;
        match tx.commit().await {
            // A concurrent request with the same key answered first; its answer stands.
            Ok(()) | Err(StoreError::Conflict) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// The response stored under `key`, replayed (or the idempotency error for another request's key), if any.
async fn stored_answer(
    state: &AppState,
    scope: &Scope,
    key: &str,
    fingerprint: &str,
    now: Timestamp,
) -> Result<Option<Response>, ApiError> {
    let mut tx = state.store.begin_read().await?;
    match tx.claim_idempotency_key(scope, key, fingerprint, now).await? {
        Claim::Done { fingerprint: stored, status, body } => replay(key, fingerprint, &stored, status, body).map(Some),
        Claim::New | Claim::Unchecked => Ok(None),
    }
}

fn replay(key: &str, fingerprint: &str, stored: &str, status: u16, body: String) -> Result<Response, ApiError> {
    if stored != fingerprint {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorType::IdempotencyError,
            None,
            format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
            ),
        ));
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

fn validate_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::invalid_request("Idempotency-Key must be between 1 and 255 characters long."));
    }
    Ok(())
}

/// Same endpoint and same parameters: what makes a retry a replay rather than an idempotency error.
fn fingerprint(method: &Method, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str());
    hash.update(b" ");
    hash.update(path);
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}
