//! `portico demo`: Portico with demo data, served, with a portal link per demo customer to click. The data is
//! made through the real API (in-process, no network), so it is exactly what an SDK would have made: a
//! branded account, a catalogue, customers in English and Japanese with cards, subscriptions and invoices,
//! and a portal configuration with every feature on. Running it again on the same database reuses the data
//! and prints fresh links (a portal link lives five minutes unopened).


use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, header};
use portico_core::Scope;
use portico_core::objects::account::Account;
use portico_store::{Store, TxExt};
use serde_json::Value;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

use crate::bootstrap::bootstrap;

type DemoResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The demo's customers: name, email, preferred locale, the price they subscribe to.
const CUSTOMERS: [(&str, &str, &str, &str); 3] = [
    ("Jenny Rosen", "jenny.rosen@example.com", "en", "usd_monthly"),
    ("田中 快", "kai.tanaka@example.com", "ja", "jpy_monthly"),
    ("Lea Müller", "lea.mueller@example.com", "en-GB", "usd_yearly"),
];

pub async fn run(database_url: &str, listen: &str, pinned_key: Option<&str>, now: i64) -> DemoResult<()> {
    let store = portico_store::connect(database_url).await?;
    store.migrate().await?;
    let key = pinned_key.map_or_else(|| "sk_test_portico_demo".to_owned(), str::to_owned);
    let boot = bootstrap(&*store, Some(&key), now).await?;
    let listener = TcpListener::bind(listen).await?;
    let public_url = format!("http://{}", listener.local_addr()?);
    let app = crate::app(store.clone(), public_url.clone(), &boot);
    let api = Api { app: app.clone(), key: key.clone() };
    let seeded = api.get("/v1/customers?email=jenny.rosen%40example.com").await?;
    let customers = if seeded["data"].as_array().is_some_and(|found| !found.is_empty()) {
        let mut found = Vec::new();
        for (_, email, _, _) in CUSTOMERS {
            found.push(api.get(&format!("/v1/customers?email={}", urlencode(email))).await?["data"][0].clone());
        }
        found
    } else {
        brand(&*store, &boot.platform_account).await?;
        seed(&api).await?
    };
    println!("Portico demo on {public_url} ({} database {}).", store.backend(), portico_store::redact_url(database_url));
    println!("Secret key: {key}   (try: curl {public_url}/v1/customers -u {key}:)\n");
    println!("Open a customer's billing portal (a link expires 5 minutes after this if not opened):\n");
    // The demo's own configuration (every feature on), not the dashboard default Portico makes on demand.
    let configurations = api.get("/v1/billing_portal/configurations?is_default=false&limit=1").await?;
    let configuration = configurations["data"][0]["id"].as_str().unwrap_or("").to_owned();
    for customer in &customers {
        let body = format!(
            "customer={}&configuration={configuration}&return_url=https://example.com/account",
            customer["id"].as_str().unwrap_or("")
        );
        let session = api.post("/v1/billing_portal/sessions", body).await?;
        println!("  {:<12} {}", customer["name"].as_str().unwrap_or(""), session["url"].as_str().unwrap_or(""));
    }
    println!("\nPress Ctrl-C to stop.");
    crate::serve(listener, app, store).await?;
    Ok(())
}

