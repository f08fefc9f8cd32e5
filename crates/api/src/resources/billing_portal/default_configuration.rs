//! The default portal configuration (`is_default`), used by sessions created without `configuration`. Stripe
//! makes it when the merchant first saves the portal settings in its Dashboard; Portico has no Dashboard and
//! makes it, with the Dashboard's starting settings, for the first session that needs it.

use portico_core::objects::billing_portal::Configuration;
use portico_store::{Tx, TxExt};

use crate::context::Ctx;
use crate::error::ApiError;
use crate::respond;

/// The account's default configuration in this mode, made (with its `billing_portal.configuration.created`
/// event, in the request's transaction) if it does not exist yet.
///
/// Its id is derived from the account and mode, so there can only ever be one. Two requests that both find
/// none are serialized on the account's row: the second waits for the first to commit (PostgreSQL `FOR
/// UPDATE`; SQLite runs one writer at a time anyway), then finds its configuration with a fresh read.
pub async fn ensure(ctx: &Ctx, tx: &mut dyn Tx) -> Result<Configuration, ApiError> {
    let scope = ctx.scope();
    let id = Configuration::default_id(scope);
    if let Some(existing) = tx.load::<Configuration>(scope, &id).await? {
        return Ok(existing);
    }
    // Connected accounts are rows of the platform's scope; the platform's own row is in its scope.
    tx.get_for_update(&ctx.key_scope(), "account", &scope.account).await?;
    // A locked read: the unlocked miss above may be cached by the transaction.
    if let Some(existing) = tx.load_for_update::<Configuration>(scope, &id).await? {
        return Ok(existing);
    }
    let configuration = Configuration::dashboard_default(scope, ctx.now());
    tx.create(scope, &configuration).await?;
    respond::emit(ctx, tx, "billing_portal.configuration.created", &configuration, None).await?;
    Ok(configuration)
}
