//! The amount fields of a price or of one of its currency options: per-unit (integer or decimal), custom
//! (chosen by the customer) or tiered, with the rules that tie them to the billing scheme.

use super::params::{CustomUnitAmountParams, TierParams};
use super::{BillingScheme, CustomUnitAmount, Tier, field, rules};
use crate::error::ParamError;

/// The amount fields of a price or of one of its currency options.
pub(super) struct Amounts {
    pub custom_unit_amount: Option<CustomUnitAmount>,
    pub tiers: Option<Vec<Tier>>,
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
}

/// The amount parameters as they came in.
pub(super) struct AmountParams {
    pub unit_amount: Option<i64>,
    pub unit_amount_decimal: Option<String>,
    pub custom_unit_amount: Option<CustomUnitAmountParams>,
    pub tiers: Option<Vec<TierParams>>,
}

/// Checks the amount parameters against the billing scheme and builds the amount fields.
pub(super) fn amounts(
    prefix: &str,
    scheme: BillingScheme,
    recurring: bool,
    currency: &str,
    params: AmountParams,
) -> Result<Amounts, ParamError> {
    let name = |f: &str| field(prefix, f);
    if scheme == BillingScheme::Tiered {
        if params.unit_amount.is_some() || params.unit_amount_decimal.is_some() || params.custom_unit_amount.is_some() {
            let given = if params.custom_unit_amount.is_some() { "custom_unit_amount" } else { "unit_amount" };
            return Err(ParamError::invalid(
                &name(given),
                format!(
                    "Prices with `billing_scheme=tiered` cannot have a `{given}`; set the amounts on the tiers instead."
                ),
            ));
        }
        let tiers = params.tiers.ok_or_else(|| ParamError::missing(&name("tiers")))?;
        let tiers = rules::tiers(&name("tiers"), tiers, currency)?;
        return Ok(Amounts {
            custom_unit_amount: None,
            tiers: Some(tiers),
            unit_amount: None,
            unit_amount_decimal: None,
        });
    }
    if params.tiers.is_some() {
        return Err(ParamError::invalid(
            &name("tiers"),
            "Tiers can only be set on prices with `billing_scheme=tiered`.",
        ));
    }
    if let Some(custom) = params.custom_unit_amount {
        if params.unit_amount.is_some() || params.unit_amount_decimal.is_some() {
            return Err(rules::exclusive(&name("custom_unit_amount"), &name("unit_amount")));
        }
        if recurring {
            return Err(ParamError::invalid(
                &name("custom_unit_amount"),
                "`custom_unit_amount` is only supported on one-time prices, not on recurring ones.",
            ));
        }
        return Ok(Amounts {
            custom_unit_amount: Some(custom_unit_amount(&name("custom_unit_amount"), custom, currency)?),
            tiers: None,
            unit_amount: None,
            unit_amount_decimal: None,
        });
    }
    match rules::unit_amount_pair(prefix, params.unit_amount, params.unit_amount_decimal.as_deref(), currency)? {
        Some((unit_amount, decimal)) => {
            Ok(Amounts { custom_unit_amount: None, tiers: None, unit_amount, unit_amount_decimal: Some(decimal) })
        }
        None => Err(ParamError {
            code: crate::ParamCode::ParameterMissing,
            param: (!prefix.is_empty()).then(|| prefix.to_owned()),
            message: "Prices require an `unit_amount` or `unit_amount_decimal` parameter to be set.".into(),
        }),
    }
}

fn custom_unit_amount(
    param: &str,
    custom: CustomUnitAmountParams,
    currency: &str,
) -> Result<CustomUnitAmount, ParamError> {
    if !custom.enabled {
        return Err(ParamError::invalid(&format!("{param}[enabled]"), "`custom_unit_amount[enabled]` must be `true`."));
    }
    let bound = |name: &str, value: Option<i64>| {
        value.map(|v| rules::amount(&format!("{param}[{name}]"), v, currency, 0)).transpose()
    };
    let (minimum, maximum, preset) =
        (bound("minimum", custom.minimum)?, bound("maximum", custom.maximum)?, bound("preset", custom.preset)?);
    if let (Some(min), Some(max)) = (minimum, maximum)
        && min > max
    {
        return Err(rules::at_most(&format!("{param}[minimum]"), max, min));
    }
    if let Some(preset) = preset {
        if let Some(min) = minimum.filter(|min| preset < *min) {
            return Err(rules::at_least(&format!("{param}[preset]"), min, preset));
        }
        if let Some(max) = maximum.filter(|max| preset > *max) {
            return Err(rules::at_most(&format!("{param}[preset]"), max, preset));
        }
    }
    Ok(CustomUnitAmount { maximum, minimum, preset })
}
