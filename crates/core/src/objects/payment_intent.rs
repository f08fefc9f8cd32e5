//! PaymentIntents (`pi_`): https://docs.stripe.com/api/payment_intents/object
//!
//! The object, its statuses and the checks on them live here; how a confirmation moves it between statuses
//! (and makes the charge) is [`crate::payments`]. Parameters of the API's create call are in [`params`].

mod params;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use params::{OFF_SESSION_VALUES, PaymentIntentConfirm, PaymentIntentCreate, off_session};

use super::Object;
use super::payment_method::PaymentMethod;
use super::setup_intent::{AutomaticPaymentMethods, NextAction, RequestThreeDSecure};
use crate::cards::CardError;
use crate::error::ParamError;
use crate::metadata::Metadata;
use crate::objects::Shipping;
use crate::{Timestamp, ids};

/// A payment of an amount by a customer, in Stripe's wire shape (also how it is stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub object: String,
    pub allowed_payment_method_types: Option<Vec<String>>,
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_details: Value,
    pub amount_received: i64,
    pub application: Option<String>,
    pub application_fee_amount: Option<i64>,
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    pub canceled_at: Option<Timestamp>,
    pub cancellation_reason: Option<String>,
    pub capture_method: CaptureMethod,
    pub client_secret: String,
    pub confirmation_method: ConfirmationMethod,
    pub created: Timestamp,
    pub currency: String,
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub description: Option<String>,
    pub excluded_payment_method_types: Option<Vec<String>>,
    pub last_payment_error: Option<PaymentError>,
    pub latest_charge: Option<String>,
    pub livemode: bool,
    pub managed_payments: Option<Value>,
    pub metadata: Metadata,
    pub next_action: Option<NextAction>,
    pub on_behalf_of: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_configuration_details: Option<Value>,
    pub payment_method_options: PaymentMethodOptions,
    pub payment_method_types: Vec<String>,
    pub processing: Option<Value>,
    pub receipt_email: Option<String>,
    pub review: Option<String>,
    pub setup_future_usage: Option<String>,
    pub shipping: Option<Shipping>,
    pub source: Option<String>,
    pub statement_descriptor: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub status: PaymentIntentStatus,
    pub transfer_data: Option<Value>,
    pub transfer_group: Option<String>,
}

/// Where the intent is in its life; Portico's card payments use all but `processing` and `requires_capture`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentIntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Canceled,
    Succeeded,
}

impl PaymentIntentStatus {
    /// The status as Stripe spells it, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiresPaymentMethod => "requires_payment_method",
            Self::RequiresConfirmation => "requires_confirmation",
            Self::RequiresAction => "requires_action",
            Self::Processing => "processing",
            Self::RequiresCapture => "requires_capture",
            Self::Canceled => "canceled",
            Self::Succeeded => "succeeded",
        }
    }
}

/// `automatic_async` is Stripe's default for PaymentIntents created through the API; invoices use `automatic`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    #[default]
    Automatic,
    AutomaticAsync,
    Manual,
}

/// `automatic`: a secret key or Stripe.js may confirm; `manual` intents are confirmed by the server only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationMethod {
    #[default]
    Automatic,
    Manual,
}

/// `payment_method_options`: the card defaults Stripe stamps on every card PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardOptions>,
}

/// `payment_method_options.card`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardOptions {
    pub installments: Option<Value>,
    pub mandate_options: Option<Value>,
    pub network: Option<String>,
    pub request_three_d_secure: RequestThreeDSecure,
}

impl Default for PaymentMethodOptions {
    fn default() -> Self {
        Self {
            card: Some(CardOptions {
                installments: None,
                mandate_options: None,
                network: None,
                request_three_d_secure: RequestThreeDSecure::Automatic,
            }),
        }
    }
}

/// `last_payment_error`: why the last confirmation failed, with the charge it made and the payment method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    pub code: String,
    pub decline_code: Option<String>,
    pub doc_url: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    pub payment_method: Option<PaymentMethod>,
    #[serde(rename = "type")]
    pub kind: String,
}

const AUTHENTICATION_FAILED: &str = "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.";

impl PaymentError {
    /// A refused card: `card_error`, with the charge that was declined.
    pub fn card(error: &CardError, charge: &str, payment_method: &PaymentMethod) -> Self {
        Self {
            charge: Some(charge.to_owned()),
            code: error.code.as_str().to_owned(),
            decline_code: error.decline_code.clone(),
            doc_url: Some(doc_url(error.code.as_str())),
            message: error.message.clone(),
            param: error.param.clone(),
            payment_method: Some(payment_method.clone()),
            kind: "card_error".into(),
        }
    }

    /// The customer failed 3-D Secure: no charge was made.
    pub fn authentication_failed(payment_method: &PaymentMethod) -> Self {
        let code = "payment_intent_authentication_failure";
        Self {
            charge: None,
            code: code.into(),
            decline_code: None,
            doc_url: Some(doc_url(code)),
            message: AUTHENTICATION_FAILED.into(),
            param: None,
            payment_method: Some(payment_method.clone()),
            kind: "invalid_request_error".into(),
        }
    }
}

fn doc_url(code: &str) -> String {
    format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-"))
}

