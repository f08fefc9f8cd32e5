//! `features.subscription_update.products`: the products and prices a customer may switch between. Whether
//! each id exists is the API's to check (it loads them); the rules on what was loaded are here.

use super::features::{AdjustableQuantity, UpdateProduct};
use super::params::{AdjustableQuantityParams, UpdateProductParams};
use crate::error::ParamError;
use crate::objects::price::rules::at_least;
use crate::objects::{Price, Product};

/// Stripe's limit on the products a configuration offers.
pub const MAX_PRODUCTS: usize = 10;

/// A product named by the parameters and the prices listed under it, as the catalog holds them.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub product: Product,
    pub prices: Vec<Price>,
}

const PARAM: &str = "features[subscription_update][products]";

/// Checks the offered products against the catalog and builds them: at most ten, each active, each price
/// active, recurring, of that product, and no two prices of one product with the same billing interval (the
/// portal could not tell them apart; Stripe's documented limitation).
pub(super) fn products(
    params: Vec<UpdateProductParams>,
    catalog: &[CatalogEntry],
) -> Result<Vec<UpdateProduct>, ParamError> {
    if params.len() > MAX_PRODUCTS {
        return Err(ParamError::invalid(
            PARAM,
            format!("The customer portal can offer at most {MAX_PRODUCTS} products, but {} were given.", params.len()),
        ));
    }
    let mut offered: Vec<UpdateProduct> = Vec::with_capacity(params.len());
    for (index, param) in params.into_iter().enumerate() {
        let at = format!("{PARAM}[{index}]");
        if offered.iter().any(|other| other.product == param.product) {
            return Err(ParamError::invalid(
                &format!("{at}[product]"),
                format!("The product {} is listed more than once.", param.product),
            ));
        }
        let entry = catalog.iter().find(|entry| entry.product.id == param.product).ok_or_else(|| {
            ParamError::invalid(&format!("{at}[product]"), format!("No such product: '{}'", param.product))
        })?;
        if !entry.product.active {
            return Err(ParamError::invalid(
                &format!("{at}[product]"),
                format!(
                    "The product {} is archived; only active products can be offered in the customer portal.",
                    param.product
                ),
            ));
        }
        check_prices(&at, &param, entry)?;
        let adjustable_quantity = adjustable_quantity(&at, param.adjustable_quantity)?;
        offered.push(UpdateProduct { adjustable_quantity, prices: param.prices, product: param.product });
    }
    Ok(offered)
}

fn check_prices(at: &str, param: &UpdateProductParams, entry: &CatalogEntry) -> Result<(), ParamError> {
    if param.prices.is_empty() {
        return Err(ParamError::invalid(
            &format!("{at}[prices]"),
            format!("Give at least one price for the product {}.", param.product),
        ));
    }
    let mut seen: Vec<&Price> = Vec::with_capacity(param.prices.len());
    for (index, id) in param.prices.iter().enumerate() {
        let at = format!("{at}[prices][{index}]");
        let price = entry
            .prices
            .iter()
            .find(|price| &price.id == id)
            .ok_or_else(|| ParamError::invalid(&at, format!("No such price: '{id}'")))?;
        let refuse = |why: String| Err(ParamError::invalid(&at, why));
        if price.product != param.product {
            return refuse(format!(
                "The price {id} belongs to the product {}, not to {}.",
                price.product, param.product
            ));
        }
        if !price.active {
            return refuse(format!(
                "The price {id} is inactive; only active prices can be offered in the customer portal."
            ));
        }
        let Some(recurring) = &price.recurring else {
            return refuse(format!(
                "The price {id} is not recurring; only recurring prices can be offered in the customer portal."
            ));
        };
        if seen.iter().any(|other| other.id == *id) {
            return refuse(format!("The price {id} is listed more than once."));
        }
        if let Some(twin) =
            seen.iter().find(|other| other.recurring.as_ref().map(|r| r.interval) == Some(recurring.interval))
        {
            return refuse(format!(
                "The prices {} and {id} of the product {} have the same billing interval ({}). The customer portal \
                 offers at most one price per product and interval; put the other price on a separate product.",
                twin.id,
                param.product,
                recurring.interval.as_str()
            ));
        }
        seen.push(price);
    }
    Ok(())
}

fn adjustable_quantity(at: &str, params: Option<AdjustableQuantityParams>) -> Result<AdjustableQuantity, ParamError> {
    let Some(params) = params else { return Ok(AdjustableQuantity::default()) };
    let at = format!("{at}[adjustable_quantity]");
    let minimum = params.minimum.unwrap_or(0);
    if minimum < 0 {
        return Err(at_least(&format!("{at}[minimum]"), 0, minimum));
    }
    if let Some(maximum) = params.maximum {
        if maximum < 1 {
            return Err(at_least(&format!("{at}[maximum]"), 1, maximum));
        }
        if maximum < minimum {
            return Err(ParamError::invalid(
                &format!("{at}[maximum]"),
                format!("The maximum quantity ({maximum}) must be at least the minimum quantity ({minimum})."),
            ));
        }
    }
    Ok(AdjustableQuantity { enabled: params.enabled, maximum: params.maximum, minimum })
}
