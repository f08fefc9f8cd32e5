//! PaymentIntents and the charges they make, over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::{Value, json};

const RETURN_URL: &str = "https://shop.example/return";

async fn customer(client: &Client) -> String {
    client.post("/v1/customers", &[("name", "Ann")]).await.body["id"].as_str().unwrap().to_owned()
}

/// A card-only PaymentIntent (no Dashboard payment methods, so no `return_url` is needed to confirm).
async fn intent(client: &Client, extra: &[(&str, &str)]) -> Answer {
    let mut form = vec![("amount", "2000"), ("currency", "eur"), ("allowed_payment_method_types[]", "card")];
    form.extend_from_slice(extra);
    client.post("/v1/payment_intents", &form).await
}

async fn event_types(client: &Client) -> Vec<String> {
    let events = client.get("/v1/events", &[("limit", "100")]).await;
    events.body["data"].as_array().unwrap().iter().rev().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

fn id(answer: &Answer) -> String {
    answer.body["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", answer.body)).to_owned()
}

fn ids(list: &Answer) -> Vec<String> {
    list.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

both_backends!(a_good_card_pays_at_once_and_the_charge_can_be_read_back, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let paid = intent(
        &client,
        &[
            ("customer", &cus),
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"),
            ("description", "Order 7"),
            ("metadata[order]", "7"),
        ],
    )
    .await;
    assert_eq!(paid.status, 200, "{:?}", paid.body);
    let pi = id(&paid);
    let body = &paid.body;
    assert!(pi.starts_with("pi_"));
    assert!(body["client_secret"].as_str().unwrap().starts_with(&format!("{pi}_secret_")));
    assert_eq!((body["status"].as_str(), body["amount_received"].as_i64()), (Some("succeeded"), Some(2000)));
    assert_eq!(
        (body["capture_method"].as_str(), body["customer"].as_str()),
        (Some("automatic_async"), Some(cus.as_str()))
    );
    assert_eq!(body["last_payment_error"], Value::Null);
    assert_eq!(body["next_action"], Value::Null);
    let ch = body["latest_charge"].as_str().unwrap().to_owned();
    let pm = body["payment_method"].as_str().unwrap().to_owned();
    assert!(ch.starts_with("ch_") && pm.starts_with("pm_") && pm != "pm_card_visa");

    let charge = client.get(&format!("/v1/charges/{ch}"), &[]).await;
    assert_eq!(charge.status, 200, "{:?}", charge.body);
    let c = &charge.body;
    assert_eq!(
        (c["status"].as_str(), c["paid"].as_bool(), c["captured"].as_bool()),
        (Some("succeeded"), Some(true), Some(true))
    );
    assert_eq!(
        (c["amount"].as_i64(), c["amount_captured"].as_i64(), c["currency"].as_str()),
        (Some(2000), Some(2000), Some("eur"))
    );
    assert_eq!((c["payment_intent"].as_str(), c["payment_method"].as_str()), (Some(pi.as_str()), Some(pm.as_str())));
    assert_eq!((c["customer"].as_str(), c["description"].as_str()), (Some(cus.as_str()), Some("Order 7")));
    assert_eq!(c["metadata"], json!({ "order": "7" }));
    assert_eq!(c["outcome"]["type"], "authorized");
    assert_eq!(c["payment_method_details"]["card"]["last4"], "4242");
    assert_eq!(c["refunds"]["url"], format!("/v1/charges/{ch}/refunds"));
    assert_eq!(c["receipt_url"], Value::Null);

    let expanded = client
        .get(
            &format!("/v1/payment_intents/{pi}"),
            &[("expand[]", "latest_charge"), ("expand[]", "payment_method"), ("expand[]", "customer")],
        )
        .await;
    assert_eq!(expanded.body["latest_charge"]["id"], ch.as_str());
    assert_eq!(expanded.body["payment_method"]["card"]["brand"], "visa");
    assert_eq!(expanded.body["customer"]["id"], cus.as_str());
    let back = client.get(&format!("/v1/charges/{ch}"), &[("expand[]", "payment_intent")]).await;
    assert_eq!(back.body["payment_intent"]["id"], pi.as_str());

    assert_eq!(ids(&client.get("/v1/payment_intents", &[("customer", &cus)]).await), [pi.as_str()]);
    assert_eq!(ids(&client.get("/v1/charges", &[("payment_intent", &pi)]).await), [ch.as_str()]);
    assert_eq!(ids(&client.get("/v1/charges", &[("customer", &cus)]).await), [ch.as_str()]);
    assert!(ids(&client.get("/v1/charges", &[("customer", "cus_other")]).await).is_empty());
    assert_eq!(
        event_types(&client).await,
        ["customer.created", "payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]
    );
});

both_backends!(a_declined_card_answers_402_and_keeps_the_failed_charge, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let declined =
        intent(&client, &[("customer", &cus), ("payment_method", "pm_card_visa_chargeDeclined"), ("confirm", "true")])
            .await;
    assert_eq!(declined.status, 402, "{:?}", declined.body);
    let error = declined.error();
    assert_eq!((error["type"].as_str(), error["code"].as_str()), (Some("card_error"), Some("card_declined")));
    assert_eq!(error["decline_code"], "generic_decline");
    assert_eq!(error["payment_intent"]["status"], "requires_payment_method");
    assert_eq!(error["payment_method"]["card"]["last4"], "0002");
    let pi = error["payment_intent"]["id"].as_str().unwrap().to_owned();
    let ch = error["charge"].as_str().unwrap().to_owned();

    let stored = client.get(&format!("/v1/payment_intents/{pi}"), &[]).await.body;
    assert_eq!(stored["status"], "requires_payment_method");
    assert_eq!(stored["payment_method"], Value::Null);
    assert_eq!(stored["latest_charge"], ch.as_str());
    let last = &stored["last_payment_error"];
    assert_eq!(
        (last["code"].as_str(), last["type"].as_str(), last["charge"].as_str()),
        (Some("card_declined"), Some("card_error"), Some(ch.as_str()))
    );
    let charge = client.get(&format!("/v1/charges/{ch}"), &[]).await.body;
    assert_eq!((charge["status"].as_str(), charge["paid"].as_bool()), (Some("failed"), Some(false)));
    assert_eq!(
        (charge["failure_code"].as_str(), charge["failure_message"].as_str()),
        (Some("card_declined"), Some("Your card was declined."))
    );
    assert_eq!(charge["outcome"]["type"], "issuer_declined");

    // A retry with another card: a new charge on the same intent.
    let retried =
        client.post(&format!("/v1/payment_intents/{pi}/confirm"), &[("payment_method", "pm_card_mastercard")]).await;
    assert_eq!(retried.status, 200, "{:?}", retried.body);
    assert_eq!(retried.body["status"], "succeeded");
    assert_eq!(retried.body["last_payment_error"], Value::Null);
    let second = retried.body["latest_charge"].as_str().unwrap().to_owned();
    assert_ne!(second, ch);
    assert_eq!(ids(&client.get("/v1/charges", &[("payment_intent", &pi)]).await), [second, ch]);
    assert_eq!(
        event_types(&client).await,
        [
            "customer.created",
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
            "charge.succeeded",
            "payment_intent.succeeded"
        ]
    );

    let again = client.post(&format!("/v1/payment_intents/{pi}/confirm"), &[]).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.error()["code"], "payment_intent_unexpected_state");
    assert_eq!(again.error()["payment_intent"]["id"], pi.as_str());
});

