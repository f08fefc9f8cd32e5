//! Invoice items (`ii_`): amounts waiting for the customer's next invoice (prorations, one-off charges).
//! https://docs.stripe.com/api/invoiceitems/object

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Object;
use super::invoice::Period;
use crate::Timestamp;
use crate::metadata::Metadata;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceItem {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub currency: String,
    pub customer: String,
    pub customer_account: Option<String>,
    pub date: Timestamp,
    pub description: Option<String>,
    pub discountable: bool,
    pub discounts: Vec<String>,
    /// The invoice that billed it; `None` while it is pending.
    pub invoice: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub net_amount: i64,
    pub parent: Option<Value>,
    pub period: Period,
    pub pricing: Option<Value>,
    pub proration: bool,
    pub quantity: i64,
    pub quantity_decimal: String,
    pub tax_rates: Vec<Value>,
    pub test_clock: Option<String>,
}

impl Object for InvoiceItem {
    const KIND: &'static str = "invoiceitem";
    const PREFIX: &'static str = "ii";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.date
    }
    fn customer(&self) -> Option<&str> {
        Some(&self.customer)
    }
    fn test_clock(&self) -> Option<&str> {
        self.test_clock.as_deref()
    }
}

impl InvoiceItem {
    pub fn subscription(&self) -> Option<&str> {
        self.parent.as_ref()?.pointer("/subscription_details/subscription")?.as_str()
    }
}
