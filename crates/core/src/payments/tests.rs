use super::*;
use crate::cards::SetupOutcome;
use crate::objects::charge::ChargeStatus;
use crate::objects::payment_method::NewPaymentMethod;
use crate::processor::TestProcessor;

const NOW: Timestamp = 1_773_576_000; // 2026-03-15

fn card(token: &str) -> NewPaymentMethod {
    let mut new = PaymentMethod::from_test_token(token, "salt", false, NOW).unwrap();
    new.payment_method.customer = Some("cus_1".into());
    new
}

fn instrument(new: &NewPaymentMethod) -> Instrument<'_> {
    Instrument { payment_method: &new.payment_method, record: &new.record }
}

fn request(card: Option<Instrument<'_>>, off_session: bool) -> PaymentRequest<'_> {
    PaymentRequest {
        amount: 2000,
        currency: "eur",
        customer: Some("cus_1"),
        description: Some("Invoice 0001".into()),
        metadata: Metadata::from([("invoice".to_owned(), "in_1".to_owned())]),
        payment_method: card,
        off_session,
        livemode: false,
        now: NOW,
    }
}

fn pay(token: &str, off_session: bool) -> Attempt {
    let new = card(token);
    create_and_confirm(&TestProcessor, request(Some(instrument(&new)), off_session))
}

fn declined(attempt: &Attempt) -> (&str, Option<&str>) {
    match &attempt.outcome {
        Outcome::Failed(error) => (error.code.as_str(), error.decline_code.as_deref()),
        other => panic!("expected a decline, got {other:?}"),
    }
}

#[test]
fn a_good_card_pays_at_once_with_a_captured_charge() {
    let attempt = pay("pm_card_visa", false);
    assert_eq!(attempt.outcome, Outcome::Succeeded);
    let (pi, charge) = (&attempt.payment_intent, attempt.charge.as_ref().unwrap());
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);
    assert_eq!((pi.amount, pi.amount_received, pi.currency.as_str()), (2000, 2000, "eur"));
    assert_eq!(pi.latest_charge.as_deref(), Some(charge.id.as_str()));
    assert!(pi.payment_method.as_deref().unwrap().starts_with("pm_"));
    assert_eq!((pi.customer.as_deref(), pi.description.as_deref()), (Some("cus_1"), Some("Invoice 0001")));
    assert_eq!((charge.status, charge.paid, charge.captured), (ChargeStatus::Succeeded, true, true));
    assert_eq!((charge.amount, charge.amount_captured), (2000, 2000));
    assert_eq!(charge.payment_intent.as_deref(), Some(pi.id.as_str()));
    assert_eq!(charge.payment_method, pi.payment_method);
    assert_eq!(charge.customer.as_deref(), Some("cus_1"));
    assert_eq!(charge.metadata["invoice"], "in_1");
    assert_eq!(
        (attempt.charge_event(), attempt.payment_intent_event()),
        (Some("charge.succeeded"), Some("payment_intent.succeeded"))
    );
}

