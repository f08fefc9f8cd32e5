//! Payment methods over HTTP, on both backends.

use portico_testkit::{Client, TestServer, both_backends};
use serde_json::Value;

async fn customer(client: &Client) -> String {
    let answer = client.post("/v1/customers", &[("name", "Ann")]).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["id"].as_str().unwrap().to_owned()
}

async fn card(client: &Client, number: &str, cvc: Option<&str>) -> Value {
    let mut form =
        vec![("type", "card"), ("card[number]", number), ("card[exp_month]", "12"), ("card[exp_year]", "2034")];
    if let Some(cvc) = cvc {
        form.push(("card[cvc]", cvc));
    }
    let answer = client.post("/v1/payment_methods", &form).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body
}

async fn event_types(client: &Client) -> Vec<String> {
    let events = client.get("/v1/events", &[("limit", "100")]).await;
    events.body["data"].as_array().unwrap().iter().rev().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

fn ids(list: &Value) -> Vec<String> {
    list["data"].as_array().unwrap().iter().map(|pm| pm["id"].as_str().unwrap().to_owned()).collect()
}

both_backends!(a_raw_card_becomes_a_payment_method_in_stripes_shape, |server: TestServer| async move {
    let client = server.client();
    let created = client
        .post(
            "/v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", "4242 4242 4242 4242"),
                ("card[exp_month]", "8"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
                ("billing_details[name]", "Ann Smith"),
                ("billing_details[email]", "ann@example.com"),
                ("billing_details[address][postal_code]", "94107"),
                ("metadata[order]", "42"),
                ("allow_redisplay", "always"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let pm = &created.body;
    assert!(pm["id"].as_str().unwrap().starts_with("pm_"));
    assert_eq!(pm["object"], "payment_method");
    assert_eq!(pm["type"], "card");
    assert_eq!(pm["allow_redisplay"], "always");
    assert_eq!(pm["customer"], Value::Null);
    assert_eq!(pm["customer_account"], Value::Null);
    assert_eq!(pm["livemode"], false);
    assert_eq!(pm["metadata"]["order"], "42");
    assert_eq!(pm["billing_details"]["name"], "Ann Smith");
    assert_eq!(pm["billing_details"]["address"]["postal_code"], "94107");
    assert_eq!(pm["billing_details"]["address"]["line1"], Value::Null);
    assert_eq!(pm["billing_details"]["tax_id"], Value::Null);
    let card = &pm["card"];
    assert_eq!(card["brand"], "visa");
    assert_eq!(card["display_brand"], "visa");
    assert_eq!(card["last4"], "4242");
    assert_eq!(card["funding"], "credit");
    assert_eq!(card["country"], "US");
    assert_eq!((card["exp_month"].as_i64(), card["exp_year"].as_i64()), (Some(8), Some(2034)));
    assert_eq!(
        card["checks"],
        serde_json::json!({"address_line1_check": null, "address_postal_code_check": "unchecked", "cvc_check": "unchecked"})
    );
    assert_eq!(card["networks"], serde_json::json!({"available": ["visa"], "preferred": null}));
    assert_eq!(card["three_d_secure_usage"]["supported"], true);
    assert_eq!(card["fingerprint"].as_str().unwrap().len(), 16);
    for field in ["generated_from", "regulated_status", "wallet"] {
        assert!(card.get(field).is_some(), "card.{field} missing");
    }
    let fetched = client.get(&format!("/v1/payment_methods/{}", pm["id"].as_str().unwrap()), &[]).await;
    assert_eq!(&fetched.body, pm);

    // The same number in the same account has the same fingerprint; legacy tokens work too.
    let again = card_fingerprint(&card_of(&client, "4242424242424242").await);
    assert_eq!(again, card["fingerprint"].as_str().unwrap());
    let token = client.post("/v1/payment_methods", &[("type", "card"), ("card[token]", "tok_amex")]).await;
    assert_eq!(token.body["card"]["brand"], "amex");
    assert_eq!(token.body["card"]["display_brand"], "american_express");
    assert_eq!(token.body["card"]["exp_month"], 12);
    assert_eq!(event_types(&client).await, Vec::<String>::new(), "Stripe sends no event for a new payment method");
});

async fn card_of(client: &Client, number: &str) -> Value {
    card(client, number, None).await
}

fn card_fingerprint(pm: &Value) -> String {
    pm["card"]["fingerprint"].as_str().unwrap().to_owned()
}

both_backends!(invalid_card_details_are_402_card_errors_naming_the_field, |server: TestServer| async move {
    let client = server.client();
    let cases = [
        ("4242424242424241", "12", "2034", "123", "incorrect_number", "number"),
        ("4242-4242-4242-4242", "12", "2034", "123", "invalid_number", "number"),
        ("4242424242424242", "13", "2034", "123", "invalid_expiry_month", "exp_month"),
        ("4242424242424242", "12", "2001", "123", "invalid_expiry_year", "exp_year"),
        ("4242424242424242", "12", "2034", "12", "invalid_cvc", "cvc"),
    ];
    for (number, month, year, cvc, code, param) in cases {
        let answer = client
            .post(
                "/v1/payment_methods",
                &[
                    ("type", "card"),
                    ("card[number]", number),
                    ("card[exp_month]", month),
                    ("card[exp_year]", year),
                    ("card[cvc]", cvc),
                ],
            )
            .await;
        assert_eq!(answer.status, 402, "{code}: {:?}", answer.body);
        assert_eq!(answer.error()["type"], "card_error");
        assert_eq!(answer.error()["code"], code);
        assert_eq!(answer.error()["param"], param);
        assert!(!answer.body.to_string().contains(number));
    }
    let sepa = client.post("/v1/payment_methods", &[("type", "sepa_debit")]).await;
    assert_eq!(sepa.status, 400);
    assert!(sepa.error()["message"].as_str().unwrap().contains("sepa_debit"), "{:?}", sepa.body);
    let missing = client
        .post(
            "/v1/payment_methods",
            &[("type", "card"), ("card[number]", "4242424242424242"), ("card[exp_month]", "1")],
        )
        .await;
    assert_eq!((missing.status, missing.error()["code"].as_str()), (400, Some("parameter_missing")));
    assert_eq!(missing.error()["param"], "card[exp_year]");
    let bad_token = client.post("/v1/payment_methods", &[("type", "card"), ("card[token]", "tok_nope")]).await;
    assert_eq!(bad_token.error()["message"], "Invalid token id: tok_nope");
    let with_customer = client
        .post("/v1/payment_methods", &[("type", "card"), ("card[token]", "tok_visa"), ("customer", "cus_x")])
        .await;
    assert_eq!(with_customer.status, 400);
    let unknown = client.post("/v1/payment_methods", &[("type", "card"), ("card[colour]", "red")]).await;
    assert_eq!(unknown.error()["param"], "card[colour]");
    let missing_pm = client.get("/v1/payment_methods/pm_nope", &[]).await;
    assert_eq!(missing_pm.status, 404);
    assert_eq!(missing_pm.error()["message"], "No such PaymentMethod: 'pm_nope'");
});

both_backends!(attaching_and_detaching_emit_events_and_detaching_clears_the_default, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let pm = card(&client, "4242424242424242", Some("123")).await;
    let pm_id = pm["id"].as_str().unwrap();
    let attached = client.post(&format!("/v1/payment_methods/{pm_id}/attach"), &[("customer", &cus)]).await;
    assert_eq!(attached.status, 200, "{:?}", attached.body);
    assert_eq!(attached.body["customer"], cus.as_str());
    assert_eq!(attached.body["card"]["checks"]["cvc_check"], "pass");
    let repeat = client.post(&format!("/v1/payment_methods/{pm_id}/attach"), &[("customer", &cus)]).await;
    assert_eq!(repeat.status, 200, "attaching again to the same customer changes nothing");

    let expanded = client.get(&format!("/v1/payment_methods/{pm_id}"), &[("expand[]", "customer")]).await;
    assert_eq!(expanded.body["customer"]["id"], cus.as_str());

    let default =
        client.post(&format!("/v1/customers/{cus}"), &[("invoice_settings[default_payment_method]", pm_id)]).await;
    assert_eq!(default.status, 200, "{:?}", default.body);
    let detached = client.post(&format!("/v1/payment_methods/{pm_id}/detach"), &[]).await;
    assert_eq!(detached.status, 200, "{:?}", detached.body);
    assert_eq!(detached.body["customer"], Value::Null);
    let customer_after = client.get(&format!("/v1/customers/{cus}"), &[]).await;
    assert_eq!(customer_after.body["invoice_settings"]["default_payment_method"], Value::Null);
    assert_eq!(
        event_types(&client).await,
        [
            "customer.created",
            "payment_method.attached",
            "customer.updated",
            "payment_method.detached",
            "customer.updated"
        ]
    );
    let events = client.get("/v1/events", &[("type", "payment_method.detached")]).await;
    assert_eq!(events.body["data"][0]["data"]["previous_attributes"]["customer"], cus.as_str());

    let twice = client.post(&format!("/v1/payment_methods/{pm_id}/detach"), &[]).await;
    assert_eq!(twice.status, 400);
    assert_eq!(
        twice.error()["message"],
        "The payment method you provided is not attached to a customer so detachment is impossible."
    );
    let reuse = client.post(&format!("/v1/payment_methods/{pm_id}/attach"), &[("customer", &cus)]).await;
    assert_eq!(reuse.status, 400);
    assert!(reuse.error()["message"].as_str().unwrap().contains("It may not be used again"));
    let no_customer = client.post(&format!("/v1/payment_methods/{pm_id}/attach"), &[]).await;
    assert_eq!((no_customer.status, no_customer.error()["code"].as_str()), (400, Some("parameter_missing")));
    let unknown_customer = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", "cus_nope")]).await;
    assert_eq!(unknown_customer.status, 404);
    assert_eq!(unknown_customer.error()["param"], "customer");
});

both_backends!(test_tokens_make_a_new_payment_method_each_time_they_are_used, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let first = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &cus)]).await;
    let second = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &cus)]).await;
    assert_eq!((first.status, second.status), (200, 200), "{:?}", first.body);
    assert_ne!(first.body["id"], second.body["id"]);
    assert!(first.body["id"].as_str().unwrap().starts_with("pm_"));
    assert_ne!(first.body["id"], "pm_card_visa");
    assert_eq!(first.body["card"]["fingerprint"], second.body["card"]["fingerprint"]);

    let with_card = client.post("/v1/customers", &[("payment_method", "pm_card_mastercard")]).await;
    assert_eq!(with_card.status, 200, "{:?}", with_card.body);
    let owner = with_card.body["id"].as_str().unwrap();
    let listed = client.get(&format!("/v1/customers/{owner}/payment_methods"), &[]).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["data"][0]["card"]["brand"], "mastercard");
    let declined = client.post("/v1/customers", &[("payment_method", "pm_card_chargeDeclined")]).await;
    assert_eq!(declined.status, 402);
    let missing = client.post("/v1/customers", &[("payment_method", "pm_nope")]).await;
    assert_eq!((missing.status, missing.error()["param"].as_str()), (404, Some("payment_method")));
    let customers = client.get("/v1/customers", &[]).await;
    assert_eq!(customers.body["data"].as_array().unwrap().len(), 2, "failed creates leave no customer behind");
});

