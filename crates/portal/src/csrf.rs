//! CSRF tokens for portal forms. The token is an HMAC of the session cookie's own secret: a page from
//! another site can neither read the HttpOnly cookie nor compute the token, and nothing needs storing. The
//! cookie's `SameSite=Lax` already keeps it off cross-site POSTs; the token is the second, independent lock.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The form field every portal form carries.
pub const FIELD: &str = "csrf_token";

fn mac(cookie_token: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(cookie_token.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(b"portico portal form");
    mac
}

/// The token for forms shown to the holder of `cookie_token`.
pub fn token(cookie_token: &str) -> String {
    hex::encode(mac(cookie_token).finalize().into_bytes())
}

/// Whether `submitted` is the token of `cookie_token`, compared in constant time.
pub fn verify(cookie_token: &str, submitted: &str) -> bool {
    hex::decode(submitted).is_ok_and(|bytes| mac(cookie_token).verify_slice(&bytes).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_own_session() {
        let mine = token("test_acct_1_aaa");
        assert!(verify("test_acct_1_aaa", &mine));
        assert!(!verify("test_acct_1_bbb", &mine));
        assert!(!verify("test_acct_1_aaa", ""));
        assert!(!verify("test_acct_1_aaa", "not hex"));
        assert!(!verify("test_acct_1_aaa", &mine[..32]));
    }
}
