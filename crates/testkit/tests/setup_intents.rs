//! SetupIntents over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::Value;

async fn customer(client: &Client) -> String {
    client.post("/v1/customers", &[("name", "Ann")]).await.body["id"].as_str().unwrap().to_owned()
}

/// A card-only intent (no Dashboard payment methods, so no `return_url` is needed to confirm).
async fn intent(client: &Client, extra: &[(&str, &str)]) -> Answer {
    let mut form = vec![("allowed_payment_method_types[]", "card")];
    form.extend_from_slice(extra);
    client.post("/v1/setup_intents", &form).await
}

async fn event_types(client: &Client) -> Vec<String> {
    let events = client.get("/v1/events", &[("limit", "100")]).await;
    events.body["data"].as_array().unwrap().iter().rev().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

fn id(answer: &Answer) -> String {
    answer.body["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", answer.body)).to_owned()
}

both_backends!(a_confirmed_card_setup_succeeds_and_saves_the_card_to_the_customer, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let created =
        intent(&client, &[("customer", &cus), ("description", "Save a card"), ("metadata[plan]", "pro")]).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let seti = id(&created);
    let body = &created.body;
    assert!(seti.starts_with("seti_"));
    assert!(body["client_secret"].as_str().unwrap().starts_with(&format!("{seti}_secret_")));
    assert_eq!(body["object"], "setup_intent");
    assert_eq!(body["status"], "requires_payment_method");
    assert_eq!(body["usage"], "off_session");
    assert_eq!(body["payment_method_types"], serde_json::json!(["card"]));
    assert_eq!(body["allowed_payment_method_types"], serde_json::json!(["card"]));
    assert_eq!(body["payment_method_options"]["card"]["request_three_d_secure"], "automatic");
    for field in [
        "application",
        "automatic_payment_methods",
        "cancellation_reason",
        "flow_directions",
        "last_setup_error",
        "latest_attempt",
        "mandate",
        "next_action",
        "on_behalf_of",
        "payment_method",
        "payment_method_configuration_details",
        "single_use_mandate",
        "excluded_payment_method_types",
    ] {
        assert_eq!(body[field], Value::Null, "{field}");
    }

    let confirmed =
        client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[("payment_method", "pm_card_visa")]).await;
    assert_eq!(confirmed.status, 200, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["status"], "succeeded");
    let pm = confirmed.body["payment_method"].as_str().unwrap().to_owned();
    assert!(pm.starts_with("pm_") && pm != "pm_card_visa");
    let saved = client.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await;
    assert_eq!(saved.body["data"][0]["id"], pm.as_str());
    assert_eq!(
        event_types(&client).await,
        ["customer.created", "setup_intent.created", "payment_method.attached", "setup_intent.succeeded"]
    );
    let expanded = client
        .get(&format!("/v1/setup_intents/{seti}"), &[("expand[]", "payment_method"), ("expand[]", "customer")])
        .await;
    assert_eq!(expanded.body["payment_method"]["card"]["last4"], "4242");
    assert_eq!(expanded.body["customer"]["id"], cus.as_str());

    let again = client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[]).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.error()["code"], "setup_intent_unexpected_state");
    assert_eq!(again.error()["message"], "You cannot confirm this SetupIntent because it has already succeeded.");
    assert_eq!(again.error()["setup_intent"]["id"], seti.as_str());

    // Without a customer the card is set up but stays unattached.
    let alone = intent(&client, &[("payment_method", "pm_card_mastercard"), ("confirm", "true")]).await;
    assert_eq!((alone.status, alone.body["status"].as_str()), (200, Some("succeeded")));
    let pm = client.get(&format!("/v1/payment_methods/{}", alone.body["payment_method"].as_str().unwrap()), &[]).await;
    assert_eq!(pm.body["customer"], Value::Null);
});

