//! What a customer may do to one subscription in the portal, from the configuration's features and the
//! subscription's state (spec §3.2–3.5), and the plain-words reason when an update is not possible. The home
//! page shows exactly these actions; each action's own page checks them again before acting.

use portico_core::objects::billing_portal::configuration::Features;
use portico_core::objects::billing_portal::session::eligibility::{Blocker, update_blocker};
use portico_core::objects::subscription::{Status, Subscription};

use crate::i18n::Lang;

/// The actions offered for one subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    pub update: bool,
    pub cancel: bool,
    /// Undo a scheduled cancellation (`cancel_at_period_end` or `cancel_at`).
    pub renew: bool,
    pub pause: bool,
    pub resume: bool,
}

/// Whether the subscription is set to end: at period end, or at a set time.
pub fn cancellation_scheduled(sub: &Subscription) -> bool {
    sub.cancel_at_period_end || sub.cancel_at.is_some()
}

pub fn actions(features: &Features, sub: &Subscription) -> Actions {
    let scheduled = sub.schedule.is_some();
    let live = !matches!(sub.status, Status::Canceled | Status::IncompleteExpired);
    let offers_products = features.subscription_update.products.as_ref().is_some_and(|p| !p.is_empty());
    let paused = sub.status == Status::Paused || sub.pause_collection.is_some();
    Actions {
        update: features.subscription_update.enabled && offers_products && update_blocker(sub).is_none(),
        cancel: features.subscription_cancel.enabled && live && !scheduled && !cancellation_scheduled(sub),
        renew: live && !scheduled && cancellation_scheduled(sub),
        pause: features.subscription_pause.enabled && sub.status == Status::Active && !paused && !scheduled,
        resume: features.subscription_pause.enabled && paused && !scheduled,
    }
}

/// Why "update" is missing, told to the customer, when the merchant does allow updates.
pub fn update_limitation(lang: &Lang, features: &Features, sub: &Subscription) -> Option<String> {
    if !features.subscription_update.enabled || !matches!(sub.status, Status::Active | Status::Trialing) {
        return None;
    }
    Some(match update_blocker(sub)? {
        Blocker::Status(_) => return None,
        Blocker::SeveralItems => lang.t("limit-several-items"),
        Blocker::Metered => lang.t("limit-metered"),
        Blocker::SendInvoice => lang.t("limit-send-invoice"),
        Blocker::Schedule(_) => lang.t("limit-schedule"),
        Blocker::PendingUpdate => lang.t("limit-pending-update"),
    })
}
