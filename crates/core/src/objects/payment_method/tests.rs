use super::*;
use crate::cards::{CardBehaviour, CardErrorCode};

/// 2026-03-15T12:00:00Z
const NOW: Timestamp = 1_773_576_000;

fn raw_card(number: &str, exp_month: i64, exp_year: i64, cvc: Option<&str>) -> PaymentMethodCreate {
    PaymentMethodCreate {
        kind: Some("card".into()),
        card: Some(CardParams {
            number: Some(Redacted::new(number)),
            exp_month: Some(exp_month),
            exp_year: Some(exp_year),
            cvc: cvc.map(Redacted::new),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn card_error(result: Result<NewPaymentMethod, PaymentMethodError>) -> CardError {
    match result {
        Err(PaymentMethodError::Card(error)) => error,
        other => panic!("expected a card error, got {other:?}"),
    }
}

fn param_error(result: Result<NewPaymentMethod, PaymentMethodError>) -> ParamError {
    match result {
        Err(PaymentMethodError::Param(error)) => error,
        other => panic!("expected a param error, got {other:?}"),
    }
}

#[test]
fn a_raw_visa_becomes_a_card_payment_method_that_keeps_only_last4_and_a_fingerprint() {
    let new =
        PaymentMethod::create(raw_card("4242 4242 4242 4242", 8, 2030, Some("123")), "acct_1", false, NOW).unwrap();
    let pm = &new.payment_method;
    assert!(pm.id.starts_with("pm_"));
    let card = pm.card.as_ref().unwrap();
    assert_eq!((card.brand.as_str(), card.last4.as_str(), card.funding.as_str()), ("visa", "4242", "credit"));
    assert_eq!((card.exp_month, card.exp_year), (8, 2030));
    assert_eq!(card.checks.cvc_check.as_deref(), Some("unchecked"));
    assert_eq!(card.fingerprint.as_deref(), Some(cards::fingerprint("acct_1", "4242424242424242").as_str()));
    assert_eq!(new.record.facts, CardFacts { behaviour: CardBehaviour::Succeeds, cvc_supplied: true });
    assert_eq!(new.record.id, pm.id);
    let json = serde_json::to_string(&new.payment_method).unwrap() + &serde_json::to_string(&new.record).unwrap();
    assert!(!json.contains("4242424242424242"), "{json}");
    assert!(!json.contains("\"123\""), "{json}");
}

#[test]
fn the_wire_shape_has_every_fixture_field() {
    let new = PaymentMethod::create(raw_card("4242424242424242", 8, 2030, None), "acct_1", false, NOW).unwrap();
    let json = serde_json::to_value(&new.payment_method).unwrap();
    for field in [
        "allow_redisplay",
        "billing_details",
        "card",
        "created",
        "customer",
        "customer_account",
        "id",
        "livemode",
        "metadata",
        "object",
        "type",
    ] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    for field in [
        "brand",
        "checks",
        "country",
        "display_brand",
        "exp_month",
        "exp_year",
        "fingerprint",
        "funding",
        "generated_from",
        "last4",
        "networks",
        "regulated_status",
        "three_d_secure_usage",
        "wallet",
    ] {
        assert!(json["card"].get(field).is_some(), "missing card.{field}");
    }
    assert_eq!(json["type"], "card");
    assert_eq!(json["allow_redisplay"], "unspecified");
    assert_eq!(json["billing_details"]["address"]["line1"], serde_json::Value::Null);
    assert_eq!(json["card"]["networks"]["available"], serde_json::json!(["visa"]));
    assert_eq!(json["card"]["checks"]["cvc_check"], serde_json::Value::Null);
}

#[test]
fn a_number_failing_luhn_is_an_incorrect_number_card_error() {
    let error = card_error(PaymentMethod::create(raw_card("4242424242424241", 8, 2030, None), "a", false, NOW));
    assert_eq!(error.code, CardErrorCode::IncorrectNumber);
    assert_eq!(error.param.as_deref(), Some("number"));
}

#[test]
fn bad_expiry_and_cvc_are_card_errors_naming_their_field() {
    let month = card_error(PaymentMethod::create(raw_card("4242424242424242", 13, 2030, None), "a", false, NOW));
    assert_eq!((month.code, month.param.as_deref()), (CardErrorCode::InvalidExpiryMonth, Some("exp_month")));
    let year = card_error(PaymentMethod::create(raw_card("4242424242424242", 1, 2020, None), "a", false, NOW));
    assert_eq!((year.code, year.param.as_deref()), (CardErrorCode::InvalidExpiryYear, Some("exp_year")));
    let cvc = card_error(PaymentMethod::create(raw_card("4242424242424242", 1, 2030, Some("12")), "a", false, NOW));
    assert_eq!((cvc.code, cvc.param.as_deref()), (CardErrorCode::InvalidCvc, Some("cvc")));
}

#[test]
fn missing_card_details_are_parameter_errors() {
    let mut params = raw_card("4242424242424242", 1, 2030, None);
    params.card.as_mut().unwrap().exp_year = None;
    assert_eq!(param_error(PaymentMethod::create(params, "a", false, NOW)).param.as_deref(), Some("card[exp_year]"));
    let no_card = PaymentMethodCreate { kind: Some("card".into()), ..Default::default() };
    assert_eq!(param_error(PaymentMethod::create(no_card, "a", false, NOW)).param.as_deref(), Some("card"));
    let no_type = PaymentMethodCreate::default();
    assert_eq!(param_error(PaymentMethod::create(no_type, "a", false, NOW)).param.as_deref(), Some("type"));
}

#[test]
fn other_payment_method_types_are_refused_by_name() {
    let sepa = PaymentMethodCreate { kind: Some("sepa_debit".into()), ..Default::default() };
    let error = param_error(PaymentMethod::create(sepa, "a", false, NOW));
    assert!(error.message.contains("`sepa_debit` is not supported"), "{}", error.message);
    let bogus = PaymentMethodCreate { kind: Some("bogus".into()), ..Default::default() };
    assert!(param_error(PaymentMethod::create(bogus, "a", false, NOW)).message.contains("not a payment method type"));
}

#[test]
fn legacy_card_tokens_make_a_card_expiring_next_december() {
    let params = PaymentMethodCreate {
        kind: Some("card".into()),
        card: Some(CardParams { token: Some("tok_mastercard".into()), ..Default::default() }),
        ..Default::default()
    };
    let new = PaymentMethod::create(params, "a", false, NOW).unwrap();
    let card = new.payment_method.card.unwrap();
    assert_eq!(
        (card.brand.as_str(), card.last4.as_str(), card.exp_month, card.exp_year),
        ("mastercard", "4444", 12, 2027)
    );
    let unknown = PaymentMethodCreate {
        kind: Some("card".into()),
        card: Some(CardParams { token: Some("pm_card_visa".into()), ..Default::default() }),
        ..Default::default()
    };
    assert_eq!(param_error(PaymentMethod::create(unknown, "a", false, NOW)).message, "Invalid token id: pm_card_visa");
}

#[test]
fn every_use_of_a_test_token_makes_a_new_payment_method() {
    let first = PaymentMethod::from_test_token("pm_card_visa", "a", false, NOW).unwrap();
    let second = PaymentMethod::from_test_token("pm_card_visa", "a", false, NOW).unwrap();
    assert_ne!(first.payment_method.id, second.payment_method.id);
    assert_eq!(
        first.payment_method.card.as_ref().unwrap().fingerprint,
        second.payment_method.card.as_ref().unwrap().fingerprint
    );
    let declined = PaymentMethod::from_test_token("pm_card_visa_chargeDeclined", "a", false, NOW).unwrap();
    assert_eq!(declined.record.facts.behaviour, CardBehaviour::ChargeDeclined);
    assert!(PaymentMethod::from_test_token("pm_1234", "a", false, NOW).is_none());
    assert!(PaymentMethod::from_test_token("tok_visa", "a", false, NOW).is_none());
}

#[test]
fn attaching_verifies_the_cvc_and_a_second_customer_is_refused() {
    let mut new = PaymentMethod::create(raw_card("4242424242424242", 8, 2030, Some("123")), "a", false, NOW).unwrap();
    let pm = &mut new.payment_method;
    assert_eq!(pm.check_attach("cus_a", &new.record), Ok(true));
    pm.attach("cus_a", &new.record);
    assert_eq!(pm.customer.as_deref(), Some("cus_a"));
    assert_eq!(pm.card.as_ref().unwrap().checks.cvc_check.as_deref(), Some("pass"));
    assert_eq!(pm.check_attach("cus_a", &new.record), Ok(false));
    let error = pm.check_attach("cus_b", &new.record).unwrap_err();
    assert_eq!(error.message, "The payment method you provided has already been attached to a customer.");
}

#[test]
fn a_detached_card_cannot_be_used_again_and_an_unattached_one_cannot_be_detached() {
    let mut new = PaymentMethod::from_test_token("pm_card_visa", "a", false, NOW).unwrap();
    assert!(new.payment_method.detach().unwrap_err().message.contains("so detachment is impossible"));
    new.payment_method.attach("cus_a", &new.record);
    assert_eq!(new.payment_method.detach().as_deref(), Ok("cus_a"));
    new.record.detached = true;
    assert!(
        new.payment_method.check_attach("cus_a", &new.record).unwrap_err().message.contains("may not be used again")
    );
}

#[test]
fn only_a_saved_card_can_change_its_expiry() {
    let mut new = PaymentMethod::from_test_token("pm_card_visa", "a", false, NOW).unwrap();
    let update = || PaymentMethodUpdate {
        card: Some(CardUpdateParams { exp_month: Some(4), exp_year: Some(2031), networks: None }),
        ..Default::default()
    };
    let error = new.payment_method.update(update(), NOW).unwrap_err();
    assert!(
        matches!(error, PaymentMethodError::Param(ref e) if e.message.contains("save this PaymentMethod to a customer"))
    );
    new.payment_method.attach("cus_a", &new.record);
    new.payment_method.update(update(), NOW).unwrap();
    let card = new.payment_method.card.as_ref().unwrap();
    assert_eq!((card.exp_month, card.exp_year), (4, 2031));
    let past = PaymentMethodUpdate {
        card: Some(CardUpdateParams { exp_month: Some(1), exp_year: Some(2020), networks: None }),
        ..Default::default()
    };
    assert!(matches!(new.payment_method.update(past, NOW), Err(PaymentMethodError::Card(_))));
    assert_eq!(new.payment_method.card.as_ref().unwrap().exp_year, 2031, "a refused update changes nothing");
}

#[test]
fn billing_details_merge_member_by_member_and_empty_strings_clear() {
    let mut details = BillingDetails::default();
    details.apply(BillingDetailsParams {
        address: Patch::Set(AddressParams {
            line1: Patch::Set("1 Main St".into()),
            city: Patch::Set("Berlin".into()),
            ..Default::default()
        }),
        name: Patch::Set("Ann".into()),
        ..Default::default()
    });
    details.apply(BillingDetailsParams {
        address: Patch::Set(AddressParams {
            city: Patch::Clear,
            postal_code: Patch::Set("10115".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(details.address.line1.as_deref(), Some("1 Main St"));
    assert_eq!(details.address.city, None);
    assert_eq!(details.address.postal_code.as_deref(), Some("10115"));
    assert_eq!(details.name.as_deref(), Some("Ann"));
}

#[test]
fn a_billing_address_gives_the_card_address_checks_to_pass() {
    let mut params = raw_card("4242424242424242", 8, 2030, None);
    params.billing_details = Some(BillingDetailsParams {
        address: Patch::Set(AddressParams {
            line1: Patch::Set("1 Main St".into()),
            postal_code: Patch::Set("94107".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    let mut new = PaymentMethod::create(params, "a", false, NOW).unwrap();
    assert_eq!(new.payment_method.card.as_ref().unwrap().checks.address_line1_check.as_deref(), Some("unchecked"));
    new.payment_method.attach("cus_a", &new.record);
    let checks = &new.payment_method.card.as_ref().unwrap().checks;
    assert_eq!(
        (checks.address_line1_check.as_deref(), checks.address_postal_code_check.as_deref()),
        (Some("pass"), Some("pass"))
    );
}

#[test]
fn debug_output_never_shows_the_number_or_cvc() {
    let params = raw_card("4242424242424242", 8, 2030, Some("987"));
    let printed = format!("{params:?}");
    assert!(!printed.contains("4242424242424242") && !printed.contains("987"), "{printed}");
}