/// The demo account's look: a name and brand colours, as a merchant sets them in Stripe's settings.
async fn brand(store: &dyn Store, platform: &str) -> DemoResult<()> {
    let scope = Scope { account: platform.to_owned(), livemode: false };
    let mut tx = store.begin_write().await?;
    if let Some(mut account) = tx.load_for_update::<Account>(&scope, platform).await? {
        account.business_profile.name = Some("Hikari Cloud".into());
        account.settings.dashboard.display_name = Some("Hikari Cloud".into());
        account.settings.branding.primary_color = Some("#5b3cc4".into());
        account.settings.branding.secondary_color = Some("#f2b705".into());
        tx.save(&scope, &account).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The catalogue, the portal configuration and the customers with their cards and subscriptions.
async fn seed(api: &Api) -> DemoResult<Vec<Value>> {
    let pro = api.post("/v1/products", "name=Hikari Pro".into()).await?;
    let team = api.post("/v1/products", "name=Hikari Team".into()).await?;
    let price = |product: &Value, amount: u32, currency: &str, interval: &str| {
        format!(
            "product={}&unit_amount={amount}&currency={currency}&recurring[interval]={interval}&tax_behavior=exclusive",
            product["id"].as_str().unwrap_or("")
        )
    };
    let usd_monthly = api.post("/v1/prices", price(&pro, 2000, "usd", "month")).await?;
    let usd_yearly = api.post("/v1/prices", price(&pro, 20000, "usd", "year")).await?;
    let team_monthly = api.post("/v1/prices", price(&team, 5000, "usd", "month")).await?;
    let jpy_monthly = api.post("/v1/prices", price(&pro, 2500, "jpy", "month")).await?;
    let id = |value: &Value| value["id"].as_str().unwrap_or("").to_owned();
    let configuration = [
        "business_profile[headline]=Hikari Cloud partners with Portico for simplified billing.".to_owned(),
        "business_profile[privacy_policy_url]=https://example.com/privacy".into(),
        "business_profile[terms_of_service_url]=https://example.com/terms".into(),
        "default_return_url=https://example.com/account".into(),
        "features[customer_update][enabled]=true".into(),
        "features[customer_update][allowed_updates][0]=name".into(),
        "features[customer_update][allowed_updates][1]=email".into(),
        "features[customer_update][allowed_updates][2]=address".into(),
        "features[customer_update][allowed_updates][3]=phone".into(),
        "features[customer_update][allowed_updates][4]=tax_id".into(),
        "features[invoice_history][enabled]=true".into(),
        "features[payment_method_update][enabled]=true".into(),
        "features[subscription_cancel][enabled]=true".into(),
        "features[subscription_update][enabled]=true".into(),
        "features[subscription_update][default_allowed_updates][0]=price".into(),
        "features[subscription_update][default_allowed_updates][1]=quantity".into(),
        format!("features[subscription_update][products][0][product]={}", id(&pro)),
        format!("features[subscription_update][products][0][prices][0]={}", id(&usd_monthly)),
        format!("features[subscription_update][products][0][prices][1]={}", id(&usd_yearly)),
        format!("features[subscription_update][products][1][product]={}", id(&team)),
        format!("features[subscription_update][products][1][prices][0]={}", id(&team_monthly)),
    ];
    api.post("/v1/billing_portal/configurations", configuration.join("&")).await?;
    let mut customers = Vec::new();
    for (name, email, locale, plan) in CUSTOMERS {
        let address = if locale == "ja" {
            "address[line1]=丸の内1-1-1&address[city]=千代田区&address[state]=東京都&address[postal_code]=100-0005&address[country]=JP"
        } else {
            "address[line1]=510 Townsend St&address[city]=San Francisco&address[state]=CA&address[postal_code]=94103&address[country]=US"
        };
        let body = format!("name={name}&email={email}&preferred_locales[0]={locale}&{address}");
        let customer = api.post("/v1/customers", body).await?;
        let card = api.post("/v1/payment_methods/pm_card_visa/attach", format!("customer={}", id(&customer))).await?;
        let default = format!("invoice_settings[default_payment_method]={}", id(&card));
        let customer = api.post(&format!("/v1/customers/{}", id(&customer)), default).await?;
        let price = match plan {
            "jpy_monthly" => &jpy_monthly,
            "usd_yearly" => &usd_yearly,
            _ => &usd_monthly,
        };
        api.post("/v1/subscriptions", format!("customer={}&items[0][price]={}", id(&customer), id(price))).await?;
        customers.push(customer);
    }
    Ok(customers)
}

/// The API, called in-process with the demo's key.
struct Api {
    app: Router,
    key: String,
}

impl Api {
    async fn post(&self, path: &str, body: String) -> DemoResult<Value> {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode_values(&body)))?;
        self.send(request).await
    }

    async fn get(&self, path: &str) -> DemoResult<Value> {
        self.send(Request::get(path).body(Body::empty())?).await
    }

    async fn send(&self, mut request: Request<Body>) -> DemoResult<Value> {
        let path = request.uri().path().to_owned();
        request.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {}", self.key).parse()?);
        let response = self.app.clone().oneshot(request).await?;
        let status = response.status();
        let value: Value = serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await?)?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {value}").into());
        }
        Ok(value)
    }
}

/// `a=b c&d=é` with each value percent-encoded (names are plain ASCII brackets, encoded too).
fn encode_values(body: &str) -> String {
    body.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => format!("{}={}", urlencode(name), urlencode(value)),
            None => urlencode(pair),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
