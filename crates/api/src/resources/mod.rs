//! One module per Stripe resource, named as Stripe names it.

pub mod accounts;
pub mod customers;
pub mod events;
pub mod payment_methods;
pub mod tax_ids;

use portico_core::objects::Deleted;
use portico_store::{Row, Tx};

use crate::context::Ctx;
use crate::error::ApiError;

/// Keeps the `{id, object, deleted: true}` stub of a deleted object: Stripe answers a retrieve of a
/// deleted customer (and a few other kinds) with it rather than a 404.
pub(crate) async fn remember_deleted(ctx: &Ctx, tx: &mut dyn Tx, deleted: &Deleted, created: i64) -> Result<(), ApiError> {
    let data = serde_json::to_value(deleted).map_err(ApiError::internal)?;
    tx.insert(ctx.scope(), Row { kind: "deleted", id: deleted.id.clone(), customer: None, created, data }).await?;
    Ok(())
}
