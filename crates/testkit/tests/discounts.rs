//! Coupons and promotion codes redeemed into discounts on subscriptions, over HTTP, on both backends.

mod billing_support;

use billing_support::*;
use portico_testkit::{Client, TestServer, both_backends};
use serde_json::{Value, json};

async fn subscribe(client: &Client, customer: &str, price: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![("customer", customer), ("items[0][price]", price)];
    form.extend_from_slice(extra);
    ok("create subscription", client.post("/v1/subscriptions", &form).await)
}

async fn invoice(client: &Client, id: &Value) -> Value {
    ok("retrieve invoice", client.get(&format!("/v1/invoices/{}", id.as_str().unwrap()), &[]).await)
}

both_backends!(
    a_coupon_discounts_the_first_invoice_and_shows_as_the_subscriptions_discount,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer_with_card(&client, None).await;
        let (_, price) = price(&client, "Pro", 2000, true).await;
        let quarter = coupon(&client, &[("percent_off", "25"), ("duration", "forever"), ("id", "QUARTER")]).await;
        let sub = subscribe(&client, &customer, &price, &[("discounts[0][coupon]", &quarter)]).await;
        assert_eq!(sub["status"], "active");
        let discounts = sub["discounts"].as_array().unwrap();
        assert_eq!(discounts.len(), 1);
        let di = discounts[0].as_str().unwrap().to_owned();
        assert!(di.starts_with("di_"));

        let expanded = ok(
            "expand discounts",
            client.get(&format!("/v1/subscriptions/{}", id(&sub)), &[("expand[0]", "discounts")]).await,
        );
        let discount = &expanded["discounts"][0];
        let mut keys: Vec<&str> = discount.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "checkout_session",
                "customer",
                "customer_account",
                "end",
                "id",
                "invoice",
                "invoice_item",
                "object",
                "promotion_code",
                "source",
                "start",
                "subscription",
                "subscription_item"
            ],
            "Stripe's discount fields and nothing of Portico's bookkeeping"
        );
        assert_eq!(discount["source"], json!({"coupon": "QUARTER", "type": "coupon"}));
        assert_eq!(
            (discount["subscription"].clone(), discount["customer"].clone()),
            (sub["id"].clone(), json!(customer))
        );
        assert!(discount["end"].is_null() && discount["promotion_code"].is_null());
        assert_eq!(discount["start"], sub["created"]);
        let coupon_expanded =
            client.get(&format!("/v1/subscriptions/{}", id(&sub)), &[("expand[0]", "discounts.source.coupon")]).await;
        assert_eq!(ok("expand coupon", coupon_expanded)["discounts"][0]["source"]["coupon"]["id"], "QUARTER");

        let first = invoice(&client, &sub["latest_invoice"]).await;
        assert_eq!((first["subtotal"].as_i64(), first["total"].as_i64()), (Some(2000), Some(1500)));
        assert_eq!((first["amount_paid"].as_i64(), first["status"].as_str()), (Some(1500), Some("paid")));
        assert_eq!(first["discounts"], json!([di]));
        assert_eq!(first["total_discount_amounts"], json!([{"amount": 500, "discount": di}]));
        let line = &first["lines"]["data"][0];
        assert_eq!(line["discount_amounts"], json!([{"amount": 500, "discount": di}]));
        assert_eq!((line["amount"].as_i64(), line["discounts"].clone()), (Some(2000), json!([])));
        let counted = ok("coupon", client.get("/v1/coupons/QUARTER", &[]).await);
        assert_eq!(counted["times_redeemed"], 1);
    }
);

both_backends!(an_amount_off_once_coupon_is_used_up_by_the_first_invoice, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let (_, price) = price(&client, "Pro", 2000, true).await;
    let once = coupon(&client, &[("amount_off", "500"), ("currency", "usd"), ("duration", "once")]).await;
    let sub = subscribe(&client, &customer, &price, &[("discounts[0][coupon]", &once)]).await;
    assert_eq!(sub["discounts"], json!([]), "a once discount is gone after the invoice it applied to");
    let first = invoice(&client, &sub["latest_invoice"]).await;
    assert_eq!(first["total"], 1500);
    assert_eq!(first["total_discount_amounts"][0]["amount"], 500);
});

