//! Invoices in the portal and on the hosted invoice page, over real HTTP on both backends, driven like a browser
//! without JavaScript: the history (finalized invoices only, newest first, 20 a page), paying an open invoice
//! from the portal with a saved card, the hosted invoice page reached by its link alone (paying with a saved or
//! a new card, declines, 3-D Secure), its PDF, and refusals: forged forms, other customers' ids, wrong tokens.
//! What changed is checked through the API, events through /v1/events (spec 3.8, 3.9).

use portico_testkit::{Client, TestServer, both_backends};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

struct Browser {
    http: reqwest::Client,
    base: String,
    /// The portal's session cookie; the hosted invoice page needs none.
    cookie: Option<String>,
    accept_language: Option<&'static str>,
}

struct Page {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
    html: Html,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
        self.html.select(&selector).collect()
    }

    fn one(&self, css: &str) -> scraper::ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(found.len(), 1, "exactly one {css} in ({}):\n{}", self.status, self.body);
        found[0]
    }

    fn text(&self, css: &str) -> String {
        self.one(css).text().collect::<String>().trim().to_owned()
    }

    fn attr(&self, css: &str, name: &str) -> String {
        self.one(css).value().attr(name).unwrap_or_default().to_owned()
    }

    fn csrf(&self) -> String {
        self.select("input[name=csrf_token]")[0].value().attr("value").expect("a token").to_owned()
    }

    fn location(&self) -> String {
        self.headers.get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
    }

    /// The error beside control `name`, checked to be tied to it (`aria-invalid`, `aria-describedby`).
    fn error(&self, control: &str, name: &str) -> Option<String> {
        let found = self.select(&format!("[data-test=\"{}-error\"]", name.replace('_', "-")));
        let error = found.first()?;
        let input = self.one(&format!("{control}[name=\"{name}\"]"));
        assert_eq!(input.value().attr("aria-invalid"), Some("true"), "{name} is marked invalid");
        let id = error.value().attr("id").expect("errors have an id");
        let described = input.value().attr("aria-describedby").unwrap_or_default();
        assert!(described.split(' ').any(|d| d == id), "{name} is described by its error");
        Some(error.text().collect::<String>().trim().to_owned())
    }

    /// `data-id` of the history's rows, in order.
    fn rows(&self) -> Vec<String> {
        self.select("[data-test=invoice]").iter().map(|li| li.value().attr("data-id").unwrap().to_owned()).collect()
    }

    fn assert_unframeable(&self) {
        assert_eq!(self.headers["x-frame-options"], "DENY");
        let policy = self.headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(self.headers["referrer-policy"], "no-referrer");
    }
}

impl Browser {
    fn new(server: &TestServer) -> Browser {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, base: server.base_url.clone(), cookie: None, accept_language: None }
    }

    /// A browser inside a portal session of `customer` (session parameters `extra`).
    async fn portal(server: &TestServer, customer: &str, extra: &[(&str, &str)]) -> Browser {
        let mut params = vec![("customer", customer), ("return_url", "https://example.com/account")];
        params.extend_from_slice(extra);
        let session = server.client().post("/v1/billing_portal/sessions", &params).await;
        assert_eq!(session.status, 200, "{}", session.body);
        let mut browser = Browser::new(server);
        let opened = browser.get(session.body["url"].as_str().unwrap()).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        let cookie = opened.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        browser.cookie = Some(cookie);
        browser
    }

    async fn page(&self, mut request: reqwest::RequestBuilder) -> Page {
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(language) = self.accept_language {
            request = request.header("accept-language", language);
        }
        let response = request.send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let body = response.text().await.unwrap();
        Page { status, headers, html: Html::parse_document(&body), body }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) }
    }

    async fn get(&self, path: &str) -> Page {
        self.page(self.http.get(self.url(path))).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.page(self.http.post(self.url(path)).form(fields)).await
    }

    /// Posts `fields` with the CSRF token of the page at `from`.
    async fn submit(&self, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(from).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let token = page.csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }
}