both_backends!(dashboard_payment_methods_need_a_return_url_to_confirm, |server: TestServer| async move {
    let client = server.client();
    let automatic = client.post("/v1/setup_intents", &[("payment_method", "pm_card_visa")]).await;
    assert_eq!(automatic.status, 200, "{:?}", automatic.body);
    assert_eq!(automatic.body["status"], "requires_confirmation");
    assert_eq!(
        automatic.body["automatic_payment_methods"],
        serde_json::json!({"allow_redirects": "always", "enabled": true})
    );
    let seti = id(&automatic);
    let refused = client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[]).await;
    assert_eq!((refused.status, refused.error()["param"].as_str()), (400, Some("return_url")));
    assert!(refused.error()["message"].as_str().unwrap().contains("you must provide a `return_url`"));
    let ok =
        client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[("return_url", "https://shop.example/done")]).await;
    assert_eq!((ok.status, ok.body["status"].as_str()), (200, Some("succeeded")), "{:?}", ok.body);

    let never = client
        .post(
            "/v1/setup_intents",
            &[
                ("automatic_payment_methods[enabled]", "true"),
                ("automatic_payment_methods[allow_redirects]", "never"),
                ("payment_method", "pm_card_visa"),
                ("confirm", "true"),
            ],
        )
        .await;
    assert_eq!((never.status, never.body["status"].as_str()), (200, Some("succeeded")), "{:?}", never.body);
    let one_call = client.post("/v1/setup_intents", &[("payment_method", "pm_card_visa"), ("confirm", "true")]).await;
    assert_eq!(one_call.status, 400);
    assert_eq!(one_call.error()["setup_intent"], Value::Null, "the refused create leaves no intent to name");
    let listed = client.get("/v1/setup_intents", &[]).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 2, "the refused create was undone");
    let without_confirm = client.post("/v1/setup_intents", &[("return_url", "https://shop.example/done")]).await;
    assert_eq!((without_confirm.status, without_confirm.error()["param"].as_str()), (400, Some("return_url")));
});

both_backends!(a_declined_card_answers_402_and_the_intent_keeps_the_failure, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let cases = [
        ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline", None),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds", None),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", Some("exp_month")),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc", Some("cvc")),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error", None),
    ];
    for (token, code, decline_code, param) in cases {
        let answer = intent(&client, &[("customer", &cus), ("payment_method", token), ("confirm", "true")]).await;
        assert_eq!(answer.status, 402, "{token}: {:?}", answer.body);
        let error = answer.error();
        assert_eq!((error["type"].as_str(), error["code"].as_str()), (Some("card_error"), Some(code)), "{token}");
        assert_eq!(error["decline_code"], decline_code, "{token}");
        assert_eq!(error["param"].as_str(), param, "{token}");
        assert_eq!(error["setup_intent"]["status"], "requires_payment_method", "{token}");
        assert_eq!(error["setup_intent"]["payment_method"], Value::Null, "{token}");
        assert_eq!(error["setup_intent"]["last_setup_error"]["code"], code, "{token}");
        assert!(error["payment_method"]["id"].as_str().unwrap().starts_with("pm_"), "{token}");

        let seti = error["setup_intent"]["id"].as_str().unwrap();
        let kept = client.get(&format!("/v1/setup_intents/{seti}"), &[]).await;
        assert_eq!(kept.status, 200, "the failed attempt is kept");
        assert_eq!(kept.body["last_setup_error"]["type"], "card_error");
        assert_eq!(kept.body["last_setup_error"]["payment_method"]["id"], error["payment_method"]["id"]);
        assert_eq!(kept.body["status"], "requires_payment_method");

        // A new card fixes it.
        let retried =
            client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[("payment_method", "pm_card_visa")]).await;
        assert_eq!((retried.status, retried.body["status"].as_str()), (200, Some("succeeded")), "{token}");
        assert_eq!(retried.body["last_setup_error"], Value::Null);
    }
    let failed = client.get("/v1/events", &[("type", "setup_intent.setup_failed")]).await;
    assert_eq!(failed.body["data"].as_array().unwrap().len(), cases.len());
    let saved = client.get(&format!("/v1/customers/{cus}/payment_methods"), &[("limit", "100")]).await;
    assert_eq!(saved.body["data"].as_array().unwrap().len(), cases.len(), "only the retried visas are attached");
    assert!(saved.body["data"].as_array().unwrap().iter().all(|pm| pm["card"]["last4"] == "4242"));
});

