//! Portal configurations (`bpc_`): https://docs.stripe.com/api/customer_portal/configurations/object
//!
//! A configuration says what the portal lets customers do. Updates merge deeply: only the leaves sent change,
//! `""` clears a nullable value or empties a list. One configuration per account and mode is the default, used
//! by sessions created without `configuration`; Portico makes it on demand ([`Configuration::dashboard_default`]).

pub mod features;
mod merge;
mod offers;
pub mod params;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use features::Features;
pub use offers::{CatalogEntry, MAX_PRODUCTS};
pub use params::{ConfigurationCreate, ConfigurationUpdate};

use self::features::CustomerField;
use self::params::{BusinessProfileParams, LoginPageParams};
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::objects::Object;
use crate::objects::product::too_long;
use crate::patch::Patch;
use crate::urls::check as check_url;
use crate::{Scope, Timestamp, ids};

const MAX_HEADLINE_CHARS: usize = 60;
const MAX_NAME_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration {
    pub id: String,
    pub object: String,
    pub active: bool,
    pub application: Option<String>,
    pub business_profile: BusinessProfile,
    pub created: Timestamp,
    pub default_return_url: Option<String>,
    pub features: Features,
    pub is_default: bool,
    pub livemode: bool,
    pub login_page: LoginPage,
    pub metadata: Metadata,
    pub name: Option<String>,
    /// Portico extension (no Stripe field): the coupon offered, before a cancellation is confirmed, to every
    /// customer who cancels in the portal with this configuration, as Stripe's Dashboard-only retention coupon
    /// is; null for none. Set with the `portico_retention_coupon` parameter (`""` clears it).
    #[serde(default)]
    pub portico_retention_coupon: Option<String>,
    pub updated: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessProfile {
    pub headline: Option<String>,
    pub privacy_policy_url: Option<String>,
    pub terms_of_service_url: Option<String>,
}

/// The shareable login page: while enabled, `url` stays the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPage {
    pub enabled: bool,
    pub url: Option<String>,
}

impl Object for Configuration {
    const KIND: &'static str = "billing_portal.configuration";
    const PREFIX: &'static str = "bpc";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

impl Configuration {
    /// A configuration made through the API: active, never the default. `catalog` holds the products and
    /// prices named by `features[subscription_update][products]`; `public_url` is where login pages live.
    pub fn create(
        params: ConfigurationCreate,
        catalog: &[CatalogEntry],
        livemode: bool,
        now: Timestamp,
        public_url: &str,
    ) -> Result<Self, ParamError> {
        params.features.require_for_create()?;
        let mut configuration = Configuration::blank(ids::new_id(Self::PREFIX), livemode, now);
        merge::apply(&mut configuration.features, params.features, catalog)?;
        if let Some(profile) = params.business_profile {
            apply_business_profile(&mut configuration.business_profile, profile)?;
        }
        apply_return_url(&mut configuration.default_return_url, params.default_return_url)?;
        apply_name(&mut configuration.name, params.name)?;
        params.portico_retention_coupon.apply_to(&mut configuration.portico_retention_coupon);
        if let Some(login_page) = params.login_page {
            configuration.apply_login_page(login_page, public_url);
        }
        metadata::apply(&mut configuration.metadata, params.metadata)?;
        Ok(configuration)
    }

    /// Applies an update, all or nothing, and bumps `updated`.
    pub fn update(
        &mut self,
        params: ConfigurationUpdate,
        catalog: &[CatalogEntry],
        now: Timestamp,
        public_url: &str,
    ) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(active) = params.active {
            // Sessions without `configuration` need the default (what Stripe does here is unconfirmed).
            if !active && self.is_default {
                return Err(ParamError::invalid(
                    "active",
                    "The default configuration cannot be deactivated: sessions created without `configuration` use it.",
                ));
            }
            next.active = active;
        }
        if let Some(features) = params.features {
            merge::apply(&mut next.features, features, catalog)?;
        }
        if let Some(profile) = params.business_profile {
            apply_business_profile(&mut next.business_profile, profile)?;
        }
        apply_return_url(&mut next.default_return_url, params.default_return_url)?;
        apply_name(&mut next.name, params.name)?;
        params.portico_retention_coupon.apply_to(&mut next.portico_retention_coupon);
        if let Some(login_page) = params.login_page {
            next.apply_login_page(login_page, public_url);
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        next.updated = now;
        *self = next;
        Ok(())
    }

