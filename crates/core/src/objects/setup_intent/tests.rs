use super::*;
use crate::cards::{CardError, SetupOutcome};
use crate::error::ParamCode;
use crate::objects::payment_method::PaymentMethod;

const NOW: Timestamp = 1_773_576_000;

fn card_only() -> SetupIntentCreate {
    SetupIntentCreate { allowed_payment_method_types: Some(vec!["card".into()]), ..Default::default() }
}

fn visa() -> PaymentMethod {
    PaymentMethod::from_test_token("pm_card_visa", "a", false, NOW).unwrap().payment_method
}

fn attempt(pm: &PaymentMethod, outcome: SetupOutcome) -> Attempt<'_> {
    Attempt {
        payment_method: pm,
        outcome,
        return_url: None,
        use_stripe_sdk: false,
        authenticate_url: "http://portico/3ds".into(),
    }
}

fn unexpected_state(error: SetupIntentError) -> String {
    match error {
        SetupIntentError::UnexpectedState(message) => message,
        other => panic!("expected an unexpected-state error, got {other:?}"),
    }
}

#[test]
fn a_new_intent_waits_for_a_payment_method_and_carries_a_client_secret() {
    let intent = SetupIntent::create(SetupIntentCreate::default(), false, NOW).unwrap();
    assert!(intent.id.starts_with("seti_"));
    assert!(intent.client_secret.starts_with(&format!("{}_secret_", intent.id)));
    assert_eq!(intent.status, SetupIntentStatus::RequiresPaymentMethod);
    assert_eq!(intent.usage, Usage::OffSession);
    assert_eq!(intent.payment_method_types, ["card"]);
    assert_eq!(
        intent.automatic_payment_methods,
        Some(AutomaticPaymentMethods { allow_redirects: Some(AllowRedirects::Always), enabled: true })
    );
    let json = serde_json::to_value(&intent).unwrap();
    assert_eq!(json["payment_method_options"]["card"]["request_three_d_secure"], "automatic");
    for field in [
        "application",
        "cancellation_reason",
        "flow_directions",
        "last_setup_error",
        "latest_attempt",
        "mandate",
        "next_action",
        "on_behalf_of",
        "payment_method_configuration_details",
        "single_use_mandate",
        "excluded_payment_method_types",
    ] {
        assert!(json[field].is_null(), "{field} should be null");
    }
}

#[test]
fn an_intent_created_with_a_payment_method_needs_confirmation() {
    let intent =
        SetupIntent::create(SetupIntentCreate { payment_method: Some("pm_1".into()), ..card_only() }, false, NOW)
            .unwrap();
    assert_eq!(intent.status, SetupIntentStatus::RequiresConfirmation);
    assert_eq!(intent.automatic_payment_methods, None);
}

#[test]
fn payment_method_types_is_refused_in_this_api_version() {
    let params = SetupIntentCreate { payment_method_types: Some(serde_json::json!(["card"])), ..Default::default() };
    assert_eq!(
        SetupIntent::create(params, false, NOW).unwrap_err(),
        SetupIntentError::PaymentMethodTypesNoLongerSupported
    );
}

#[test]
fn allowed_types_exclude_automatic_payment_methods_and_keep_only_supported_types() {
    let both = SetupIntentCreate {
        automatic_payment_methods: Some(AutomaticPaymentMethodsParams { enabled: true, allow_redirects: None }),
        ..card_only()
    };
    assert!(
        matches!(SetupIntent::create(both, false, NOW), Err(SetupIntentError::Param(e)) if e.code == ParamCode::ParametersExclusive)
    );
    let mixed = SetupIntentCreate {
        allowed_payment_method_types: Some(vec!["sepa_debit".into(), "card".into()]),
        ..Default::default()
    };
    assert_eq!(SetupIntent::create(mixed, false, NOW).unwrap().payment_method_types, ["card"]);
    let none =
        SetupIntentCreate { allowed_payment_method_types: Some(vec!["sepa_debit".into()]), ..Default::default() };
    assert!(SetupIntent::create(none, false, NOW).is_err());
}

#[test]
fn return_url_is_only_accepted_together_with_confirm() {
    let params = SetupIntentCreate { return_url: Some("https://example.com".into()), ..Default::default() };
    assert!(matches!(params.validate(), Err(SetupIntentError::Param(e)) if e.param.as_deref() == Some("return_url")));
    let params =
        SetupIntentCreate { return_url: Some("https://example.com".into()), confirm: Some(true), ..Default::default() };
    assert!(params.validate().is_ok());
}

