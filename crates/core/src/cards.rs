//! Card-number rules and Stripe's test cards: what a number says about the card (brand, funding, country,
//! fingerprint), whether the details a customer typed are acceptable, and how each test card behaves when it
//! is attached, set up or charged. A number lives only as long as the request that carries it; what is stored
//! is the facts derived here.

mod behaviour;
mod error;
mod expiry;
mod number;
mod test_cards;

pub use behaviour::{CardBehaviour, ChargeOutcome, SetupOutcome, behaviour};
pub use error::{CardError, CardErrorCode};
pub use expiry::{is_expired, validate_cvc, validate_expiry};
pub use number::{Brand, Funding, country, fingerprint, funding, last4, luhn_valid, validate_number};
pub use test_cards::{TestCard, test_token, test_token_expiry};
