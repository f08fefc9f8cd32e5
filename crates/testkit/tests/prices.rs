//! Prices over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::json;

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

async fn product(client: &Client) -> String {
    client.post("/v1/products", &[("name", "P")]).await.body["id"].as_str().unwrap().to_owned()
}

async fn price(client: &Client, form: &[(&str, &str)]) -> Answer {
    let created = client.post("/v1/prices", form).await;
    assert_eq!(created.status, 200, "{form:?}: {:?}", created.body);
    created
}

fn id(answer: &Answer) -> String {
    answer.body["id"].as_str().unwrap().to_owned()
}

/// Answers a refused create with its status, code and param, and checks it left no price behind.
async fn refused(client: &Client, form: &[(&str, &str)]) -> (u16, Option<String>, Option<String>, String) {
    let before = client.get("/v1/prices", &[("limit", "100")]).await.body["data"].as_array().unwrap().len();
    let answer = client.post("/v1/prices", form).await;
    let after = client.get("/v1/prices", &[("limit", "100")]).await.body["data"].as_array().unwrap().len();
    assert_eq!(before, after, "{form:?} wrote a price");
    let error = answer.error();
    let text = |key: &str| error.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    (answer.status, text("code"), text("param"), text("message").unwrap_or_default())
}

both_backends!(create_retrieve_update_round_trip_with_events, |server: TestServer| async move {
    let client = server.client();
    let prod = product(&client).await;
    let created = price(
        &client,
        &[
            ("currency", "USD"),
            ("unit_amount", "2000"),
            ("product", &prod),
            ("nickname", "Monthly"),
            ("recurring[interval]", "month"),
            ("metadata[plan]", "pro"),
        ],
    )
    .await;
    let body = &created.body;
    let price_id = id(&created);
    assert!(price_id.starts_with("price_"));
    for field in [
        "active",
        "billing_scheme",
        "created",
        "currency",
        "custom_unit_amount",
        "id",
        "livemode",
        "lookup_key",
        "metadata",
        "nickname",
        "object",
        "product",
        "recurring",
        "tax_behavior",
        "tiers_mode",
        "transform_quantity",
        "type",
        "unit_amount",
        "unit_amount_decimal",
    ] {
        assert!(body.get(field).is_some(), "missing {field}");
    }
    assert!(body.get("tiers").is_none() && body.get("currency_options").is_none());
    assert_eq!(body["currency"], "usd");
    assert_eq!(body["type"], "recurring");
    assert_eq!(body["billing_scheme"], "per_unit");
    assert_eq!(body["tax_behavior"], "unspecified");
    assert_eq!(body["unit_amount_decimal"], "2000");
    assert_eq!(
        body["recurring"],
        json!({"interval": "month", "interval_count": 1, "meter": null, "trial_period_days": null, "usage_type": "licensed"})
    );
    assert_eq!(client.get(&format!("/v1/prices/{price_id}"), &[]).await.body, created.body);

    let updated = client
        .post(&format!("/v1/prices/{price_id}"), &[("active", "false"), ("nickname", ""), ("metadata[plan]", "team")])
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!((updated.body["active"].as_bool(), updated.body["nickname"].is_null()), (Some(false), true));
    let immutable = client.post(&format!("/v1/prices/{price_id}"), &[("unit_amount", "1")]).await;
    assert_eq!(
        (immutable.error()["code"].as_str(), immutable.error()["param"].as_str()),
        (Some("parameter_unknown"), Some("unit_amount"))
    );

    let events = client.get("/v1/events", &[("type", "price.*")]).await;
    let kinds: Vec<&str> =
        events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["price.updated", "price.created"]);
    assert_eq!(
        events.body["data"][0]["data"]["previous_attributes"],
        json!({"active": true, "metadata": {"plan": "pro"}, "nickname": "Monthly"})
    );

    let missing = client.get("/v1/prices/price_nope", &[]).await;
    assert_eq!((missing.status, missing.error()["param"].as_str()), (404, Some("price")));
    assert_eq!(missing.error()["message"], "No such price: 'price_nope'");
    let no_delete = client.delete(&format!("/v1/prices/{price_id}")).await;
    assert_eq!(no_delete.status, 404);
    assert!(no_delete.error()["message"].as_str().unwrap().starts_with("Unrecognized request URL"));
});