both_backends!(a_3ds_card_requires_action_until_the_test_helper_authenticates_it, |server: TestServer| async move {
    let client = server.client();
    let cus = customer(&client).await;
    let pending = intent(
        &client,
        &[("customer", &cus), ("payment_method", "pm_card_authenticationRequiredOnSetup"), ("confirm", "true")],
    )
    .await;
    assert_eq!((pending.status, pending.body["status"].as_str()), (200, Some("requires_action")), "{:?}", pending.body);
    let seti = id(&pending);
    assert_eq!(pending.body["next_action"]["type"], "use_stripe_sdk");
    let helper = format!("/v1/test_helpers/setup_intents/{seti}/authenticate");
    assert!(pending.body["next_action"]["use_stripe_sdk"]["stripe_js"].as_str().unwrap().ends_with(&helper));
    let none_yet = client.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await;
    assert_eq!(none_yet.body["data"].as_array().unwrap().len(), 0, "nothing is saved before authentication");

    let done = client.post(&helper, &[("outcome", "succeed")]).await;
    assert_eq!((done.status, done.body["status"].as_str()), (200, Some("succeeded")), "{:?}", done.body);
    assert_eq!(done.body["next_action"], Value::Null);
    let saved = client.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await;
    assert_eq!(saved.body["data"][0]["id"], done.body["payment_method"]);
    assert_eq!(
        event_types(&client).await,
        [
            "customer.created",
            "setup_intent.created",
            "setup_intent.requires_action",
            "payment_method.attached",
            "setup_intent.succeeded"
        ]
    );
    let again = client.post(&helper, &[]).await;
    assert_eq!((again.status, again.error()["code"].as_str()), (400, Some("setup_intent_unexpected_state")));

    // With a return_url the customer is redirected; failing the challenge asks for another card.
    let redirected = client
        .post(
            "/v1/setup_intents",
            &[
                ("customer", &cus),
                ("payment_method", "pm_card_threeDSecure2Required"),
                ("confirm", "true"),
                ("return_url", "https://shop.example/back"),
            ],
        )
        .await;
    assert_eq!(redirected.body["status"], "requires_action", "{:?}", redirected.body);
    assert_eq!(redirected.body["next_action"]["type"], "redirect_to_url");
    assert_eq!(redirected.body["next_action"]["redirect_to_url"]["return_url"], "https://shop.example/back");
    let failed = client
        .post(&format!("/v1/test_helpers/setup_intents/{}/authenticate", id(&redirected)), &[("outcome", "fail")])
        .await;
    assert_eq!(failed.status, 200, "{:?}", failed.body);
    assert_eq!(failed.body["status"], "requires_payment_method");
    assert_eq!(failed.body["payment_method"], Value::Null);
    assert_eq!(failed.body["last_setup_error"]["code"], "setup_intent_authentication_failure");
    assert_eq!(failed.body["last_setup_error"]["type"], "invalid_request_error");
    let bad_outcome = client
        .post(&format!("/v1/test_helpers/setup_intents/{}/authenticate", id(&redirected)), &[("outcome", "maybe")])
        .await;
    assert_eq!(bad_outcome.status, 400);

    // request_three_d_secure=challenge makes even 4242 authenticate.
    let challenged = intent(
        &client,
        &[
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"),
            ("payment_method_options[card][request_three_d_secure]", "challenge"),
        ],
    )
    .await;
    assert_eq!(challenged.body["status"], "requires_action", "{:?}", challenged.body);
});

