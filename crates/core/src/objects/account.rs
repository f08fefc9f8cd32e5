//! Accounts (`acct_`): the platform and its connected accounts. Every row Portico stores belongs to one.
//! https://docs.stripe.com/api/accounts/object

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Object;
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, currency, ids};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub object: String,
    pub business_profile: BusinessProfile,
    pub business_type: Option<String>,
    pub capabilities: Value,
    pub charges_enabled: bool,
    pub controller: Value,
    pub country: String,
    pub created: Timestamp,
    pub default_currency: String,
    pub details_submitted: bool,
    pub email: Option<String>,
    pub external_accounts: Value,
    pub future_requirements: Value,
    pub metadata: Metadata,
    pub payouts_enabled: bool,
    pub requirements: Value,
    pub settings: Settings,
    pub tos_acceptance: Value,
    #[serde(rename = "type")]
    pub kind: AccountType,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    #[default]
    Standard,
    Express,
    Custom,
    /// Stripe reports `none` for accounts created with controller properties instead of a type.
    None,
}

/// `business_profile` as Stripe shows it. The fields Portico does not take as parameters are always null; they
/// default on load, so accounts stored before they existed still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessProfile {
    #[serde(default = "default_annual_revenue")]
    pub annual_revenue: Value,
    #[serde(default)]
    pub estimated_worker_count: Option<i64>,
    #[serde(default)]
    pub mcc: Option<String>,
    #[serde(default)]
    pub minority_owned_business_designation: Option<Vec<String>>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub product_description: Option<String>,
    #[serde(default)]
    pub support_address: Option<super::Address>,
    #[serde(default)]
    pub support_email: Option<String>,
    #[serde(default)]
    pub support_phone: Option<String>,
    #[serde(default)]
    pub support_url: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl Default for BusinessProfile {
    fn default() -> Self {
        Self {
            annual_revenue: default_annual_revenue(),
            estimated_worker_count: None,
            mcc: None,
            minority_owned_business_designation: None,
            name: None,
            product_description: None,
            support_address: None,
            support_email: None,
            support_phone: None,
            support_url: None,
            url: None,
        }
    }
}

fn default_annual_revenue() -> Value {
    json!({"amount": null, "currency": null, "fiscal_year_end": null})
}

/// `business_profile[…]` on create and update: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessProfileParams {
    #[serde(default)]
    pub mcc: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub product_description: Option<String>,
    #[serde(default)]
    pub support_address: Option<super::Address>,
    #[serde(default)]
    pub support_email: Option<String>,
    #[serde(default)]
    pub support_phone: Option<String>,
    #[serde(default)]
    pub support_url: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// Account settings. Portico only acts on `branding` and `dashboard`; the other groups carry Stripe's defaults
/// because SDKs require some of them (async-stripe fails without `card_payments` and `payments`). They default
/// on load, so accounts stored before they existed still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default = "default_bacs_debit_payments")]
    pub bacs_debit_payments: Value,
    pub branding: Branding,
    #[serde(default = "default_card_issuing")]
    pub card_issuing: Value,
    #[serde(default = "default_card_payments")]
    pub card_payments: Value,
    pub dashboard: Dashboard,
    #[serde(default = "default_invoices")]
    pub invoices: Value,
    #[serde(default = "default_payments")]
    pub payments: Value,
    #[serde(default = "default_payouts")]
    pub payouts: Value,
    #[serde(default = "empty_object")]
    pub sepa_debit_payments: Value,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bacs_debit_payments: default_bacs_debit_payments(),
            branding: Branding::default(),
            card_issuing: default_card_issuing(),
            card_payments: default_card_payments(),
            dashboard: Dashboard::default(),
            invoices: default_invoices(),
            payments: default_payments(),
            payouts: default_payouts(),
            sepa_debit_payments: empty_object(),
        }
    }
}

fn default_bacs_debit_payments() -> Value {
    json!({"display_name": null, "service_user_number": null})
}

fn default_card_issuing() -> Value {
    json!({"tos_acceptance": {"date": null, "ip": null}})
}

fn default_card_payments() -> Value {
    json!({
        "decline_on": {"avs_failure": true, "cvc_failure": true},
        "statement_descriptor_prefix": null, "statement_descriptor_prefix_kana": null,
        "statement_descriptor_prefix_kanji": null
    })
}

fn default_invoices() -> Value {
    json!({"default_account_tax_ids": null, "hosted_payment_method_save": null})
}

fn default_payments() -> Value {
    json!({
        "statement_descriptor": null, "statement_descriptor_kana": null, "statement_descriptor_kanji": null,
        "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null
    })
}

fn default_payouts() -> Value {
    json!({"debit_negative_balances": true, "schedule": {"delay_days": 2, "interval": "daily"}, "statement_descriptor": null})
}

fn empty_object() -> Value {
    json!({})
}

/// What the portal uses to look like the merchant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub primary_color: Option<String>,
    #[serde(default)]
    pub secondary_color: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub display_name: Option<String>,
    pub timezone: String,
}

impl Default for Dashboard {
    fn default() -> Self {
        Self { display_name: None, timezone: "Etc/UTC".into() }
    }
}

