//! The customer's tax ids on the billing page: listed with a remove button each, and added through the API's
//! own validation (`tax_ids::create_for`), so the portal accepts and refuses exactly what `/v1` does.

use portico_api::error::ApiError;
use portico_core::objects::tax_id::TaxId;
use portico_core::tax_id::TYPES;

use super::fields::{Errors, FORM};
use super::regions::{ChoiceCache, Choices, Names};
use crate::form::Form;
use crate::i18n::Lang;
use crate::views::Badge;

pub const TYPE: &str = "tax_id_type";
pub const VALUE: &str = "tax_id_value";

pub struct Row {
    pub id: String,
    pub label: String,
    pub value: String,
    pub status: Option<Badge>,
    /// The remove button's accessible name, which says which tax id it removes.
    pub remove_label: String,
}

/// The "add a tax id" form: what was typed and what was wrong with it.
#[derive(Default)]
pub struct Draft {
    pub kind: String,
    pub value: String,
    pub kind_error: Option<String>,
    pub value_error: Option<String>,
}

impl Draft {
    pub fn typed(form: &Form) -> Draft {
        Draft { kind: form.typed(TYPE).to_owned(), value: form.typed(VALUE).to_owned(), ..Draft::default() }
    }

    /// Whether type `code` is the one chosen.
    pub fn chose(&self, code: &str) -> bool {
        self.kind == code
    }

    pub fn with(mut self, mut errors: Errors) -> Draft {
        self.kind_error = errors.remove(TYPE);
        self.value_error = errors.remove(VALUE);
        self
    }
}

pub fn row(lang: &Lang, tax_id: &TaxId) -> Row {
    let label = type_label(&Names::new(lang.tag()), &tax_id.kind);
    let status = tax_id.verification.as_ref().and_then(|v| match v.status.as_str() {
        "verified" => Some(Badge { label: lang.t("billing-tax-id-verified"), class: "ok" }),
        "unverified" => Some(Badge { label: lang.t("billing-tax-id-unverified"), class: "danger" }),
        "pending" => Some(Badge { label: lang.t("billing-tax-id-pending"), class: "warn" }),
        _ => None,
    });
    let remove_label = lang.t1("billing-tax-id-remove-named", "value", &tax_id.value);
    Row { id: tax_id.id.clone(), label, value: tax_id.value.clone(), status, remove_label }
}

/// "Germany — DE STN": the country the type belongs to, in the visitor's language, and the type's code.
fn type_label(names: &Names, kind: &str) -> String {
    let country = kind.split('_').next().unwrap_or(kind);
    format!("{} — {}", names.of(country), kind.replace('_', " ").to_uppercase())
}

/// `(type, label)` of every tax id type, sorted by label in the language of `tag`.
pub fn types(tag: &str) -> Choices {
    static CACHE: ChoiceCache = ChoiceCache::new();
    CACHE.get(tag, |names| TYPES.iter().map(|kind| (*kind, type_label(names, kind))).collect())
}

/// What the add form lacks before the API is asked: both inputs are required.
pub fn missing(lang: &Lang, form: &Form) -> Errors {
    let mut errors = Errors::new();
    if form.get(TYPE).is_none() {
        errors.insert(TYPE, lang.t("billing-error-tax-id-type"));
    }
    if form.get(VALUE).is_none() {
        errors.insert(VALUE, lang.t("billing-error-tax-id-required"));
    }
    errors
}

/// The API's refusal of a new tax id, localized, next to the input it is about.
pub fn api_error(lang: &Lang, kind: &str, error: &ApiError) -> Errors {
    match (error.param.as_deref(), error.code) {
        (Some("type"), _) => Errors::from([(TYPE, lang.t("billing-error-tax-id-type"))]),
        (Some("value"), Some("tax_id_invalid")) => {
            let label = type_label(&Names::new(lang.tag()), kind);
            Errors::from([(VALUE, lang.t1("billing-error-tax-id-invalid", "type", &label))])
        }
        (Some("value"), _) => Errors::from([(VALUE, lang.t("billing-error-tax-id-required"))]),
        _ => Errors::from([(FORM, error.message.clone())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_labelled_with_their_country_and_sorted() {
        let en = types("en");
        assert_eq!(en.len(), TYPES.len());
        assert!(en.contains(&("de_stn", "Germany — DE STN".to_owned())));
        assert!(en.contains(&("eu_vat", "European Union — EU VAT".to_owned())));
        assert!(en.windows(2).all(|pair| pair[0].1 <= pair[1].1));
    }
}
