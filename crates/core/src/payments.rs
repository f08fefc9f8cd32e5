//! Paying with a card: a PaymentIntent is confirmed with a payment method, the [`Processor`] answers, and the
//! answer becomes the intent's new status and (when the network was reached) a charge. Pure: nothing is
//! stored here; the caller saves the [`Attempt`] and emits its events ([`Attempt::charge_event`],
//! [`Attempt::payment_intent_event`]).
//!
//! Stripe's rules: a refused card leaves the intent `requires_payment_method` with `last_payment_error` and a
//! `failed` charge; a success makes it `succeeded` with a `succeeded`, captured charge; a card that needs
//! 3-D Secure leaves it `requires_action` with `next_action` and no charge until the customer authenticates.

use serde_json::json;

use crate::Timestamp;
use crate::cards::{CardError, ChargeOutcome};
use crate::metadata::Metadata;
use crate::objects::charge::{Charge, Verdict};
use crate::objects::payment_intent::{PaymentError, PaymentIntent, PaymentIntentStatus};
use crate::objects::payment_method::{CardRecord, PaymentMethod};
use crate::objects::setup_intent::{NextAction, RedirectToUrl};
use crate::processor::Processor;

/// A payment method together with Portico's private record of its card (the facts the processor needs and
/// whether it was set up for off-session use), as the API loads them side by side.
#[derive(Debug, Clone, Copy)]
pub struct Instrument<'a> {
    pub payment_method: &'a PaymentMethod,
    pub record: &'a CardRecord,
}

/// A new payment of `amount` minor units of `currency`.
#[derive(Debug, Clone)]
pub struct PaymentRequest<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub customer: Option<&'a str>,
    pub description: Option<String>,
    pub metadata: Metadata,
    /// `None` leaves the PaymentIntent in `requires_payment_method`.
    pub payment_method: Option<Instrument<'a>>,
    /// The customer is away (a renewal): cards set up for off-session use may skip 3-D Secure.
    pub off_session: bool,
    pub livemode: bool,
    pub now: Timestamp,
}

/// How the attempt ended, for the caller to act on (an invoice is paid, waits for the customer, or is retried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// The customer must pass 3-D Secure; [`complete_authentication`] follows.
    RequiresAction,
    /// No payment method was given, or the customer failed 3-D Secure (`last_payment_error` says so).
    RequiresPaymentMethod,
    /// The card was refused: the API answers this error with HTTP 402.
    Failed(CardError),
}

/// A PaymentIntent after one step, and the charge that step made, if any.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub payment_intent: PaymentIntent,
    pub charge: Option<Charge>,
    pub outcome: Outcome,
}

impl Attempt {
    /// The event Stripe sends for the charge: `charge.succeeded` or `charge.failed`.
    pub fn charge_event(&self) -> Option<&'static str> {
        self.charge.as_ref().map(|charge| match charge.paid {
            true => "charge.succeeded",
            false => "charge.failed",
        })
    }

    /// The event Stripe sends for the intent's new status, if the step changed it in a way that has one.
    pub fn payment_intent_event(&self) -> Option<&'static str> {
        match &self.outcome {
            Outcome::Succeeded => Some("payment_intent.succeeded"),
            Outcome::RequiresAction => Some("payment_intent.requires_action"),
            Outcome::Failed(_) => Some("payment_intent.payment_failed"),
            Outcome::RequiresPaymentMethod => {
                self.payment_intent.last_payment_error.is_some().then_some("payment_intent.payment_failed")
            }
        }
    }
}

/// How a confirmation was asked for, beyond the card. The billing engine's calls use the defaults; the API's
/// confirm passes what the request said.
#[derive(Debug, Clone, Default)]
pub struct Confirmation {
    /// The customer is away during the payment.
    pub off_session: bool,
    /// Fail with `authentication_required` instead of waiting in `requires_action`, as Stripe does for a
    /// PaymentIntent confirmed with `off_session=true`. Invoices wait for the customer instead.
    pub error_on_requires_action: bool,
    /// Where the customer returns after 3-D Secure: `next_action` becomes a `redirect_to_url`.
    pub return_url: Option<String>,
}

/// A new PaymentIntent, confirmed at once when a payment method is given (Stripe's `confirm=true`).
pub fn create_and_confirm(processor: &dyn Processor, request: PaymentRequest<'_>) -> Attempt {
    let mut intent = PaymentIntent::new(request.amount, request.currency, request.livemode, request.now);
    intent.customer = request.customer.map(str::to_owned);
    intent.description = request.description;
    intent.metadata = request.metadata;
    match request.payment_method {
        Some(card) => confirm(processor, &intent, card, request.off_session, request.now),
        None => Attempt { payment_intent: intent, charge: None, outcome: Outcome::RequiresPaymentMethod },
    }
}

