//! The `/search` endpoints: Stripe's query language over one resource.
//! https://docs.stripe.com/search

use portico_core::objects::Object;
use portico_core::search::{self, SearchField};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::respond;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    query: String,
    limit: Option<i64>,
    page: Option<String>,
}

pub const CUSTOMER_FIELDS: &[SearchField] = &[
    SearchField::number("created"),
    SearchField::text("email"),
    SearchField::text("name"),
    SearchField::text("phone"),
];

pub const PRODUCT_FIELDS: &[SearchField] = &[
    SearchField::boolean("active"),
    SearchField::number("created"),
    SearchField::text("description"),
    SearchField::text("name"),
    SearchField::boolean("shippable"),
    SearchField::text("url"),
];

pub const PRICE_FIELDS: &[SearchField] = &[
    SearchField::boolean("active"),
    SearchField::number("created"),
    SearchField::text("currency"),
    SearchField::text("lookup_key"),
    SearchField::text("product"),
    SearchField::text("type"),
];

/// Parses the query, runs it in the store and answers with a `search_result`. `shape` prepares each result
/// for display (fields Stripe includes only on request, values computed at read time).
pub async fn run<T: Object>(
    ctx: &Ctx,
    params: SearchParams,
    expand: &[String],
    url: &str,
    fields: &[SearchField],
    shape: impl Fn(T) -> T,
) -> ApiResult {
    let expr = search::parse(&params.query, fields)
        .map_err(|message| ApiError::invalid_request(message).with_param("query"))?;
    let limit = params.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_request(
            "This value must be greater than or equal to 1 and less than or equal to 100.",
        )
        .with_param("limit"));
    }
    let mut tx = ctx.tx().await;
    let page = tx
        .search(ctx.scope(), T::KIND, &expr, limit as u32, params.page.as_deref().filter(|p| !p.is_empty()))
        .await
        .map_err(|error| match error {
            portico_store::StoreError::CursorNotFound(_) => {
                ApiError::invalid_request("Invalid page token.").with_param("page")
            }
            other => other.into(),
        })?;
    let items = page
        .data
        .into_iter()
        .map(|item| serde_json::from_value(item).map(&shape))
        .collect::<Result<Vec<T>, _>>()
        .map_err(ApiError::internal)?;
    respond::search_result(ctx, &mut **tx, url, &items, page.has_more, expand).await
}
