//! The bearer tokens of a portal session: the secret in the session's URL, and the cookie the portal sets
//! once the URL is opened (so the secret leaves the address bar). Both are stored only as hashes, each in a
//! small index row whose id is the hash, so a token finds its session in one read.
//!
//! A token reads `test_{account}_{random}` (`live_` in live mode), as Stripe's session URLs start with `test_`:
//! the account and mode say which scope to look in; the 32 base62 characters (190 bits) are the secret.

use serde::{Deserialize, Serialize};

use crate::objects::Object;
use crate::{Scope, Timestamp, ids};

/// Random characters in a token: 32 base62 characters carry 190 bits, well above the 128 required.
const RANDOM_CHARS: usize = 32;

/// A new token for a session of `scope`.
pub fn mint(scope: &Scope) -> String {
    let mode = if scope.livemode { "live" } else { "test" };
    format!("{mode}_{}_{}", scope.account, ids::random_base62(RANDOM_CHARS))
}

/// The scope a token belongs to, or `None` when it is not a token Portico could have made.
pub fn scope_of(token: &str) -> Option<Scope> {
    let (mode, rest) = token.split_once('_')?;
    let livemode = match mode {
        "test" => false,
        "live" => true,
        _ => return None,
    };
    let (account, random) = rest.rsplit_once('_')?;
    let well_formed = account.starts_with("acct_")
        && account.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && random.len() == RANDOM_CHARS
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then(|| Scope { account: account.to_owned(), livemode })
}

/// Finds a session from the hash of its URL's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlKey {
    /// SHA-256 (hex) of the secret.
    pub id: String,
    pub session: String,
    pub created: Timestamp,
}

impl Object for UrlKey {
    const KIND: &'static str = "billing_portal.session_url";
    const PREFIX: &'static str = "bps";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

/// Finds a session from the hash of a portal cookie; one per opening of the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookieKey {
    /// SHA-256 (hex) of the cookie's token.
    pub id: String,
    pub session: String,
    pub created: Timestamp,
}

impl Object for CookieKey {
    const KIND: &'static str = "billing_portal.session_cookie";
    const PREFIX: &'static str = "bps";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_names_its_scope_and_carries_32_random_characters() {
        for livemode in [false, true] {
            let scope = Scope { account: "acct_1Abc".into(), livemode };
            let token = mint(&scope);
            assert!(token.starts_with(if livemode { "live_acct_1Abc_" } else { "test_acct_1Abc_" }));
            assert_eq!(token.rsplit_once('_').unwrap().1.len(), RANDOM_CHARS);
            assert_eq!(scope_of(&token), Some(scope.clone()));
            assert_ne!(mint(&scope), token);
        }
    }

    #[test]
    fn tokens_portico_never_made_name_no_scope() {
        let random = "a".repeat(RANDOM_CHARS);
        for bad in [
            String::new(),
            format!("prod_acct_1_{random}"),
            format!("test_cus_1_{random}"),
            format!("test_acct_1_{}", "a".repeat(RANDOM_CHARS - 1)),
            format!("test_acct_1_{}!", "a".repeat(RANDOM_CHARS - 1)),
            format!("test_acct/../x_{random}"),
            "test_acct_1".into(),
        ] {
            assert_eq!(scope_of(&bad), None, "{bad}");
        }
    }
}
