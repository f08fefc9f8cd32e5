//! The portal's pages, for now three tiny ones: the home page that names the customer, and the pages for a
//! link that is unknown or expired. Deliberately minimal: the real portal UI (templates, localization,
//! branding) arrives with the next issue and replaces these.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A complete HTML page with `status`.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
         <body><main>{body}</main></body></html>\n",
        escape(title)
    );
    let mut response = (status, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// The portal's home page for `customer` (a name, else an email, else the id).
pub fn home(customer: &str) -> Response {
    let body = format!(
        "<h1>Billing portal</h1><p>Signed in as <strong data-test=\"customer\">{}</strong>.</p>",
        escape(customer)
    );
    page(StatusCode::OK, "Billing portal", &body)
}

/// A link that leads to no session: never issued, mistyped, or a cookie from another installation.
pub fn unknown() -> Response {
    let body = "<h1 data-test=\"session-unknown\">This link is not valid</h1>\
                <p>Ask for a new link to your billing portal where you found this one.</p>";
    page(StatusCode::UNAUTHORIZED, "Link not valid", body)
}

/// A session that has expired; `return_url` leads back to the merchant, who can make a new one.
pub fn expired(return_url: Option<&str>) -> Response {
    let back = return_url.map_or(String::new(), |url| {
        format!("<p><a data-test=\"return\" href=\"{}\">Return to the website</a></p>", escape(url))
    });
    let body = format!(
        "<h1 data-test=\"session-expired\">This session has expired</h1>\
         <p>For your security, billing portal sessions end after a period of inactivity.</p>{back}"
    );
    page(StatusCode::GONE, "Session expired", &body)
}

/// Something failed on our side; already logged.
pub fn unavailable() -> Response {
    let body = "<h1>Something went wrong</h1><p>Please try again in a moment.</p>";
    page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", body)
}

/// Text safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_names_and_urls_is_escaped() {
        assert_eq!(escape("<b>\"Jo\" & 'Al'</b>"), "&lt;b&gt;&quot;Jo&quot; &amp; &#39;Al&#39;&lt;/b&gt;");
    }
}
