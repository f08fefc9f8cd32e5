use super::*;
use crate::ParamCode;

const NOW: Timestamp = 1_700_000_000;

fn vat(percentage: f64) -> TaxRateCreate {
    TaxRateCreate { display_name: "VAT".into(), percentage, ..Default::default() }
}

#[test]
fn a_new_rate_has_every_field_of_stripes_object_with_percentage_as_its_effective_percentage() {
    let create = TaxRateCreate {
        country: Some("DE".into()),
        description: Some("VAT Germany".into()),
        jurisdiction: Some("DE".into()),
        tax_type: Some(TaxType::Vat),
        ..vat(19.0)
    };
    let rate = TaxRate::create(create, false, NOW).unwrap();
    assert!(rate.id.starts_with("txr_"));
    let json = serde_json::to_value(&rate).unwrap();
    let expected = serde_json::json!({
        "id": rate.id,
        "object": "tax_rate",
        "active": true,
        "country": "DE",
        "created": NOW,
        "description": "VAT Germany",
        "display_name": "VAT",
        "effective_percentage": 19,
        "flat_amount": null,
        "inclusive": false,
        "jurisdiction": "DE",
        "jurisdiction_level": null,
        "livemode": false,
        "metadata": {},
        "percentage": 19,
        "rate_type": "percentage",
        "state": null,
        "tax_type": "vat",
    });
    assert_eq!(json, expected);
    let stored: TaxRate = serde_json::from_value(json).unwrap();
    assert_eq!(stored, rate);
}

#[test]
fn fractional_percentages_are_written_as_decimals() {
    let rate = TaxRate::create(vat(8.875), false, NOW).unwrap();
    let json = serde_json::to_value(&rate).unwrap();
    assert_eq!(json["percentage"], serde_json::json!(8.875));
    assert!(json["percentage"].is_f64());
}

#[test]
fn percentage_lies_between_0_and_100_with_at_most_four_decimals() {
    for ok in [0.0, 0.0001, 7.25, 12.3456, 100.0] {
        assert_eq!(TaxRate::create(vat(ok), false, NOW).unwrap().percentage, ok);
    }
    let negative = TaxRate::create(vat(-1.0), false, NOW).unwrap_err();
    assert_eq!(negative.message, "This value must be greater than or equal to 0 (it currently is '-1.0').");
    assert_eq!(negative.param.as_deref(), Some("percentage"));
    let above = TaxRate::create(vat(100.5), false, NOW).unwrap_err();
    assert_eq!(above.message, "This value must be less than or equal to 100 (it currently is '100.5').");
    let precise = TaxRate::create(vat(12.34567), false, NOW).unwrap_err();
    assert_eq!(precise.message, "Invalid decimal: 12.34567; must contain at maximum 4 decimal places.");
    assert_eq!(precise.param.as_deref(), Some("percentage"));
}

#[test]
fn display_name_is_required_non_empty_and_at_most_fifty_characters() {
    let empty = TaxRate::create(TaxRateCreate { display_name: String::new(), ..vat(5.0) }, false, NOW).unwrap_err();
    assert_eq!((empty.code, empty.param.as_deref()), (ParamCode::ParameterInvalidEmpty, Some("display_name")));
    let long = TaxRateCreate { display_name: "x".repeat(51), ..vat(5.0) };
    assert_eq!(TaxRate::create(long, false, NOW).unwrap_err().code, ParamCode::StringLengthExceeded);
    assert!(TaxRate::create(TaxRateCreate { display_name: "é".repeat(50), ..vat(5.0) }, false, NOW).is_ok());
    let jurisdiction = TaxRateCreate { jurisdiction: Some("j".repeat(51)), ..vat(5.0) };
    assert_eq!(TaxRate::create(jurisdiction, false, NOW).unwrap_err().param.as_deref(), Some("jurisdiction"));
}

#[test]
fn update_changes_labels_and_activity_and_clears_nullable_fields() {
    let create = TaxRateCreate { description: Some("old".into()), state: Some("NY".into()), ..vat(8.875) };
    let mut rate = TaxRate::create(create, false, NOW).unwrap();
    let update = TaxRateUpdate {
        active: Some(false),
        display_name: Patch::Set("Sales tax".into()),
        description: Patch::Clear,
        state: Patch::Set("CA".into()),
        tax_type: Patch::Set(TaxType::SalesTax),
        ..Default::default()
    };
    rate.update(update).unwrap();
    assert!(!rate.active);
    assert_eq!(rate.display_name, "Sales tax");
    assert_eq!((rate.description, rate.state.as_deref()), (None, Some("CA")));
    assert_eq!((rate.tax_type, rate.percentage), (Some(TaxType::SalesTax), 8.875));
}

#[test]
fn a_refused_update_changes_nothing() {
    let mut rate = TaxRate::create(vat(5.0), false, NOW).unwrap();
    let before = rate.clone();
    let update = TaxRateUpdate { active: Some(false), display_name: Patch::Clear, ..Default::default() };
    assert_eq!(rate.update(update).unwrap_err().code, ParamCode::ParameterInvalidEmpty);
    let update = TaxRateUpdate { active: Some(false), jurisdiction: Patch::Set("j".repeat(51)), ..Default::default() };
    assert!(rate.update(update).is_err());
    assert_eq!(rate, before);
}

#[test]
fn an_archived_rate_is_refused_where_it_would_be_applied_anew() {
    let mut rate = TaxRate::create(TaxRateCreate { active: Some(false), ..vat(5.0) }, false, NOW).unwrap();
    let error = rate.usable("default_tax_rates[1]").unwrap_err();
    assert_eq!((error.code, error.param.as_deref()), (ParamCode::InvalidRequest, Some("default_tax_rates[1]")));
    assert_eq!(
        error.message,
        format!("Tax rate {} is inactive. Inactive tax rates cannot be applied to new objects.", rate.id)
    );
    rate.update(TaxRateUpdate { active: Some(true), ..Default::default() }).unwrap();
    assert!(rate.usable("tax_rates[0]").is_ok());
}
