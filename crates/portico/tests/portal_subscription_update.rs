//! Updating a subscription in the portal, over real HTTP on both backends, driven like a browser without
//! JavaScript: the choose page (only the prices the rules allow, the others' absence explained), the preview at
//! a pinned proration time and the charge that must equal it (upgrades, downgrades, quantity changes,
//! promotion codes), declines and 3-D Secure during an upgrade, period-end downgrades through a schedule, each
//! refusal rule, a tampered preview, forged forms, other customers' ids and both deep links (spec 3.2, 3.3,
//! 3.9). What changed is checked through the API; events through /v1/events.

use portico_testkit::portal::{Page, Portal};
use portico_testkit::{Client, TestServer, both_backends};
use reqwest::StatusCode;
use serde_json::Value;

fn ok(what: &str, answer: portico_testkit::Answer) -> Value {
    assert_eq!(answer.status, 200, "{what}: {}", answer.body);
    answer.body
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// An amount as the page shows it ("$12.34", "-$5.00") in cents.
fn cents(text: &str) -> i64 {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let value: i64 = digits.parse().unwrap_or_else(|_| panic!("an amount: {text}"));
    if text.contains('-') || text.contains('−') { -value } else { value }
}

/// The catalog: Basic (monthly 10.00, yearly 100.00), Pro (monthly 20.00), all tax-exclusive USD; Euro (EUR)
/// and Inclusive (tax-inclusive) that the rules keep from being offered; Plain (tax unspecified).
struct Catalog {
    basic_monthly: String,
    basic_yearly: String,
    pro_monthly: String,
    euro_monthly: String,
    inclusive_monthly: String,
    plain_monthly: String,
    metered: String,
    products: Vec<(String, Vec<String>)>,
}

async fn product(client: &Client, name: &str) -> String {
    id(&ok("product", client.post("/v1/products", &[("name", name)]).await))
}

async fn price(client: &Client, product: &str, amount: &str, currency: &str, interval: &str, tax: &str) -> String {
    let mut params =
        vec![("product", product), ("unit_amount", amount), ("currency", currency), ("recurring[interval]", interval)];
    if !tax.is_empty() {
        params.push(("tax_behavior", tax));
    }
    id(&ok("price", client.post("/v1/prices", &params).await))
}

async fn catalog(client: &Client) -> Catalog {
    let basic = product(client, "Basic").await;
    let pro = product(client, "Pro").await;
    let euro = product(client, "Euro").await;
    let inclusive = product(client, "Inclusive").await;
    let plain = product(client, "Plain").await;
    let basic_monthly = price(client, &basic, "1000", "usd", "month", "exclusive").await;
    let basic_yearly = price(client, &basic, "10000", "usd", "year", "exclusive").await;
    let pro_monthly = price(client, &pro, "2000", "usd", "month", "exclusive").await;
    let euro_monthly = price(client, &euro, "1500", "eur", "month", "exclusive").await;
    let inclusive_monthly = price(client, &inclusive, "1500", "usd", "month", "inclusive").await;
    let plain_monthly = price(client, &plain, "500", "usd", "month", "").await;
    let metered = id(&ok(
        "metered",
        client
            .post(
                "/v1/prices",
                &[
                    ("product", &plain),
                    ("unit_amount", "5"),
                    ("currency", "usd"),
                    ("recurring[interval]", "year"),
                    ("recurring[usage_type]", "metered"),
                    ("recurring[meter]", "mtr_123"),
                ],
            )
            .await,
    ));
    let products = vec![
        (basic, vec![basic_monthly.clone(), basic_yearly.clone()]),
        (pro, vec![pro_monthly.clone()]),
        (euro, vec![euro_monthly.clone()]),
        (inclusive, vec![inclusive_monthly.clone()]),
        (plain, vec![plain_monthly.clone()]),
    ];
    Catalog {
        basic_monthly,
        basic_yearly,
        pro_monthly,
        euro_monthly,
        inclusive_monthly,
        plain_monthly,
        metered,
        products,
    }
}

/// A configuration offering the catalog (quantity 1–10 everywhere) with `proration` and `extra` settings.
async fn configuration(client: &Client, catalog: &Catalog, proration: &str, extra: &[(&str, &str)]) -> String {
    let mut params: Vec<(String, String)> = vec![
        ("features[subscription_update][enabled]".into(), "true".into()),
        ("features[subscription_update][default_allowed_updates][0]".into(), "price".into()),
        ("features[subscription_update][default_allowed_updates][1]".into(), "quantity".into()),
        ("features[subscription_update][default_allowed_updates][2]".into(), "promotion_code".into()),
        ("features[subscription_update][proration_behavior]".into(), proration.into()),
        ("features[invoice_history][enabled]".into(), "true".into()),
        ("features[payment_method_update][enabled]".into(), "true".into()),
    ];
    for (index, (product, prices)) in catalog.products.iter().enumerate() {
        let at = format!("features[subscription_update][products][{index}]");
        params.push((format!("{at}[product]"), product.clone()));
        for (p, price) in prices.iter().enumerate() {
            params.push((format!("{at}[prices][{p}]"), price.clone()));
        }
        params.push((format!("{at}[adjustable_quantity][enabled]"), "true".into()));
        params.push((format!("{at}[adjustable_quantity][minimum]"), "1".into()));
        params.push((format!("{at}[adjustable_quantity][maximum]"), "10".into()));
    }
    params.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    id(&ok("configuration", client.post("/v1/billing_portal/configurations", &borrowed).await))
}

/// A customer paying with `card` by default.
async fn customer(client: &Client, card: &str) -> String {
    let customer = id(&ok("customer", client.post("/v1/customers", &[("name", "Jenny Rosen")]).await));
    set_card(client, &customer, card).await;
    customer
}

async fn set_card(client: &Client, customer: &str, card: &str) {
    let pm =
        id(&ok("attach", client.post(&format!("/v1/payment_methods/{card}/attach"), &[("customer", customer)]).await));
    let default = [("invoice_settings[default_payment_method]", pm.as_str())];
    ok("default", client.post(&format!("/v1/customers/{customer}"), &default).await);
}

async fn subscribe(client: &Client, customer: &str, price: &str, quantity: &str, extra: &[(&str, &str)]) -> Value {
    let mut params = vec![("customer", customer), ("items[0][price]", price), ("items[0][quantity]", quantity)];
    params.extend_from_slice(extra);
    ok("subscription", client.post("/v1/subscriptions", &params).await)
}

async fn subscription(client: &Client, id: &str) -> Value {
    ok("retrieve", client.get(&format!("/v1/subscriptions/{id}"), &[]).await)
}

async fn portal(client: &Client, customer: &str, configuration: &str, extra: &[(&str, &str)]) -> Portal {
    let mut params =
        vec![("customer", customer), ("configuration", configuration), ("return_url", "https://example.com/account")];
    params.extend_from_slice(extra);
    let session = ok("session", client.post("/v1/billing_portal/sessions", &params).await);
    Portal::open(session["url"].as_str().unwrap()).await
}

/// Event types about `object` (or naming it as customer or subscription), oldest first.
async fn events(client: &Client, object: &str) -> Vec<String> {
    let list = ok("events", client.get("/v1/events", &[("limit", "100")]).await);
    let mut types: Vec<String> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let o = &e["data"]["object"];
            o["id"] == object || o["customer"] == object || o["subscription"] == object
        })
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    types.reverse();
    types
}

