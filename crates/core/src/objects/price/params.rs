//! Parameters of `POST /v1/prices` and `POST /v1/prices/{id}`, and the inline `default_price_data` (on products)
//! and `product_data` (on prices).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{BillingScheme, Interval, TaxBehavior, TiersMode, TransformQuantity, UsageType};
use crate::error::ParamError;
use crate::metadata::Metadata;
use crate::objects::product::ProductCreate;
use crate::patch::Patch;

/// `POST /v1/prices`. `product` / `product_data` are taken out with [`PriceCreate::take_product`] and resolved
/// by the caller, which owns the store.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceCreate {
    pub active: Option<bool>,
    pub billing_scheme: Option<BillingScheme>,
    pub currency: String,
    pub currency_options: Option<BTreeMap<String, CurrencyOptionParams>>,
    pub custom_unit_amount: Option<CustomUnitAmountParams>,
    pub lookup_key: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub nickname: Option<String>,
    pub product: Option<String>,
    pub product_data: Option<ProductData>,
    pub recurring: Option<RecurringParams>,
    pub tax_behavior: Option<TaxBehavior>,
    pub tiers: Option<Vec<TierParams>>,
    pub tiers_mode: Option<TiersMode>,
    pub transfer_lookup_key: Option<bool>,
    pub transform_quantity: Option<TransformQuantity>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}

/// Where a new price's product comes from.
#[derive(Debug)]
pub enum ProductSource {
    Existing(String),
    New(Box<ProductData>),
}

impl PriceCreate {
    /// Takes `product` or `product_data` out of the parameters: exactly one of them must be given.
    pub fn take_product(&mut self) -> Result<ProductSource, ParamError> {
        match (self.product.take(), self.product_data.take()) {
            (Some(_), Some(_)) => Err(super::rules::exclusive("product", "product_data")),
            (Some(id), None) => Ok(ProductSource::Existing(id)),
            (None, Some(data)) => Ok(ProductSource::New(Box::new(data))),
            (None, None) => Err(ParamError {
                code: crate::ParamCode::ParameterMissing,
                param: None,
                message: "You must specify either `product` or `product_data` when creating a price.".into(),
            }),
        }
    }
}

/// `product_data`: a product created together with the price.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductData {
    pub active: Option<bool>,
    pub id: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub name: String,
    pub statement_descriptor: Option<String>,
    pub tax_code: Option<String>,
    pub unit_label: Option<String>,
}

impl From<ProductData> for ProductCreate {
    fn from(data: ProductData) -> Self {
        ProductCreate {
            active: data.active,
            id: data.id,
            metadata: data.metadata,
            name: data.name,
            statement_descriptor: data.statement_descriptor,
            tax_code: data.tax_code,
            unit_label: data.unit_label,
            ..ProductCreate::default()
        }
    }
}

/// A product's `default_price_data`: a price created together with the product.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceData {
    pub currency: String,
    pub currency_options: Option<BTreeMap<String, CurrencyOptionParams>>,
    pub custom_unit_amount: Option<CustomUnitAmountParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub recurring: Option<PriceDataRecurring>,
    pub tax_behavior: Option<TaxBehavior>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceDataRecurring {
    pub interval: Interval,
    pub interval_count: Option<i64>,
}

impl PriceData {
    /// The price parameters this describes; the product is the one being created.
    pub fn into_create(self) -> PriceCreate {
        PriceCreate {
            currency: self.currency,
            currency_options: self.currency_options,
            custom_unit_amount: self.custom_unit_amount,
            metadata: self.metadata,
            recurring: self.recurring.map(|r| RecurringParams {
                interval: r.interval,
                interval_count: r.interval_count,
                meter: None,
                trial_period_days: None,
                usage_type: None,
            }),
            tax_behavior: self.tax_behavior,
            unit_amount: self.unit_amount,
            unit_amount_decimal: self.unit_amount_decimal,
            ..PriceCreate::default()
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringParams {
    pub interval: Interval,
    pub interval_count: Option<i64>,
    pub meter: Option<String>,
    pub trial_period_days: Option<i64>,
    pub usage_type: Option<UsageType>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierParams {
    pub flat_amount: Option<i64>,
    pub flat_amount_decimal: Option<String>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
    pub up_to: UpTo,
}

/// A tier's `up_to`: a whole number of units, or `inf` for the last tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpTo {
    Inf,
    Count(i64),
}

impl<'de> Deserialize<'de> for UpTo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UpToVisitor;

        impl Visitor<'_> for UpToVisitor {
            type Value = UpTo;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or inf")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<UpTo, E> {
                if text == "inf" {
                    return Ok(UpTo::Inf);
                }
                text.parse().map(UpTo::Count).map_err(|_| E::custom(format!("must be an integer or inf, not {text}")))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<UpTo, E> {
                Ok(UpTo::Count(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<UpTo, E> {
                i64::try_from(value).map(UpTo::Count).map_err(|_| E::custom("is too large"))
            }
        }

        deserializer.deserialize_any(UpToVisitor)
    }
}

/// One entry of `currency_options`: the price in another currency.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyOptionParams {
    pub custom_unit_amount: Option<CustomUnitAmountParams>,
    pub tax_behavior: Option<TaxBehavior>,
    pub tiers: Option<Vec<TierParams>>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}

/// `custom_unit_amount`: the customer chooses the amount (one-time prices only).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomUnitAmountParams {
    pub enabled: bool,
    pub maximum: Option<i64>,
    pub minimum: Option<i64>,
    pub preset: Option<i64>,
}

/// `POST /v1/prices/{id}`: amounts, currency, product and interval are immutable, so they are unknown here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceUpdate {
    pub active: Option<bool>,
    #[serde(default)]
    pub currency_options: Patch<BTreeMap<String, CurrencyOptionParams>>,
    #[serde(default)]
    pub lookup_key: Patch<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    #[serde(default)]
    pub nickname: Patch<String>,
    pub tax_behavior: Option<TaxBehavior>,
    pub transfer_lookup_key: Option<bool>,
}
