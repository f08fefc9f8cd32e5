//! The `card` hash of a payment method, derived once from the number (or test token) while it is in hand.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{CardUpdateParams, PaymentMethodError};
use crate::Timestamp;
use crate::cards::{self, Brand};
use crate::error::{ParamCode, ParamError};
use crate::processor::CardFacts;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub brand: String,
    pub checks: CardChecks,
    pub country: Option<String>,
    pub display_brand: Option<String>,
    pub exp_month: u32,
    pub exp_year: i32,
    pub fingerprint: Option<String>,
    pub funding: String,
    pub generated_from: Option<Value>,
    pub last4: String,
    pub networks: Option<CardNetworks>,
    pub regulated_status: Option<String>,
    pub three_d_secure_usage: Option<ThreeDSecureUsage>,
    pub wallet: Option<Value>,
}

/// The issuer's verdict on what was given with the card: null when nothing was given, `unchecked` until the
/// card is verified (attached or set up), then `pass` or `fail`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardChecks {
    pub address_line1_check: Option<String>,
    pub address_postal_code_check: Option<String>,
    pub cvc_check: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardNetworks {
    pub available: Vec<String>,
    pub preferred: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeDSecureUsage {
    pub supported: bool,
}

/// A card number or CVC as it arrives: readable by the code that validates it, never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for validation only. Never store or log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for Redacted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// `card[…]` when creating a payment method: raw details (Stripe accepts them in test mode) or `token`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardParams {
    pub cvc: Option<Redacted>,
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
    pub networks: Option<NetworksParams>,
    pub number: Option<Redacted>,
    pub token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworksParams {
    pub preferred: Option<String>,
}

const PREFERRED_NETWORKS: &[&str] = &["cartes_bancaires", "mastercard", "visa"];

fn preferred_network(params: Option<NetworksParams>) -> Result<Option<String>, ParamError> {
    match params.and_then(|n| n.preferred) {
        Some(network) if !PREFERRED_NETWORKS.contains(&network.as_str()) => Err(ParamError::invalid(
            "card[networks][preferred]",
            format!("Invalid card[networks][preferred]: must be one of {}", PREFERRED_NETWORKS.join(", ")),
        )),
        other => Ok(other),
    }
}

/// Validates raw card details (or reads `card[token]`) and describes the card. `address_given` says whether a
/// billing address line and postal code came with it, for the address checks. The number is dropped here.
pub fn card_from_params(
    params: CardParams,
    address_given: (bool, bool),
    account_salt: &str,
    now: Timestamp,
) -> Result<(Card, CardFacts), PaymentMethodError> {
    let preferred = preferred_network(params.networks)?;
    if let Some(token) = params.token {
        if params.number.is_some() {
            let message = "You may only specify one of these parameters: card[number], card[token].";
            return Err(ParamError::new(ParamCode::ParametersExclusive, "card[token]", message).into());
        }
        let test_card = token.starts_with("tok_").then(|| cards::test_token(&token)).flatten();
        let test_card = test_card.ok_or_else(|| ParamError::invalid("token", format!("Invalid token id: {token}")))?;
        let (exp_month, exp_year) = cards::test_token_expiry(now);
        let input = Input {
            digits: test_card.number,
            exp_month,
            exp_year,
            cvc_supplied: test_card.cvc_supplied,
            address_given,
            preferred,
        };
        return Ok(input.describe(account_salt));
    }
    let number = params.number.ok_or_else(|| ParamError::missing("card[number]"))?;
    let digits = cards::validate_number(number.expose())?;
    let exp_month = params.exp_month.ok_or_else(|| ParamError::missing("card[exp_month]"))?;
    let exp_year = params.exp_year.ok_or_else(|| ParamError::missing("card[exp_year]"))?;
    let (exp_month, exp_year) = cards::validate_expiry(exp_month, exp_year, now)?;
    let cvc = params.cvc.filter(|cvc| !cvc.expose().is_empty());
    if let Some(cvc) = &cvc {
        cards::validate_cvc(cvc.expose(), Brand::of(&digits))?;
    }
    let input = Input { digits: &digits, exp_month, exp_year, cvc_supplied: cvc.is_some(), address_given, preferred };
    Ok(input.describe(account_salt))
}

/// The card behind a `pm_card_…` test token, or `None` for anything else.
pub fn card_from_token(token: &str, account_salt: &str, now: Timestamp) -> Option<(Card, CardFacts)> {
    let test_card = token.starts_with("pm_card_").then(|| cards::test_token(token)).flatten()?;
    let (exp_month, exp_year) = cards::test_token_expiry(now);
    let input = Input {
        digits: test_card.number,
        exp_month,
        exp_year,
        cvc_supplied: test_card.cvc_supplied,
        address_given: (false, false),
        preferred: None,
    };
    Some(input.describe(account_salt))
}

/// Validated card details, alive only while the card is described.
struct Input<'a> {
    digits: &'a str,
    exp_month: u32,
    exp_year: i32,
    cvc_supplied: bool,
    address_given: (bool, bool),
    preferred: Option<String>,
}

impl Input<'_> {
    fn describe(self, account_salt: &str) -> (Card, CardFacts) {
        let brand = Brand::of(self.digits);
        let unchecked = |given: bool| given.then(|| "unchecked".to_owned());
        let card = Card {
            brand: brand.as_str().into(),
            checks: CardChecks {
                address_line1_check: unchecked(self.address_given.0),
                address_postal_code_check: unchecked(self.address_given.1),
                cvc_check: unchecked(self.cvc_supplied),
            },
            country: Some(cards::country(self.digits).into()),
            display_brand: Some(brand.display_brand().into()),
            exp_month: self.exp_month,
            exp_year: self.exp_year,
            fingerprint: Some(cards::fingerprint(account_salt, self.digits)),
            funding: cards::funding(self.digits).as_str().into(),
            generated_from: None,
            last4: cards::last4(self.digits).into(),
            networks: Some(CardNetworks { available: vec![brand.as_str().into()], preferred: self.preferred }),
            regulated_status: Some("unregulated".into()),
            three_d_secure_usage: Some(ThreeDSecureUsage { supported: true }),
            wallet: None,
        };
        (card, CardFacts::from_number(self.digits, self.cvc_supplied))
    }
}

impl Card {
    /// A new expiry date (either part may be omitted) or preferred network for a saved card.
    pub(super) fn update(&mut self, params: CardUpdateParams, now: Timestamp) -> Result<(), PaymentMethodError> {
        let preferred = preferred_network(params.networks)?;
        if params.exp_month.is_some() || params.exp_year.is_some() {
            let month = params.exp_month.unwrap_or(i64::from(self.exp_month));
            let year = params.exp_year.unwrap_or(i64::from(self.exp_year));
            (self.exp_month, self.exp_year) = cards::validate_expiry(month, year, now)?;
        }
        if let Some(preferred) = preferred
            && let Some(networks) = self.networks.as_mut()
        {
            networks.preferred = Some(preferred);
        }
        Ok(())
    }
}

impl CardChecks {
    /// The issuer has now seen the card: waiting checks pass, and the CVC check follows the card's behaviour.
    pub(super) fn verified(&mut self, facts: CardFacts) {
        for check in [&mut self.address_line1_check, &mut self.address_postal_code_check] {
            if check.as_deref() == Some("unchecked") {
                *check = Some("pass".into());
            }
        }
        self.cvc_check = facts.behaviour.cvc_check(facts.cvc_supplied).map(str::to_owned);
    }
}