both_backends!(a_3ds_card_waits_for_the_customer_and_the_test_helper_authenticates, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    // Dashboard payment methods (the default) need a return_url, which turns 3-D Secure into a redirect.
    let form = [
        ("amount", "1500"),
        ("currency", "usd"),
        ("customer", cus.as_str()),
        ("payment_method", "pm_card_threeDSecure2Required"),
        ("confirm", "true"),
        ("return_url", RETURN_URL),
    ];
    let waiting = client.post("/v1/payment_intents", &form).await;
    assert_eq!(waiting.status, 200, "{:?}", waiting.body);
    let pi = id(&waiting);
    assert_eq!(waiting.body["status"], "requires_action");
    assert_eq!(waiting.body["latest_charge"], Value::Null);
    let action = &waiting.body["next_action"];
    assert_eq!(action["type"], "redirect_to_url");
    assert_eq!(action["redirect_to_url"]["return_url"], RETURN_URL);
    let url = action["redirect_to_url"]["url"].as_str().unwrap();
    assert_eq!(url, format!("{}/v1/test_helpers/payment_intents/{pi}/authenticate", server.base_url));
    assert!(ids(&client.get("/v1/charges", &[("payment_intent", &pi)]).await).is_empty());

    let done = client.post(&format!("/v1/test_helpers/payment_intents/{pi}/authenticate"), &[]).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!((done.body["status"].as_str(), done.body["next_action"].clone()), (Some("succeeded"), Value::Null));
    let ch = done.body["latest_charge"].as_str().unwrap();
    let charge = client.get(&format!("/v1/charges/{ch}"), &[]).await.body;
    assert_eq!(charge["payment_method_details"]["card"]["three_d_secure"]["result"], "authenticated");
    let types = event_types(&client).await;
    assert_eq!(
        types[1..],
        ["payment_intent.created", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded"]
    );

    let twice = client.post(&format!("/v1/test_helpers/payment_intents/{pi}/authenticate"), &[]).await;
    assert_eq!(twice.status, 400);
    assert_eq!(twice.error()["code"], "payment_intent_unexpected_state");
});