/// `POST /v1/accounts` (the subset Portico keeps).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountCreate {
    #[serde(rename = "type")]
    pub kind: Option<AccountType>,
    pub country: Option<String>,
    pub default_currency: Option<String>,
    pub email: Option<String>,
    pub business_type: Option<String>,
    pub business_profile: Option<BusinessProfileParams>,
    pub settings: Option<SettingsParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsParams {
    pub branding: Option<Branding>,
    pub dashboard: Option<DashboardParams>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardParams {
    pub display_name: Option<String>,
    pub timezone: Option<String>,
}

/// `POST /v1/accounts/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    pub default_currency: Option<String>,
    #[serde(default)]
    pub email: Patch<String>,
    pub business_type: Option<String>,
    pub business_profile: Option<BusinessProfileParams>,
    pub settings: Option<SettingsParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

impl Object for Account {
    const KIND: &'static str = "account";
    const PREFIX: &'static str = "acct";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

/// A country code as Stripe takes it: two ASCII letters, upper case.
fn validate_country(country: &str) -> Result<String, ParamError> {
    if country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(country.to_ascii_uppercase())
    } else {
        Err(ParamError::invalid(
            "country",
            format!(
                "Country '{country}' is unknown. Try using a 2-character alphapetic country code instead, such as 'US', 'EE', or 'FR'."
            ),
        ))
    }
}

impl Account {
    pub fn create(params: AccountCreate, now: Timestamp) -> Result<Self, ParamError> {
        let country = validate_country(params.country.as_deref().unwrap_or("US"))?;
        let default_currency = match params.default_currency {
            Some(c) => currency::parse_currency("default_currency", &c)?,
            None => {
                if country == "US" {
                    "usd".into()
                } else {
                    "eur".into()
                }
            }
        };
        let mut account = Account {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            business_profile: BusinessProfile::default(),
            business_type: params.business_type,
            capabilities: json!({}),
            charges_enabled: true,
            controller: json!({"type": "application", "is_controller": true}),
            country,
            created: now,
            default_currency,
            details_submitted: true,
            email: params.email,
            external_accounts: json!({"object": "list", "data": [], "has_more": false, "url": ""}),
            future_requirements: requirements(),
            metadata: Metadata::new(),
            payouts_enabled: true,
            requirements: requirements(),
            settings: Settings::default(),
            tos_acceptance: json!({"date": null, "ip": null, "user_agent": null}),
            kind: params.kind.unwrap_or_default(),
        };
        account.external_accounts["url"] = format!("/v1/accounts/{}/external_accounts", account.id).into();
        if let Some(profile) = params.business_profile {
            account.business_profile.apply(profile);
        }
        if let Some(settings) = params.settings {
            account.settings.apply(settings);
        }
        metadata::apply(&mut account.metadata, params.metadata)?;
        Ok(account)
    }

    pub fn update(&mut self, params: AccountUpdate) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(c) = params.default_currency {
            next.default_currency = currency::parse_currency("default_currency", &c)?;
        }
        params.email.apply_to(&mut next.email);
        if let Some(business_type) = params.business_type {
            next.business_type = Some(business_type);
        }
        if let Some(profile) = params.business_profile {
            next.business_profile.apply(profile);
        }
        if let Some(settings) = params.settings {
            next.settings.apply(settings);
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        *self = next;
        Ok(())
    }
}

impl BusinessProfile {
    fn apply(&mut self, params: BusinessProfileParams) {
        let BusinessProfileParams {
            mcc,
            name,
            product_description,
            support_address,
            support_email,
            support_phone,
            support_url,
            url,
        } = params;
        let fields = [
            (&mut self.mcc, mcc),
            (&mut self.name, name),
            (&mut self.product_description, product_description),
            (&mut self.support_email, support_email),
            (&mut self.support_phone, support_phone),
            (&mut self.support_url, support_url),
            (&mut self.url, url),
        ];
        for (field, value) in fields {
            if value.is_some() {
                *field = value;
            }
        }
        if support_address.is_some() {
            self.support_address = support_address;
        }
    }
}

impl Settings {
    fn apply(&mut self, params: SettingsParams) {
        if let Some(branding) = params.branding {
            self.branding = branding;
        }
        if let Some(dashboard) = params.dashboard {
            if dashboard.display_name.is_some() {
                self.dashboard.display_name = dashboard.display_name;
            }
            if let Some(timezone) = dashboard.timezone {
                self.dashboard.timezone = timezone;
            }
        }
    }
}

fn requirements() -> Value {
    json!({
        "alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null,
        "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updating_one_business_profile_field_keeps_the_others() {
        let profile = BusinessProfileParams {
            name: Some("Shop".into()),
            url: Some("https://shop.example".into()),
            ..Default::default()
        };
        let mut account =
            Account::create(AccountCreate { business_profile: Some(profile), ..Default::default() }, 0).unwrap();
        let update = BusinessProfileParams { support_email: Some("help@shop.example".into()), ..Default::default() };
        account.update(AccountUpdate { business_profile: Some(update), ..Default::default() }).unwrap();
        assert_eq!(account.business_profile.name.as_deref(), Some("Shop"));
        assert_eq!(account.business_profile.url.as_deref(), Some("https://shop.example"));
        assert_eq!(account.business_profile.support_email.as_deref(), Some("help@shop.example"));
    }

    #[test]
    fn accounts_stored_before_the_stripe_default_settings_existed_still_load() {
        let mut stored = serde_json::to_value(Account::create(AccountCreate::default(), 0).unwrap()).unwrap();
        stored["settings"] = json!({"branding": {}, "dashboard": {"display_name": null, "timezone": "Etc/UTC"}});
        stored["business_profile"] = json!({"name": "Old"});
        let account: Account = serde_json::from_value(stored).unwrap();
        let json = serde_json::to_value(&account).unwrap();
        assert_eq!(json["settings"]["card_payments"]["decline_on"]["cvc_failure"], true);
        assert_eq!(json["settings"]["payouts"]["schedule"]["interval"], "daily");
        assert!(json["business_profile"]["annual_revenue"]["amount"].is_null());
        assert_eq!(json["business_profile"]["name"], "Old");
    }
}
