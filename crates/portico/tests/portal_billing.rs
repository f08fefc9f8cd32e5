//! The portal's billing-information page over real HTTP, on both backends, driven like a browser without
//! JavaScript: open a session link, keep its cookie, read forms by selecting, post them back with their CSRF
//! token, and check through the API what changed and which events were emitted.

use portico_testkit::{Client, TestServer, both_backends};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

/// Every customer field the portal can edit.
const ALL: &[&str] = &["name", "email", "address", "phone", "shipping", "tax_id"];

struct Portal {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    html: Html,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
        self.html.select(&selector).collect()
    }

    fn one(&self, css: &str) -> scraper::ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(found.len(), 1, "exactly one {css} in:\n{}", self.html.html());
        found[0]
    }

    fn text(&self, css: &str) -> String {
        self.one(css).text().collect::<String>().trim().to_owned()
    }

    fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.one(css).value().attr(name).map(str::to_owned)
    }

    /// The value an input shows, or the option a select has selected.
    fn value(&self, name: &str) -> String {
        let field = self.one(&format!("[name=\"{name}\"]"));
        if field.value().name() == "select" {
            let selected = Selector::parse("option[selected]").unwrap();
            field.select(&selected).next().and_then(|o| o.value().attr("value")).unwrap_or_default().to_owned()
        } else {
            field.value().attr("value").unwrap_or_default().to_owned()
        }
    }

    /// The CSRF token of the first form on the page.
    fn csrf(&self) -> String {
        self.select("input[name=csrf_token]")[0].value().attr("value").expect("a token").to_owned()
    }

    /// Every input and select of the details form, by name.
    fn detail_inputs(&self) -> Vec<String> {
        self.select("[data-test=details-form] input:not([type=hidden]), [data-test=details-form] select")
            .iter()
            .map(|e| e.value().attr("name").unwrap().to_owned())
            .collect()
    }

    /// The error shown next to input `name`, checked to be tied to it for assistive technology.
    fn error(&self, name: &str) -> Option<String> {
        let found = self.select(&format!("[data-test=\"error-{name}\"]"));
        let error = found.first()?;
        let input = self.one(&format!("[name=\"{name}\"]"));
        assert_eq!(input.value().attr("aria-invalid"), Some("true"), "{name} is marked invalid");
        let id = error.value().attr("id").expect("errors have an id");
        assert_eq!(input.value().attr("aria-describedby"), Some(id), "{name} is described by its error");
        Some(error.text().collect::<String>().trim().to_owned())
    }
}

impl Portal {
    /// Opens a new portal session of `customer` (on `configuration` when given) as a browser would.
    async fn open(server: &TestServer, customer: &str, configuration: Option<&str>, locale: Option<&str>) -> Portal {
        let mut extra = Vec::new();
        extra.extend(configuration.map(|c| ("configuration", c)));
        extra.extend(locale.map(|l| ("locale", l)));
        Portal::open_with(server, customer, &extra).await
    }