fn ok(what: &str, answer: portico_testkit::Answer) -> Value {
    assert_eq!(answer.status, 200, "{what}: {}", answer.body);
    answer.body
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn customer(client: &Client, name: &str, extra: &[(&str, &str)]) -> String {
    let mut params = vec![("name", name), ("email", "jenny@example.com")];
    params.extend_from_slice(extra);
    id(&ok("customer", client.post("/v1/customers", &params).await))
}

/// Attaches a test card to `customer` and makes it the default.
async fn card(client: &Client, customer: &str, token: &str) -> String {
    let attached =
        ok("attach", client.post(&format!("/v1/payment_methods/{token}/attach"), &[("customer", customer)]).await);
    let pm = id(&attached);
    let default = [("invoice_settings[default_payment_method]", pm.as_str())];
    ok("default", client.post(&format!("/v1/customers/{customer}"), &default).await);
    pm
}

/// A finalized one-off invoice of `amount` cents (`send_invoice`: it stays open until paid).
async fn open_invoice(client: &Client, customer: &str, amount: &str, extra: &[(&str, &str)]) -> Value {
    let item = [("customer", customer), ("amount", amount), ("currency", "usd"), ("description", "Consulting")];
    ok("item", client.post("/v1/invoiceitems", &item).await);
    let mut params = vec![
        ("customer", customer),
        ("pending_invoice_items_behavior", "include"),
        ("collection_method", "send_invoice"),
        ("days_until_due", "30"),
    ];
    params.extend_from_slice(extra);
    let draft = ok("invoice", client.post("/v1/invoices", &params).await);
    ok("finalize", client.post(&format!("/v1/invoices/{}/finalize", id(&draft)), &[]).await)
}

/// A portal configuration with the invoice history on or off; payment methods on (its card form gives a page
/// with a CSRF token where no invoice page has a form).
async fn configuration(client: &Client, history: bool) -> String {
    let history = history.to_string();
    let params = [
        ("features[invoice_history][enabled]", history.as_str()),
        ("features[payment_method_update][enabled]", "true"),
    ];
    id(&ok("configuration", client.post("/v1/billing_portal/configurations", &params).await))
}

async fn invoice(client: &Client, invoice: &str) -> Value {
    ok("retrieve", client.get(&format!("/v1/invoices/{invoice}"), &[]).await)
}

/// Types of the events about `object` (or its customer's objects when `object` is a customer), oldest first.
async fn events(client: &Client, object: &str) -> Vec<String> {
    let list = ok("events", client.get("/v1/events", &[("limit", "100")]).await);
    let mut types: Vec<String> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let o = &e["data"]["object"];
            o["id"] == object || o["customer"] == object || o["invoice"] == object
        })
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    types.reverse();
    types
}

async fn attached(client: &Client, customer: &str) -> usize {
    let list = ok("pms", client.get(&format!("/v1/customers/{customer}/payment_methods"), &[]).await);
    list["data"].as_array().unwrap().len()
}

async fn charges(client: &Client, customer: &str) -> Vec<Value> {
    let list = ok("charges", client.get("/v1/charges", &[("customer", customer)]).await);
    list["data"].as_array().unwrap().clone()
}

fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").unwrap().1;
    after_scheme[after_scheme.find('/').unwrap()..].to_owned()
}

