//! Webhook endpoints (`we_`): https://docs.stripe.com/api/webhook_endpoints/object
//!
//! The signing secret is kept with Portico's bookkeeping and shown once, in the create response.

use serde::{Deserialize, Serialize};

use super::Object;
use super::event::API_VERSION;
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids, urls};

const MAX_DESCRIPTION_CHARS: usize = 5000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub object: String,
    pub api_version: Option<String>,
    pub application: Option<String>,
    pub created: Timestamp,
    pub description: Option<String>,
    pub enabled_events: Vec<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub status: Status,
    pub url: String,
    #[serde(rename = "portico", default)]
    pub engine: EndpointEngine,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EndpointEngine {
    /// `whsec_…`, the HMAC key of every delivery's `Stripe-Signature`.
    pub secret: String,
    /// Receives the events of the account's connected accounts instead of its own (`connect=true`).
    #[serde(default)]
    pub connect: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Enabled,
    Disabled,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointCreate {
    pub url: Option<String>,
    pub enabled_events: Option<Vec<String>>,
    pub api_version: Option<String>,
    pub connect: Option<bool>,
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointUpdate {
    pub url: Option<String>,
    pub enabled_events: Option<Vec<String>>,
    #[serde(default)]
    pub description: Patch<String>,
    pub disabled: Option<bool>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
}

impl Object for WebhookEndpoint {
    const KIND: &'static str = "webhook_endpoint";
    const PREFIX: &'static str = "we";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

/// `enabled_events`: `*`, or event types as Stripe names them (`invoice.paid`, `customer.subscription.updated`).
fn check_events(events: Vec<String>) -> Result<Vec<String>, ParamError> {
    if events.is_empty() {
        return Err(ParamError::missing("enabled_events"));
    }
    for (index, event) in events.iter().enumerate() {
        let well_formed = event == "*"
            || (event.contains('.')
                && event
                    .split('.')
                    .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        if !well_formed {
            return Err(ParamError::invalid(
                &format!("enabled_events[{index}]"),
                format!("Invalid event type `{event}`: use `*` or an event type such as `invoice.paid`."),
            ));
        }
    }
    Ok(events)
}

fn check_description(description: String) -> Result<String, ParamError> {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ParamError::invalid(
            "description",
            format!("Invalid string: must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(description)
}

impl WebhookEndpoint {
    pub fn create(params: WebhookEndpointCreate, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let url = params.url.ok_or_else(|| ParamError::missing("url"))?;
        urls::check("url", &url)?;
        let enabled_events = check_events(params.enabled_events.unwrap_or_default())?;
        if let Some(version) = &params.api_version
            && version != API_VERSION
        {
            return Err(ParamError::invalid(
                "api_version",
                format!("Portico sends events in API version {API_VERSION} only; `{version}` is not supported."),
            ));
        }
        let mut endpoint = WebhookEndpoint {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            api_version: params.api_version,
            application: None,
            created: now,
            description: params.description.filter(|d| !d.is_empty()).map(check_description).transpose()?,
            enabled_events,
            livemode,
            metadata: Metadata::new(),
            status: Status::Enabled,
            url,
            engine: EndpointEngine {
                secret: format!("whsec_{}", ids::random_base62(32)),
                connect: params.connect.unwrap_or(false),
            },
        };
        metadata::apply(&mut endpoint.metadata, params.metadata)?;
        Ok(endpoint)
    }

    /// Applies an update, all or nothing.
    pub fn update(&mut self, params: WebhookEndpointUpdate) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(url) = params.url {
            urls::check("url", &url)?;
            next.url = url;
        }
        if let Some(events) = params.enabled_events {
            next.enabled_events = check_events(events)?;
        }
        match params.description {
            Patch::Set(description) => next.description = Some(check_description(description)?),
            other => other.apply_to(&mut next.description),
        }
        if let Some(disabled) = params.disabled {
            next.status = if disabled { Status::Disabled } else { Status::Enabled };
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        *self = next;
        Ok(())
    }

    /// Whether this endpoint is to receive `event_type`, happening on the account itself (`connected=false`)
    /// or on one of its connected accounts.
    pub fn receives(&self, event_type: &str, connected: bool) -> bool {
        self.status == Status::Enabled
            && self.engine.connect == connected
            && crate::webhooks::listens_to(&self.enabled_events, event_type)
    }
}

/// One row per account listing its enabled endpoints, kept in step with them in the same transactions, so that
/// finding where an event goes is one read by primary key (every event pays for it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WebhookRegistry {
    /// The account's id.
    pub id: String,
    pub object: String,
    pub created: Timestamp,
    pub endpoints: Vec<Registered>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registered {
    pub id: String,
    pub enabled_events: Vec<String>,
    pub connect: bool,
}

impl Object for WebhookRegistry {
    const KIND: &'static str = "webhook_registry";
    const PREFIX: &'static str = "acct";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

impl WebhookRegistry {
    /// The registry of `account` listing the enabled ones of `endpoints`.
    pub fn of(account: &str, endpoints: &[WebhookEndpoint], now: Timestamp) -> Self {
        Self {
            id: account.to_owned(),
            object: Self::KIND.into(),
            created: now,
            endpoints: endpoints
                .iter()
                .filter(|e| e.status == Status::Enabled)
                .map(|e| Registered {
                    id: e.id.clone(),
                    enabled_events: e.enabled_events.clone(),
                    connect: e.engine.connect,
                })
                .collect(),
        }
    }

    /// The endpoints an event of `kind` goes to: those for the account's own events, or (`connected`) for its
    /// connected accounts' events.
    pub fn targets<'a>(&'a self, kind: &'a str, connected: bool) -> impl Iterator<Item = &'a Registered> + 'a {
        self.endpoints
            .iter()
            .filter(move |e| e.connect == connected && crate::webhooks::listens_to(&e.enabled_events, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(url: &str, events: &[&str]) -> Result<WebhookEndpoint, ParamError> {
        let params = WebhookEndpointCreate {
            url: Some(url.into()),
            enabled_events: Some(events.iter().map(|e| e.to_string()).collect()),
            ..Default::default()
        };
        WebhookEndpoint::create(params, false, 1)
    }

    #[test]
    fn a_new_endpoint_has_a_secret_and_listens_to_its_events() {
        let endpoint = create("https://example.com/hook", &["invoice.paid"]).unwrap();
        assert!(endpoint.engine.secret.starts_with("whsec_") && endpoint.engine.secret.len() > 30);
        assert!(endpoint.receives("invoice.paid", false));
        assert!(!endpoint.receives("invoice.created", false));
        assert!(!endpoint.receives("invoice.paid", true), "connected accounts' events need connect=true");
    }

    #[test]
    fn bad_urls_and_event_names_are_refused_with_their_param() {
        assert_eq!(create("example.com", &["*"]).unwrap_err().param.as_deref(), Some("url"));
        assert_eq!(create("https://e.com", &[]).unwrap_err().param.as_deref(), Some("enabled_events"));
        let error = create("https://e.com", &["*", "Invoice Paid"]).unwrap_err();
        assert_eq!(error.param.as_deref(), Some("enabled_events[1]"));
    }

    #[test]
    fn a_disabled_endpoint_receives_nothing_and_a_refused_update_changes_nothing() {
        let mut endpoint = create("https://example.com/hook", &["*"]).unwrap();
        endpoint.update(WebhookEndpointUpdate { disabled: Some(true), ..Default::default() }).unwrap();
        assert!(!endpoint.receives("customer.created", false));
        let refused = WebhookEndpointUpdate { disabled: Some(false), url: Some("nope".into()), ..Default::default() };
        assert!(endpoint.update(refused).is_err());
        assert_eq!(endpoint.status, Status::Disabled);
    }
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn the_registry_lists_enabled_endpoints_and_routes_events_by_type_and_connect() {
        let params = |events: &[&str], connect| WebhookEndpointCreate {
            url: Some("https://example.com/hook".into()),
            enabled_events: Some(events.iter().map(|e| e.to_string()).collect()),
            connect: Some(connect),
            ..Default::default()
        };
        let own = WebhookEndpoint::create(params(&["invoice.paid"], false), false, 1).unwrap();
        let platform = WebhookEndpoint::create(params(&["*"], true), false, 1).unwrap();
        let mut off = WebhookEndpoint::create(params(&["*"], false), false, 1).unwrap();
        off.status = Status::Disabled;
        let registry = WebhookRegistry::of("acct_1", &[own.clone(), platform.clone(), off], 1);
        assert_eq!(registry.endpoints.len(), 2);
        let ids = |kind, connected| registry.targets(kind, connected).map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids("invoice.paid", false), vec![own.id.clone()]);
        assert!(ids("customer.created", false).is_empty());
        assert_eq!(ids("customer.created", true), vec![platform.id]);
    }
}