both_backends!(after_3ds_a_card_may_still_be_declined_or_the_customer_may_fail, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let waiting = intent(
        &client,
        &[("customer", &cus), ("payment_method", "pm_card_threeDSecureRequiredChargeDeclined"), ("confirm", "true")],
    )
    .await;
    assert_eq!(waiting.body["next_action"]["type"], "use_stripe_sdk");
    assert!(waiting.body["next_action"]["use_stripe_sdk"]["stripe_js"].as_str().unwrap().starts_with("http"));
    let pi = id(&waiting);
    let declined = client.post(&format!("/v1/test_helpers/payment_intents/{pi}/authenticate"), &[]).await;
    assert_eq!(declined.status, 200, "{:?}", declined.body);
    assert_eq!(declined.body["status"], "requires_payment_method");
    assert_eq!(declined.body["last_payment_error"]["decline_code"], "generic_decline");
    let ch = declined.body["latest_charge"].as_str().unwrap();
    assert_eq!(client.get(&format!("/v1/charges/{ch}"), &[]).await.body["status"], "failed");

    let other = intent(
        &client,
        &[("customer", &cus), ("payment_method", "pm_card_authenticationRequired"), ("confirm", "true")],
    )
    .await;
    let pi = id(&other);
    let failed =
        client.post(&format!("/v1/test_helpers/payment_intents/{pi}/authenticate"), &[("outcome", "fail")]).await;
    assert_eq!(failed.body["status"], "requires_payment_method");
    assert_eq!(failed.body["last_payment_error"]["code"], "payment_intent_authentication_failure");
    assert_eq!(failed.body["latest_charge"], Value::Null);
    assert_eq!(event_types(&client).await.last().unwrap(), "payment_intent.payment_failed");
});

both_backends!(off_session_payments_that_need_3ds_fail_with_authentication_required, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let pm = client.post("/v1/payment_methods/pm_card_authenticationRequired/attach", &[("customer", &cus)]).await;
    let pm = id(&pm);
    let answer =
        intent(&client, &[("customer", &cus), ("payment_method", &pm), ("confirm", "true"), ("off_session", "true")])
            .await;
    assert_eq!(answer.status, 402, "{:?}", answer.body);
    assert_eq!(answer.error()["code"], "authentication_required");
    assert_eq!(answer.error()["decline_code"], "authentication_required");
    assert_eq!(answer.error()["payment_intent"]["status"], "requires_payment_method");
    assert_eq!(answer.error()["payment_method"]["id"], pm.as_str());
});

