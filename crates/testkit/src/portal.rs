//! Driving the customer portal over HTTP the way a browser without JavaScript does: open a session link,
//! keep its cookie, GET pages, submit forms with the page's own CSRF token. Pages are parsed (`scraper`) so
//! tests select elements by their `data-test` marks instead of searching text.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use scraper::{Html, Selector};

/// A customer's browser inside one portal session.
#[derive(Clone)]
pub struct Portal {
    http: reqwest::Client,
    /// `http://127.0.0.1:port`: paths are relative to it.
    origin: String,
    /// `portico_portal=…`
    pub cookie: String,
}

/// One answer: status, headers and body, with the parsed document.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("HTTP client")
}

impl Portal {
    /// Opens a session's `url` (from `POST /v1/billing_portal/sessions`): keeps the cookie it sets.
    pub async fn open(url: &str) -> Portal {
        let response = http().get(url).send().await.expect("open the session link");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "opening {url}");
        let cookie = response.headers()[SET_COOKIE].to_str().expect("cookie").split(';').next().expect("pair");
        let origin = url.split("/p/").next().expect("a portal URL").to_owned();
        Portal { http: http(), origin, cookie: cookie.to_owned() }
    }

    /// The same browser with another cookie (another customer's session, a forged one).
    pub fn with_cookie(&self, cookie: &str) -> Portal {
        Portal { cookie: cookie.to_owned(), ..self.clone() }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.origin) }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.http.get(self.url(path)).header("cookie", &self.cookie).send().await.expect("GET");
        Page::from(response).await
    }

    /// POSTs `fields` as a form, exactly as given (no CSRF token added).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = fields
            .iter()
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .http
            .post(self.url(path))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        Page::from(response).await
    }

    /// Submits the form of `page` selected by `form` (a CSS selector): its hidden fields (the CSRF token
    /// among them) plus `fields`, to its `action`.
    pub async fn submit(&self, page: &Page, form: &str, fields: &[(&str, &str)]) -> Page {
        let document = page.document();
        let selector = Selector::parse(form).expect("form selector");
        let element = document.select(&selector).next().unwrap_or_else(|| panic!("no form {form} in:\n{}", page.body));
        let action = element.value().attr("action").expect("form action").to_owned();
        let hidden = Selector::parse("input[type=hidden]").expect("selector");
        let mut all: Vec<(String, String)> = element
            .select(&hidden)
            .filter_map(|input| Some((input.value().attr("name")?.to_owned(), input.value().attr("value")?.to_owned())))
            .filter(|(name, _)| !fields.iter().any(|(given, _)| given == name))
            .collect();
        all.extend(fields.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        let borrowed: Vec<(&str, &str)> = all.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        self.post(&action, &borrowed).await
    }
}

impl Page {
    async fn from(response: reqwest::Response) -> Page {
        let (status, headers) = (response.status(), response.headers().clone());
        Page { status, headers, body: response.text().await.expect("body") }
    }

    pub fn document(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Texts of the elements matching `selector`, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("selector");
        self.document()
            .select(&selector)
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// Text of the one element marked `data-test="{name}"`, if present.
    pub fn marked(&self, name: &str) -> Option<String> {
        self.texts(&format!("[data-test=\"{name}\"]")).into_iter().next()
    }

    /// Attribute `attribute` of the first element matching `selector`.
    pub fn attr(&self, selector: &str, attribute: &str) -> Option<String> {
        let selector = Selector::parse(selector).expect("selector");
        self.document().select(&selector).next()?.value().attr(attribute).map(str::to_owned)
    }

    /// Where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION)?.to_str().ok()
    }

    /// Every portal answer refuses framing.
    pub fn assert_unframeable(&self) {
        let policy = self.headers["content-security-policy"].to_str().expect("CSP");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(self.headers["x-frame-options"], "DENY");
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
