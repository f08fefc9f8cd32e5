//! Checking the URLs merchants give Portico (webhook endpoints, portal return URLs and policy links).

use crate::error::{ParamCode, ParamError};

/// An absolute `http` or `https` URL with a host and no whitespace: what Stripe accepts where it asks for a URL
/// (`url_invalid` otherwise).
pub fn check(param: &str, value: &str) -> Result<(), ParamError> {
    let invalid = || ParamError::new(ParamCode::UrlInvalid, param, format!("Not a valid URL: {value}"));
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")).ok_or_else(invalid)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let name = host
        .strip_prefix('[')
        .map_or_else(|| host.split(':').next().unwrap_or_default(), |v6| v6.split(']').next().unwrap_or_default());
    if name.is_empty() || value.chars().any(char::is_whitespace) || value.len() > 5000 {
        return Err(invalid());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn absolute_http_urls_with_a_host_pass() {
        for url in ["https://example.com", "http://localhost:3000/hook", "https://a.b/c?d=e#f", "http://[::1]:8080/x"] {
            assert!(check("url", url).is_ok(), "{url}");
        }
    }

    #[test]
    fn everything_else_is_url_invalid() {
        for url in [
            "",
            "example.com",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "javascript:alert(1)",
        ] {
            let error = check("url", url).unwrap_err();
            assert_eq!(error.code.as_str(), Some("url_invalid"), "{url}");
            assert_eq!(error.param.as_deref(), Some("url"));
        }
    }
}
