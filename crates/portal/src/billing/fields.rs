//! The billing-information form: which inputs it has (exactly the configuration's `allowed_updates`), their
//! values (the customer's, or what was typed), and the update a submission makes of them, checked the way
//! Stripe checks it before anything is written.

use std::collections::BTreeMap;

use portico_api::error::ApiError;
use portico_core::objects::address::{Address, Shipping};
use portico_core::objects::billing_portal::configuration::features::CustomerField;
use portico_core::objects::customer::{Customer, CustomerUpdate};
use portico_core::{ParamError, Patch};

use super::regions;
use crate::form::Form;
use crate::i18n::Lang;

/// Where an error that belongs to no one input is shown (above the form).
pub const FORM: &str = "form";

/// Errors by input name (or [`FORM`]), localized.
pub type Errors = BTreeMap<&'static str, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Email,
    Tel,
    Country,
}

/// One input: its name (also its id), what the customer sees and how browsers may fill it in.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    pub autocomplete: &'static str,
    pub kind: Kind,
    pub max_chars: usize,
    /// Shown as "optional" next to the label.
    pub optional: bool,
}

impl Field {
    /// The `type` of the `<input>`.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Email => "email",
            Kind::Tel => "tel",
            Kind::Text | Kind::Country => "text",
        }
    }

    pub fn is_country(&self) -> bool {
        self.kind == Kind::Country
    }
}

/// A `<fieldset>` of inputs.
pub struct Group {
    pub id: &'static str,
    pub legend: String,
    pub fields: Vec<Field>,
}

/// Stripe's limits on customer fields (its API reference): name 256, email 512, phone 20, others 5,000.
const NAME_MAX: usize = 256;
const EMAIL_MAX: usize = 512;
const PHONE_MAX: usize = 20;
const TEXT_MAX: usize = 5000;

struct Spec {
    name: &'static str,
    autocomplete: &'static str,
    kind: Kind,
    max_chars: usize,
    optional: bool,
}

const fn spec(name: &'static str, autocomplete: &'static str, kind: Kind, max_chars: usize, optional: bool) -> Spec {
    Spec { name, autocomplete, kind, max_chars, optional }
}

const CONTACT: [(CustomerField, Spec); 3] = [
    (CustomerField::Name, spec("name", "name", Kind::Text, NAME_MAX, false)),
    (CustomerField::Email, spec("email", "email", Kind::Email, EMAIL_MAX, false)),
    (CustomerField::Phone, spec("phone", "tel", Kind::Tel, PHONE_MAX, false)),
];

const ADDRESS: [Spec; 6] = [
    spec("address_line1", "billing address-line1", Kind::Text, TEXT_MAX, false),
    spec("address_line2", "billing address-line2", Kind::Text, TEXT_MAX, true),
    spec("address_city", "billing address-level2", Kind::Text, TEXT_MAX, true),
    spec("address_state", "billing address-level1", Kind::Text, TEXT_MAX, true),
    spec("address_postal_code", "billing postal-code", Kind::Text, TEXT_MAX, true),
    spec("address_country", "billing country", Kind::Country, 2, false),
];

const SHIPPING: [Spec; 8] = [
    spec("shipping_name", "shipping name", Kind::Text, TEXT_MAX, false),
    spec("shipping_line1", "shipping address-line1", Kind::Text, TEXT_MAX, false),
    spec("shipping_line2", "shipping address-line2", Kind::Text, TEXT_MAX, true),
    spec("shipping_city", "shipping address-level2", Kind::Text, TEXT_MAX, true),
    spec("shipping_state", "shipping address-level1", Kind::Text, TEXT_MAX, true),
    spec("shipping_postal_code", "shipping postal-code", Kind::Text, TEXT_MAX, true),
    spec("shipping_country", "shipping country", Kind::Country, 2, false),
    spec("shipping_phone", "shipping tel", Kind::Tel, TEXT_MAX, true),
];

/// The specs of the inputs `allowed` shows, by group.
fn specs(allowed: &[CustomerField]) -> Vec<(&'static str, Vec<&'static Spec>)> {
    let mut groups = Vec::new();
    let contact: Vec<&Spec> = CONTACT.iter().filter(|(f, _)| allowed.contains(f)).map(|(_, s)| s).collect();
    if !contact.is_empty() {
        groups.push(("contact", contact));
    }
    if allowed.contains(&CustomerField::Address) {
        groups.push(("address", ADDRESS.iter().collect()));
    }
    if allowed.contains(&CustomerField::Shipping) {
        groups.push(("shipping", SHIPPING.iter().collect()));
    }
    groups
}

/// Whether `allowed` lets the customer edit anything of the customer object itself (not only tax ids).
pub fn any(allowed: &[CustomerField]) -> bool {
    !specs(allowed).is_empty()
}