both_backends!(decline_on_attach_cards_fail_with_their_card_error_and_write_nothing, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let cases = [
        ("pm_card_visa_chargeDeclined", "card_declined", Some("generic_decline"), None),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", Some("insufficient_funds"), None),
        ("pm_card_visa_chargeDeclinedLostCard", "card_declined", Some("lost_card"), None),
        ("pm_card_visa_chargeDeclinedStolenCard", "card_declined", Some("stolen_card"), None),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", None, Some("exp_month")),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", None, Some("cvc")),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", None, None),
        ("pm_card_visa_chargeDeclinedVelocityLimitExceeded", "card_declined", Some("card_velocity_exceeded"), None),
        ("pm_card_radarBlock", "card_declined", Some("fraudulent"), None),
    ];
    for (token, code, decline_code, param) in cases {
        let answer = client.post(&format!("/v1/payment_methods/{token}/attach"), &[("customer", &cus)]).await;
        assert_eq!(answer.status, 402, "{token}: {:?}", answer.body);
        assert_eq!(answer.error()["type"], "card_error", "{token}");
        assert_eq!(answer.error()["code"], code, "{token}");
        assert_eq!(answer.error()["decline_code"].as_str(), decline_code, "{token}");
        assert_eq!(answer.error()["param"].as_str(), param, "{token}");
    }
    // A raw card whose CVC the issuer rejects fails on attach too, and stays unattached.
    let cvc_fail = card(&client, "4000000000000127", Some("123")).await;
    let answer = client
        .post(&format!("/v1/payment_methods/{}/attach", cvc_fail["id"].as_str().unwrap()), &[("customer", &cus)])
        .await;
    assert_eq!((answer.status, answer.error()["code"].as_str()), (402, Some("incorrect_cvc")));
    let unchanged = client.get(&format!("/v1/payment_methods/{}", cvc_fail["id"].as_str().unwrap()), &[]).await;
    assert_eq!(unchanged.body["customer"], Value::Null);

    let listed = client.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 0);
    assert_eq!(event_types(&client).await, ["customer.created"]);

    // 0341 attaches fine; only its charges fail.
    let renewal_failure =
        client.post("/v1/payment_methods/pm_card_chargeCustomerFail/attach", &[("customer", &cus)]).await;
    assert_eq!(renewal_failure.status, 200, "{:?}", renewal_failure.body);
});