#[test]
fn confirming_with_dashboard_payment_methods_needs_a_return_url_unless_redirects_are_never_allowed() {
    let automatic = SetupIntent::create(SetupIntentCreate::default(), false, NOW).unwrap();
    assert!(
        matches!(automatic.confirmable(Some("pm_1"), None), Err(SetupIntentError::Param(e)) if e.message.contains("you must provide a `return_url`"))
    );
    assert_eq!(automatic.confirmable(Some("pm_1"), Some("https://example.com")).unwrap(), "pm_1");
    let never = SetupIntentCreate {
        automatic_payment_methods: Some(AutomaticPaymentMethodsParams {
            enabled: true,
            allow_redirects: Some(AllowRedirects::Never),
        }),
        ..Default::default()
    };
    assert!(SetupIntent::create(never, false, NOW).unwrap().confirmable(Some("pm_1"), None).is_ok());
    assert!(SetupIntent::create(card_only(), false, NOW).unwrap().confirmable(Some("pm_1"), None).is_ok());
}

#[test]
fn a_missing_payment_method_is_reported_before_the_status() {
    let mut intent = SetupIntent::create(card_only(), false, NOW).unwrap();
    intent.cancel(None).unwrap();
    assert!(unexpected_state(intent.confirmable(None, None).unwrap_err()).contains("missing a payment method"));
    assert!(unexpected_state(intent.confirmable(Some("pm_1"), None).unwrap_err()).contains("has been canceled"));
}

#[test]
fn a_successful_confirmation_succeeds_and_clears_the_last_error() {
    let pm = visa();
    let mut intent = SetupIntent::create(card_only(), false, NOW).unwrap();
    assert!(matches!(
        intent.record_outcome(attempt(&pm, SetupOutcome::Failed(CardError::declined("generic_decline")))),
        Transition::Declined(_)
    ));
    assert!(intent.last_setup_error.is_some());
    let transition = intent.record_outcome(attempt(&pm, SetupOutcome::Succeeded));
    assert_eq!(transition, Transition::Succeeded);
    assert_eq!(transition.event_type(), "setup_intent.succeeded");
    assert_eq!(intent.status, SetupIntentStatus::Succeeded);
    assert_eq!(intent.payment_method.as_deref(), Some(pm.id.as_str()));
    assert_eq!(intent.last_setup_error, None);
    assert!(unexpected_state(intent.confirmable(None, None).unwrap_err()).contains("already succeeded"));
}

#[test]
fn a_declined_card_sends_the_intent_back_with_the_error_and_the_payment_method() {
    let pm = visa();
    let mut intent =
        SetupIntent::create(SetupIntentCreate { payment_method: Some(pm.id.clone()), ..card_only() }, false, NOW)
            .unwrap();
    let transition = intent.record_outcome(attempt(&pm, SetupOutcome::Failed(CardError::expired_card())));
    let Transition::Declined(error) = &transition else { panic!("{transition:?}") };
    assert_eq!(error.decline_code.as_deref(), Some("expired_card"), "the code stands in for a missing decline code");
    assert_eq!(transition.event_type(), "setup_intent.setup_failed");
    assert_eq!(intent.status, SetupIntentStatus::RequiresPaymentMethod);
    assert_eq!(intent.payment_method, None);
    let last = intent.last_setup_error.as_ref().unwrap();
    assert_eq!(
        (last.code.as_str(), last.kind.as_str(), last.param.as_deref()),
        ("expired_card", "card_error", Some("exp_month"))
    );
    assert_eq!(last.payment_method.as_ref().map(|p| p.id.as_str()), Some(pm.id.as_str()));
    assert_eq!(last.doc_url.as_deref(), Some("https://stripe.com/docs/error-codes/expired-card"));
}

#[test]
fn a_3ds_card_waits_for_authentication_with_a_next_action() {
    let pm = visa();
    let mut intent = SetupIntent::create(card_only(), false, NOW).unwrap();
    assert_eq!(intent.record_outcome(attempt(&pm, SetupOutcome::RequiresAction)), Transition::RequiresAction);
    assert_eq!(intent.status, SetupIntentStatus::RequiresAction);
    let action = serde_json::to_value(intent.next_action.as_ref().unwrap()).unwrap();
    assert_eq!(action["type"], "use_stripe_sdk");
    assert_eq!(action["use_stripe_sdk"]["stripe_js"], "http://portico/3ds");
    assert!(action.get("redirect_to_url").is_none());

    let mut redirected = SetupIntent::create(card_only(), false, NOW).unwrap();
    let with_return =
        Attempt { return_url: Some("https://shop.example/back".into()), ..attempt(&pm, SetupOutcome::RequiresAction) };
    redirected.record_outcome(with_return);
    let action = serde_json::to_value(redirected.next_action.as_ref().unwrap()).unwrap();
    assert_eq!(action["type"], "redirect_to_url");
    assert_eq!(
        action["redirect_to_url"],
        serde_json::json!({"return_url": "https://shop.example/back", "url": "http://portico/3ds"})
    );
}

