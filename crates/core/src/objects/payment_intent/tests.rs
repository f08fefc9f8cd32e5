use super::*;
use crate::objects::setup_intent::AllowRedirects;

const NOW: Timestamp = 1_773_576_000;

/// Every key of Stripe's example PaymentIntent (`stripe-fixtures3.json`), plus endive's
/// `allowed_payment_method_types`.
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "allowed_payment_method_types", "amount", "amount_capturable", "amount_details", "amount_received",
    "application", "application_fee_amount", "automatic_payment_methods", "canceled_at", "cancellation_reason",
    "capture_method", "client_secret", "confirmation_method", "created", "currency", "customer", "customer_account",
    "description", "excluded_payment_method_types", "id", "last_payment_error", "latest_charge", "livemode",
    "managed_payments", "metadata", "next_action", "object", "on_behalf_of", "payment_method",
    "payment_method_configuration_details", "payment_method_options", "payment_method_types", "processing",
    "receipt_email", "review", "setup_future_usage", "shipping", "source", "statement_descriptor",
    "statement_descriptor_suffix", "status", "transfer_data", "transfer_group",
];

#[test]
fn a_new_intent_has_every_key_of_stripes_object_and_waits_for_a_payment_method() {
    let intent = PaymentIntent::new(2000, "eur", false, NOW);
    let json = serde_json::to_value(&intent).unwrap();
    let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, KEYS);
    assert!(intent.id.starts_with("pi_"));
    assert!(intent.client_secret.starts_with(&format!("{}_secret_", intent.id)));
    assert_eq!(json["status"], "requires_payment_method");
    assert_eq!(json["capture_method"], "automatic");
    assert_eq!(json["confirmation_method"], "automatic");
    assert_eq!(json["amount_details"], json!({ "tip": {} }));
    assert_eq!(json["payment_method_types"], json!(["card"]));
    assert_eq!(json["payment_method_options"]["card"]["request_three_d_secure"], "automatic");
    let back: PaymentIntent = serde_json::from_value(json).unwrap();
    assert_eq!(back, intent);
}

#[test]
fn only_waiting_intents_can_be_confirmed_and_a_payment_method_is_needed() {
    let mut intent = PaymentIntent::new(2000, "eur", false, NOW);
    let missing = intent.confirmable(None, None).unwrap_err();
    assert!(matches!(missing, PaymentIntentError::UnexpectedState(m) if m.contains("missing a payment method")));
    assert_eq!(intent.confirmable(Some("pm_1"), None).unwrap(), "pm_1");
    intent.payment_method = Some("pm_2".into());
    assert_eq!(intent.confirmable(None, None).unwrap(), "pm_2");
    intent.status = PaymentIntentStatus::Succeeded;
    let done = intent.confirmable(None, None).unwrap_err();
    assert!(matches!(done, PaymentIntentError::UnexpectedState(m) if m.contains("already succeeded")));
    intent.status = PaymentIntentStatus::Canceled;
    assert!(
        matches!(intent.confirmable(None, None), Err(PaymentIntentError::UnexpectedState(m)) if m.contains("canceled"))
    );
}

#[test]
fn intents_that_allow_redirects_need_a_return_url_to_be_confirmed() {
    let mut intent = PaymentIntent::new(2000, "eur", false, NOW);
    intent.automatic_payment_methods =
        Some(AutomaticPaymentMethods { allow_redirects: Some(AllowRedirects::Always), enabled: true });
    match intent.confirmable(Some("pm_1"), None) {
        Err(PaymentIntentError::Param(error)) => assert_eq!(error.param.as_deref(), Some("return_url")),
        other => panic!("{other:?}"),
    }
    assert!(intent.confirmable(Some("pm_1"), Some("https://example.com")).is_ok());
    intent.automatic_payment_methods =
        Some(AutomaticPaymentMethods { allow_redirects: Some(AllowRedirects::Never), enabled: true });
    assert!(intent.confirmable(Some("pm_1"), None).is_ok());
}

#[test]
fn only_an_intent_in_requires_action_awaits_authentication() {
    let mut intent = PaymentIntent::new(2000, "eur", false, NOW);
    assert!(intent.awaiting_authentication().is_err());
    intent.status = PaymentIntentStatus::RequiresAction;
    assert!(intent.awaiting_authentication().is_ok());
    assert_eq!(intent.authenticate_path(), format!("/v1/test_helpers/payment_intents/{}/authenticate", intent.id));
}

#[test]
fn a_payment_method_of_another_customer_is_refused() {
    assert!(check_ownership("pm_1", None, Some("cus_1")).is_ok());
    assert!(check_ownership("pm_1", Some("cus_1"), Some("cus_1")).is_ok());
    let missing = check_ownership("pm_1", Some("cus_1"), None).unwrap_err();
    assert!(missing.message.contains("Please include the Customer"), "{}", missing.message);
    let other = check_ownership("pm_1", Some("cus_1"), Some("cus_2")).unwrap_err();
    assert_eq!(other.param.as_deref(), Some("payment_method"));
    assert!(other.message.contains("does not belong to the Customer you supplied cus_2"));
}
