//! Coupons over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::json;

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn coupon(client: &Client, form: &[(&str, &str)]) -> Answer {
    let created = client.post("/v1/coupons", form).await;
    assert_eq!(created.status, 200, "{form:?}: {:?}", created.body);
    created
}

both_backends!(create_retrieve_update_delete_round_trip, |server: TestServer| async move {
    let client = server.client();
    let created =
        coupon(&client, &[("percent_off", "25.5"), ("name", "Quarter off"), ("metadata[campaign]", "fall")]).await;
    let body = &created.body;
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 8);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    for field in [
        "amount_off",
        "created",
        "currency",
        "duration",
        "duration_in_months",
        "id",
        "livemode",
        "max_redemptions",
        "metadata",
        "name",
        "object",
        "percent_off",
        "redeem_by",
        "times_redeemed",
        "valid",
    ] {
        assert!(body.get(field).is_some(), "missing {field}");
    }
    assert!(body.get("applies_to").is_none() && body.get("currency_options").is_none());
    assert_eq!(body["object"], "coupon");
    assert_eq!(body["percent_off"], 25.5);
    assert_eq!(body["duration"], "once");
    assert_eq!((body["times_redeemed"].as_i64(), body["valid"].as_bool()), (Some(0), Some(true)));
    assert_eq!(client.get(&format!("/v1/coupons/{id}"), &[]).await.body, created.body);

    let updated = client.post(&format!("/v1/coupons/{id}"), &[("name", "Renamed"), ("metadata[campaign]", "")]).await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!((updated.body["name"].as_str(), &updated.body["metadata"]), (Some("Renamed"), &json!({})));
    let immutable = client.post(&format!("/v1/coupons/{id}"), &[("percent_off", "50")]).await;
    assert_eq!(
        (immutable.error()["code"].as_str(), immutable.error()["param"].as_str()),
        (Some("parameter_unknown"), Some("percent_off"))
    );

    let deleted = client.delete(&format!("/v1/coupons/{id}")).await;
    assert_eq!(deleted.body, json!({"id": id, "object": "coupon", "deleted": true}));
    let gone = client.get(&format!("/v1/coupons/{id}"), &[]).await;
    assert_eq!((gone.status, gone.error()["param"].as_str()), (404, Some("coupon")));
    assert_eq!(gone.error()["message"], format!("No such coupon: '{id}'"));
    assert!(ids(&client.get("/v1/coupons", &[]).await).is_empty());

    let events = client.get("/v1/events", &[("type", "coupon.*")]).await;
    let kinds: Vec<&str> =
        events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["coupon.deleted", "coupon.updated", "coupon.created"]);
    assert_eq!(events.body["data"][0]["data"]["object"]["valid"], false);
    assert_eq!(
        events.body["data"][1]["data"]["previous_attributes"],
        json!({"metadata": {"campaign": "fall"}, "name": "Quarter off"})
    );

    let reused = coupon(&client, &[("id", &id), ("percent_off", "5")]).await;
    assert_eq!(reused.body["percent_off"], 5.0);
    assert_eq!(client.delete(&format!("/v1/coupons/{id}")).await.status, 200, "an id can be deleted again after reuse");
});

both_backends!(amount_coupons_custom_ids_and_duplicates, |server: TestServer| async move {
    let client = server.client();
    let later = (now() + 86_400).to_string();
    let created = coupon(
        &client,
        &[
            ("id", "FIVEOFF"),
            ("amount_off", "500"),
            ("currency", "USD"),
            ("duration", "repeating"),
            ("duration_in_months", "3"),
            ("max_redemptions", "10"),
            ("redeem_by", &later),
        ],
    )
    .await;
    let body = &created.body;
    assert_eq!(body["id"], "FIVEOFF");
    assert_eq!((body["amount_off"].as_i64(), body["currency"].as_str()), (Some(500), Some("usd")));
    assert_eq!((body["duration"].as_str(), body["duration_in_months"].as_i64()), (Some("repeating"), Some(3)));
    assert_eq!(body["redeem_by"].as_i64(), later.parse().ok());
    assert!(body["percent_off"].is_null());

    let again = client.post("/v1/coupons", &[("id", "FIVEOFF"), ("percent_off", "5")]).await;
    assert_eq!(again.status, 400);
    assert_eq!(
        (again.error()["code"].as_str(), again.error()["message"].as_str()),
        (Some("resource_already_exists"), Some("Coupon already exists."))
    );
});

/// A refused create: its form, and the message, code and param Stripe answers with.
type Refusal = (&'static [(&'static str, &'static str)], &'static str, Option<&'static str>, Option<&'static str>);

