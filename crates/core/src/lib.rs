//! Portico's billing domain. Pure: no I/O, no async, no clock of its own (`now` is always a parameter),
//! so the same code serves API calls, the scheduler and test clocks.

pub mod billing;
pub mod cards;
pub mod currency;
pub mod error;
pub mod ids;
pub mod metadata;
pub mod objects;
pub mod patch;
pub mod payments;
pub mod processor;
pub mod scope;
pub mod search;
pub mod tax_id;
pub mod urls;
pub mod webhooks;

pub use error::{ParamCode, ParamError};
pub use patch::Patch;
pub use scope::Scope;

/// Seconds since the Unix epoch, as Stripe timestamps are.
pub type Timestamp = i64;
