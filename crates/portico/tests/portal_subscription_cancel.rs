//! Canceling, renewing, pausing and resuming subscriptions in the portal, and the retention offer before a
//! cancellation, over real HTTP on both backends, driven like a browser without JavaScript. What changed (and
//! what did not) is checked through the API, with the events spec 3.9 names.

use portico_testkit::portal::{Page, Portal};
use portico_testkit::{Client, TestServer, both_backends};
use reqwest::StatusCode;
use serde_json::Value;

const DAY: i64 = 86_400;

fn ok(what: &str, answer: portico_testkit::Answer) -> Value {
    assert!((200..300).contains(&answer.status), "{what}: {} {:#}", answer.status, answer.body);
    answer.body
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

async fn customer(client: &Client, name: &str, extra: &[(&str, &str)]) -> String {
    let mut form = vec![("name", name)];
    form.extend_from_slice(extra);
    let customer = id(&ok("customer", client.post("/v1/customers", &form).await));
    ok("card", client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", customer.as_str())]).await);
    let cards = ok("cards", client.get(&format!("/v1/customers/{customer}/payment_methods"), &[]).await);
    let card = cards["data"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/customers/{customer}");
    ok("default", client.post(&path, &[("invoice_settings[default_payment_method]", card.as_str())]).await);
    customer
}

/// An active monthly subscription of 10.00 USD; `mode` is its billing mode (`classic` or `flexible`).
async fn subscription(client: &Client, customer: &str, mode: &str) -> Value {
    let price = ok(
        "price",
        client
            .post(
                "/v1/prices",
                &[
                    ("currency", "usd"),
                    ("unit_amount", "1000"),
                    ("recurring[interval]", "month"),
                    ("product_data[name]", "Pro"),
                ],
            )
            .await,
    );
    let price = id(&price);
    let form = [("customer", customer), ("items[0][price]", price.as_str()), ("billing_mode[type]", mode)];
    let sub = ok("subscription", client.post("/v1/subscriptions", &form).await);
    assert_eq!(sub["status"], "active");
    sub
}

async fn retrieve(client: &Client, sub: &str) -> Value {
    ok("subscription", client.get(&format!("/v1/subscriptions/{sub}"), &[]).await)
}

/// A configuration allowing cancellation (`mode`, `proration`) with the survey, and pausing; `extra` adds to it.
async fn configuration(client: &Client, mode: &str, proration: &str, extra: &[(&str, &str)]) -> String {
    let mut form = vec![
        ("features[invoice_history][enabled]", "true"),
        ("features[customer_update][enabled]", "false"),
        ("features[payment_method_update][enabled]", "true"),
        ("features[subscription_cancel][enabled]", "true"),
        ("features[subscription_cancel][mode]", mode),
        ("features[subscription_cancel][proration_behavior]", proration),
        ("features[subscription_cancel][cancellation_reason][enabled]", "true"),
        ("features[subscription_cancel][cancellation_reason][options][0]", "too_expensive"),
        ("features[subscription_cancel][cancellation_reason][options][1]", "unused"),
        ("features[subscription_cancel][cancellation_reason][options][2]", "other"),
        ("features[subscription_pause][enabled]", "true"),
        ("features[subscription_pause][duration][type]", "interval_options"),
        ("features[subscription_pause][duration][interval_options][0][interval]", "week"),
        ("features[subscription_pause][duration][interval_options][0][interval_count]", "2"),
        ("features[subscription_pause][duration][interval_options][1][interval]", "month"),
        ("features[subscription_pause][duration][interval_options][1][interval_count]", "1"),
    ];
    form.extend_from_slice(extra);
    id(&ok("configuration", client.post("/v1/billing_portal/configurations", &form).await))
}

async fn open(client: &Client, customer: &str, configuration: &str, extra: &[(&str, &str)]) -> Portal {
    let mut form =
        vec![("customer", customer), ("configuration", configuration), ("return_url", "https://shop.example/account")];
    form.extend_from_slice(extra);
    let session = ok("session", client.post("/v1/billing_portal/sessions", &form).await);
    Portal::open(session["url"].as_str().unwrap()).await
}

/// Events of `kind` about subscription `sub`, newest first.
async fn events(client: &Client, kind: &str, sub: &str) -> Vec<Value> {
    let list = ok("events", client.get("/v1/events", &[("type", kind), ("limit", "100")]).await);
    let all = list["data"].as_array().unwrap().clone();
    all.into_iter()
        .filter(|e| {
            let object = &e["data"]["object"];
            object["id"] == sub || object["parent"]["subscription_details"]["subscription"] == sub
        })
        .collect()
}

fn assert_one_h1(page: &Page) {
    assert_eq!(page.texts("h1").len(), 1, "one h1 in:\n{}", page.body);
}

/// The error beside field `name`: tied to its input(s) by `aria-describedby`, the input marked invalid.
fn field_error(page: &Page, name: &str, error_id: &str) -> String {
    let described = page.attr(
        &format!("[name=\"{name}\"][aria-invalid=\"true\"], fieldset[aria-describedby=\"{error_id}\"]"),
        "aria-describedby",
    );
    assert!(
        described.is_some_and(|d| d.split(' ').any(|part| part == error_id)),
        "{name} described by {error_id}:\n{}",
        page.body
    );
    page.texts(&format!("#{error_id}")).into_iter().next().unwrap_or_else(|| panic!("no #{error_id}"))
}

both_backends!(cancel_at_period_end_classic_stores_the_survey_and_renew_undoes_it, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub = subscription(&client, &jenny, "classic").await;
    let sub_id = id(&sub);
    let baseline = events(&client, "customer.subscription.updated", &sub_id).await.len();
    let period_end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    let bpc = configuration(&client, "at_period_end", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;

    let home = portal.get("/p/").await;
    let link = format!("/p/subscriptions/{sub_id}/cancel");
    assert_eq!(home.attr("[data-test=cancel-subscription]", "href").as_deref(), Some(link.as_str()));

    let page = portal.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_unframeable();
    assert_one_h1(&page);
    assert!(page.marked("outcome").unwrap().contains("You keep access"), "{}", page.body);
    assert_eq!(page.texts("[data-test=survey] label").len(), 3);
    assert_eq!(page.attr("label[for=reason-too_expensive]", "for").as_deref(), Some("reason-too_expensive"));
    assert!(page.marked("back").is_some(), "navigation outside a flow");

    let done = portal
        .submit(&page, "[data-test=cancel-form]", &[("reason", "too_expensive"), ("comment", "Too pricey")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/p/?done=subscription_cancel_scheduled"));
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["cancel_at_period_end"], true);
    assert_eq!(after["cancel_at"], period_end);
    assert!(after["canceled_at"].is_i64());
    assert_eq!(after["cancellation_details"]["feedback"], "too_expensive");
    assert_eq!(after["cancellation_details"]["comment"], "Too pricey");
    let updated = events(&client, "customer.subscription.updated", &sub_id).await;
    assert_eq!(updated[0]["data"]["object"]["cancellation_details"]["feedback"], "too_expensive");
    assert_eq!(updated[0]["data"]["object"]["cancellation_details"]["comment"], "Too pricey");
    assert_eq!(updated[0]["data"]["previous_attributes"]["cancel_at_period_end"], false);

    // Canceling again is refused in plain words; renewing undoes the cancellation.
    let again = portal.get(&link).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.marked("refusal").is_some());
    let home = portal.get("/p/").await;
    assert!(home.marked("cancel-subscription").is_none());
    let renewed = portal.submit(&home, &format!("form[action=\"/p/subscriptions/{sub_id}/renew\"]"), &[]).await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["cancel_at_period_end"], false);
    assert_eq!(after["cancel_at"], Value::Null);
    assert_eq!(events(&client, "customer.subscription.updated", &sub_id).await.len(), baseline + 2);
    let home = portal.get("/p/").await;
    assert!(home.marked("cancel-subscription").is_some());
    // Nothing to renew any more.
    let token = portal.get(&link).await.attr("input[name=csrf_token]", "value").unwrap();
    let refused = portal.post(&format!("/p/subscriptions/{sub_id}/renew"), &[("csrf_token", token.as_str())]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
});

both_backends!(cancel_at_period_end_flexible_sets_cancel_at_to_the_last_period_end, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub = subscription(&client, &jenny, "flexible").await;
    let sub_id = id(&sub);
    let period_end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    let bpc = configuration(&client, "at_period_end", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[("locale", "ja")]).await;

    let page = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
    assert_eq!(page.texts("h1"), ["サブスクリプションの解約"]);
    assert!(page.marked("outcome").unwrap().contains("に終了します"), "{}", page.body);
    assert_eq!(page.texts("label[for=reason-too_expensive]"), ["料金が高すぎる"]);
    let done = portal.submit(&page, "[data-test=cancel-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["cancel_at"], period_end);
    assert_eq!(after["cancel_at_period_end"], false);
    assert_eq!(after["cancellation_details"]["feedback"], Value::Null);

    let home = portal.get("/p/").await;
    let renewed = portal.submit(&home, &format!("form[action=\"/p/subscriptions/{sub_id}/renew\"]"), &[]).await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    assert_eq!(retrieve(&client, &sub_id).await["cancel_at"], Value::Null);
});

both_backends!(cancel_immediately_with_prorations_credits_the_unused_time, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "classic").await);
    let bpc = configuration(&client, "immediately", "create_prorations", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;

    let page = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
    let outcome = page.texts("[data-test=outcome]");
    assert_eq!(outcome.len(), 2);
    assert!(outcome[1].contains("credit"), "{outcome:?}");
    let done = portal.submit(&page, "[data-test=cancel-form]", &[("reason", "unused")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/p/?done=subscription_canceled"));
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["status"], "canceled");
    assert!(after["ended_at"].is_i64());
    let deleted = events(&client, "customer.subscription.deleted", &sub_id).await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["data"]["object"]["cancellation_details"]["feedback"], "unused");
    assert_eq!(deleted[0]["data"]["object"]["cancellation_details"]["reason"], "cancellation_requested");
    let credits = events(&client, "invoiceitem.created", &sub_id).await;
    assert_eq!(credits.len(), 1, "one credit for the unused time");
    assert!(credits[0]["data"]["object"]["amount"].as_i64().unwrap() < 0);
    let customer = ok("customer", client.get(&format!("/v1/customers/{jenny}"), &[]).await);
    assert!(customer["balance"].as_i64().unwrap() < 0, "the credit is on the balance: {customer:#}");
    // An ended subscription is gone from the portal.
    let home = portal.get("/p/").await;
    assert!(home.texts(&format!("[data-id=\"{sub_id}\"]")).is_empty());
    assert_eq!(portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await.status, StatusCode::CONFLICT);
});

both_backends!(cancel_immediately_without_prorations_gives_no_credit, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "flexible").await);
    let bpc = configuration(&client, "immediately", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;

    let page = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
    assert!(page.texts("[data-test=outcome]")[1].contains("no refund"), "{}", page.body);
    let done = portal.submit(&page, "[data-test=cancel-form]", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(retrieve(&client, &sub_id).await["status"], "canceled");
    assert!(events(&client, "invoiceitem.created", &sub_id).await.is_empty());
    assert_eq!(events(&client, "customer.subscription.deleted", &sub_id).await.len(), 1);
});