both_backends!(cross_field_rules_are_refused_verbatim_and_write_nothing, |server: TestServer| async move {
    let client = server.client();
    let cases: &[Refusal] = &[
        (&[("duration", "once")], "Must provide percent_off or amount_off.", Some("parameter_missing"), None),
        (
            &[("percent_off", "10"), ("amount_off", "500"), ("currency", "usd")],
            "Received both percent_off and amount_off parameters. Please pass in only one.",
            None,
            None,
        ),
        (&[("amount_off", "500")], "You must pass currency when passing amount_off", None, Some("currency")),
        (
            &[("percent_off", "10"), ("duration", "repeating")],
            "The duration_in_months param must be set when creating a coupon with a repeating duration",
            None,
            Some("duration"),
        ),
        (
            &[("percent_off", "0")],
            "This value must be greater than or equal to 0.01 (it currently is '0.0').",
            None,
            Some("percent_off"),
        ),
        (
            &[("percent_off", "100.5")],
            "This value must be less than or equal to 100 (it currently is '100.5').",
            None,
            Some("percent_off"),
        ),
        (
            &[("percent_off", "10"), ("redeem_by", "1000")],
            "The parameter `redeem_by` expects a unix timestamp representing a date and time in the future. You specified the value `1000` which is in the past.",
            None,
            Some("redeem_by"),
        ),
        (
            &[("percent_off", "5"), ("currency_options[eur][amount_off]", "4")],
            "You may only specify one of these parameters: currency_options, percent_off.",
            Some("parameters_exclusive"),
            Some("currency_options"),
        ),
        (
            &[("amount_off", "5"), ("currency", "usd"), ("currency_options[EUR][amount_off]", "4")],
            "Currencies must be lowercase when used as keys in a map. Use `eur` instead of `EUR`.",
            None,
            Some("currency_options"),
        ),
        (
            &[("percent_off", "5"), ("applies_to[products][]", "prod_nope")],
            "No such product: 'prod_nope'",
            Some("resource_missing"),
            Some("applies_to[products][0]"),
        ),
    ];
    for (form, message, code, param) in cases {
        let answer = client.post("/v1/coupons", form).await;
        assert_eq!(answer.status, 400, "{form:?}");
        assert_eq!(answer.error()["message"], *message, "{form:?}");
        assert_eq!(answer.error()["code"].as_str(), *code, "{form:?}");
        assert_eq!(answer.error()["param"].as_str(), *param, "{form:?}");
    }
    let long_name = client.post("/v1/coupons", &[("percent_off", "5"), ("name", &"x".repeat(41))]).await;
    assert_eq!(long_name.error()["param"], "name");
    let bad_duration = client.post("/v1/coupons", &[("percent_off", "5"), ("duration", "sometimes")]).await;
    assert_eq!(bad_duration.error()["param"], "duration");

    assert!(ids(&client.get("/v1/coupons", &[]).await).is_empty());
    assert!(client.get("/v1/events", &[]).await.body["data"].as_array().unwrap().is_empty());
});

both_backends!(applies_to_and_currency_options_show_only_when_expanded, |server: TestServer| async move {
    let client = server.client();
    let product = client.post("/v1/products", &[("name", "P")]).await.body["id"].as_str().unwrap().to_owned();
    let created = coupon(
        &client,
        &[
            ("amount_off", "500"),
            ("currency", "usd"),
            ("applies_to[products][]", &product),
            ("currency_options[eur][amount_off]", "400"),
        ],
    )
    .await;
    assert!(created.body.get("applies_to").is_none() && created.body.get("currency_options").is_none());
    let id = created.body["id"].as_str().unwrap().to_owned();
    let shown =
        client.get(&format!("/v1/coupons/{id}"), &[("expand[]", "applies_to"), ("expand[]", "currency_options")]).await;
    assert_eq!(shown.body["applies_to"], json!({"products": [product]}));
    assert_eq!(shown.body["currency_options"], json!({"eur": {"amount_off": 400}}));

    let updated = client
        .post(
            &format!("/v1/coupons/{id}"),
            &[("currency_options[gbp][amount_off]", "300"), ("expand[]", "currency_options")],
        )
        .await;
    assert_eq!(updated.body["currency_options"], json!({"eur": {"amount_off": 400}, "gbp": {"amount_off": 300}}));
    let listed = client.get("/v1/coupons", &[("expand[]", "data.applies_to")]).await;
    assert_eq!(listed.body["data"][0]["applies_to"]["products"][0], product.as_str());
    assert!(listed.body["data"][0].get("currency_options").is_none());
});

both_backends!(lists_page_newest_first_with_created_filters, |server: TestServer| async move {
    let client = server.client();
    let mut made = Vec::new();
    for percent in ["10", "20", "30"] {
        made.push(coupon(&client, &[("percent_off", percent)]).await.body["id"].as_str().unwrap().to_owned());
    }
    made.reverse();
    let first = client.get("/v1/coupons", &[("limit", "2")]).await;
    assert_eq!((ids(&first), first.body["has_more"].as_bool()), (made[..2].to_vec(), Some(true)));
    assert_eq!(first.body["url"], "/v1/coupons");
    let rest = client.get("/v1/coupons", &[("starting_after", &made[1])]).await;
    assert_eq!(ids(&rest), made[2..]);
    assert!(ids(&client.get("/v1/coupons", &[("created[gt]", "4102444800")]).await).is_empty());
    let unknown = client.get("/v1/coupons", &[("duration", "once")]).await;
    assert_eq!(unknown.error()["code"], "parameter_unknown");
});
