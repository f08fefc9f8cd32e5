//! Promotion codes over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::json;

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

fn id(answer: &Answer) -> String {
    answer.body["id"].as_str().unwrap().to_owned()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn coupon(client: &Client, form: &[(&str, &str)]) -> String {
    let created = client.post("/v1/coupons", form).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    id(&created)
}

async fn customer(client: &Client) -> String {
    id(&client.post("/v1/customers", &[]).await)
}

/// Creates a promotion code for `coupon` with extra parameters.
async fn promo(client: &Client, coupon: &str, extra: &[(&str, &str)]) -> Answer {
    let mut form = vec![("promotion[type]", "coupon"), ("promotion[coupon]", coupon)];
    form.extend_from_slice(extra);
    client.post("/v1/promotion_codes", &form).await
}

both_backends!(create_retrieve_expand_and_update_round_trip, |server: TestServer| async move {
    let client = server.client();
    let coupon_id = coupon(&client, &[("amount_off", "500"), ("currency", "usd")]).await;
    let created = promo(&client, &coupon_id, &[("metadata[source]", "newsletter")]).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let body = &created.body;
    let promo_id = id(&created);
    assert!(promo_id.starts_with("promo_"));
    for field in [
        "active",
        "code",
        "created",
        "customer",
        "customer_account",
        "expires_at",
        "id",
        "livemode",
        "max_redemptions",
        "metadata",
        "object",
        "promotion",
        "restrictions",
        "times_redeemed",
    ] {
        assert!(body.get(field).is_some(), "missing {field}");
    }
    assert!(body.get("coupon").is_none());
    assert_eq!(body["promotion"], json!({"coupon": coupon_id, "type": "coupon"}));
    assert_eq!(
        body["restrictions"],
        json!({"first_time_transaction": false, "minimum_amount": null, "minimum_amount_currency": null})
    );
    let code = body["code"].as_str().unwrap();
    assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()), "{code}");
    assert_eq!(client.get(&format!("/v1/promotion_codes/{promo_id}"), &[]).await.body, created.body);

    let expanded = client.get(&format!("/v1/promotion_codes/{promo_id}"), &[("expand[]", "promotion.coupon")]).await;
    assert_eq!(expanded.body["promotion"]["coupon"]["id"], coupon_id.as_str());
    let bare = client.get(&format!("/v1/promotion_codes/{promo_id}"), &[("expand[]", "promotion")]).await;
    assert_eq!(bare.body["promotion"], json!({"coupon": coupon_id, "type": "coupon"}));

    let off =
        client.post(&format!("/v1/promotion_codes/{promo_id}"), &[("active", "false"), ("metadata[source]", "")]).await;
    assert_eq!(off.status, 200, "{:?}", off.body);
    assert_eq!((off.body["active"].as_bool(), &off.body["metadata"]), (Some(false), &json!({})));
    let events = client.get("/v1/events", &[("type", "promotion_code.*")]).await;
    let kinds: Vec<&str> =
        events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["promotion_code.updated", "promotion_code.created"]);
    assert_eq!(
        events.body["data"][0]["data"]["previous_attributes"],
        json!({"active": true, "metadata": {"source": "newsletter"}})
    );
    let on = client.post(&format!("/v1/promotion_codes/{promo_id}"), &[("active", "true")]).await;
    assert_eq!(on.body["active"], true);

    let missing = client.get("/v1/promotion_codes/promo_nope", &[]).await;
    assert_eq!((missing.status, missing.error()["param"].as_str()), (404, Some("promotion_code")));
    assert_eq!(missing.error()["message"], "No such promotion code: 'promo_nope'");
});

