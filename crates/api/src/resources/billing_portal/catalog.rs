//! The catalog objects a configuration's `features[subscription_update][products]` names, loaded so the core
//! can check them; an unknown id is Stripe's `resource_missing` on the parameter that named it.

use portico_core::objects::billing_portal::configuration::params::FeaturesParams;
use portico_core::objects::billing_portal::configuration::{CatalogEntry, MAX_PRODUCTS};
use portico_core::objects::{Price, Product};
use portico_store::{Tx, TxExt};

use crate::context::Ctx;
use crate::error::ApiError;
use crate::resources::missing_reference;

/// The products and their listed prices, in the order the parameters give them.
pub async fn load(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    features: Option<&FeaturesParams>,
) -> Result<Vec<CatalogEntry>, ApiError> {
    let offered = features.map(FeaturesParams::offered_products).unwrap_or_default();
    // Too many products is refused by the core without looking any of them up.
    if offered.len() > MAX_PRODUCTS {
        return Ok(Vec::new());
    }
    let mut catalog = Vec::with_capacity(offered.len());
    for (index, offer) in offered.iter().enumerate() {
        let at = format!("features[subscription_update][products][{index}]");
        let product = tx
            .load::<Product>(ctx.scope(), &offer.product)
            .await?
            .ok_or_else(|| missing_reference("product", &offer.product, &format!("{at}[product]")))?;
        let mut prices = Vec::with_capacity(offer.prices.len());
        for (position, id) in offer.prices.iter().enumerate() {
            let price = tx
                .load::<Price>(ctx.scope(), id)
                .await?
                .ok_or_else(|| missing_reference("price", id, &format!("{at}[prices][{position}]")))?;
            prices.push(price);
        }
        catalog.push(CatalogEntry { product, prices });
    }
    Ok(catalog)
}
