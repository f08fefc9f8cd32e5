//! The payment-methods pages (spec 3.6): the customer's payment methods with the default marked, making one
//! the default, removing one under the keep-one rule (spec 3.2), and adding a card ([`add`]) through a
//! SetupIntent, with a simulated 3-D Secure challenge in test mode ([`challenge`]).
//!
//! Every action runs the API's own code in the visit's transaction, so it validates and emits events exactly
//! as `POST /v1/customers/{id}`, `POST /v1/payment_methods/{id}/detach` and `POST /v1/setup_intents` do.

mod add;
mod challenge;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_api::resources::{customers, payment_methods};
use portico_core::Patch;
use portico_core::objects::billing_portal::session::flow::FlowType;
use portico_core::objects::customer::{CustomerUpdate, InvoiceSettingsParams};
use portico_core::objects::payment_method::PaymentMethod;
use portico_core::objects::subscription::{CollectionMethod, Status, Subscription};
use portico_store::{ListQuery, TxExt};

pub use add::{create, new};
pub use challenge::{authenticate, challenge};

use crate::context::Visit;
use crate::form;
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::views::{self, PaymentMethodRow};

/// More payment methods than this is not a customer the portal is built for; the rest are not listed.
const MAX_METHODS: u32 = 100;
/// Subscriptions read for the keep-one rule.
const MAX_SUBSCRIPTIONS: u32 = 100;

#[derive(Template)]
#[template(path = "payment_methods.html")]
struct List {
    chrome: Chrome,
    methods: Vec<PaymentMethodRow>,
    /// What the last action did, or why it was refused.
    notice: Option<String>,
    refusal: Option<String>,
}

impl Page for List {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// `GET /p/payment-methods`
pub async fn list(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    respond(show(&state, &headers, query.as_deref()).await)
}

/// `POST /p/payment-methods/{id}/default`: as `POST /v1/customers/{id}` with
/// `invoice_settings[default_payment_method]` (`customer.updated` with `previous_attributes`).
pub async fn make_default(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(set_default(&state, &headers, &id, &body).await)
}

/// `POST /p/payment-methods/{id}/remove`: detaches the payment method (`payment_method.detached`; the
/// customer's default is cleared with `customer.updated` when it was this one), unless the keep-one rule
/// refuses it.
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(detach(&state, &headers, &id, &body).await)
}

