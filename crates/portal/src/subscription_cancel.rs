//! Canceling a subscription in the portal (spec 3.4): what will happen, per the configuration's mode (at the
//! period's end, classic or flexible billing mode; or at once, with or without a credit for the unused time),
//! the reason survey, and the cancellation itself through the API's own logic, so `cancellation_details` and
//! the events are exactly the API's. Before the form, a retention offer ([`retention`]); a scheduled
//! cancellation can be undone ([`renew`]).

mod retention;
mod survey;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::context::{Ctx, unix_now};
use portico_api::error::ApiError;
use portico_api::resources::subscriptions;
use portico_core::Patch;
use portico_core::objects::billing_portal::configuration::features::{CancelMode, ProrationBehavior};
use portico_core::objects::billing_portal::session::flow::FlowType;
use portico_core::objects::product::Product;
use portico_core::objects::subscription::{
    BillingModeType, CancellationDetailsParams, Status, Subscription, SubscriptionCancel, SubscriptionUpdate,
};
use portico_store::TxExt;

pub use retention::accept;

use self::retention::Offer;
use self::survey::{Reason, Survey};
use crate::context::Visit;
use crate::form::{self, Form};
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::subscription_actions;
use crate::views;

/// What the customer sees of the subscription on every page of this task.
pub struct Summary {
    pub id: String,
    pub title: String,
    pub price: String,
}

#[derive(Template)]
#[template(path = "subscription_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    summary: Summary,
    /// What canceling does, in plain words (one or two sentences).
    outcome: Vec<String>,
    survey: Option<Vec<Reason>>,
    comment: String,
    errors: Errors,
}

#[derive(Default)]
struct Errors {
    reason: Option<String>,
    comment: Option<String>,
    form: Option<String>,
}

impl Page for CancelPage {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

#[derive(Template)]
#[template(path = "subscription_cancel_message.html")]
struct Message {
    chrome: Chrome,
    title: String,
    text: String,
}

impl Page for Message {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// `GET /p/subscriptions/{id}/cancel`: the retention offer first when there is one (`?offer=declined` skips
/// it), then what canceling does and the survey.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    respond(page(&state, &headers, &id, query.as_deref()).await)
}

/// `POST /p/subscriptions/{id}/cancel`: cancels at once or at the period's end, with the survey's answer in
/// `cancellation_details`.
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(confirm(&state, &headers, &id, &body).await)
}

/// `POST /p/subscriptions/{id}/renew`: undoes a scheduled cancellation.
pub async fn renew(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    respond(undo(&state, &headers, &id, &body).await)
}