both_backends!(invalid_answers_show_beside_their_field_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "classic").await);
    let baseline = events(&client, "customer.subscription.updated", &sub_id).await.len();
    let bpc = configuration(&client, "immediately", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;
    let link = format!("/p/subscriptions/{sub_id}/cancel");

    let page = portal.get(&link).await;
    let refused = portal.submit(&page, "[data-test=cancel-form]", &[("reason", "bogus"), ("comment", "Keep me")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(!field_error(&refused, "reason", "reason-error").is_empty());
    assert_eq!(refused.texts("#comment"), ["Keep me"]);

    let long = "x".repeat(5001);
    let refused = portal.submit(&page, "[data-test=cancel-form]", &[("reason", "other"), ("comment", &long)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused, "comment", "comment-error").contains("5,000") || refused.body.contains("5000"));
    assert_eq!(refused.attr("#reason-other", "checked").as_deref(), Some(""));
    assert_eq!(refused.texts("#comment")[0].len(), 5001);

    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["cancellation_details"]["comment"], Value::Null);
    assert_eq!(events(&client, "customer.subscription.updated", &sub_id).await.len(), baseline);
    assert!(events(&client, "customer.subscription.deleted", &sub_id).await.is_empty());
});

both_backends!(forms_without_the_csrf_token_are_refused_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "classic").await);
    let baseline = events(&client, "customer.subscription.updated", &sub_id).await.len();
    let coupon = id(&ok("coupon", client.post("/v1/coupons", &[("percent_off", "50"), ("duration", "forever")]).await));
    let bpc = configuration(&client, "immediately", "none", &[("portico_retention_coupon", coupon.as_str())]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;
    for action in ["cancel", "cancel/retention", "renew", "pause", "resume"] {
        let path = format!("/p/subscriptions/{sub_id}/{action}");
        let missing = portal.post(&path, &[("reason", "other"), ("duration", "0")]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN, "{path} without a token");
        let wrong = portal.post(&path, &[("csrf_token", "forged"), ("duration", "0")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{path} with a wrong token");
    }
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["discounts"], serde_json::json!([]));
    assert_eq!(events(&client, "customer.subscription.updated", &sub_id).await.len(), baseline);
});

