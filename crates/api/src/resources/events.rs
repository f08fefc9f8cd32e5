//! Events: https://docs.stripe.com/api/events

use axum::extract::Path;
use portico_core::objects::{Event, Object};
use portico_store::{FieldFilter, Scalar, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

/// https://docs.stripe.com/api/events/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let event = tx.load::<Event>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such("event", &id, "id"))?;
    respond::object(&ctx, &mut **tx, &event, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    #[serde(rename = "type")]
    kind: Option<String>,
    types: Option<Vec<String>>,
    delivery_success: Option<bool>,
}

/// https://docs.stripe.com/api/events/list — `type` accepts a `*` wildcard (`customer.*`).
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    if filters.kind.is_some() && filters.types.is_some() {
        return Err(
            ApiError::invalid_request("You may only specify one of these parameters: type, types.").with_param("types")
        );
    }
    if filters.delivery_success.is_some() {
        return Err(ApiError::invalid_request("delivery_success is not supported until webhook delivery exists.")
            .with_param("delivery_success"));
    }
    let mut types: Vec<String> = filters.types.unwrap_or_default();
    if let Some(kind) = filters.kind {
        types.push(kind);
    }
    let (exact, wildcard): (Vec<String>, Vec<String>) = types.into_iter().partition(|t| !t.contains('*'));
    if !wildcard.is_empty() {
        // Wildcards are matched here, so page through the store until the page is full.
        return list_wildcard(ctx, page, exact, wildcard, expand).await;
    }
    match exact.len() {
        0 => {}
        1 => page.filters.push(FieldFilter::eq("type", Scalar::Str(exact[0].clone()))),
        _ => page.filters.push(FieldFilter::one_of("type", exact)),
    }
    let mut tx = ctx.tx().await;
    let (events, has_more) = tx.list_typed::<Event>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, Event::KIND, "/v1/events", &events, has_more, &expand).await
}

fn matches(pattern: &str, kind: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            kind.len() >= prefix.len() + suffix.len() && kind.starts_with(prefix) && kind.ends_with(suffix)
        }
        None => pattern == kind,
    }
}

async fn list_wildcard(
    ctx: Ctx,
    page: portico_store::ListQuery,
    exact: Vec<String>,
    wildcard: Vec<String>,
    expand: Vec<String>,
) -> ApiResult {
    let limit = page.limit as usize;
    let mut scan = page.clone();
    scan.limit = 100;
    let mut tx = ctx.tx().await;
    let mut found = Vec::new();
    let mut has_more = false;
    loop {
        let (batch, more) = tx.list_typed::<Event>(ctx.scope(), &scan).await?;
        let last = batch.last().map(|e| e.id.clone());
        for event in batch {
            if exact.contains(&event.kind) || wildcard.iter().any(|p| matches(p, &event.kind)) {
                if found.len() == limit {
                    has_more = true;
                    break;
                }
                found.push(event);
            }
        }
        if has_more || !more {
            break;
        }
        scan.starting_after = last;
        scan.ending_before = None;
    }
    respond::list(&ctx, &mut **tx, Event::KIND, "/v1/events", &found, has_more, &expand).await
}