#[test]
fn without_a_payment_method_the_intent_waits_for_one() {
    let attempt = create_and_confirm(&TestProcessor, request(None, true));
    assert_eq!(attempt.outcome, Outcome::RequiresPaymentMethod);
    assert_eq!(attempt.payment_intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert!(attempt.charge.is_none());
    assert_eq!((attempt.charge_event(), attempt.payment_intent_event()), (None, None));
}

#[test]
fn a_generic_decline_fails_the_charge_and_records_last_payment_error() {
    let attempt = pay("pm_card_visa_chargeDeclined", false);
    assert_eq!(declined(&attempt), ("card_declined", Some("generic_decline")));
    let (pi, charge) = (&attempt.payment_intent, attempt.charge.as_ref().unwrap());
    assert_eq!(pi.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!((pi.payment_method.as_deref(), pi.amount_received), (None, 0));
    assert_eq!(pi.latest_charge.as_deref(), Some(charge.id.as_str()));
    let error = pi.last_payment_error.as_ref().unwrap();
    assert_eq!((error.code.as_str(), error.decline_code.as_deref()), ("card_declined", Some("generic_decline")));
    assert_eq!((error.kind.as_str(), error.message.as_str()), ("card_error", "Your card was declined."));
    assert_eq!(error.charge.as_deref(), Some(charge.id.as_str()));
    assert_eq!(error.doc_url.as_deref(), Some("https://stripe.com/docs/error-codes/card-declined"));
    assert_eq!(error.payment_method.as_ref().unwrap().id, charge.payment_method.clone().unwrap());
    assert_eq!((charge.status, charge.paid, charge.captured), (ChargeStatus::Failed, false, false));
    assert_eq!(charge.failure_code.as_deref(), Some("card_declined"));
    assert_eq!(charge.outcome.as_ref().unwrap().kind, "issuer_declined");
    assert_eq!(
        (attempt.charge_event(), attempt.payment_intent_event()),
        (Some("charge.failed"), Some("payment_intent.payment_failed"))
    );
}

#[test]
fn insufficient_funds_is_a_decline_with_its_own_message() {
    let attempt = pay("pm_card_visa_chargeDeclinedInsufficientFunds", true);
    assert_eq!(declined(&attempt), ("card_declined", Some("insufficient_funds")));
    let charge = attempt.charge.unwrap();
    assert_eq!(charge.failure_message.as_deref(), Some("Your card has insufficient funds."));
    assert_eq!(charge.outcome.unwrap().reason.as_deref(), Some("insufficient_funds"));
}

#[test]
fn errors_without_a_decline_code_carry_their_code_as_one() {
    let attempt = pay("pm_card_chargeDeclinedProcessingError", false);
    assert_eq!(declined(&attempt), ("processing_error", Some("processing_error")));
}

#[test]
fn a_radar_blocked_card_is_declined_as_fraudulent_and_blocked() {
    let attempt = pay("pm_card_radarBlock", false);
    assert_eq!(declined(&attempt), ("card_declined", Some("fraudulent")));
    assert_eq!(attempt.charge.unwrap().outcome.unwrap().kind, "blocked");
}

#[test]
fn a_3ds_card_requires_action_then_succeeds_once_authenticated() {
    let new = card("pm_card_threeDSecure2Required");
    let attempt = create_and_confirm(&TestProcessor, request(Some(instrument(&new)), false));
    assert_eq!(attempt.outcome, Outcome::RequiresAction);
    assert!(attempt.charge.is_none());
    let pi = &attempt.payment_intent;
    assert_eq!(pi.status, PaymentIntentStatus::RequiresAction);
    assert_eq!(pi.payment_method.as_deref(), Some(new.payment_method.id.as_str()));
    let action = pi.next_action.as_ref().unwrap();
    assert_eq!(action.kind, "use_stripe_sdk");
    assert_eq!(action.use_stripe_sdk.as_ref().unwrap()["stripe_js"], pi.authenticate_path());
    assert_eq!(
        (attempt.charge_event(), attempt.payment_intent_event()),
        (None, Some("payment_intent.requires_action"))
    );

    let done = complete_authentication(&TestProcessor, pi, instrument(&new), NOW + 60);
    assert_eq!(done.outcome, Outcome::Succeeded);
    assert_eq!(done.payment_intent.id, pi.id);
    assert_eq!(done.payment_intent.status, PaymentIntentStatus::Succeeded);
    assert_eq!(done.payment_intent.next_action, None);
    let charge = done.charge.unwrap();
    let secure = charge.payment_method_details.unwrap().card.unwrap().three_d_secure.unwrap();
    assert_eq!(secure.result.as_deref(), Some("authenticated"));
}

#[test]
fn with_a_return_url_the_next_action_is_a_redirect() {
    let new = card("pm_card_authenticationRequired");
    let intent = PaymentIntent::new(2000, "eur", false, NOW);
    let options = Confirmation { return_url: Some("https://shop.example/back".into()), ..Confirmation::default() };
    let attempt = confirm_with(&TestProcessor, &intent, instrument(&new), &options, NOW);
    let action = attempt.payment_intent.next_action.unwrap();
    assert_eq!(action.kind, "redirect_to_url");
    let redirect = action.redirect_to_url.unwrap();
    assert_eq!(
        (redirect.return_url.as_deref(), redirect.url),
        (Some("https://shop.example/back"), intent.authenticate_path())
    );
}

#[test]
fn a_3ds_card_that_declines_after_authentication_fails_with_a_charge() {
    let new = card("pm_card_threeDSecureRequiredChargeDeclined");
    let attempt = create_and_confirm(&TestProcessor, request(Some(instrument(&new)), false));
    assert_eq!(attempt.outcome, Outcome::RequiresAction);
    let done = complete_authentication(&TestProcessor, &attempt.payment_intent, instrument(&new), NOW);
    assert_eq!(declined(&done), ("card_declined", Some("generic_decline")));
    assert_eq!(done.payment_intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    let charge = done.charge.unwrap();
    assert_eq!(charge.status, ChargeStatus::Failed);
    assert!(charge.payment_method_details.unwrap().card.unwrap().three_d_secure.is_some());
}

#[test]
fn the_customer_fail_card_attaches_and_sets_up_but_declines_renewals() {
    let new = card("pm_card_chargeCustomerFail");
    assert_eq!(TestProcessor.attach(&new.record.facts), Ok(()));
    assert_eq!(TestProcessor.setup(&new.record.facts, true), SetupOutcome::Succeeded);
    let mut record = new.record.clone();
    record.set_up_for_off_session = true;
    let card = Instrument { payment_method: &new.payment_method, record: &record };
    let attempt = create_and_confirm(&TestProcessor, request(Some(card), true));
    assert_eq!(declined(&attempt), ("card_declined", Some("generic_decline")));
}

#[test]
fn a_card_set_up_for_off_session_pays_renewals_without_3ds() {
    let new = card("pm_card_authenticationRequiredOnSetup");
    assert_eq!(pay("pm_card_authenticationRequiredOnSetup", true).outcome, Outcome::RequiresAction);
    let mut record = new.record.clone();
    record.set_up_for_off_session = true;
    let card = Instrument { payment_method: &new.payment_method, record: &record };
    assert_eq!(create_and_confirm(&TestProcessor, request(Some(card), true)).outcome, Outcome::Succeeded);
}

#[test]
fn an_off_session_api_confirmation_fails_with_authentication_required_instead_of_waiting() {
    let new = card("pm_card_authenticationRequired");
    let intent = PaymentIntent::new(2000, "eur", false, NOW);
    let options = Confirmation { off_session: true, error_on_requires_action: true, return_url: None };
    let attempt = confirm_with(&TestProcessor, &intent, instrument(&new), &options, NOW);
    assert_eq!(declined(&attempt), ("authentication_required", Some("authentication_required")));
    assert_eq!(attempt.payment_intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(attempt.charge.unwrap().failure_code.as_deref(), Some("authentication_required"));
}

#[test]
fn an_expired_card_is_declined_as_expired() {
    let mut new = card("pm_card_visa");
    if let Some(card) = new.payment_method.card.as_mut() {
        (card.exp_month, card.exp_year) = (2, 2026);
    }
    let attempt = create_and_confirm(&TestProcessor, request(Some(instrument(&new)), true));
    assert_eq!(declined(&attempt), ("expired_card", Some("expired_card")));
    assert_eq!(attempt.charge.unwrap().failure_code.as_deref(), Some("expired_card"));
}

#[test]
fn a_retry_with_a_new_card_makes_a_new_charge_on_the_same_intent() {
    let first = pay("pm_card_chargeCustomerFail", true);
    let new = card("pm_card_mastercard");
    let retry = confirm(&TestProcessor, &first.payment_intent, instrument(&new), true, NOW + 86_400);
    assert_eq!(retry.outcome, Outcome::Succeeded);
    assert_eq!(retry.payment_intent.id, first.payment_intent.id);
    assert_ne!(retry.charge.as_ref().unwrap().id, first.charge.as_ref().unwrap().id);
    assert_eq!(retry.payment_intent.last_payment_error, None);
    assert_eq!(retry.payment_intent.latest_charge.as_deref(), Some(retry.charge.unwrap().id.as_str()));
}

#[test]
fn failing_3ds_sends_the_intent_back_without_a_charge() {
    let new = card("pm_card_threeDSecure2Required");
    let attempt = create_and_confirm(&TestProcessor, request(Some(instrument(&new)), false));
    let failed = fail_authentication(&attempt.payment_intent, &new.payment_method);
    assert_eq!(failed.outcome, Outcome::RequiresPaymentMethod);
    assert!(failed.charge.is_none());
    let error = failed.payment_intent.last_payment_error.as_ref().unwrap();
    assert_eq!(
        (error.code.as_str(), error.kind.as_str()),
        ("payment_intent_authentication_failure", "invalid_request_error")
    );
    assert_eq!(failed.payment_intent_event(), Some("payment_intent.payment_failed"));
}
