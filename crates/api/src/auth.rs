//! Secret-key authentication (Bearer or Basic, as Stripe accepts) and `Stripe-Account` selection.
//! https://docs.stripe.com/api/authentication

use axum::http::{HeaderMap, StatusCode, header};
use portico_core::Scope;
use portico_store::{KeyOwner, Tx};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorType};
use crate::state::AppState;

/// Keys are stored and compared as SHA-256 hashes, so the database never holds a usable key.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The secret key from `Authorization: Bearer sk_…` or `Authorization: Basic base64(sk_…:)`.
fn presented_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64_decode(credentials)?;
        let decoded = String::from_utf8(decoded).ok()?;
        return Some(decoded.split_once(':').map_or(decoded.clone(), |(user, _)| user.to_owned()));
    }
    None
}

fn base64_decode(input: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in input.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET.iter().position(|c| *c == byte)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Who the request's key belongs to, or Stripe's 401.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<KeyOwner, ApiError> {
    let Some(key) = presented_key(headers).filter(|key| !key.is_empty()) else {
        return Err(ApiError::missing_api_key());
    };
    let key_hash = hash_key(&key);
    if let Some(owner) = state.keys.get(&key_hash) {
        return Ok(owner);
    }
    let mut tx = state.store.begin_read().await?;
    let owner = tx.key_owner(&key_hash).await?.ok_or_else(|| ApiError::invalid_api_key(&key))?;
    state.keys.put(key_hash, owner.clone());
    Ok(owner)
}

/// The connected account `Stripe-Account` names, after checking the key's account controls it.
pub async fn connected_account(
    tx: &mut dyn Tx,
    owner: &KeyOwner,
    headers: &HeaderMap,
) -> Result<Option<String>, ApiError> {
    let Some(requested) = headers.get("stripe-account").and_then(|v| v.to_str().ok()).map(str::trim) else {
        return Ok(None);
    };
    if requested == owner.account {
        return Ok(None);
    }
    let platform = Scope { account: owner.account.clone(), livemode: owner.livemode };
    if tx.get_json_committed(&platform, "account", requested).await?.is_some() {
        return Ok(Some(requested.to_owned()));
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorType::InvalidRequestError,
        Some("account_invalid"),
        format!(
            "The provided key does not have access to account '{requested}' (or that account does not exist). Application access may have been revoked."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_uses_the_username_as_the_key() {
        let mut headers = HeaderMap::new();
        // base64("sk_test_123:")
        headers.insert(header::AUTHORIZATION, "Basic c2tfdGVzdF8xMjM6".parse().unwrap());
        assert_eq!(presented_key(&headers).as_deref(), Some("sk_test_123"));
        headers.insert(header::AUTHORIZATION, "Bearer sk_test_456".parse().unwrap());
        assert_eq!(presented_key(&headers).as_deref(), Some("sk_test_456"));
    }
}