both_backends!(taxes_are_computed_on_the_discounted_amount, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let (_, price) = price(&client, "Pro", 2000, true).await;
    let vat = id(&ok(
        "tax rate",
        client.post("/v1/tax_rates", &[("display_name", "VAT"), ("percentage", "10"), ("inclusive", "false")]).await,
    ));
    let half = coupon(&client, &[("percent_off", "50"), ("duration", "forever")]).await;
    let form = [("items[0][tax_rates][0]", vat.as_str()), ("discounts[0][coupon]", half.as_str())];
    let sub = subscribe(&client, &customer, &price, &form).await;
    let first = invoice(&client, &sub["latest_invoice"]).await;
    let tax = &first["lines"]["data"][0]["taxes"][0];
    assert_eq!((tax["taxable_amount"].as_i64(), tax["amount"].as_i64()), (Some(1000), Some(100)));
    assert_eq!((first["total"].as_i64(), first["total_excluding_tax"].as_i64()), (Some(1100), Some(1000)));
});

both_backends!(applies_to_products_limits_the_discount_to_their_items, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let (pro, pro_price) = price(&client, "Pro", 2000, true).await;
    let (_, seats) = price(&client, "Seats", 1000, true).await;
    let only_pro = coupon(
        &client,
        &[("amount_off", "2500"), ("currency", "usd"), ("duration", "forever"), ("applies_to[products][0]", &pro)],
    )
    .await;
    let form = [("items[1][price]", seats.as_str()), ("discounts[0][coupon]", only_pro.as_str())];
    let sub = subscribe(&client, &customer, &pro_price, &form).await;
    let first = invoice(&client, &sub["latest_invoice"]).await;
    let amounts: Vec<Value> =
        first["lines"]["data"].as_array().unwrap().iter().map(|l| l["discount_amounts"].clone()).collect();
    let di = sub["discounts"][0].as_str().unwrap();
    assert_eq!(amounts, [json!([{"amount": 2000, "discount": di}]), json!([])], "capped at the Pro line's amount");
    assert_eq!(first["total"], 1000);
});

/// A refused request: the form, then the status, code, param and message Stripe answers with.
async fn refused(client: &Client, form: &[(&str, &str)]) -> Value {
    let answer = client.post("/v1/subscriptions", form).await;
    assert_eq!(answer.status, 400, "{form:?} was accepted: {:#}", answer.body);
    answer.error().clone()
}

both_backends!(coupons_that_cannot_be_redeemed_are_refused_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let (_, price) = price(&client, "Pro", 2000, true).await;
    let single = coupon(&client, &[("percent_off", "10"), ("max_redemptions", "1"), ("id", "SINGLE")]).await;
    let base = [("customer", customer.as_str()), ("items[0][price]", price.as_str())];
    let with = |extra: &'static [(&'static str, &'static str)]| {
        let mut form = base.to_vec();
        form.extend_from_slice(extra);
        form
    };

    let missing = refused(&client, &with(&[("discounts[0][coupon]", "NOPE")])).await;
    assert_eq!(
        (missing["code"].as_str(), missing["param"].as_str(), missing["message"].as_str()),
        (Some("resource_missing"), Some("discounts[0][coupon]"), Some("No such coupon: 'NOPE'"))
    );
    let twice =
        refused(&client, &with(&[("discounts[0][coupon]", "SINGLE"), ("discounts[1][coupon]", "SINGLE")])).await;
    assert_eq!(twice["param"], "discounts[1]");
    let both =
        refused(&client, &with(&[("discounts[0][coupon]", "SINGLE"), ("discounts[0][promotion_code]", "promo_x")]))
            .await;
    assert_eq!(both["param"], "discounts[0]");
    let unknown = refused(&client, &with(&[("discounts[0][discount]", "di_unknown")])).await;
    assert_eq!(
        (unknown["code"].as_str(), unknown["param"].as_str()),
        (Some("resource_missing"), Some("discounts[0][discount]"))
    );
    let keys: Vec<String> = (0..21).map(|i| format!("discounts[{i}][coupon]")).collect();
    let mut too_many = base.to_vec();
    too_many.extend(keys.iter().map(|key| (key.as_str(), "SINGLE")));
    let limit = refused(&client, &too_many).await;
    assert_eq!(
        (limit["param"].as_str(), limit["message"].as_str()),
        (Some("discounts"), Some("You can only apply up to 20 discounts to one subscription."))
    );
    let subs = ok("list", client.get("/v1/subscriptions", &[("customer", customer.as_str())]).await);
    assert_eq!(subs["data"], json!([]), "refused requests create nothing");
    assert_eq!(ok("coupon", client.get("/v1/coupons/SINGLE", &[]).await)["times_redeemed"], 0);

    subscribe(&client, &customer, &price, &[("discounts[0][coupon]", &single)]).await;
    let used_up = refused(&client, &with(&[("discounts[0][coupon]", "SINGLE")])).await;
    assert_eq!(
        (used_up["code"].as_str(), used_up["message"].as_str()),
        (Some("coupon_expired"), Some("Coupon expired: SINGLE"))
    );
    let gone = coupon(&client, &[("percent_off", "10"), ("id", "GONE")]).await;
    ok("delete coupon", client.delete(&format!("/v1/coupons/{gone}")).await);
    let deleted = refused(&client, &with(&[("discounts[0][coupon]", "GONE")])).await;
    assert_eq!(deleted["code"], "coupon_expired");
    let euros = coupon(&client, &[("amount_off", "100"), ("currency", "eur"), ("id", "EUROS")]).await;
    let currency = refused(&client, &with(&[("discounts[0][coupon]", "EUROS")])).await;
    assert_eq!(currency["param"], "discounts[0][coupon]");
    assert!(currency["message"].as_str().unwrap().contains(&euros));
});