    /// [`Portal::open`] with any session parameters (`flow_data[…]`).
    async fn open_with(server: &TestServer, customer: &str, extra: &[(&str, &str)]) -> Portal {
        let mut params = vec![("customer", customer), ("return_url", "https://example.com/account")];
        params.extend_from_slice(extra);
        let session = server.client().post("/v1/billing_portal/sessions", &params).await;
        assert_eq!(session.status, 200, "{}", session.body);
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let opened = http.get(session.body["url"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(opened.status(), StatusCode::SEE_OTHER);
        let set_cookie = opened.headers()["set-cookie"].to_str().unwrap();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        Portal { http, base: server.base_url.clone(), cookie }
    }

    async fn page(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request.header("cookie", &self.cookie).send().await.unwrap();
        let status = response.status();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        let html = Html::parse_document(&response.text().await.unwrap());
        Page { status, location, html }
    }

    async fn get(&self, path: &str) -> Page {
        self.page(self.http.get(format!("{}{path}", self.base))).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.page(self.http.post(format!("{}{path}", self.base)).form(fields)).await
    }
}

/// A configuration letting customers edit `allowed` (none: the feature off).
async fn configuration(client: &Client, allowed: Option<&[&str]>) -> String {
    let mut params = vec![
        ("features[customer_update][enabled]".to_owned(), allowed.is_some().to_string()),
        ("features[invoice_history][enabled]".to_owned(), "true".to_owned()),
    ];
    match allowed {
        Some([]) => params.push(("features[customer_update][allowed_updates]".into(), String::new())),
        Some(fields) => params.extend(
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("features[customer_update][allowed_updates][{i}]"), (*f).into())),
        ),
        None => {}
    }
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let created = client.post("/v1/billing_portal/configurations", &pairs).await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn jenny(client: &Client) -> String {
    let created = client
        .post(
            "/v1/customers",
            &[
                ("name", "Jenny Rosen"),
                ("email", "jenny@example.com"),
                ("phone", "+15555550100"),
                ("address[line1]", "1 Main St"),
                ("address[city]", "Springfield"),
                ("address[postal_code]", "12345"),
                ("address[country]", "US"),
                ("shipping[name]", "Jenny at work"),
                ("shipping[address][line1]", "2 Office Rd"),
                ("shipping[address][country]", "US"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn customer(client: &Client, id: &str) -> Value {
    let found = client.get(&format!("/v1/customers/{id}"), &[]).await;
    assert_eq!(found.status, 200, "{}", found.body);
    found.body
}

async fn tax_ids(client: &Client, customer: &str) -> Vec<Value> {
    let list = client.get(&format!("/v1/customers/{customer}/tax_ids"), &[]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"].as_array().unwrap().clone()
}

async fn events(client: &Client, kind: &str) -> Vec<Value> {
    let list = client.get("/v1/events", &[("type", kind)]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"].as_array().unwrap().clone()
}

/// The details form as the page shows it, with `changes` made, ready to post.
fn filled(page: &Page, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![("csrf_token".into(), page.csrf())];
    for name in page.detail_inputs() {
        let value =
            changes.iter().find(|(n, _)| *n == name).map_or_else(|| page.value(&name), |(_, v)| (*v).to_owned());
        fields.push((name, value));
    }
    fields
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

both_backends!(the_form_shows_exactly_the_allowed_fields_prefilled, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let tax =
        client.post(&format!("/v1/customers/{id}/tax_ids"), &[("type", "eu_vat"), ("value", "DE123456789")]).await;
    assert_eq!(tax.status, 200, "{}", tax.body);
    let everything = configuration(&client, Some(ALL)).await;
    let portal = Portal::open(&server, &id, Some(&everything), None).await;

    let home = portal.get("/p/").await;
    assert_eq!(home.attr("[data-test=edit-billing]", "href").as_deref(), Some("/p/billing"));
    let page = portal.get("/p/billing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select("h1").len(), 1);
    assert_eq!(
        page.detail_inputs(),
        [
            "name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "address_city",
            "address_state",
            "address_postal_code",
            "address_country",
            "shipping_name",
            "shipping_line1",
            "shipping_line2",
            "shipping_city",
            "shipping_state",
            "shipping_postal_code",
            "shipping_country",
            "shipping_phone",
        ]
    );
    for (name, value) in [
        ("name", "Jenny Rosen"),
        ("email", "jenny@example.com"),
        ("phone", "+15555550100"),
        ("address_line1", "1 Main St"),
        ("address_line2", ""),
        ("address_postal_code", "12345"),
        ("address_country", "US"),
        ("shipping_name", "Jenny at work"),
        ("shipping_country", "US"),
    ] {
        assert_eq!(page.value(name), value, "{name}");
    }
    // Every input has its label and tells the browser what it holds.
    for name in page.detail_inputs() {
        assert_eq!(page.select(&format!("label[for=\"{name}\"]")).len(), 1, "label of {name}");
        assert!(page.attr(&format!("[name=\"{name}\"]"), "autocomplete").is_some(), "autocomplete of {name}");
    }
    assert_eq!(page.attr("#email", "type").as_deref(), Some("email"));
    assert_eq!(page.attr("#address_postal_code", "autocomplete").as_deref(), Some("billing postal-code"));
    assert_eq!(page.attr("#shipping_line1", "autocomplete").as_deref(), Some("shipping address-line1"));
    // Countries by name, in the customer's language.
    assert_eq!(page.text("#address_country option[value=DE]"), "Germany");
    assert_eq!(page.text("[data-test=tax-id] [data-test=tax-id-value]"), "DE123456789");
    assert_eq!(page.select("[data-test=tax-id] form button[data-test=remove-tax-id]").len(), 1);
    assert_eq!(page.select("select[name=tax_id_type] option[value=eu_vat]").len(), 1);
    // Each form carries the CSRF token.
    for form in page.select("form[method=post]") {
        let token = Selector::parse("input[name=csrf_token]").unwrap();
        assert!(form.select(&token).next().is_some());
    }

    // Only the email: nothing else shows, and no tax ids.
    let email_only = configuration(&client, Some(&["email"])).await;
    let page = Portal::open(&server, &id, Some(&email_only), None).await.get("/p/billing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.detail_inputs(), ["email"]);
    assert!(page.select("[data-test=tax-ids]").is_empty());

    // Only tax ids: no details form, the tax id section alone.
    let tax_only = configuration(&client, Some(&["tax_id"])).await;
    let page = Portal::open(&server, &id, Some(&tax_only), Some("ja")).await.get("/p/billing").await;
    assert!(page.select("[data-test=details-form]").is_empty());
    assert_eq!(page.select("[data-test=tax-id]").len(), 1);
    assert_eq!(page.text("h1"), "請求先情報");
});

both_backends!(the_page_is_not_found_when_customers_may_not_edit_anything, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let tax = client.post(&format!("/v1/customers/{id}/tax_ids"), &[("type", "us_ein"), ("value", "12-3456789")]).await;
    let tax = tax.body["id"].as_str().unwrap().to_owned();
    let before = customer(&client, &id).await;
    let config = configuration(&client, Some(ALL)).await;
    let portal = Portal::open(&server, &id, Some(&config), None).await;
    // The token of a page shown while editing was allowed: the refusals below are 404s, not CSRF refusals.
    let csrf = portal.get("/p/billing").await.csrf();
    let posts = [
        ("/p/billing".to_owned(), vec![("csrf_token", csrf.as_str()), ("name", "Mallory")]),
        (
            "/p/billing/tax-ids".to_owned(),
            vec![("csrf_token", csrf.as_str()), ("tax_id_type", "eu_vat"), ("tax_id_value", "DE123456789")],
        ),
        (format!("/p/billing/tax-ids/{tax}/delete"), vec![("csrf_token", csrf.as_str())]),
    ];
    // The merchant turns the feature off, then leaves it on with nothing allowed, during the session.
    let path = format!("/v1/billing_portal/configurations/{config}");
    let off: &[(&str, &str)] = &[("features[customer_update][enabled]", "false")];
    let nothing: &[(&str, &str)] =
        &[("features[customer_update][enabled]", "true"), ("features[customer_update][allowed_updates]", "")];
    for change in [off, nothing] {
        let updated = client.post(&path, change).await;
        assert_eq!(updated.status, 200, "{}", updated.body);
        let home = portal.get("/p/").await;
        assert!(home.select("[data-test=edit-billing]").is_empty());
        assert_eq!(portal.get("/p/billing").await.status, StatusCode::NOT_FOUND);
        for (path, fields) in &posts {
            let page = portal.post(path, fields).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(page.select("[data-test=not-found]").len(), 1);
        }
    }
    // Tax ids are their own permission: with every other field allowed, the tax id routes are still 404.
    let mut no_tax = vec![("features[customer_update][enabled]".to_owned(), "true".to_owned())];
    for (i, field) in ["name", "email", "address", "phone", "shipping"].iter().enumerate() {
        no_tax.push((format!("features[customer_update][allowed_updates][{i}]"), (*field).to_owned()));
    }
    let updated = client.post(&path, &pairs(&no_tax)).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    let page = portal.get("/p/billing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select("[data-test=tax-ids]").is_empty());
    for (path, fields) in &posts[1..] {
        assert_eq!(portal.post(path, fields).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(customer(&client, &id).await, before);
    assert_eq!(tax_ids(&client, &id).await.len(), 1);
});

both_backends!(saving_updates_the_customer_and_goes_home_with_a_notice, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let config = configuration(&client, Some(ALL)).await;
    let portal = Portal::open(&server, &id, Some(&config), None).await;
    let page = portal.get("/p/billing").await;
    let form = filled(
        &page,
        &[
            ("name", "  Jenny Q. Rosen "),
            ("email", "jenny.rosen@example.org"),
            ("phone", ""),
            ("address_line2", "Suite 5"),
            ("address_country", "de"),
            // Every shipping input blank: shipping is removed.
            ("shipping_name", ""),
            ("shipping_line1", ""),
            ("shipping_country", ""),
        ],
    );
    let saved = portal.post("/p/billing", &pairs(&form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location.as_deref(), Some("/p/?updated=billing"));

    let after = customer(&client, &id).await;
    assert_eq!(after["name"], "Jenny Q. Rosen", "trimmed");
    assert_eq!(after["email"], "jenny.rosen@example.org");
    assert_eq!(after["phone"], Value::Null);
    assert_eq!(after["address"]["line1"], "1 Main St");
    assert_eq!(after["address"]["line2"], "Suite 5");
    assert_eq!(after["address"]["country"], "DE");
    assert_eq!(after["address"]["state"], Value::Null);
    assert_eq!(after["shipping"], Value::Null);
    let home = portal.get("/p/").await;
    let shown = home.one("[data-test=address]").inner_html();
    assert_eq!(shown, "1 Main St<br>Suite 5<br>12345 Springfield<br>Germany", "a German address, German order");

    let updated = events(&client, "customer.updated").await;
    assert_eq!(updated.len(), 1, "one event for the one save");
    let previous = &updated[0]["data"]["previous_attributes"];
    assert_eq!(previous["name"], "Jenny Rosen");
    assert_eq!(previous["email"], "jenny@example.com");
    assert_eq!(previous["phone"], "+15555550100");
    assert_eq!(previous["shipping"]["name"], "Jenny at work");
    assert_eq!(updated[0]["data"]["object"]["name"], "Jenny Q. Rosen");

    let home = portal.get(saved.location.as_deref().unwrap()).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.text("[data-test=notice]"), "Your billing information has been updated.");
    assert_eq!(home.text("[data-test=name]"), "Jenny Q. Rosen");

    // Saved again unchanged: the API's update runs as it would for the same request, with nothing to report
    // as previous attributes.
    let page = portal.get("/p/billing").await;
    assert_eq!(page.value("address_country"), "DE");
    let again = portal.post("/p/billing", &pairs(&filled(&page, &[]))).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(customer(&client, &id).await, after);
    let updated = events(&client, "customer.updated").await;
    assert_eq!(updated.len(), 2);
    assert!(updated[0]["data"].get("previous_attributes").is_none_or(Value::is_null), "{}", updated[0]);
});

both_backends!(refused_details_show_each_error_by_its_field_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let config = configuration(&client, Some(ALL)).await;
    let portal = Portal::open(&server, &id, Some(&config), None).await;
    let before = customer(&client, &id).await;
    let page = portal.get("/p/billing").await;
    let long_name = "x".repeat(257);
    let form = filled(
        &page,
        &[
            ("name", &long_name),
            ("email", "jenny at example"),
            ("address_line1", ""),
            ("address_country", "ZZ"),
            ("shipping_name", ""),
            ("shipping_city", "Paris"),
        ],
    );
    let refused = portal.post("/p/billing", &pairs(&form)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error("name").as_deref(), Some("Enter at most 256 characters."));
    assert_eq!(refused.error("address_line1").as_deref(), Some("Enter the street address."));
    assert_eq!(refused.error("address_country").as_deref(), Some("Choose a country from the list."));
    assert_eq!(refused.error("shipping_name").as_deref(), Some("Enter the name of the person receiving deliveries."));
    assert_eq!(refused.error("phone"), None);
    // What was typed is kept.
    assert_eq!(refused.value("name"), long_name);
    assert_eq!(refused.value("email"), "jenny at example");
    assert_eq!(refused.value("shipping_city"), "Paris");
    assert_eq!(refused.value("shipping_line1"), "2 Office Rd");
    let summary = refused.select("[data-test=error-summary] a");
    assert_eq!(summary[0].value().attr("href"), Some("#name"));
    assert_eq!(summary.len(), 4);

    // Once the form's own checks pass, the API's email check speaks, next to the email.
    let form = filled(
        &refused,
        &[("name", "Jenny"), ("address_line1", "1 Main St"), ("address_country", "US"), ("shipping_name", "Jenny")],
    );
    let refused = portal.post("/p/billing", &pairs(&form)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error("email").as_deref(), Some("Enter an email address like name@example.com."));
    assert_eq!(refused.value("name"), "Jenny");
    assert_eq!(refused.select("[data-test=error-summary] a").len(), 1);

    assert_eq!(customer(&client, &id).await, before, "nothing was written");
    assert!(events(&client, "customer.updated").await.is_empty());

    // In Japanese, the same refusal in Japanese.
    let ja = Portal::open(&server, &id, Some(&config), Some("ja")).await;
    let page = ja.get("/p/billing").await;
    let refused = ja.post("/p/billing", &pairs(&filled(&page, &[("email", "nope")]))).await;
    assert_eq!(
        refused.error("email").as_deref(),
        Some("name@example.com のような形式でメールアドレスを入力してください。")
    );
});

both_backends!(fields_the_configuration_does_not_allow_are_ignored_when_posted, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let before = customer(&client, &id).await;
    let config = configuration(&client, Some(&["name"])).await;
    let portal = Portal::open(&server, &id, Some(&config), None).await;
    let csrf = portal.get("/p/billing").await.csrf();
    let forged = [
        ("csrf_token", csrf.as_str()),
        ("name", "Jenny R."),
        ("email", "mallory@example.com"),
        ("phone", ""),
        ("address_line1", ""),
        ("address_country", ""),
        ("shipping_name", "Mallory"),
        ("description", "vip"),
        ("balance", "-100000"),
    ];
    let saved = portal.post("/p/billing", &forged).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = customer(&client, &id).await;
    assert_eq!(after["name"], "Jenny R.");
    for field in ["email", "phone", "address", "shipping", "description", "balance"] {
        assert_eq!(after[field], before[field], "{field} is not the customer's to edit here");
    }
    let updated = events(&client, "customer.updated").await;
    let previous = updated[0]["data"]["previous_attributes"].as_object().unwrap();
    assert_eq!(previous.keys().collect::<Vec<_>>(), ["name"]);
});

both_backends!(tax_ids_are_added_and_removed_with_the_apis_validation_and_events, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let config = configuration(&client, Some(ALL)).await;
    let portal = Portal::open(&server, &id, Some(&config), None).await;
    let page = portal.get("/p/billing").await;
    assert_eq!(page.select("[data-test=no-tax-ids]").len(), 1);
    let csrf = page.csrf();

    // Refused as the API refuses it, next to the field, with what was typed kept.
    let refused = portal
        .post("/p/billing/tax-ids", &[("csrf_token", &csrf), ("tax_id_type", "eu_vat"), ("tax_id_value", "DE12")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.error("tax_id_value").as_deref(),
        Some("This is not a valid number for European Union — EU VAT. Check it and try again.")
    );
    assert_eq!(refused.value("tax_id_type"), "eu_vat");
    assert_eq!(refused.value("tax_id_value"), "DE12");
    // The details form shows the stored details, untouched.
    assert_eq!(refused.value("name"), "Jenny Rosen");
    let refused = portal.post("/p/billing/tax-ids", &[("csrf_token", &csrf), ("tax_id_value", "x")]).await;
    assert_eq!(refused.error("tax_id_type").as_deref(), Some("Choose the type of tax ID."));
    assert_eq!(refused.error("tax_id_value"), None);
    let refused = portal.post("/p/billing/tax-ids", &[("csrf_token", &csrf), ("tax_id_type", "no_such")]).await;
    assert_eq!(refused.error("tax_id_value").as_deref(), Some("Enter the tax ID number."));
    let refused = portal
        .post("/p/billing/tax-ids", &[("csrf_token", &csrf), ("tax_id_type", "no_such"), ("tax_id_value", "1")])
        .await;
    assert_eq!(refused.error("tax_id_type").as_deref(), Some("Choose the type of tax ID."));
    assert!(tax_ids(&client, &id).await.is_empty());
    assert!(events(&client, "customer.tax_id.created").await.is_empty());

    // Added: normalized as the API stores it.
    let added = portal
        .post(
            "/p/billing/tax-ids",
            &[("csrf_token", &csrf), ("tax_id_type", "eu_vat"), ("tax_id_value", "de 123 456 789")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(added.location.as_deref(), Some("/p/billing?done=tax-id-added"));
    let stored = tax_ids(&client, &id).await;
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0]["type"].as_str(), stored[0]["value"].as_str()), (Some("eu_vat"), Some("DE123456789")));
    let created = events(&client, "customer.tax_id.created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["data"]["object"]["id"], stored[0]["id"]);
    let page = portal.get(added.location.as_deref().unwrap()).await;
    assert_eq!(page.text("[data-test=notice]"), "Tax ID added.");
    let row = page.one("[data-test=tax-id]");
    let tax = row.value().attr("data-id").unwrap().to_owned();
    assert_eq!(tax, stored[0]["id"].as_str().unwrap());
    assert_eq!(page.text("[data-test=tax-id-value]"), "DE123456789");
    assert_eq!(page.attr("[data-test=remove-tax-id]", "aria-label").as_deref(), Some("Remove tax ID DE123456789"));
    assert_eq!(page.value("tax_id_value"), "", "the add form starts empty again");

    // Removed.
    let removed = portal.post(&format!("/p/billing/tax-ids/{tax}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(removed.location.as_deref(), Some("/p/billing?done=tax-id-removed"));
    assert!(tax_ids(&client, &id).await.is_empty());
    let deleted = events(&client, "customer.tax_id.deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["data"]["object"]["id"], tax.as_str());
    assert_eq!(portal.get("/p/billing?done=tax-id-removed").await.text("[data-test=notice]"), "Tax ID removed.");
    // Removing it again: it is gone.
    let again = portal.post(&format!("/p/billing/tax-ids/{tax}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
});

both_backends!(
    posts_without_this_sessions_csrf_token_are_refused_and_change_nothing,
    |server: TestServer| async move {
        let client = server.client();
        let id = jenny(&client).await;
        let tax =
            client.post(&format!("/v1/customers/{id}/tax_ids"), &[("type", "us_ein"), ("value", "12-3456789")]).await;
        let tax = tax.body["id"].as_str().unwrap().to_owned();
        let config = configuration(&client, Some(ALL)).await;
        let portal = Portal::open(&server, &id, Some(&config), None).await;
        // A token of another session of the same customer is as wrong as a made-up one.
        let other = Portal::open(&server, &id, Some(&config), None).await;
        let others = other.get("/p/billing").await.csrf();
        let before = customer(&client, &id).await;
        let remove = format!("/p/billing/tax-ids/{tax}/delete");
        for token in [None, Some(""), Some("deadbeef"), Some(others.as_str())] {
            let with = |fields: &[(&'static str, &'static str)]| {
                let mut all: Vec<(&str, &str)> = fields.to_vec();
                all.extend(token.map(|t| ("csrf_token", t)));
                all
            };
            for (path, fields) in [
                ("/p/billing", with(&[("name", "Mallory"), ("email", "mallory@example.com")])),
                ("/p/billing/tax-ids", with(&[("tax_id_type", "eu_vat"), ("tax_id_value", "DE123456789")])),
                (remove.as_str(), with(&[])),
            ] {
                let page = portal.post(path, &fields).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{path} with {token:?}");
                assert_eq!(page.select("[data-test=form-forged]").len(), 1);
            }
        }
        assert_eq!(customer(&client, &id).await, before);
        assert_eq!(tax_ids(&client, &id).await.len(), 1);
        assert!(events(&client, "customer.updated").await.is_empty());
        assert_eq!(events(&client, "customer.tax_id.created").await.len(), 1, "only the API's own");
        assert!(events(&client, "customer.tax_id.deleted").await.is_empty());
    }
);

both_backends!(another_customers_or_accounts_tax_ids_are_not_found, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let config = configuration(&client, Some(ALL)).await;
    // A second customer of the same account, with a tax id of its own.
    let other = jenny(&client).await;
    let theirs =
        client.post(&format!("/v1/customers/{other}/tax_ids"), &[("type", "eu_vat"), ("value", "FR12345678901")]).await;
    let theirs = theirs.body["id"].as_str().unwrap().to_owned();
    // A customer of a connected account, with a tax id too.
    let account = client.post("/v1/accounts", &[("type", "custom")]).await;
    assert_eq!(account.status, 200, "{}", account.body);
    let connected = client.clone().on_account(account.body["id"].as_str().unwrap());
    let stranger =
        connected.post("/v1/customers", &[("name", "Stranger")]).await.body["id"].as_str().unwrap().to_owned();
    let foreign = connected
        .post(&format!("/v1/customers/{stranger}/tax_ids"), &[("type", "gb_vat"), ("value", "GB123456789")])
        .await;
    assert_eq!(foreign.status, 200, "{}", foreign.body);
    let foreign = foreign.body["id"].as_str().unwrap().to_owned();

    let portal = Portal::open(&server, &id, Some(&config), None).await;
    let csrf = portal.get("/p/billing").await.csrf();
    for tax in [theirs.as_str(), foreign.as_str(), "txi_doesnotexist", "cus_notataxid"] {
        let page = portal.post(&format!("/p/billing/tax-ids/{tax}/delete"), &[("csrf_token", &csrf)]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{tax}");
        assert_eq!(page.select("[data-test=not-found]").len(), 1);
    }
    assert_eq!(tax_ids(&client, &other).await.len(), 1);
    assert_eq!(tax_ids(&connected, &stranger).await.len(), 1);
    // The page lists only the session customer's own tax ids.
    let page = portal.get("/p/billing").await;
    assert!(page.select("[data-test=tax-id]").is_empty());
    assert!(events(&client, "customer.tax_id.deleted").await.is_empty());
});

both_backends!(a_customer_update_deep_link_opens_here_and_ends_as_the_flow_says, |server: TestServer| async move {
    let client = server.client();
    let id = jenny(&client).await;
    let config = configuration(&client, Some(ALL)).await;
    let flow = [
        ("configuration", config.as_str()),
        ("flow_data[type]", "customer_update"),
        ("flow_data[after_completion][type]", "redirect"),
        ("flow_data[after_completion][redirect][return_url]", "https://example.com/thanks"),
    ];
    let portal = Portal::open_with(&server, &id, &flow).await;
    let home = portal.get("/p/").await;
    assert_eq!(home.location.as_deref(), Some("/p/billing"), "the deep link opens on this page");
    let page = portal.get("/p/billing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select("[data-test=back]").is_empty() && page.select("[data-test=cancel]").is_empty());
    let saved = portal.post("/p/billing", &pairs(&filled(&page, &[("name", "Jenny Flow")]))).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location.as_deref(), Some("https://example.com/thanks"));
    assert_eq!(customer(&client, &id).await["name"], "Jenny Flow");

    // A deep link into another task keeps the customer out of this page.
    // (On the default configuration, which lets customers edit their details and payment methods.)
    let other = [("flow_data[type]", "payment_method_update")];
    let portal = Portal::open_with(&server, &id, &other).await;
    assert_eq!(portal.get("/p/billing").await.status, StatusCode::NOT_FOUND);
});
