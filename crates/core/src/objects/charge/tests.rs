use super::*;
use crate::objects::payment_method::PaymentMethod;

const NOW: Timestamp = 1_773_576_000;

/// Every key of Stripe's example Charge (`stripe-fixtures3.json`).
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "amount", "amount_captured", "amount_refunded", "application", "application_fee", "application_fee_amount",
    "balance_transaction", "billing_details", "calculated_statement_descriptor", "captured", "created", "currency",
    "customer", "description", "disputed", "failure_balance_transaction", "failure_code", "failure_message",
    "fraud_details", "id", "livemode", "metadata", "object", "on_behalf_of", "outcome", "paid", "payment_intent",
    "payment_method", "payment_method_details", "receipt_email", "receipt_number", "receipt_url", "refunded",
    "refunds", "review", "shipping", "source", "source_transfer", "statement_descriptor",
    "statement_descriptor_suffix", "status", "transfer_data", "transfer_group",
];

#[rustfmt::skip]
const CARD_KEYS: &[&str] = &[
    "amount_authorized", "authorization_code", "brand", "checks", "country", "exp_month", "exp_year",
    "extended_authorization", "fingerprint", "funding", "incremental_authorization", "installments", "last4",
    "mandate", "multicapture", "network", "network_token", "network_transaction_id", "overcapture",
    "regulated_status", "three_d_secure", "transaction_link_id", "wallet",
];

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn charge(token: &str, error: Option<&CardError>) -> Charge {
    let new = PaymentMethod::from_test_token(token, "salt", false, NOW).unwrap();
    let mut intent = PaymentIntent::new(1500, "usd", false, NOW);
    intent.customer = Some("cus_1".into());
    intent.description = Some("Order 7".into());
    intent.metadata.insert("order".into(), "7".into());
    let verdict = Verdict { error, authenticated: false };
    Charge::new(&intent, &new.payment_method, new.record.facts, verdict, NOW)
}

#[test]
fn a_succeeded_charge_has_every_key_of_stripes_object_and_describes_the_card() {
    let charge = charge("pm_card_visa", None);
    let json = serde_json::to_value(&charge).unwrap();
    assert_eq!(keys(&json), KEYS);
    assert_eq!(keys(&json["payment_method_details"]["card"]), CARD_KEYS);
    assert!(charge.id.starts_with("ch_"));
    assert_eq!(
        (json["status"].as_str(), json["paid"].as_bool(), json["captured"].as_bool()),
        (Some("succeeded"), Some(true), Some(true))
    );
    assert_eq!(json["amount_captured"], 1500);
    assert_eq!(json["customer"], "cus_1");
    assert_eq!(json["description"], "Order 7");
    assert_eq!(json["metadata"]["order"], "7");
    assert_eq!(json["receipt_url"], Value::Null);
    assert_eq!(
        json["refunds"],
        json!({ "object": "list", "data": [], "has_more": false, "url": format!("/v1/charges/{}/refunds", charge.id) })
    );
    let card = &json["payment_method_details"]["card"];
    assert_eq!(
        (card["brand"].as_str(), card["last4"].as_str(), card["network"].as_str()),
        (Some("visa"), Some("4242"), Some("visa"))
    );
    assert_eq!((card["funding"].as_str(), card["country"].as_str()), (Some("credit"), Some("US")));
    assert_eq!(card["amount_authorized"], 1500);
    assert_eq!(card["three_d_secure"], Value::Null);
    assert_eq!(json["payment_method_details"]["type"], "card");
    let outcome = &json["outcome"];
    assert_eq!(
        (outcome["type"].as_str(), outcome["network_status"].as_str()),
        (Some("authorized"), Some("approved_by_network"))
    );
    assert_eq!(outcome["seller_message"], "Payment complete.");
    let back: Charge = serde_json::from_value(json).unwrap();
    assert_eq!(back, charge);
}

#[test]
fn a_declined_charge_is_failed_and_names_the_decline() {
    let error = CardError::declined("insufficient_funds");
    let charge = charge("pm_card_chargeDeclinedInsufficientFunds", Some(&error));
    assert_eq!(
        (charge.status, charge.paid, charge.captured, charge.amount_captured),
        (ChargeStatus::Failed, false, false, 0)
    );
    assert_eq!(charge.failure_code.as_deref(), Some("card_declined"));
    assert_eq!(charge.failure_message.as_deref(), Some("Your card has insufficient funds."));
    let outcome = charge.outcome.unwrap();
    assert_eq!((outcome.kind.as_str(), outcome.reason.as_deref()), ("issuer_declined", Some("insufficient_funds")));
    assert_eq!(outcome.network_status.as_deref(), Some("declined_by_network"));
    assert_eq!(outcome.seller_message.as_deref(), Some("The bank returned the decline code `insufficient_funds`."));
    assert_eq!(charge.payment_method_details.unwrap().card.unwrap().amount_authorized, None);
}

#[test]
fn a_radar_block_never_reaches_the_network() {
    let error = CardError::declined("fraudulent");
    let outcome = charge("pm_card_radarBlock", Some(&error)).outcome.unwrap();
    assert_eq!((outcome.kind.as_str(), outcome.network_status.as_deref()), ("blocked", Some("not_sent_to_network")));
    assert_eq!(
        (outcome.reason.as_deref(), outcome.risk_level.as_deref()),
        (Some("highest_risk_level"), Some("highest"))
    );
    let generic = charge("pm_card_chargeDeclined", Some(&CardError::declined("generic_decline"))).outcome.unwrap();
    assert_eq!(
        generic.seller_message.as_deref(),
        Some("The bank did not return any further details with this decline.")
    );
}

#[test]
fn the_cvc_check_follows_the_card_and_waiting_checks_pass() {
    let new = PaymentMethod::from_test_token("pm_card_cvcCheckFail", "salt", false, NOW).unwrap();
    let intent = PaymentIntent::new(1500, "usd", false, NOW);
    let error = CardError::incorrect_cvc();
    let verdict = Verdict { error: Some(&error), authenticated: true };
    let charge = Charge::new(&intent, &new.payment_method, new.record.facts, verdict, NOW);
    let card = charge.payment_method_details.unwrap().card.unwrap();
    assert_eq!(card.checks.unwrap().cvc_check.as_deref(), Some("fail"));
    let secure = card.three_d_secure.unwrap();
    assert_eq!((secure.result.as_deref(), secure.version.as_deref()), (Some("authenticated"), Some("2.2.0")));
}
