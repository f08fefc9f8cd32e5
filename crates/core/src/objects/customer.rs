//! Customers (`cus_`): https://docs.stripe.com/api/customers/object

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Address, Object, Shipping};
use crate::error::{ParamCode, ParamError};
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub object: String,
    pub address: Option<Address>,
    pub balance: i64,
    pub created: Timestamp,
    pub currency: Option<String>,
    pub default_source: Option<String>,
    pub delinquent: bool,
    pub description: Option<String>,
    /// A customer-level discount; filled in by the billing engine.
    pub discount: Option<Value>,
    pub email: Option<String>,
    pub invoice_prefix: String,
    pub invoice_settings: InvoiceSettings,
    pub livemode: bool,
    pub metadata: Metadata,
    pub name: Option<String>,
    pub next_invoice_sequence: i64,
    pub phone: Option<String>,
    pub preferred_locales: Vec<String>,
    pub shipping: Option<Shipping>,
    pub tax_exempt: TaxExempt,
    pub test_clock: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InvoiceSettings {
    pub custom_fields: Option<Vec<CustomField>>,
    pub default_payment_method: Option<String>,
    pub footer: Option<String>,
    pub rendering_options: Option<RenderingOptions>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomField {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderingOptions {
    #[serde(default)]
    pub amount_tax_display: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxExempt {
    #[default]
    None,
    Exempt,
    Reverse,
}

/// `POST /v1/customers`. References to other objects (`payment_method`, `test_clock`, …) are checked by the
/// caller against the store before [`Customer::create`] runs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerCreate {
    pub address: Option<Address>,
    pub balance: Option<i64>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub invoice_prefix: Option<String>,
    pub invoice_settings: Option<InvoiceSettingsParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub name: Option<String>,
    pub next_invoice_sequence: Option<i64>,
    pub payment_method: Option<String>,
    pub phone: Option<String>,
    pub preferred_locales: Option<Vec<String>>,
    pub shipping: Option<Shipping>,
    pub tax_exempt: Option<TaxExempt>,
    pub tax_id_data: Option<Vec<TaxIdData>>,
    pub test_clock: Option<String>,
}

/// `POST /v1/customers/{id}`: every field may be absent, cleared with `""`, or set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerUpdate {
    #[serde(default)]
    pub address: Patch<Address>,
    pub balance: Option<i64>,
    #[serde(default)]
    pub description: Patch<String>,
    #[serde(default)]
    pub email: Patch<String>,
    pub invoice_prefix: Option<String>,
    pub invoice_settings: Option<InvoiceSettingsParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    #[serde(default)]
    pub name: Patch<String>,
    pub next_invoice_sequence: Option<i64>,
    #[serde(default)]
    pub phone: Patch<String>,
    #[serde(default)]
    pub preferred_locales: Patch<Vec<String>>,
    #[serde(default)]
    pub shipping: Patch<Shipping>,
    #[serde(default)]
    pub tax_exempt: Patch<TaxExempt>,
    pub default_source: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceSettingsParams {
    #[serde(default)]
    pub custom_fields: Patch<Vec<CustomField>>,
    #[serde(default)]
    pub default_payment_method: Patch<String>,
    #[serde(default)]
    pub footer: Patch<String>,
    #[serde(default)]
    pub rendering_options: Patch<RenderingOptions>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxIdData {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

impl Object for Customer {
    const KIND: &'static str = "customer";
    const PREFIX: &'static str = "cus";

    fn test_clock(&self) -> Option<&str> {
        self.test_clock.as_deref()
    }

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        Some(&self.id)
    }
}

impl Customer {
    /// Builds a new customer from validated parameters. `now` is the account's (or test clock's) time.
    pub fn create(params: CustomerCreate, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let mut customer = Customer {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            address: params.address,
            balance: params.balance.unwrap_or(0),
            created: now,
            currency: None,
            default_source: None,
            delinquent: false,
            description: params.description,
            discount: None,
            email: None,
            invoice_prefix: match params.invoice_prefix {
                Some(prefix) => validate_invoice_prefix(prefix)?,
                None => ids::random_upper_hex(7),
            },
            invoice_settings: InvoiceSettings::default(),
            livemode,
            metadata: Metadata::new(),
            name: params.name,
            next_invoice_sequence: validate_sequence(params.next_invoice_sequence.unwrap_or(1))?,
            phone: params.phone,
            preferred_locales: validate_locales(params.preferred_locales.unwrap_or_default())?,
            shipping: params.shipping,
            tax_exempt: params.tax_exempt.unwrap_or_default(),
            test_clock: params.test_clock,
        };
        customer.email = params.email.map(validate_email).transpose()?;
        if let Some(settings) = params.invoice_settings {
            customer.invoice_settings.apply(settings);
        }
        metadata::apply(&mut customer.metadata, params.metadata)?;
        Ok(customer)
    }

    /// Applies an update in place, or leaves the customer untouched and explains the first bad parameter.
    pub fn update(&mut self, params: CustomerUpdate) -> Result<(), ParamError> {
        let mut next = self.clone();
        params.address.apply_to(&mut next.address);
        if let Some(balance) = params.balance {
            next.balance = balance;
        }
        params.description.apply_to(&mut next.description);
        match params.email {
            Patch::Set(email) => next.email = Some(validate_email(email)?),
            other => other.apply_to(&mut next.email),
        }
        if let Some(prefix) = params.invoice_prefix {
            next.invoice_prefix = validate_invoice_prefix(prefix)?;
        }
        if let Some(settings) = params.invoice_settings {
            next.invoice_settings.apply(settings);
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        params.name.apply_to(&mut next.name);
        if let Some(sequence) = params.next_invoice_sequence {
            next.next_invoice_sequence = validate_sequence(sequence)?;
        }
        params.phone.apply_to(&mut next.phone);
        match params.preferred_locales {
            Patch::Absent => {}
            Patch::Clear => next.preferred_locales.clear(),
            Patch::Set(locales) => next.preferred_locales = validate_locales(locales)?,
        }
        params.shipping.apply_to(&mut next.shipping);
        match params.tax_exempt {
            Patch::Absent => {}
            Patch::Clear => next.tax_exempt = TaxExempt::None,
            Patch::Set(value) => next.tax_exempt = value,
        }
        if let Some(source) = params.default_source {
            next.default_source = Some(source);
        }
        *self = next;
        Ok(())
    }
}

impl InvoiceSettings {
    fn apply(&mut self, params: InvoiceSettingsParams) {
        params.custom_fields.apply_to(&mut self.custom_fields);
        params.default_payment_method.apply_to(&mut self.default_payment_method);
        params.footer.apply_to(&mut self.footer);
        params.rendering_options.apply_to(&mut self.rendering_options);
    }
}

/// Stripe accepts any address with one `@` and a dotted domain; anything else is `email_invalid`.
fn validate_email(email: String) -> Result<String, ParamError> {
    let valid = email.len() <= 512
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(ParamError::new(ParamCode::EmailInvalid, "email", format!("Invalid email address: {email}")))
    }
}

fn validate_invoice_prefix(prefix: String) -> Result<String, ParamError> {
    let ok = (3..=12).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(prefix)
    } else {
        Err(ParamError::invalid(
            "invoice_prefix",
            "Invoice prefix must be between 3 and 12 uppercase letters or numbers.",
        ))
    }
}

fn validate_sequence(sequence: i64) -> Result<i64, ParamError> {
    if sequence >= 1 {
        Ok(sequence)
    } else {
        Err(ParamError::invalid("next_invoice_sequence", "next_invoice_sequence must be at least 1."))
    }
}

/// Locale tags such as `en`, `de-CH`, `zh-Hant-TW`: letters and digits in dash-separated parts.
fn validate_locales(locales: Vec<String>) -> Result<Vec<String>, ParamError> {
    for (index, locale) in locales.iter().enumerate() {
        let well_formed = !locale.is_empty()
            && locale.len() <= 35
            && locale.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
            && locale.split('-').next().is_some_and(|lang| lang.bytes().all(|b| b.is_ascii_alphabetic()));
        if !well_formed {
            return Err(ParamError::invalid(
                &format!("preferred_locales[{index}]"),
                format!("Invalid locale: {locale}"),
            ));
        }
    }
    Ok(locales)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_customers_have_stripe_defaults() {
        let c = Customer::create(CustomerCreate::default(), false, 1_700_000_000).unwrap();
        assert!(c.id.starts_with("cus_"));
        assert_eq!(c.next_invoice_sequence, 1);
        assert_eq!(c.invoice_prefix.len(), 7);
        assert_eq!(c.tax_exempt, TaxExempt::None);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["object"], "customer");
        assert!(json["discount"].is_null());
    }

    #[test]
    fn a_malformed_email_is_rejected_and_the_customer_keeps_its_old_one() {
        let mut c =
            Customer::create(CustomerCreate { email: Some("a@b.co".into()), ..Default::default() }, false, 0).unwrap();
        let err = c.update(CustomerUpdate { email: Patch::Set("nope".into()), ..Default::default() }).unwrap_err();
        assert_eq!(err.code, ParamCode::EmailInvalid);
        assert_eq!(c.email.as_deref(), Some("a@b.co"));
    }

    #[test]
    fn clearing_a_field_sets_it_to_null() {
        let mut c =
            Customer::create(CustomerCreate { name: Some("Ann".into()), ..Default::default() }, false, 0).unwrap();
        c.update(CustomerUpdate { name: Patch::Clear, ..Default::default() }).unwrap();
        assert_eq!(c.name, None);
    }

    #[test]
    fn locales_must_be_well_formed_tags() {
        assert!(validate_locales(vec!["de-CH".into(), "zh-Hant-TW".into()]).is_ok());
        assert_eq!(
            validate_locales(vec!["en".into(), "!!".into()]).unwrap_err().param.as_deref(),
            Some("preferred_locales[1]")
        );
    }
}