/// Confirms an existing PaymentIntent again (invoice retries, a new card): a new charge, same PI id. The
/// caller has checked that the intent may be confirmed ([`PaymentIntent::confirmable`]).
pub fn confirm(
    processor: &dyn Processor,
    pi: &PaymentIntent,
    card: Instrument<'_>,
    off_session: bool,
    now: Timestamp,
) -> Attempt {
    confirm_with(processor, pi, card, &Confirmation { off_session, ..Confirmation::default() }, now)
}

/// [`confirm`] with the API's options.
pub fn confirm_with(
    processor: &dyn Processor,
    pi: &PaymentIntent,
    card: Instrument<'_>,
    options: &Confirmation,
    now: Timestamp,
) -> Attempt {
    let facts = &card.record.facts;
    // The processor has no clock: an expiry date that has passed is ours to notice.
    let verdict = if card.payment_method.is_expired(now) {
        ChargeOutcome::Failed(CardError::expired_card())
    } else {
        processor.charge(facts, pi.amount, &pi.currency, options.off_session, card.record.set_up_for_off_session)
    };
    match verdict {
        ChargeOutcome::Succeeded => settle(pi.clone(), card, Ok(()), false, now),
        ChargeOutcome::RequiresAction if options.error_on_requires_action => {
            settle(pi.clone(), card, Err(CardError::authentication_required()), false, now)
        }
        ChargeOutcome::RequiresAction => {
            let mut intent = pi.clone();
            intent.status = PaymentIntentStatus::RequiresAction;
            intent.payment_method = Some(card.payment_method.id.clone());
            intent.last_payment_error = None;
            intent.next_action = Some(next_action(intent.authenticate_path(), options.return_url.clone()));
            Attempt { payment_intent: intent, charge: None, outcome: Outcome::RequiresAction }
        }
        ChargeOutcome::Failed(error) => settle(pi.clone(), card, Err(error), false, now),
    }
}

/// After the customer passed 3-D Secure on a `requires_action` PI (the caller checked
/// [`PaymentIntent::awaiting_authentication`]): the card's issuer now accepts or declines the charge.
pub fn complete_authentication(
    processor: &dyn Processor,
    pi: &PaymentIntent,
    card: Instrument<'_>,
    now: Timestamp,
) -> Attempt {
    let verdict = if card.payment_method.is_expired(now) {
        Err(CardError::expired_card())
    } else {
        processor.complete_authentication(&card.record.facts)
    };
    settle(pi.clone(), card, verdict, true, now)
}

/// The customer failed (or abandoned) 3-D Secure: the intent waits for another payment method, and no
/// charge was made.
pub fn fail_authentication(pi: &PaymentIntent, payment_method: &PaymentMethod) -> Attempt {
    let mut intent = pi.clone();
    intent.status = PaymentIntentStatus::RequiresPaymentMethod;
    intent.payment_method = None;
    intent.next_action = None;
    intent.last_payment_error = Some(PaymentError::authentication_failed(payment_method));
    Attempt { payment_intent: intent, charge: None, outcome: Outcome::RequiresPaymentMethod }
}

/// The network's answer: a charge, and the intent succeeded or back to waiting for a payment method.
fn settle(
    mut intent: PaymentIntent,
    card: Instrument<'_>,
    verdict: Result<(), CardError>,
    authenticated: bool,
    now: Timestamp,
) -> Attempt {
    let verdict = verdict.map_err(|mut error| {
        // An issuer's refusal names its reason in `decline_code` even when it is the code itself.
        error.decline_code = error.decline_code.or_else(|| Some(error.code.as_str().to_owned()));
        error
    });
    let charge = Charge::new(
        &intent,
        card.payment_method,
        card.record.facts,
        Verdict { error: verdict.as_ref().err(), authenticated },
        now,
    );
    intent.latest_charge = Some(charge.id.clone());
    intent.next_action = None;
    let outcome = match verdict {
        Ok(()) => {
            intent.status = PaymentIntentStatus::Succeeded;
            intent.amount_received = intent.amount;
            intent.payment_method = Some(card.payment_method.id.clone());
            intent.last_payment_error = None;
            Outcome::Succeeded
        }
        Err(error) => {
            intent.status = PaymentIntentStatus::RequiresPaymentMethod;
            intent.payment_method = None;
            intent.last_payment_error = Some(PaymentError::card(&error, &charge.id, card.payment_method));
            Outcome::Failed(error)
        }
    };
    Attempt { payment_intent: intent, charge: Some(charge), outcome }
}

/// A redirect when the caller gave a `return_url`, else the action Stripe's SDKs handle. `url` is relative to
/// the server's public address; the API makes it absolute before the intent is stored.
fn next_action(url: String, return_url: Option<String>) -> NextAction {
    match return_url {
        Some(return_url) => NextAction {
            kind: "redirect_to_url".into(),
            redirect_to_url: Some(RedirectToUrl { return_url: Some(return_url), url }),
            use_stripe_sdk: None,
        },
        None => NextAction {
            kind: "use_stripe_sdk".into(),
            redirect_to_url: None,
            use_stripe_sdk: Some(json!({ "type": "three_d_secure_redirect", "stripe_js": url })),
        },
    }
}

#[cfg(test)]
mod tests;
