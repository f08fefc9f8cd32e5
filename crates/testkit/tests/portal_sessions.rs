//! Customer-portal sessions over real HTTP, on both backends: the link trades its secret for a cookie, the
//! server enforces the session's lifetime (shortened here to seconds), portal pages cannot be framed, and the
//! secret is stored and published nowhere but in the create response.

use std::time::Duration;

use portico_core::objects::billing_portal::session::Lifetime;
use portico_testkit::{Backend, Client, TestServer, both_backends, spawn_configured};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::Value;

/// A link never opened lives 2 s; an opened session 3 s after the latest request.
const SHORT: Lifetime = Lifetime { unused_secs: 2, idle_secs: 3 };

/// Runs a test body on a server with [`SHORT`] session lifetimes, once per backend.
macro_rules! with_short_sessions {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                ($body)(short_lived(Backend::Sqlite).await).await;
            }

            #[tokio::test]
            async fn postgres() {
                ($body)(short_lived(Backend::Postgres).await).await;
            }
        }
    };
}

async fn short_lived(backend: Backend) -> TestServer {
    spawn_configured(backend, |state| state.portal_sessions = SHORT).await
}

/// A browser that follows no redirects and keeps no cookies: each test handles both by hand.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn visit(url: &str, cookie: Option<&str>) -> Page {
    let mut request = browser().get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    Page { status, headers, body: response.text().await.unwrap() }
}

/// Every portal answer refuses to be framed.
fn assert_unframeable(page: &Page) {
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(page.headers["x-frame-options"], "DENY");
}

/// The text of the element marked `data-test="{name}"` on a portal page, if there is one.
fn marked(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("data-test=\"{name}\""))?;
    let text = &body[start..];
    let open = text.find('>')? + 1;
    let close = text[open..].find('<')?;
    Some(text[open..open + close].to_owned())
}

/// The `href` of the link marked `data-test="{name}"`.
fn href(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("data-test=\"{name}\""))?;
    let tag = &body[body[..start].rfind('<')?..start + body[start..].find('>')?];
    let value = tag.split("href=\"").nth(1)?;
    Some(value[..value.find('"')?].to_owned())
}

