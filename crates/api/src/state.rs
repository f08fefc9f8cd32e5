use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use portico_core::Scope;
use portico_core::objects::Object as _;
use portico_core::objects::webhook_endpoint::WebhookRegistry;
use portico_core::processor::Processor;
use portico_store::{KeyOwner, Store, StoreError, Tx, TxExt as _};

/// What every API request can reach. Holds no state another Portico node would need: the key cache only
/// remembers what the database said a moment ago, the registry cache only what the store vouches is current.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub processor: Arc<dyn Processor>,
    /// Base of the URLs Portico hands out (portal links, file links).
    pub public_url: String,
    /// Secret that keys card fingerprints (with the account id), stored in the database at first start.
    pub card_fingerprint_key: Arc<str>,
    /// How failed invoice payments are retried and what happens when the retries run out.
    pub billing: Arc<BillingSettings>,
    /// Wakes the scheduler early (a test clock was asked to advance).
    pub scheduler: Arc<tokio::sync::Notify>,
    /// How webhook deliveries are retried and timed out.
    pub webhook_settings: Arc<WebhookSettings>,
    /// Wakes the webhook worker early (an event has deliveries waiting).
    pub webhooks: Arc<tokio::sync::Notify>,
    /// How long customer-portal sessions live (unopened, and idle once opened).
    pub portal_sessions: portico_core::objects::billing_portal::session::Lifetime,
    /// The installation's platform account: every other account is one of its connected accounts.
    pub platform_account: Option<Arc<str>>,
    pub(crate) keys: Arc<KeyCache>,
    pub(crate) registries: Arc<RegistryCache>,
}

impl AppState {
    /// State with a fresh random fingerprint key; use [`AppState::with_card_fingerprint_key`] to share the
    /// installation's key so every node computes the same fingerprints.
    pub fn new(store: Arc<dyn Store>, processor: Arc<dyn Processor>, public_url: String) -> Self {
        let card_fingerprint_key = portico_core::ids::random_base62(43).into();
        Self {
            store,
            processor,
            public_url,
            card_fingerprint_key,
            billing: Arc::default(),
            scheduler: Arc::default(),
            webhook_settings: Arc::default(),
            webhooks: Arc::default(),
            portal_sessions: Default::default(),
            platform_account: None,
            keys: Arc::default(),
            registries: Arc::default(),
        }
    }

    pub fn with_card_fingerprint_key(mut self, key: &str) -> Self {
        self.card_fingerprint_key = key.into();
        self
    }

    /// Names the platform account, so that work done outside a request (renewals, a test clock's advance) on
    /// another account is done as its platform acting on it: its events name the account and go to the
    /// platform's Connect endpoints, as a request with `Stripe-Account` does.
    pub fn with_platform_account(mut self, account: &str) -> Self {
        self.platform_account = Some(account.into());
        self
    }
}

/// The account-wide dunning settings Stripe keeps in its dashboard (Portico: one set per installation).
#[derive(Debug, Clone, Default)]
pub struct BillingSettings {
    pub retries: portico_core::billing::invoicing::RetrySchedule,
    pub after_retries: portico_core::billing::invoicing::DunningOutcome,
}

/// Webhook delivery settings: Stripe's retry policy by default; tests compress it.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub retries: portico_core::webhooks::RetryPolicy,
    /// How long a receiver has to answer one delivery.
    pub timeout: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self { retries: Default::default(), timeout: Duration::from_secs(10) }
    }
}

/// Recently authenticated key hashes, so a request does not pay a database round trip to authenticate.
#[derive(Default)]
pub(crate) struct KeyCache {
    entries: RwLock<HashMap<String, (KeyOwner, Instant)>>,
}

const KEY_CACHE_TTL: Duration = Duration::from_secs(30);

impl KeyCache {
    pub(crate) fn get(&self, key_hash: &str) -> Option<KeyOwner> {
        let entries = self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(key_hash).filter(|(_, at)| at.elapsed() < KEY_CACHE_TTL).map(|(owner, _)| owner.clone())
    }

    pub(crate) fn put(&self, key_hash: String, owner: KeyOwner) {
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() > 10_000 {
            entries.clear();
        }
        entries.insert(key_hash, (owner, Instant::now()));
    }
}

/// Accounts' webhook registries, so that an event does not read its account's: a copy is used while the store's
/// count of registry writes (`Tx::committed_version`) is where it was when the copy was read. On SQLite that read
/// was a tenth of a create's CPU (a reader's page cache starts cold after every commit). Nothing is kept here where
/// the store cannot count (PostgreSQL, whose other nodes write too): that store keeps copies it checks at commit.
#[derive(Default)]
pub(crate) struct RegistryCache {
    entries: RwLock<HashMap<Scope, (u64, Arc<WebhookRegistry>)>>,
}

/// Past this many accounts the cache starts over rather than grow without bound.
const REGISTRY_CACHE_ACCOUNTS: usize = 10_000;

impl RegistryCache {
    /// The registry of `scope`'s account (empty when it has none).
    pub(crate) async fn get(&self, tx: &mut dyn Tx, scope: &Scope) -> Result<Arc<WebhookRegistry>, StoreError> {
        let version = tx.committed_version(WebhookRegistry::KIND);
        if let Some(version) = version
            && let Some(copy) = self.current(scope, version)
        {
            return Ok(copy);
        }
        let registry = Arc::new(tx.load_committed::<WebhookRegistry>(scope, &scope.account).await?.unwrap_or_default());
        if let Some(version) = version {
            let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            if entries.len() >= REGISTRY_CACHE_ACCOUNTS {
                entries.clear();
            }
            entries.insert(scope.clone(), (version, registry.clone()));
        }
        Ok(registry)
    }

    fn current(&self, scope: &Scope, version: u64) -> Option<Arc<WebhookRegistry>> {
        let entries = self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(scope).filter(|(at, _)| *at == version).map(|(_, registry)| registry.clone())
    }
}
