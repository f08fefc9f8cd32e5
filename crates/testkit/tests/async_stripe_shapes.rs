//! Every object kind Portico returns deserializes into async-stripe 1.0.0-rc.10's types, strictly: through the
//! SDK's own response decoder (miniserde, what `stripe::Client` runs on every answer) and through its serde
//! derive (which names the JSON path that failed). A missing required field fails, and so does an enum value
//! the SDK does not know (it would silently become `Unknown(..)`; we catch the warning the SDK logs).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt as _;
use stripe_shared as stripe;
use stripe_types::{List, SearchList};

/// Every async-stripe type the round trip below must have decoded at least once.
const EXPECTED: &[&str] = &[
    "Customer",
    "DeletedCustomer",
    "TaxId",
    "DeletedTaxId",
    "Account",
    "DeletedAccount",
    "Event",
    "Error",
    "Product",
    "DeletedProduct",
    "Price",
    "Coupon",
    "DeletedCoupon",
    "PromotionCode",
    "PaymentMethod",
    "SetupIntent",
    "PaymentIntent",
    "Charge",
    "TaxRate",
    "TestClock",
    "Subscription",
    "SubscriptionItem",
    "InvoiceItem",
    "DeletedSubscriptionItem",
    "SubscriptionSchedule",
    "Invoice",
    "Discount",
    "DeletedDiscount",
    "DeletedInvoiceItem",
    "DeletedInvoice",
    "BillingPortalConfiguration",
    "BillingPortalSession",
];

/// Enum values Portico sends that async-stripe does not know, each a reported deviation from Stripe still to
/// fix; every other unknown value fails. None today.
const TOLERATED_UNKNOWN_VALUES: &[&str] = &[];

type Plain<T> = T;

/// What both decoders said about one JSON text.
struct Verdict {
    serde: Result<(), String>,
    miniserde: Result<(), String>,
    unknown_enum_values: Vec<String>,
}

impl Verdict {
    fn into_result(self) -> Result<(), String> {
        self.serde?;
        self.miniserde?;
        let (tolerated, unknown): (Vec<String>, Vec<String>) = self
            .unknown_enum_values
            .into_iter()
            .partition(|warning| TOLERATED_UNKNOWN_VALUES.contains(&warning.as_str()));
        if !tolerated.is_empty() {
            eprintln!("tolerated deviation: {}", tolerated.join("; "));
        }
        match unknown.is_empty() {
            true => Ok(()),
            false => Err(format!("enum values async-stripe does not know: {}", unknown.join("; "))),
        }
    }
}

/// Decodes `json` as `T` with both of async-stripe's decoders, recording the SDK's unknown-enum warnings.
fn decode<T>(json: &Value) -> Verdict
where
    T: serde::de::DeserializeOwned + miniserde::Deserialize,
{
    let text = json.to_string();
    let recorder = Recorder::default();
    let warnings = recorder.warnings.clone();
    let (serde, miniserde) = tracing::subscriber::with_default(tracing_subscriber::registry().with(recorder), || {
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let serde = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
            .map(drop)
            .map_err(|e| format!("serde: at `{}`: {}", e.path(), e.inner()));
        let miniserde = miniserde::json::from_str::<T>(&text)
            .map(drop)
            .map_err(|_| "miniserde (the SDK's response decoder) rejected it".to_owned());
        (serde, miniserde)
    });
    let unknown_enum_values = warnings.lock().unwrap().clone();
    Verdict { serde, miniserde, unknown_enum_values }
}

