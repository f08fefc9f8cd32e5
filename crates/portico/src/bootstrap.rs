//! First start: create the platform account and its secret key. Later starts change nothing unless
//! `PORTICO_SECRET_KEY` pins a key, which is then (re)registered.

use portico_api::auth::hash_key;
use portico_core::objects::account::{Account, AccountCreate};
use portico_core::{Scope, ids};
use portico_store::{KeyOwner, Store, StoreError, TxExt};

const PLATFORM_ACCOUNT: &str = "platform_account";
const CARD_FINGERPRINT_KEY: &str = "card_fingerprint_key";

pub struct Bootstrapped {
    pub platform_account: String,
    /// Keys card fingerprints, so a fingerprint cannot be reversed by trying card numbers; shared by every
    /// node through the database.
    pub card_fingerprint_key: String,
    /// A key generated on this start; shown once, never stored in clear.
    pub generated_key: Option<String>,
}

/// Makes sure the platform account exists and that `pinned_key` (if any) authenticates as it.
pub async fn bootstrap(store: &dyn Store, pinned_key: Option<&str>, now: i64) -> Result<Bootstrapped, StoreError> {
    if let Some(key) = pinned_key
        && !(key.starts_with("sk_test_") || key.starts_with("sk_live_"))
    {
        return Err(StoreError::Config("PORTICO_SECRET_KEY must start with sk_test_ or sk_live_".into()));
    }
    let mut tx = store.begin_write().await?;
    let (platform_account, first_start) = match tx.setting(PLATFORM_ACCOUNT).await? {
        Some(account) => (account, false),
        None => {
            let account = Account::create(AccountCreate::default(), now).map_err(|e| StoreError::Config(e.message))?;
            for livemode in [false, true] {
                tx.create(&Scope { account: account.id.clone(), livemode }, &account).await?;
            }
            tx.set_setting(PLATFORM_ACCOUNT, &account.id).await?;
            (account.id, true)
        }
    };
    let card_fingerprint_key = match tx.setting(CARD_FINGERPRINT_KEY).await? {
        Some(key) => key,
        None => {
            let key = ids::random_base62(43);
            tx.set_setting(CARD_FINGERPRINT_KEY, &key).await?;
            key
        }
    };
    let mut generated_key = None;
    let key = match pinned_key {
        Some(key) => Some(key.to_owned()),
        None if first_start => {
            let key = format!("sk_test_{}", ids::random_base62(48));
            generated_key = Some(key.clone());
            Some(key)
        }
        None => None,
    };
    if let Some(key) = key {
        let owner = KeyOwner { account: platform_account.clone(), livemode: key.starts_with("sk_live_") };
        tx.put_api_key(&hash_key(&key), &owner, now).await?;
    }
    tx.commit().await?;
    Ok(Bootstrapped { platform_account, card_fingerprint_key, generated_key })
}
