//! Reaching an invoice through its hosted link (`/i/{invoice}/{token}`), without a portal session: Stripe's
//! `hosted_invoice_url` is a bearer link that anyone holding it may open, pay and download.
//!
//! Ids do not say which account they belong to, so the token does: finalization mints it as portal session
//! secrets are minted (`test_{account}_{32 random base62}`, [`secret::mint`]). The invoice is then read in that
//! scope and the token compared with its `access_token` in constant time; a malformed token, an unknown
//! invoice, a draft and a wrong token all get the same 404.

use axum::http::{HeaderMap, header};
use portico_api::AppState;
use portico_api::context::Ctx;
use portico_core::objects::account::Account;
use portico_core::objects::billing_portal::session::secret;
use portico_core::objects::customer::Customer;
use portico_core::objects::invoice::Invoice;
use portico_core::{Scope, Timestamp};
use portico_store::{Tx, TxExt};
use sha2::{Digest, Sha256};

use crate::branding::Brand;
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::render::Chrome;
use crate::{cookie, csrf};

/// One request to an invoice's hosted page, holding the request's transaction until [`Hosted::commit`].
pub struct Hosted {
    pub state: AppState,
    pub scope: Scope,
    pub invoice: Invoice,
    pub customer: Customer,
    pub brand: Brand,
    pub lang: Lang,
    pub now: Timestamp,
    token: String,
    tx: Option<Box<dyn Tx>>,
}

impl Hosted {
    /// The invoice `id` if `token` is its access token; a read-only transaction unless `write`.
    pub async fn begin(
        state: &AppState,
        headers: &HeaderMap,
        id: &str,
        token: &str,
        now: Timestamp,
        write: bool,
    ) -> Result<Hosted, Refusal> {
        let scope = secret::scope_of(token).ok_or_else(Refusal::not_found)?;
        let mut tx = if write { state.store.begin_write().await? } else { state.store.begin_read().await? };
        let invoice = match write {
            true => tx.load_for_update::<Invoice>(&scope, id).await?,
            false => tx.load::<Invoice>(&scope, id).await?,
        };
        let invoice = invoice.filter(|invoice| same_token(invoice.engine.access_token.as_deref(), token));
        let invoice = invoice.ok_or_else(Refusal::not_found)?;
        let customer = tx.load::<Customer>(&scope, &invoice.customer).await?.ok_or_else(Refusal::not_found)?;
        let branded_by = invoice.on_behalf_of.clone().unwrap_or_else(|| scope.account.clone());
        let account = tx.load::<Account>(&scope, &branded_by).await?;
        let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let lang = Lang::negotiate(None, &customer.preferred_locales, accept_language);
        Ok(Hosted {
            state: state.clone(),
            brand: Brand::of(account.as_ref()),
            scope,
            invoice,
            customer,
            lang,
            now,
            token: token.to_owned(),
            tx: Some(tx),
        })
    }

    /// The request's transaction, scoped by [`Hosted::scope`].
    pub fn tx(&mut self) -> &mut dyn Tx {
        self.tx.as_deref_mut().expect("the transaction is back once a command returns")
    }

    /// Whether a submitted form carries this link's CSRF token (an HMAC of the access token: a page of another
    /// site cannot make it without the link).
    pub fn csrf_ok(&self, submitted: Option<&str>) -> bool {
        submitted.is_some_and(|submitted| csrf::verify(&self.token, submitted))
    }

    /// `/i/{invoice}/{token}` below the public URL's path: the hosted page, and the prefix of its actions.
    pub fn base(&self) -> String {
        let portal = cookie::portal_path(&self.state.public_url);
        let root = portal.strip_suffix("p/").unwrap_or("/");
        format!("{root}i/{}/{}", self.invoice.id, self.token)
    }

    /// The layout's chrome: the merchant's branding, no portal navigation, the link's CSRF token.
    pub fn chrome(&self) -> Chrome {
        let mut chrome = Chrome::bare(self.lang.clone(), cookie::portal_path(&self.state.public_url));
        chrome.brand = self.brand.clone();
        chrome.csrf = csrf::token(&self.token);
        chrome
    }

    pub async fn commit(self) -> Result<(), Refusal> {
        let tx = self.tx.expect("the transaction is back once a command returns");
        tx.commit().await.map_err(Refusal::failed)
    }

    /// Runs API-layer logic in this request's transaction, as [`crate::context::Visit::command`] does.
    pub async fn command<T, F>(&mut self, run: F) -> Result<T, portico_api::error::ApiError>
    where
        F: AsyncFnOnce(&Ctx) -> Result<T, portico_api::error::ApiError>,
    {
        crate::context::lend(&self.state, &self.scope, self.now, &mut self.tx, run).await
    }
}

/// Compares the stored token with the presented one in constant time (their SHA-256 digests, so the lengths
/// match and nothing about the stored token leaks through timing).
fn same_token(stored: Option<&str>, presented: &str) -> bool {
    let Some(stored) = stored else { return false };
    let (a, b) = (Sha256::digest(stored.as_bytes()), Sha256::digest(presented.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::same_token;

    #[test]
    fn only_the_exact_token_matches() {
        let token = "test_acct_1_abcdefghijklmnopqrstuvwxyz012345";
        assert!(same_token(Some(token), token));
        assert!(!same_token(Some(token), &token[..token.len() - 1]));
        assert!(!same_token(Some(token), ""));
        assert!(!same_token(None, token));
    }
}