both_backends!(another_customers_subscription_is_not_found_on_every_route, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let mallory = customer(&client, "Mallory", &[]).await;
    let theirs = id(&subscription(&client, &mallory, "classic").await);
    let baseline = events(&client, "customer.subscription.updated", &theirs).await.len();
    let bpc = configuration(&client, "at_period_end", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;
    for path in [format!("/p/subscriptions/{theirs}/cancel"), format!("/p/subscriptions/{theirs}/pause")] {
        assert_eq!(portal.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    // A token from a page with a form.
    let own = id(&subscription(&client, &jenny, "classic").await);
    let page = portal.get(&format!("/p/subscriptions/{own}/cancel")).await;
    let token = page.attr("input[name=csrf_token]", "value").unwrap();
    for action in ["cancel", "cancel/retention", "renew", "pause", "resume"] {
        let path = format!("/p/subscriptions/{theirs}/{action}");
        let answer = portal.post(&path, &[("csrf_token", token.as_str()), ("duration", "0")]).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    assert_eq!(portal.get("/p/subscriptions/sub_nonexistent/cancel").await.status, StatusCode::NOT_FOUND);
    let after = retrieve(&client, &theirs).await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["cancel_at_period_end"], false);
    assert_eq!(events(&client, "customer.subscription.updated", &theirs).await.len(), baseline);
});

both_backends!(a_subscription_with_a_schedule_cannot_be_canceled, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "classic").await);
    ok("schedule", client.post("/v1/subscription_schedules", &[("from_subscription", sub_id.as_str())]).await);
    let bpc = configuration(&client, "immediately", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;

    let home = portal.get("/p/").await;
    assert!(home.marked("cancel-subscription").is_none(), "{}", home.body);
    let page = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.marked("refusal").unwrap().contains("scheduled"));
    assert!(page.texts("[data-test=cancel-form]").is_empty());
    let pause = portal.get(&format!("/p/subscriptions/{sub_id}/pause")).await;
    assert_eq!(pause.status, StatusCode::CONFLICT);
    // Posting anyway changes nothing.
    let token = page.attr("input[name=csrf_token]", "value");
    assert!(token.is_none(), "the refusal has no form");
    let token = home.attr("input[name=csrf_token]", "value").unwrap_or_default();
    if !token.is_empty() {
        let posted = portal.post(&format!("/p/subscriptions/{sub_id}/cancel"), &[("csrf_token", token.as_str())]).await;
        assert_eq!(posted.status, StatusCode::CONFLICT);
    }
    assert_eq!(retrieve(&client, &sub_id).await["status"], "active");
});

