//! The portal's session cookie. Opening a session URL trades its secret for this cookie, so the secret
//! leaves the address bar (and the browser history) at once; the cookie carries a token of its own.

use axum::http::{HeaderMap, HeaderValue, header};

const NAME: &str = "portico_portal";

/// The cookie's token, if the request carries one.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(NAME)?.strip_prefix('=').map(str::to_owned))
        .filter(|token| !token.is_empty())
}

/// `Set-Cookie` for `token`: unreadable by scripts, not sent on cross-site subrequests, only over HTTPS when
/// the portal is served over HTTPS, and only to the portal's own paths. No expiry: the server decides when
/// the session ends, whatever the browser keeps.
pub fn set(token: &str, public_url: &str) -> Option<HeaderValue> {
    let secure = if public_url.starts_with("https://") { "; Secure" } else { "" };
    let value = format!("{NAME}={token}; Path={}; HttpOnly; SameSite=Lax{secure}", portal_path(public_url));
    HeaderValue::from_str(&value).ok()
}

/// Where the portal lives under the public URL: `/p/`, below any path prefix a proxy adds.
pub fn portal_path(public_url: &str) -> String {
    let after_scheme = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let prefix = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    format!("{}/p/", prefix.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; portico_portal=test_acct_1_abc; b=2"));
        assert_eq!(token(&headers).as_deref(), Some("test_acct_1_abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("portico_portalx=1; portico_portal="));
        assert_eq!(token(&headers), None);
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_over_https() {
        let plain = set("tok", "http://127.0.0.1:8080").unwrap();
        assert_eq!(plain, "portico_portal=tok; Path=/p/; HttpOnly; SameSite=Lax");
        let secure = set("tok", "https://billing.example.com/portico/").unwrap();
        assert_eq!(secure, "portico_portal=tok; Path=/portico/p/; HttpOnly; SameSite=Lax; Secure");
    }
}