both_backends!(the_history_lists_finalized_invoices_newest_first_with_their_links, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    card(&client, &jenny, "pm_card_visa").await;
    let paid = open_invoice(&client, &jenny, "1500", &[]).await;
    ok("pay", client.post(&format!("/v1/invoices/{}/pay", id(&paid)), &[]).await);
    let voided = open_invoice(&client, &jenny, "900", &[]).await;
    ok("void", client.post(&format!("/v1/invoices/{}/void", id(&voided)), &[]).await);
    let open = open_invoice(&client, &jenny, "2500", &[]).await;
    ok(
        "draft item",
        client.post("/v1/invoiceitems", &[("customer", jenny.as_str()), ("amount", "700"), ("currency", "usd")]).await,
    );
    let draft = ok(
        "draft",
        client
            .post("/v1/invoices", &[("customer", jenny.as_str()), ("pending_invoice_items_behavior", "include")])
            .await,
    );

    let browser = Browser::portal(&server, &jenny, &[]).await;
    let page = browser.get("/p/invoices").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_unframeable();
    assert_eq!(page.rows(), [id(&open), id(&voided), id(&paid)], "newest first, no draft");
    assert!(!page.body.contains(&id(&draft)));
    let row = |invoice: &Value, test: &str| format!("[data-id=\"{}\"] [data-test={test}]", id(invoice));
    assert_eq!(page.text(&row(&open, "amount")), "$25.00");
    assert_eq!(page.text(&row(&open, "status")), "Open");
    assert_eq!(page.text(&row(&paid, "status")), "Paid");
    assert_eq!(page.text(&row(&voided, "status")), "Void");
    assert_eq!(page.text(&row(&open, "number")), open["number"].as_str().unwrap());
    assert_eq!(page.attr(&row(&open, "view"), "href"), open["hosted_invoice_url"].as_str().unwrap());
    assert_eq!(
        page.attr(&row(&paid, "pdf"), "href"),
        invoice(&client, &id(&paid)).await["invoice_pdf"].as_str().unwrap()
    );
    assert_eq!(page.attr(&row(&open, "pay"), "href"), format!("/p/invoices/{}/pay", id(&open)));
    assert!(page.select(&row(&paid, "pay")).is_empty() && page.select(&row(&voided, "pay")).is_empty());
    assert!(page.select("[data-test=older]").is_empty() && page.select("[data-test=newest]").is_empty());
    assert_eq!(page.attr("[data-test=home]", "href"), "/p/");

    // 20 a page: 23 invoices make two pages, linked both ways.
    let mut all = vec![id(&open), id(&voided), id(&paid)];
    for _ in 0..20 {
        let empty = ok("empty", client.post("/v1/invoices", &[("customer", jenny.as_str())]).await);
        ok("finalize", client.post(&format!("/v1/invoices/{}/finalize", id(&empty)), &[]).await);
        all.insert(0, id(&empty));
    }
    let first = browser.get("/p/invoices").await;
    assert_eq!(first.rows(), all[..20]);
    let older = first.attr("[data-test=older]", "href");
    assert_eq!(older, format!("/p/invoices?after={}", all[19]));
    let second = browser.get(&older).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.rows(), all[20..]);
    assert!(second.select("[data-test=older]").is_empty());
    assert_eq!(second.attr("[data-test=newest]", "href"), "/p/invoices");
    assert_eq!(browser.get(&format!("/p/invoices?after={}", id(&draft))).await.status, StatusCode::NOT_FOUND);
});