both_backends!(
    the_configurations_retention_coupon_is_offered_and_accepting_keeps_the_subscription,
    |server: TestServer| async move {
        let client = server.client();
        let jenny = customer(&client, "Jenny Rosen", &[]).await;
        let sub_id = id(&subscription(&client, &jenny, "classic").await);
        let baseline = events(&client, "customer.subscription.updated", &sub_id).await.len();
        let coupon = ok(
            "coupon",
            client
                .post(
                    "/v1/coupons",
                    &[("percent_off", "50"), ("duration", "repeating"), ("duration_in_months", "3"), ("name", "Stay")],
                )
                .await,
        );
        let coupon = id(&coupon);
        let bpc = configuration(&client, "immediately", "none", &[("portico_retention_coupon", coupon.as_str())]).await;
        let shown = ok("configuration", client.get(&format!("/v1/billing_portal/configurations/{bpc}"), &[]).await);
        assert_eq!(shown["portico_retention_coupon"], coupon.as_str());
        let portal = open(&client, &jenny, &bpc, &[]).await;

        let offer = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
        assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
        assert_one_h1(&offer);
        assert_eq!(offer.marked("offer-terms").as_deref(), Some("50% off for 3 months"));
        assert_eq!(offer.marked("offer-name").as_deref(), Some("Stay"));
        let kept = portal.submit(&offer, "[data-test=accept-form]", &[]).await;
        assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
        assert_eq!(kept.location(), Some("/p/?done=subscription_kept"));
        let after = retrieve(&client, &sub_id).await;
        assert_eq!(after["status"], "active");
        assert_eq!(after["cancel_at_period_end"], false);
        let discounts = after["discounts"].as_array().unwrap();
        assert_eq!(discounts.len(), 1);
        let discount =
            ok("discount", client.get(&format!("/v1/subscriptions/{sub_id}"), &[("expand[0]", "discounts")]).await);
        assert_eq!(discount["discounts"][0]["source"]["coupon"], coupon.as_str());
        let updated = events(&client, "customer.subscription.updated", &sub_id).await;
        assert_eq!(updated.len(), baseline + 1);
        assert_eq!(updated[0]["data"]["previous_attributes"]["discounts"], serde_json::json!([]));

        // Applied once: not offered again.
        let form = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
        assert!(form.marked("retention-offer").is_none());
        assert!(!form.texts("[data-test=cancel-form]").is_empty());
    }
);

