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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessProfile {
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub branding: Branding,
    pub dashboard: Dashboard,
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
    pub business_profile: Option<BusinessProfile>,
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
    pub business_profile: Option<BusinessProfile>,
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
        Err(ParamError::invalid("country", format!("Country '{country}' is unknown. Try using a 2-character alphapetic country code instead, such as 'US', 'EE', or 'FR'.")))
    }
}

impl Account {
    pub fn create(params: AccountCreate, now: Timestamp) -> Result<Self, ParamError> {
        let country = validate_country(params.country.as_deref().unwrap_or("US"))?;
        let default_currency = match params.default_currency {
            Some(c) => currency::parse_currency("default_currency", &c)?,
            None => if country == "US" { "usd".into() } else { "eur".into() },
        };
        let mut account = Account {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            business_profile: params.business_profile.unwrap_or_default(),
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
            next.business_profile = profile;
        }
        if let Some(settings) = params.settings {
            next.settings.apply(settings);
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        *self = next;
        Ok(())
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
