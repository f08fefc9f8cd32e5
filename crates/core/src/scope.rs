/// Who a request acts as: every stored row belongs to exactly one account and one mode, and every query is
/// filtered by both, so nothing crosses accounts or leaks between test and live mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    /// `acct_…` of the platform or of the connected account selected with `Stripe-Account`.
    pub account: String,
    /// Derived from the key: `sk_live_…` is live mode, everything else test mode.
    pub livemode: bool,
}