both_backends!(payment_method_data_makes_a_card_on_the_spot, |server: TestServer| async move {
    let client = server.client();
    let card = |number: &'static str| {
        vec![
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][number]", number),
            ("payment_method_data[card][exp_month]", "12"),
            ("payment_method_data[card][exp_year]", "2034"),
            ("payment_method_data[billing_details][name]", "Ann"),
        ]
    };
    let mut form = card("4000000000003220");
    form.push(("allowed_payment_method_types[]", "card"));
    let created = client.post("/v1/setup_intents", &form).await;
    assert_eq!(
        (created.status, created.body["status"].as_str()),
        (200, Some("requires_confirmation")),
        "{:?}",
        created.body
    );
    let seti = id(&created);
    let confirmed = client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[]).await;
    assert_eq!(confirmed.body["status"], "requires_action", "{:?}", confirmed.body);
    let pm =
        client.get(&format!("/v1/payment_methods/{}", confirmed.body["payment_method"].as_str().unwrap()), &[]).await;
    assert_eq!(
        (pm.body["billing_details"]["name"].as_str(), pm.body["card"]["last4"].as_str()),
        (Some("Ann"), Some("3220"))
    );

    let bad = client.post(&format!("/v1/setup_intents/{seti}/confirm"), &card("4242424242424241")).await;
    assert_eq!(
        (bad.status, bad.error()["code"].as_str(), bad.error()["param"].as_str()),
        (402, Some("incorrect_number"), Some("number"))
    );
    let unchanged = client.get(&format!("/v1/setup_intents/{seti}"), &[]).await;
    assert_eq!(unchanged.body["status"], "requires_action", "invalid card data changes nothing");
    let both = client
        .post("/v1/setup_intents", &[("payment_method", "pm_card_visa"), ("payment_method_data[type]", "card")])
        .await;
    assert_eq!((both.status, both.error()["code"].as_str()), (400, Some("parameters_exclusive")));
    let mandate = intent(
        &client,
        &[
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"),
            ("mandate_data[customer_acceptance][type]", "offline"),
        ],
    )
    .await;
    assert_eq!(mandate.status, 200, "{:?}", mandate.body);
});

both_backends!(cancel_works_only_before_the_setup_finished, |server: TestServer| async move {
    let client = server.client();
    let open = intent(&client, &[]).await;
    let seti = id(&open);
    let canceled = client
        .post(&format!("/v1/setup_intents/{seti}/cancel"), &[("cancellation_reason", "requested_by_customer")])
        .await;
    assert_eq!(canceled.status, 200, "{:?}", canceled.body);
    assert_eq!(
        (canceled.body["status"].as_str(), canceled.body["cancellation_reason"].as_str()),
        (Some("canceled"), Some("requested_by_customer"))
    );
    let twice = client.post(&format!("/v1/setup_intents/{seti}/cancel"), &[]).await;
    assert_eq!(twice.error()["message"], "You cannot cancel this SetupIntent because it is already canceled.");
    let confirm =
        client.post(&format!("/v1/setup_intents/{seti}/confirm"), &[("payment_method", "pm_card_visa")]).await;
    assert_eq!(confirm.error()["message"], "You cannot confirm this SetupIntent because it has been canceled.");

    let done = intent(&client, &[("payment_method", "pm_card_visa"), ("confirm", "true")]).await;
    let refused = client.post(&format!("/v1/setup_intents/{}/cancel", id(&done)), &[]).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error()["code"], "setup_intent_unexpected_state");
    assert_eq!(
        refused.error()["message"],
        "You cannot cancel this SetupIntent because it has a status of succeeded. Only a SetupIntent with one of the following statuses may be canceled: `requires_payment_method`, `requires_confirmation`, or `requires_action`."
    );
    assert_eq!(refused.error()["setup_intent"]["status"], "succeeded");
    let pending = intent(&client, &[("payment_method", "pm_card_threeDSecure2Required"), ("confirm", "true")]).await;
    let abandoned = client
        .post(&format!("/v1/setup_intents/{}/cancel", id(&pending)), &[("cancellation_reason", "abandoned")])
        .await;
    assert_eq!(
        (abandoned.body["status"].as_str(), abandoned.body["next_action"].clone()),
        (Some("canceled"), Value::Null)
    );
    let bad_reason = client
        .post(
            &format!("/v1/setup_intents/{}/cancel", id(&intent(&client, &[]).await)),
            &[("cancellation_reason", "bored")],
        )
        .await;
    assert_eq!(bad_reason.status, 400);
    assert_eq!(
        client.get("/v1/events", &[("type", "setup_intent.canceled")]).await.body["data"].as_array().unwrap().len(),
        2
    );
});

