//! Parameters of manual invoices: `POST /v1/invoices`, `POST /v1/invoices/{id}`, `…/add_lines`,
//! `…/remove_lines`.

use serde::Deserialize;

use crate::metadata::Metadata;
use crate::objects::invoice_item::{ItemPriceData, PeriodParams, PricingParams};
use crate::objects::subscription::{CollectionMethod, DiscountParams};
use crate::patch::Patch;

/// `pending_invoice_items_behavior`: whether a new invoice takes the customer's pending invoice items (by default
/// it does not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingItemsBehavior {
    #[default]
    Exclude,
    Include,
}

/// `POST /v1/invoices`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceCreate {
    pub auto_advance: Option<bool>,
    pub collection_method: Option<CollectionMethod>,
    pub currency: Option<String>,
    pub customer: Option<String>,
    pub days_until_due: Option<i64>,
    pub default_payment_method: Option<String>,
    #[serde(default)]
    pub default_tax_rates: Patch<Vec<String>>,
    pub description: Option<String>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    pub footer: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub pending_invoice_items_behavior: Option<PendingItemsBehavior>,
}

/// `POST /v1/invoices/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceUpdate {
    pub auto_advance: Option<bool>,
    pub collection_method: Option<CollectionMethod>,
    pub days_until_due: Option<i64>,
    #[serde(default)]
    pub default_payment_method: Patch<String>,
    #[serde(default)]
    pub default_tax_rates: Patch<Vec<String>>,
    #[serde(default)]
    pub description: Patch<String>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    #[serde(default)]
    pub footer: Patch<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

impl InvoiceUpdate {
    /// The parameters that change what the invoice bills, which only a draft may change.
    pub fn monetary(&self) -> Option<&'static str> {
        if self.collection_method.is_some() {
            Some("collection_method")
        } else if self.days_until_due.is_some() {
            Some("days_until_due")
        } else if !self.default_tax_rates.is_absent() {
            Some("default_tax_rates")
        } else if !self.discounts.is_absent() {
            Some("discounts")
        } else {
            None
        }
    }
}

/// `POST /v1/invoices/{id}/add_lines`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddLines {
    pub lines: Option<Vec<AddLine>>,
}

/// One new line: an existing pending invoice item, or a new item described like `POST /v1/invoiceitems`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddLine {
    pub amount: Option<i64>,
    pub description: Option<String>,
    pub discountable: Option<bool>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    pub invoice_item: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub period: Option<PeriodParams>,
    pub price_data: Option<ItemPriceData>,
    pub pricing: Option<PricingParams>,
    pub quantity: Option<i64>,
    #[serde(default)]
    pub tax_rates: Patch<Vec<String>>,
}

/// `POST /v1/invoices/{id}/remove_lines`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveLines {
    pub lines: Option<Vec<RemoveLine>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveLine {
    pub behavior: RemoveBehavior,
    pub id: String,
}

/// What happens to a removed line's invoice item: deleted, or back to pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoveBehavior {
    Delete,
    Unassign,
}
