//! Portal sessions (`bps_`): https://docs.stripe.com/api/customer_portal/sessions/object
//!
//! A session is a short-lived bearer link that opens the portal for one customer. Its URL carries a secret
//! that Portico keeps only as a hash ([`secret`]); the document and its event never hold the URL. How long
//! a session lives is [`lifetime`]; what a deep link (`flow_data`) may ask for is [`flow`] and [`eligibility`].

pub mod eligibility;
pub mod flow;
pub mod lifetime;
pub mod secret;

use serde::{Deserialize, Serialize};

pub use flow::{Flow, FlowData};
pub use lifetime::{Lifetime, Status};

use super::Configuration;
use crate::error::{ParamCode, ParamError};
use crate::objects::Object;
use crate::urls::check as check_url;
use crate::{Timestamp, ids};

/// The `locale` values Stripe accepts (`auto`: the customer's `preferred_locales`, else the browser's).
pub const LOCALES: [&str; 47] = [
    "auto", "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-NZ", "en-SG", "es",
    "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl",
    "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub object: String,
    pub after_expiration: Option<AfterExpiration>,
    pub configuration: String,
    pub created: Timestamp,
    pub customer: String,
    pub customer_account: Option<String>,
    pub flow: Option<Flow>,
    pub livemode: bool,
    pub locale: Option<String>,
    pub on_behalf_of: Option<String>,
    pub return_url: Option<String>,
    /// The real URL only in the create response: it carries the secret, so the stored document leaves it out
    /// and the `billing_portal.session.created` event shows a placeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Portico's bookkeeping, stored but never shown (see [`crate::objects::HIDDEN`]).
    #[serde(rename = "portico", default)]
    pub engine: SessionEngine,
}

/// What the portal needs to find a session and to decide whether it still lives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEngine {
    /// SHA-256 (hex) of the URL's secret.
    pub secret_hash: String,
    /// When the URL was first opened.
    pub opened_at: Option<Timestamp>,
    /// The latest request of the customer in this session.
    pub last_activity_at: Option<Timestamp>,
    /// When the session's deep-link flow was completed and it went on as the full portal
    /// (`after_completion.type=portal_homepage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_completed_at: Option<Timestamp>,
}

/// `after_expiration`: what a customer who comes back after the session expired may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterExpiration {
    pub customer_login: Option<CustomerLogin>,
    #[serde(rename = "type")]
    pub kind: AfterExpirationType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerLogin {
    /// After this time the customer can no longer recover the session by logging in; null: no deadline.
    pub expires_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterExpirationType {
    CustomerLogin,
}

/// `POST /v1/billing_portal/sessions`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionCreate {
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub configuration: Option<String>,
    pub return_url: Option<String>,
    pub locale: Option<String>,
    pub on_behalf_of: Option<String>,
    pub flow_data: Option<FlowData>,
    pub after_expiration: Option<AfterExpirationParams>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterExpirationParams {
    #[serde(rename = "type")]
    pub kind: AfterExpirationType,
    pub customer_login: Option<CustomerLoginParams>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerLoginParams {
    pub expires_at: Option<Timestamp>,
}

impl Object for Session {
    const KIND: &'static str = "billing_portal.session";
    const PREFIX: &'static str = "bps";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        Some(&self.customer)
    }
}

impl SessionCreate {
    /// The customer the session is for. Accounts v2 customers (`customer_account`) do not exist in Portico.
    pub fn customer(&self) -> Result<&str, ParamError> {
        match (&self.customer, &self.customer_account) {
            (_, Some(_)) => Err(ParamError::invalid(
                "customer_account",
                "customer_account (Accounts v2) is not supported by Portico; pass customer instead.",
            )),
            (Some(customer), None) => Ok(customer),
            (None, None) => Err(ParamError::missing("customer")),
        }
    }
}

impl Session {
    /// Where a customer whose session expired may sign in again: the configuration's login page, when the
    /// session was created with `after_expiration.type=customer_login`, its `expires_at` (if any) has not
    /// passed, and the configuration's `login_page` is enabled. `None`: only a new session helps.
    pub fn login_after_expiry<'c>(&self, configuration: &'c Configuration, now: Timestamp) -> Option<&'c str> {
        let login = self.after_expiration.as_ref()?;
        let deadline = login.customer_login.as_ref().and_then(|c| c.expires_at);
        if login.kind != AfterExpirationType::CustomerLogin || deadline.is_some_and(|at| at <= now) {
            return None;
        }
        configuration.login_page.url.as_deref().filter(|_| configuration.login_page.enabled)
    }

    /// A session for `customer` with `configuration` (the one asked for, or the default), checking everything
    /// that needs no other stored object: locale, return URL (the configuration's default when none is given),
    /// `after_expiration`, and the shape of `flow_data` and whether the configuration enables its feature.
    /// The flow's subscription, items and discounts are the API's to load and check ([`eligibility`]).
    pub fn create(
        params: SessionCreate,
        configuration: &Configuration,
        secret_hash: String,
        livemode: bool,
        now: Timestamp,
    ) -> Result<Self, ParamError> {
        let customer = params.customer()?.to_owned();
        let locale = params.locale.map(check_locale).transpose()?;
        let return_url = match params.return_url {
            Some(url) => {
                check_url("return_url", &url)?;
                Some(url)
            }
            None => configuration.default_return_url.clone(),
        };
        let Some(return_url) = return_url else {
            return Err(ParamError::new(
                ParamCode::ParameterMissing,
                "return_url",
                format!(
                    "Missing required param: return_url. Pass one, or set default_return_url on the configuration {}.",
                    configuration.id
                ),
            ));
        };
        let after_expiration = params.after_expiration.map(|p| after_expiration(p, now)).transpose()?;
        let flow = params.flow_data.map(flow::normalise).transpose()?;
        if let Some(flow) = &flow {
            flow::check_enabled(flow, configuration)?;
        }
        Ok(Session {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            after_expiration,
            configuration: configuration.id.clone(),
            created: now,
            customer,
            customer_account: None,
            flow,
            livemode,
            locale,
            on_behalf_of: params.on_behalf_of,
            return_url: Some(return_url),
            url: None,
            engine: SessionEngine { secret_hash, opened_at: None, last_activity_at: None, flow_completed_at: None },
        })
    }
}

fn check_locale(locale: String) -> Result<String, ParamError> {
    if LOCALES.contains(&locale.as_str()) {
        Ok(locale)
    } else {
        Err(ParamError::invalid("locale", format!("Invalid locale: must be one of {}", LOCALES.join(", "))))
    }
}

fn after_expiration(params: AfterExpirationParams, now: Timestamp) -> Result<AfterExpiration, ParamError> {
    let expires_at = params.customer_login.unwrap_or_default().expires_at;
    if let Some(at) = expires_at
        && at <= now
    {
        return Err(ParamError::invalid(
            "after_expiration[customer_login][expires_at]",
            format!("after_expiration[customer_login][expires_at] must be in the future (it is {at}, now is {now})."),
        ));
    }
    Ok(AfterExpiration { customer_login: Some(CustomerLogin { expires_at }), kind: params.kind })
}

#[cfg(test)]
mod tests;
