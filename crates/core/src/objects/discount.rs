//! Discounts (`di_`): a coupon or promotion code redeemed onto a subscription, an invoice or an invoice item.
//! https://docs.stripe.com/api/discounts/object
//!
//! Since 2025-09-30 the coupon sits under `source: {type: "coupon", coupon}`. A discount keeps a hidden copy of its
//! coupon's terms ([`CouponTerms`]), so it goes on applying after the coupon is deleted, as Stripe's do, and
//! applying it needs no second read. What a discount takes off an invoice is in [`crate::billing::discounts`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Object;
use super::coupon::{Coupon, Duration};
use crate::Timestamp;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discount {
    pub id: String,
    pub object: String,
    pub checkout_session: Option<String>,
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    /// When a `repeating` discount stops applying; `None` for `once` and `forever`.
    pub end: Option<Timestamp>,
    pub invoice: Option<String>,
    pub invoice_item: Option<String>,
    pub promotion_code: Option<String>,
    pub source: Source,
    pub start: Timestamp,
    pub subscription: Option<String>,
    pub subscription_item: Option<String>,
    /// Portico's bookkeeping, stored but never shown (see [`super::HIDDEN`]).
    #[serde(rename = "portico", default)]
    pub engine: DiscountEngine,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub coupon: Option<String>,
    #[serde(rename = "type")]
    pub kind: SourceType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    Coupon,
}

/// What the engine remembers about a discount beyond Stripe's fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiscountEngine {
    pub terms: CouponTerms,
    /// The test clock of the discount's customer, so the discount goes with the clock's other objects.
    pub test_clock: Option<String>,
}

/// The part of a coupon that decides what a discount takes off, as it was when the discount was made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CouponTerms {
    pub percent_off: Option<f64>,
    pub amount_off: Option<i64>,
    pub currency: Option<String>,
    /// `amount_off` in other currencies.
    #[serde(default)]
    pub currency_options: BTreeMap<String, i64>,
    pub duration: Duration,
    pub duration_in_months: Option<i64>,
    /// Products the discount is limited to (`applies_to.products`); `None` applies to every product.
    pub products: Option<Vec<String>>,
}

impl CouponTerms {
    pub fn of(coupon: &Coupon) -> Self {
        Self {
            percent_off: coupon.percent_off,
            amount_off: coupon.amount_off,
            currency: coupon.currency.clone(),
            currency_options: coupon
                .currency_options
                .iter()
                .flatten()
                .map(|(currency, option)| (currency.clone(), option.amount_off))
                .collect(),
            duration: coupon.duration,
            duration_in_months: coupon.duration_in_months,
            products: coupon.applies_to.as_ref().map(|a| a.products.clone()),
        }
    }

    /// The amount taken off in `currency`, for an `amount_off` coupon: its own amount in its own currency, else
    /// its `currency_options` entry. `None` when the coupon has no amount in that currency (or is a percentage).
    pub fn amount_off_in(&self, currency: &str) -> Option<i64> {
        let amount = self.amount_off?;
        if self.currency.as_deref() == Some(currency) {
            return Some(amount);
        }
        self.currency_options.get(currency).copied()
    }
}

impl Object for Discount {
    const KIND: &'static str = "discount";
    const PREFIX: &'static str = "di";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.start
    }
    fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
    fn test_clock(&self) -> Option<&str> {
        self.engine.test_clock.as_deref()
    }
}

impl Discount {
    /// The coupon the discount was made from.
    pub fn coupon(&self) -> Option<&str> {
        self.source.coupon.as_deref()
    }

    /// The answer to removing the discount: Stripe's `deleted_discount`, the discount's fields without `end`, with
    /// `deleted: true`.
    pub fn deleted(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(map) = value.as_object_mut() {
            map.remove("end");
            map.remove(super::HIDDEN);
            map.insert("deleted".into(), Value::Bool(true));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::coupon::{CouponCreate, CouponCurrencyOption};

    fn discount(terms: CouponTerms) -> Discount {
        Discount {
            id: "di_1".into(),
            object: "discount".into(),
            checkout_session: None,
            customer: Some("cus_1".into()),
            customer_account: None,
            end: None,
            invoice: None,
            invoice_item: None,
            promotion_code: None,
            source: Source { coupon: Some("C".into()), kind: SourceType::Coupon },
            start: 1,
            subscription: Some("sub_1".into()),
            subscription_item: None,
            engine: DiscountEngine { terms, test_clock: None },
        }
    }

    #[test]
    fn the_wire_shape_nests_the_coupon_under_source_and_hides_the_terms() {
        let json = serde_json::to_value(discount(CouponTerms::default())).unwrap();
        assert_eq!(json["source"], serde_json::json!({"coupon": "C", "type": "coupon"}));
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "checkout_session",
                "customer",
                "customer_account",
                "end",
                "id",
                "invoice",
                "invoice_item",
                "object",
                "portico",
                "promotion_code",
                "source",
                "start",
                "subscription",
                "subscription_item"
            ]
        );
        let deleted = discount(CouponTerms::default()).deleted();
        assert_eq!(deleted["deleted"], true);
        assert!(deleted.get("end").is_none() && deleted.get("portico").is_none());
    }

    #[test]
    fn amount_off_is_found_in_the_coupon_currency_or_its_currency_options() {
        let mut params = CouponCreate { amount_off: Some(500), currency: Some("usd".into()), ..Default::default() };
        params.currency_options = Some(BTreeMap::from([("eur".into(), CouponCurrencyOption { amount_off: 450 })]));
        let terms = CouponTerms::of(&Coupon::create(params, false, 0).unwrap());
        assert_eq!(terms.amount_off_in("usd"), Some(500));
        assert_eq!(terms.amount_off_in("eur"), Some(450));
        assert_eq!(terms.amount_off_in("gbp"), None);
    }
}
