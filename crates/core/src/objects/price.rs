//! Prices (`price_`): https://docs.stripe.com/api/prices/object
//!
//! `tiers` and `currency_options` are "includable": Stripe keeps them but shows them only when a request asks
//! with `expand[]`. They are stored here and left out of the JSON while `None`; [`Price::shown`] decides.

mod amounts;
mod params;
pub mod rules;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use params::{
    CurrencyOptionParams, CustomUnitAmountParams, PriceCreate, PriceData, PriceDataRecurring, PriceUpdate, ProductData,
    ProductSource, RecurringParams, TierParams, UpTo,
};

use self::amounts::{AmountParams, amounts};
use super::Object;
use crate::currency::parse_currency;
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

const MAX_LOOKUP_KEY_CHARS: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Price {
    pub id: String,
    pub object: String,
    pub active: bool,
    pub billing_scheme: BillingScheme,
    pub created: Timestamp,
    pub currency: String,
    /// The price in other currencies (never the price's own, which [`Price::shown`] adds for display).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_options: Option<BTreeMap<String, CurrencyOption>>,
    pub custom_unit_amount: Option<CustomUnitAmount>,
    pub livemode: bool,
    pub lookup_key: Option<String>,
    pub metadata: Metadata,
    pub nickname: Option<String>,
    pub product: String,
    pub recurring: Option<Recurring>,
    pub tax_behavior: Option<TaxBehavior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
    pub tiers_mode: Option<TiersMode>,
    pub transform_quantity: Option<TransformQuantity>,
    #[serde(rename = "type")]
    pub kind: PriceType,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrencyOption {
    pub custom_unit_amount: Option<CustomUnitAmount>,
    pub tax_behavior: Option<TaxBehavior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}

/// On the wire Stripe drops the `enabled` flag the parameters carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomUnitAmount {
    pub maximum: Option<i64>,
    pub minimum: Option<i64>,
    pub preset: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurring {
    pub interval: Interval,
    pub interval_count: i64,
    pub meter: Option<String>,
    pub trial_period_days: Option<i64>,
    pub usage_type: UsageType,
}

/// One tier; `up_to` is null for the last (`inf`) tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub flat_amount: Option<i64>,
    pub flat_amount_decimal: Option<String>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
    pub up_to: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformQuantity {
    pub divide_by: i64,
    pub round: Round,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingScheme {
    #[default]
    PerUnit,
    Tiered,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxBehavior {
    Exclusive,
    Inclusive,
    #[default]
    Unspecified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiersMode {
    Graduated,
    Volume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceType {
    OneTime,
    Recurring,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageType {
    #[default]
    Licensed,
    Metered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    Down,
    Up,
}

impl Object for Price {
    const KIND: &'static str = "price";
    const PREFIX: &'static str = "price";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

/// `param` inside `prefix` in Stripe's bracket notation (`default_price_data[currency]`).
fn field(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_owned() } else { format!("{prefix}[{name}]") }
}

impl Price {
    /// Builds a new price of `product` (already resolved by the caller). `prefix` names the parameter the price
    /// came in (`default_price_data` on a product), or is empty for `POST /v1/prices`.
    pub fn create(
        params: PriceCreate,
        product: String,
        prefix: &str,
        livemode: bool,
        now: Timestamp,
    ) -> Result<Self, ParamError> {
        let name = |f: &str| field(prefix, f);
        let currency = parse_currency(&name("currency"), &params.currency)?;
        let recurring = params.recurring.map(|r| rules::recurring(&name("recurring"), r)).transpose()?;
        let scheme = params.billing_scheme.unwrap_or_default();
        if scheme == BillingScheme::Tiered {
            if recurring.is_none() {
                // Stripe names `interval` here, although the parameter is `recurring[interval]`.
                return Err(ParamError::invalid(
                    "interval",
                    "Prices with `type=one_time` are not supported with tiered billing.",
                ));
            }
            if params.tiers_mode.is_none() {
                return Err(ParamError::missing(&name("tiers_mode")));
            }
            if params.transform_quantity.is_some() {
                return Err(ParamError::invalid(
                    &name("transform_quantity"),
                    "`transform_quantity` cannot be combined with `billing_scheme=tiered`.",
                ));
            }
        } else if params.tiers_mode.is_some() {
            return Err(ParamError::invalid(
                &name("tiers_mode"),
                "`tiers_mode` can only be set on prices with `billing_scheme=tiered`.",
            ));
        }
        let main = amounts(
            prefix,
            scheme,
            recurring.is_some(),
            &currency,
            AmountParams {
                unit_amount: params.unit_amount,
                unit_amount_decimal: params.unit_amount_decimal,
                custom_unit_amount: params.custom_unit_amount,
                tiers: params.tiers,
            },
        )?;
        if let Some(transform) = &params.transform_quantity
            && transform.divide_by < 1
        {
            return Err(rules::at_least(&name("transform_quantity[divide_by]"), 1, transform.divide_by));
        }
        let lookup_key = params.lookup_key.map(|key| validate_lookup_key(&name("lookup_key"), key)).transpose()?;
        let mut price = Price {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            active: params.active.unwrap_or(true),
            billing_scheme: scheme,
            created: now,
            currency,
            currency_options: None,
            custom_unit_amount: main.custom_unit_amount,
            livemode,
            lookup_key,
            metadata: Metadata::new(),
            nickname: params.nickname,
            product,
            kind: if recurring.is_some() { PriceType::Recurring } else { PriceType::OneTime },
            recurring,
            tax_behavior: Some(params.tax_behavior.unwrap_or_default()),
            tiers: main.tiers,
            tiers_mode: params.tiers_mode,
            transform_quantity: params.transform_quantity,
            unit_amount: main.unit_amount,
            unit_amount_decimal: main.unit_amount_decimal,
        };
        if let Some(options) = params.currency_options {
            price.merge_currency_options(&name("currency_options"), options)?;
        }
        metadata::apply(&mut price.metadata, params.metadata)?;
        Ok(price)
    }

    /// Applies an update in place, or leaves the price untouched and explains the first bad parameter. The
    /// caller has already checked the lookup key against the account's other prices.
    pub fn update(&mut self, params: PriceUpdate) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(active) = params.active {
            next.active = active;
        }
        match params.currency_options {
            Patch::Absent => {}
            Patch::Clear => next.currency_options = None,
            Patch::Set(options) => next.merge_currency_options("currency_options", options)?,
        }
        match params.lookup_key {
            Patch::Absent => {}
            Patch::Clear => next.lookup_key = None,
            Patch::Set(key) => next.lookup_key = Some(validate_lookup_key("lookup_key", key)?),
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        params.nickname.apply_to(&mut next.nickname);
        if let Some(behavior) = params.tax_behavior {
            let current = next.tax_behavior.unwrap_or_default();
            if current != TaxBehavior::Unspecified && current != behavior {
                return Err(ParamError::invalid(
                    "tax_behavior",
                    "The tax behavior of a price cannot be changed once it is `exclusive` or `inclusive`.",
                ));
            }
            next.tax_behavior = Some(behavior);
        }
        *self = next;
        Ok(())
    }

    fn merge_currency_options(
        &mut self,
        param: &str,
        options: BTreeMap<String, CurrencyOptionParams>,
    ) -> Result<(), ParamError> {
        let mut merged = self.currency_options.clone().unwrap_or_default();
        for (key, option) in options {
            let currency = rules::currency_key(param, &key)?;
            let prefix = format!("{param}[{currency}]");
            if currency == self.currency {
                return Err(ParamError::invalid(
                    &prefix,
                    format!("`{param}` cannot include the price's own currency (`{currency}`)."),
                ));
            }
            let amounts = amounts(
                &prefix,
                self.billing_scheme,
                self.recurring.is_some(),
                &currency,
                AmountParams {
                    unit_amount: option.unit_amount,
                    unit_amount_decimal: option.unit_amount_decimal,
                    custom_unit_amount: option.custom_unit_amount,
                    tiers: option.tiers,
                },
            )?;
            merged.insert(
                currency,
                CurrencyOption {
                    custom_unit_amount: amounts.custom_unit_amount,
                    tax_behavior: Some(option.tax_behavior.unwrap_or_default()),
                    tiers: amounts.tiers,
                    unit_amount: amounts.unit_amount,
                    unit_amount_decimal: amounts.unit_amount_decimal,
                },
            );
        }
        self.currency_options = (!merged.is_empty()).then_some(merged);
        Ok(())
    }

    /// The price as a response shows it: `tiers` and `currency_options` only when asked for (`expand[]`), and
    /// then `currency_options` includes the price's own currency, as Stripe's does.
    pub fn shown(&self, tiers: bool, currency_options: bool) -> Price {
        let mut shown = self.clone();
        if !tiers {
            shown.tiers = None;
        }
        shown.currency_options = currency_options.then(|| {
            let mut all = self.currency_options.clone().unwrap_or_default();
            let own = CurrencyOption {
                custom_unit_amount: self.custom_unit_amount.clone(),
                tax_behavior: self.tax_behavior,
                tiers: if tiers { self.tiers.clone() } else { None },
                unit_amount: self.unit_amount,
                unit_amount_decimal: self.unit_amount_decimal.clone(),
            };
            all.insert(self.currency.clone(), own);
            if !tiers {
                all.values_mut().for_each(|option| option.tiers = None);
            }
            all
        });
        shown
    }
}

fn validate_lookup_key(param: &str, key: String) -> Result<String, ParamError> {
    if key.chars().count() > MAX_LOOKUP_KEY_CHARS {
        Err(super::product::too_long(param, MAX_LOOKUP_KEY_CHARS))
    } else {
        Ok(key)
    }
}

#[cfg(test)]
mod tests;