#[test]
fn passing_authentication_succeeds_and_failing_it_asks_for_another_payment_method() {
    let pm = visa();
    let mut passed = SetupIntent::create(card_only(), false, NOW).unwrap();
    passed.record_outcome(attempt(&pm, SetupOutcome::RequiresAction));
    assert_eq!(passed.authenticate(AuthenticationOutcome::Succeed, &pm), Ok(Transition::Succeeded));
    assert_eq!((passed.status, passed.next_action.as_ref()), (SetupIntentStatus::Succeeded, None));
    assert!(
        passed.authenticate(AuthenticationOutcome::Succeed, &pm).is_err(),
        "only requires_action awaits authentication"
    );

    let mut failed = SetupIntent::create(card_only(), false, NOW).unwrap();
    failed.record_outcome(attempt(&pm, SetupOutcome::RequiresAction));
    assert_eq!(failed.authenticate(AuthenticationOutcome::Fail, &pm), Ok(Transition::AuthenticationFailed));
    assert_eq!(failed.status, SetupIntentStatus::RequiresPaymentMethod);
    let last = failed.last_setup_error.as_ref().unwrap();
    assert_eq!(
        (last.code.as_str(), last.kind.as_str()),
        ("setup_intent_authentication_failure", "invalid_request_error")
    );
}

#[test]
fn request_three_d_secure_challenge_makes_any_card_authenticate() {
    let pm = visa();
    let params = SetupIntentCreate {
        payment_method_options: Some(PaymentMethodOptionsParams {
            card: Some(CardOptionsParams {
                request_three_d_secure: Some(RequestThreeDSecure::Challenge),
                ..Default::default()
            }),
        }),
        ..card_only()
    };
    let mut intent = SetupIntent::create(params, false, NOW).unwrap();
    assert_eq!(intent.record_outcome(attempt(&pm, SetupOutcome::Succeeded)), Transition::RequiresAction);
}

#[test]
fn only_an_unfinished_intent_can_be_canceled() {
    let pm = visa();
    let mut intent = SetupIntent::create(card_only(), false, NOW).unwrap();
    intent.cancel(Some(CancellationReason::Duplicate)).unwrap();
    assert_eq!(
        (intent.status, intent.cancellation_reason),
        (SetupIntentStatus::Canceled, Some(CancellationReason::Duplicate))
    );
    assert!(unexpected_state(intent.cancel(None).unwrap_err()).contains("already canceled"));
    let mut done = SetupIntent::create(card_only(), false, NOW).unwrap();
    done.record_outcome(attempt(&pm, SetupOutcome::Succeeded));
    assert_eq!(
        unexpected_state(done.cancel(None).unwrap_err()),
        "You cannot cancel this SetupIntent because it has a status of succeeded. Only a SetupIntent with one of the following statuses may be canceled: `requires_payment_method`, `requires_confirmation`, or `requires_action`."
    );
}

#[test]
fn updating_the_payment_method_readies_the_intent_but_not_after_success() {
    let pm = visa();
    let mut intent = SetupIntent::create(card_only(), false, NOW).unwrap();
    intent
        .update(SetupIntentUpdate {
            payment_method: Some("pm_2".into()),
            description: Patch::Set("Save".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((intent.status, intent.description.as_deref()), (SetupIntentStatus::RequiresConfirmation, Some("Save")));
    intent.record_outcome(attempt(&pm, SetupOutcome::Succeeded));
    let error =
        intent.update(SetupIntentUpdate { payment_method: Some("pm_3".into()), ..Default::default() }).unwrap_err();
    assert!(unexpected_state(error).contains("already succeeded"));
    intent.update(SetupIntentUpdate { description: Patch::Clear, ..Default::default() }).unwrap();
    assert_eq!(intent.description, None);
}

#[test]
fn a_payment_method_of_another_customer_is_refused_with_stripes_two_messages() {
    assert!(check_ownership("pm_1", None, Some("cus_a")).is_ok());
    assert!(check_ownership("pm_1", Some("cus_a"), Some("cus_a")).is_ok());
    assert!(
        check_ownership("pm_1", Some("cus_a"), None).unwrap_err().message.contains("belongs to the Customer cus_a")
    );
    assert!(
        check_ownership("pm_1", Some("cus_a"), Some("cus_b"))
            .unwrap_err()
            .message
            .contains("does not belong to the Customer you supplied cus_b")
    );
}
