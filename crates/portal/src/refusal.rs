//! Why a request gets no portal page, and the localized page it gets instead.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portico_store::StoreError;

use crate::i18n::Lang;
use crate::render::{self, Chrome, Page};

#[derive(Debug)]
enum Reason {
    /// A link or cookie that leads to no session: never issued, mistyped, from another installation.
    Unknown,
    /// `login_url`: the configuration's login page, when the session allows signing in again after it ends.
    Expired {
        return_url: Option<String>,
        login_url: Option<String>,
    },
    /// The configuration's login page, whose email sign-in is not built yet.
    SignInUnavailable,
    /// A form without this session's CSRF token.
    Forged,
    /// An id that is not the session customer's (or does not exist): the same answer for both.
    NotFound,
    Failed,
}

#[derive(Debug)]
pub struct Refusal {
    reason: Reason,
    accept_language: Option<String>,
}

impl Refusal {
    pub fn unknown(accept_language: Option<&str>) -> Refusal {
        Refusal { reason: Reason::Unknown, accept_language: accept_language.map(str::to_owned) }
    }

    pub fn expired(return_url: Option<String>, login_url: Option<String>, accept_language: Option<&str>) -> Refusal {
        let reason = Reason::Expired { return_url, login_url };
        Refusal { reason, accept_language: accept_language.map(str::to_owned) }
    }

    pub fn sign_in_unavailable(accept_language: Option<&str>) -> Refusal {
        Refusal { reason: Reason::SignInUnavailable, accept_language: accept_language.map(str::to_owned) }
    }

    pub fn forged() -> Refusal {
        Refusal { reason: Reason::Forged, accept_language: None }
    }

    pub fn not_found() -> Refusal {
        Refusal { reason: Reason::NotFound, accept_language: None }
    }

    /// Something failed on our side: logged here, once; the customer gets a generic page.
    pub fn failed(error: impl std::fmt::Display) -> Refusal {
        tracing::error!(%error, "portal request failed");
        Refusal { reason: Reason::Failed, accept_language: None }
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        Refusal::failed(error)
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    chrome: Chrome,
    test_id: &'static str,
    title: String,
    text: String,
    /// `(data-test, href, label)` of each way on, most helpful first.
    links: Vec<(&'static str, String, String)>,
}

impl Page for Message {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let lang = Lang::negotiate(None, &[], self.accept_language.as_deref());
        let (status, test_id, title, text, links) = match self.reason {
            Reason::Unknown => (
                StatusCode::UNAUTHORIZED,
                "session-unknown",
                lang.t("session-unknown-title"),
                lang.t("session-unknown-text"),
                Vec::new(),
            ),
            Reason::Expired { return_url, login_url } => (
                StatusCode::GONE,
                "session-expired",
                lang.t("session-expired-title"),
                lang.t("session-expired-text"),
                login_url
                    .map(|url| ("login", url, lang.t("session-expired-login")))
                    .into_iter()
                    .chain(return_url.map(|url| ("return", url, lang.t("session-expired-return"))))
                    .collect(),
            ),
            Reason::SignInUnavailable => (
                StatusCode::NOT_IMPLEMENTED,
                "sign-in-unavailable",
                lang.t("sign-in-unavailable-title"),
                lang.t("sign-in-unavailable-text"),
                Vec::new(),
            ),
            Reason::Forged => (
                StatusCode::FORBIDDEN,
                "form-forged",
                lang.t("form-forged-title"),
                lang.t("form-forged-text"),
                Vec::new(),
            ),
            Reason::NotFound => {
                (StatusCode::NOT_FOUND, "not-found", lang.t("not-found-title"), lang.t("not-found-text"), Vec::new())
            }
            Reason::Failed => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "unavailable",
                lang.t("unavailable-title"),
                lang.t("unavailable-text"),
                Vec::new(),
            ),
        };
        let page = Message { chrome: Chrome::bare(lang, "/p/".into()), test_id, title, text, links };
        render::html(status, &page)
    }
}