both_backends!(an_invoice_only_customer_pays_an_open_invoice_with_a_saved_card, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let visa = card(&client, &jenny, "pm_card_visa").await;
    let open = open_invoice(&client, &jenny, "4200", &[]).await;
    let path = format!("/p/invoices/{}/pay", id(&open));
    let browser = Browser::portal(&server, &jenny, &[]).await;

    // No subscription at all, yet the home page and the history show the invoice.
    let home = browser.get("/p/").await;
    assert_eq!(home.select("[data-test=invoices] [data-test=invoice]").len(), 1, "{}", home.body);
    let form = browser.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.text("[data-test=amount-due]"), "$42.00");
    assert_eq!(form.attr("select[name=payment_method] option", "value"), visa);
    assert_eq!(form.attr("[data-test=pay-new-card]", "href"), open["hosted_invoice_url"].as_str().unwrap());
    assert_eq!(form.attr("label[for=payment-method]", "for"), form.attr("select[name=payment_method]", "id"));

    // Forged forms change nothing.
    let without = browser.post(&path, &[("payment_method", visa.as_str())]).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.body);
    assert_eq!(without.text("h1[data-test=form-forged]"), "This form has expired");
    let wrong = browser.post(&path, &[("csrf_token", "00ff"), ("payment_method", visa.as_str())]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // A payment method that is not one of the customer's is refused beside the choice, nothing charged.
    let other = customer(&client, "Other", &[]).await;
    let theirs = card(&client, &other, "pm_card_visa").await;
    let refused = browser.submit(&path, &path, &[("payment_method", theirs.as_str())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.error("select", "payment_method").as_deref(), Some("Choose one of your saved cards."));
    assert_eq!(invoice(&client, &id(&open)).await["status"], "open");
    assert!(charges(&client, &jenny).await.is_empty());
    assert!(!events(&client, &id(&open)).await.iter().any(|e| e.starts_with("invoice.pa")));

    let paid = browser.submit(&path, &path, &[("payment_method", visa.as_str())]).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    assert_eq!(paid.location(), "/p/invoices?done=paid");
    let after = browser.get(&paid.location()).await;
    assert!(after.text("[data-test=notice]").contains("paid"));
    assert_eq!(after.text(&format!("[data-id=\"{}\"] [data-test=status]", id(&open))), "Paid");
    let now = invoice(&client, &id(&open)).await;
    assert_eq!((now["status"].as_str(), now["amount_paid"].as_i64()), (Some("paid"), Some(4200)));
    let types = events(&client, &id(&open)).await;
    for expected in ["invoice.paid", "invoice.payment_succeeded"] {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
    let types = events(&client, &jenny).await;
    for expected in ["payment_intent.succeeded", "charge.succeeded"] {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
    // Paid now: its pay page sends the customer back to the history.
    assert_eq!(browser.get(&path).await.status, StatusCode::SEE_OTHER);
});

both_backends!(a_declined_saved_card_shows_the_decline_and_leaves_the_invoice_open, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let failing = card(&client, &jenny, "pm_card_chargeCustomerFail").await;
    let open = open_invoice(&client, &jenny, "4200", &[]).await;
    let path = format!("/p/invoices/{}/pay", id(&open));
    let browser = Browser::portal(&server, &jenny, &[("locale", "ja")]).await;
    let declined = browser.submit(&path, &path, &[("payment_method", failing.as_str())]).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    let error = declined.error("select", "payment_method").unwrap();
    assert!(error.contains("カードが拒否されました"), "{error}");
    assert_eq!(declined.attr("select[name=payment_method] option[selected]", "value"), failing);
    assert_eq!(invoice(&client, &id(&open)).await["status"], "open");
    // As through the API: the failed attempt is kept.
    assert!(events(&client, &id(&open)).await.contains(&"invoice.payment_failed".to_owned()));
    assert_eq!(charges(&client, &jenny).await[0]["status"], "failed");
});

both_backends!(a_card_asking_for_3d_secure_is_challenged_in_the_portal, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let secure = card(&client, &jenny, "pm_card_authenticationRequired").await;
    let open = open_invoice(&client, &jenny, "4200", &[]).await;
    let path = format!("/p/invoices/{}/pay", id(&open));
    let challenge_path = format!("/p/invoices/{}/authenticate", id(&open));
    let browser = Browser::portal(&server, &jenny, &[]).await;
    let asked = browser.submit(&path, &path, &[("payment_method", secure.as_str())]).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    assert_eq!(asked.location(), challenge_path);
    let challenge = browser.get(&challenge_path).await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    assert!(challenge.text("[data-test=card]").ends_with("3184"));
    // Without the token, nothing happens.
    assert_eq!(browser.post(&challenge_path, &[("outcome", "succeed")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(invoice(&client, &id(&open)).await["status"], "open");

    let failed = browser.submit(&challenge_path, &challenge_path, &[("outcome", "fail")]).await;
    assert_eq!(failed.status, StatusCode::PAYMENT_REQUIRED, "{}", failed.body);
    assert!(failed.error("select", "payment_method").unwrap().contains("could not confirm"));
    assert_eq!(invoice(&client, &id(&open)).await["status"], "open");

    let again = browser.submit(&path, &path, &[("payment_method", secure.as_str())]).await;
    assert_eq!(again.location(), challenge_path);
    let done = browser.submit(&challenge_path, &challenge_path, &[("outcome", "succeed")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/p/invoices?done=paid");
    assert_eq!(invoice(&client, &id(&open)).await["status"], "paid");
    let types = events(&client, &id(&open)).await;
    for expected in ["invoice.payment_action_required", "invoice.paid", "invoice.payment_succeeded"] {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
    let types = events(&client, &jenny).await;
    for expected in ["payment_intent.requires_action", "payment_intent.succeeded", "charge.succeeded"] {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
    // Answered: the challenge is gone.
    assert_eq!(browser.get(&challenge_path).await.status, StatusCode::SEE_OTHER);
});

both_backends!(another_customers_invoices_and_a_disabled_history_are_not_found, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let visa = card(&client, &jenny, "pm_card_visa").await;
    let mine = open_invoice(&client, &jenny, "1000", &[]).await;
    let other = customer(&client, "Other Customer", &[]).await;
    let theirs_card = card(&client, &other, "pm_card_visa").await;
    let theirs = open_invoice(&client, &other, "9900", &[]).await;
    let browser = Browser::portal(&server, &jenny, &[]).await;
    let token = browser.get(&format!("/p/invoices/{}/pay", id(&mine))).await.csrf();
    let t = token.as_str();
    for missing in [id(&theirs), "in_doesnotexist".to_owned()] {
        let pay = format!("/p/invoices/{missing}/pay");
        let auth = format!("/p/invoices/{missing}/authenticate");
        assert_eq!(browser.get(&pay).await.status, StatusCode::NOT_FOUND);
        let posted = browser.post(&pay, &[("csrf_token", t), ("payment_method", theirs_card.as_str())]).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "{}", posted.body);
        assert_eq!(posted.text("h1[data-test=not-found]"), "Not found");
        assert_eq!(browser.get(&auth).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            browser.post(&auth, &[("csrf_token", t), ("outcome", "succeed")]).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(browser.get(&format!("/p/invoices?after={missing}")).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(browser.get("/p/invoices").await.rows(), [id(&mine)]);
    assert_eq!(invoice(&client, &id(&theirs)).await["status"], "open");
    assert!(charges(&client, &other).await.is_empty());

    // With the history disabled, every invoice route of the portal is gone.
    let configuration = configuration(&client, false).await;
    let closed = Browser::portal(&server, &jenny, &[("configuration", configuration.as_str())]).await;
    let home = closed.get("/p/").await;
    assert!(home.select("[data-test=invoices]").is_empty());
    let t = closed.get("/p/payment-methods/new").await.csrf();
    let pay = format!("/p/invoices/{}/pay", id(&mine));
    assert_eq!(closed.get("/p/invoices").await.status, StatusCode::NOT_FOUND);
    assert_eq!(closed.get(&pay).await.status, StatusCode::NOT_FOUND);
    let posted = closed.post(&pay, &[("csrf_token", t.as_str()), ("payment_method", visa.as_str())]).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    assert_eq!(invoice(&client, &id(&mine)).await["status"], "open");
});

/// An invoice worth showing: two lines, a coupon, an exclusive tax, an address, a memo and a footer.
async fn detailed_invoice(client: &Client, customer: &str) -> Value {
    let vat = id(&ok(
        "tax rate",
        client.post("/v1/tax_rates", &[("display_name", "VAT"), ("percentage", "10"), ("inclusive", "false")]).await,
    ));
    let coupon = id(&ok(
        "coupon",
        client.post("/v1/coupons", &[("amount_off", "500"), ("currency", "usd"), ("name", "Welcome")]).await,
    ));
    let setup = [("customer", customer), ("amount", "3000"), ("currency", "usd"), ("description", "Setup")];
    ok("item", client.post("/v1/invoiceitems", &setup).await);
    let product = id(&ok("product", client.post("/v1/products", &[("name", "Seats")]).await));
    let seats = [
        ("customer", customer),
        ("price_data[currency]", "usd"),
        ("price_data[product]", product.as_str()),
        ("price_data[unit_amount]", "1000"),
        ("quantity", "2"),
        ("description", "Seats"),
    ];
    ok("item", client.post("/v1/invoiceitems", &seats).await);
    let params = [
        ("customer", customer),
        ("pending_invoice_items_behavior", "include"),
        ("collection_method", "send_invoice"),
        ("days_until_due", "14"),
        ("default_tax_rates[0]", vat.as_str()),
        ("discounts[0][coupon]", coupon.as_str()),
        ("description", "Thanks for your order"),
        ("footer", "Acme Inc, 1 Main St"),
    ];
    let draft = ok("invoice", client.post("/v1/invoices", &params).await);
    ok("finalize", client.post(&format!("/v1/invoices/{}/finalize", id(&draft)), &[]).await)
}

both_backends!(the_hosted_page_shows_the_invoice_to_whoever_holds_the_link, |server: TestServer| async move {
    let client = server.client();
    let address = [
        ("address[line1]", "1 Main St"),
        ("address[city]", "Springfield"),
        ("address[postal_code]", "12345"),
        ("address[country]", "US"),
    ];
    let jenny = customer(&client, "Jenny Rosen", &address).await;
    let open = detailed_invoice(&client, &jenny).await;
    let url = open["hosted_invoice_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/i/{}/test_acct_", server.base_url, id(&open))), "{url}");
    let anyone = Browser::new(&server);
    let page = anyone.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_unframeable();
    let number = open["number"].as_str().unwrap();
    assert_eq!(page.text("h1"), format!("Invoice {number}"));
    assert_eq!(page.text("[data-test=status]"), "Open");
    assert_eq!(open["total"], 4950, "(3000 + 2000 - 500) + 10 % VAT");
    assert_eq!(page.text("[data-test=amount-due]"), "$49.50");
    assert!(page.select("[data-test=due]").len() == 1);
    let bill_to = page.text("[data-test=bill-to] p");
    assert!(
        bill_to.contains("Jenny Rosen") && bill_to.contains("1 Main St") && bill_to.contains("Springfield"),
        "{bill_to}"
    );
    let lines: Vec<String> = page.select("[data-test=line]").iter().map(|l| l.text().collect::<String>()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().any(|l| l.contains("Seats") && l.contains("$10.00") && l.contains("$20.00")), "{lines:?}");
    let totals = page.text("[data-test=totals]");
    for expected in ["Subtotal", "$50.00", "Discount (Welcome)", "-$5.00", "VAT (10%)", "$4.50", "Amount due", "$49.50"]
    {
        assert!(totals.contains(expected), "{expected} in {totals}");
    }
    assert_eq!(page.text("[data-test=memo]"), "Thanks for your order");
    assert_eq!(page.attr("[data-test=pdf]", "href"), path_of(open["invoice_pdf"].as_str().unwrap()));
    // The pay form offers a new card (the customer has no saved one) and carries its own CSRF token.
    assert!(page.select("[data-test=saved-form]").is_empty());
    assert_eq!(page.select("[data-test=card-form] input[name=csrf_token]").len(), 1);
    for (input, autocomplete) in [("number", "cc-number"), ("expiry", "cc-exp"), ("cvc", "cc-csc")] {
        let field = page.one(&format!("input[name={input}]"));
        assert_eq!(field.value().attr("autocomplete"), Some(autocomplete));
        let id = field.value().attr("id").unwrap();
        assert_eq!(page.select(&format!("label[for={id}]")).len(), 1, "{input} has a label");
    }

    // The customer's language first, then the browser's.
    ok("locale", client.post(&format!("/v1/customers/{jenny}"), &[("preferred_locales[0]", "ja")]).await);
    let japanese = anyone.get(&url).await;
    assert_eq!(japanese.attr("html", "lang"), "ja");
    assert_eq!(japanese.text("h1"), format!("請求書 {number}"));
    let other = customer(&client, "Other", &[]).await;
    let plain = open_invoice(&client, &other, "1000", &[]).await;
    let mut german = Browser::new(&server);
    german.accept_language = Some("ja-JP,ja;q=0.9");
    assert_eq!(german.get(plain["hosted_invoice_url"].as_str().unwrap()).await.text("[data-test=status]"), "未払い");

    // Wrong tokens and unknown invoices: one and the same 404.
    let token = url.rsplit('/').next().unwrap();
    let plain_token = plain["hosted_invoice_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let mut altered = token.to_owned();
    altered.pop();
    altered.push(if token.ends_with('a') { 'b' } else { 'a' });
    for wrong in [
        format!("/i/{}/{altered}", id(&open)),
        format!("/i/{}/{plain_token}", id(&open)),
        format!("/i/{}/{token}", id(&plain)),
        format!("/i/in_doesnotexist/{token}"),
        format!("/i/{}/not-a-token", id(&open)),
        format!("/i/{}/{}", id(&open), token.replacen("test_", "live_", 1)),
        format!("/i/{}/{altered}/pdf", id(&open)),
    ] {
        let refused = anyone.get(&wrong).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{wrong}");
        assert_eq!(refused.text("h1[data-test=not-found]"), "Not found");
    }
});

both_backends!(the_hosted_page_pays_with_a_new_card_after_refusing_bad_ones, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let open = open_invoice(&client, &jenny, "4200", &[]).await;
    let url = open["hosted_invoice_url"].as_str().unwrap().to_owned();
    let pay = format!("{url}/pay");
    let anyone = Browser::new(&server);
    let nothing_changed = async || {
        assert_eq!(invoice(&client, &id(&open)).await["status"], "open");
        assert_eq!(attached(&client, &jenny).await, 0);
        assert!(charges(&client, &jenny).await.is_empty());
    };

    let card = |number: &'static str, expiry: &'static str, cvc: &'static str| {
        [("method", "new"), ("number", number), ("expiry", expiry), ("cvc", cvc)]
    };
    let blank = anyone.submit(&url, &pay, &card("", " 04 / 2031", "")).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
    assert_eq!(blank.error("input", "number").as_deref(), Some("Enter your card number."));
    assert_eq!(blank.error("input", "cvc").as_deref(), Some("Enter the security code."));
    assert!(blank.error("input", "expiry").is_none());
    assert_eq!(blank.attr("input[name=expiry]", "value"), " 04 / 2031", "typed values are kept");
    assert_eq!(blank.attr("input[name=number]", "value"), "", "never the card number");
    let wrong = anyone.submit(&url, &pay, &card("4242424242424241", "13/30", "1")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.error("input", "number").unwrap().contains("not correct"));
    assert!(wrong.error("input", "expiry").unwrap().contains("between 01 and 12"));
    assert!(wrong.error("input", "cvc").unwrap().contains("3 digits"));
    assert_eq!(wrong.attr("input[name=expiry]", "value"), "13/30");
    nothing_changed().await;

    // Forged: no token, or the token of another invoice's page.
    let without = anyone.post(&pay, &card("4242424242424242", "04/31", "123")).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    let other = open_invoice(&client, &customer(&client, "Other", &[]).await, "100", &[]).await;
    let foreign = anyone.get(other["hosted_invoice_url"].as_str().unwrap()).await.csrf();
    let mut fields = vec![("csrf_token", foreign.as_str())];
    fields.extend(card("4242424242424242", "04/31", "123"));
    assert_eq!(anyone.post(&pay, &fields).await.status, StatusCode::FORBIDDEN);
    nothing_changed().await;

    // A card the issuer declines is refused before any charge: nothing kept, not even the card.
    let declined = anyone.submit(&url, &pay, &card("4000000000000002", "04/31", "123")).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    assert!(declined.text("[data-test=form-error]").contains("declined"));
    assert_eq!(declined.attr("input[name=expiry]", "value"), "04/31");
    nothing_changed().await;

    let token = anyone.get(&url).await.csrf();
    let paid = anyone.submit(&url, &pay, &card("4242 4242 4242 4242", "04/31", "123")).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    assert_eq!(paid.location(), format!("{}?done=paid", path_of(&url)));
    let thanks = anyone.get(&paid.location()).await;
    assert!(thanks.text("[data-test=notice]").contains("paid"));
    assert_eq!(thanks.text("[data-test=status]"), "Paid");
    assert!(thanks.select("[data-test=pay]").is_empty(), "nothing left to pay");
    assert!(thanks.select("[data-test=paid]").len() == 1);
    let now = invoice(&client, &id(&open)).await;
    assert_eq!(now["status"], "paid");
    assert_eq!(attached(&client, &jenny).await, 1, "the new card is the customer's now");
    let types = events(&client, &jenny).await;
    for expected in ["payment_method.attached", "payment_intent.succeeded", "charge.succeeded"] {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
    let types = events(&client, &id(&open)).await;
    assert!(types.contains(&"invoice.paid".to_owned()) && types.contains(&"invoice.payment_succeeded".to_owned()));
    // Paying a paid invoice again changes nothing.
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(card("4242424242424242", "04/31", "123"));
    let again = anyone.post(&pay, &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(charges(&client, &jenny).await.len(), 1);
});

both_backends!(the_hosted_page_pays_with_a_saved_card_and_challenges_3d_secure, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let visa = card(&client, &jenny, "pm_card_visa").await;
    let failing = card(&client, &jenny, "pm_card_chargeCustomerFail").await;
    let open = open_invoice(&client, &jenny, "4200", &[]).await;
    let url = open["hosted_invoice_url"].as_str().unwrap().to_owned();
    let pay = format!("{url}/pay");
    let anyone = Browser::new(&server);
    let page = anyone.get(&url).await;
    let options: Vec<String> = page
        .select("select[name=payment_method] option")
        .iter()
        .map(|o| o.value().attr("value").unwrap().to_owned())
        .collect();
    assert_eq!(options, [failing.clone(), visa.clone()], "the default first");

    let declined = anyone.submit(&url, &pay, &[("method", "saved"), ("payment_method", failing.as_str())]).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    assert!(declined.error("select", "payment_method").unwrap().contains("declined"));
    assert_eq!(invoice(&client, &id(&open)).await["status"], "open");
    let stranger = customer(&client, "Stranger", &[]).await;
    let theirs = card(&client, &stranger, "pm_card_visa").await;
    let refused = anyone.submit(&url, &pay, &[("method", "saved"), ("payment_method", theirs.as_str())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(charges(&client, &stranger).await.is_empty());

    // A new card asking for 3-D Secure: the challenge, failed once, then passed.
    let new_secure = [("method", "new"), ("number", "4000002760003184"), ("expiry", "04/31"), ("cvc", "123")];
    let asked = anyone.submit(&url, &pay, &new_secure).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let challenge = asked.location();
    assert_eq!(challenge, format!("{}/authenticate", path_of(&url)));
    let shown = anyone.get(&challenge).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.text("[data-test=amount]"), "$42.00");
    assert_eq!(anyone.post(&challenge, &[("outcome", "succeed")]).await.status, StatusCode::FORBIDDEN);
    let failed = anyone.submit(&challenge, &challenge, &[("outcome", "fail")]).await;
    assert_eq!(failed.status, StatusCode::PAYMENT_REQUIRED);
    assert!(failed.text("[data-test=form-error]").contains("could not confirm"));
    assert_eq!(invoice(&client, &id(&open)).await["status"], "open");
    let secure = page_saved_id(&anyone.get(&url).await, "3184");
    let again = anyone.submit(&url, &pay, &[("method", "saved"), ("payment_method", secure.as_str())]).await;
    assert_eq!(again.location(), challenge);
    let done = anyone.submit(&challenge, &challenge, &[("outcome", "succeed")]).await;
    assert_eq!(done.location(), format!("{}?done=paid", path_of(&url)));
    assert_eq!(invoice(&client, &id(&open)).await["status"], "paid");
    let types = events(&client, &id(&open)).await;
    for expected in
        ["invoice.payment_failed", "invoice.payment_action_required", "invoice.paid", "invoice.payment_succeeded"]
    {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
});

/// The saved card whose label ends with `last4`.
fn page_saved_id(page: &Page, last4: &str) -> String {
    let options = page.select("select[name=payment_method] option");
    let option = options.iter().find(|o| o.text().collect::<String>().contains(last4)).expect("the card is offered");
    option.value().attr("value").unwrap().to_owned()
}

both_backends!(the_invoice_pdf_is_a_pdf_named_after_its_number, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "山田 太郎", &[("preferred_locales[0]", "ja")]).await;
    let open = detailed_invoice(&client, &jenny).await;
    let pdf_url = open["invoice_pdf"].as_str().unwrap();
    let anyone = Browser::new(&server);
    let response = anyone.http.get(pdf_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let number = open["number"].as_str().unwrap();
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        format!("inline; filename=\"Invoice-{number}.pdf\"")
    );
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(bytes.len() > 2_000 && bytes.len() < 200_000, "{} bytes: fonts subset", bytes.len());
    let void = open_invoice(&client, &jenny, "100", &[]).await;
    ok("void", client.post(&format!("/v1/invoices/{}/void", id(&void)), &[]).await);
    assert_eq!(anyone.http.get(void["invoice_pdf"].as_str().unwrap()).send().await.unwrap().status(), StatusCode::OK);
});

both_backends!(a_session_on_behalf_of_another_business_shows_none_of_these_invoices, |server: TestServer| async move {
    let client = server.client();
    let connected = ok("account", client.post("/v1/accounts", &[("type", "custom"), ("country", "US")]).await);
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let visa = card(&client, &jenny, "pm_card_visa").await;
    let mine = open_invoice(&client, &jenny, "1000", &[]).await;
    let configuration = configuration(&client, true).await;
    let session = [("on_behalf_of", id(&connected)), ("configuration", configuration)];
    let session: Vec<(&str, &str)> = session.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let browser = Browser::portal(&server, &jenny, &session).await;
    let history = browser.get("/p/invoices").await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    assert!(history.rows().is_empty());
    let pay = format!("/p/invoices/{}/pay", id(&mine));
    assert_eq!(browser.get(&pay).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&format!("/p/invoices/{}/authenticate", id(&mine))).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&format!("/p/invoices?after={}", id(&mine))).await.status, StatusCode::NOT_FOUND);
    // No page of this session has a form to take a token from; a forged post is refused before anything.
    let forged = browser.post(&pay, &[("csrf_token", "00"), ("payment_method", visa.as_str())]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(invoice(&client, &id(&mine)).await["status"], "open");
});
