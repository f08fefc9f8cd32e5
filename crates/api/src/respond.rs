//! Turning objects into responses, and recording the events a change causes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_core::objects::event::{Event, previous_attributes};
use portico_core::objects::webhook_delivery::WebhookDelivery;
use portico_core::objects::{HIDDEN, Object};
use portico_store::{Tx, TxExt};
use serde::Serialize;
use serde_json::{Value, json};

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::expand::expand;

/// A JSON response with status 200.
pub fn json_response(value: &Value) -> Response {
    let mut response = (StatusCode::OK, value.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An object in its wire shape: the stored document without Portico's bookkeeping.
pub fn wire<T: Serialize + ?Sized>(object: &T) -> Result<Value, ApiError> {
    let mut value = serde_json::to_value(object).map_err(ApiError::internal)?;
    strip_hidden(&mut value);
    Ok(value)
}

fn strip_hidden(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove(HIDDEN);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_hidden),
        _ => {}
    }
}

/// An object as the response, with `expand[]` applied.
pub async fn object<T: Object>(ctx: &Ctx, tx: &mut dyn Tx, object: &T, paths: &[String]) -> ApiResult {
    let mut value = wire(object)?;
    expand(tx, ctx.scope(), T::KIND, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// Stripe's list envelope; `url` is required by stripe-python to fetch the next page.
pub async fn list<T: Serialize>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    kind: &str,
    url: &str,
    items: &[T],
    has_more: bool,
    paths: &[String],
) -> ApiResult {
    let mut value = json!({ "object": "list", "data": wire(&items)?, "has_more": has_more, "url": url });
    expand(tx, ctx.scope(), kind, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// Stripe's search envelope: like a list, plus `next_page` (the cursor for `page=`).
pub async fn search_result<T: Serialize + Object>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    url: &str,
    items: &[T],
    has_more: bool,
    paths: &[String],
) -> ApiResult {
    let next_page = if has_more { items.last().map(|last| last.id().to_owned()) } else { None };
    let mut value = json!({ "object": "search_result", "data": wire(&items)?, "has_more": has_more, "next_page": next_page, "url": url });
    expand(tx, ctx.scope(), T::KIND, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// Appends the event for a change, in the request's transaction. For `*.updated`, pass the object as it was
/// before so `previous_attributes` can be computed.
pub async fn emit<T: Object>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    kind: &str,
    object: &T,
    before: Option<&Value>,
) -> Result<(), ApiError> {
    let value = wire(object)?;
    let previous = before.and_then(|before| previous_attributes(before, &value));
    let event = Event::new(
        kind,
        value,
        previous,
        ctx.scope().livemode,
        ctx.connected_account().map(str::to_owned),
        ctx.request(),
        ctx.now(),
    );
    // Fan-out to webhook endpoints in the same transaction as the event: the deliveries are the outbox the
    // webhook worker reads, due at once in wall-clock time (test-clock events are delivered as they happen).
    let registry = ctx.webhook_registry(tx).await?;
    let mut event = event;
    let targets: Vec<_> = registry.targets(kind, ctx.connected_account().is_some()).collect();
    event.pending_webhooks = targets.len() as i64;
    tx.create(ctx.scope(), &event).await?;
    if !targets.is_empty() {
        let now = crate::context::unix_now();
        // A connected account's events go to its platform's `connect` endpoints.
        let platform = ctx.connected_account().map(|_| ctx.key_scope().account);
        for endpoint in targets {
            let delivery = WebhookDelivery::new(&event.id, kind, &endpoint.id, platform.as_deref(), now);
            tx.create(ctx.scope(), &delivery).await?;
        }
        ctx.state().webhooks.notify_one();
    }
    Ok(())
}