both_backends!(product_or_product_data_names_the_product, |server: TestServer| async move {
    let client = server.client();
    let inline = price(
        &client,
        &[("currency", "usd"), ("unit_amount", "500"), ("product_data[name]", "Inline"), ("expand[]", "product")],
    )
    .await;
    assert_eq!(inline.body["product"]["object"], "product");
    assert_eq!(inline.body["product"]["name"], "Inline");
    let events = client.get("/v1/events", &[]).await;
    let kinds: Vec<&str> =
        events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["price.created", "product.created"]);

    let prod = product(&client).await;
    let neither = refused(&client, &[("currency", "usd"), ("unit_amount", "1")]).await;
    assert_eq!(neither.3, "You must specify either `product` or `product_data` when creating a price.");
    let both =
        refused(&client, &[("currency", "usd"), ("unit_amount", "1"), ("product", &prod), ("product_data[name]", "x")])
            .await;
    assert_eq!(both.2.as_deref(), Some("product"));
    assert_eq!(both.3, "You may only specify one of these parameters: product, product_data.");
    let unknown = refused(&client, &[("currency", "usd"), ("unit_amount", "1"), ("product", "prod_nope")]).await;
    assert_eq!(
        (unknown.0, unknown.1.as_deref(), unknown.2.as_deref()),
        (400, Some("resource_missing"), Some("product"))
    );
    let bad_data = refused(&client, &[("currency", "usd"), ("unit_amount", "1"), ("product_data[name]", "")]).await;
    assert_eq!(bad_data.2.as_deref(), Some("product_data[name]"));
    assert_eq!(
        client.get("/v1/products", &[]).await.body["data"].as_array().unwrap().len(),
        2,
        "refusals create no product"
    );
});

both_backends!(amounts_currencies_and_intervals_are_validated, |server: TestServer| async move {
    let client = server.client();
    let p = product(&client).await;
    let base = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        let mut form = vec![("product", p.clone())];
        form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        form
    };
    let check = |extra: &'static [(&'static str, &'static str)]| {
        let form = base(extra);
        let client = &client;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            refused(client, &form).await
        }
    };
    assert_eq!(check(&[("unit_amount", "1")]).await.3, "Missing required param: currency.");
    assert!(check(&[("currency", "xyz"), ("unit_amount", "1")]).await.3.starts_with("Invalid currency: xyz."));
    assert_eq!(
        check(&[("currency", "usd")]).await.3,
        "Prices require an `unit_amount` or `unit_amount_decimal` parameter to be set."
    );
    assert_eq!(check(&[("currency", "usd"), ("unit_amount", "-1")]).await.2.as_deref(), Some("unit_amount"));
    assert_eq!(
        check(&[("currency", "usd"), ("unit_amount", "ten")]).await.1.as_deref(),
        Some("parameter_invalid_integer")
    );
    assert_eq!(check(&[("currency", "jpy"), ("unit_amount", "100000000")]).await.2.as_deref(), Some("unit_amount"));
    let both = check(&[("currency", "usd"), ("unit_amount", "1"), ("unit_amount_decimal", "1.5")]).await;
    assert_eq!((both.1.as_deref(), both.2.as_deref()), (Some("parameters_exclusive"), Some("unit_amount")));
    assert_eq!(
        check(&[("currency", "usd"), ("unit_amount_decimal", "1.0000000000001")]).await.2.as_deref(),
        Some("unit_amount_decimal")
    );
    let months = check(&[
        ("currency", "usd"),
        ("unit_amount", "1"),
        ("recurring[interval]", "month"),
        ("recurring[interval_count]", "37"),
    ])
    .await;
    assert_eq!(months.2.as_deref(), Some("recurring[interval_count]"));
    assert_eq!(
        check(&[("currency", "usd"), ("unit_amount", "1"), ("recurring[interval]", "fortnight")]).await.2.as_deref(),
        Some("recurring[interval]")
    );
    let metered = check(&[
        ("currency", "usd"),
        ("unit_amount", "1"),
        ("recurring[interval]", "month"),
        ("recurring[usage_type]", "metered"),
    ])
    .await;
    assert_eq!(metered.3, "Starting with Stripe version `2025-03-31.basil`, metered prices must be backed by meters.");
    let custom_recurring =
        check(&[("currency", "usd"), ("custom_unit_amount[enabled]", "true"), ("recurring[interval]", "month")]).await;
    assert_eq!(custom_recurring.2.as_deref(), Some("custom_unit_amount"));
    assert_eq!(
        check(&[("currency", "usd"), ("unit_amount", "1"), ("tax_behavior", "sometimes")]).await.2.as_deref(),
        Some("tax_behavior")
    );

    let yen = price(&client, &[("currency", "jpy"), ("unit_amount", "99999999"), ("product", &p)]).await;
    assert_eq!(yen.body["unit_amount"], 99_999_999);
    let days = price(
        &client,
        &[
            ("currency", "usd"),
            ("unit_amount", "1"),
            ("product", &p),
            ("recurring[interval]", "day"),
            ("recurring[interval_count]", "1095"),
        ],
    )
    .await;
    assert_eq!(days.body["recurring"]["interval_count"], 1095);
    let decimal = price(&client, &[("currency", "usd"), ("unit_amount_decimal", "123.450"), ("product", &p)]).await;
    assert_eq!(
        (decimal.body["unit_amount"].is_null(), decimal.body["unit_amount_decimal"].as_str()),
        (true, Some("123.45"))
    );
    let custom = price(
        &client,
        &[
            ("currency", "usd"),
            ("product", &p),
            ("custom_unit_amount[enabled]", "true"),
            ("custom_unit_amount[minimum]", "100"),
        ],
    )
    .await;
    assert_eq!(custom.body["custom_unit_amount"], json!({"maximum": null, "minimum": 100, "preset": null}));
    let transform = price(
        &client,
        &[
            ("currency", "usd"),
            ("unit_amount", "1"),
            ("product", &p),
            ("transform_quantity[divide_by]", "5"),
            ("transform_quantity[round]", "up"),
        ],
    )
    .await;
    assert_eq!(transform.body["transform_quantity"], json!({"divide_by": 5, "round": "up"}));
    let metered = price(
        &client,
        &[
            ("currency", "usd"),
            ("unit_amount", "1"),
            ("product", &p),
            ("recurring[interval]", "month"),
            ("recurring[usage_type]", "metered"),
            ("recurring[meter]", "mtr_123"),
        ],
    )
    .await;
    assert_eq!(metered.body["recurring"]["meter"], "mtr_123");
});

