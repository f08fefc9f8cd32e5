//! Portico's Stripe-compatible `/v1` API. The wire format (form decoding, `expand[]`, list envelopes, error
//! objects) lives only here; handlers call the core for rules and the store for persistence.

pub mod auth;
pub mod billing;
pub mod context;
pub mod error;
pub mod expand;
pub mod extract;
pub mod form;
pub mod resources;
pub mod respond;
pub mod router;
pub mod search;
pub mod state;
pub mod webhooks;

pub use router::router;
pub use state::AppState;
