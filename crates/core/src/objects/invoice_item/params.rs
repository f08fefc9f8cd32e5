//! Parameters of `POST /v1/invoiceitems` and `POST /v1/invoiceitems/{id}`.

use serde::Deserialize;

use crate::Timestamp;
use crate::metadata::Metadata;
use crate::objects::price::TaxBehavior;
use crate::objects::subscription::DiscountParams;
use crate::patch::Patch;

/// `POST /v1/invoiceitems`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceItemCreate {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub discountable: Option<bool>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    pub invoice: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub period: Option<PeriodParams>,
    pub price_data: Option<ItemPriceData>,
    pub pricing: Option<PricingParams>,
    pub quantity: Option<i64>,
    pub subscription: Option<String>,
    #[serde(default)]
    pub tax_rates: Patch<Vec<String>>,
}

/// `POST /v1/invoiceitems/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceItemUpdate {
    pub amount: Option<i64>,
    #[serde(default)]
    pub description: Patch<String>,
    pub discountable: Option<bool>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub period: Option<PeriodParams>,
    pub price_data: Option<ItemPriceData>,
    pub pricing: Option<PricingParams>,
    pub quantity: Option<i64>,
    #[serde(default)]
    pub tax_rates: Patch<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodParams {
    pub end: Timestamp,
    pub start: Timestamp,
}

/// `pricing`: the price billed (the endive successor of the item's `price`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingParams {
    pub price: Option<String>,
}

/// `price_data`: a one-time price made for this item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemPriceData {
    pub currency: String,
    pub product: String,
    pub tax_behavior: Option<TaxBehavior>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}
