//! One portal request: the session behind the cookie (checked alive and its activity recorded), the customer
//! it belongs to, the configuration that gates what the page offers, the merchant's branding and the
//! negotiated locale, all read in the request's one transaction. Every query a page makes goes through
//! [`Visit::scope`] and [`Visit::customer`], which is what keeps customers and accounts apart.

use axum::http::{HeaderMap, header};
use portico_api::AppState;
use portico_api::auth::hash_key;
use portico_api::context::Ctx;
use portico_core::objects::account::Account;
use portico_core::objects::billing_portal::configuration::Configuration;
use portico_core::objects::billing_portal::session::secret::{self, CookieKey};
use portico_core::objects::billing_portal::session::{Lifetime, Session, Status};
use portico_core::objects::customer::Customer;
use portico_core::{Scope, Timestamp};
use portico_store::{Tx, TxExt};

use crate::branding::Brand;
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::{cookie, csrf};

/// A live portal session's request, holding the request's transaction until [`Visit::commit`].
pub struct Visit {
    pub state: AppState,
    pub scope: Scope,
    pub session: Session,
    pub customer: Customer,
    pub configuration: Configuration,
    pub brand: Brand,
    pub lang: Lang,
    /// The request's wall-clock time (portal sessions never live on a test clock).
    pub now: Timestamp,
    /// The token every form on the page must send back.
    pub csrf: String,
    cookie_token: String,
    /// Always present, except while [`Visit::command`] lends it to the API layer.
    tx: Option<Box<dyn Tx>>,
}

impl Visit {
    /// The visit of the request's cookie, or why there is none.
    pub async fn begin(state: &AppState, headers: &HeaderMap, now: Timestamp) -> Result<Visit, Refusal> {
        let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let unknown = || Refusal::unknown(accept_language);
        let cookie_token = cookie::token(headers).ok_or_else(unknown)?;
        let scope = secret::scope_of(&cookie_token).ok_or_else(unknown)?;
        let mut tx = state.store.begin_write().await.map_err(Refusal::failed)?;
        let key =
            tx.load::<CookieKey>(&scope, &hash_key(&cookie_token)).await.map_err(Refusal::failed)?.ok_or_else(unknown)?;
        let mut session = live_session(&mut *tx, &scope, &key.session, &state.portal_sessions, now, accept_language)
            .await?;
        session.record_activity(now);
        tx.save(&scope, &session).await.map_err(Refusal::failed)?;
        let customer = tx.load::<Customer>(&scope, &session.customer).await.map_err(Refusal::failed)?;
        let configuration =
            tx.load::<Configuration>(&scope, &session.configuration).await.map_err(Refusal::failed)?;
        let (Some(customer), Some(configuration)) = (customer, configuration) else {
            // A deleted customer or configuration ends the session: there is nothing left to show.
            // Signing in again would find nothing either: no login link.
            return Err(Refusal::expired(session.return_url.clone(), None, accept_language));
        };
        let branded_by = session.on_behalf_of.clone().unwrap_or_else(|| scope.account.clone());
        let account = tx.load::<Account>(&scope, &branded_by).await.map_err(Refusal::failed)?;
        let lang = Lang::negotiate(session.locale.as_deref(), &customer.preferred_locales, accept_language);
        Ok(Visit {
            state: state.clone(),
            scope,
            brand: Brand::of(account.as_ref()),
            session,
            customer,
            configuration,
            lang,
            now,
            csrf: csrf::token(&cookie_token),
            cookie_token,
            tx: Some(tx),
        })
    }

    /// The request's transaction, for reads and writes scoped by [`Visit::scope`].
    pub fn tx(&mut self) -> &mut dyn Tx {
        self.tx.as_deref_mut().expect("the transaction is back once a command returns")
    }

    /// Whether a submitted form carries this session's CSRF token.
    pub fn csrf_ok(&self, submitted: Option<&str>) -> bool {
        submitted.is_some_and(|token| csrf::verify(&self.cookie_token, token))
    }

    /// Commits what the request did (at least the session's recorded activity).
    pub async fn commit(self) -> Result<(), Refusal> {
        let tx = self.tx.expect("the transaction is back once a command returns");
        tx.commit().await.map_err(Refusal::failed)
    }

    /// Runs an API-layer command in this request's transaction, as the customer's merchant would through the
    /// API (same validation, same events), then hands the transaction back. The command's time is `now`, or
    /// the customer's test clock's frozen time.
    pub async fn command<T, F>(&mut self, run: F) -> Result<T, portico_api::error::ApiError>
    where
        F: AsyncFnOnce(&Ctx) -> Result<T, portico_api::error::ApiError>,
    {
        lend(&self.state, &self.scope, self.now, &mut self.tx, run).await
    }
}

/// Lends the request's transaction in `slot` to an API-layer `Ctx` acting in `scope` at `now` for `run`, then
/// puts it back: the one way portal pages (with a session or a hosted-invoice link) run API commands.
pub async fn lend<T, F>(
    state: &AppState,
    scope: &Scope,
    now: Timestamp,
    slot: &mut Option<Box<dyn Tx>>,
    run: F,
) -> Result<T, portico_api::error::ApiError>
where
    F: AsyncFnOnce(&Ctx) -> Result<T, portico_api::error::ApiError>,
{
    let tx = slot.take().expect("commands do not nest");
    let ctx = Ctx::background(state.clone(), scope.clone(), tx, now);
    let result = run(&ctx).await;
    *slot = Some(ctx.into_tx().expect("the command keeps no clone of its context"));
    result
}

/// The session `id`, locked for this request's write, if it still lives at `now`.
pub async fn live_session(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
    lifetime: &Lifetime,
    now: Timestamp,
    accept_language: Option<&str>,
) -> Result<Session, Refusal> {
    let session = tx
        .load_for_update::<Session>(scope, id)
        .await
        .map_err(Refusal::failed)?
        .ok_or_else(|| Refusal::unknown(accept_language))?;
    match lifetime.status(&session, now) {
        Status::Live => Ok(session),
        Status::Expired => {
            let configuration =
                tx.load::<Configuration>(scope, &session.configuration).await.map_err(Refusal::failed)?;
            let login_url = configuration.and_then(|c| session.login_after_expiry(&c, now).map(str::to_owned));
            Err(Refusal::expired(session.return_url, login_url, accept_language))
        }
    }
}
