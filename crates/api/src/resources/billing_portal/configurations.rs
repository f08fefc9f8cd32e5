//! Portal configurations: https://docs.stripe.com/api/customer_portal/configurations

use axum::extract::Path;
use portico_core::Patch;
use portico_core::objects::Object;
use portico_core::objects::billing_portal::Configuration;
use portico_core::objects::coupon::Coupon;
use portico_core::objects::billing_portal::configuration::params::FeaturesParams;
use portico_core::objects::billing_portal::configuration::{ConfigurationCreate, ConfigurationUpdate};
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;

use super::{CONFIGURATION_NOUN, catalog};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::resources::missing_reference;
use crate::respond;

/// https://docs.stripe.com/api/customer_portal/configurations/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<ConfigurationCreate>) -> ApiResult {
    params.features.require_for_create()?;
    check_payment_method_configuration(Some(&params.features))?;
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let catalog = catalog::load(&ctx, tx, Some(&params.features)).await?;
    check_retention_coupon(&ctx, tx, &params.portico_retention_coupon).await?;
    let public_url = &ctx.state().public_url;
    let configuration = Configuration::create(params, &catalog, ctx.scope().livemode, ctx.now(), public_url)?;
    tx.create(ctx.scope(), &configuration).await?;
    respond::emit(&ctx, tx, "billing_portal.configuration.created", &configuration, None).await?;
    respond::object(&ctx, tx, &configuration, &expand).await
}

/// https://docs.stripe.com/api/customer_portal/configurations/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let configuration = tx
        .load::<Configuration>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such(CONFIGURATION_NOUN, &id, "configuration"))?;
    respond::object(&ctx, &mut **tx, &configuration, &expand).await
}

/// https://docs.stripe.com/api/customer_portal/configurations/update
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<ConfigurationUpdate>,
) -> ApiResult {
    check_payment_method_configuration(params.features.as_ref())?;
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut configuration = tx
        .load_for_update::<Configuration>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such(CONFIGURATION_NOUN, &id, "configuration"))?;
    let before = respond::wire(&configuration)?;
    let catalog = catalog::load(&ctx, tx, params.features.as_ref()).await?;
    check_retention_coupon(&ctx, tx, &params.portico_retention_coupon).await?;
    configuration.update(params, &catalog, ctx.now(), &ctx.state().public_url)?;
    tx.save(ctx.scope(), &configuration).await?;
    respond::emit(&ctx, tx, "billing_portal.configuration.updated", &configuration, Some(&before)).await?;
    respond::object(&ctx, tx, &configuration, &expand).await
}

/// `portico_retention_coupon` (a Portico extension) must name a coupon that exists and can still be redeemed;
/// one that expires later is simply no longer offered.
async fn check_retention_coupon(ctx: &Ctx, tx: &mut dyn Tx, coupon: &Patch<String>) -> Result<(), ApiError> {
    const PARAM: &str = "portico_retention_coupon";
    let Patch::Set(id) = coupon else { return Ok(()) };
    let found = tx.load::<Coupon>(ctx.scope(), id).await?.ok_or_else(|| missing_reference("coupon", id, PARAM))?;
    if !found.valid_at(ctx.now()) {
        return Err(ApiError::invalid_request(format!("Coupon expired: {id}")).with_param(PARAM));
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    active: Option<bool>,
    is_default: Option<bool>,
}

/// https://docs.stripe.com/api/customer_portal/configurations/list
///
/// The default configuration is listed once it exists: Portico makes it for the first session created
/// without `configuration` (a list is a read and never creates anything).
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    if let Some(active) = filters.active {
        page.filters.push(FieldFilter::eq("active", Scalar::Bool(active)));
    }
    if let Some(is_default) = filters.is_default {
        page.filters.push(FieldFilter::eq("is_default", Scalar::Bool(is_default)));
    }
    let mut tx = ctx.tx().await;
    let (configurations, has_more) = tx.list_typed::<Configuration>(ctx.scope(), &page).await?;
    let url = "/v1/billing_portal/configurations";
    respond::list(&ctx, &mut **tx, Configuration::KIND, url, &configurations, has_more, &expand).await
}

/// Portico keeps no payment-method configurations of its own: any `pmc_…` id is taken as given (the portal
/// then offers cards, all Portico supports); anything else cannot name one.
fn check_payment_method_configuration(features: Option<&FeaturesParams>) -> Result<(), ApiError> {
    let update = features.and_then(|features| features.payment_method_update.as_ref());
    match update.map(|update| &update.payment_method_configuration) {
        Some(Patch::Set(id)) if !id.starts_with("pmc_") => Err(missing_reference(
            "payment method configuration",
            id,
            "features[payment_method_update][payment_method_configuration]",
        )),
        _ => Ok(()),
    }
}
