//! Stripe's billing behaviour as pure functions of state and `now`: periods, proration, invoice building and
//! the subscription state machine. API calls, the wall-clock scheduler and test clocks all run this code.

pub mod change;
pub mod discounts;
pub mod invoicing;
pub mod lifecycle;
pub mod money;
pub mod period;
pub mod pricing;
pub mod proration;
pub mod schedule;
