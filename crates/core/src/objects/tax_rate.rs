//! Tax rates (`txr_`): https://docs.stripe.com/api/tax_rates/object
//!
//! Manually defined rates only (no Stripe Tax): `rate_type` is always `percentage`, `flat_amount` and
//! `jurisdiction_level` are null. A rate's `percentage` and `inclusive` never change once created, so invoices
//! that used a rate stay explainable; [`amounts`] holds the arithmetic that applies rates to a line.

use serde::{Deserialize, Serialize, Serializer};

use super::Object;
use super::price::rules::{at_least, at_most};
use super::product::too_long;
use crate::currency::empty_value;
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

pub mod amounts;

pub use amounts::{LineTax, TaxBehavior, TaxRateDetails, exclusive_total, line_taxes};

const MAX_DISPLAY_NAME_CHARS: usize = 50;
const MAX_JURISDICTION_CHARS: usize = 50;
/// Stripe takes percentages with at most four decimal places.
const MAX_PERCENTAGE_DECIMALS: usize = 4;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxRate {
    pub id: String,
    pub object: String,
    pub active: bool,
    pub country: Option<String>,
    pub created: Timestamp,
    pub description: Option<String>,
    pub display_name: String,
    #[serde(serialize_with = "optional_percentage")]
    pub effective_percentage: Option<f64>,
    pub flat_amount: Option<FlatAmount>,
    pub inclusive: bool,
    pub jurisdiction: Option<String>,
    pub jurisdiction_level: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    #[serde(serialize_with = "percentage")]
    pub percentage: f64,
    pub rate_type: Option<RateType>,
    pub state: Option<String>,
    pub tax_type: Option<TaxType>,
}

/// The amount of a flat-amount rate (Stripe Tax only; always null here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlatAmount {
    pub amount: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateType {
    FlatAmount,
    Percentage,
}

/// The high-level tax types Stripe accepts for `tax_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxType {
    AmusementTax,
    CommunicationsTax,
    DigitalExciseTax,
    Gst,
    Hst,
    Igst,
    Jct,
    LeaseTax,
    MassTransitParkingTax,
    ParkingTax,
    Pst,
    Qst,
    RetailDeliveryFee,
    Rst,
    SalesTax,
    ServiceTax,
    UtilityUsersTax,
    Vat,
}

/// `POST /v1/tax_rates`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxRateCreate {
    pub display_name: String,
    pub inclusive: bool,
    pub percentage: f64,
    pub active: Option<bool>,
    pub country: Option<String>,
    pub description: Option<String>,
    pub jurisdiction: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub state: Option<String>,
    pub tax_type: Option<TaxType>,
}

/// `POST /v1/tax_rates/{id}`: `percentage` and `inclusive` are immutable, so they are unknown parameters here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxRateUpdate {
    pub active: Option<bool>,
    #[serde(default)]
    pub country: Patch<String>,
    #[serde(default)]
    pub description: Patch<String>,
    #[serde(default)]
    pub display_name: Patch<String>,
    #[serde(default)]
    pub jurisdiction: Patch<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    #[serde(default)]
    pub state: Patch<String>,
    #[serde(default)]
    pub tax_type: Patch<TaxType>,
}

impl Object for TaxRate {
    const KIND: &'static str = "tax_rate";
    const PREFIX: &'static str = "txr";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

impl TaxRate {
    /// A new, active (unless told otherwise) percentage rate.
    pub fn create(params: TaxRateCreate, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let display_name = validate_display_name(params.display_name)?;
        let percentage = validate_percentage(params.percentage)?;
        let jurisdiction = params.jurisdiction.map(validate_jurisdiction).transpose()?;
        let mut rate = TaxRate {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            active: params.active.unwrap_or(true),
            country: params.country.filter(|c| !c.is_empty()),
            created: now,
            description: params.description.filter(|d| !d.is_empty()),
            display_name,
            effective_percentage: Some(percentage),
            flat_amount: None,
            inclusive: params.inclusive,
            jurisdiction,
            jurisdiction_level: None,
            livemode,
            metadata: Metadata::new(),
            percentage,
            rate_type: Some(RateType::Percentage),
            state: params.state.filter(|s| !s.is_empty()),
            tax_type: params.tax_type,
        };
        metadata::apply(&mut rate.metadata, params.metadata)?;
        Ok(rate)
    }

    /// Applies an update in place, all or nothing.
    pub fn update(&mut self, params: TaxRateUpdate) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(active) = params.active {
            next.active = active;
        }
        match params.display_name {
            Patch::Set(name) => next.display_name = validate_display_name(name)?,
            Patch::Clear => return Err(empty_value("display_name")),
            Patch::Absent => {}
        }
        match params.jurisdiction {
            Patch::Set(jurisdiction) => next.jurisdiction = Some(validate_jurisdiction(jurisdiction)?),
            other => other.apply_to(&mut next.jurisdiction),
        }
        params.country.apply_to(&mut next.country);
        params.description.apply_to(&mut next.description);
        params.state.apply_to(&mut next.state);
        params.tax_type.apply_to(&mut next.tax_type);
        metadata::apply(&mut next.metadata, params.metadata)?;
        *self = next;
        Ok(())
    }

    /// Checks that the rate may be applied anew where `param` names it: archived rates keep working where
    /// they are already set, but are refused for new subscriptions, invoices and lines.
    pub fn usable(&self, param: &str) -> Result<(), ParamError> {
        if self.active {
            Ok(())
        } else {
            Err(ParamError::invalid(
                param,
                format!("Tax rate {} is inactive. Inactive tax rates cannot be applied to new objects.", self.id),
            ))
        }
    }
}

fn validate_display_name(name: String) -> Result<String, ParamError> {
    if name.is_empty() {
        Err(empty_value("display_name"))
    } else if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        Err(too_long("display_name", MAX_DISPLAY_NAME_CHARS))
    } else {
        Ok(name)
    }
}

fn validate_jurisdiction(jurisdiction: String) -> Result<String, ParamError> {
    if jurisdiction.chars().count() > MAX_JURISDICTION_CHARS {
        Err(too_long("jurisdiction", MAX_JURISDICTION_CHARS))
    } else {
        Ok(jurisdiction)
    }
}

/// Between 0 and 100 inclusive, with at most four decimal places.
fn validate_percentage(percentage: f64) -> Result<f64, ParamError> {
    if percentage < 0.0 {
        return Err(at_least("percentage", 0, format_args!("{percentage:?}")));
    }
    if percentage > 100.0 {
        return Err(at_most("percentage", 100, format_args!("{percentage:?}")));
    }
    // `Display` prints the shortest text that reads back as the same f64, never in exponent form: its
    // decimals are the decimals the caller sent.
    let text = percentage.to_string();
    let decimals = text.split_once('.').map_or(0, |(_, fraction)| fraction.len());
    if decimals > MAX_PERCENTAGE_DECIMALS {
        return Err(ParamError::invalid(
            "percentage",
            format!("Invalid decimal: {text}; must contain at maximum {MAX_PERCENTAGE_DECIMALS} decimal places."),
        ));
    }
    Ok(percentage)
}

/// Stripe writes a whole percentage as an integer (`"percentage": 19`) and any other as a decimal (`8.25`).
fn percentage<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    // Below 1e15 a whole f64 converts to i64 exactly.
    let whole = value.fract() == 0.0 && value.abs() < 1e15;
    if whole { serializer.serialize_i64(*value as i64) } else { serializer.serialize_f64(*value) }
}

fn optional_percentage<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => percentage(value, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests;
