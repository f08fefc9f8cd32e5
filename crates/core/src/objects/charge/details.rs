//! What a charge says about the card it was made with (`payment_method_details`) and about the network's
//! answer (`outcome`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Verdict;
use crate::cards::{CardBehaviour, CardError};
use crate::objects::payment_method::{CardChecks, PaymentMethod};
use crate::processor::CardFacts;

/// `outcome`: whether the network approved the charge, and what the merchant is told about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub advice_code: Option<String>,
    pub network_advice_code: Option<String>,
    pub network_decline_code: Option<String>,
    /// `approved_by_network`, `declined_by_network` or `not_sent_to_network` (Radar blocked it first).
    pub network_status: Option<String>,
    pub reason: Option<String>,
    pub risk_level: Option<String>,
    /// Only accounts with Radar for Fraud Teams see a score.
    pub risk_score: Option<i64>,
    pub seller_message: Option<String>,
    /// `authorized`, `issuer_declined` or `blocked`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl Outcome {
    /// The outcome of charging a card with these facts; `error` is the refusal, if any.
    pub fn of(facts: CardFacts, error: Option<&CardError>) -> Self {
        let outcome =
            |network_status: &str, reason: Option<String>, risk_level: &str, message: String, kind: &str| Outcome {
                advice_code: None,
                network_advice_code: None,
                network_decline_code: None,
                network_status: Some(network_status.into()),
                reason,
                risk_level: Some(risk_level.into()),
                risk_score: None,
                seller_message: Some(message),
                kind: kind.into(),
            };
        match error {
            None => outcome("approved_by_network", None, "normal", "Payment complete.".into(), "authorized"),
            Some(_) if facts.behaviour == CardBehaviour::RadarBlock => outcome(
                "not_sent_to_network",
                Some("highest_risk_level".into()),
                "highest",
                "Stripe blocked this payment as too risky.".into(),
                "blocked",
            ),
            Some(error) => {
                let reason = error.decline_code.clone().unwrap_or_else(|| error.code.as_str().to_owned());
                let message = match reason.as_str() {
                    "generic_decline" => "The bank did not return any further details with this decline.".to_owned(),
                    other => format!("The bank returned the decline code `{other}`."),
                };
                outcome("declined_by_network", Some(reason), "normal", message, "issuer_declined")
            }
        }
    }
}

/// `payment_method_details`: only cards so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodDetails {
    pub card: Option<CardDetails>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `payment_method_details.card`: the card as it was when charged, and what the network did with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardDetails {
    pub amount_authorized: Option<i64>,
    pub authorization_code: Option<String>,
    pub brand: Option<String>,
    pub checks: Option<CardChecks>,
    pub country: Option<String>,
    pub exp_month: u32,
    pub exp_year: i32,
    pub extended_authorization: Option<Value>,
    pub fingerprint: Option<String>,
    pub funding: Option<String>,
    pub incremental_authorization: Option<Value>,
    pub installments: Option<Value>,
    pub last4: Option<String>,
    pub mandate: Option<String>,
    pub multicapture: Option<Value>,
    pub network: Option<String>,
    pub network_token: Option<Value>,
    pub network_transaction_id: Option<String>,
    pub overcapture: Option<Value>,
    pub regulated_status: Option<String>,
    pub three_d_secure: Option<ThreeDSecureDetails>,
    pub transaction_link_id: Option<String>,
    pub wallet: Option<Value>,
}

/// `card.three_d_secure`: how the customer authenticated, when they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeDSecureDetails {
    pub authentication_flow: Option<String>,
    pub electronic_commerce_indicator: Option<String>,
    pub exemption_indicator: Option<String>,
    pub result: Option<String>,
    pub result_reason: Option<String>,
    pub transaction_id: Option<String>,
    pub version: Option<String>,
}

impl PaymentMethodDetails {
    /// The card of `payment_method` as a charge of `amount` shows it.
    pub fn of(payment_method: &PaymentMethod, facts: CardFacts, amount: i64, verdict: Verdict<'_>) -> Self {
        let card = payment_method.card.as_ref().map(|card| {
            let mut checks = card.checks.clone();
            for check in [&mut checks.address_line1_check, &mut checks.address_postal_code_check] {
                if check.as_deref() == Some("unchecked") {
                    *check = Some("pass".into());
                }
            }
            checks.cvc_check = facts.behaviour.cvc_check(facts.cvc_supplied).map(str::to_owned);
            let network = card
                .networks
                .as_ref()
                .and_then(|n| n.preferred.clone().or_else(|| n.available.first().cloned()))
                .unwrap_or_else(|| card.brand.clone());
            CardDetails {
                amount_authorized: verdict.error.is_none().then_some(amount),
                authorization_code: None,
                brand: Some(card.brand.clone()),
                checks: Some(checks),
                country: card.country.clone(),
                exp_month: card.exp_month,
                exp_year: card.exp_year,
                extended_authorization: Some(json!({ "status": "disabled" })),
                fingerprint: card.fingerprint.clone(),
                funding: Some(card.funding.clone()),
                incremental_authorization: Some(json!({ "status": "unavailable" })),
                installments: None,
                last4: Some(card.last4.clone()),
                mandate: None,
                multicapture: Some(json!({ "status": "unavailable" })),
                network_token: Some(json!({ "used": false })),
                network_transaction_id: None,
                overcapture: Some(json!({ "maximum_amount_capturable": amount, "status": "unavailable" })),
                regulated_status: card.regulated_status.clone(),
                three_d_secure: verdict.authenticated.then(|| ThreeDSecureDetails::authenticated(&network)),
                network: Some(network),
                transaction_link_id: None,
                wallet: None,
            }
        });
        Self { card, kind: "card".into() }
    }
}

impl ThreeDSecureDetails {
    /// A passed 3-D Secure 2 challenge; the ECI is the network's code for "fully authenticated".
    fn authenticated(network: &str) -> Self {
        let eci = if network == "mastercard" { "02" } else { "05" };
        Self {
            authentication_flow: Some("challenge".into()),
            electronic_commerce_indicator: Some(eci.into()),
            exemption_indicator: None,
            result: Some("authenticated".into()),
            result_reason: None,
            transaction_id: None,
            version: Some("2.2.0".into()),
        }
    }
}
