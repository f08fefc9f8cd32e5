//! Coupons (ids chosen by the caller, or 8 random characters): https://docs.stripe.com/api/coupons/object
//!
//! `applies_to` and `currency_options` are includable: kept, but shown only when asked for with `expand[]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Object;
use super::price::rules::{self, at_least, at_most};
use super::product::{too_long, validate_custom_id};
use crate::currency::parse_currency;
use crate::error::{ParamCode, ParamError};
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

const MAX_NAME_CHARS: usize = 40;
/// Stripe refuses timestamps more than five years ahead (five years and a leap day, in seconds).
const FIVE_YEARS: Timestamp = (5 * 365 + 1) * 86_400;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Coupon {
    pub id: String,
    pub object: String,
    pub amount_off: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
    pub created: Timestamp,
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_options: Option<BTreeMap<String, CouponCurrencyOption>>,
    pub duration: Duration,
    pub duration_in_months: Option<i64>,
    pub livemode: bool,
    pub max_redemptions: Option<i64>,
    pub metadata: Metadata,
    pub name: Option<String>,
    pub percent_off: Option<f64>,
    pub redeem_by: Option<Timestamp>,
    pub times_redeemed: i64,
    /// As of the last write; responses recompute it with [`Coupon::valid_at`].
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliesTo {
    pub products: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponCurrencyOption {
    pub amount_off: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    Forever,
    #[default]
    Once,
    Repeating,
}

/// `POST /v1/coupons`. The products in `applies_to` are checked against the store by the caller.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponCreate {
    pub amount_off: Option<i64>,
    pub applies_to: Option<AppliesToParams>,
    pub currency: Option<String>,
    pub currency_options: Option<BTreeMap<String, CouponCurrencyOption>>,
    pub duration: Option<Duration>,
    pub duration_in_months: Option<i64>,
    pub id: Option<String>,
    pub max_redemptions: Option<i64>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub name: Option<String>,
    pub percent_off: Option<f64>,
    pub redeem_by: Option<Timestamp>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesToParams {
    pub products: Option<Vec<String>>,
}

/// `POST /v1/coupons/{id}`: everything that affects the discount itself is immutable.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponUpdate {
    pub currency_options: Option<BTreeMap<String, CouponCurrencyOption>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    #[serde(default)]
    pub name: Patch<String>,
}

impl Object for Coupon {
    const KIND: &'static str = "coupon";
    /// Coupons have no id prefix: ids are the caller's or random.
    const PREFIX: &'static str = "";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

/// `param` must be a timestamp after `now` and at most five years ahead, as Stripe requires of `redeem_by` and
/// `expires_at`.
pub(crate) fn future_timestamp(param: &str, value: Timestamp, now: Timestamp) -> Result<Timestamp, ParamError> {
    if value <= now {
        return Err(ParamError::invalid(
            param,
            format!(
                "The parameter `{param}` expects a unix timestamp representing a date and time in the future. \
                 You specified the value `{value}` which is in the past."
            ),
        ));
    }
    if value > now + FIVE_YEARS {
        return Err(ParamError::invalid(param, "Invalid timestamp: can be no more than five years in the future."));
    }
    Ok(value)
}

impl Coupon {
    /// Builds a new coupon, checking Stripe's cross-field rules in the order Stripe reports them.
    pub fn create(params: CouponCreate, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let id = match params.id {
            Some(id) => validate_custom_id("id", id)?,
            None => ids::random_base62(8),
        };
        match (params.percent_off, params.amount_off) {
            (Some(_), Some(_)) => {
                return Err(ParamError {
                    code: ParamCode::InvalidRequest,
                    param: None,
                    message: "Received both percent_off and amount_off parameters. Please pass in only one.".into(),
                });
            }
            (None, None) => {
                return Err(ParamError {
                    code: ParamCode::ParameterMissing,
                    param: None,
                    message: "Must provide percent_off or amount_off.".into(),
                });
            }
            _ => {}
        }
        let percent_off = params.percent_off.map(validate_percent_off).transpose()?;
        let currency = params.currency.as_deref().map(|c| parse_currency("currency", c)).transpose()?;
        let amount_off = match (params.amount_off, &currency) {
            (Some(_), None) => {
                return Err(ParamError::invalid("currency", "You must pass currency when passing amount_off"));
            }
            (Some(amount), Some(currency)) => Some(rules::amount("amount_off", amount, currency, 1)?),
            (None, _) => None,
        };
        let duration = params.duration.unwrap_or_default();
        let duration_in_months = match (duration, params.duration_in_months) {
            (Duration::Repeating, None) => {
                return Err(ParamError::invalid(
                    "duration",
                    "The duration_in_months param must be set when creating a coupon with a repeating duration",
                ));
            }
            (Duration::Repeating, Some(months)) if months < 1 => return Err(at_least("duration_in_months", 1, months)),
            (Duration::Repeating, Some(months)) => Some(months),
            (_, Some(_)) => {
                return Err(ParamError::invalid(
                    "duration_in_months",
                    "The duration_in_months param can only be set when creating a coupon with a repeating duration",
                ));
            }
            (_, None) => None,
        };
        let max_redemptions = params.max_redemptions.map(|max| positive("max_redemptions", max)).transpose()?;
        let redeem_by = params.redeem_by.map(|at| future_timestamp("redeem_by", at, now)).transpose()?;
        let name = params.name.map(validate_name).transpose()?;
        let mut coupon = Coupon {
            id,
            object: Self::KIND.into(),
            amount_off,
            applies_to: params.applies_to.and_then(|a| a.products).map(|products| AppliesTo { products }),
            created: now,
            currency,
            currency_options: None,
            duration,
            duration_in_months,
            livemode,
            max_redemptions,
            metadata: Metadata::new(),
            name,
            percent_off,
            redeem_by,
            times_redeemed: 0,
            valid: true,
        };
        if let Some(options) = params.currency_options {
            coupon.merge_currency_options(options)?;
        }
        metadata::apply(&mut coupon.metadata, params.metadata)?;
        coupon.valid = coupon.valid_at(now);
        Ok(coupon)
    }

    /// Applies an update in place (only `name`, `metadata` and `currency_options` may change).
    pub fn update(&mut self, params: CouponUpdate, now: Timestamp) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(options) = params.currency_options {
            next.merge_currency_options(options)?;
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        match params.name {
            Patch::Set(name) => next.name = Some(validate_name(name)?),
            other => other.apply_to(&mut next.name),
        }
        next.valid = next.valid_at(now);
        *self = next;
        Ok(())
    }

    /// Whether new redemptions are allowed at `now`: not past `redeem_by` and under `max_redemptions`. A deleted
    /// coupon is never valid; the caller knows when it is looking at one.
    pub fn valid_at(&self, now: Timestamp) -> bool {
        let expired = self.redeem_by.is_some_and(|redeem_by| now > redeem_by);
        let exhausted = self.max_redemptions.is_some_and(|max| self.times_redeemed >= max);
        !expired && !exhausted
    }

    /// Counts one redemption (a discount created from this coupon) and refreshes `valid`.
    pub fn record_redemption(&mut self, now: Timestamp) {
        self.times_redeemed += 1;
        self.valid = self.valid_at(now);
    }

    /// The coupon as a response shows it: includable fields only when asked for, `valid` as of `now`.
    pub fn shown(&self, now: Timestamp, applies_to: bool, currency_options: bool) -> Coupon {
        let mut shown = self.clone();
        shown.valid = self.valid_at(now);
        if !applies_to {
            shown.applies_to = None;
        }
        if !currency_options {
            shown.currency_options = None;
        }
        shown
    }

    fn merge_currency_options(&mut self, options: BTreeMap<String, CouponCurrencyOption>) -> Result<(), ParamError> {
        let param = "currency_options";
        if self.percent_off.is_some() {
            return Err(rules::exclusive(param, "percent_off"));
        }
        let mut merged = self.currency_options.clone().unwrap_or_default();
        for (key, option) in options {
            let currency = rules::currency_key(param, &key)?;
            let amount = rules::amount(&format!("{param}[{currency}][amount_off]"), option.amount_off, &currency, 1)?;
            merged.insert(currency, CouponCurrencyOption { amount_off: amount });
        }
        self.currency_options = (!merged.is_empty()).then_some(merged);
        Ok(())
    }
}

/// Stripe reads `percent_off` as a decimal between 0.01 and 100 and echoes it Ruby-style (`0.0`).
fn validate_percent_off(percent: f64) -> Result<f64, ParamError> {
    if percent < 0.01 {
        Err(at_least("percent_off", 0.01, format_args!("{percent:?}")))
    } else if percent > 100.0 {
        Err(at_most("percent_off", 100, format_args!("{percent:?}")))
    } else {
        Ok(percent)
    }
}

fn positive(param: &str, value: i64) -> Result<i64, ParamError> {
    if value < 1 { Err(at_least(param, 1, value)) } else { Ok(value) }
}

fn validate_name(name: String) -> Result<String, ParamError> {
    if name.chars().count() > MAX_NAME_CHARS { Err(too_long("name", MAX_NAME_CHARS)) } else { Ok(name) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = 1_700_000_000;

    fn percent(p: f64) -> CouponCreate {
        CouponCreate { percent_off: Some(p), ..Default::default() }
    }

    #[test]
    fn random_ids_are_eight_alphanumerics_and_duration_defaults_to_once() {
        let coupon = Coupon::create(percent(25.5), false, NOW).unwrap();
        assert_eq!(coupon.id.len(), 8);
        assert!(coupon.id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(coupon.duration, Duration::Once);
        assert!(coupon.valid);
        let json = serde_json::to_value(&coupon).unwrap();
        assert_eq!(json["percent_off"], 25.5);
        assert!(json.get("applies_to").is_none());
    }

    #[test]
    fn percent_off_and_amount_off_are_exclusive_and_one_is_required() {
        let both = CouponCreate { amount_off: Some(5), currency: Some("usd".into()), ..percent(10.0) };
        assert!(Coupon::create(both, false, NOW).unwrap_err().message.starts_with("Received both"));
        let neither = Coupon::create(CouponCreate::default(), false, NOW).unwrap_err();
        assert_eq!((neither.code, neither.param), (ParamCode::ParameterMissing, None));
        let no_currency = Coupon::create(CouponCreate { amount_off: Some(500), ..Default::default() }, false, NOW);
        assert_eq!(no_currency.unwrap_err().param.as_deref(), Some("currency"));
    }

    #[test]
    fn percent_off_must_lie_between_a_hundredth_and_a_hundred() {
        let zero = Coupon::create(percent(0.0), false, NOW).unwrap_err();
        assert_eq!(zero.message, "This value must be greater than or equal to 0.01 (it currently is '0.0').");
        assert!(Coupon::create(percent(100.5), false, NOW).is_err());
        assert!(Coupon::create(percent(100.0), false, NOW).is_ok());
        assert!(Coupon::create(percent(0.01), false, NOW).is_ok());
    }

    #[test]
    fn duration_in_months_goes_with_repeating_only() {
        let repeating =
            |months| CouponCreate { duration: Some(Duration::Repeating), duration_in_months: months, ..percent(10.0) };
        assert_eq!(Coupon::create(repeating(None), false, NOW).unwrap_err().param.as_deref(), Some("duration"));
        assert_eq!(Coupon::create(repeating(Some(3)), false, NOW).unwrap().duration_in_months, Some(3));
        let forever = CouponCreate { duration: Some(Duration::Forever), duration_in_months: Some(3), ..percent(10.0) };
        assert!(Coupon::create(forever, false, NOW).is_err());
    }

    #[test]
    fn redeem_by_must_be_in_the_next_five_years() {
        let past = Coupon::create(CouponCreate { redeem_by: Some(1000), ..percent(10.0) }, false, NOW).unwrap_err();
        assert!(past.message.ends_with("You specified the value `1000` which is in the past."));
        let far = CouponCreate { redeem_by: Some(NOW + FIVE_YEARS + 1), ..percent(10.0) };
        assert!(Coupon::create(far, false, NOW).is_err());
    }

    #[test]
    fn validity_ends_after_redeem_by_or_at_max_redemptions() {
        let mut coupon = Coupon::create(
            CouponCreate { redeem_by: Some(NOW + 100), max_redemptions: Some(2), ..percent(10.0) },
            false,
            NOW,
        )
        .unwrap();
        assert!(coupon.valid_at(NOW + 100));
        assert!(!coupon.valid_at(NOW + 101));
        coupon.record_redemption(NOW);
        assert!(coupon.valid);
        coupon.record_redemption(NOW);
        assert!(!coupon.valid && !coupon.valid_at(NOW));
        assert!(!coupon.shown(NOW, false, false).valid);
    }

    #[test]
    fn currency_options_need_an_amount_off_coupon_and_lowercase_keys() {
        let options = |key: &str| Some(BTreeMap::from([(key.to_owned(), CouponCurrencyOption { amount_off: 400 })]));
        let on_percent = Coupon::create(CouponCreate { currency_options: options("eur"), ..percent(5.0) }, false, NOW);
        assert_eq!(
            on_percent.unwrap_err().message,
            "You may only specify one of these parameters: currency_options, percent_off."
        );
        let amount = |key: &str| CouponCreate {
            amount_off: Some(500),
            currency: Some("usd".into()),
            currency_options: options(key),
            ..Default::default()
        };
        assert!(Coupon::create(amount("EUR"), false, NOW).unwrap_err().message.contains("Use `eur` instead of `EUR`"));
        let coupon = Coupon::create(amount("eur"), false, NOW).unwrap();
        assert_eq!(coupon.currency_options.as_ref().unwrap()["eur"].amount_off, 400);
        assert!(coupon.shown(NOW, false, false).currency_options.is_none());
    }

    #[test]
    fn names_are_limited_to_forty_characters() {
        let err = Coupon::create(CouponCreate { name: Some("x".repeat(41)), ..percent(5.0) }, false, NOW).unwrap_err();
        assert_eq!(err.code, ParamCode::StringLengthExceeded);
    }
}