async fn promotion_code(client: &Client, coupon: &str, extra: &[(&str, &str)]) -> String {
    let mut form = vec![("promotion[type]", "coupon"), ("promotion[coupon]", coupon)];
    form.extend_from_slice(extra);
    id(&ok("promotion code", client.post("/v1/promotion_codes", &form).await))
}

both_backends!(promotion_codes_check_their_restrictions_and_count_redemptions, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let other = customer_with_card(&client, None).await;
    let (_, price) = price(&client, "Pro", 2000, true).await;
    let tenth = coupon(&client, &[("percent_off", "10"), ("duration", "forever")]).await;
    let theirs = promotion_code(&client, &tenth, &[("customer", other.as_str())]).await;
    let minimum = promotion_code(
        &client,
        &tenth,
        &[("restrictions[minimum_amount]", "5000"), ("restrictions[minimum_amount_currency]", "usd")],
    )
    .await;
    let first_time = promotion_code(&client, &tenth, &[("restrictions[first_time_transaction]", "true")]).await;
    let single = promotion_code(&client, &tenth, &[("max_redemptions", "1")]).await;
    let base = vec![("customer", customer.as_str()), ("items[0][price]", price.as_str())];
    let code = |code: &str| {
        let mut form = base.clone();
        form.push(("discounts[0][promotion_code]", code));
        form.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect::<Vec<_>>()
    };
    let post = |form: Vec<(String, String)>| {
        let client = &client;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            client.post("/v1/subscriptions", &form).await
        }
    };

    let wrong = post(code(&theirs)).await;
    assert_eq!((wrong.status, wrong.error()["param"].as_str()), (400, Some("discounts[0][promotion_code]")));
    assert!(wrong.error()["message"].as_str().unwrap().starts_with("This promotion code cannot be redeemed"));
    let small = post(code(&minimum)).await;
    assert_eq!(
        small.error()["message"],
        "This promotion code cannot be redeemed because the associated purchase does not meet the minimum amount requirement."
    );
    let missing = post(code("promo_nope")).await;
    assert_eq!((missing.status, missing.error()["code"].as_str()), (400, Some("resource_missing")));

    // The first subscription pays an invoice: the customer is no longer a first-time customer.
    let sub = ok("with first_time code", post(code(&first_time)).await);
    let discount =
        ok("expand", client.get(&format!("/v1/subscriptions/{}", id(&sub)), &[("expand[0]", "discounts")]).await);
    assert_eq!(discount["discounts"][0]["promotion_code"], json!(first_time));
    let again = post(code(&first_time)).await;
    assert_eq!(
        again.error()["message"],
        "This promotion code cannot be redeemed because the associated customer has prior transactions."
    );

    ok("single use", post(code(&single)).await);
    let promo = ok("promo", client.get(&format!("/v1/promotion_codes/{single}"), &[]).await);
    assert_eq!((promo["times_redeemed"].as_i64(), promo["active"].as_bool()), (Some(1), Some(false)));
    let exhausted = post(code(&single)).await;
    assert_eq!(
        exhausted.error()["message"],
        "This promotion code cannot be redeemed because it has been used the maximum number of times."
    );
    assert_eq!(ok("coupon", client.get(&format!("/v1/coupons/{tenth}"), &[]).await)["times_redeemed"], 2);

    // A minimum cannot be checked on an update, so Stripe refuses such codes there.
    let update =
        client.post(&format!("/v1/subscriptions/{}", id(&sub)), &[("discounts[0][promotion_code]", &minimum)]).await;
    assert_eq!(update.status, 400);
    assert!(update.error()["message"].as_str().unwrap().contains("on a subscription update"));
});

