//! The cancellation reason survey (`features.subscription_cancel.cancellation_reason`): the configured answers
//! with Stripe's labels in the customer's language, and a free-text comment, both optional. The answer goes to
//! `cancellation_details.feedback` and `.comment`.

use portico_core::Patch;
use portico_core::objects::billing_portal::configuration::features::CancellationOption;
use portico_core::objects::subscription::CancellationDetailsParams;

use super::Errors;
use crate::context::Visit;
use crate::form::Form;
use crate::i18n::Lang;

/// Stripe's limit on `cancellation_details[comment]`.
const MAX_COMMENT_CHARS: usize = 5000;

pub struct Survey {
    options: Vec<CancellationOption>,
}

/// One answer as a radio button.
pub struct Reason {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

impl Survey {
    /// The survey, when the configuration asks for a reason.
    pub fn of(visit: &Visit) -> Option<Survey> {
        let reason = &visit.configuration.features.subscription_cancel.cancellation_reason;
        reason.enabled.then(|| Survey { options: reason.options.clone() })
    }

    pub fn reasons(&self, lang: &Lang, chosen: Option<&str>) -> Vec<Reason> {
        self.options
            .iter()
            .map(|&option| {
                let value = code(option);
                Reason { value, label: label(lang, option), checked: chosen == Some(value) }
            })
            .collect()
    }

    /// The submitted answer as `cancellation_details`, or what is wrong with it. A reason must be one of the
    /// offered ones (anything else is a tampered form).
    pub fn answer(&self, lang: &Lang, form: &Form) -> (CancellationDetailsParams, Errors) {
        let mut errors = Errors::default();
        let feedback = match form.get("reason") {
            None => Patch::Absent,
            Some(value) if self.options.iter().any(|&option| code(option) == value) => Patch::Set(value.to_owned()),
            Some(_) => {
                errors.reason = Some(lang.t("cancel-reason-invalid"));
                Patch::Absent
            }
        };
        let comment = match form.get("comment") {
            None => Patch::Absent,
            Some(text) if text.chars().count() > MAX_COMMENT_CHARS => {
                errors.comment = Some(lang.tn("cancel-comment-too-long", "count", MAX_COMMENT_CHARS as i64));
                Patch::Absent
            }
            Some(text) => Patch::Set(text.to_owned()),
        };
        (CancellationDetailsParams { comment, feedback }, errors)
    }
}

/// Stripe's code for the answer.
fn code(option: CancellationOption) -> &'static str {
    match option {
        CancellationOption::CustomerService => "customer_service",
        CancellationOption::LowQuality => "low_quality",
        CancellationOption::MissingFeatures => "missing_features",
        CancellationOption::Other => "other",
        CancellationOption::SwitchedService => "switched_service",
        CancellationOption::TooComplex => "too_complex",
        CancellationOption::TooExpensive => "too_expensive",
        CancellationOption::Unused => "unused",
    }
}

/// The label Stripe's portal shows for the answer (spec 3.4).
fn label(lang: &Lang, option: CancellationOption) -> String {
    match option {
        CancellationOption::CustomerService => lang.t("cancel-reason-customer-service"),
        CancellationOption::LowQuality => lang.t("cancel-reason-low-quality"),
        CancellationOption::MissingFeatures => lang.t("cancel-reason-missing-features"),
        CancellationOption::Other => lang.t("cancel-reason-other"),
        CancellationOption::SwitchedService => lang.t("cancel-reason-switched-service"),
        CancellationOption::TooComplex => lang.t("cancel-reason-too-complex"),
        CancellationOption::TooExpensive => lang.t("cancel-reason-too-expensive"),
        CancellationOption::Unused => lang.t("cancel-reason-unused"),
    }
}
