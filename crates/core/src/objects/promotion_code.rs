//! Promotion codes (`promo_`): customer-facing codes for a coupon.
//! https://docs.stripe.com/api/promotion_codes/object
//!
//! Since 2025-09-30 the coupon sits under `promotion: {type: "coupon", coupon}`; there is no top-level `coupon`.
//! A code is active only while its own limits and its coupon allow ([`PromotionCode::active_at`]); once it
//! expires, is used up or its coupon stops being valid it can never be active again.

use std::collections::BTreeMap;

use rand::RngExt as _;
use serde::{Deserialize, Serialize};

use super::Object;
use super::coupon::{Coupon, future_timestamp};
use super::price::rules::{self, at_least};
use crate::currency::parse_currency;
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

const GENERATED_CODE_CHARS: usize = 8;
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PromotionCode {
    pub id: String,
    pub object: String,
    /// As stored; responses show [`PromotionCode::active_at`].
    pub active: bool,
    pub code: String,
    pub created: Timestamp,
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub livemode: bool,
    pub max_redemptions: Option<i64>,
    pub metadata: Metadata,
    pub promotion: Promotion,
    pub restrictions: Restrictions,
    pub times_redeemed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    pub coupon: Option<String>,
    #[serde(rename = "type")]
    pub kind: PromotionType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromotionType {
    Coupon,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restrictions {
    /// Includable: shown only with `expand[]=restrictions.currency_options`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_options: Option<BTreeMap<String, MinimumAmount>>,
    pub first_time_transaction: bool,
    pub minimum_amount: Option<i64>,
    pub minimum_amount_currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimumAmount {
    pub minimum_amount: i64,
}

/// `POST /v1/promotion_codes`. The coupon and customer are loaded by the caller; the code's uniqueness among
/// active codes is checked by the caller against the store.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionCodeCreate {
    pub active: Option<bool>,
    pub code: Option<String>,
    pub customer: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub max_redemptions: Option<i64>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub promotion: PromotionParams,
    pub restrictions: Option<RestrictionsParams>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionParams {
    pub coupon: Option<String>,
    #[serde(rename = "type")]
    pub kind: PromotionType,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionsParams {
    pub currency_options: Option<BTreeMap<String, MinimumAmount>>,
    pub first_time_transaction: Option<bool>,
    pub minimum_amount: Option<i64>,
    pub minimum_amount_currency: Option<String>,
}

/// `POST /v1/promotion_codes/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionCodeUpdate {
    pub active: Option<bool>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub restrictions: Option<RestrictionsUpdate>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionsUpdate {
    pub currency_options: Option<BTreeMap<String, MinimumAmount>>,
}

impl Object for PromotionCode {
    const KIND: &'static str = "promotion_code";
    const PREFIX: &'static str = "promo";

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

impl PromotionCodeCreate {
    /// The coupon id from `promotion[coupon]`, which Stripe requires although its parameter type allows omitting it.
    pub fn coupon(&self) -> Result<&str, ParamError> {
        self.promotion.coupon.as_deref().ok_or_else(|| {
            ParamError::new(
                crate::ParamCode::ParameterMissing,
                "promotion.coupon",
                "You must pass promotion.coupon when passing promotion",
            )
        })
    }
}

/// A fresh code as Stripe makes them: eight uppercase letters and digits.
pub fn generate_code() -> String {
    let mut rng = rand::rng();
    (0..GENERATED_CODE_CHARS).map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// Codes are letters, digits, `-` and `_`; Stripe quotes its own pattern when refusing one.
fn validate_code(code: String) -> Result<String, ParamError> {
    let valid = !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(code)
    } else {
        Err(ParamError::invalid(
            "code",
            format!(
                "This value must match the regex pattern. (/\\A[a-zA-Z0-9\\-_]+\\z/ does not match for the value {code})."
            ),
        ))
    }
}

impl PromotionCode {
    /// Builds a new promotion code for `coupon` (loaded by the caller, whose id is `promotion[coupon]`).
    pub fn create(
        params: PromotionCodeCreate,
        coupon: &Coupon,
        livemode: bool,
        now: Timestamp,
    ) -> Result<Self, ParamError> {
        if !coupon.valid_at(now) {
            return Err(ParamError::invalid(
                "promotion[coupon]",
                format!("Coupon `{}` is no longer valid, so it cannot be used for a new promotion code.", coupon.id),
            ));
        }
        let code = match params.code {
            Some(code) => validate_code(code)?,
            None => generate_code(),
        };
        let expires_at = params.expires_at.map(|at| future_timestamp("expires_at", at, now)).transpose()?;
        if let (Some(expires_at), Some(redeem_by)) = (expires_at, coupon.redeem_by)
            && expires_at > redeem_by
        {
            return Err(ParamError::invalid(
                "expires_at",
                format!("The promotion code cannot expire after its coupon's `redeem_by` ({redeem_by})."),
            ));
        }
        let max_redemptions = match params.max_redemptions {
            Some(max) if max < 1 => return Err(at_least("max_redemptions", 1, max)),
            Some(max) if coupon.max_redemptions.is_some_and(|coupon_max| max > coupon_max) => {
                return Err(ParamError::invalid(
                    "max_redemptions",
                    "The promotion code's `max_redemptions` cannot be greater than its coupon's `max_redemptions`.",
                ));
            }
            other => other,
        };
        let mut promotion_code = PromotionCode {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            active: params.active.unwrap_or(true),
            code,
            created: now,
            customer: params.customer,
            customer_account: None,
            expires_at,
            livemode,
            max_redemptions,
            metadata: Metadata::new(),
            promotion: Promotion { coupon: Some(coupon.id.clone()), kind: PromotionType::Coupon },
            restrictions: restrictions(params.restrictions.unwrap_or_default())?,
            times_redeemed: 0,
        };
        metadata::apply(&mut promotion_code.metadata, params.metadata)?;
        Ok(promotion_code)
    }

    /// Applies an update. `coupon_valid` says whether the code's coupon still exists and is valid at `now`: a code
    /// that expired, was used up or lost its coupon cannot be switched back on.
    pub fn update(
        &mut self,
        params: PromotionCodeUpdate,
        coupon_valid: bool,
        now: Timestamp,
    ) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(active) = params.active {
            if active && !next.can_be_active(now, coupon_valid) {
                return Err(ParamError::invalid(
                    "active",
                    "This promotion code cannot be reactivated: it has expired, reached its maximum redemptions, or its coupon is no longer valid.",
                ));
            }
            next.active = active;
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        if let Some(options) = params.restrictions.and_then(|r| r.currency_options) {
            let mut merged = next.restrictions.currency_options.take().unwrap_or_default();
            merged.extend(currency_options(options, next.restrictions.minimum_amount_currency.as_deref())?);
            next.restrictions.currency_options = (!merged.is_empty()).then_some(merged);
        }
        *self = next;
        Ok(())
    }

    /// Whether the code's own limits still allow redemptions at `now`, whatever its `active` switch says.
    fn can_be_active(&self, now: Timestamp, coupon_valid: bool) -> bool {
        let expired = self.expires_at.is_some_and(|at| now >= at);
        let exhausted = self.max_redemptions.is_some_and(|max| self.times_redeemed >= max);
        coupon_valid && !expired && !exhausted
    }

    /// Whether the code can be redeemed at `now`: switched on, within its limits, and its coupon valid.
    pub fn active_at(&self, now: Timestamp, coupon_valid: bool) -> bool {
        self.active && self.can_be_active(now, coupon_valid)
    }

    /// Counts one redemption; the code switches itself off when it reaches `max_redemptions`.
    pub fn record_redemption(&mut self) {
        self.times_redeemed += 1;
        if self.max_redemptions.is_some_and(|max| self.times_redeemed >= max) {
            self.active = false;
        }
    }

    /// Whether `other` would clash with this code if both were active: the same code (in any case) and either
    /// one unrestricted or both restricted to the same customer.
    pub fn clashes_with(&self, code: &str, customer: Option<&str>) -> bool {
        self.code.eq_ignore_ascii_case(code)
            && (self.customer.is_none() || customer.is_none() || self.customer.as_deref() == customer)
    }

    /// The code as a response shows it: `active` as of `now`, `restrictions.currency_options` only when asked for.
    pub fn shown(&self, now: Timestamp, coupon_valid: bool, currency_options: bool) -> PromotionCode {
        let mut shown = self.clone();
        shown.active = self.active_at(now, coupon_valid);
        if !currency_options {
            shown.restrictions.currency_options = None;
        }
        shown
    }
}

fn restrictions(params: RestrictionsParams) -> Result<Restrictions, ParamError> {
    let currency = params
        .minimum_amount_currency
        .as_deref()
        .map(|c| parse_currency("restrictions[minimum_amount_currency]", c))
        .transpose()?;
    let minimum_amount = match (params.minimum_amount, &currency) {
        (Some(_), None) => {
            return Err(ParamError::invalid(
                "restrictions[minimum_amount_currency]",
                "You must pass minimum_amount_currency when passing minimum_amount",
            ));
        }
        (None, Some(_)) => {
            return Err(ParamError::invalid(
                "restrictions[minimum_amount]",
                "You must pass minimum_amount when passing minimum_amount_currency",
            ));
        }
        (Some(amount), Some(currency)) => Some(rules::amount("restrictions[minimum_amount]", amount, currency, 1)?),
        (None, None) => None,
    };
    let currency_options =
        params.currency_options.map(|options| currency_options(options, currency.as_deref())).transpose()?;
    Ok(Restrictions {
        currency_options: currency_options.filter(|options| !options.is_empty()),
        first_time_transaction: params.first_time_transaction.unwrap_or(false),
        minimum_amount,
        minimum_amount_currency: currency,
    })
}

fn currency_options(
    options: BTreeMap<String, MinimumAmount>,
    minimum_amount_currency: Option<&str>,
) -> Result<BTreeMap<String, MinimumAmount>, ParamError> {
    let param = "restrictions[currency_options]";
    let mut out = BTreeMap::new();
    for (key, option) in options {
        let currency = rules::currency_key(param, &key)?;
        let prefix = format!("{param}[{currency}]");
        if minimum_amount_currency == Some(currency.as_str()) {
            return Err(ParamError::invalid(
                &prefix,
                "Each currency in `restrictions[currency_options]` must differ from `minimum_amount_currency`.",
            ));
        }
        let amount = rules::amount(&format!("{prefix}[minimum_amount]"), option.minimum_amount, &currency, 1)?;
        out.insert(currency, MinimumAmount { minimum_amount: amount });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