both_backends!(
    updating_discounts_replaces_them_and_the_discount_endpoint_removes_them,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer_with_card(&client, None).await;
        let (_, price) = price(&client, "Pro", 2000, true).await;
        let tenth = coupon(&client, &[("percent_off", "10"), ("duration", "forever")]).await;
        let fifth = coupon(&client, &[("percent_off", "20"), ("duration", "forever")]).await;
        let sub = subscribe(&client, &customer, &price, &[("discounts[0][coupon]", &tenth)]).await;
        let path = format!("/v1/subscriptions/{}", id(&sub));
        let kept = sub["discounts"][0].as_str().unwrap().to_owned();

        let both =
            ok("add", client.post(&path, &[("discounts[0][discount]", &kept), ("discounts[1][coupon]", &fifth)]).await);
        let ids: Vec<&str> = both["discounts"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
        assert_eq!((ids.len(), ids[0]), (2, kept.as_str()));
        assert_eq!(invoices(&client, &customer).await.len(), 1, "changing discounts never invoices");
        let replaced = ok("replace", client.post(&path, &[("discounts[0][coupon]", &tenth)]).await);
        assert!(replaced["discounts"][0] != json!(kept), "a coupon given again is a new discount");
        let event = ok("events", client.get("/v1/events", &[("type", "customer.subscription.updated")]).await);
        assert_eq!(event["data"][0]["data"]["previous_attributes"]["discounts"], both["discounts"]);

        let cleared = ok("clear", client.post(&path, &[("discounts", "")]).await);
        assert_eq!(cleared["discounts"], json!([]));
        let none = client.delete(&format!("{path}/discount")).await;
        assert_eq!((none.status, none.error()["code"].as_str()), (404, Some("resource_missing")));

        let again = ok("again", client.post(&path, &[("discounts[0][coupon]", &fifth)]).await);
        let removed = ok("delete discount", client.delete(&format!("{path}/discount")).await);
        assert_eq!((removed["object"].as_str(), removed["deleted"].as_bool()), (Some("discount"), Some(true)));
        assert_eq!(removed["id"], again["discounts"][0]);
        assert_eq!(removed["source"]["coupon"], json!(fifth));
        assert!(removed.get("end").is_none());
        assert_eq!(ok("after", client.get(&path, &[]).await)["discounts"], json!([]));

        // Every discount made and every one taken off has its event, with the discount as it was, oldest first.
        let discount_events = |kind: &'static str| {
            let client = &client;
            async move {
                let page = ok("events", client.get("/v1/events", &[("type", kind), ("limit", "100")]).await);
                let mut ids: Vec<String> = page["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|event| {
                        assert_eq!(event["data"]["object"]["object"], "discount", "{event}");
                        event["data"]["object"]["id"].as_str().unwrap().to_owned()
                    })
                    .collect();
                ids.reverse();
                ids
            }
        };
        // Here each was taken off in the order they were made.
        let made =
            vec![kept.clone(), ids[1].to_owned(), replaced["discounts"][0].as_str().unwrap().to_owned(), id(&removed)];
        assert_eq!(discount_events("customer.discount.created").await, made);
        assert_eq!(discount_events("customer.discount.deleted").await, made);
    }
);

both_backends!(renewals_apply_discounts_for_their_duration, |server: TestServer| async move {
    let client = server.client();
    let clock = clock(&client).await;
    let customer = customer_with_card(&client, Some(&clock)).await;
    let (_, price) = price(&client, "Pro", 2000, true).await;
    let two_months =
        coupon(&client, &[("percent_off", "50"), ("duration", "repeating"), ("duration_in_months", "2")]).await;
    let sub = subscribe(&client, &customer, &price, &[("discounts[0][coupon]", &two_months)]).await;
    let discount =
        ok("expand", client.get(&format!("/v1/subscriptions/{}", id(&sub)), &[("expand[0]", "discounts")]).await);
    let end = discount["discounts"][0]["end"].as_i64().unwrap();
    assert_eq!(end, 1_803_859_200, "2027-03-01, two calendar months after the start");
    let once = coupon(&client, &[("amount_off", "300"), ("currency", "usd"), ("duration", "once")]).await;
    let path = format!("/v1/subscriptions/{}", id(&sub));
    let kept = discount["discounts"][0]["id"].as_str().unwrap();
    ok("add once", client.post(&path, &[("discounts[0][discount]", kept), ("discounts[1][coupon]", &once)]).await);

    advance(&client, &clock, START + 95 * DAY).await;
    let totals: Vec<i64> = invoices(&client, &customer).await.iter().map(|i| i["total"].as_i64().unwrap()).collect();
    // Jan: half off. Feb: half off, then the once amount. Mar and Apr: the repeating discount has ended.
    assert_eq!(totals, [1000, 700, 2000, 2000]);
    assert_eq!(ok("sub", client.get(&path, &[]).await)["discounts"], json!([]));
});