both_backends!(tiered_prices_and_currency_options_show_when_expanded, |server: TestServer| async move {
    let client = server.client();
    let p = product(&client).await;
    let tiers = [
        ("tiers[0][up_to]", "5"),
        ("tiers[0][unit_amount]", "500"),
        ("tiers[1][up_to]", "inf"),
        ("tiers[1][unit_amount_decimal]", "400.5"),
        ("tiers[1][flat_amount]", "100"),
    ];
    let mut form =
        vec![("currency", "usd"), ("product", p.as_str()), ("billing_scheme", "tiered"), ("tiers_mode", "graduated")];
    form.extend(tiers);
    let one_time = refused(&client, &form).await;
    assert_eq!(
        (one_time.2.as_deref(), one_time.3.as_str()),
        (Some("interval"), "Prices with `type=one_time` are not supported with tiered billing.")
    );
    form.push(("recurring[interval]", "month"));
    let no_mode: Vec<_> = form.iter().copied().filter(|(k, _)| *k != "tiers_mode").collect();
    assert_eq!(refused(&client, &no_mode).await.1.as_deref(), Some("parameter_missing"));
    let mut bad_tiers = form.clone();
    bad_tiers[6] = ("tiers[1][up_to]", "9");
    assert_eq!(refused(&client, &bad_tiers).await.2.as_deref(), Some("tiers[1][up_to]"));

    let tiered = price(&client, &form).await;
    assert_eq!((tiered.body["unit_amount"].is_null(), tiered.body["unit_amount_decimal"].is_null()), (true, true));
    assert!(tiered.body.get("tiers").is_none());
    let shown = client.get(&format!("/v1/prices/{}", id(&tiered)), &[("expand[]", "tiers")]).await;
    assert_eq!(
        shown.body["tiers"],
        json!([
            {"flat_amount": null, "flat_amount_decimal": null, "unit_amount": 500, "unit_amount_decimal": "500", "up_to": 5},
            {"flat_amount": 100, "flat_amount_decimal": "100", "unit_amount": null, "unit_amount_decimal": "400.5", "up_to": null}
        ])
    );

    let multi = price(
        &client,
        &[
            ("currency", "usd"),
            ("unit_amount", "2000"),
            ("product", &p),
            ("currency_options[eur][unit_amount]", "1800"),
            ("currency_options[eur][tax_behavior]", "inclusive"),
        ],
    )
    .await;
    assert!(multi.body.get("currency_options").is_none());
    let listed = client
        .get("/v1/prices", &[("expand[]", "data.currency_options"), ("lookup_keys[]", "none"), ("product", &p)])
        .await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let expanded = client.get(&format!("/v1/prices/{}", id(&multi)), &[("expand[]", "currency_options")]).await;
    assert_eq!(expanded.body["currency_options"]["usd"]["unit_amount"], 2000);
    assert_eq!(
        expanded.body["currency_options"]["eur"],
        json!({"custom_unit_amount": null, "tax_behavior": "inclusive", "unit_amount": 1800, "unit_amount_decimal": "1800"})
    );
    let upper = refused(
        &client,
        &[("currency", "usd"), ("unit_amount", "1"), ("product", &p), ("currency_options[EUR][unit_amount]", "1")],
    )
    .await;
    assert_eq!(upper.3, "Currencies must be lowercase when used as keys in a map. Use `eur` instead of `EUR`.");
});