fn prices_offered(page: &Page) -> Vec<String> {
    let document = page.document();
    let selector = scraper::Selector::parse("[data-test=price]").unwrap();
    document.select(&selector).map(|e| e.value().attr("value").unwrap().to_owned()).collect()
}

/// The choose page's form submitted with `fields`; answers the preview (or the form again).
async fn choose(portal: &Portal, sub: &str, fields: &[(&str, &str)]) -> Page {
    let page = portal.get(&format!("/p/subscriptions/{sub}/update")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    portal.submit(&page, "[data-test=update-form]", fields).await
}

fn due_now(preview: &Page) -> i64 {
    cents(&preview.marked("due-now").expect("an amount due now"))
}

fn line_amounts(preview: &Page) -> Vec<i64> {
    preview.texts("[data-test=line-amount]").iter().map(|t| cents(t)).collect()
}

/// The subscription's newest invoice.
async fn latest_invoice(client: &Client, sub: &Value) -> Value {
    let invoice = sub["latest_invoice"].as_str().expect("a latest invoice");
    ok("invoice", client.get(&format!("/v1/invoices/{invoice}"), &[]).await)
}

both_backends!(the_choose_page_offers_only_what_the_rules_allow_and_says_why, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    let portal = portal(&client, &customer, &config, &[]).await;
    let page = portal.get(&format!("/p/subscriptions/{sub}/update")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_unframeable();
    assert_eq!(
        prices_offered(&page),
        [catalog.basic_monthly.clone(), catalog.basic_yearly.clone(), catalog.pro_monthly.clone()]
    );
    assert_eq!(page.attr("[data-test=price][checked]", "value").as_deref(), Some(catalog.basic_monthly.as_str()));
    let missing = page.texts("[data-test=missing] p");
    assert_eq!(missing.len(), 2, "currency and tax behaviour (Plain's unspecified one among them): {missing:?}");
    assert!(missing[0].contains("USD"), "{missing:?}");
    assert!(!prices_offered(&page).contains(&catalog.euro_monthly));
    assert!(!prices_offered(&page).contains(&catalog.inclusive_monthly));
    assert_eq!(page.attr("[data-test=quantity]", "value").as_deref(), Some("1"));
    assert_eq!(page.attr("[data-test=quantity]", "max").as_deref(), Some("10"));
    assert!(page.attr("[data-test=promotion-code]", "name").is_some());
    assert_eq!(page.texts("h1").len(), 1);
    assert!(page.attr("label[for=quantity]", "for").is_some());

    // A subscription on a price whose tax behaviour is unspecified cannot switch price at all.
    let plain = id(&subscribe(&client, &customer, &catalog.plain_monthly, "1", &[]).await);
    let page = portal.get(&format!("/p/subscriptions/{plain}/update")).await;
    assert_eq!(prices_offered(&page), std::slice::from_ref(&catalog.plain_monthly));
    assert!(page.texts("[data-test=missing] p").iter().any(|t| t.contains("doesn't say how tax applies")));

    // Japanese.
    let japanese = {
        let session = ok(
            "session",
            client
                .post(
                    "/v1/billing_portal/sessions",
                    &[
                        ("customer", &customer),
                        ("configuration", &config),
                        ("return_url", "https://example.com"),
                        ("locale", "ja"),
                    ],
                )
                .await,
        );
        Portal::open(session["url"].as_str().unwrap()).await
    };
    let page = japanese.get(&format!("/p/subscriptions/{sub}/update")).await;
    assert_eq!(page.marked("continue").as_deref(), Some("次へ"));
    let _ = catalog.metered;
});

both_backends!(an_upgrade_charges_exactly_the_previewed_amount, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    let portal = portal(&client, &customer, &config, &[]).await;
    let preview = choose(&portal, &sub, &[("price", &catalog.pro_monthly), ("quantity", "1")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.marked("plan").unwrap().contains("Pro"));
    let due = due_now(&preview);
    let lines = line_amounts(&preview);
    assert!(due > 0 && due <= 1000, "an upgrade by 10.00 a month, prorated: {due}");
    assert_eq!(lines.iter().sum::<i64>(), due, "the lines add up to the amount due: {lines:?}");
    assert!(lines.iter().any(|a| *a < 0) && lines.iter().any(|a| *a > 0), "a credit and a charge: {lines:?}");
    assert!(preview.marked("next-invoice").is_some());
    // Nothing changed by previewing.
    assert_eq!(subscription(&client, &sub).await["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str());

    let done = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/p/?done=subscription_updated"));
    let changed = subscription(&client, &sub).await;
    assert_eq!(changed["items"]["data"][0]["price"]["id"], catalog.pro_monthly.as_str());
    let invoice = latest_invoice(&client, &changed).await;
    assert_eq!(invoice["billing_reason"], "subscription_update");
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"].as_i64(), Some(due), "the charge equals the preview");
    let types = events(&client, &customer).await;
    for expected in ["customer.subscription.updated", "invoice.created", "invoice.finalized", "invoice.paid"] {
        assert!(types.iter().any(|t| t == expected), "{expected} in {types:?}");
    }
});

both_backends!(quantity_changes_and_downgrades_create_the_previewed_prorations, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "create_prorations", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.pro_monthly, "2", &[]).await);
    let portal = portal(&client, &customer, &config, &[]).await;

    // Quantity 2 → 3: nothing due now, the prorations become pending invoice items.
    let preview = choose(&portal, &sub, &[("price", &catalog.pro_monthly), ("quantity", "3")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(due_now(&preview), 0);
    let shown = line_amounts(&preview);
    assert_eq!(shown.len(), 2, "a credit and a charge: {shown:?}");
    let done = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let items = ok("items", client.get("/v1/invoiceitems", &[("customer", &customer), ("pending", "true")]).await);
    let mut created: Vec<i64> =
        items["data"].as_array().unwrap().iter().map(|i| i["amount"].as_i64().unwrap()).collect();
    let mut expected = shown.clone();
    created.sort();
    expected.sort();
    assert_eq!(created, expected, "the pending prorations are the previewed lines");
    assert_eq!(subscription(&client, &sub).await["items"]["data"][0]["quantity"], 3);
    let types = events(&client, &customer).await;
    assert_eq!(types.iter().filter(|t| *t == "invoiceitem.created").count(), 2, "{types:?}");
    assert!(types.iter().any(|t| t == "customer.subscription.updated"));

    // A downgrade to another product (no period-end condition configured): applied now, credited.
    let preview = choose(&portal, &sub, &[("price", &catalog.basic_monthly), ("quantity", "1")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let shown = line_amounts(&preview);
    assert!(shown.iter().sum::<i64>() < 0, "a downgrade credits: {shown:?}");
    let done = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let items = ok("items", client.get("/v1/invoiceitems", &[("customer", &customer), ("pending", "true")]).await);
    let total: i64 = items["data"].as_array().unwrap().iter().map(|i| i["amount"].as_i64().unwrap()).sum();
    assert_eq!(total, expected.iter().sum::<i64>() + shown.iter().sum::<i64>());
    assert_eq!(subscription(&client, &sub).await["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str());
});

both_backends!(a_promotion_code_is_applied_at_the_previewed_amount, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let coupon = id(&ok(
        "coupon",
        client.post("/v1/coupons", &[("percent_off", "20"), ("duration", "forever"), ("name", "Twenty")]).await,
    ));
    ok(
        "promo",
        client
            .post(
                "/v1/promotion_codes",
                &[("promotion[type]", "coupon"), ("promotion[coupon]", &coupon), ("code", "SAVE20")],
            )
            .await,
    );
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    let portal = portal(&client, &customer, &config, &[]).await;

    // An unknown code: the form again, the error beside the field, the typed values kept, nothing changed.
    let again =
        choose(&portal, &sub, &[("price", &catalog.basic_monthly), ("quantity", "4"), ("promotion_code", "NOPE")])
            .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert!(again.marked("promotion-code-error").is_some());
    assert_eq!(again.attr("[data-test=promotion-code]", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(again.attr("[data-test=promotion-code]", "aria-describedby").as_deref(), Some("promotion-code-error"));
    assert_eq!(again.attr("[data-test=promotion-code]", "value").as_deref(), Some("NOPE"));
    assert_eq!(again.attr("[data-test=quantity]", "value").as_deref(), Some("4"));
    // A quantity out of bounds, kept as typed.
    let again = choose(&portal, &sub, &[("price", &catalog.basic_monthly), ("quantity", "11")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.marked("quantity-error").is_some());
    assert_eq!(again.attr("[data-test=quantity]", "value").as_deref(), Some("11"));
    let unchanged = subscription(&client, &sub).await;
    assert_eq!(unchanged["items"]["data"][0]["quantity"], 1);
    assert_eq!(unchanged["discounts"].as_array().unwrap().len(), 0);

    // The code with a quantity change, typed in lower case.
    let preview =
        choose(&portal, &sub, &[("price", &catalog.basic_monthly), ("quantity", "2"), ("promotion_code", "save20")])
            .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.marked("discount").unwrap().contains("save20"));
    let due = due_now(&preview);
    assert_eq!(
        subscription(&client, &sub).await["discounts"].as_array().unwrap().len(),
        0,
        "a preview changes nothing"
    );
    let done = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let changed = subscription(&client, &sub).await;
    assert_eq!(changed["discounts"].as_array().unwrap().len(), 1);
    assert_eq!(changed["items"]["data"][0]["quantity"], 2);
    let invoice = latest_invoice(&client, &changed).await;
    assert_eq!(invoice["amount_paid"].as_i64(), Some(due), "the charge equals the preview");
});

both_backends!(a_declined_card_leaves_the_subscription_as_it_was, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    set_card(&client, &customer, "pm_card_chargeCustomerFail").await;
    let portal = portal(&client, &customer, &config, &[]).await;
    let preview = choose(&portal, &sub, &[("price", &catalog.pro_monthly), ("quantity", "1")]).await;
    let declined = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    assert!(declined.marked("decline").is_some());
    assert!(declined.attr("[data-test=pay-other]", "href").unwrap().contains("/pay"));
    let after = subscription(&client, &sub).await;
    assert_eq!(after["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str(), "still on its old price");
    assert_eq!(after["status"], "active");
    assert!(after["pending_update"].is_object(), "the change waits for its invoice");
    let types = events(&client, &customer).await;
    assert!(types.iter().any(|t| t == "invoice.payment_failed"), "{types:?}");
    // While it waits, the portal will not stack another change.
    assert_eq!(portal.get(&format!("/p/subscriptions/{sub}/update")).await.status, StatusCode::CONFLICT);
});

both_backends!(a_card_asking_for_3d_secure_is_challenged_then_the_upgrade_applies, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    set_card(&client, &customer, "pm_card_authenticationRequired").await;
    let portal = portal(&client, &customer, &config, &[]).await;
    let preview = choose(&portal, &sub, &[("price", &catalog.pro_monthly), ("quantity", "1")]).await;
    let due = due_now(&preview);
    let sent = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let challenge_path = format!("/p/subscriptions/{sub}/update/authenticate");
    assert_eq!(sent.location(), Some(challenge_path.as_str()));
    assert_eq!(subscription(&client, &sub).await["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str());
    let challenge = portal.get(&challenge_path).await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    assert_eq!(cents(&challenge.marked("amount").unwrap()), due);
    let done = portal.submit(&challenge, "form:has([value=succeed])", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let changed = subscription(&client, &sub).await;
    assert_eq!(changed["items"]["data"][0]["price"]["id"], catalog.pro_monthly.as_str());
    assert!(changed["pending_update"].is_null());
    assert_eq!(latest_invoice(&client, &changed).await["amount_paid"].as_i64(), Some(due));
});

both_backends!(a_period_end_downgrade_is_scheduled, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let condition =
        [("features[subscription_update][schedule_at_period_end][conditions][0][type]", "decreasing_item_amount")];
    let config = configuration(&client, &catalog, "create_prorations", &condition).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "3", &[]).await);
    let portal = portal(&client, &customer, &config, &[]).await;
    let preview = choose(&portal, &sub, &[("price", &catalog.basic_monthly), ("quantity", "1")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.marked("scheduled").is_some());
    assert_eq!(due_now(&preview), 0);
    assert_eq!(cents(&preview.marked("next-invoice").unwrap()), 1000);
    let done = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = subscription(&client, &sub).await;
    assert_eq!(after["items"]["data"][0]["quantity"], 3, "unchanged until the period ends");
    let schedule = after["schedule"].as_str().expect("a schedule");
    let schedule = ok("schedule", client.get(&format!("/v1/subscription_schedules/{schedule}"), &[]).await);
    assert_eq!(schedule["phases"].as_array().unwrap().len(), 2);
    assert_eq!(schedule["phases"][1]["items"][0]["quantity"], 1);
    assert_eq!(schedule["end_behavior"], "release");
    assert!(events(&client, &customer).await.iter().any(|t| t == "subscription_schedule.created"));
    // With its schedule, the subscription can no longer be changed here.
    let refused = portal.get(&format!("/p/subscriptions/{sub}/update")).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    // An upgrade is not scheduled: yearly is cheaper per month but the same product — 100/year < 10×12.
    let _ = catalog.basic_yearly;
});

both_backends!(each_refusal_rule_is_enforced_and_explained, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let several = id(&ok(
        "several",
        client
            .post(
                "/v1/subscriptions",
                &[
                    ("customer", &customer),
                    ("items[0][price]", &catalog.basic_monthly),
                    ("items[1][price]", &catalog.pro_monthly),
                ],
            )
            .await,
    ));
    let metered = id(&subscribe(&client, &customer, &catalog.metered, "1", &[]).await);
    let invoiced = id(&subscribe(
        &client,
        &customer,
        &catalog.basic_monthly,
        "1",
        &[("collection_method", "send_invoice"), ("days_until_due", "30")],
    )
    .await);
    let scheduled = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    ok("schedule", client.post("/v1/subscription_schedules", &[("from_subscription", &scheduled)]).await);
    let portal = portal(&client, &customer, &config, &[]).await;
    for (sub, words) in
        [(&several, "several products"), (&metered, "usage"), (&invoiced, "paid by invoice"), (&scheduled, "scheduled")]
    {
        let page = portal.get(&format!("/p/subscriptions/{sub}/update")).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{sub}: {}", page.body);
        let reason = page.marked("reason").unwrap().to_lowercase();
        assert!(reason.contains(words), "{words} in {reason}");
        assert!(page.document().select(&scraper::Selector::parse("[data-test=update-form]").unwrap()).next().is_none());
        // Posting anyway is refused the same way, and changes nothing.
        let token = portal.get(&format!("/p/subscriptions/{sub}/update")).await.attr("input[name=csrf_token]", "value");
        assert!(token.is_none(), "no form, no token");
    }
    // A trialing subscription: the change ends the trial and invoices now (end_trial, the default).
    let trialing =
        id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[("trial_period_days", "14")]).await);
    let page = portal.get(&format!("/p/subscriptions/{trialing}/update")).await;
    assert!(page.marked("trial-note").is_some());
    let preview =
        portal.submit(&page, "[data-test=update-form]", &[("price", &catalog.pro_monthly), ("quantity", "1")]).await;
    assert!(preview.marked("trial-ends").is_some());
    let due = due_now(&preview);
    assert_eq!(due, 2000, "the new price's full period");
    let done = portal.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = subscription(&client, &trialing).await;
    assert_eq!(after["status"], "active");
    assert_eq!(latest_invoice(&client, &after).await["amount_paid"].as_i64(), Some(due));
});

both_backends!(tampered_previews_forged_forms_and_other_customers_are_refused, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    let portal = portal(&client, &customer, &config, &[]).await;
    let preview = choose(&portal, &sub, &[("price", &catalog.pro_monthly), ("quantity", "1")]).await;
    let at: i64 = preview.attr("input[name=proration_date]", "value").unwrap().parse().unwrap();
    let earlier = (at - 600).to_string();
    let tampered = portal.submit(&preview, "[data-test=confirm-form]", &[("proration_date", &earlier)]).await;
    assert_eq!(tampered.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", tampered.body);
    assert!(tampered.marked("form-error").is_some());
    let cheaper = portal.submit(&preview, "[data-test=confirm-form]", &[("price", &catalog.basic_yearly)]).await;
    assert_eq!(cheaper.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(subscription(&client, &sub).await["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str());

    // Forms without this session's token.
    let confirm = format!("/p/subscriptions/{sub}/update/confirm");
    let fields = [
        ("price", catalog.pro_monthly.as_str()),
        ("quantity", "1"),
        ("discount", ""),
        ("proration_date", &at.to_string()),
        ("signature", &preview.attr("input[name=signature]", "value").unwrap()),
    ];
    let forged = portal.post(&confirm, &fields).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mut wrong = fields.to_vec();
    wrong.push(("csrf_token", "00ff"));
    assert_eq!(portal.post(&confirm, &wrong).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        portal.post(&format!("/p/subscriptions/{sub}/update"), &[("price", &catalog.pro_monthly)]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(subscription(&client, &sub).await["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str());

    // Another customer's subscription: the same 404 as one that does not exist, on every route.
    let other = customer_with_sub(&client, &catalog).await;
    let token = preview.attr("input[name=csrf_token]", "value").unwrap();
    for target in [other.as_str(), "sub_doesnotexist"] {
        for path in ["update", "update/confirm", "update/authenticate"] {
            let path = format!("/p/subscriptions/{target}/{path}");
            assert_eq!(portal.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
            let posted = portal
                .post(&path, &[("csrf_token", &token), ("price", &catalog.pro_monthly), ("outcome", "succeed")])
                .await;
            assert_eq!(posted.status, StatusCode::NOT_FOUND, "POST {path}");
        }
    }
    let mut stolen = fields.to_vec();
    stolen.push(("csrf_token", &token));
    assert_eq!(
        portal.post(&format!("/p/subscriptions/{other}/update/confirm"), &stolen).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(subscription(&client, &other).await["items"]["data"][0]["price"]["id"], catalog.basic_monthly.as_str());
});

async fn customer_with_sub(client: &Client, catalog: &Catalog) -> String {
    let other = customer(client, "pm_card_visa").await;
    id(&subscribe(client, &other, &catalog.basic_monthly, "1", &[]).await)
}

both_backends!(the_update_deep_links_open_on_their_task_and_follow_after_completion, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let config = configuration(&client, &catalog, "always_invoice", &[]).await;
    let customer = customer(&client, "pm_card_visa").await;
    let sub_value = subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await;
    let sub = id(&sub_value);
    let other = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);

    // subscription_update: the choose page, nothing else (not even the customer's other subscription).
    let flow =
        [("flow_data[type]", "subscription_update"), ("flow_data[subscription_update][subscription]", sub.as_str())];
    let portal_a = portal(&client, &customer, &config, &flow).await;
    let home = portal_a.get("/p/").await;
    let choose_path = format!("/p/subscriptions/{sub}/update");
    assert_eq!(home.location(), Some(choose_path.as_str()));
    let page = portal_a.get(&choose_path).await;
    assert!(page.marked("back").is_none(), "no way back to the rest of the portal");
    assert_eq!(portal_a.get(&format!("/p/subscriptions/{other}/update")).await.status, StatusCode::NOT_FOUND);
    let preview =
        portal_a.submit(&page, "[data-test=update-form]", &[("price", &catalog.pro_monthly), ("quantity", "1")]).await;
    let done = portal_a.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.location(), Some("/p/done?what=subscription_updated"));
    let confirmation = portal_a.get("/p/done?what=subscription_updated").await;
    assert_eq!(confirmation.status, StatusCode::OK);

    // subscription_update_confirm: straight to the preview of the flow's change; then redirect.
    let item = sub_value["items"]["data"][0]["id"].as_str().unwrap().to_owned();
    let other_value = subscription(&client, &other).await;
    let other_item = other_value["items"]["data"][0]["id"].as_str().unwrap().to_owned();
    let flow = [
        ("flow_data[type]", "subscription_update_confirm"),
        ("flow_data[subscription_update_confirm][subscription]", other.as_str()),
        ("flow_data[subscription_update_confirm][items][0][id]", other_item.as_str()),
        ("flow_data[subscription_update_confirm][items][0][price]", catalog.pro_monthly.as_str()),
        ("flow_data[subscription_update_confirm][items][0][quantity]", "2"),
        ("flow_data[after_completion][type]", "redirect"),
        ("flow_data[after_completion][redirect][return_url]", "https://example.com/thanks"),
    ];
    let portal_b = portal(&client, &customer, &config, &flow).await;
    let confirm_path = format!("/p/subscriptions/{other}/update/confirm");
    assert_eq!(portal_b.get("/p/").await.location(), Some(confirm_path.as_str()));
    let preview = portal_b.get(&confirm_path).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.marked("back").is_none());
    assert!(preview.marked("plan").unwrap().contains("2 × "));
    let due = due_now(&preview);
    let done = portal_b.submit(&preview, "[data-test=confirm-form]", &[]).await;
    assert_eq!(done.location(), Some("https://example.com/thanks"));
    let changed = subscription(&client, &other).await;
    assert_eq!(changed["items"]["data"][0]["price"]["id"], catalog.pro_monthly.as_str());
    assert_eq!(changed["items"]["data"][0]["quantity"], 2);
    assert_eq!(latest_invoice(&client, &changed).await["amount_paid"].as_i64(), Some(due));
    let _ = item;
});

/// A configuration that lists only `price` for its product, with `allowed` updates and `quantity` bounds.
async fn only_price(
    client: &Client,
    product: &str,
    price: &str,
    allowed: &[&str],
    quantity: Option<(&str, &str)>,
) -> String {
    let mut params: Vec<(String, String)> = vec![
        ("features[subscription_update][enabled]".into(), "true".into()),
        ("features[subscription_update][products][0][product]".into(), product.into()),
        ("features[subscription_update][products][0][prices][0]".into(), price.into()),
        ("features[payment_method_update][enabled]".into(), "true".into()),
    ];
    for (index, what) in allowed.iter().enumerate() {
        params.push((format!("features[subscription_update][default_allowed_updates][{index}]"), (*what).into()));
    }
    if let Some((minimum, maximum)) = quantity {
        let at = "features[subscription_update][products][0][adjustable_quantity]";
        params.push((format!("{at}[enabled]"), "true".into()));
        params.push((format!("{at}[minimum]"), minimum.into()));
        params.push((format!("{at}[maximum]"), maximum.into()));
    }
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    id(&ok("configuration", client.post("/v1/billing_portal/configurations", &borrowed).await))
}

both_backends!(no_update_is_offered_when_there_is_nothing_to_change_to, |server: TestServer| async move {
    let client = server.client();
    let catalog = catalog(&client).await;
    let basic = &catalog.products[0].0;
    let customer = customer(&client, "pm_card_visa").await;
    let sub = id(&subscribe(&client, &customer, &catalog.basic_monthly, "1", &[]).await);
    let offered = |page: &Page| page.attr("[data-test=update-subscription]", "href").is_some();

    // Only the current price, and a quantity that can only stay at 1: nothing to change.
    for (allowed, quantity) in [(&["price"][..], None), (&["price", "quantity"][..], Some(("1", "1")))] {
        let config = only_price(&client, basic, &catalog.basic_monthly, allowed, quantity).await;
        let portal = portal(&client, &customer, &config, &[]).await;
        let home = portal.get("/p/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        assert!(!offered(&home), "{allowed:?} {quantity:?}: no update button");
        let page = portal.get(&format!("/p/subscriptions/{sub}/update")).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        assert!(page.marked("reason").unwrap().contains("nothing else to change"), "{}", page.body);
        assert!(page.attr("input[name=csrf_token]", "value").is_none(), "no form");
    }

    // Each thing there is to change brings the button back, and the page opens.
    for (allowed, quantity) in [
        (&["price", "quantity"][..], Some(("1", "10"))),
        (&["price", "quantity"][..], Some(("2", "2"))),
        (&["price", "promotion_code"][..], None),
    ] {
        let config = only_price(&client, basic, &catalog.basic_monthly, allowed, quantity).await;
        let portal = portal(&client, &customer, &config, &[]).await;
        assert!(offered(&portal.get("/p/").await), "{allowed:?} {quantity:?}: an update button");
        let page = portal.get(&format!("/p/subscriptions/{sub}/update")).await;
        assert_eq!(page.status, StatusCode::OK, "{allowed:?} {quantity:?}: {}", page.body);
    }

    // A price without a tax behaviour can switch to nothing: the refusal says why, without pointing at a form.
    let plain = id(&subscribe(&client, &customer, &catalog.plain_monthly, "1", &[]).await);
    let config = only_price(&client, &catalog.products[1].0, &catalog.pro_monthly, &["price"], None).await;
    let portal = portal(&client, &customer, &config, &[]).await;
    let page = portal.get(&format!("/p/subscriptions/{plain}/update")).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    let reason = page.marked("reason").unwrap();
    assert!(reason.contains("doesn't say how tax applies") && !reason.contains("below"), "{reason}");
});