/// Maps Portico's `object` (and `deleted`) to async-stripe's type, wrapped in `$wrap` (`Plain`, `List`, …).
macro_rules! by_kind {
    ($kind:expr, $deleted:expr, $wrap:ident, $json:expr) => {
        match ($kind, $deleted) {
            ("customer", false) => Some(("Customer", decode::<$wrap<stripe::Customer>>($json))),
            ("customer", true) => Some(("DeletedCustomer", decode::<$wrap<stripe::DeletedCustomer>>($json))),
            ("tax_id", false) => Some(("TaxId", decode::<$wrap<stripe::TaxId>>($json))),
            ("tax_id", true) => Some(("DeletedTaxId", decode::<$wrap<stripe::DeletedTaxId>>($json))),
            ("account", false) => Some(("Account", decode::<$wrap<stripe::Account>>($json))),
            ("account", true) => Some(("DeletedAccount", decode::<$wrap<stripe::DeletedAccount>>($json))),
            ("event", false) => Some(("Event", decode::<$wrap<stripe::Event>>($json))),
            ("product", false) => Some(("Product", decode::<$wrap<stripe::Product>>($json))),
            ("product", true) => Some(("DeletedProduct", decode::<$wrap<stripe::DeletedProduct>>($json))),
            ("price", false) => Some(("Price", decode::<$wrap<stripe::Price>>($json))),
            ("coupon", false) => Some(("Coupon", decode::<$wrap<stripe::Coupon>>($json))),
            ("coupon", true) => Some(("DeletedCoupon", decode::<$wrap<stripe::DeletedCoupon>>($json))),
            ("promotion_code", false) => Some(("PromotionCode", decode::<$wrap<stripe::PromotionCode>>($json))),
            ("payment_method", false) => Some(("PaymentMethod", decode::<$wrap<stripe::PaymentMethod>>($json))),
            ("setup_intent", false) => Some(("SetupIntent", decode::<$wrap<stripe::SetupIntent>>($json))),
            ("payment_intent", false) => Some(("PaymentIntent", decode::<$wrap<stripe::PaymentIntent>>($json))),
            ("charge", false) => Some(("Charge", decode::<$wrap<stripe::Charge>>($json))),
            ("tax_rate", false) => Some(("TaxRate", decode::<$wrap<stripe::TaxRate>>($json))),
            ("test_helpers.test_clock", false) => {
                Some(("TestClock", decode::<$wrap<stripe::TestHelpersTestClock>>($json)))
            }
            ("test_helpers.test_clock", true) => {
                Some(("DeletedTestClock", decode::<$wrap<stripe::DeletedTestHelpersTestClock>>($json)))
            }
            ("subscription", false) => Some(("Subscription", decode::<$wrap<stripe::Subscription>>($json))),
            ("invoiceitem", false) => Some(("InvoiceItem", decode::<$wrap<stripe_billing::InvoiceItem>>($json))),
            ("subscription_item", false) => {
                Some(("SubscriptionItem", decode::<$wrap<stripe::SubscriptionItem>>($json)))
            }
            ("subscription_item", true) => {
                Some(("DeletedSubscriptionItem", decode::<$wrap<stripe::DeletedSubscriptionItem>>($json)))
            }
            ("subscription_schedule", false) => {
                Some(("SubscriptionSchedule", decode::<$wrap<stripe::SubscriptionSchedule>>($json)))
            }
            ("invoice", false) => Some(("Invoice", decode::<$wrap<stripe::Invoice>>($json))),
            ("invoice", true) => Some(("DeletedInvoice", decode::<$wrap<stripe::DeletedInvoice>>($json))),
            ("discount", false) => Some(("Discount", decode::<$wrap<stripe::Discount>>($json))),
            ("discount", true) => Some(("DeletedDiscount", decode::<$wrap<stripe::DeletedDiscount>>($json))),
            ("invoiceitem", true) => {
                Some(("DeletedInvoiceItem", decode::<$wrap<stripe_billing::DeletedInvoiceitem>>($json)))
            }
            ("application", false) => Some(("Application", decode::<$wrap<stripe::Application>>($json))),
            ("billing_portal.configuration", false) => {
                Some(("BillingPortalConfiguration", decode::<$wrap<stripe_billing::BillingPortalConfiguration>>($json)))
            }
            ("billing_portal.session", false) => {
                Some(("BillingPortalSession", decode::<$wrap<stripe_billing::BillingPortalSession>>($json)))
            }
            _ => None,
        }
    };
}

/// Checks every answer against async-stripe and remembers which types it decoded.
struct Shapes {
    client: Client,
    decoded: BTreeSet<&'static str>,
}

impl Shapes {
    fn new(server: &TestServer) -> Self {
        Shapes { client: server.client(), decoded: BTreeSet::new() }
    }

