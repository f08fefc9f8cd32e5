//! Payment methods (`pm_`): https://docs.stripe.com/api/payment_methods/object
//!
//! Only `type=card` is supported so far. A card number lives only as long as the request that carries it:
//! the payment method keeps what Stripe shows again (brand, last4, expiry, a fingerprint), and a private
//! [`CardRecord`] beside it keeps what the processor needs to know about the card.

mod billing;
mod card;
mod record;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use billing::{AddressParams, BillingDetails, BillingDetailsParams};
pub use card::{
    Card, CardChecks, CardNetworks, CardParams, NetworksParams, Redacted, ThreeDSecureUsage, card_from_params,
    card_from_token,
};
pub use record::CardRecord;

use super::Object;
use crate::cards::{self, CardError};
use crate::error::{ParamCode, ParamError};
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::processor::CardFacts;
use crate::{Timestamp, ids};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    pub object: String,
    pub allow_redisplay: AllowRedisplay,
    pub billing_details: BillingDetails,
    /// The type's own hash; only `card` exists so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    pub created: Timestamp,
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
}

/// Whether the customer agreed to see this payment method again in later checkouts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowRedisplay {
    Always,
    Limited,
    #[default]
    Unspecified,
}

/// `type`: the kinds of payment method Portico can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodType {
    Card,
}

/// Stripe's other payment method types: recognised so the error can say they are not supported yet, rather
/// than that they do not exist.
#[rustfmt::skip]
const KNOWN_TYPES: &[&str] = &[
    "acss_debit", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit",
    "bancontact", "billie", "blik", "boleto", "card_present", "cashapp", "crypto", "customer_balance", "eps",
    "fpx", "giropay", "grabpay", "ideal", "interac_present", "kakao_pay", "klarna", "konbini", "kr_card",
    "link", "mobilepay", "multibanco", "naver_pay", "nz_bank_account", "oxxo", "p24", "pay_by_bank", "payco",
    "paynow", "paypal", "pix", "promptpay", "revolut_pay", "samsung_pay", "satispay", "sepa_debit", "sofort",
    "swish", "twint", "us_bank_account", "wechat_pay", "zip",
];

impl PaymentMethodType {
    /// Whether `kind` names one of Stripe's payment method types, supported here or not.
    pub fn is_known(kind: &str) -> bool {
        kind == "card" || KNOWN_TYPES.contains(&kind)
    }

    /// Reads the `type` parameter: `card`, or an explanation naming the type.
    pub fn parse(kind: &str, param: &str) -> Result<Self, ParamError> {
        match kind {
            "card" => Ok(Self::Card),
            known if KNOWN_TYPES.contains(&known) => Err(ParamError::invalid(
                param,
                format!("The payment method type `{known}` is not supported by Portico yet; only `card` is."),
            )),
            other => {
                Err(ParamError::invalid(param, format!("Invalid {param}: `{other}` is not a payment method type.")))
            }
        }
    }
}

/// `POST /v1/payment_methods`. `Debug` is safe: the card number and CVC print as `[redacted]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodCreate {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub allow_redisplay: Option<AllowRedisplay>,
    pub billing_details: Option<BillingDetailsParams>,
    pub card: Option<CardParams>,
    /// Accepted only to refuse it with Stripe's message: attaching is a separate call.
    pub customer: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

/// `payment_method_data` on a SetupIntent or PaymentIntent: a payment method created on the spot.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodData {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub allow_redisplay: Option<AllowRedisplay>,
    pub billing_details: Option<BillingDetailsParams>,
    pub card: Option<CardParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

impl From<PaymentMethodData> for PaymentMethodCreate {
    fn from(data: PaymentMethodData) -> Self {
        Self {
            kind: data.kind,
            allow_redisplay: data.allow_redisplay,
            billing_details: data.billing_details,
            card: data.card,
            customer: None,
            metadata: data.metadata,
        }
    }
}

/// `POST /v1/payment_methods/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodUpdate {
    pub allow_redisplay: Option<AllowRedisplay>,
    pub billing_details: Option<BillingDetailsParams>,
    pub card: Option<CardUpdateParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardUpdateParams {
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
    pub networks: Option<NetworksParams>,
}