/// Why a PaymentIntent operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentIntentError {
    #[error(transparent)]
    Param(#[from] ParamError),
    /// `payment_method_types` is no longer writable in this API version (Stripe's endive).
    #[error(
        "The `payment_method_types` parameter is no longer supported in this API version. Use `allowed_payment_method_types` or `excluded_payment_method_types` instead."
    )]
    PaymentMethodTypesNoLongerSupported,
    /// The intent's status does not allow the operation (`payment_intent_unexpected_state`).
    #[error("{0}")]
    UnexpectedState(String),
}

impl Object for PaymentIntent {
    const KIND: &'static str = "payment_intent";
    const PREFIX: &'static str = "pi";

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

const MISSING_PAYMENT_METHOD: &str = "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.";
const RETURN_URL_REQUIRED: &str = "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";

/// Stripe's refusal to pay with a payment method that belongs to another customer than the intent's (or to a
/// customer when the intent names none). A payment method without a customer may be used by anyone.
pub fn check_ownership(
    payment_method: &str,
    owner: Option<&str>,
    intent_customer: Option<&str>,
) -> Result<(), ParamError> {
    super::payment_method::check_intent_ownership("PaymentIntent", payment_method, owner, intent_customer)
}

impl PaymentIntent {
    /// A card PaymentIntent for `amount` minor units of `currency` waiting for a payment method, shaped as an
    /// invoice's: no Dashboard payment methods, automatic capture. Callers set `customer`, `description` and
    /// `metadata` on it; amounts are not checked here (the API's create does, see [`PaymentIntentCreate`]).
    pub fn new(amount: i64, currency: &str, livemode: bool, now: Timestamp) -> Self {
        let id = ids::new_id(Self::PREFIX);
        PaymentIntent {
            client_secret: ids::client_secret(&id),
            id,
            object: Self::KIND.into(),
            allowed_payment_method_types: None,
            amount,
            amount_capturable: 0,
            amount_details: json!({ "tip": {} }),
            amount_received: 0,
            application: None,
            application_fee_amount: None,
            automatic_payment_methods: None,
            canceled_at: None,
            cancellation_reason: None,
            capture_method: CaptureMethod::Automatic,
            confirmation_method: ConfirmationMethod::Automatic,
            created: now,
            currency: currency.to_owned(),
            customer: None,
            customer_account: None,
            description: None,
            excluded_payment_method_types: None,
            last_payment_error: None,
            latest_charge: None,
            livemode,
            managed_payments: None,
            metadata: Metadata::new(),
            next_action: None,
            on_behalf_of: None,
            payment_method: None,
            payment_method_configuration_details: None,
            payment_method_options: PaymentMethodOptions::default(),
            payment_method_types: vec!["card".into()],
            processing: None,
            receipt_email: None,
            review: None,
            setup_future_usage: None,
            shipping: None,
            source: None,
            statement_descriptor: None,
            statement_descriptor_suffix: None,
            status: PaymentIntentStatus::RequiresPaymentMethod,
            transfer_data: None,
            transfer_group: None,
        }
    }

    /// The payment method a confirmation will use (the one sent, else the intent's), or why the intent cannot
    /// be confirmed now. A missing payment method is reported before the status, as for SetupIntents.
    pub fn confirmable(&self, requested: Option<&str>, return_url: Option<&str>) -> Result<String, PaymentIntentError> {
        let payment_method = requested
            .or(self.payment_method.as_deref())
            .ok_or_else(|| PaymentIntentError::UnexpectedState(MISSING_PAYMENT_METHOD.into()))?;
        match self.status {
            PaymentIntentStatus::RequiresPaymentMethod
            | PaymentIntentStatus::RequiresConfirmation
            | PaymentIntentStatus::RequiresAction => {}
            PaymentIntentStatus::Succeeded => {
                return Err(PaymentIntentError::UnexpectedState(
                    "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.".into(),
                ));
            }
            other => {
                return Err(PaymentIntentError::UnexpectedState(format!(
                    "You cannot confirm this PaymentIntent because it has a status of {}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.",
                    other.as_str()
                )));
            }
        }
        if self.redirects_allowed() && return_url.is_none() {
            return Err(ParamError::invalid("return_url", RETURN_URL_REQUIRED).into());
        }
        Ok(payment_method.to_owned())
    }

    /// Whether the intent accepts the Dashboard's redirect-based payment methods, so confirming needs a
    /// `return_url`.
    fn redirects_allowed(&self) -> bool {
        use super::setup_intent::AllowRedirects;
        self.automatic_payment_methods
            .as_ref()
            .is_some_and(|apm| apm.enabled && apm.allow_redirects != Some(AllowRedirects::Never))
    }

    /// Whether the intent waits for the customer to pass 3-D Secure (`requires_action`).
    pub fn awaiting_authentication(&self) -> Result<(), PaymentIntentError> {
        if self.status == PaymentIntentStatus::RequiresAction {
            return Ok(());
        }
        Err(PaymentIntentError::UnexpectedState(format!(
            "You cannot authenticate this PaymentIntent because it has a status of {}. Only a PaymentIntent with a status of `requires_action` awaits authentication.",
            self.status.as_str()
        )))
    }

    /// Where the customer completes 3-D Secure in test mode, relative to the server's public URL: Portico's
    /// test helper, as there is no hosted challenge page.
    pub fn authenticate_path(&self) -> String {
        format!("/v1/test_helpers/payment_intents/{}/authenticate", self.id)
    }

    /// The object as JSON, for embedding in an error.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests;