both_backends!(lookup_keys_are_unique_unless_transferred, |server: TestServer| async move {
    let client = server.client();
    let p = product(&client).await;
    let holder =
        id(&price(&client, &[("currency", "usd"), ("unit_amount", "1"), ("product", &p), ("lookup_key", "gold")])
            .await);
    client.post(&format!("/v1/prices/{holder}"), &[("active", "false")]).await;
    let taken =
        refused(&client, &[("currency", "usd"), ("unit_amount", "2"), ("product", &p), ("lookup_key", "gold")]).await;
    assert_eq!((taken.0, taken.2.as_deref()), (400, Some("lookup_key")));
    assert_eq!(taken.3, format!("A price (`{holder}`) already uses that lookup key."));

    let taker = id(&price(
        &client,
        &[
            ("currency", "usd"),
            ("unit_amount", "2"),
            ("product", &p),
            ("lookup_key", "gold"),
            ("transfer_lookup_key", "true"),
        ],
    )
    .await);
    let old = client.get(&format!("/v1/prices/{holder}"), &[]).await;
    assert!(old.body["lookup_key"].is_null());
    assert_eq!(old.body["active"], false);
    let updates = client.get("/v1/events", &[("type", "price.updated")]).await;
    assert_eq!(updates.body["data"][0]["data"]["object"]["id"], holder.as_str());
    assert_eq!(updates.body["data"][0]["data"]["previous_attributes"], json!({"lookup_key": "gold"}));

    let third = id(&price(&client, &[("currency", "usd"), ("unit_amount", "3"), ("product", &p)]).await);
    let clash = client.post(&format!("/v1/prices/{third}"), &[("lookup_key", "gold")]).await;
    assert_eq!(clash.error()["message"], format!("A price (`{taker}`) already uses that lookup key."));
    let moved =
        client.post(&format!("/v1/prices/{third}"), &[("lookup_key", "gold"), ("transfer_lookup_key", "true")]).await;
    assert_eq!(moved.body["lookup_key"], "gold");
    assert_eq!(
        client.post(&format!("/v1/prices/{third}"), &[("lookup_key", "gold")]).await.status,
        200,
        "re-sending its own key is fine"
    );
    assert!(client.get(&format!("/v1/prices/{taker}"), &[]).await.body["lookup_key"].is_null());
    let cleared = client.post(&format!("/v1/prices/{third}"), &[("lookup_key", "")]).await;
    assert!(cleared.body["lookup_key"].is_null());
});

