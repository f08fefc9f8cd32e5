//! Invoices (`in_`) and their lines (`il_`): https://docs.stripe.com/api/invoices/object
//!
//! Lines live inside the invoice's document (the embedded `lines` list). Amount arithmetic and the status
//! machine are in [`crate::billing::invoicing`].

mod params;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use params::*;

use super::TaxRate;
use super::subscription::CollectionMethod;
use super::tax_rate::LineTax;
use super::{EmbeddedList, Object};
use crate::Timestamp;
use crate::metadata::Metadata;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invoice {
    pub id: String,
    pub object: String,
    pub account_country: Option<String>,
    pub account_name: Option<String>,
    pub account_tax_ids: Option<Vec<String>>,
    pub amount_due: i64,
    pub amount_overpaid: i64,
    pub amount_paid: i64,
    pub amount_remaining: i64,
    pub amount_shipping: i64,
    pub application: Option<String>,
    pub attempt_count: i64,
    pub attempted: bool,
    pub auto_advance: bool,
    pub automatic_tax: Value,
    pub automatically_finalizes_at: Option<Timestamp>,
    pub billing_reason: Option<String>,
    pub collection_method: CollectionMethod,
    pub confirmation_secret: Option<Value>,
    pub created: Timestamp,
    pub currency: String,
    pub custom_fields: Option<Value>,
    pub customer: String,
    pub customer_account: Option<String>,
    pub customer_address: Option<Value>,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_shipping: Option<Value>,
    pub customer_tax_exempt: Option<String>,
    pub customer_tax_ids: Vec<Value>,
    pub default_payment_method: Option<String>,
    pub default_source: Option<String>,
    pub default_tax_rates: Vec<TaxRate>,
    pub description: Option<String>,
    pub discounts: Vec<String>,
    pub due_date: Option<Timestamp>,
    pub effective_at: Option<Timestamp>,
    pub ending_balance: Option<i64>,
    pub footer: Option<String>,
    pub from_invoice: Option<Value>,
    pub hosted_invoice_url: Option<String>,
    pub invoice_pdf: Option<String>,
    pub issuer: Value,
    pub last_finalization_error: Option<Value>,
    pub latest_revision: Option<String>,
    pub lines: Lines,
    pub livemode: bool,
    pub metadata: Metadata,
    pub next_payment_attempt: Option<Timestamp>,
    pub number: Option<String>,
    pub on_behalf_of: Option<String>,
    pub parent: Option<Value>,
    pub payment_settings: Value,
    pub period_end: Timestamp,
    pub period_start: Timestamp,
    pub post_payment_credit_notes_amount: i64,
    pub pre_payment_credit_notes_amount: i64,
    pub receipt_number: Option<String>,
    pub rendering: Option<Value>,
    pub shipping_cost: Option<Value>,
    pub shipping_details: Option<Value>,
    pub starting_balance: i64,
    pub statement_descriptor: Option<String>,
    pub status: Status,
    pub status_transitions: StatusTransitions,
    pub subtotal: i64,
    pub subtotal_excluding_tax: Option<i64>,
    pub test_clock: Option<String>,
    pub total: i64,
    pub total_discount_amounts: Vec<DiscountAmount>,
    pub total_excluding_tax: Option<i64>,
    pub total_pretax_credit_amounts: Vec<Value>,
    pub total_taxes: Vec<LineTax>,
    pub webhooks_delivered_at: Option<Timestamp>,
    /// Portico's bookkeeping, stored with the invoice but never shown (see [`super::HIDDEN`]).
    #[serde(rename = "portico", default)]
    pub engine: InvoiceEngine,
}

/// What the billing engine remembers about an invoice beyond Stripe's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceEngine {
    /// The PaymentIntent that collects the invoice, once one exists.
    pub payment_intent: Option<String>,
    /// Days a `send_invoice` invoice gives the customer, counted from finalization.
    pub days_until_due: Option<i64>,
    /// When a `send_invoice` invoice becomes overdue and has not been processed as such yet.
    pub overdue_at: Option<Timestamp>,
    /// Secret part of the hosted invoice URL.
    pub access_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Open,
    Paid,
    Uncollectible,
    Void,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Paid => "paid",
            Self::Uncollectible => "uncollectible",
            Self::Void => "void",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTransitions {
    pub finalized_at: Option<Timestamp>,
    pub marked_uncollectible_at: Option<Timestamp>,
    pub paid_at: Option<Timestamp>,
    pub voided_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountAmount {
    pub amount: i64,
    pub discount: String,
}

/// The embedded `lines` list.
pub type Lines = EmbeddedList<LineItem>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub end: Timestamp,
    pub start: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineItem {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub currency: String,
    pub description: Option<String>,
    pub discount_amounts: Vec<DiscountAmount>,
    pub discountable: bool,
    pub discounts: Vec<String>,
    pub invoice: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub parent: Value,
    pub period: Period,
    pub pretax_credit_amounts: Vec<Value>,
    pub pricing: Value,
    pub quantity: Option<i64>,
    pub quantity_decimal: Option<String>,
    pub subscription: Option<String>,
    pub subtotal: i64,
    pub taxes: Vec<LineTax>,
}

/// `pricing` of a line billed from a price.
pub fn price_pricing(price: &str, product: &str, unit_amount_decimal: Option<&str>) -> Value {
    json!({
        "price_details": { "price": price, "product": product },
        "type": "price_details",
        "unit_amount_decimal": unit_amount_decimal,
    })
}

impl Object for Invoice {
    const KIND: &'static str = "invoice";
    const PREFIX: &'static str = "in";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        Some(&self.customer)
    }
    fn test_clock(&self) -> Option<&str> {
        self.test_clock.as_deref()
    }
    fn due_at(&self) -> Option<Timestamp> {
        crate::billing::invoicing::next_action(self)
    }
}

impl Invoice {
    pub fn subscription(&self) -> Option<&str> {
        self.parent.as_ref()?.pointer("/subscription_details/subscription")?.as_str()
    }
}