    /// The default configuration of `scope`, with the settings Stripe's Dashboard starts from: customers may
    /// cancel at the period end (with the reason survey), update payment methods, see their invoices and edit
    /// their name, email, billing address and phone; no plan switching, no pausing.
    pub fn dashboard_default(scope: &Scope, now: Timestamp) -> Self {
        let mut configuration = Configuration::blank(Self::default_id(scope), scope.livemode, now);
        configuration.is_default = true;
        let features = &mut configuration.features;
        features.customer_update.enabled = true;
        features.customer_update.allowed_updates =
            vec![CustomerField::Name, CustomerField::Email, CustomerField::Address, CustomerField::Phone];
        features.invoice_history.enabled = true;
        features.payment_method_update.enabled = true;
        features.subscription_cancel.enabled = true;
        features.subscription_cancel.cancellation_reason.enabled = true;
        configuration
    }

    /// The id of `scope`'s default configuration. Derived from the scope, so that two requests racing to make
    /// the default cannot both succeed: the second insert of the same id is refused by the store.
    pub fn default_id(scope: &Scope) -> String {
        const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let digest =
            Sha256::digest(format!("billing_portal.configuration default {} {}", scope.account, scope.livemode));
        let suffix: String =
            digest.iter().take(24).map(|byte| BASE62[usize::from(*byte) % BASE62.len()] as char).collect();
        format!("{}_{suffix}", Self::PREFIX)
    }

    fn blank(id: String, livemode: bool, now: Timestamp) -> Self {
        Configuration {
            id,
            object: Self::KIND.into(),
            active: true,
            application: None,
            business_profile: BusinessProfile::default(),
            created: now,
            default_return_url: None,
            features: Features::default(),
            is_default: false,
            livemode,
            login_page: LoginPage::default(),
            metadata: Metadata::new(),
            name: None,
            portico_retention_coupon: None,
            updated: now,
        }
    }

    /// Enabling mints the page's URL once (it stays while enabled); disabling retires it, and enabling again
    /// mints a new one, so a URL that was shared and then switched off never works again.
    fn apply_login_page(&mut self, params: LoginPageParams, public_url: &str) {
        match (params.enabled, self.login_page.enabled) {
            (true, false) => {
                let mode = if self.livemode { "live" } else { "test" };
                let url = format!("{}/p/login/{mode}_{}", public_url.trim_end_matches('/'), ids::random_base62(32));
                self.login_page = LoginPage { enabled: true, url: Some(url) };
            }
            (false, _) => self.login_page = LoginPage { enabled: false, url: None },
            (true, true) => {}
        }
    }
}

fn apply_business_profile(profile: &mut BusinessProfile, params: BusinessProfileParams) -> Result<(), ParamError> {
    if let Patch::Set(headline) = &params.headline
        && headline.chars().count() > MAX_HEADLINE_CHARS
    {
        return Err(too_long("business_profile[headline]", MAX_HEADLINE_CHARS));
    }
    for (param, value) in [
        ("business_profile[privacy_policy_url]", &params.privacy_policy_url),
        ("business_profile[terms_of_service_url]", &params.terms_of_service_url),
    ] {
        if let Patch::Set(url) = value {
            check_url(param, url)?;
        }
    }
    params.headline.apply_to(&mut profile.headline);
    params.privacy_policy_url.apply_to(&mut profile.privacy_policy_url);
    params.terms_of_service_url.apply_to(&mut profile.terms_of_service_url);
    Ok(())
}

fn apply_return_url(field: &mut Option<String>, patch: Patch<String>) -> Result<(), ParamError> {
    if let Patch::Set(url) = &patch {
        check_url("default_return_url", url)?;
    }
    patch.apply_to(field);
    Ok(())
}

fn apply_name(field: &mut Option<String>, patch: Patch<String>) -> Result<(), ParamError> {
    if let Patch::Set(name) = &patch
        && name.chars().count() > MAX_NAME_CHARS
    {
        return Err(too_long("name", MAX_NAME_CHARS));
    }
    patch.apply_to(field);
    Ok(())
}

#[cfg(test)]
mod tests;
