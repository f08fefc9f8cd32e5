//! Portal sessions: https://docs.stripe.com/api/customer_portal/sessions
//!
//! Create only: a session cannot be retrieved or listed. Its `url` is shown once, in the create response;
//! Portico stores only the hash of the secret it carries (hashed as API keys are), under an index row that
//! lets the portal find the session from the URL (`crates/portal`).

use portico_core::objects::billing_portal::Configuration;
use portico_core::objects::billing_portal::session::secret::{self, UrlKey};
use portico_core::objects::billing_portal::session::{Session, SessionCreate};
use portico_core::objects::customer::Customer;
use portico_store::{Tx, TxExt};

use super::{CONFIGURATION_NOUN, default_configuration, flows};
use crate::auth::hash_key;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::resources::missing_reference;
use crate::respond;

/// What `billing_portal.session.created` events show for the session's secret-bearing `url`.
pub const REDACTED_URL: &str = "redacted";

/// https://docs.stripe.com/api/customer_portal/sessions/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<SessionCreate>) -> ApiResult {
    let customer_id = params.customer()?.to_owned();
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let customer = tx
        .load::<Customer>(ctx.scope(), &customer_id)
        .await?
        .ok_or_else(|| missing_reference("customer", &customer_id, "customer"))?;
    let configuration = match &params.configuration {
        Some(id) => active_configuration(&ctx, tx, id).await?,
        None => default_configuration::ensure(&ctx, tx).await?,
    };
    if let Some(account) = &params.on_behalf_of {
        check_on_behalf_of(&ctx, tx, account).await?;
    }
    let on_behalf_of = params.on_behalf_of.clone();
    let token = secret::mint(ctx.scope());
    let secret_hash = hash_key(&token);
    let mut session = Session::create(params, &configuration, secret_hash.clone(), ctx.scope().livemode, ctx.now())?;
    if let Some(flow) = &session.flow {
        flows::check(&ctx, tx, flow, &customer, on_behalf_of.as_deref(), &configuration).await?;
    }
    tx.create(ctx.scope(), &session).await?;
    tx.create(ctx.scope(), &UrlKey { id: secret_hash, session: session.id.clone(), created: session.created }).await?;
    // Whoever reads events must not be able to open the portal: the event's `url` is a placeholder (a string
    // all the same, as typed SDKs such as async-stripe require one).
    let published = Session { url: Some(REDACTED_URL.into()), ..session.clone() };
    respond::emit(&ctx, tx, "billing_portal.session.created", &published, None).await?;
    session.url = Some(format!("{}/p/session/{token}", ctx.state().public_url.trim_end_matches('/')));
    tracing::debug!(billing_portal.session = %session.id, customer.id = %session.customer, "portal session created");
    respond::object(&ctx, tx, &session, &expand).await
}

/// A configuration named by `configuration`: it must exist and be active.
async fn active_configuration(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Configuration, ApiError> {
    let configuration = tx
        .load::<Configuration>(ctx.scope(), id)
        .await?
        .ok_or_else(|| missing_reference(CONFIGURATION_NOUN, id, "configuration"))?;
    if !configuration.active {
        return Err(ApiError::invalid_request(format!(
            "The configuration {id} is inactive; only active configurations can be used to create portal sessions."
        ))
        .with_param("configuration"));
    }
    Ok(configuration)
}

/// `on_behalf_of` names one of the platform's connected accounts.
async fn check_on_behalf_of(ctx: &Ctx, tx: &mut dyn Tx, account: &str) -> Result<(), ApiError> {
    let platform = ctx.key_scope();
    if account == platform.account {
        return Err(ApiError::invalid_request(
            "on_behalf_of must be a connected account of the platform, not the platform itself.",
        )
        .with_param("on_behalf_of"));
    }
    match tx.get(&platform, "account", account).await? {
        Some(_) => Ok(()),
        None => Err(missing_reference("account", account, "on_behalf_of")),
    }
}