/// Why a payment method could not be created or changed: bad input (400) or a refused card (402).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentMethodError {
    #[error(transparent)]
    Param(#[from] ParamError),
    #[error(transparent)]
    Card(#[from] CardError),
}

/// A new payment method and the private facts about its card, to be stored together.
#[derive(Debug, Clone)]
pub struct NewPaymentMethod {
    pub payment_method: PaymentMethod,
    pub record: CardRecord,
}

impl Object for PaymentMethod {
    const KIND: &'static str = "payment_method";
    const PREFIX: &'static str = "pm";

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

const ALREADY_ATTACHED: &str = "The payment method you provided has already been attached to a customer.";
const NOT_ATTACHED: &str = "The payment method you provided is not attached to a customer so detachment is impossible.";
/// Stripe's refusal to reuse a payment method once it left its customer.
pub const DETACHED_REUSE: &str = "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.";

impl PaymentMethod {
    /// Builds a payment method from `POST /v1/payment_methods` parameters. `account_salt` keys the card
    /// fingerprint to the account; `now` is needed to check the expiry date.
    pub fn create(
        params: PaymentMethodCreate,
        account_salt: &str,
        livemode: bool,
        now: Timestamp,
    ) -> Result<NewPaymentMethod, PaymentMethodError> {
        if params.customer.is_some() {
            return Err(ParamError::invalid(
                "customer",
                "You cannot attach a PaymentMethod to a Customer during PaymentMethod creation. Please instead create the PaymentMethod and then attach it using the attachment method of the PaymentMethods API.",
            )
            .into());
        }
        let kind = params.kind.ok_or_else(|| ParamError::missing("type"))?;
        let PaymentMethodType::Card = PaymentMethodType::parse(&kind, "type")?;
        let card_params = params.card.ok_or_else(|| ParamError::missing("card"))?;
        let address_given =
            params.billing_details.as_ref().map(BillingDetailsParams::address_parts).unwrap_or_default();
        let (card, facts) = card_from_params(card_params, address_given, account_salt, now)?;
        let mut billing_details = BillingDetails::default();
        if let Some(details) = params.billing_details {
            billing_details.apply(details);
        }
        let mut metadata = Metadata::new();
        metadata::apply(&mut metadata, params.metadata)?;
        Ok(Self::assemble(
            card,
            facts,
            billing_details,
            params.allow_redisplay.unwrap_or_default(),
            metadata,
            livemode,
            now,
        ))
    }

    /// A payment method made from one of Stripe's test tokens (`pm_card_visa`), as Stripe makes a new one each
    /// time a token is used in place of a payment method id. `None` when `token` is not a test token.
    pub fn from_test_token(
        token: &str,
        account_salt: &str,
        livemode: bool,
        now: Timestamp,
    ) -> Option<NewPaymentMethod> {
        let (card, facts) = card_from_token(token, account_salt, now)?;
        Some(Self::assemble(
            card,
            facts,
            BillingDetails::default(),
            AllowRedisplay::Unspecified,
            Metadata::new(),
            livemode,
            now,
        ))
    }

    fn assemble(
        card: Card,
        facts: CardFacts,
        billing_details: BillingDetails,
        allow_redisplay: AllowRedisplay,
        metadata: Metadata,
        livemode: bool,
        now: Timestamp,
    ) -> NewPaymentMethod {
        let payment_method = PaymentMethod {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            allow_redisplay,
            billing_details,
            card: Some(card),
            created: now,
            customer: None,
            customer_account: None,
            livemode,
            metadata,
            kind: PaymentMethodType::Card,
        };
        let record = CardRecord::new(&payment_method.id, facts, now);
        NewPaymentMethod { payment_method, record }
    }

    /// Applies an update in place, or leaves the payment method untouched and explains the first problem.
    /// Stripe lets the expiry date change only on a card saved to a customer.
    pub fn update(&mut self, params: PaymentMethodUpdate, now: Timestamp) -> Result<(), PaymentMethodError> {
        let mut next = self.clone();
        if let Some(redisplay) = params.allow_redisplay {
            next.allow_redisplay = redisplay;
        }
        if let Some(details) = params.billing_details {
            next.billing_details.apply(details);
        }
        if let Some(card_params) = params.card {
            if next.customer.is_none() {
                return Err(ParamError::invalid(
                    "card",
                    "You must save this PaymentMethod to a customer before you can update it.",
                )
                .into());
            }
            if let Some(card) = next.card.as_mut() {
                card.update(card_params, now)?;
            }
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        *self = next;
        Ok(())
    }

    /// Whether the card's expiry month has passed at `now`; charging or attaching it then fails.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.card.as_ref().is_some_and(|card| cards::is_expired(card.exp_month, card.exp_year, now))
    }

    /// Checks that the payment method may be attached to `customer`; `Ok(false)` when it already is (Stripe
    /// answers a repeated attach with the payment method and changes nothing).
    pub fn check_attach(&self, customer: &str, record: &CardRecord) -> Result<bool, ParamError> {
        match self.customer.as_deref() {
            Some(current) if current == customer => Ok(false),
            Some(_) => Err(without_param(ALREADY_ATTACHED)),
            None if record.detached => Err(ParamError::invalid("payment_method", DETACHED_REUSE)),
            None => Ok(true),
        }
    }

    /// Saves the card to `customer` once the issuer verified it: the checks that were waiting now pass.
    pub fn attach(&mut self, customer: &str, record: &CardRecord) {
        self.customer = Some(customer.to_owned());
        self.mark_verified(record);
    }

    /// Records the issuer's verification of the card (on attach or a successful setup).
    pub fn mark_verified(&mut self, record: &CardRecord) {
        if let Some(card) = self.card.as_mut() {
            card.checks.verified(record.facts);
        }
    }

    /// Removes the payment method from its customer and returns that customer's id.
    pub fn detach(&mut self) -> Result<String, ParamError> {
        self.customer.take().ok_or_else(|| without_param(NOT_ATTACHED))
    }

    /// The object as JSON, for embedding in an error or another object.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A refusal Stripe words without pointing at a parameter.
fn without_param(message: &str) -> ParamError {
    ParamError { code: ParamCode::InvalidRequest, param: None, message: message.to_owned() }
}

/// Stripe's refusal to use a payment method with an intent (`intent`: `SetupIntent`, `PaymentIntent`) when
/// it belongs to another customer than the intent's, or to a customer when the intent names none. A payment
/// method without a customer may be used by anyone.
pub fn check_intent_ownership(
    intent: &str,
    payment_method: &str,
    owner: Option<&str>,
    intent_customer: Option<&str>,
) -> Result<(), ParamError> {
    match (owner, intent_customer) {
        (None, _) => Ok(()),
        (Some(owner), Some(customer)) if owner == customer => Ok(()),
        (Some(owner), None) => Err(ParamError::invalid(
            "payment_method",
            format!(
                "The payment method supplied ({payment_method}) belongs to the Customer {owner}. Please include the Customer in the `customer` parameter on the {intent}."
            ),
        )),
        (Some(_), Some(customer)) => Err(ParamError::invalid(
            "payment_method",
            format!(
                "The PaymentMethod {payment_method} does not belong to the Customer you supplied {customer}. Please use this PaymentMethod with the Customer that it belongs to instead."
            ),
        )),
    }
}

#[cfg(test)]
mod tests;
