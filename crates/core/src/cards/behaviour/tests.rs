use super::*;
use crate::cards::test_token;

fn declined_with(outcome: ChargeOutcome) -> (String, Option<String>) {
    match outcome {
        ChargeOutcome::Failed(e) => (e.code.as_str().to_owned(), e.decline_code),
        other => panic!("expected a decline, got {other:?}"),
    }
}

#[test]
fn the_decline_table_fails_every_charge_with_stripes_codes() {
    let cases = [
        ("4000000000000002", "card_declined", Some("generic_decline")),
        ("4000000000009995", "card_declined", Some("insufficient_funds")),
        ("4000000000009987", "card_declined", Some("lost_card")),
        ("4000000000009979", "card_declined", Some("stolen_card")),
        ("4000000000000069", "expired_card", None),
        ("4000000000000119", "processing_error", None),
        ("4000000000006975", "card_declined", Some("card_velocity_exceeded")),
        ("4000000000000341", "card_declined", Some("generic_decline")),
        ("4100000000000019", "card_declined", Some("fraudulent")),
    ];
    for (number, code, decline_code) in cases {
        for off_session in [false, true] {
            let got = declined_with(behaviour(number).charge(off_session, true, true));
            assert_eq!(got, (code.to_owned(), decline_code.map(str::to_owned)), "{number}");
        }
    }
}

#[test]
fn declining_cards_fail_on_attach_except_the_customer_fail_card() {
    for number in ["4000000000000002", "4000000000009995", "4000000000000069", "4100000000000019"] {
        assert!(behaviour(number).attach(false).is_err(), "{number}");
        assert!(matches!(behaviour(number).setup(true, false), SetupOutcome::Failed(_)), "{number}");
    }
    assert_eq!(behaviour("4000000000000341").attach(true), Ok(()));
    assert_eq!(behaviour("4000000000000341").setup(true, true), SetupOutcome::Succeeded);
    assert_eq!(behaviour("4000002760003184").attach(false), Ok(()));
}

#[test]
fn the_expired_card_points_at_its_expiry_month() {
    let err = behaviour("4000000000000069").attach(false).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("exp_month"));
    assert_eq!(err.message, "Your card has expired.");
}

#[test]
fn cvc_failures_happen_only_when_a_cvc_was_supplied() {
    for number in ["4000000000000127", "4000000000000101"] {
        let card = behaviour(number);
        assert_eq!(card.charge(false, false, false), ChargeOutcome::Succeeded, "{number}");
        assert_eq!(card.attach(false), Ok(()));
        assert_eq!(card.cvc_check(false), None);
        assert_eq!(card.cvc_check(true), Some("fail"));
        let err = card.attach(true).unwrap_err();
        assert_eq!((err.code.as_str(), err.param.as_deref()), ("incorrect_cvc", Some("cvc")));
    }
    assert_eq!(behaviour("4242424242424242").cvc_check(true), Some("pass"));
}

#[test]
fn the_setup_card_needs_authentication_until_it_is_set_up_for_off_session() {
    let card = behaviour("4000002500003155");
    assert_eq!(card.setup(true, false), SetupOutcome::RequiresAction);
    assert_eq!(card.setup(false, false), SetupOutcome::RequiresAction);
    assert_eq!(card.charge(false, false, false), ChargeOutcome::RequiresAction);
    assert_eq!(card.charge(true, false, false), ChargeOutcome::RequiresAction);
    assert_eq!(card.charge(true, true, false), ChargeOutcome::Succeeded);
    assert_eq!(card.charge(false, true, false), ChargeOutcome::Succeeded);
}

#[test]
fn the_always_authenticate_card_requires_action_even_off_session_after_setup() {
    let card = behaviour("4000002760003184");
    assert_eq!(card.setup(true, false), SetupOutcome::RequiresAction);
    for (off, set_up) in [(false, false), (true, false), (true, true), (false, true)] {
        assert_eq!(card.charge(off, set_up, false), ChargeOutcome::RequiresAction);
    }
    assert_eq!(card.after_authentication(), Ok(()));
}

#[test]
fn the_already_set_up_card_succeeds_off_session_and_authenticates_on_session() {
    let card = behaviour("4000003800000446");
    assert_eq!(card.setup(true, false), SetupOutcome::Succeeded);
    assert_eq!(card.charge(true, false, false), ChargeOutcome::Succeeded);
    assert_eq!(card.charge(false, true, false), ChargeOutcome::RequiresAction);
}

