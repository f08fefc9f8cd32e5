//! The portal's home page over HTTP, on SQLite and PostgreSQL: the sections the configuration enables, the
//! customer's own data only, the locale chain (session, customer, browser) and the merchant's branding.

use portico_testkit::portal::Portal;
use portico_testkit::{Client, TestServer, both_backends};
use serde_json::Value;

async fn post(client: &Client, path: &str, form: &[(&str, &str)]) -> Value {
    let answer = client.post(path, form).await;
    assert_eq!(answer.status, 200, "{path}: {:?}", answer.body);
    answer.body
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// A customer with a card, a monthly subscription (so a paid invoice) and a tax id.
async fn subscribed_customer(client: &Client, name: &str, currency: &str, amount: &str, locale: &str) -> String {
    let customer = post(client, "/v1/customers", &[("name", name), ("email", "c@example.com"), ("preferred_locales[0]", locale)]).await;
    let customer = id(&customer);
    let card = post(client, "/v1/payment_methods/pm_card_visa/attach", &[("customer", &customer)]).await;
    post(client, &format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", &id(&card))]).await;
    post(client, &format!("/v1/customers/{customer}/tax_ids"), &[("type", "eu_vat"), ("value", "DE123456789")]).await;
    let product = post(client, "/v1/products", &[("name", &format!("{name} Plan"))]).await;
    let price = post(
        client,
        "/v1/prices",
        &[("product", &id(&product)), ("unit_amount", amount), ("currency", currency), ("recurring[interval]", "month")],
    )
    .await;
    post(client, "/v1/subscriptions", &[("customer", &customer), ("items[0][price]", &id(&price))]).await;
    customer
}

async fn open(client: &Client, params: &[(&str, &str)]) -> Portal {
    let mut form = vec![("return_url", "https://example.com/account")];
    form.extend_from_slice(params);
    let session = post(client, "/v1/billing_portal/sessions", &form).await;
    Portal::open(session["url"].as_str().unwrap()).await
}

both_backends!(the_home_page_shows_every_enabled_section_with_the_customers_own_data, |server: TestServer| async move {
    let client = server.client();
    let jenny = subscribed_customer(&client, "Jenny Rosen", "usd", "2000", "en").await;
    let other = subscribed_customer(&client, "Other Person", "usd", "9900", "en").await;
    let portal = open(&client, &[("customer", &jenny)]).await;
    let home = portal.get("/p/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    home.assert_unframeable();
    assert_eq!(home.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(home.marked("name").as_deref(), Some("Jenny Rosen"));
    assert_eq!(home.marked("tax-ids").as_deref(), Some("DE123456789"));
    let subscriptions = home.texts("[data-test=subscription]");
    assert_eq!(subscriptions.len(), 1, "{subscriptions:?}");
    assert!(subscriptions[0].contains("Jenny Rosen Plan") && subscriptions[0].contains("$20.00 per month"), "{subscriptions:?}");
    assert!(subscriptions[0].contains("Renews on"), "{subscriptions:?}");
    let cards = home.texts("[data-test=payment-method]");
    assert_eq!(cards.len(), 1);
    assert!(cards[0].contains("Visa •••• 4242") && cards[0].contains("Default"), "{cards:?}");
    let invoices = home.texts("[data-test=invoice]");
    assert_eq!(invoices.len(), 1, "the first invoice of the subscription");
    assert!(invoices[0].contains("$20.00") && invoices[0].contains("Paid"), "{invoices:?}");
    assert_eq!(home.attr("[data-test=return]", "href").as_deref(), Some("https://example.com/account"));
    assert!(!home.body.contains(&other) && !home.body.contains("Other Person") && !home.body.contains("$99.00"));
    // The page's one inline style is allowed by its nonce, and only it.
    let policy = home.headers["content-security-policy"].to_str().unwrap();
    let nonce = home.attr("style", "nonce").expect("the brand style carries the nonce");
    assert!(policy.contains(&format!("'nonce-{nonce}'")) && !policy.contains("unsafe-inline"), "{policy}");
});

both_backends!(sections_follow_the_configuration, |server: TestServer| async move {
    let client = server.client();
    let customer = subscribed_customer(&client, "Jenny Rosen", "usd", "2000", "en").await;
    let configuration = post(
        &client,
        "/v1/billing_portal/configurations",
        &[
            ("features[invoice_history][enabled]", "false"),
            ("features[payment_method_update][enabled]", "false"),
            ("features[customer_update][enabled]", "false"),
        ],
    )
    .await;
    let portal = open(&client, &[("customer", &customer), ("configuration", &id(&configuration))]).await;
    let home = portal.get("/p/").await;
    assert_eq!(home.status, 200);
    assert!(home.marked("subscriptions").is_some());
    assert!(home.marked("invoices").is_none() && home.marked("payment-methods").is_none(), "{}", home.body);
    assert!(home.marked("billing").is_some(), "billing information stays, read-only");
    assert!(home.marked("edit-billing").is_none());
});

both_backends!(the_locale_comes_from_the_session_then_the_customer_then_the_browser, |server: TestServer| async move {
    let client = server.client();
    let customer = subscribed_customer(&client, "田中 快", "jpy", "2500", "ja").await;
    let japanese = open(&client, &[("customer", &customer)]).await.get("/p/").await;
    assert_eq!(japanese.attr("html", "lang").as_deref(), Some("ja"));
    assert_eq!(japanese.texts("#subscriptions-title"), ["現在のサブスクリプション"]);
    let subscription = &japanese.texts("[data-test=subscription]")[0];
    assert!(subscription.contains("2,500") && !subscription.contains("2,500.00"), "JPY has no decimals: {subscription}");
    assert!(subscription.contains("毎月"), "one month reads 毎月, not 1 か月ごと: {subscription}");
    let english = open(&client, &[("customer", &customer), ("locale", "en")]).await.get("/p/").await;
    assert_eq!(english.texts("#subscriptions-title"), ["Current subscriptions"]);
    // No session locale and no preference: the browser's Accept-Language decides.
    let plain = post(&client, "/v1/customers", &[("name", "Browser Person")]).await;
    let session = post(&client, "/v1/billing_portal/sessions", &[("customer", &id(&plain)), ("return_url", "https://example.com")]).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let opened = http.get(session["url"].as_str().unwrap()).send().await.unwrap();
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let home = http
        .get(opened.headers()["location"].to_str().unwrap())
        .header("cookie", cookie)
        .header("accept-language", "fr-FR;q=0.9, ja;q=0.8, en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("<html lang=\"ja\""), "{home}");
});

both_backends!(a_connected_accounts_branding_shows_with_on_behalf_of, |server: TestServer| async move {
    let client = server.client();
    let customer = subscribed_customer(&client, "Jenny Rosen", "usd", "2000", "en").await;
    let account = post(
        &client,
        "/v1/accounts",
        &[
            ("type", "custom"),
            ("country", "US"),
            ("business_profile[name]", "Sunny Shop"),
            ("settings[branding][primary_color]", "#ffd400"),
            ("settings[branding][secondary_color]", "#8fd3ff"),
        ],
    )
    .await;
    let home = open(&client, &[("customer", &customer), ("on_behalf_of", &id(&account))]).await.get("/p/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert_eq!(home.marked("business").as_deref(), Some("Sunny Shop"));
    let style = home.texts("style").join("");
    // Yellow buttons get dark text; the pale blue accent is darkened until links on white are readable.
    assert!(style.contains("--brand:#ffd400") && style.contains("--on-brand:#1a1f36"), "{style}");
    assert!(!style.contains("--accent:#8fd3ff"), "{style}");
    // The subscription was not made on behalf of the connected account, so it is not shown here.
    assert!(home.texts("[data-test=subscription]").is_empty(), "{}", home.body);
});

both_backends!(a_tiered_plan_shows_its_quantity_and_what_it_costs, |server: TestServer| async move {
    let client = server.client();
    let customer = id(&post(&client, "/v1/customers", &[("name", "Tiers")]).await);
    let product = id(&post(&client, "/v1/products", &[("name", "Seats")]).await);
    let tiers = [
        ("product", product.as_str()),
        ("currency", "usd"),
        ("recurring[interval]", "month"),
        ("billing_scheme", "tiered"),
        ("tiers_mode", "volume"),
        ("tiers[0][up_to]", "10"),
        ("tiers[0][unit_amount]", "1000"),
        ("tiers[1][up_to]", "inf"),
        ("tiers[1][unit_amount]", "800"),
    ];
    let price = id(&post(&client, "/v1/prices", &tiers).await);
    let subscription = [
        ("customer", customer.as_str()),
        ("items[0][price]", price.as_str()),
        ("items[0][quantity]", "12"),
        ("collection_method", "send_invoice"),
        ("days_until_due", "30"),
    ];
    post(&client, "/v1/subscriptions", &subscription).await;
    let home = open(&client, &[("customer", &customer)]).await.get("/p/").await;
    let subscriptions = home.texts("[data-test=subscription]");
    let shown = &subscriptions[0];
    assert!(shown.contains("12 units, $96.00 per month"), "every seat at the second tier: {shown}");
    let invoices = home.texts("[data-test=invoice]");
    assert!(invoices[0].contains("$96.00"), "{invoices:?}");
});