both_backends!(declining_the_offer_goes_on_to_the_cancellation, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "classic").await);
    let coupon = id(&ok(
        "coupon",
        client.post("/v1/coupons", &[("amount_off", "500"), ("currency", "usd"), ("duration", "once")]).await,
    ));
    let bpc = configuration(&client, "immediately", "none", &[("portico_retention_coupon", coupon.as_str())]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;

    let offer = portal.get(&format!("/p/subscriptions/{sub_id}/cancel")).await;
    assert_eq!(offer.marked("offer-terms").as_deref(), Some("$5.00 off on your next invoice"));
    let decline = offer.attr("[data-test=decline-offer]", "href").unwrap();
    let page = portal.get(&decline).await;
    assert!(page.marked("retention-offer").is_none());
    let done =
        portal.submit(&page, "[data-test=cancel-form]", &[("reason", "other"), ("comment", "Moving away")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["status"], "canceled");
    assert_eq!(after["discounts"], serde_json::json!([]));
    let deleted = events(&client, "customer.subscription.deleted", &sub_id).await;
    assert_eq!(deleted[0]["data"]["object"]["cancellation_details"]["comment"], "Moving away");

    // A coupon that can no longer be redeemed is not offered; setting one is refused.
    let refused =
        client.post(&format!("/v1/billing_portal/configurations/{bpc}"), &[("portico_retention_coupon", "nope")]).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["error"]["param"], "portico_retention_coupon");
});