    /// The body of a successful answer, checked.
    fn accept(&mut self, what: &str, answer: Answer) -> Value {
        assert!((200..300).contains(&answer.status), "{what}: {} {:#}", answer.status, answer.body);
        self.check(what, &answer.body);
        answer.body
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Value {
        let answer = self.client.post(path, form).await;
        self.accept(&format!("POST {path}"), answer)
    }

    async fn get(&mut self, path: &str, query: &[(&str, &str)]) -> Value {
        let answer = self.client.get(path, query).await;
        self.accept(&format!("GET {path}"), answer)
    }

    async fn delete(&mut self, path: &str) -> Value {
        let answer = self.client.delete(path).await;
        self.accept(&format!("DELETE {path}"), answer)
    }

    /// An error answer decodes as async-stripe's `Error`.
    async fn error(&mut self, path: &str, form: &[(&str, &str)]) {
        let answer = self.client.post(path, form).await;
        assert!(answer.status >= 400, "POST {path} was expected to fail: {:#}", answer.body);
        self.record("Error", &format!("error of POST {path}"), &answer.body, decode::<stripe::Error>(&answer.body));
    }

    fn check(&mut self, what: &str, json: &Value) {
        let kind = json["object"].as_str().unwrap_or_else(|| panic!("{what}: no `object` in {json:#}"));
        let deleted = json["deleted"] == true;
        let found = match kind {
            "list" => {
                let items = json["data"].as_array().unwrap_or_else(|| panic!("{what}: list without data"));
                let first = items.first().unwrap_or_else(|| panic!("{what}: list is empty, nothing to check"));
                by_kind!(first["object"].as_str().unwrap_or_default(), false, List, json)
            }
            "search_result" => {
                let items = json["data"].as_array().unwrap_or_else(|| panic!("{what}: search result without data"));
                let first = items.first().unwrap_or_else(|| panic!("{what}: search result is empty, nothing to check"));
                by_kind!(first["object"].as_str().unwrap_or_default(), false, SearchList, json)
            }
            _ => by_kind!(kind, deleted, Plain, json),
        };
        let Some((name, verdict)) = found else {
            panic!(
                "{what}: no async-stripe type is mapped for object `{kind}` (deleted: {deleted}); add it to by_kind!"
            )
        };
        self.record(name, &format!("{what} ({kind})"), json, verdict);
        if kind == "list" || kind == "search_result" {
            for (i, item) in json["data"].as_array().into_iter().flatten().enumerate() {
                self.check(&format!("{what} data[{i}]"), item);
            }
        }
        if kind == "event" {
            self.check(&format!("{what} ({}) data.object", json["type"]), &json["data"]["object"]);
        }
    }

    fn record(&mut self, name: &'static str, what: &str, json: &Value, verdict: Verdict) {
        if let Err(error) = verdict.into_result() {
            panic!("{what}: Portico's JSON does not deserialize into async-stripe's {name}: {error}\n{json:#}");
        }
        self.decoded.insert(name);
    }

    /// Every expected type was decoded at least once.
    fn assert_complete(&self) {
        let missing: Vec<&str> = EXPECTED.iter().copied().filter(|name| !self.decoded.contains(name)).collect();
        assert!(missing.is_empty(), "never decoded: {missing:?} (decoded {:?})", self.decoded);
    }
}

fn id(body: &Value) -> String {
    body["id"].as_str().expect("an id").to_owned()
}

both_backends!(every_object_kind_deserializes_into_async_stripe_types, |server: TestServer| async move {
    let mut shapes = Shapes::new(&server);

    // Customers: create (with every kind of nested field), retrieve, update, list, search.
    let customer = shapes
        .post(
            "/v1/customers",
            &[
                ("email", "ann@example.com"),
                ("name", "Ann"),
                ("phone", "+4912345"),
                ("description", "shape check"),
                ("metadata[plan]", "pro"),
                ("address[line1]", "Main St 1"),
                ("address[city]", "Berlin"),
                ("address[postal_code]", "10115"),
                ("address[country]", "DE"),
                ("shipping[name]", "Ann"),
                ("shipping[address][country]", "DE"),
                ("preferred_locales[0]", "de"),
                ("tax_exempt", "reverse"),
                ("balance", "-500"),
                ("invoice_prefix", "ANNSHAPE"),
                ("tax_id_data[0][type]", "eu_vat"),
                ("tax_id_data[0][value]", "DE123456789"),
            ],
        )
        .await;
    let cus = id(&customer);
    shapes.get(&format!("/v1/customers/{cus}"), &[]).await;
    shapes.post(&format!("/v1/customers/{cus}"), &[("name", ""), ("metadata[plan]", "")]).await;
    shapes.get("/v1/customers", &[("limit", "10")]).await;
    shapes.get("/v1/customers/search", &[("query", "email:'ann@example.com'")]).await;

    // Tax ids: create, retrieve (plain and with the customer expanded), list, delete.
    let tax_ids = format!("/v1/customers/{cus}/tax_ids");
    let txi = id(&shapes.post(&tax_ids, &[("type", "gb_vat"), ("value", "GB123456789")]).await);
    shapes.get(&format!("{tax_ids}/{txi}"), &[]).await;
    shapes.get(&format!("{tax_ids}/{txi}"), &[("expand[0]", "customer")]).await;
    shapes.get(&tax_ids, &[]).await;
    shapes.delete(&format!("{tax_ids}/{txi}")).await;

    // Connected accounts and the platform account.
    let account = [
        ("type", "custom"),
        ("country", "DE"),
        ("email", "shop@example.com"),
        ("business_type", "company"),
        ("business_profile[name]", "Shop"),
        ("metadata[k]", "v"),
    ];
    let acct = id(&shapes.post("/v1/accounts", &account).await);
    shapes.get(&format!("/v1/accounts/{acct}"), &[]).await;
    shapes.post(&format!("/v1/accounts/{acct}"), &[("email", "owner@example.com")]).await;
    shapes.get("/v1/account", &[]).await;
    shapes.get("/v1/accounts", &[]).await;

    // Products and prices (recurring and one-time), with the product expanded on a price.
    let product = [("name", "Gold"), ("description", "Gold plan"), ("metadata[tier]", "3")];
    let prod = id(&shapes.post("/v1/products", &product).await);
    shapes.get(&format!("/v1/products/{prod}"), &[]).await;
    shapes.post(&format!("/v1/products/{prod}"), &[("unit_label", "seat")]).await;
    shapes.get("/v1/products", &[]).await;
    shapes.get("/v1/products/search", &[("query", "name:'Gold'")]).await;
    let monthly =
        [("currency", "eur"), ("unit_amount", "1200"), ("product", prod.as_str()), ("recurring[interval]", "month")];
    let price = id(&shapes.post("/v1/prices", &monthly).await);
    shapes.post("/v1/prices", &[("currency", "eur"), ("unit_amount", "500"), ("product", prod.as_str())]).await;
    shapes.get(&format!("/v1/prices/{price}"), &[]).await;
    shapes.get(&format!("/v1/prices/{price}"), &[("expand[0]", "product")]).await;
    shapes.post(&format!("/v1/prices/{price}"), &[("nickname", "Monthly")]).await;
    shapes.get("/v1/prices", &[]).await;
    shapes.get("/v1/prices/search", &[("query", "currency:'eur'")]).await;
    let spare = id(&shapes.post("/v1/products", &[("name", "Spare")]).await);
    shapes.delete(&format!("/v1/products/{spare}")).await;

    // Coupons (percent and amount) and promotion codes.
    let repeating =
        [("percent_off", "25"), ("duration", "repeating"), ("duration_in_months", "3"), ("name", "Quarter off")];
    let coupon = id(&shapes.post("/v1/coupons", &repeating).await);
    shapes.post("/v1/coupons", &[("amount_off", "500"), ("currency", "eur"), ("duration", "once")]).await;
    shapes.get(&format!("/v1/coupons/{coupon}"), &[]).await;
    shapes.post(&format!("/v1/coupons/{coupon}"), &[("metadata[k]", "v")]).await;
    shapes.get("/v1/coupons", &[]).await;
    let promotion = [("promotion[type]", "coupon"), ("promotion[coupon]", coupon.as_str()), ("code", "SPRING")];
    let promo = id(&shapes.post("/v1/promotion_codes", &promotion).await);
    shapes.get(&format!("/v1/promotion_codes/{promo}"), &[]).await;
    shapes.post(&format!("/v1/promotion_codes/{promo}"), &[("active", "false")]).await;
    shapes.get("/v1/promotion_codes", &[]).await;
    let spare = id(&shapes.post("/v1/coupons", &[("percent_off", "10"), ("duration", "forever")]).await);
    shapes.delete(&format!("/v1/coupons/{spare}")).await;

    // Payment methods: attach a test card, make it the default, retrieve, update, list three ways, detach.
    let pm = id(&shapes.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", cus.as_str())]).await);
    shapes.post(&format!("/v1/customers/{cus}"), &[("invoice_settings[default_payment_method]", pm.as_str())]).await;
    shapes.get(&format!("/v1/customers/{cus}"), &[("expand[0]", "invoice_settings.default_payment_method")]).await;
    shapes.get(&format!("/v1/payment_methods/{pm}"), &[]).await;
    shapes.post(&format!("/v1/payment_methods/{pm}"), &[("billing_details[name]", "Ann")]).await;
    shapes.get("/v1/payment_methods", &[("customer", cus.as_str()), ("type", "card")]).await;
    shapes.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await;
    shapes.get(&format!("/v1/customers/{cus}/payment_methods/{pm}"), &[]).await;
    shapes.post(&format!("/v1/payment_methods/{pm}/detach"), &[]).await;

    // Setup intents: waiting for a payment method, updated, canceled; then a card that succeeds, one that asks
    // for 3D Secure (`next_action`) and one that is declined (an error carrying the intent and its
    // `last_setup_error`).
    let seti = id(&shapes.post("/v1/setup_intents", &[("customer", cus.as_str())]).await);
    shapes.get(&format!("/v1/setup_intents/{seti}"), &[]).await;
    shapes.post(&format!("/v1/setup_intents/{seti}"), &[("metadata[k]", "v")]).await;
    shapes.post(&format!("/v1/setup_intents/{seti}/cancel"), &[]).await;
    for card in ["pm_card_visa", "pm_card_threeDSecure2Required", "pm_card_chargeDeclined"] {
        let confirmed = [
            ("customer", cus.as_str()),
            ("payment_method", card),
            ("allowed_payment_method_types[0]", "card"),
            ("confirm", "true"),
        ];
        match card {
            "pm_card_chargeDeclined" => shapes.error("/v1/setup_intents", &confirmed).await,
            _ => drop(shapes.post("/v1/setup_intents", &confirmed).await),
        }
    }
    shapes.get("/v1/setup_intents", &[]).await;

    // Tax rates: a whole and a fractional percentage, inclusive and exclusive, updated and listed.
    let vat = [("display_name", "VAT"), ("percentage", "19"), ("inclusive", "false"), ("tax_type", "vat")];
    let txr = id(&shapes.post("/v1/tax_rates", &vat).await);
    shapes.post("/v1/tax_rates", &[("display_name", "GST"), ("percentage", "8.875"), ("inclusive", "true")]).await;
    shapes.get(&format!("/v1/tax_rates/{txr}"), &[]).await;
    shapes.post(&format!("/v1/tax_rates/{txr}"), &[("active", "false"), ("state", "BE")]).await;
    shapes.get("/v1/tax_rates", &[]).await;

    // Payment intents: paid at once (then read back with its charge expanded), waiting for 3-D Secure (a
    // redirect), authenticated by the test helper, declined (an error carrying the intent, the charge and
    // `last_payment_error`), and waiting for a payment method.
    let card_only = [("amount", "2000"), ("currency", "eur"), ("allowed_payment_method_types[0]", "card")];
    let mut paid = card_only.to_vec();
    paid.extend([("customer", cus.as_str()), ("payment_method", "pm_card_visa"), ("confirm", "true")]);
    let pi = id(&shapes.post("/v1/payment_intents", &paid).await);
    shapes.get(&format!("/v1/payment_intents/{pi}"), &[("expand[0]", "latest_charge")]).await;
    let secure = [
        ("amount", "1500"),
        ("currency", "usd"),
        ("customer", cus.as_str()),
        ("payment_method", "pm_card_threeDSecure2Required"),
        ("confirm", "true"),
        ("return_url", "https://shop.example/return"),
    ];
    let waiting = id(&shapes.post("/v1/payment_intents", &secure).await);
    shapes.post(&format!("/v1/test_helpers/payment_intents/{waiting}/authenticate"), &[]).await;
    let mut declined = card_only.to_vec();
    declined.extend([("customer", cus.as_str()), ("payment_method", "pm_card_chargeDeclined"), ("confirm", "true")]);
    shapes.error("/v1/payment_intents", &declined).await;
    let mut sdk = card_only.to_vec();
    sdk.extend([("payment_method", "pm_card_authenticationRequired"), ("confirm", "true")]);
    shapes.post("/v1/payment_intents", &sdk).await;
    shapes.post("/v1/payment_intents", &card_only).await;
    shapes.get("/v1/payment_intents", &[]).await;
    let ch = shapes.get("/v1/charges", &[("payment_intent", pi.as_str())]).await["data"][0]["id"].clone();
    shapes.get(&format!("/v1/charges/{}", ch.as_str().unwrap()), &[("expand[0]", "payment_intent")]).await;
    shapes.get("/v1/charges", &[]).await;

    // Billing: a customer on a test clock with a trialing and a paid subscription (a tax rate on its item),
    // their invoices, and the clock advanced past the trial.
    let clock =
        id(&shapes.post("/v1/test_helpers/test_clocks", &[("frozen_time", "1798761600"), ("name", "shapes")]).await);
    shapes.get(&format!("/v1/test_helpers/test_clocks/{clock}"), &[]).await;
    let payer = id(&shapes.post("/v1/customers", &[("test_clock", clock.as_str())]).await);
    let card =
        [("type", "card"), ("card[number]", "4242424242424242"), ("card[exp_month]", "12"), ("card[exp_year]", "2040")];
    let pm = id(&shapes.post("/v1/payment_methods", &card).await);
    shapes.post(&format!("/v1/payment_methods/{pm}/attach"), &[("customer", payer.as_str())]).await;
    shapes.post(&format!("/v1/customers/{payer}"), &[("invoice_settings[default_payment_method]", pm.as_str())]).await;
    let monthly = [
        ("currency", "usd"),
        ("unit_amount", "1200"),
        ("recurring[interval]", "month"),
        ("product_data[name]", "Plus"),
    ];
    let plan = id(&shapes.post("/v1/prices", &monthly).await);
    let gst = id(&shapes
        .post("/v1/tax_rates", &[("display_name", "GST"), ("percentage", "10"), ("inclusive", "false")])
        .await);
    let trial = [("customer", payer.as_str()), ("items[0][price]", plan.as_str()), ("trial_period_days", "7")];
    let sub = id(&shapes.post("/v1/subscriptions", &trial).await);
    let paid_now =
        [("customer", payer.as_str()), ("items[0][price]", plan.as_str()), ("items[0][tax_rates][0]", gst.as_str())];
    shapes.post("/v1/subscriptions", &paid_now).await;
    shapes.post(&format!("/v1/subscriptions/{sub}"), &[("cancel_at_period_end", "true")]).await;
    shapes.get("/v1/subscriptions", &[("customer", payer.as_str())]).await;
    let upgraded = shapes.post("/v1/subscriptions", &paid_now).await;
    let first_item = upgraded["items"]["data"][0]["id"].as_str().unwrap().to_owned();
    shapes.post(&format!("/v1/subscription_items/{first_item}"), &[("quantity", "3")]).await;
    let extra_price =
        [("currency", "usd"), ("unit_amount", "500"), ("recurring[interval]", "month"), ("product_data[name]", "Seat")];
    let extra_price = id(&shapes.post("/v1/prices", &extra_price).await);
    let upgraded_id = id(&upgraded);
    let extra = [("subscription", upgraded_id.as_str()), ("price", extra_price.as_str())];
    let extra = id(&shapes.post("/v1/subscription_items", &extra).await);
    shapes.get("/v1/subscription_items", &[("subscription", upgraded_id.as_str())]).await;
    shapes.delete(&format!("/v1/subscription_items/{extra}")).await;
    let schedule = id(&shapes.post("/v1/subscription_schedules", &[("from_subscription", upgraded_id.as_str())]).await);
    shapes.get(&format!("/v1/subscription_schedules/{schedule}"), &[]).await;
    shapes.post(&format!("/v1/subscription_schedules/{schedule}/release"), &[]).await;
    let invoice = shapes.get("/v1/invoices", &[("customer", payer.as_str())]).await["data"][0]["id"].clone();
    shapes.get(&format!("/v1/invoices/{}", invoice.as_str().unwrap()), &[]).await;
    shapes.post(&format!("/v1/test_helpers/test_clocks/{clock}/advance"), &[("frozen_time", "1799452800")]).await;
    shapes.get("/v1/test_helpers/test_clocks", &[]).await;

    // Discounts on a subscription (expanded, then removed), invoice items pending and on a manual draft with a
    // discount, the draft sent or deleted.
    let discounted =
        [("customer", payer.as_str()), ("items[0][price]", plan.as_str()), ("discounts[0][coupon]", coupon.as_str())];
    let discounted = id(&shapes.post("/v1/subscriptions", &discounted).await);
    let expanded = shapes.get(&format!("/v1/subscriptions/{discounted}"), &[("expand[0]", "discounts")]).await;
    shapes.check("an expanded discount", &expanded["discounts"][0]);
    shapes.delete(&format!("/v1/subscriptions/{discounted}/discount")).await;
    let fee = [("customer", payer.as_str()), ("amount", "700"), ("currency", "usd"), ("description", "Setup")];
    let fee = id(&shapes.post("/v1/invoiceitems", &fee).await);
    shapes.post(&format!("/v1/invoiceitems/{fee}"), &[("metadata[k]", "v")]).await;
    shapes.get("/v1/invoiceitems", &[("customer", payer.as_str())]).await;
    let draft = [
        ("customer", payer.as_str()),
        ("pending_invoice_items_behavior", "include"),
        ("discounts[0][coupon]", coupon.as_str()),
    ];
    let draft = id(&shapes.post("/v1/invoices", &draft).await);
    shapes.get(&format!("/v1/invoices/{draft}"), &[("expand[0]", "discounts")]).await;
    shapes.delete(&format!("/v1/invoices/{draft}")).await;
    shapes.delete(&format!("/v1/invoiceitems/{fee}")).await;
    let sent = [("customer", payer.as_str()), ("collection_method", "send_invoice"), ("days_until_due", "7")];
    let sent = id(&shapes.post("/v1/invoices", &sent).await);
    let on_draft = [("customer", payer.as_str()), ("invoice", sent.as_str()), ("amount", "300"), ("currency", "usd")];
    shapes.post("/v1/invoiceitems", &on_draft).await;
    shapes.post(&format!("/v1/invoices/{sent}/send"), &[]).await;

    // The customer portal: a configuration with every feature, updated, retrieved and listed; a session deep
    // linking into a cancellation with a retention coupon (its configuration expanded), and one on the default
    // configuration.
    let portal = [
        ("features[customer_update][enabled]", "true"),
        ("features[customer_update][allowed_updates][0]", "email"),
        ("features[invoice_history][enabled]", "true"),
        ("features[payment_method_update][enabled]", "true"),
        ("features[subscription_cancel][enabled]", "true"),
        ("features[subscription_cancel][mode]", "immediately"),
        ("features[subscription_cancel][proration_behavior]", "create_prorations"),
        ("features[subscription_cancel][cancellation_reason][enabled]", "true"),
        ("features[subscription_cancel][cancellation_reason][options][0]", "too_expensive"),
        ("features[subscription_cancel][cancellation_reason][feedback_options][0]", "bfo_1"),
        ("features[subscription_pause][enabled]", "true"),
        ("features[subscription_update][enabled]", "true"),
        ("features[subscription_update][default_allowed_updates][0]", "price"),
        ("features[subscription_update][products][0][product]", prod.as_str()),
        ("features[subscription_update][products][0][prices][0]", price.as_str()),
        ("features[subscription_update][products][0][adjustable_quantity][enabled]", "true"),
        ("features[subscription_update][products][0][adjustable_quantity][maximum]", "9"),
        ("features[subscription_update][schedule_at_period_end][conditions][0][type]", "decreasing_item_amount"),
        ("features[subscription_update][billing_cycle_anchor]", "now"),
        ("business_profile[headline]", "Shapes"),
        ("login_page[enabled]", "true"),
        ("default_return_url", "https://shop.example/account"),
    ];
    let bpc = id(&shapes.post("/v1/billing_portal/configurations", &portal).await);
    shapes.post(&format!("/v1/billing_portal/configurations/{bpc}"), &[("name", "Main"), ("metadata[k]", "v")]).await;
    shapes.get(&format!("/v1/billing_portal/configurations/{bpc}"), &[]).await;
    shapes.get("/v1/billing_portal/configurations", &[]).await;
    let cancel = [
        ("customer", payer.as_str()),
        ("configuration", bpc.as_str()),
        ("locale", "de"),
        ("flow_data[type]", "subscription_cancel"),
        ("flow_data[subscription_cancel][subscription]", upgraded_id.as_str()),
        ("flow_data[subscription_cancel][retention][type]", "coupon_offer"),
        ("flow_data[subscription_cancel][retention][coupon_offer][coupon]", coupon.as_str()),
        ("flow_data[after_completion][type]", "redirect"),
        ("flow_data[after_completion][redirect][return_url]", "https://shop.example/done"),
        ("expand[0]", "configuration"),
    ];
    let session = shapes.post("/v1/billing_portal/sessions", &cancel).await;
    shapes.check("an expanded configuration", &session["configuration"]);
    shapes
        .post("/v1/billing_portal/sessions", &[("customer", cus.as_str()), ("return_url", "https://shop.example")])
        .await;

    // Deletions last, so their events come after everything above.
    shapes.delete(&format!("/v1/accounts/{acct}")).await;
    shapes.delete(&format!("/v1/customers/{cus}")).await;
    shapes.get(&format!("/v1/customers/{cus}"), &[]).await;

    // Errors: a missing object and a bad parameter.
    shapes.error("/v1/customers/cus_missing", &[]).await;
    shapes.error("/v1/customers", &[("emial", "typo@example.com")]).await;

    // Every event Portico recorded, page by page, each with its data.object.
    let mut after: Option<String> = None;
    loop {
        let mut query = vec![("limit", "100")];
        if let Some(cursor) = &after {
            query.push(("starting_after", cursor.as_str()));
        }
        let page = shapes.get("/v1/events", &query).await;
        let items = page["data"].as_array().expect("a page of events");
        if let Some(first) = items.first() {
            shapes.get(&format!("/v1/events/{}", id(first)), &[]).await;
        }
        if page["has_more"] != true {
            break;
        }
        after = items.last().map(id);
    }
    shapes.assert_complete();
});

both_backends!(missing_required_fields_and_unknown_values_are_caught, |server: TestServer| async move {
    let client = server.client();
    let customer = client.post("/v1/customers", &[("email", "strict@example.com")]).await.body;
    decode::<stripe::Customer>(&customer).into_result().expect("Portico's customer decodes");

    let mut without_created = customer.clone();
    without_created.as_object_mut().unwrap().remove("created");
    let verdict = decode::<stripe::Customer>(&without_created);
    let serde = verdict.serde.expect_err("serde must reject a customer without `created`");
    assert!(serde.contains("missing field `created`"), "{serde}");
    assert!(verdict.miniserde.is_err(), "the SDK's decoder must reject a customer without `created`");

    let mut without_email = customer.clone();
    without_email.as_object_mut().unwrap().remove("email");
    decode::<stripe::Customer>(&without_email).into_result().expect("an optional field may be absent");

    let mut wrong_type = customer.clone();
    wrong_type["livemode"] = json!("false");
    let verdict = decode::<stripe::Customer>(&wrong_type);
    assert!(verdict.serde.expect_err("serde must reject a string livemode").contains("at `livemode`"));
    assert!(verdict.miniserde.is_err());

    let mut unknown = customer.clone();
    unknown["tax_exempt"] = json!("sometimes");
    let error = decode::<stripe::Customer>(&unknown).into_result().expect_err("an unknown enum value must be reported");
    assert!(error.contains("sometimes"), "{error}");

    let list = client.get("/v1/customers", &[]).await.body;
    let mut without_has_more = list.clone();
    without_has_more.as_object_mut().unwrap().remove("has_more");
    assert!(decode::<List<stripe::Customer>>(&list).into_result().is_ok());
    assert!(decode::<List<stripe::Customer>>(&without_has_more).into_result().is_err());
});

/// A tracing subscriber that keeps the warnings async-stripe logs for enum values it does not know.
#[derive(Default)]
struct Recorder {
    warnings: Arc<Mutex<Vec<String>>>,
}

struct Message<'a>(&'a mut String);

impl tracing::field::Visit for Message<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.push_str(&format!("{value:?}"));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorder {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: tracing_subscriber::layer::Context<'_, S>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut text = String::new();
        event.record(&mut Message(&mut text));
        if text.starts_with("Unknown value") {
            self.warnings.lock().unwrap().push(text);
        }
    }
}
