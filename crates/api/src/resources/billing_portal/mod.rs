//! The customer portal's API: configurations (what the portal offers) and sessions (a short-lived link that
//! opens it for one customer). https://docs.stripe.com/api/customer_portal

pub mod catalog;
pub mod configurations;
pub mod default_configuration;
pub mod flows;
pub mod sessions;

/// Stripe's noun in `No such configuration: 'bpc_…'`.
pub(crate) const CONFIGURATION_NOUN: &str = "configuration";