both_backends!(a_cancel_deep_link_offers_its_coupon_then_follows_after_completion, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let bpc = configuration(&client, "at_period_end", "none", &[]).await;
    let coupon = id(&ok("coupon", client.post("/v1/coupons", &[("percent_off", "20"), ("duration", "forever")]).await));

    // Retention accepted, then a redirect.
    let sub_id = id(&subscription(&client, &jenny, "classic").await);
    let flow = [
        ("flow_data[type]", "subscription_cancel"),
        ("flow_data[subscription_cancel][subscription]", sub_id.as_str()),
        ("flow_data[subscription_cancel][retention][type]", "coupon_offer"),
        ("flow_data[subscription_cancel][retention][coupon_offer][coupon]", coupon.as_str()),
        ("flow_data[after_completion][type]", "redirect"),
        ("flow_data[after_completion][redirect][return_url]", "https://shop.example/kept"),
    ];
    let portal = open(&client, &jenny, &bpc, &flow).await;
    let start = portal.get("/p/").await;
    assert_eq!(start.location(), Some(format!("/p/subscriptions/{sub_id}/cancel").as_str()));
    let offer = portal.get(start.location().unwrap()).await;
    assert_eq!(offer.marked("offer-terms").as_deref(), Some("20% off for as long as you stay"));
    assert!(offer.marked("back").is_none(), "no way back to the home page inside a flow");
    // Another of the customer's subscriptions is outside the flow.
    let other = id(&subscription(&client, &jenny, "classic").await);
    assert_eq!(portal.get(&format!("/p/subscriptions/{other}/cancel")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(portal.get(&format!("/p/subscriptions/{sub_id}/pause")).await.status, StatusCode::NOT_FOUND);
    let kept = portal.submit(&offer, "[data-test=accept-form]", &[]).await;
    assert_eq!(kept.location(), Some("https://shop.example/kept"));
    assert_eq!(retrieve(&client, &sub_id).await["discounts"].as_array().unwrap().len(), 1);

    // Declined, canceled, then a hosted confirmation with the merchant's message.
    let flow = [
        ("flow_data[type]", "subscription_cancel"),
        ("flow_data[subscription_cancel][subscription]", other.as_str()),
        ("flow_data[subscription_cancel][retention][type]", "coupon_offer"),
        ("flow_data[subscription_cancel][retention][coupon_offer][coupon]", coupon.as_str()),
        ("flow_data[after_completion][type]", "hosted_confirmation"),
        ("flow_data[after_completion][hosted_confirmation][custom_message]", "Sorry to see you go."),
    ];
    let portal = open(&client, &jenny, &bpc, &flow).await;
    let page = portal.get(&format!("/p/subscriptions/{other}/cancel?offer=declined")).await;
    let done = portal.submit(&page, "[data-test=cancel-form]", &[("reason", "too_expensive")]).await;
    assert_eq!(done.location(), Some("/p/done?what=subscription_cancel_scheduled"));
    let confirmation = portal.get(done.location().unwrap()).await;
    assert_eq!(confirmation.marked("custom-message").as_deref(), Some("Sorry to see you go."));
    assert!(confirmation.marked("done-detail").unwrap().contains("end of the billing period"));
    assert_eq!(retrieve(&client, &other).await["cancel_at_period_end"], true);

    // Without retention, to the portal's home page, which then is the full portal.
    let third = id(&subscription(&client, &jenny, "classic").await);
    let flow = [
        ("flow_data[type]", "subscription_cancel"),
        ("flow_data[subscription_cancel][subscription]", third.as_str()),
        ("flow_data[after_completion][type]", "portal_homepage"),
    ];
    let portal = open(&client, &jenny, &bpc, &flow).await;
    let page = portal.get(&format!("/p/subscriptions/{third}/cancel")).await;
    assert!(page.marked("retention-offer").is_none());
    let done = portal.submit(&page, "[data-test=cancel-form]", &[]).await;
    assert_eq!(done.location(), Some("/p/"));
    let home = portal.get("/p/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(!home.texts("[data-test=subscriptions]").is_empty());
});

both_backends!(pausing_for_a_chosen_time_and_resuming, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen", &[]).await;
    let sub_id = id(&subscription(&client, &jenny, "flexible").await);
    let bpc = configuration(&client, "at_period_end", "none", &[]).await;
    let portal = open(&client, &jenny, &bpc, &[]).await;

    let home = portal.get("/p/").await;
    let link = format!("/p/subscriptions/{sub_id}/pause");
    assert_eq!(home.attr("[data-test=pause-subscription]", "href").as_deref(), Some(link.as_str()));
    let page = portal.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_one_h1(&page);
    let labels = page.texts("[data-test=durations] label");
    assert_eq!(labels, ["2 weeks", "1 month"]);

    let refused = portal.submit(&page, "[data-test=pause-form]", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!field_error(&refused, "duration", "duration-error").is_empty());
    assert_eq!(retrieve(&client, &sub_id).await["status"], "active");

    let paused = portal.submit(&page, "[data-test=pause-form]", &[("duration", "1")]).await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER, "{}", paused.body);
    assert_eq!(paused.location(), Some("/p/?done=subscription_paused"));
    assert_eq!(retrieve(&client, &sub_id).await["status"], "paused");
    assert_eq!(events(&client, "customer.subscription.paused", &sub_id).await.len(), 1);
    assert_eq!(portal.get(&link).await.status, StatusCode::CONFLICT);

    let home = portal.get("/p/").await;
    let resumed = portal.submit(&home, &format!("form[action=\"/p/subscriptions/{sub_id}/resume\"]"), &[]).await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER, "{}", resumed.body);
    let after = retrieve(&client, &sub_id).await;
    assert_eq!(after["status"], "active");
    assert_eq!(events(&client, "customer.subscription.resumed", &sub_id).await.len(), 1);
});

