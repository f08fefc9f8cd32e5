//! One module per Stripe resource, named as Stripe names it.

pub mod accounts;
pub mod billing_portal;
pub mod charges;
pub mod coupons;
pub mod customers;
pub mod discounts;
pub mod events;
pub mod invoice_drafts;
pub mod invoice_items;
pub mod invoice_lines;
pub mod invoice_preview;
pub mod invoices;
pub mod payment_intents;
pub mod payment_methods;
pub mod prices;
pub mod products;
pub mod promotion_codes;
pub mod setup_intents;
pub mod subscription_items;
pub mod subscription_pause;
pub mod subscription_schedules;
pub mod subscriptions;
pub mod tax_ids;
pub mod tax_rates;
pub mod test_clocks;
pub mod webhook_endpoints;

use portico_core::objects::Deleted;
use portico_store::{Row, Tx};

use crate::context::Ctx;
use crate::error::ApiError;

/// Keeps the `{id, object, deleted: true}` stub of a deleted object: Stripe answers a retrieve of a
/// deleted customer (and a few other kinds) with it rather than a 404.
pub(crate) async fn remember_deleted(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    deleted: &Deleted,
    created: i64,
) -> Result<(), ApiError> {
    let data = serde_json::to_value(deleted).map_err(ApiError::internal)?;
    tx.insert(
        ctx.scope(),
        Row { kind: "deleted", id: deleted.id.clone(), customer: None, created, clock: None, due_at: None, data },
    )
    .await?;
    Ok(())
}

/// The parameters of retrieving an intent (setup or payment): Stripe.js sends its `client_secret` with a
/// publishable key; a secret key needs none.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentRetrieveParams {
    client_secret: Option<String>,
}

impl IntentRetrieveParams {
    /// A `client_secret`, when one is sent, must be the intent's (`noun`: `SetupIntent`, `PaymentIntent`).
    pub(crate) fn check(self, actual: &str, noun: &str) -> Result<(), ApiError> {
        if self.client_secret.is_some_and(|secret| secret != actual) {
            return Err(ApiError::invalid_request(format!(
                "The client_secret provided does not match the client_secret associated with the {noun}."
            ))
            .with_param("client_secret"));
        }
        Ok(())
    }
}

/// `No such price: 'price_…'` for an id given as a parameter: Stripe answers 400 (not 404) when the missing
/// object is named by a parameter rather than by the URL.
pub(crate) fn missing_reference(noun: &str, id: &str, param: &str) -> ApiError {
    let mut error = ApiError::no_such(noun, id, param);
    error.status = axum::http::StatusCode::BAD_REQUEST;
    error
}

/// Whether a response should include an includable field (`tiers`, `applies_to`, …): asked for with
/// `expand[]=field`, or `expand[]=data.field` on a list.
pub(crate) fn wants(expand: &[String], field: &str) -> bool {
    expand.iter().any(|path| path == field || path.strip_prefix("data.") == Some(field))
}
