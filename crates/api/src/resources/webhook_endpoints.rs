//! Webhook endpoints: https://docs.stripe.com/api/webhook_endpoints
//!
//! Deliveries themselves are made by the webhook worker (`crate::webhooks`).

use axum::extract::Path;
use portico_core::objects::webhook_endpoint::{
    WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointUpdate, WebhookRegistry,
};
use portico_core::objects::{Deleted, Object};
use portico_store::{ListQuery, Tx, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

/// Stripe's limit of endpoints per account and mode.
const MAX_ENDPOINTS: usize = 16;

/// Lists the account's endpoints, holding its row so that concurrent changes of its endpoints queue up.
async fn lock_endpoints(ctx: &Ctx, tx: &mut dyn Tx) -> Result<Vec<WebhookEndpoint>, ApiError> {
    tx.get_for_update(&ctx.key_scope(), "account", &ctx.scope().account).await?;
    let query = ListQuery { limit: 100, ..ListQuery::default() };
    Ok(tx.list_typed::<WebhookEndpoint>(ctx.scope(), &query).await?.0)
}

/// Rewrites the account's webhook registry from its endpoints as they now are.
async fn register(ctx: &Ctx, tx: &mut dyn Tx, endpoints: &[WebhookEndpoint]) -> Result<(), ApiError> {
    let account = &ctx.scope().account;
    let registry = WebhookRegistry::of(account, endpoints, ctx.now());
    if tx.load::<WebhookRegistry>(ctx.scope(), account).await?.is_some() {
        tx.save(ctx.scope(), &registry).await?;
    } else {
        tx.create(ctx.scope(), &registry).await?;
    }
    Ok(())
}

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<WebhookEndpoint, ApiError> {
    tx.load_for_update::<WebhookEndpoint>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("webhook_endpoint", id, "webhook_endpoint"))
}

/// https://docs.stripe.com/api/webhook_endpoints/create: the only answer that shows `secret`.
pub async fn create(ctx: Ctx, Params { params, .. }: Params<WebhookEndpointCreate>) -> ApiResult {
    let endpoint = WebhookEndpoint::create(params, ctx.scope().livemode, ctx.now())?;
    let mut tx = ctx.tx().await;
    let mut endpoints = lock_endpoints(&ctx, &mut **tx).await?;
    if endpoints.len() >= MAX_ENDPOINTS {
        return Err(ApiError::invalid_request(format!(
            "You have reached the maximum of {MAX_ENDPOINTS} webhook endpoints for this account."
        )));
    }
    tx.create(ctx.scope(), &endpoint).await?;
    endpoints.push(endpoint.clone());
    register(&ctx, &mut **tx, &endpoints).await?;
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
    let mut endpoints = lock_endpoints(&ctx, &mut **tx).await?;
    let mut endpoint = load(&ctx, &mut **tx, &id).await?;
    endpoint.update(params)?;
    tx.save(ctx.scope(), &endpoint).await?;
    endpoints.retain(|e| e.id != endpoint.id);
    endpoints.push(endpoint.clone());
    register(&ctx, &mut **tx, &endpoints).await?;
    respond::object(&ctx, &mut **tx, &endpoint, &expand).await
}

/// https://docs.stripe.com/api/webhook_endpoints/delete: deliveries still pending for it are dropped.
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut endpoints = lock_endpoints(&ctx, &mut **tx).await?;
    let endpoint = load(&ctx, &mut **tx, &id).await?;
    tx.remove(ctx.scope(), &endpoint).await?;
    endpoints.retain(|e| e.id != endpoint.id);
    register(&ctx, &mut **tx, &endpoints).await?;
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