both_backends!(restrictions_customer_and_limits_round_trip, |server: TestServer| async move {
    let client = server.client();
    let coupon_id = coupon(&client, &[("percent_off", "20"), ("max_redemptions", "5")]).await;
    let cus = customer(&client).await;
    let expires = (now() + 86_400).to_string();
    let created = promo(
        &client,
        &coupon_id,
        &[
            ("code", "Fall-20_x"),
            ("customer", &cus),
            ("expires_at", &expires),
            ("max_redemptions", "3"),
            ("restrictions[first_time_transaction]", "true"),
            ("restrictions[minimum_amount]", "1000"),
            ("restrictions[minimum_amount_currency]", "USD"),
            ("restrictions[currency_options][eur][minimum_amount]", "900"),
            ("expand[]", "customer"),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let body = &created.body;
    assert_eq!(body["code"], "Fall-20_x");
    assert_eq!(body["customer"]["id"], cus.as_str());
    assert_eq!((body["expires_at"].as_i64(), body["max_redemptions"].as_i64()), (expires.parse().ok(), Some(3)));
    assert_eq!(
        body["restrictions"],
        json!({"first_time_transaction": true, "minimum_amount": 1000, "minimum_amount_currency": "usd"})
    );
    let promo_id = id(&created);
    let shown =
        client.get(&format!("/v1/promotion_codes/{promo_id}"), &[("expand[]", "restrictions.currency_options")]).await;
    assert_eq!(shown.body["restrictions"]["currency_options"], json!({"eur": {"minimum_amount": 900}}));
    let updated = client
        .post(
            &format!("/v1/promotion_codes/{promo_id}"),
            &[
                ("restrictions[currency_options][gbp][minimum_amount]", "800"),
                ("expand[]", "restrictions.currency_options"),
            ],
        )
        .await;
    assert_eq!(
        updated.body["restrictions"]["currency_options"],
        json!({"eur": {"minimum_amount": 900}, "gbp": {"minimum_amount": 800}})
    );
    let immutable = client.post(&format!("/v1/promotion_codes/{promo_id}"), &[("code", "OTHER")]).await;
    assert_eq!(immutable.error()["code"], "parameter_unknown");
});

both_backends!(bad_input_is_refused_with_stripe_errors_and_writes_nothing, |server: TestServer| async move {
    let client = server.client();
    let coupon_id = coupon(&client, &[("percent_off", "10"), ("max_redemptions", "2")]).await;
    let missing = client.post("/v1/promotion_codes", &[("code", "X1")]).await;
    assert_eq!(
        (missing.error()["code"].as_str(), missing.error()["message"].as_str()),
        (Some("parameter_missing"), Some("Missing required param: promotion."))
    );
    let no_coupon = client.post("/v1/promotion_codes", &[("promotion[type]", "coupon")]).await;
    assert_eq!(
        (no_coupon.error()["param"].as_str(), no_coupon.error()["message"].as_str()),
        (Some("promotion.coupon"), Some("You must pass promotion.coupon when passing promotion"))
    );
    let unknown_coupon = promo(&client, "NOPE1234", &[]).await;
    assert_eq!((unknown_coupon.status, unknown_coupon.error()["code"].as_str()), (400, Some("resource_missing")));
    assert_eq!(
        (unknown_coupon.error()["param"].as_str(), unknown_coupon.error()["message"].as_str()),
        (Some("promotion[coupon]"), Some("No such coupon: 'NOPE1234'"))
    );
    let legacy = client.post("/v1/promotion_codes", &[("coupon", &coupon_id)]).await;
    assert_eq!(
        (legacy.error()["code"].as_str(), legacy.error()["message"].as_str()),
        (Some("parameter_unknown"), Some("Received unknown parameter: coupon"))
    );
    let bad_code = promo(&client, &coupon_id, &[("code", "has spaces!")]).await;
    assert_eq!(bad_code.error()["param"], "code");
    assert_eq!(
        bad_code.error()["message"],
        "This value must match the regex pattern. (/\\A[a-zA-Z0-9\\-_]+\\z/ does not match for the value has spaces!)."
    );
    let unknown_customer = promo(&client, &coupon_id, &[("customer", "cus_nope")]).await;
    assert_eq!(
        (
            unknown_customer.status,
            unknown_customer.error()["code"].as_str(),
            unknown_customer.error()["param"].as_str()
        ),
        (400, Some("resource_missing"), Some("customer"))
    );
    let past = promo(&client, &coupon_id, &[("expires_at", "2000")]).await;
    assert_eq!(past.error()["param"], "expires_at");
    assert!(
        past.error()["message"].as_str().unwrap().ends_with("You specified the value `2000` which is in the past.")
    );
    let far = promo(&client, &coupon_id, &[("expires_at", "4102444800")]).await;
    assert_eq!(far.error()["message"], "Invalid timestamp: can be no more than five years in the future.");
    let too_many = promo(&client, &coupon_id, &[("max_redemptions", "3")]).await;
    assert_eq!(too_many.error()["param"], "max_redemptions");
    let no_currency = promo(&client, &coupon_id, &[("restrictions[minimum_amount]", "1000")]).await;
    assert_eq!(no_currency.error()["param"], "restrictions[minimum_amount_currency]");
    let bad_type =
        client.post("/v1/promotion_codes", &[("promotion[type]", "gift"), ("promotion[coupon]", &coupon_id)]).await;
    assert_eq!(bad_type.error()["param"], "promotion[type]");

    assert!(ids(&client.get("/v1/promotion_codes", &[]).await).is_empty());
    assert!(
        client.get("/v1/events", &[("type", "promotion_code.*")]).await.body["data"].as_array().unwrap().is_empty()
    );
});

both_backends!(codes_are_unique_among_active_codes_case_insensitively, |server: TestServer| async move {
    let client = server.client();
    let coupon_id = coupon(&client, &[("percent_off", "10")]).await;
    let (ann, bob) = (customer(&client).await, customer(&client).await);
    let first = promo(&client, &coupon_id, &[("code", "NEWUSER")]).await;
    let clash = promo(&client, &coupon_id, &[("code", "newuser")]).await;
    assert_eq!(clash.status, 400);
    assert_eq!(clash.error()["message"], "An active promotion code with `code: newuser` already exists.");
    assert!(clash.error().get("code").is_none() && clash.error().get("param").is_none());
    let restricted = promo(&client, &coupon_id, &[("code", "NewUser"), ("customer", &ann)]).await;
    assert_eq!(restricted.status, 400, "an unrestricted active code blocks restricted ones too");

    client.post(&format!("/v1/promotion_codes/{}", id(&first)), &[("active", "false")]).await;
    let second = promo(&client, &coupon_id, &[("code", "newuser")]).await;
    assert_eq!(second.status, 200, "{:?}", second.body);
    let back = client.post(&format!("/v1/promotion_codes/{}", id(&first)), &[("active", "true")]).await;
    assert_eq!(back.error()["message"], "An active promotion code with `code: NEWUSER` already exists.");
    assert_eq!(client.get(&format!("/v1/promotion_codes/{}", id(&first)), &[]).await.body["active"], false);

    assert_eq!(promo(&client, &coupon_id, &[("code", "VIP"), ("customer", &ann)]).await.status, 200);
    assert_eq!(promo(&client, &coupon_id, &[("code", "vip"), ("customer", &bob)]).await.status, 200);
    assert_eq!(promo(&client, &coupon_id, &[("code", "Vip"), ("customer", &ann)]).await.status, 400);
    assert_eq!(promo(&client, &coupon_id, &[("code", "VIP")]).await.status, 400);
    assert_eq!(
        promo(&client, &coupon_id, &[("code", "VIP"), ("active", "false")]).await.status,
        200,
        "inactive codes may share"
    );
});

both_backends!(a_deleted_coupon_ends_its_codes_for_good, |server: TestServer| async move {
    let client = server.client();
    let coupon_id = coupon(&client, &[("percent_off", "10")]).await;
    let code = id(&promo(&client, &coupon_id, &[("code", "SPRING")]).await);
    client.delete(&format!("/v1/coupons/{coupon_id}")).await;
    let shown = client.get(&format!("/v1/promotion_codes/{code}"), &[]).await;
    assert_eq!(shown.body["active"], false);
    let refused = client.post(&format!("/v1/promotion_codes/{code}"), &[("active", "true")]).await;
    assert_eq!((refused.status, refused.error()["param"].as_str()), (400, Some("active")));
    assert!(ids(&client.get("/v1/promotion_codes", &[("active", "true")]).await).is_empty());
    let other = coupon(&client, &[("percent_off", "5")]).await;
    assert_eq!(promo(&client, &other, &[("code", "spring")]).await.status, 200, "an ended code frees its text");
});

both_backends!(lists_filter_by_code_coupon_customer_and_active_and_page, |server: TestServer| async move {
    let client = server.client();
    let c1 = coupon(&client, &[("percent_off", "10")]).await;
    let c2 = coupon(&client, &[("percent_off", "20")]).await;
    let cus = customer(&client).await;
    let a = id(&promo(&client, &c1, &[("code", "ALPHA")]).await);
    let b = id(&promo(&client, &c1, &[("code", "BETA"), ("customer", &cus)]).await);
    let c = id(&promo(&client, &c2, &[("code", "GAMMA"), ("active", "false")]).await);

    let list = |query: Vec<(&'static str, String)>| {
        let client = &client;
        async move {
            let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = client.get("/v1/promotion_codes", &query).await;
            assert_eq!(answer.status, 200, "{query:?}: {:?}", answer.body);
            ids(&answer)
        }
    };
    assert_eq!(list(vec![]).await, [c.as_str(), &b, &a]);
    assert_eq!(list(vec![("code", "alpha".into())]).await, [a.as_str()]);
    assert_eq!(list(vec![("coupon", c1.clone())]).await, [b.as_str(), &a]);
    assert_eq!(list(vec![("customer", cus.clone())]).await, [b.as_str()]);
    assert_eq!(list(vec![("active", "false".into())]).await, [c.as_str()]);
    assert_eq!(list(vec![("coupon", c2.clone()), ("active", "true".into())]).await, Vec::<String>::new());
    assert!(list(vec![("created[gt]", "4102444800".into())]).await.is_empty());

    let first = client.get("/v1/promotion_codes", &[("limit", "2")]).await;
    assert_eq!((ids(&first), first.body["has_more"].as_bool()), (vec![c.clone(), b.clone()], Some(true)));
    assert_eq!(first.body["url"], "/v1/promotion_codes");
    let next = client.get("/v1/promotion_codes", &[("limit", "2"), ("starting_after", &b)]).await;
    assert_eq!((ids(&next), next.body["has_more"].as_bool()), (vec![a.clone()], Some(false)));
    let back = client.get("/v1/promotion_codes", &[("limit", "1"), ("ending_before", &a)]).await;
    assert_eq!((ids(&back), back.body["has_more"].as_bool()), (vec![b.clone()], Some(true)));
    let filtered = client.get("/v1/promotion_codes", &[("active", "true"), ("starting_after", &c)]).await;
    assert_eq!(ids(&filtered), [b.as_str(), &a]);
    let bad_cursor = client.get("/v1/promotion_codes", &[("starting_after", "promo_nope")]).await;
    assert_eq!(bad_cursor.status, 400);
    let unknown_coupon = client.get("/v1/promotion_codes", &[("coupon", "UNKNOWN1")]).await;
    assert_eq!((unknown_coupon.status, unknown_coupon.error()["param"].as_str()), (400, Some("coupon")));
    assert_eq!(unknown_coupon.error()["message"], "No such coupon: 'UNKNOWN1'");
    let expanded = client.get("/v1/promotion_codes", &[("expand[]", "data.promotion.coupon"), ("limit", "1")]).await;
    assert_eq!(expanded.body["data"][0]["promotion"]["coupon"]["id"], c2.as_str());
});