#[test]
fn authenticated_payments_on_the_declining_3ds_cards_are_declined_afterwards() {
    let insufficient = behaviour("4000008260003178");
    assert_eq!(insufficient.setup(true, false), SetupOutcome::RequiresAction);
    assert_eq!(insufficient.charge(false, true, false), ChargeOutcome::RequiresAction);
    assert_eq!(insufficient.after_authentication().unwrap_err().decline_code.as_deref(), Some("insufficient_funds"));
    let off = declined_with(insufficient.charge(true, true, false));
    assert_eq!(off.1.as_deref(), Some("insufficient_funds"));

    let declined = behaviour("4000008400001629");
    assert_eq!(declined.charge(true, true, false), ChargeOutcome::RequiresAction);
    assert_eq!(declined.after_authentication().unwrap_err().code.as_str(), "card_declined");

    let required = behaviour("4000000000003220");
    assert_eq!(required.setup(false, false), SetupOutcome::RequiresAction);
    assert_eq!(required.charge(true, true, false), ChargeOutcome::RequiresAction);
    assert_eq!(required.after_authentication(), Ok(()));
}

#[test]
fn unknown_valid_numbers_behave_like_4242() {
    for number in ["4242424242424242", "5555555555554444", "4012888888881881"] {
        let card = behaviour(number);
        assert_eq!(card, CardBehaviour::Succeeds);
        assert_eq!(card.attach(true), Ok(()));
        assert_eq!(card.setup(true, true), SetupOutcome::Succeeded);
        assert_eq!(card.charge(true, false, true), ChargeOutcome::Succeeded);
    }
}

#[test]
fn dispute_and_pending_cards_succeed_and_say_what_follows() {
    let dispute = behaviour("4000000000000259");
    assert_eq!(dispute.charge(false, false, false), ChargeOutcome::Succeeded);
    assert!(dispute.creates_dispute());
    assert!(behaviour("4000000000000077").bypasses_pending());
    assert!(!behaviour("4242424242424242").creates_dispute());
}

#[test]
fn spec_tokens_map_to_their_behaviours() {
    let cases = [
        ("pm_card_visa", CardBehaviour::Succeeds),
        ("pm_card_bypassPending", CardBehaviour::BypassPending),
        ("pm_card_visa_chargeDeclined", CardBehaviour::ChargeDeclined),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", CardBehaviour::InsufficientFunds),
        ("pm_card_chargeDeclinedExpiredCard", CardBehaviour::ExpiredCard),
        ("pm_card_chargeDeclinedIncorrectCvc", CardBehaviour::IncorrectCvc),
        ("pm_card_chargeDeclinedProcessingError", CardBehaviour::ProcessingError),
        ("pm_card_chargeCustomerFail", CardBehaviour::ChargeCustomerFail),
        ("pm_card_authenticationRequiredOnSetup", CardBehaviour::AuthenticationRequiredOnSetup),
        ("pm_card_authenticationRequired", CardBehaviour::AuthenticationRequired),
        ("pm_card_authenticationRequiredSetupForOffSession", CardBehaviour::AuthenticationRequiredSetupForOffSession),
        (
            "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
            CardBehaviour::AuthenticationRequiredChargeDeclinedInsufficientFunds,
        ),
        ("pm_card_threeDSecure2Required", CardBehaviour::ThreeDSecureRequired),
        ("pm_card_threeDSecureRequiredChargeDeclined", CardBehaviour::ThreeDSecureRequiredChargeDeclined),
        ("pm_card_createDispute", CardBehaviour::CreateDispute),
        ("tok_chargeDeclinedFraudulent", CardBehaviour::RadarBlock),
        ("pm_card_radarBlock", CardBehaviour::RadarBlock),
    ];
    for (token, expected) in cases {
        assert_eq!(test_token(token).unwrap().behaviour(), expected, "{token}");
    }
    // The incorrect-CVC token fails as documented because it carries a CVC.
    let cvc = test_token("pm_card_chargeDeclinedIncorrectCvc").unwrap();
    assert!(cvc.behaviour().attach(cvc.cvc_supplied).is_err());
}

#[test]
fn stored_keys_round_trip_and_match_serde() {
    for b in CardBehaviour::ALL {
        assert_eq!(CardBehaviour::from_key(b.as_str()), Some(b));
        assert_eq!(serde_json::to_value(b).unwrap(), b.as_str());
    }
    assert_eq!(CardBehaviour::from_key("nope"), None);
}
