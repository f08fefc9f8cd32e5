//! Stripe's wire conventions that every endpoint shares: authentication, headers, idempotency, Connect
//! scoping, expansion and unknown routes. On both backends.

use portico_testkit::{TestServer, both_backends};

both_backends!(requests_without_a_valid_key_are_refused_with_401, |server: TestServer| async move {
    let none = server.client().with_key("").get("/v1/customers", &[]).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.error()["type"], "invalid_request_error");
    assert_eq!(none.headers["www-authenticate"], "Basic realm=\"Stripe\"");
    let wrong = server.client().with_key("sk_test_wrongwrongwrong1234").get("/v1/customers", &[]).await;
    assert_eq!(wrong.status, 401);
    let message = wrong.error()["message"].as_str().unwrap();
    assert!(message.ends_with("1234") && !message.contains("wrongwrong"), "the key must be masked: {message}");

    // Basic auth with the key as the user name works like Bearer.
    let http = reqwest::Client::new();
    let basic = http
        .get(format!("{}/v1/customers", server.base_url))
        .basic_auth(&server.secret_key, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
});

both_backends!(responses_carry_request_id_and_echo_the_stripe_version, |server: TestServer| async move {
    let client = server.client();
    let answer =
        client.send(reqwest::Method::GET, "/v1/customers", &[], &[("Stripe-Version", "2026-10-28.endive")]).await;
    assert_eq!(answer.headers["stripe-version"], "2026-10-28.endive");
    assert!(answer.headers["request-id"].to_str().unwrap().starts_with("req_"));
    assert_eq!(answer.headers["content-type"], "application/json");
    let bad_version = client.send(reqwest::Method::GET, "/v1/customers", &[], &[("Stripe-Version", "yesterday")]).await;
    assert_eq!(bad_version.status, 400);
    assert_eq!(bad_version.error()["message"], "Invalid Stripe API version: yesterday");
    let unknown = client.get("/v1/teapots", &[]).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.error()["message"].as_str().unwrap().starts_with("Unrecognized request URL (GET: /v1/teapots)"));
});

both_backends!(an_idempotent_retry_replays_the_first_answer_and_creates_nothing_new, |server: TestServer| async move {
    let client = server.client();
    let form = [("email", "once@example.com")];
    let first = client.send(reqwest::Method::POST, "/v1/customers", &form, &[("Idempotency-Key", "key-1")]).await;
    let second = client.send(reqwest::Method::POST, "/v1/customers", &form, &[("Idempotency-Key", "key-1")]).await;
    assert_eq!(first.status, 200);
    assert_eq!(second.body, first.body);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert!(first.headers.get("idempotent-replayed").is_none());
    let list = client.get("/v1/customers", &[("email", "once@example.com")]).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);

    let different = client
        .send(
            reqwest::Method::POST,
            "/v1/customers",
            &[("email", "twice@example.com")],
            &[("Idempotency-Key", "key-1")],
        )
        .await;
    assert_eq!(different.status, 400);
    assert_eq!(different.error()["type"], "idempotency_error");
    // Even when the other request would itself be refused: the key is checked first.
    let refused =
        client.send(reqwest::Method::POST, "/v1/customers", &[("email", "bad")], &[("Idempotency-Key", "key-1")]).await;
    assert_eq!(refused.error()["type"], "idempotency_error", "{:?}", refused.body);

    // A retry is answered from the key even when running it again would now fail.
    let id = first.body["id"].as_str().unwrap();
    let path = format!("/v1/customers/{id}");
    let update = [("name", "Renamed")];
    let updated = client.send(reqwest::Method::POST, &path, &update, &[("Idempotency-Key", "key-3")]).await;
    assert_eq!(updated.status, 200);
    assert_eq!(client.delete(&path).await.status, 200);
    let retried = client.send(reqwest::Method::POST, &path, &update, &[("Idempotency-Key", "key-3")]).await;
    assert_eq!((retried.status, &retried.body), (200, &updated.body));
    assert_eq!(retried.headers["idempotent-replayed"], "true");

    // A request refused for its parameters is not stored: the corrected retry may reuse the key.
    let failed =
        client.send(reqwest::Method::POST, "/v1/customers", &[("email", "bad")], &[("Idempotency-Key", "key-2")]).await;
    assert_eq!(failed.status, 400);
    let corrected = client
        .send(reqwest::Method::POST, "/v1/customers", &[("email", "good@example.com")], &[("Idempotency-Key", "key-2")])
        .await;
    assert_eq!(corrected.status, 200, "{:?}", corrected.body);
    assert!(corrected.headers.get("idempotent-replayed").is_none());

    // Keys are scoped per account: the same key on a connected account is a new request.
    let account = client.post("/v1/accounts", &[("type", "standard"), ("country", "DE")]).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let connected = server.client().on_account(&account);
    let there = connected.send(reqwest::Method::POST, "/v1/customers", &form, &[("Idempotency-Key", "key-1")]).await;
    assert_ne!(there.body["id"], first.body["id"]);
});

