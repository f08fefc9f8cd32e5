//! The boundary behind which payments happen. Test mode is [`TestProcessor`], deterministic and pure, honouring
//! Stripe's test cards; a real card network adapter can implement the same trait later.

use serde::{Deserialize, Serialize};

use crate::cards::{self, CardBehaviour, CardError, ChargeOutcome, SetupOutcome};

/// What the processor needs to know about a saved card. We never store the number, so these are the facts
/// derived from it once, when the payment method is created, and kept on the payment method instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFacts {
    /// The test card's behaviour, stored under its [`CardBehaviour::as_str`] key.
    pub behaviour: CardBehaviour,
    /// Whether a CVC came with the card details; issuers only check what they are given.
    pub cvc_supplied: bool,
}

impl CardFacts {
    /// The facts of a (validated) card number, computed while the number is still in hand.
    pub fn from_number(number: &str, cvc_supplied: bool) -> Self {
        Self { behaviour: cards::behaviour(number), cvc_supplied }
    }
}

/// Moves money, or refuses to. Synchronous so the core can call it inside one command; an adapter that talks
/// to a network does its I/O before or after, outside the core. Expiry is the caller's check
/// ([`cards::is_expired`] → [`CardError::expired_card`]): the processor has no clock.
pub trait Processor: Send + Sync {
    /// Verifies a card as it is attached to a customer.
    fn attach(&self, card: &CardFacts) -> Result<(), CardError>;

    /// Confirms a SetupIntent; `off_session_usage` is `usage=off_session` (Stripe's default).
    fn setup(&self, card: &CardFacts, off_session_usage: bool) -> SetupOutcome;

    /// Confirms a payment of `amount` minor units of `currency`. `off_session` is whether the customer is
    /// absent; `set_up_for_off_session` whether an off-session setup of this card succeeded before.
    fn charge(
        &self,
        card: &CardFacts,
        amount: i64,
        currency: &str,
        off_session: bool,
        set_up_for_off_session: bool,
    ) -> ChargeOutcome;

    /// Finishes a payment after the customer passed 3-D Secure (`RequiresAction` before). Setups always
    /// succeed once authenticated and need no call.
    fn complete_authentication(&self, card: &CardFacts) -> Result<(), CardError>;
}

/// Test mode: every outcome follows Stripe's test-card table, whatever the amount or currency.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestProcessor;

impl Processor for TestProcessor {
    fn attach(&self, card: &CardFacts) -> Result<(), CardError> {
        card.behaviour.attach(card.cvc_supplied)
    }

    fn setup(&self, card: &CardFacts, off_session_usage: bool) -> SetupOutcome {
        card.behaviour.setup(off_session_usage, card.cvc_supplied)
    }

    fn charge(
        &self,
        card: &CardFacts,
        _amount: i64,
        _currency: &str,
        off_session: bool,
        set_up_for_off_session: bool,
    ) -> ChargeOutcome {
        card.behaviour.charge(off_session, set_up_for_off_session, card.cvc_supplied)
    }

    fn complete_authentication(&self, card: &CardFacts) -> Result<(), CardError> {
        card.behaviour.after_authentication()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::test_token;

    fn facts(token: &str) -> CardFacts {
        let card = test_token(token).unwrap();
        CardFacts::from_number(card.number, card.cvc_supplied)
    }

    #[test]
    fn the_customer_fail_card_attaches_and_sets_up_but_every_renewal_is_declined() {
        let p = TestProcessor;
        let card = facts("pm_card_chargeCustomerFail");
        assert_eq!(p.attach(&card), Ok(()));
        assert_eq!(p.setup(&card, true), SetupOutcome::Succeeded);
        match p.charge(&card, 2000, "usd", true, true) {
            ChargeOutcome::Failed(e) => assert_eq!(e.decline_code.as_deref(), Some("generic_decline")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_3ds_setup_then_an_off_session_renewal_succeeds_for_the_setup_card() {
        let p = TestProcessor;
        let card = facts("pm_card_authenticationRequiredOnSetup");
        assert_eq!(p.setup(&card, true), SetupOutcome::RequiresAction);
        assert_eq!(p.charge(&card, 1000, "eur", true, true), ChargeOutcome::Succeeded);
        assert_eq!(p.charge(&card, 1000, "eur", false, false), ChargeOutcome::RequiresAction);
    }

    #[test]
    fn authentication_is_followed_by_the_cards_own_verdict() {
        let p = TestProcessor;
        assert_eq!(p.complete_authentication(&facts("pm_card_authenticationRequired")), Ok(()));
        let err = p.complete_authentication(&facts("pm_card_threeDSecureRequiredChargeDeclined")).unwrap_err();
        assert_eq!(err.code.as_str(), "card_declined");
    }

    #[test]
    fn facts_keep_no_number_and_serialize_to_the_behaviour_key() {
        let card = CardFacts::from_number("4242424242424242", true);
        let json = serde_json::to_value(card).unwrap();
        assert_eq!(json, serde_json::json!({"behaviour": "succeeds", "cvc_supplied": true}));
        assert!(!json.to_string().contains("4242"));
        assert!(TestProcessor.attach(&card).is_ok());
    }

    #[test]
    fn the_processor_is_usable_as_a_shared_trait_object() {
        let p: std::sync::Arc<dyn Processor> = std::sync::Arc::new(TestProcessor);
        assert_eq!(p.setup(&facts("pm_card_visa"), false), SetupOutcome::Succeeded);
    }
}