async fn customer(client: &Client, name: &str) -> String {
    let created = client.post("/v1/customers", &[("name", name), ("email", "jenny@example.com")]).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn session(client: &Client, customer: &str) -> Value {
    session_with(client, customer, &[]).await
}

/// A session for `customer` returning to `https://example.com/account`, with `more` parameters.
async fn session_with(client: &Client, customer: &str, more: &[(&str, &str)]) -> Value {
    let mut form = vec![("customer", customer), ("return_url", "https://example.com/account")];
    form.extend_from_slice(more);
    let created = client.post("/v1/billing_portal/sessions", &form).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    created.body
}

/// Opens a session's URL: the `portico_portal=…` cookie it sets and where it sends the browser.
async fn open(url: &str) -> (String, String) {
    let page = visit(url, None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_unframeable(&page);
    let set_cookie = page.headers[SET_COOKIE].to_str().unwrap().to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    (cookie, page.headers[LOCATION].to_str().unwrap().to_owned())
}

async fn sleep_secs(secs: f64) {
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
}

with_short_sessions!(a_link_never_opened_expires_after_the_unused_lifetime, |server: TestServer| async move {
    let client = server.client();
    let customer = customer(&client, "Jenny Rosen").await;
    let fresh = session(&client, &customer).await;
    let stale = session(&client, &customer).await;
    // Still inside the two seconds: the link opens, and is used a little later.
    let (cookie, location) = open(fresh["url"].as_str().unwrap()).await;
    sleep_secs(1.2).await;
    assert_eq!(visit(&location, Some(&cookie)).await.status, StatusCode::OK);
    sleep_secs(1.1).await;
    let expired = visit(stale["url"].as_str().unwrap(), None).await;
    assert_eq!(expired.status, StatusCode::GONE, "{}", expired.body);
    assert_unframeable(&expired);
    assert!(marked(&expired.body, "session-expired").is_some(), "{}", expired.body);
    assert_eq!(href(&expired.body, "return").as_deref(), Some("https://example.com/account"), "{}", expired.body);
    assert!(expired.headers.get(SET_COOKIE).is_none());
    // The opened one lives on its idle lifetime (3 s after its latest use), not the unused one.
    let home = visit(&location, Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
});

with_short_sessions!(
    an_expired_session_offers_the_login_page_when_it_allows_signing_in_again,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer(&client, "Jenny Rosen").await;
        let configuration = client
            .post(
                "/v1/billing_portal/configurations",
                &[("features[invoice_history][enabled]", "true"), ("login_page[enabled]", "true")],
            )
            .await;
        assert_eq!(configuration.status, 200, "{:?}", configuration.body);
        let login_url = configuration.body["login_page"]["url"].as_str().unwrap().to_owned();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let deadline = (now + 1).to_string();
        let bpc = configuration.body["id"].as_str().unwrap();
        let login = ("after_expiration[type]", "customer_login");
        let open_ended = session_with(&client, &customer, &[("configuration", bpc), login]).await;
        let until_soon = session_with(
            &client,
            &customer,
            &[("configuration", bpc), login, ("after_expiration[customer_login][expires_at]", &deadline)],
        )
        .await;
        let without = session_with(&client, &customer, &[("configuration", bpc)]).await;
        sleep_secs(2.3).await;
        let expired = visit(open_ended["url"].as_str().unwrap(), None).await;
        assert_eq!(expired.status, StatusCode::GONE, "{}", expired.body);
        assert_eq!(href(&expired.body, "login").as_deref(), Some(login_url.as_str()), "{}", expired.body);
        assert_eq!(href(&expired.body, "return").as_deref(), Some("https://example.com/account"));
        // Past `after_expiration[customer_login][expires_at]`, or never asked for: only the way back.
        for session in [until_soon, without] {
            let expired = visit(session["url"].as_str().unwrap(), None).await;
            assert_eq!(expired.status, StatusCode::GONE, "{}", expired.body);
            assert_eq!(href(&expired.body, "login"), None, "{}", expired.body);
            assert_eq!(href(&expired.body, "return").as_deref(), Some("https://example.com/account"));
        }
        // The login page itself says that email sign-in is not there yet, and is no more frameable than the rest.
        let page = visit(&login_url, None).await;
        assert_eq!(page.status, StatusCode::NOT_IMPLEMENTED, "{}", page.body);
        assert_unframeable(&page);
        assert!(marked(&page.body, "sign-in-unavailable").is_some(), "{}", page.body);
    }
);

with_short_sessions!(
    an_opened_session_lives_while_used_and_expires_after_inactivity,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer(&client, "Jenny <Rosen>").await;
        let created = session(&client, &customer).await;
        let (cookie, location) = open(created["url"].as_str().unwrap()).await;
        assert_eq!(location, format!("{}/p/", server.base_url));
        // Used every second for five seconds: longer than both lifetimes, yet the session lives.
        for _ in 0..5 {
            let home = visit(&location, Some(&cookie)).await;
            assert_eq!(home.status, StatusCode::OK, "{}", home.body);
            assert_unframeable(&home);
            assert_eq!(home.headers["content-type"], "text/html; charset=utf-8");
            let document = scraper::Html::parse_document(&home.body);
            let name = document.select(&scraper::Selector::parse("[data-test=name]").unwrap()).next().unwrap();
            assert_eq!(name.text().collect::<String>(), "Jenny <Rosen>", "escaped in the HTML, intact as text");
            assert!(!home.body.contains("Jenny <Rosen>"));
            sleep_secs(1.0).await;
        }
        // Then left alone longer than the idle lifetime: the server refuses the same cookie.
        sleep_secs(3.2).await;
        let expired = visit(&location, Some(&cookie)).await;
        assert_eq!(expired.status, StatusCode::GONE, "{}", expired.body);
        assert_unframeable(&expired);
        assert!(marked(&expired.body, "session-expired").is_some());
        let reopened = visit(created["url"].as_str().unwrap(), None).await;
        assert_eq!(reopened.status, StatusCode::GONE);
    }
);

both_backends!(opening_the_link_trades_its_secret_for_a_cookie, |server: TestServer| async move {
    let client = server.client();
    let customer = customer(&client, "Jenny Rosen").await;
    let created = session(&client, &customer).await;
    let url = created["url"].as_str().unwrap();
    let secret = url.strip_prefix(&format!("{}/p/session/", server.base_url)).unwrap().to_owned();
    assert!(secret.starts_with(&format!("test_{}_", server.platform_account)), "{secret}");
    assert!(secret.rsplit('_').next().unwrap().len() >= 22, "at least 128 random bits");

    let page = visit(url, None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_unframeable(&page);
    let location = page.headers[LOCATION].to_str().unwrap();
    assert!(!location.contains(&secret), "the redirect target must not carry the secret: {location}");
    let set_cookie = page.headers[SET_COOKIE].to_str().unwrap();
    let attributes: Vec<&str> = set_cookie.split("; ").collect();
    assert!(attributes[0].starts_with("portico_portal="));
    assert!(!set_cookie.contains(&secret), "the cookie is a token of its own, not the URL's secret");
    assert_eq!(&attributes[1..], ["Path=/p/", "HttpOnly", "SameSite=Lax"], "no Secure over plain http");
    let cookie = attributes[0];
    let home = visit(location, Some(cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(marked(&home.body, "name").as_deref(), Some("Jenny Rosen"));

    // The link may be opened again while the session lives; each opening gets its own cookie.
    let (again, _) = open(url).await;
    assert_ne!(again, cookie);
    assert_eq!(visit(location, Some(&again)).await.status, StatusCode::OK);

    // Unknown links and cookies, and no cookie at all, get the "not valid" page. The mistyped secret differs
    // in its last character whatever that character is (a fixed `x` was the secret itself once in 62 runs).
    let mistyped = if secret.ends_with('x') { 'y' } else { 'x' };
    for (path, cookie) in [
        (format!("/p/session/{}{mistyped}", &secret[..secret.len() - 1]), None),
        ("/p/session/not-a-secret".to_owned(), None),
        ("/p/".to_owned(), None),
        ("/p/".to_owned(), Some(format!("portico_portal={secret}"))),
    ] {
        let page = visit(&format!("{}{path}", server.base_url), cookie.as_deref()).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_unframeable(&page);
        assert!(marked(&page.body, "session-unknown").is_some(), "{path}");
    }

    // A null character, which no secret or id holds (and PostgreSQL cannot compare), leads to "not found".
    for path in [format!("/p/session/{secret}%00"), "/p/invoices/in_%00/pay".to_owned()] {
        let page = visit(&format!("{}{path}", server.base_url), Some(cookie)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: {}", page.body);
        assert_unframeable(&page);
        assert!(marked(&page.body, "not-found").is_some(), "{path}");
    }
});

both_backends!(the_secret_is_stored_hashed_and_left_out_of_the_event, |server: TestServer| async move {
    let client = server.client();
    let customer = customer(&client, "Jenny Rosen").await;
    let created = session(&client, &customer).await;
    let id = created["id"].as_str().unwrap();
    let secret = created["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();

    let events = client.get("/v1/events", &[("type", "billing_portal.session.created")]).await;
    let event = &events.body["data"][0];
    assert_eq!(event["data"]["object"]["id"], id);
    assert_eq!(event["data"]["object"]["url"], "redacted", "{event}");
    assert!(!event.to_string().contains(&secret));
    assert!(event["data"]["object"].get("portico").is_none());

    let scope = portico_core::Scope { account: server.platform_account.clone(), livemode: false };
    let mut tx = server.store.begin_read().await.unwrap();
    let stored = tx.get(&scope, "billing_portal.session", id).await.unwrap().unwrap();
    assert!(!stored.to_string().contains(&secret), "{stored}");
    assert_eq!(stored["portico"]["secret_hash"], portico_api::auth::hash_key(&secret));
    assert!(stored["portico"]["opened_at"].is_null());
});

both_backends!(racing_sessions_make_one_default_configuration, |server: TestServer| async move {
    let client = server.client();
    let customer = customer(&client, "Jenny Rosen").await;
    let sessions = futures_of(8, |_| {
        let (client, customer) = (client.clone(), customer.clone());
        async move { session(&client, &customer).await }
    })
    .await;
    let configuration = sessions[0]["configuration"].as_str().unwrap().to_owned();
    assert!(sessions.iter().all(|s| s["configuration"] == configuration.as_str()));
    let defaults = client.get("/v1/billing_portal/configurations", &[("is_default", "true")]).await;
    let data = defaults.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{data:?}");
    assert_eq!(data[0]["id"], configuration.as_str());
    let created = client.get("/v1/events", &[("type", "billing_portal.configuration.created")]).await;
    assert_eq!(created.body["data"].as_array().unwrap().len(), 1);
});

/// Runs `count` futures made by `make` at once and collects their outputs in order.
async fn futures_of<F, Fut>(count: usize, make: F) -> Vec<Value>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Value> + Send + 'static,
{
    let handles: Vec<_> = (0..count).map(|i| tokio::spawn(make(i))).collect();
    let mut outputs = Vec::with_capacity(count);
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}