both_backends!(concurrent_requests_with_one_idempotency_key_execute_once, |server: TestServer| async move {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = server.client();
        tasks.push(tokio::spawn(async move {
            client
                .send(
                    reqwest::Method::POST,
                    "/v1/customers",
                    &[("email", "race@example.com")],
                    &[("Idempotency-Key", "race")],
                )
                .await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let answer = task.await.unwrap();
        assert!(answer.status == 200 || answer.status == 409, "{:?}", answer.body);
        if answer.status == 200 {
            ids.push(answer.body["id"].as_str().unwrap().to_owned());
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every successful answer names the same customer");
    let list = server.client().get("/v1/customers", &[("email", "race@example.com")]).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    let events = server.client().get("/v1/events", &[("type", "customer.created")]).await;
    assert_eq!(events.body["data"].as_array().unwrap().len(), 1);
});

both_backends!(connected_accounts_see_only_their_own_objects, |server: TestServer| async move {
    let platform = server.client();
    let created = platform
        .post(
            "/v1/accounts",
            &[
                ("type", "express"),
                ("country", "FR"),
                ("business_profile[name]", "Café"),
                ("settings[branding][primary_color]", "#ff0000"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    assert_eq!(created.body["object"], "account");
    assert_eq!(created.body["default_currency"], "eur");
    assert_eq!(created.body["settings"]["branding"]["primary_color"], "#ff0000");
    let account = created.body["id"].as_str().unwrap().to_owned();

    let connected = server.client().on_account(&account);
    let theirs = connected.post("/v1/customers", &[("email", "theirs@example.com")]).await;
    let ours = platform.post("/v1/customers", &[("email", "ours@example.com")]).await;
    let their_id = theirs.body["id"].as_str().unwrap();
    let our_id = ours.body["id"].as_str().unwrap();

    assert_eq!(platform.get(&format!("/v1/customers/{their_id}"), &[]).await.status, 404);
    assert_eq!(connected.get(&format!("/v1/customers/{our_id}"), &[]).await.status, 404);
    let listed = connected.get("/v1/customers", &[]).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["data"][0]["id"], their_id);
    let events = connected.get("/v1/events", &[]).await;
    assert!(events.body["data"].as_array().unwrap().iter().all(|e| e["account"] == account.as_str()));

    let me = connected.get("/v1/account", &[]).await;
    assert_eq!(me.body["id"], account.as_str());
    let accounts = platform.get("/v1/accounts", &[]).await;
    assert_eq!(accounts.body["data"].as_array().unwrap().len(), 1);

    let stranger = server.client().on_account("acct_notmine");
    assert_eq!(stranger.get("/v1/customers", &[]).await.status, 403);
    let nested = connected.post("/v1/accounts", &[]).await;
    assert_eq!(nested.status, 400, "a connected account cannot create accounts");
});

both_backends!(expand_replaces_ids_with_objects_and_rejects_unknown_paths, |server: TestServer| async move {
    let client = server.client();
    let customer = client.post("/v1/customers", &[]).await.body["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/customers/{customer}/tax_ids");
    let tax_id = client.post(&path, &[("type", "eu_vat"), ("value", "DE123456789"), ("expand[]", "customer")]).await;
    assert_eq!(tax_id.body["customer"]["id"], customer.as_str());
    let listed = client.get(&path, &[("expand[0]", "data.customer")]).await;
    assert_eq!(listed.body["data"][0]["customer"]["object"], "customer");
    let bad = client.get(&format!("/v1/customers/{customer}"), &[("expand[]", "email")]).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "expand");
    let deep = client.get(&format!("/v1/customers/{customer}"), &[("expand[]", "a.b.c.d.e")]).await;
    assert_eq!(deep.status, 400);
});

both_backends!(null_bytes_in_parameters_or_urls_are_refused_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let refused = client.post("/v1/customers", &[("name", "Jenny\0Rosen")]).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error()["type"], "invalid_request_error");
    assert_eq!(refused.error()["param"], "name");
    assert_eq!(refused.error()["message"], "Request parameters must not contain null bytes (%00).");
    let listed = client.get("/v1/customers", &[("email", "a\0b@example.com")]).await;
    assert_eq!((listed.status, &listed.error()["param"]), (400, &serde_json::json!("email")));
    assert_eq!(client.get("/v1/customers", &[]).await.body["data"], serde_json::json!([]), "nothing was created");

    let by_id = client.get("/v1/customers/cus_%00x", &[]).await;
    assert_eq!(by_id.status, 400);
    assert_eq!(by_id.error()["message"], "Request URLs must not contain null bytes (%00).");
    assert!(by_id.headers["request-id"].to_str().unwrap().starts_with("req_"));
});