both_backends!(update_list_and_retrieve_follow_stripe, |server: TestServer| async move {
    let client = server.client();
    let (ann, bob) = (customer(&client).await, customer(&client).await);
    let first = intent(&client, &[("customer", &ann)]).await;
    let seti = id(&first);
    let updated = client
        .post(
            &format!("/v1/setup_intents/{seti}"),
            &[("description", "Card for renewals"), ("metadata[k]", "v"), ("payment_method", "pm_card_visa")],
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(
        (updated.body["status"].as_str(), updated.body["description"].as_str()),
        (Some("requires_confirmation"), Some("Card for renewals"))
    );
    let pm = updated.body["payment_method"].as_str().unwrap().to_owned();
    let second = intent(&client, &[("customer", &bob), ("usage", "on_session")]).await;
    assert_eq!(second.body["usage"], "on_session");

    let for_ann = client.get("/v1/setup_intents", &[("customer", &ann)]).await;
    assert_eq!(for_ann.body["url"], "/v1/setup_intents");
    assert_eq!(for_ann.body["data"].as_array().unwrap().len(), 1);
    let by_pm = client.get("/v1/setup_intents", &[("payment_method", &pm)]).await;
    assert_eq!(by_pm.body["data"][0]["id"], seti.as_str());
    let all = client.get("/v1/setup_intents", &[("limit", "1")]).await;
    assert_eq!(
        (all.body["data"][0]["id"].clone(), all.body["has_more"].as_bool()),
        (second.body["id"].clone(), Some(true))
    );

    let missing = client.get("/v1/setup_intents/seti_nope", &[]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error()["message"], "No such setupintent: 'seti_nope'");
    let removed = client.post("/v1/setup_intents", &[("payment_method_types[]", "card")]).await;
    assert_eq!(
        (removed.status, removed.error()["code"].as_str()),
        (400, Some("payment_method_types_no_longer_supported"))
    );
    let unknown = client.post("/v1/setup_intents", &[("colour", "red")]).await;
    assert_eq!(unknown.error()["code"], "parameter_unknown");
    let no_customer = client.post("/v1/setup_intents", &[("customer", "cus_nope")]).await;
    assert_eq!((no_customer.status, no_customer.error()["param"].as_str()), (404, Some("customer")));
    let no_pm = client.post(&format!("/v1/setup_intents/{}/confirm", id(&second)), &[]).await;
    assert!(no_pm.error()["message"].as_str().unwrap().contains("missing a payment method"));

    // Ownership: a card saved to Bob cannot be set up for Ann, nor for nobody.
    let bobs = client.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &bob)]).await;
    let bobs = bobs.body["id"].as_str().unwrap();
    let wrong = intent(&client, &[("customer", &ann), ("payment_method", bobs)]).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(
        wrong.error()["message"],
        format!(
            "The PaymentMethod {bobs} does not belong to the Customer you supplied {ann}. Please use this PaymentMethod with the Customer that it belongs to instead."
        )
    );
    let nobody = client
        .post(&format!("/v1/setup_intents/{}", id(&intent(&client, &[]).await)), &[("payment_method", bobs)])
        .await;
    assert!(nobody.error()["message"].as_str().unwrap().contains(&format!("belongs to the Customer {bob}")));

    // Another account sees none of it.
    let account = client.post("/v1/accounts", &[("type", "custom")]).await;
    let connected = server.client().on_account(account.body["id"].as_str().unwrap());
    assert_eq!(connected.get(&format!("/v1/setup_intents/{seti}"), &[]).await.status, 404);
    assert_eq!(connected.get("/v1/setup_intents", &[]).await.body["data"].as_array().unwrap().len(), 0);
});

both_backends!(
    a_retried_declined_confirmation_replays_the_402_without_running_again,
    |server: TestServer| async move {
        let client = server.client();
        let seti = id(&intent(&client, &[]).await);
        let path = format!("/v1/setup_intents/{seti}/confirm");
        let form = [("payment_method", "pm_card_visa_chargeDeclined")];
        let first = client.send(reqwest::Method::POST, &path, &form, &[("idempotency-key", "retry-1")]).await;
        let second = client.send(reqwest::Method::POST, &path, &form, &[("idempotency-key", "retry-1")]).await;
        assert_eq!((first.status, second.status), (402, 402));
        assert_eq!(first.body, second.body);
        assert_eq!(second.headers["idempotent-replayed"], "true");
        let failed = client.get("/v1/events", &[("type", "setup_intent.setup_failed")]).await;
        assert_eq!(failed.body["data"].as_array().unwrap().len(), 1);
        assert_eq!(failed.body["data"][0]["request"]["idempotency_key"], "retry-1");
    }
);
