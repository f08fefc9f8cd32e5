//! Webhook endpoints: https://docs.stripe.com/api/webhook_endpoints
//!
//! Deliveries themselves are made by the webhook worker (`crate::webhooks`).

use axum::extract::Path;
use portico_core::objects::webhook_endpoint::{WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointUpdate};
use portico_core::objects::{Deleted, Object};
use portico_store::{Tx, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<WebhookEndpoint, ApiError> {
    tx.load_for_update::<WebhookEndpoint>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("webhook_endpoint", id, "webhook_endpoint"))
}

/// https://docs.stripe.com/api/webhook_endpoints/create: the only answer that shows `secret`.
pub async fn create(ctx: Ctx, Params { params, .. }: Params<WebhookEndpointCreate>) -> ApiResult {
    let endpoint = WebhookEndpoint::create(params, ctx.scope().livemode, ctx.now())?;
    let mut tx = ctx.tx().await;
    tx.create(ctx.scope(), &endpoint).await?;
    let mut shown = respond::wire(&endpoint)?;
    shown["secret"] = endpoint.engine.secret.clone().into();
    Ok(respond::json_response(&shown))
}

/// https://docs.stripe.com/api/webhook_endpoints/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let endpoint = load(&ctx, &mut **tx, &id).await?;
    respond::object(&ctx, &mut **tx, &endpoint, &expand).await
}

/// https://docs.stripe.com/api/webhook_endpoints/update
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<WebhookEndpointUpdate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut endpoint = load(&ctx, &mut **tx, &id).await?;
    endpoint.update(params)?;
    tx.save(ctx.scope(), &endpoint).await?;
    respond::object(&ctx, &mut **tx, &endpoint, &expand).await
}

/// https://docs.stripe.com/api/webhook_endpoints/delete: deliveries still pending for it are dropped.
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let endpoint = load(&ctx, &mut **tx, &id).await?;
    tx.remove(ctx.scope(), &endpoint).await?;
    let deleted = serde_json::to_value(Deleted::of(&endpoint)).map_err(ApiError::internal)?;
    Ok(respond::json_response(&deleted))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {}

/// https://docs.stripe.com/api/webhook_endpoints/list
pub async fn list(ctx: Ctx, ListParams { page, expand, .. }: ListParams<ListFilters>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let (endpoints, has_more) = tx.list_typed::<WebhookEndpoint>(ctx.scope(), &page).await?;
    let url = "/v1/webhook_endpoints";
    respond::list(&ctx, &mut **tx, WebhookEndpoint::KIND, url, &endpoints, has_more, &expand).await
}