both_backends!(tax_behavior_is_set_once, |server: TestServer| async move {
    let client = server.client();
    let p = product(&client).await;
    let id = id(&price(&client, &[("currency", "usd"), ("unit_amount", "1"), ("product", &p)]).await);
    let set = client.post(&format!("/v1/prices/{id}"), &[("tax_behavior", "exclusive")]).await;
    assert_eq!(set.body["tax_behavior"], "exclusive");
    let change = client.post(&format!("/v1/prices/{id}"), &[("tax_behavior", "inclusive")]).await;
    assert_eq!((change.status, change.error()["param"].as_str()), (400, Some("tax_behavior")));
    assert_eq!(client.get(&format!("/v1/prices/{id}"), &[]).await.body["tax_behavior"], "exclusive");
});

both_backends!(lists_filter_and_page_and_search_finds_prices, |server: TestServer| async move {
    let client = server.client();
    let a = product(&client).await;
    let b = product(&client).await;
    let one_time =
        id(&price(&client, &[("currency", "usd"), ("unit_amount", "1"), ("product", &a), ("lookup_key", "one")]).await);
    let monthly = id(&price(
        &client,
        &[("currency", "eur"), ("unit_amount", "2"), ("product", &a), ("recurring[interval]", "month")],
    )
    .await);
    let yearly = id(&price(
        &client,
        &[
            ("currency", "usd"),
            ("unit_amount", "3"),
            ("product", &b),
            ("recurring[interval]", "year"),
            ("active", "false"),
        ],
    )
    .await);

    let list = |query: &'static [(&'static str, &'static str)]| {
        let client = &client;
        async move { ids(&client.get("/v1/prices", query).await) }
    };
    assert_eq!(list(&[]).await, [yearly.as_str(), &monthly, &one_time]);
    assert_eq!(list(&[("active", "true")]).await, [monthly.as_str(), &one_time]);
    assert_eq!(list(&[("type", "one_time")]).await, [one_time.as_str()]);
    assert_eq!(list(&[("recurring[interval]", "year")]).await, [yearly.as_str()]);
    assert_eq!(list(&[("recurring[usage_type]", "licensed")]).await, [yearly.as_str(), &monthly]);
    assert_eq!(list(&[("currency", "EUR")]).await, [monthly.as_str()]);
    assert_eq!(list(&[("lookup_keys[]", "one"), ("lookup_keys[]", "two")]).await, [one_time.as_str()]);
    assert_eq!(ids(&client.get("/v1/prices", &[("product", &b)]).await), [yearly.as_str()]);
    let bad_product = client.get("/v1/prices", &[("product", "prod_nope")]).await;
    assert_eq!(
        (bad_product.status, bad_product.error()["message"].as_str()),
        (400, Some("No such product: 'prod_nope'"))
    );
    let page = client.get("/v1/prices", &[("limit", "1"), ("starting_after", &monthly)]).await;
    assert_eq!((ids(&page), page.body["has_more"].as_bool()), (vec![one_time.clone()], Some(false)));
    let expanded = client.get("/v1/prices", &[("expand[]", "data.product"), ("limit", "1")]).await;
    assert_eq!(expanded.body["data"][0]["product"]["id"], b.as_str());

    let search = |query: String| {
        let client = &client;
        async move {
            let found = client.get("/v1/prices/search", &[("query", &query)]).await;
            assert_eq!(found.status, 200, "{query}: {:?}", found.body);
            ids(&found)
        }
    };
    assert_eq!(search(format!("product:'{a}'")).await, [monthly.as_str(), &one_time]);
    assert_eq!(search("type:'recurring' AND active:'true'".into()).await, [monthly.as_str()]);
    assert_eq!(search("lookup_key:'one'".into()).await, [one_time.as_str()]);
    assert_eq!(search("currency:'usd' AND active:'false'".into()).await, [yearly.as_str()]);
});

/// The latest invoice of a subscription and its lines' (description, quantity, amount).
async fn lines_of(client: &Client, sub: &serde_json::Value) -> (serde_json::Value, Vec<(String, i64, i64)>) {
    let invoice = client.get(&format!("/v1/invoices/{}", sub["latest_invoice"].as_str().unwrap()), &[]).await.body;
    let lines = invoice["lines"]["data"].as_array().unwrap().iter().map(|l| {
        (l["description"].as_str().unwrap().to_owned(), l["quantity"].as_i64().unwrap(), l["amount"].as_i64().unwrap())
    });
    let lines = lines.collect();
    (invoice, lines)
}