both_backends!(a_created_intent_is_confirmed_later_with_a_saved_card, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let pm = id(&client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &cus)]).await);
    let created = intent(&client, &[("customer", &cus)]).await;
    assert_eq!(created.body["status"], "requires_payment_method");
    let pi = id(&created);
    let missing = client.post(&format!("/v1/payment_intents/{pi}/confirm"), &[]).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.error()["code"], "payment_intent_unexpected_state");
    let paid = client.post(&format!("/v1/payment_intents/{pi}/confirm"), &[("payment_method", &pm)]).await;
    assert_eq!(paid.status, 200, "{:?}", paid.body);
    assert_eq!(
        (paid.body["status"].as_str(), paid.body["payment_method"].as_str()),
        (Some("succeeded"), Some(pm.as_str()))
    );

    let with_card = intent(&client, &[("customer", &cus), ("payment_method", &pm)]).await;
    assert_eq!(with_card.body["status"], "requires_confirmation");
    let pi = id(&with_card);
    let paid = client.post(&format!("/v1/payment_intents/{pi}/confirm"), &[("off_session", "true")]).await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
});

both_backends!(bad_payment_intent_requests_are_refused_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let other = customer(&client).await;
    let expect = |answer: Answer, code: Option<&str>, param: &str| {
        assert_eq!(answer.status, 400, "{:?}", answer.body);
        assert_eq!(answer.error()["code"].as_str(), code, "{:?}", answer.body);
        assert_eq!(answer.error()["param"], param, "{:?}", answer.body);
    };
    let small = client.post("/v1/payment_intents", &[("amount", "49"), ("currency", "usd")]).await;
    assert_eq!(small.error()["message"], "Amount must be at least $0.50 usd");
    expect(small, Some("amount_too_small"), "amount");
    expect(
        client.post("/v1/payment_intents", &[("amount", "29"), ("currency", "gbp")]).await,
        Some("amount_too_small"),
        "amount",
    );
    expect(
        client.post("/v1/payment_intents", &[("amount", "0"), ("currency", "eur")]).await,
        Some("parameter_invalid_integer"),
        "amount",
    );
    expect(client.post("/v1/payment_intents", &[("amount", "100")]).await, Some("parameter_missing"), "currency");
    expect(client.post("/v1/payment_intents", &[("amount", "100"), ("currency", "zzz")]).await, None, "currency");
    expect(
        client
            .post("/v1/payment_intents", &[("amount", "100"), ("currency", "eur"), ("payment_method_types[]", "card")])
            .await,
        Some("payment_method_types_no_longer_supported"),
        "payment_method_types",
    );
    expect(intent(&client, &[("off_session", "true")]).await, None, "off_session");
    expect(intent(&client, &[("customer", "cus_missing")]).await, Some("resource_missing"), "customer");
    let pm = id(&client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &cus)]).await);
    expect(intent(&client, &[("customer", &other), ("payment_method", &pm)]).await, None, "payment_method");
    expect(intent(&client, &[("payment_method", &pm)]).await, None, "payment_method");
    // Dashboard payment methods need a return_url to confirm; nothing is stored when it is missing.
    let form = [("amount", "2000"), ("currency", "eur"), ("payment_method", "pm_card_visa"), ("confirm", "true")];
    expect(client.post("/v1/payment_intents", &form).await, None, "return_url");
    expect(
        client.post("/v1/payment_intents", &[("amount", "100"), ("currency", "eur"), ("amout", "1")]).await,
        Some("parameter_unknown"),
        "amout",
    );
    assert!(ids(&client.get("/v1/payment_intents", &[]).await).is_empty());

    let missing = client.get("/v1/payment_intents/pi_missing", &[]).await;
    assert_eq!((missing.status, missing.error()["code"].as_str()), (404, Some("resource_missing")));
    assert_eq!(client.get("/v1/charges/ch_missing", &[]).await.status, 404);
    let helper = client.post("/v1/test_helpers/payment_intents/pi_missing/authenticate", &[]).await;
    assert_eq!(helper.status, 404);
    let waiting = id(&intent(&client, &[("customer", &cus)]).await);
    let not_waiting = client.post(&format!("/v1/test_helpers/payment_intents/{waiting}/authenticate"), &[]).await;
    assert_eq!(not_waiting.error()["code"], "payment_intent_unexpected_state");
});
