//! What Portico keeps privately about a saved card, beside its payment method: never on the wire.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::objects::Object;
use crate::processor::CardFacts;

/// The processor's facts about a card (derived from its number, which is not kept) and what has happened to
/// it since. Stored under the payment method's id as a kind of its own, so the payment method's JSON stays
/// exactly Stripe's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRecord {
    /// The payment method's id.
    pub id: String,
    pub created: Timestamp,
    pub facts: CardFacts,
    /// An off-session setup of this card succeeded, so later off-session payments may skip 3-D Secure.
    pub set_up_for_off_session: bool,
    /// The card was detached from its customer; Stripe refuses to use it again.
    pub detached: bool,
}

impl CardRecord {
    pub fn new(payment_method: &str, facts: CardFacts, now: Timestamp) -> Self {
        Self { id: payment_method.to_owned(), created: now, facts, set_up_for_off_session: false, detached: false }
    }
}

impl Object for CardRecord {
    /// Not a Stripe object: the name keeps it apart from every kind Stripe has.
    const KIND: &'static str = "portico.card_record";
    const PREFIX: &'static str = "pm";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}