both_backends!(a_payment_method_attached_to_one_customer_cannot_move_to_another, |server: TestServer| async move {
    let client = server.client();
    let (ann, bob) = (customer(&client).await, customer(&client).await);
    let pm = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &ann)]).await;
    let pm_id = pm.body["id"].as_str().unwrap();
    let moved = client.post(&format!("/v1/payment_methods/{pm_id}/attach"), &[("customer", &bob)]).await;
    assert_eq!(moved.status, 400);
    assert_eq!(moved.error()["message"], "The payment method you provided has already been attached to a customer.");
    let still = client.get(&format!("/v1/payment_methods/{pm_id}"), &[]).await;
    assert_eq!(still.body["customer"], ann.as_str());
});

both_backends!(customer_lists_show_only_that_customers_payment_methods, |server: TestServer| async move {
    let client = server.client();
    let (ann, bob) = (customer(&client).await, customer(&client).await);
    let mut anns = Vec::new();
    for token in ["pm_card_visa", "pm_card_mastercard", "pm_card_amex"] {
        anns.push(
            client.post(&format!("/v1/payment_methods/{token}/attach"), &[("customer", &ann)]).await.body["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    anns.reverse();
    let bobs = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &bob)]).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let unattached = card_of(&client, "5555555555554444").await;

    let ann_list = client.get(&format!("/v1/customers/{ann}/payment_methods"), &[]).await;
    assert_eq!(ann_list.body["url"], format!("/v1/customers/{ann}/payment_methods"));
    assert_eq!(ids(&ann_list.body), anns);
    let bob_list = client.get("/v1/payment_methods", &[("customer", &bob), ("type", "card")]).await;
    assert_eq!(bob_list.body["url"], "/v1/payment_methods");
    assert_eq!(ids(&bob_list.body), [bobs.as_str()]);
    let nobody = client.get("/v1/payment_methods", &[]).await;
    assert_eq!(ids(&nobody.body), Vec::<&str>::new(), "without a customer Stripe lists nothing");
    assert!(!ids(&ann_list.body).iter().any(|id| id == unattached["id"].as_str().unwrap()));

    let page = client.get(&format!("/v1/customers/{ann}/payment_methods"), &[("limit", "2")]).await;
    assert_eq!((ids(&page.body), page.body["has_more"].as_bool()), (anns[..2].to_vec(), Some(true)));
    let next = client
        .get(&format!("/v1/customers/{ann}/payment_methods"), &[("limit", "2"), ("starting_after", &anns[1])])
        .await;
    assert_eq!(ids(&next.body), anns[2..].to_vec());
    let sepa = client.get(&format!("/v1/customers/{ann}/payment_methods"), &[("type", "sepa_debit")]).await;
    assert_eq!(ids(&sepa.body), Vec::<&str>::new());
    client.post(&format!("/v1/payment_methods/{}", anns[0]), &[("allow_redisplay", "always")]).await;
    let redisplay = client.get(&format!("/v1/customers/{ann}/payment_methods"), &[("allow_redisplay", "always")]).await;
    assert_eq!(ids(&redisplay.body), [anns[0].as_str()]);

    let own = client.get(&format!("/v1/customers/{ann}/payment_methods/{}", anns[0]), &[]).await;
    assert_eq!(own.status, 200);
    let foreign = client.get(&format!("/v1/customers/{ann}/payment_methods/{bobs}"), &[]).await;
    assert_eq!(foreign.status, 404);
    let no_customer = client.get("/v1/customers/cus_nope/payment_methods", &[]).await;
    assert_eq!((no_customer.status, no_customer.error()["param"].as_str()), (404, Some("id")));
});