fn respond(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The section exists only when the configuration lets customers manage payment methods.
fn enabled(visit: &Visit) -> Result<(), Refusal> {
    if visit.configuration.features.payment_method_update.enabled { Ok(()) } else { Err(Refusal::not_found()) }
}

async fn show(state: &AppState, headers: &HeaderMap, query: Option<&str>) -> Result<Response, Refusal> {
    let visit = Visit::begin(state, headers, unix_now()).await?;
    enabled(&visit)?;
    let done = query.and_then(|q| form::Form::parse(q.as_bytes()).get("done").map(str::to_owned));
    let notice = done.as_deref().and_then(|done| done_notice(&visit, done));
    page(visit, StatusCode::OK, notice, None).await
}

/// The list page, committing the visit (its recorded activity; nothing else changed when a refusal shows).
async fn page(
    mut visit: Visit,
    status: StatusCode,
    notice: Option<String>,
    refusal: Option<String>,
) -> Result<Response, Refusal> {
    let methods = methods(&mut visit).await?;
    let default = visit.customer.invoice_settings.default_payment_method.clone();
    let rows = methods.iter().map(|pm| row(&visit.lang, pm, default.as_deref())).collect();
    let page = List { chrome: Chrome::of(&visit), methods: rows, notice, refusal };
    visit.commit().await?;
    Ok(render::html(status, &page))
}

/// The notice for `?done=…` after a redirect; unknown values show nothing.
fn done_notice(visit: &Visit, done: &str) -> Option<String> {
    let lang = &visit.lang;
    match done {
        "added" => {
            // A deep-link flow's hosted confirmation may carry the merchant's own message.
            let custom = visit
                .session
                .flow
                .as_ref()
                .and_then(|flow| flow.after_completion.hosted_confirmation.as_ref())
                .and_then(|confirmation| confirmation.custom_message.clone())
                .filter(|message| !message.trim().is_empty());
            Some(custom.unwrap_or_else(|| lang.t("pm-done-added")))
        }
        "default" => Some(lang.t("pm-done-default")),
        "removed" => Some(lang.t("pm-done-removed")),
        _ => None,
    }
}

/// The customer's payment methods, newest first.
async fn methods(visit: &mut Visit) -> Result<Vec<PaymentMethod>, Refusal> {
    let query = ListQuery { limit: MAX_METHODS, customer: Some(visit.customer.id.clone()), ..ListQuery::default() };
    let scope = visit.scope.clone();
    Ok(visit.tx().list_typed::<PaymentMethod>(&scope, &query).await?.0)
}

/// A card as the shared row shows it; any other type by its name (the section shows even when the default is
/// a type the portal cannot add).
fn row(lang: &Lang, method: &PaymentMethod, default: Option<&str>) -> PaymentMethodRow {
    let mut row = views::payment_method_row(lang, method, default);
    if method.card.is_none() {
        let kind = serde_json::to_value(method.kind).ok().and_then(|v| v.as_str().map(str::to_owned));
        row.label = type_name(lang, kind.as_deref().unwrap_or_default());
    }
    row
}

/// The portal-supported types of spec 3.6 by their names; others as Stripe spells them.
fn type_name(lang: &Lang, kind: &str) -> String {
    match kind {
        "card" => lang.t("pm-type-card"),
        "us_bank_account" => lang.t("pm-type-us-bank-account"),
        "sepa_debit" => lang.t("pm-type-sepa-debit"),
        "bacs_debit" => lang.t("pm-type-bacs-debit"),
        "au_becs_debit" => lang.t("pm-type-au-becs-debit"),
        "acss_debit" => lang.t("pm-type-acss-debit"),
        "link" => lang.t("pm-type-link"),
        "paypal" => lang.t("pm-type-paypal"),
        "cashapp" => lang.t("pm-type-cashapp"),
        "amazon_pay" => lang.t("pm-type-amazon-pay"),
        "boleto" => lang.t("pm-type-boleto"),
        other => other.replace('_', " "),
    }
}

/// The session customer's payment method `id`, locked for this request; anything else is the same 404 as an
/// id that does not exist.
async fn own_method(visit: &mut Visit, id: &str) -> Result<PaymentMethod, Refusal> {
    let scope = visit.scope.clone();
    let method = visit.tx().load_for_update::<PaymentMethod>(&scope, id).await?;
    method.filter(|pm| pm.customer.as_deref() == Some(visit.customer.id.as_str())).ok_or_else(Refusal::not_found)
}

async fn set_default(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    form::checked(&visit, body)?;
    enabled(&visit)?;
    own_method(&mut visit, id).await?;
    let root = Chrome::of(&visit).root;
    if visit.customer.invoice_settings.default_payment_method.as_deref() != Some(id) {
        let customer = visit.customer.id.clone();
        let result = visit.command(async |ctx| make_customer_default(ctx, &customer, id).await).await;
        if let Err(error) = result {
            // Rolled back; the list shows again with the reason.
            drop(visit);
            let visit = Visit::begin(state, headers, unix_now()).await?;
            let reason = visit.lang.t1("pm-error-unknown", "message", &error.message);
            return page(visit, StatusCode::UNPROCESSABLE_ENTITY, None, Some(reason)).await;
        }
    }
    visit.commit().await?;
    Ok(render::see_other(&format!("{root}payment-methods?done=default")))
}

/// `invoice_settings[default_payment_method]={pm}` through the API's customer update.
async fn make_customer_default(
    ctx: &portico_api::context::Ctx,
    customer: &str,
    pm: &str,
) -> Result<(), portico_api::error::ApiError> {
    let params = CustomerUpdate {
        invoice_settings: Some(InvoiceSettingsParams {
            default_payment_method: Patch::Set(pm.to_owned()),
            ..InvoiceSettingsParams::default()
        }),
        ..CustomerUpdate::default()
    };
    let mut tx = ctx.tx().await;
    customers::update_customer(ctx, &mut **tx, customer, params).await?;
    Ok(())
}

/// Why the keep-one rule refuses to remove `method`, if it does.
///
/// Spec 3.2 (Stripe's support FAQ): while a subscription charges the customer automatically, the portal keeps at
/// least one payment method. Decided here as well: a payment method that a subscription names as its own
/// `default_payment_method` is not removed either, even when others remain. Stripe's detach leaves that
/// subscription pointing at a card that can no longer be charged, so its next renewal would fail although the
/// customer still has a working card; the subscription-level override is the subscription's own setting (spec
/// 3.6), which these pages do not edit. Every subscription counts, whatever its `on_behalf_of`: a payment method
/// is the customer's, shared by all of them.
async fn keep_one_refusal(visit: &mut Visit, method: &PaymentMethod) -> Result<Option<String>, Refusal> {
    let query =
        ListQuery { limit: MAX_SUBSCRIPTIONS, customer: Some(visit.customer.id.clone()), ..ListQuery::default() };
    let scope = visit.scope.clone();
    let (subscriptions, _) = visit.tx().list_typed::<Subscription>(&scope, &query).await?;
    let charging: Vec<&Subscription> = subscriptions
        .iter()
        .filter(|sub| {
            sub.collection_method == CollectionMethod::ChargeAutomatically
                && matches!(
                    sub.status,
                    Status::Active | Status::Trialing | Status::PastDue | Status::Unpaid | Status::Incomplete
                )
        })
        .collect();
    if charging.is_empty() {
        return Ok(None);
    }
    if charging.iter().any(|sub| sub.default_payment_method.as_deref() == Some(method.id.as_str())) {
        return Ok(Some(visit.lang.t("pm-refused-subscription-default")));
    }
    let others = methods(visit).await?.iter().filter(|pm| pm.id != method.id).count();
    Ok((others == 0).then(|| visit.lang.t("pm-refused-keep-one")))
}

async fn detach(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    form::checked(&visit, body)?;
    enabled(&visit)?;
    let method = own_method(&mut visit, id).await?;
    if let Some(reason) = keep_one_refusal(&mut visit, &method).await? {
        return page(visit, StatusCode::CONFLICT, None, Some(reason)).await;
    }
    let root = Chrome::of(&visit).root;
    let result = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            payment_methods::detach_payment_method(ctx, &mut **tx, id).await
        })
        .await;
    if let Err(error) = result {
        drop(visit);
        let visit = Visit::begin(state, headers, unix_now()).await?;
        let reason = visit.lang.t1("pm-error-unknown", "message", &error.message);
        return page(visit, StatusCode::UNPROCESSABLE_ENTITY, None, Some(reason)).await;
    }
    visit.commit().await?;
    Ok(render::see_other(&format!("{root}payment-methods?done=removed")))
}

/// After a card is set up: it becomes the customer's default when there is none yet, or when the session is
/// a `payment_method_update` deep link (spec 2.4).
async fn default_if_needed(visit: &mut Visit, pm: &str) -> Result<(), portico_api::error::ApiError> {
    let scope = visit.scope.clone();
    let customer_id = visit.customer.id.clone();
    // The customer as it is now: the setup itself may have run in this transaction.
    let current = visit.tx().load::<portico_core::objects::customer::Customer>(&scope, &customer_id).await?;
    let has_default = current.is_some_and(|c| c.invoice_settings.default_payment_method.is_some());
    let flow = visit.session.flow.as_ref().is_some_and(|flow| flow.kind == FlowType::PaymentMethodUpdate);
    if has_default && !flow {
        return Ok(());
    }
    visit.command(async |ctx| make_customer_default(ctx, &customer_id, pm).await).await
}
