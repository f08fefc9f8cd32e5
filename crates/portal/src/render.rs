//! Turning a page into a response: the shared chrome every page's layout needs, and the headers every HTML
//! response carries. Each response gets a fresh CSP nonce for its one inline `<style>` (the brand colours);
//! nothing else inline runs and nothing loads from another origin.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_core::ids;

use crate::branding::Brand;
use crate::context::Visit;
use crate::i18n::Lang;

/// What the layout shows around every page.
pub struct Chrome {
    pub lang: Lang,
    pub brand: Brand,
    /// The portal's root path (`/p/`, below any prefix of the public URL): every link starts here.
    pub root: String,
    pub nonce: String,
    pub csrf: String,
    pub return_url: Option<String>,
    pub headline: String,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
    /// False inside a deep-link flow, which hides the way to the rest of the portal.
    pub navigation: bool,
}

impl Chrome {
    pub fn of(visit: &Visit) -> Chrome {
        let profile = &visit.configuration.business_profile;
        let return_url = visit.session.return_url.clone().or_else(|| visit.configuration.default_return_url.clone());
        let headline = match profile.headline.clone().filter(|h| !h.trim().is_empty()) {
            Some(headline) => headline,
            None if visit.brand.business_name.is_empty() => String::new(),
            None => visit.lang.t1("headline-default", "business", &visit.brand.business_name),
        };
        Chrome {
            lang: visit.lang.clone(),
            brand: visit.brand.clone(),
            root: crate::cookie::portal_path(&visit.state.public_url),
            nonce: ids::random_base62(22),
            csrf: visit.csrf.clone(),
            return_url,
            headline,
            terms_url: profile.terms_of_service_url.clone(),
            privacy_url: profile.privacy_policy_url.clone(),
            navigation: crate::flows::active(visit).is_none(),
        }
    }

    /// "Return to {business}", or "Return to the website" when the business has no name on file.
    pub fn return_label(&self) -> String {
        if self.brand.business_name.is_empty() {
            self.lang.t("return-to-site")
        } else {
            self.lang.t1("return-to", "business", &self.brand.business_name)
        }
    }

    /// Chrome for a page shown without a session (an unknown or expired link): no merchant, no forms.
    pub fn bare(lang: Lang, root: String) -> Chrome {
        Chrome {
            lang,
            brand: Brand::of(None),
            root,
            nonce: ids::random_base62(22),
            csrf: String::new(),
            return_url: None,
            headline: String::new(),
            terms_url: None,
            privacy_url: None,
            navigation: false,
        }
    }
}

/// Pages: each template struct holds its [`Chrome`].
pub trait Page: Template {
    fn chrome(&self) -> &Chrome;
}

/// `page` rendered with `status` and the portal's HTML headers.
pub fn html<P: Page>(status: StatusCode, page: &P) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            if let Ok(policy) = HeaderValue::from_str(&policy(&page.chrome().nonce)) {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "portal page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
        }
    }
}

/// The page's Content-Security-Policy: its own origin only, images also from `data:` URLs (merchant icons),
/// the one nonce'd style element, never framed. `form-action` is left open on purpose: a form's redirect to
/// the merchant's return URL counts as a form action in Chromium.
fn policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; script-src 'self'; \
         connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// A redirect after a form post (303: the browser follows with GET).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