/// The form's groups with `value` of each input and the `errors` found.
pub fn groups(lang: &Lang, allowed: &[CustomerField], value: impl Fn(&str) -> String, errors: &Errors) -> Vec<Group> {
    specs(allowed)
        .into_iter()
        .map(|(id, specs)| Group {
            id,
            legend: legend(lang, id),
            fields: specs
                .into_iter()
                .map(|spec| Field {
                    name: spec.name,
                    label: label(lang, spec.name),
                    value: value(spec.name),
                    error: errors.get(spec.name).cloned(),
                    autocomplete: spec.autocomplete,
                    kind: spec.kind,
                    max_chars: spec.max_chars,
                    optional: spec.optional,
                })
                .collect(),
        })
        .collect()
}

fn legend(lang: &Lang, group: &str) -> String {
    match group {
        "contact" => lang.t("billing-group-contact"),
        "address" => lang.t("billing-group-address"),
        _ => lang.t("billing-group-shipping"),
    }
}

fn label(lang: &Lang, name: &str) -> String {
    match name {
        "name" => lang.t("billing-name"),
        "email" => lang.t("billing-email"),
        "phone" => lang.t("billing-phone"),
        "shipping_name" => lang.t("billing-field-recipient"),
        "shipping_phone" => lang.t("billing-field-shipping-phone"),
        _ => match name.split_once('_').map_or(name, |(_, part)| part) {
            "line1" => lang.t("billing-field-line1"),
            "line2" => lang.t("billing-field-line2"),
            "city" => lang.t("billing-field-city"),
            "state" => lang.t("billing-field-state"),
            "postal_code" => lang.t("billing-field-postal-code"),
            _ => lang.t("billing-field-country"),
        },
    }
}

/// The customer's current value of input `name`.
pub fn current(customer: &Customer, name: &str) -> String {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let part = |address: Option<&Address>, part: &str| {
        let Some(address) = address else { return String::new() };
        text(match part {
            "line1" => &address.line1,
            "line2" => &address.line2,
            "city" => &address.city,
            "state" => &address.state,
            "postal_code" => &address.postal_code,
            _ => &address.country,
        })
    };
    let shipping = customer.shipping.as_ref();
    match name {
        "name" => text(&customer.name),
        "email" => text(&customer.email),
        "phone" => text(&customer.phone),
        "shipping_name" => shipping.map(|s| s.name.clone()).unwrap_or_default(),
        "shipping_phone" => shipping.map(|s| text(&s.phone)).unwrap_or_default(),
        _ => match name.split_once('_') {
            Some(("address", rest)) => part(customer.address.as_ref(), rest),
            Some(("shipping", rest)) => part(shipping.map(|s| &s.address), rest),
            _ => String::new(),
        },
    }
}

/// The update a submitted form asks for: only the inputs `allowed` shows are read (anything else posted is
/// ignored); a blank input clears its field, a blank address or shipping group clears the whole group.
pub fn update(lang: &Lang, allowed: &[CustomerField], form: &Form) -> Result<CustomerUpdate, Errors> {
    let mut errors = Errors::new();
    for (_, specs) in specs(allowed) {
        for spec in specs {
            if let Some(value) = form.get(spec.name)
                && value.chars().count() > spec.max_chars
                && spec.kind != Kind::Country
            {
                errors.insert(spec.name, lang.tn("billing-error-too-long", "max", spec.max_chars as i64));
            }
        }
    }
    let text = |name: &str| form.get(name).map(str::to_owned);
    let patch = |name: &str| text(name).map_or(Patch::Clear, Patch::Set);
    let mut params = CustomerUpdate::default();
    for (field, spec) in &CONTACT {
        if allowed.contains(field) {
            let value = patch(spec.name);
            match field {
                CustomerField::Name => params.name = value,
                CustomerField::Email => params.email = value,
                _ => params.phone = value,
            }
        }
    }
    if allowed.contains(&CustomerField::Address) {
        params.address = match address(form, "address", &mut errors, lang) {
            Some(address) => Patch::Set(address),
            None => Patch::Clear,
        };
    }
    if allowed.contains(&CustomerField::Shipping) {
        let address = address(form, "shipping", &mut errors, lang);
        let (name, phone) = (text("shipping_name"), text("shipping_phone"));
        params.shipping = if address.is_none() && name.is_none() && phone.is_none() {
            Patch::Clear
        } else {
            // Stripe requires a recipient and a street with any shipping details.
            if name.is_none() {
                errors.insert("shipping_name", lang.t("billing-error-recipient-required"));
            }
            if address.is_none() {
                errors.insert("shipping_line1", lang.t("billing-error-line1-required"));
                errors.insert("shipping_country", lang.t("billing-error-country-required"));
            }
            Patch::Set(Shipping { address: address.unwrap_or_default(), name: name.unwrap_or_default(), phone })
        };
    }
    if errors.is_empty() { Ok(params) } else { Err(errors) }
}