both_backends!(another_account_cannot_see_a_payment_method, |server: TestServer| async move {
    let client = server.client();
    let ann = customer(&client).await;
    let pm = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &ann)]).await;
    let pm_id = pm.body["id"].as_str().unwrap().to_owned();
    let account = client.post("/v1/accounts", &[("type", "custom")]).await;
    assert_eq!(account.status, 200, "{:?}", account.body);
    let connected = server.client().on_account(account.body["id"].as_str().unwrap());
    assert_eq!(connected.get(&format!("/v1/payment_methods/{pm_id}"), &[]).await.status, 404);
    assert_eq!(connected.get(&format!("/v1/customers/{ann}/payment_methods"), &[]).await.status, 404);
    assert_eq!(connected.post(&format!("/v1/payment_methods/{pm_id}/detach"), &[]).await.status, 404);
    let theirs = connected
        .post(
            "/v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "1"),
                ("card[exp_year]", "2040"),
            ],
        )
        .await;
    assert_ne!(
        theirs.body["card"]["fingerprint"], pm.body["card"]["fingerprint"],
        "fingerprints are salted per account"
    );
    assert_eq!(
        client.get(&format!("/v1/payment_methods/{}", theirs.body["id"].as_str().unwrap()), &[]).await.status,
        404
    );
});