pub(crate) fn respond(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The session customer's subscription `id`, locked for this request. Another customer's, another connected
/// account's (with `on_behalf_of`), one outside the deep link the session is in (`task`: the flow that may act
/// on it), and one that does not exist all get the same 404.
pub(crate) async fn own_subscription(
    visit: &mut Visit,
    id: &str,
    task: Option<FlowType>,
) -> Result<Subscription, Refusal> {
    if let Some(flow) = crate::flows::active(visit) {
        let flow_sub = match flow.kind {
            FlowType::SubscriptionCancel => flow.subscription_cancel.as_ref().map(|c| c.subscription.as_str()),
            FlowType::SubscriptionPause => flow.subscription_pause.as_ref().map(|p| p.subscription.as_str()),
            _ => None,
        };
        if task != Some(flow.kind) || flow_sub != Some(id) {
            return Err(Refusal::not_found());
        }
    }
    let scope = visit.scope.clone();
    let sub = visit.tx().load_for_update::<Subscription>(&scope, id).await?.ok_or_else(Refusal::not_found)?;
    let on_behalf_of = visit.session.on_behalf_of.as_deref();
    if sub.customer != visit.customer.id || (on_behalf_of.is_some() && sub.on_behalf_of.as_deref() != on_behalf_of) {
        return Err(Refusal::not_found());
    }
    Ok(sub)
}

/// Product names and the price, as the home page shows them.
pub(crate) async fn summary(visit: &mut Visit, sub: &Subscription) -> Result<Summary, Refusal> {
    let scope = visit.scope.clone();
    let mut products = std::collections::BTreeMap::new();
    for item in &sub.items.data {
        if let Some(product) = visit.tx().load::<Product>(&scope, &item.price.product).await? {
            products.insert(product.id, product.name);
        }
    }
    let row = views::subscription_row(&visit.lang, sub, &products, &visit.configuration.features);
    Ok(Summary { id: sub.id.clone(), title: row.title, price: row.price })
}

/// A page saying why the action is not possible (after committing the visit's recorded activity).
pub(crate) async fn refused(visit: Visit, title: String, text: String) -> Result<Response, Refusal> {
    let page = Message { chrome: Chrome::of(&visit), title, text };
    visit.commit().await?;
    Ok(render::html(StatusCode::CONFLICT, &page))
}

/// Why this subscription cannot be canceled here, if it cannot: the feature is off (404, as if the page did
/// not exist), it already ended or is set to end, or a subscription schedule manages it (spec 3.2).
fn cancel_refusal(visit: &Visit, sub: &Subscription) -> Result<Option<String>, Refusal> {
    let features = &visit.configuration.features;
    if !features.subscription_cancel.enabled {
        return Err(Refusal::not_found());
    }
    if subscription_actions::actions(features, sub).cancel {
        return Ok(None);
    }
    let lang = &visit.lang;
    Ok(Some(if sub.status.is_terminal() {
        lang.t("cancel-refused-ended")
    } else if sub.schedule.is_some() {
        lang.t("cancel-refused-schedule")
    } else {
        lang.t("cancel-refused-scheduled")
    }))
}

async fn page(state: &AppState, headers: &HeaderMap, id: &str, query: Option<&str>) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionCancel)).await?;
    if let Some(reason) = cancel_refusal(&visit, &sub)? {
        let title = visit.lang.t("cancel-title");
        return refused(visit, title, reason).await;
    }
    let declined = query.is_some_and(|q| Form::parse(q.as_bytes()).get("offer") == Some("declined"));
    if !declined && let Some(offer) = Offer::find(&mut visit, &sub).await? {
        return retention::show(visit, &sub, offer).await;
    }
    form_page(visit, &sub, &Form::default(), Errors::default(), StatusCode::OK).await
}

