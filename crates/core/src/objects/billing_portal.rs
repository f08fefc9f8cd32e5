//! The customer portal's API objects: configurations (`bpc_`, what the portal lets customers do) and sessions
//! (`bps_`, a short-lived link that opens the portal for one customer).
//! https://docs.stripe.com/api/customer_portal

pub mod configuration;
pub mod session;

pub use configuration::Configuration;
pub use session::Session;