both_backends!(updates_change_billing_details_and_only_a_saved_cards_expiry, |server: TestServer| async move {
    let client = server.client();
    let pm = card_of(&client, "4242424242424242").await;
    let pm_id = pm["id"].as_str().unwrap();
    let named = client
        .post(
            &format!("/v1/payment_methods/{pm_id}"),
            &[("billing_details[name]", "Ann"), ("billing_details[address][city]", "Berlin"), ("metadata[k]", "v")],
        )
        .await;
    assert_eq!(named.status, 200, "{:?}", named.body);
    assert_eq!(
        (named.body["billing_details"]["name"].as_str(), named.body["billing_details"]["address"]["city"].as_str()),
        (Some("Ann"), Some("Berlin"))
    );
    let expiry = client.post(&format!("/v1/payment_methods/{pm_id}"), &[("card[exp_month]", "3")]).await;
    assert_eq!(expiry.status, 400, "{:?}", expiry.body);
    let cus = customer(&client).await;
    client.post(&format!("/v1/payment_methods/{pm_id}/attach"), &[("customer", &cus)]).await;
    let renewed = client
        .post(
            &format!("/v1/payment_methods/{pm_id}"),
            &[("card[exp_month]", "3"), ("card[exp_year]", "2035"), ("billing_details[name]", "")],
        )
        .await;
    assert_eq!(renewed.status, 200, "{:?}", renewed.body);
    assert_eq!(
        (renewed.body["card"]["exp_month"].as_i64(), renewed.body["card"]["exp_year"].as_i64()),
        (Some(3), Some(2035))
    );
    assert_eq!(renewed.body["billing_details"]["name"], Value::Null);
    assert_eq!(renewed.body["billing_details"]["address"]["city"], "Berlin");
    let past = client.post(&format!("/v1/payment_methods/{pm_id}"), &[("card[exp_year]", "2001")]).await;
    assert_eq!((past.status, past.error()["code"].as_str()), (402, Some("invalid_expiry_year")));
    let updates = client.get("/v1/events", &[("type", "payment_method.updated")]).await;
    let latest = &updates.body["data"][0]["data"];
    assert_eq!(latest["previous_attributes"]["card"]["exp_month"], 12);
    assert_eq!(updates.body["data"].as_array().unwrap().len(), 2);
});