both_backends!(a_pause_for_a_set_time_ends_by_itself, |server: TestServer| async move {
    let client = server.client();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let frozen = now.to_string();
    let clock =
        id(&ok("clock", client.post("/v1/test_helpers/test_clocks", &[("frozen_time", frozen.as_str())]).await));
    let jenny = customer(&client, "Jenny Rosen", &[("test_clock", clock.as_str())]).await;
    let sub_id = id(&subscription(&client, &jenny, "flexible").await);
    let bpc = configuration(&client, "at_period_end", "none", &[]).await;
    let flow = [
        ("flow_data[type]", "subscription_pause"),
        ("flow_data[subscription_pause][subscription]", sub_id.as_str()),
        ("flow_data[after_completion][type]", "hosted_confirmation"),
    ];
    let portal = open(&client, &jenny, &bpc, &flow).await;
    let start = portal.get("/p/").await;
    assert_eq!(start.location(), Some(format!("/p/subscriptions/{sub_id}/pause").as_str()));
    let page = portal.get(start.location().unwrap()).await;
    assert!(page.marked("back").is_none());
    let paused = portal.submit(&page, "[data-test=pause-form]", &[("duration", "0")]).await;
    assert_eq!(paused.location(), Some("/p/done?what=subscription_paused"));
    assert_eq!(retrieve(&client, &sub_id).await["status"], "paused");

    // Two weeks later (and a day for the wall clock's lead over the frozen one) it runs again.
    let to = (now + 15 * DAY).to_string();
    let path = format!("/v1/test_helpers/test_clocks/{clock}");
    ok("advance", client.post(&format!("{path}/advance"), &[("frozen_time", to.as_str())]).await);
    for _ in 0..600 {
        if ok("clock", client.get(&path, &[]).await)["status"] == "ready" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(retrieve(&client, &sub_id).await["status"], "active");
    assert_eq!(events(&client, "customer.subscription.resumed", &sub_id).await.len(), 1);
});