/// The address of group `prefix` (`address`, `shipping`), `None` when every part is blank. A street and a
/// country are required as soon as any part is given, and the country must be one of the list's.
fn address(form: &Form, prefix: &str, errors: &mut Errors, lang: &Lang) -> Option<Address> {
    let specs: &[Spec] = if prefix == "address" { &ADDRESS } else { &SHIPPING[1..7] };
    let part = |suffix: &str| {
        let spec = specs.iter().find(|s| s.name.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) == Some(suffix));
        spec.and_then(|spec| form.get(spec.name)).map(str::to_owned)
    };
    let address = Address {
        line1: part("line1"),
        line2: part("line2"),
        city: part("city"),
        state: part("state"),
        postal_code: part("postal_code"),
        country: part("country").map(|c| c.to_ascii_uppercase()),
    };
    if address == Address::default() {
        return None;
    }
    let name = |suffix: &str| specs.iter().map(|s| s.name).find(|n| n.ends_with(suffix)).unwrap_or(FORM);
    if address.line1.is_none() {
        errors.insert(name("_line1"), lang.t("billing-error-line1-required"));
    }
    match &address.country {
        None => {
            errors.insert(name("_country"), lang.t("billing-error-country-required"));
        }
        Some(country) if !regions::is_country(country) => {
            errors.insert(name("_country"), lang.t("billing-error-country-unknown"));
        }
        Some(_) => {}
    }
    Some(address)
}

/// A refusal of the customer update, localized and put next to the input it is about.
pub fn api_error(lang: &Lang, error: &ApiError) -> Errors {
    let field = error.param.as_deref().and_then(input_of);
    let message = match (error.code, field) {
        (Some("email_invalid"), _) => lang.t("billing-error-email"),
        (Some("string_length_exceeded"), _) => lang.t("billing-error-too-long-plain"),
        (Some("parameter_missing"), Some(_)) => lang.t("billing-error-required"),
        // The API's own words, in English: better than nothing for a refusal this form does not expect.
        _ => error.message.clone(),
    };
    Errors::from([(field.unwrap_or(FORM), message)])
}

/// The same for a refusal found before the update is tried (the customer's own validation, run on a copy).
pub fn param_error(lang: &Lang, error: ParamError) -> Errors {
    api_error(lang, &ApiError::from(error))
}

/// The input an API `param` names (`shipping[address][line1]` → `shipping_line1`).
fn input_of(param: &str) -> Option<&'static str> {
    let known = CONTACT.iter().map(|(_, s)| s).chain(&ADDRESS).chain(&SHIPPING).map(|s| s.name);
    let flat = param.replace("[address]", "").replace("][", "_").replace('[', "_").replace(']', "");
    known.into_iter().find(|name| *name == flat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_params_name_their_inputs() {
        assert_eq!(input_of("email"), Some("email"));
        assert_eq!(input_of("address[postal_code]"), Some("address_postal_code"));
        assert_eq!(input_of("shipping[address][line1]"), Some("shipping_line1"));
        assert_eq!(input_of("shipping[name]"), Some("shipping_name"));
        assert_eq!(input_of("invoice_settings[footer]"), None);
    }

    #[test]
    fn only_allowed_inputs_are_read_and_blank_ones_clear_their_field() {
        let lang = Lang::english();
        let form = Form::parse(b"name=+Ann+&email=ann%40example.com&phone=&address_line1=x");
        let update = update(&lang, &[CustomerField::Name, CustomerField::Phone], &form).unwrap();
        assert_eq!(update.name, Patch::Set("Ann".into()));
        assert_eq!(update.phone, Patch::Clear);
        assert!(update.email.is_absent() && update.address.is_absent() && update.shipping.is_absent());
    }

    #[test]
    fn an_address_needs_a_street_and_a_known_country_once_any_part_is_given() {
        let lang = Lang::english();
        let all = [CustomerField::Address, CustomerField::Shipping];
        let blank = update(&lang, &all, &Form::parse(b"address_line1=+&shipping_country=")).unwrap();
        assert_eq!((blank.address, blank.shipping), (Patch::Clear, Patch::Clear));
        let errors =
            update(&lang, &all, &Form::parse(b"address_city=Berlin&address_country=ZZ&shipping_phone=1")).unwrap_err();
        let names: Vec<_> = errors.keys().copied().collect();
        assert_eq!(names, ["address_country", "address_line1", "shipping_country", "shipping_line1", "shipping_name"]);
        let ok = update(&lang, &all, &Form::parse(b"address_line1=1+Main+St&address_country=de")).unwrap();
        let Patch::Set(address) = ok.address else { panic!("an address") };
        assert_eq!(address.country.as_deref(), Some("DE"));
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        let lang = Lang::english();
        let ok = format!("phone={}", "９".repeat(PHONE_MAX));
        assert!(update(&lang, &[CustomerField::Phone], &Form::parse(ok.as_bytes())).is_ok());
        let long = format!("phone={}", "9".repeat(PHONE_MAX + 1));
        let errors = update(&lang, &[CustomerField::Phone], &Form::parse(long.as_bytes())).unwrap_err();
        assert!(errors.contains_key("phone"));
    }
}
