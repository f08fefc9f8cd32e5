//! Charges: https://docs.stripe.com/api/charges — read-only: every charge is made by confirming a
//! PaymentIntent (see `payment_intents`).

use axum::extract::Path;
use portico_core::objects::Object;
use portico_core::objects::charge::Charge;
use portico_store::{FieldFilter, Scalar, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

/// https://docs.stripe.com/api/charges/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let charge =
        tx.load::<Charge>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such("charge", &id, "charge"))?;
    respond::object(&ctx, &mut **tx, &charge, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    payment_intent: Option<String>,
}

/// https://docs.stripe.com/api/charges/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    if let Some(payment_intent) = filters.payment_intent {
        page.filters.push(FieldFilter::eq("payment_intent", Scalar::Str(payment_intent)));
    }
    let mut tx = ctx.tx().await;
    let (charges, has_more) = tx.list_typed::<Charge>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, Charge::KIND, "/v1/charges", &charges, has_more, &expand).await
}
