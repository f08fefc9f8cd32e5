//! The portal's isolation matrix, on SQLite and PostgreSQL: with one customer's session, every portal route
//! that takes an id refuses the ids of another customer of the same account and of a customer of another
//! (connected) account with the same 404 a nonexistent id gets, and changes nothing; the same routes with the
//! customer's own ids answer (so a 404 means refused, not missing). Every POST without the session's CSRF token
//! is refused with 403. Every answer forbids framing.

use portico_testkit::portal::{Page, Portal};
use portico_testkit::{Client, TestServer, both_backends};
use serde_json::Value;

async fn post(client: &Client, path: &str, form: &[(&str, &str)]) -> Value {
    let answer = client.post(path, form).await;
    assert_eq!(answer.status, 200, "{path}: {:?}", answer.body);
    answer.body
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// One customer's objects, each of a kind some portal route takes by id.
struct Objects {
    customer: String,
    price: String,
    subscription: String,
    payment_method: String,
    open_invoice: String,
    hosted_invoice_url: String,
    tax_id: String,
    setup_intent: String,
}

async fn objects(client: &Client, name: &str) -> Objects {
    let customer = id(&post(client, "/v1/customers", &[("name", name), ("email", "x@example.com")]).await);
    let card = id(&post(client, "/v1/payment_methods/pm_card_visa/attach", &[("customer", &customer)]).await);
    post(client, &format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", &card)]).await;
    let second = id(&post(client, "/v1/payment_methods/pm_card_mastercard/attach", &[("customer", &customer)]).await);
    let product = id(&post(client, "/v1/products", &[("name", "Plan")]).await);
    let price = id(&post(
        client,
        "/v1/prices",
        &[("product", &product), ("unit_amount", "1000"), ("currency", "usd"), ("recurring[interval]", "month")],
    )
    .await);
    let subscription = id(&post(client, "/v1/subscriptions", &[("customer", &customer), ("items[0][price]", &price)]).await);
    post(client, "/v1/invoiceitems", &[("customer", &customer), ("amount", "700"), ("currency", "usd")]).await;
    let draft = post(
        client,
        "/v1/invoices",
        &[
            ("customer", &customer),
            ("collection_method", "send_invoice"),
            ("days_until_due", "30"),
            ("pending_invoice_items_behavior", "include"),
        ],
    )
    .await;
    let open = post(client, &format!("/v1/invoices/{}/finalize", id(&draft)), &[]).await;
    let tax_id = id(&post(client, &format!("/v1/customers/{customer}/tax_ids"), &[("type", "eu_vat"), ("value", "DE123456789")]).await);
    let setup_intent = id(&post(
        client,
        "/v1/setup_intents",
        &[("customer", &customer), ("payment_method", "pm_card_threeDSecure2Required"), ("confirm", "true"), ("usage", "off_session"), ("allowed_payment_method_types[0]", "card")],
    )
    .await);
    Objects {
        customer,
        price,
        subscription,
        payment_method: second,
        open_invoice: id(&open),
        hosted_invoice_url: open["hosted_invoice_url"].as_str().expect("hosted url").to_owned(),
        tax_id,
        setup_intent,
    }
}

/// A configuration with every feature on, offering `price`.
async fn everything_on(client: &Client, price: &str, product_of: &str) -> String {
    let price_object = client.get(&format!("/v1/prices/{price}"), &[]).await.body;
    let product = price_object["product"].as_str().unwrap_or(product_of).to_owned();
    id(&post(
        client,
        "/v1/billing_portal/configurations",
        &[
            ("features[customer_update][enabled]", "true"),
            ("features[customer_update][allowed_updates][0]", "tax_id"),
            ("features[customer_update][allowed_updates][1]", "name"),
            ("features[invoice_history][enabled]", "true"),
            ("features[payment_method_update][enabled]", "true"),
            ("features[subscription_cancel][enabled]", "true"),
            ("features[subscription_pause][enabled]", "true"),
            ("features[subscription_update][enabled]", "true"),
            ("features[subscription_update][default_allowed_updates][0]", "price"),
            ("features[subscription_update][products][0][product]", &product),
            ("features[subscription_update][products][0][prices][0]", price),
        ],
    )
    .await)
}

/// Every portal route that takes an id, as (method, path with `{}` for the id, kind of object).
const ROUTES: [(&str, &str, Kind); 24] = [
    ("GET", "/p/subscriptions/{}/update", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/update", Kind::Subscription),
    ("GET", "/p/subscriptions/{}/update/confirm", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/update/confirm", Kind::Subscription),
    ("GET", "/p/subscriptions/{}/update/authenticate", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/update/authenticate", Kind::Subscription),
    ("GET", "/p/subscriptions/{}/cancel", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/cancel/retention", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/cancel", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/renew", Kind::Subscription),
    ("GET", "/p/subscriptions/{}/pause", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/pause", Kind::Subscription),
    ("POST", "/p/subscriptions/{}/resume", Kind::Subscription),
    ("POST", "/p/payment-methods/{}/default", Kind::PaymentMethod),
    ("POST", "/p/payment-methods/{}/remove", Kind::PaymentMethod),
    ("GET", "/p/payment-methods/authenticate/{}", Kind::SetupIntent),
    ("POST", "/p/payment-methods/authenticate/{}", Kind::SetupIntent),
    ("GET", "/p/invoices/{}/pay", Kind::Invoice),
    ("POST", "/p/invoices/{}/pay", Kind::Invoice),
    ("GET", "/p/invoices/{}/authenticate", Kind::Invoice),
    ("POST", "/p/invoices/{}/authenticate", Kind::Invoice),
    ("POST", "/p/billing/tax-ids/{}/delete", Kind::TaxId),
    ("GET", "/i/{}/TOKEN", Kind::Invoice),
    ("GET", "/i/{}/TOKEN/pdf", Kind::Invoice),
];

#[derive(Clone, Copy)]
enum Kind {
    Subscription,
    PaymentMethod,
    SetupIntent,
    Invoice,
    TaxId,
}

impl Objects {
    fn of(&self, kind: Kind) -> &str {
        match kind {
            Kind::Subscription => &self.subscription,
            Kind::PaymentMethod => &self.payment_method,
            Kind::SetupIntent => &self.setup_intent,
            Kind::Invoice => &self.open_invoice,
            Kind::TaxId => &self.tax_id,
        }
    }

    fn token(&self) -> &str {
        self.hosted_invoice_url.rsplit('/').next().expect("token")
    }
}

async fn request(portal: &Portal, method: &str, path: &str, csrf: &str) -> Page {
    // `outcome` is what the 3-D Secure pages' buttons send; other forms ignore it.
    if method == "GET" { portal.get(path).await } else { portal.post(path, &[("csrf_token", csrf), ("outcome", "fail")]).await }
}

both_backends!(every_route_refuses_other_customers_and_other_accounts_ids, |server: TestServer| async move {
    let client = server.client();
    let mine = objects(&client, "Mine").await;
    let neighbour = objects(&client, "Neighbour").await;
    let account = id(&post(&client, "/v1/accounts", &[("type", "custom"), ("country", "US")]).await);
    let elsewhere = objects(&client.clone().on_account(&account), "Elsewhere").await;
    let configuration = everything_on(&client, &mine.price, "").await;
    let session = post(
        &client,
        "/v1/billing_portal/sessions",
        &[("customer", &mine.customer), ("configuration", &configuration), ("return_url", "https://example.com")],
    )
    .await;
    let portal = Portal::open(session["url"].as_str().unwrap()).await;
    let csrf = portal.get("/p/billing").await.attr("input[name=csrf_token]", "value").expect("a form with a token");

    for (method, template, kind) in ROUTES {
        for (whose, other) in [("another customer's", &neighbour), ("another account's", &elsewhere)] {
            let path = template.replace("{}", other.of(kind)).replace("TOKEN", mine.token());
            let page = request(&portal, method, &path, &csrf).await;
            assert_eq!(page.status, 404, "{method} {path} with {whose} id:\n{}", page.body);
            page.assert_unframeable();
        }
    }
    // The other customer's hosted invoice link with this customer's own invoice id: also refused.
    let crossed = portal.get(&format!("/i/{}/{}", mine.open_invoice, neighbour.token())).await;
    assert_eq!(crossed.status, 404);

    // Nothing of theirs changed.
    for (owner, objects) in [(&client, &neighbour), (&client.clone().on_account(&account), &elsewhere)] {
        let sub = owner.get(&format!("/v1/subscriptions/{}", objects.subscription), &[]).await.body;
        assert_eq!((sub["status"].as_str(), sub["cancel_at_period_end"].as_bool()), (Some("active"), Some(false)));
        assert!(sub["pause_collection"].is_null());
        let pm = owner.get(&format!("/v1/payment_methods/{}", objects.payment_method), &[]).await.body;
        assert_eq!(pm["customer"].as_str(), Some(objects.customer.as_str()));
        let customer = owner.get(&format!("/v1/customers/{}", objects.customer), &[]).await.body;
        assert_ne!(customer["invoice_settings"]["default_payment_method"].as_str(), Some(objects.payment_method.as_str()));
        let invoice = owner.get(&format!("/v1/invoices/{}", objects.open_invoice), &[]).await.body;
        assert_eq!(invoice["status"], "open");
        let tax_id = owner.get(&format!("/v1/customers/{}/tax_ids/{}", objects.customer, objects.tax_id), &[]).await;
        assert_eq!(tax_id.status, 200);
        let intent = owner.get(&format!("/v1/setup_intents/{}", objects.setup_intent), &[]).await.body;
        assert_eq!(intent["status"], "requires_action");
    }

    // The same routes with the customer's own ids exist: anything but a 404 (pages, redirects, form errors).
    for (method, template, kind) in ROUTES {
        let path = template.replace("{}", mine.of(kind)).replace("TOKEN", mine.token());
        let page = request(&portal, method, &path, &csrf).await;
        assert_ne!(page.status, 404, "{method} {path} with the customer's own id:\n{}", page.body);
        page.assert_unframeable();
    }
});

both_backends!(every_form_post_without_the_sessions_token_is_refused, |server: TestServer| async move {
    let client = server.client();
    let mine = objects(&client, "Mine").await;
    let configuration = everything_on(&client, &mine.price, "").await;
    let session = post(
        &client,
        "/v1/billing_portal/sessions",
        &[("customer", &mine.customer), ("configuration", &configuration), ("return_url", "https://example.com")],
    )
    .await;
    let portal = Portal::open(session["url"].as_str().unwrap()).await;
    let mut posts: Vec<String> = ROUTES
        .iter()
        .filter(|(method, template, _)| *method == "POST" && template.starts_with("/p/"))
        .map(|(_, template, kind)| template.replace("{}", mine.of(*kind)))
        .collect();
    posts.extend(["/p/billing", "/p/billing/tax-ids", "/p/payment-methods/new"].map(str::to_owned));
    for path in posts {
        for fields in [vec![], vec![("csrf_token", "0".repeat(64))], vec![("csrf_token", "not-a-token".to_owned())]] {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let page = portal.post(&path, &borrowed).await;
            assert_eq!(page.status, 403, "POST {path} with {fields:?}:\n{}", page.body);
            page.assert_unframeable();
        }
    }
    let sub = client.get(&format!("/v1/subscriptions/{}", mine.subscription), &[]).await.body;
    assert_eq!((sub["status"].as_str(), sub["cancel_at_period_end"].as_bool()), (Some("active"), Some(false)));
    let pm = client.get(&format!("/v1/payment_methods/{}", mine.payment_method), &[]).await.body;
    assert_eq!(pm["customer"].as_str(), Some(mine.customer.as_str()));
    let invoice = client.get(&format!("/v1/invoices/{}", mine.open_invoice), &[]).await.body;
    assert_eq!(invoice["status"], "open");
});