async fn form_page(
    mut visit: Visit,
    sub: &Subscription,
    form: &Form,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, Refusal> {
    let summary = summary(&mut visit, sub).await?;
    let outcome = outcome(&visit, sub);
    let survey = Survey::of(&visit).map(|survey| survey.reasons(&visit.lang, form.get("reason")));
    let page = CancelPage {
        chrome: Chrome::of(&visit),
        summary,
        outcome,
        survey,
        comment: form.typed("comment").into(),
        errors,
    };
    visit.commit().await?;
    Ok(render::html(status, &page))
}

/// When access ends: a subscription's billing period is its items' (flexible billing mode may have several
/// ends: it runs to the last one, spec 3.4).
fn period_end(sub: &Subscription) -> Option<i64> {
    match sub.billing_mode.kind {
        BillingModeType::Classic => sub.current_period_end(),
        BillingModeType::Flexible => sub.items.data.iter().map(|item| item.current_period_end).max(),
    }
}

fn outcome(visit: &Visit, sub: &Subscription) -> Vec<String> {
    let lang = &visit.lang;
    let settings = &visit.configuration.features.subscription_cancel;
    match settings.mode {
        CancelMode::AtPeriodEnd => match period_end(sub) {
            Some(end) => vec![lang.t1("cancel-outcome-period-end", "date", &lang.date(end))],
            None => vec![lang.t("cancel-outcome-now")],
        },
        CancelMode::Immediately => {
            let credit = match settings.proration_behavior {
                ProrationBehavior::CreateProrations if sub.status != Status::Trialing => "cancel-outcome-credit",
                _ => "cancel-outcome-no-credit",
            };
            vec![lang.t("cancel-outcome-now"), lang.t(credit)]
        }
    }
}

async fn confirm(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let form = form::checked(&visit, body)?;
    let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionCancel)).await?;
    if let Some(reason) = cancel_refusal(&visit, &sub)? {
        let title = visit.lang.t("cancel-title");
        return refused(visit, title, reason).await;
    }
    let (details, errors) = match Survey::of(&visit) {
        Some(survey) => survey.answer(&visit.lang, &form),
        None => (CancellationDetailsParams::default(), Errors::default()),
    };
    if errors.reason.is_some() || errors.comment.is_some() {
        return form_page(visit, &sub, &form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let settings = visit.configuration.features.subscription_cancel.clone();
    let root = Chrome::of(&visit).root;
    let (done, result) = match settings.mode {
        CancelMode::Immediately => {
            // Stripe's portal credits the unused time with `create_prorations`; the credit is invoiced at once, so
            // it lands on the customer's balance instead of waiting for an invoice that will never come.
            let prorate = settings.proration_behavior == ProrationBehavior::CreateProrations;
            let params = SubscriptionCancel {
                cancellation_details: Some(details),
                invoice_now: Some(prorate),
                prorate: Some(prorate),
            };
            let result = visit.command(async |ctx: &Ctx| run_cancel(ctx, id, params).await).await;
            ("subscription_canceled", result)
        }
        CancelMode::AtPeriodEnd => {
            let mut params =
                SubscriptionUpdate { cancellation_details: Some(details), ..SubscriptionUpdate::default() };
            match (sub.billing_mode.kind, period_end(&sub)) {
                (BillingModeType::Flexible, Some(end)) => params.cancel_at = Patch::Set(end),
                _ => params.cancel_at_period_end = Some(true),
            }
            let result = visit.command(async |ctx: &Ctx| run_update(ctx, id, params).await).await;
            ("subscription_cancel_scheduled", result)
        }
    };
    if let Err(error) = result {
        // Rolled back: nothing changed. The form shows again with the reason and what was typed.
        drop(visit);
        let mut visit = Visit::begin(state, headers, unix_now()).await?;
        let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionCancel)).await?;
        let errors = Errors { form: Some(api_error(&visit, &error)), ..Errors::default() };
        return form_page(visit, &sub, &form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let response = crate::flows::finish(&mut visit, done, &format!("{root}?done={done}")).await?;
    visit.commit().await?;
    Ok(response)
}

pub(crate) async fn run_cancel(ctx: &Ctx, id: &str, params: SubscriptionCancel) -> Result<(), ApiError> {
    let mut tx = ctx.tx().await;
    subscriptions::cancel_subscription(ctx, &mut **tx, id, params).await.map(drop)
}

pub(crate) async fn run_update(ctx: &Ctx, id: &str, params: SubscriptionUpdate) -> Result<(), ApiError> {
    let mut tx = ctx.tx().await;
    subscriptions::update_subscription(ctx, &mut **tx, id, params).await.map(drop)
}

/// An API refusal in the customer's words: the ones these pages can meet by name, any other with the API's
/// (English) message as the last resort.
pub(crate) fn api_error(visit: &Visit, error: &ApiError) -> String {
    let lang = &visit.lang;
    match (error.code, error.param.as_deref()) {
        (Some("coupon_expired"), _) => lang.t("retention-expired"),
        (_, Some(param)) if param.starts_with("discounts") => lang.t("retention-unavailable"),
        _ => lang.t1("subscription-error-unknown", "message", &error.message),
    }
}

async fn undo(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    form::checked(&visit, body)?;
    let sub = own_subscription(&mut visit, id, None).await?;
    if !subscription_actions::actions(&visit.configuration.features, &sub).renew {
        let (title, text) = (visit.lang.t("renew-title"), visit.lang.t("renew-refused"));
        return refused(visit, title, text).await;
    }
    let mut params = SubscriptionUpdate::default();
    if sub.cancel_at_period_end {
        // Clears `cancel_at` and the cancellation's details too.
        params.cancel_at_period_end = Some(false);
    } else {
        params.cancel_at = Patch::Clear;
    }
    let root = Chrome::of(&visit).root;
    if let Err(error) = visit.command(async |ctx: &Ctx| run_update(ctx, id, params).await).await {
        drop(visit);
        let visit = Visit::begin(state, headers, unix_now()).await?;
        let (title, text) = (visit.lang.t("renew-title"), api_error(&visit, &error));
        return refused(visit, title, text).await;
    }
    visit.commit().await?;
    Ok(render::see_other(&format!("{root}?done=subscription_renewed")))
}
