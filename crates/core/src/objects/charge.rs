//! Charges (`ch_`): https://docs.stripe.com/api/charges/object
//!
//! Every confirmation of a PaymentIntent that reaches the card network makes one charge, succeeded or failed;
//! [`crate::payments`] decides which. Portico keeps no balance transactions, so `balance_transaction` is null.

mod details;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use details::{CardDetails, Outcome, PaymentMethodDetails, ThreeDSecureDetails};

use super::Object;
use super::Shipping;
use super::payment_intent::PaymentIntent;
use super::payment_method::{BillingDetails, PaymentMethod};
use crate::cards::CardError;
use crate::metadata::Metadata;
use crate::processor::CardFacts;
use crate::{Timestamp, ids};

/// One attempt to move money from a card, in Stripe's wire shape (also how it is stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub application: Option<String>,
    pub application_fee: Option<String>,
    pub application_fee_amount: Option<i64>,
    pub balance_transaction: Option<String>,
    pub billing_details: BillingDetails,
    pub calculated_statement_descriptor: Option<String>,
    pub captured: bool,
    pub created: Timestamp,
    pub currency: String,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub disputed: bool,
    pub failure_balance_transaction: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub fraud_details: Value,
    pub livemode: bool,
    pub metadata: Metadata,
    pub on_behalf_of: Option<String>,
    pub outcome: Option<Outcome>,
    pub paid: bool,
    pub payment_intent: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_details: Option<PaymentMethodDetails>,
    pub receipt_email: Option<String>,
    pub receipt_number: Option<String>,
    pub receipt_url: Option<String>,
    pub refunded: bool,
    pub refunds: RefundList,
    pub review: Option<String>,
    pub shipping: Option<Shipping>,
    pub source: Option<Value>,
    pub source_transfer: Option<String>,
    pub statement_descriptor: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub status: ChargeStatus,
    pub transfer_data: Option<Value>,
    pub transfer_group: Option<String>,
}

/// `pending` is for payment methods that settle later; card charges are `succeeded` or `failed` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    Succeeded,
    Pending,
    Failed,
}

/// `refunds`: the charge's refunds as a list object (none yet: refunds are not implemented).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundList {
    pub object: String,
    pub data: Vec<Value>,
    pub has_more: bool,
    pub url: String,
}

impl Object for Charge {
    const KIND: &'static str = "charge";
    const PREFIX: &'static str = "ch";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
}

/// What the card network said about one charge of a card.
#[derive(Debug, Clone, Copy)]
pub struct Verdict<'a> {
    /// `None` when the charge went through.
    pub error: Option<&'a CardError>,
    /// The customer passed 3-D Secure before the charge.
    pub authenticated: bool,
}

impl Charge {
    /// The charge a confirmation of `intent` with `payment_method` made, as the network answered it. It takes
    /// the intent's amount, customer, description and metadata at the time of the charge, as Stripe's do.
    pub fn new(
        intent: &PaymentIntent,
        payment_method: &PaymentMethod,
        facts: CardFacts,
        verdict: Verdict<'_>,
        now: Timestamp,
    ) -> Self {
        let id = ids::new_id(Self::PREFIX);
        let succeeded = verdict.error.is_none();
        let amount_captured = if succeeded { intent.amount } else { 0 };
        Charge {
            refunds: RefundList {
                object: "list".into(),
                data: Vec::new(),
                has_more: false,
                url: format!("/v1/charges/{id}/refunds"),
            },
            id,
            object: Self::KIND.into(),
            amount: intent.amount,
            amount_captured,
            amount_refunded: 0,
            application: None,
            application_fee: None,
            application_fee_amount: None,
            balance_transaction: None,
            billing_details: payment_method.billing_details.clone(),
            calculated_statement_descriptor: None,
            captured: succeeded,
            created: now,
            currency: intent.currency.clone(),
            customer: intent.customer.clone(),
            description: intent.description.clone(),
            disputed: false,
            failure_balance_transaction: None,
            failure_code: verdict.error.map(|e| e.code.as_str().to_owned()),
            failure_message: verdict.error.map(|e| e.message.clone()),
            fraud_details: json!({}),
            livemode: intent.livemode,
            metadata: intent.metadata.clone(),
            on_behalf_of: None,
            outcome: Some(Outcome::of(facts, verdict.error)),
            paid: succeeded,
            payment_intent: Some(intent.id.clone()),
            payment_method: Some(payment_method.id.clone()),
            payment_method_details: Some(PaymentMethodDetails::of(payment_method, facts, intent.amount, verdict)),
            receipt_email: intent.receipt_email.clone(),
            receipt_number: None,
            receipt_url: None,
            refunded: false,
            review: None,
            shipping: intent.shipping.clone(),
            source: None,
            source_transfer: None,
            statement_descriptor: None,
            statement_descriptor_suffix: None,
            status: if succeeded { ChargeStatus::Succeeded } else { ChargeStatus::Failed },
            transfer_data: None,
            transfer_group: None,
        }
    }
}

#[cfg(test)]
mod tests;