// A subscription bills each billing scheme as Stripe does: tiers line by line, packages and fractions of a
// cent rounded; a change prorates what the tiers charge.
both_backends!(subscriptions_bill_tiers_packages_and_fractional_amounts, |server: TestServer| async move {
    let client = server.client();
    let p = product(&client).await;
    let monthly = [("currency", "usd"), ("product", p.as_str()), ("recurring[interval]", "month")];
    let mut graduated = monthly.to_vec();
    graduated.extend([
        ("billing_scheme", "tiered"),
        ("tiers_mode", "graduated"),
        ("tiers[0][up_to]", "5"),
        ("tiers[0][unit_amount]", "700"),
        ("tiers[0][flat_amount]", "1000"),
        ("tiers[1][up_to]", "10"),
        ("tiers[1][unit_amount]", "650"),
        ("tiers[2][up_to]", "inf"),
        ("tiers[2][unit_amount]", "600"),
    ]);
    let graduated = id(&price(&client, &graduated).await);
    let customer = client.post("/v1/customers", &[("email", "tiers@example.com")]).await.body["id"].clone();
    let customer = customer.as_str().unwrap();
    let by_invoice = [("collection_method", "send_invoice"), ("days_until_due", "30")];
    let mut form = vec![("customer", customer), ("items[0][price]", graduated.as_str()), ("items[0][quantity]", "12")];
    form.extend(by_invoice);
    let sub = client.post("/v1/subscriptions", &form).await;
    assert_eq!(sub.status, 200, "{:#}", sub.body);
    let (invoice, lines) = lines_of(&client, &sub.body).await;
    let line = |d: &str, q, a| (d.to_owned(), q, a);
    assert_eq!(
        lines,
        [
            line("5 × P (Tier 1 at $7.00 / month)", 5, 3500),
            line("P (Tier 1 at $10.00 / month)", 0, 1000),
            line("5 × P (Tier 2 at $6.50 / month)", 5, 3250),
            line("2 × P (Tier 3 at $6.00 / month)", 2, 1200),
        ]
    );
    assert_eq!(invoice["total"], 8950);

    // Down to 3 at the start of the period: the whole 12's amount is credited, the 3's charged.
    let item = sub.body["items"]["data"][0]["id"].as_str().unwrap();
    let start = sub.body["items"]["data"][0]["current_period_start"].to_string();
    let change = [
        ("items[0][id]", item),
        ("items[0][quantity]", "3"),
        ("proration_behavior", "always_invoice"),
        ("proration_date", start.as_str()),
    ];
    let changed = client.post(&format!("/v1/subscriptions/{}", sub.body["id"].as_str().unwrap()), &change).await;
    assert_eq!(changed.status, 200, "{:#}", changed.body);
    let amounts: Vec<i64> = lines_of(&client, &changed.body).await.1.iter().map(|line| line.2).collect();
    assert_eq!(amounts, [-8950, 3 * 700 + 1000]);

    let mut package = monthly.to_vec();
    package.extend([
        ("unit_amount", "500"),
        ("transform_quantity[divide_by]", "100"),
        ("transform_quantity[round]", "up"),
    ]);
    let package = id(&price(&client, &package).await);
    let mut fraction = monthly.to_vec();
    fraction.push(("unit_amount_decimal", "0.5"));
    let fraction = id(&price(&client, &fraction).await);
    let mut form = vec![
        ("customer", customer),
        ("items[0][price]", package.as_str()),
        ("items[0][quantity]", "250"),
        ("items[1][price]", fraction.as_str()),
        ("items[1][quantity]", "3"),
    ];
    form.extend(by_invoice);
    let sub = client.post("/v1/subscriptions", &form).await;
    assert_eq!(sub.status, 200, "{:#}", sub.body);
    let (invoice, lines) = lines_of(&client, &sub.body).await;
    assert_eq!(
        lines,
        [line("250 × P (at $5.00 per 100 / month)", 250, 1500), line("3 × P (at $0.005 / month)", 3, 2)],
        "three packages of 100 (rounded up); 1.5¢ rounds to 2¢"
    );
    let page = reqwest::get(invoice["hosted_invoice_url"].as_str().unwrap()).await.unwrap().text().await.unwrap();
    assert!(page.contains("$0.005"), "the invoice page shows the rate to the tenth of a cent");
});