both_backends!(no_response_or_stored_row_contains_the_full_card_number, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let numbers = ["4242424242424242", "4000002500003155", "5555555555554444", "4000000000000002"];
    let mut bodies = Vec::new();
    for (index, number) in numbers.into_iter().enumerate() {
        let key = format!("key-{index}");
        let form = [
            ("type", "card"),
            ("card[number]", number),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2034"),
            ("card[cvc]", "987"),
        ];
        let created =
            client.send(reqwest::Method::POST, "/v1/payment_methods", &form, &[("idempotency-key", &key)]).await;
        let id = created.body["id"].as_str().unwrap().to_owned();
        bodies.push(created.body.to_string());
        bodies.push(
            client.post(&format!("/v1/payment_methods/{id}/attach"), &[("customer", &cus)]).await.body.to_string(),
        );
    }
    let setup = client
        .post(
            "/v1/setup_intents",
            &[
                ("customer", &cus),
                ("confirm", "true"),
                ("allowed_payment_method_types[]", "card"),
                ("payment_method_data[type]", "card"),
                ("payment_method_data[card][number]", "4000000000009995"),
                ("payment_method_data[card][exp_month]", "12"),
                ("payment_method_data[card][exp_year]", "2034"),
                ("payment_method_data[card][cvc]", "987"),
            ],
        )
        .await;
    assert_eq!(setup.status, 402, "{:?}", setup.body);
    bodies.push(setup.body.to_string());
    bodies.push(client.get("/v1/events", &[("limit", "100")]).await.body.to_string());
    let stored = stored_text(&server).await;
    for number in numbers.iter().chain(&["4000000000009995"]) {
        for body in &bodies {
            assert!(!body.contains(number), "a response contains {number}");
        }
        assert!(!stored.contains(number), "the database contains {number}");
    }
    assert!(stored.contains("4242"), "the check must see the stored payment methods");
});

/// Everything the database holds, as text: every row of every table, and for SQLite the raw files too.
async fn stored_text(server: &TestServer) -> String {
    use sqlx::{Connection, Row};
    let mut text = String::new();
    if let Some(path) = server.database_url.strip_prefix("sqlite://") {
        let mut conn = sqlx::SqliteConnection::connect(&server.database_url).await.unwrap();
        for row in sqlx::query("SELECT data FROM objects UNION ALL SELECT COALESCE(body, '') FROM idempotency_keys")
            .fetch_all(&mut conn)
            .await
            .unwrap()
        {
            text.push_str(&row.get::<String, _>(0));
        }
        for suffix in ["", "-wal"] {
            if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    } else {
        let mut conn = sqlx::PgConnection::connect(&server.database_url).await.unwrap();
        for row in
            sqlx::query("SELECT data::text FROM objects UNION ALL SELECT COALESCE(body, '') FROM idempotency_keys")
                .fetch_all(&mut conn)
                .await
                .unwrap()
        {
            text.push_str(&row.get::<String, _>(0));
        }
    }
    text
}
