//! Pausing and resuming a subscription in the portal (spec 3.5), when `features.subscription_pause` is on:
//! the configured durations to choose from (or "until you resume it" for `indefinite`), the pause through the
//! API's own logic (status `paused`, `customer.subscription.paused`) and resuming (`…resumed`, the period it
//! resumes into billed at once), or, for a subscription whose collection the merchant paused, collection
//! started again.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portico_api::AppState;
use portico_api::context::{Ctx, unix_now};
use portico_api::error::ApiError;
use portico_api::resources::subscription_pause;
use portico_core::Patch;
use portico_core::billing::period::add_months;
use portico_core::objects::billing_portal::configuration::features::{PauseDurationType, PauseInterval};
use portico_core::objects::billing_portal::session::flow::FlowType;
use portico_core::objects::price::Interval;
use portico_core::objects::subscription::{
    Status, Subscription, SubscriptionPause, SubscriptionResume, SubscriptionUpdate,
};
use portico_store::TxExt;

use crate::context::Visit;
use crate::form::{self, Form};
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::subscription_actions;
use crate::subscription_cancel::{Summary, api_error, own_subscription, refused, respond, run_update, summary};

#[derive(Template)]
#[template(path = "subscription_pause.html")]
struct PausePage {
    chrome: Chrome,
    summary: Summary,
    /// The durations to choose from; empty for an indefinite pause.
    options: Vec<Choice>,
    error: Option<String>,
}

impl Page for PausePage {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// One duration as a radio button: its index in the configuration's options.
struct Choice {
    value: usize,
    label: String,
    resumes: String,
    checked: bool,
}

/// `GET /p/subscriptions/{id}/pause`
pub async fn show(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(page(&state, &headers, &id).await)
}

/// `POST /p/subscriptions/{id}/pause`
pub async fn pause(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    respond(apply(&state, &headers, &id, &body).await)
}

/// `POST /p/subscriptions/{id}/resume`
pub async fn resume(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(restart(&state, &headers, &id, &body).await)
}

/// The feature off is a page that does not exist; a subscription that cannot pause gets a page saying why.
fn pause_refusal(visit: &Visit, sub: &Subscription) -> Result<Option<String>, Refusal> {
    let features = &visit.configuration.features;
    if !features.subscription_pause.enabled {
        return Err(Refusal::not_found());
    }
    if subscription_actions::actions(features, sub).pause {
        return Ok(None);
    }
    let lang = &visit.lang;
    Ok(Some(if sub.status == Status::Paused || sub.pause_collection.is_some() {
        lang.t("pause-refused-paused")
    } else if sub.schedule.is_some() {
        lang.t("cancel-refused-schedule")
    } else {
        lang.t("pause-refused-status")
    }))
}

async fn page(state: &AppState, headers: &HeaderMap, id: &str) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionPause)).await?;
    if let Some(reason) = pause_refusal(&visit, &sub)? {
        let title = visit.lang.t("pause-title");
        return refused(visit, title, reason).await;
    }
    form_page(visit, &sub, &Form::default(), None, StatusCode::OK).await
}

async fn form_page(
    mut visit: Visit,
    sub: &Subscription,
    form: &Form,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, Refusal> {
    let summary = summary(&mut visit, sub).await?;
    let chosen = form.get("duration");
    let options = intervals(&visit)
        .iter()
        .enumerate()
        .map(|(value, option)| Choice {
            value,
            label: duration_label(&visit.lang, option),
            resumes: visit.lang.t1("pause-resumes-on", "date", &visit.lang.date(resume_time(option, visit.now))),
            checked: chosen == Some(value.to_string().as_str()),
        })
        .collect();
    let page = PausePage { chrome: Chrome::of(&visit), summary, options, error };
    visit.commit().await?;
    Ok(render::html(status, &page))
}

fn intervals(visit: &Visit) -> Vec<PauseInterval> {
    let duration = &visit.configuration.features.subscription_pause.duration;
    match duration.kind {
        PauseDurationType::Indefinite => Vec::new(),
        PauseDurationType::IntervalOptions => duration.interval_options.clone(),
    }
}

/// "1 month", "2 weeks".
fn duration_label(lang: &Lang, option: &PauseInterval) -> String {
    let count = option.interval_count;
    match option.interval {
        Interval::Day => lang.tn("pause-for-days", "count", count),
        Interval::Week => lang.tn("pause-for-weeks", "count", count),
        Interval::Month => lang.tn("pause-for-months", "count", count),
        Interval::Year => lang.tn("pause-for-years", "count", count),
    }
}

/// When a pause of `option` that starts at `now` ends.
fn resume_time(option: &PauseInterval, now: i64) -> i64 {
    let count = option.interval_count;
    match option.interval {
        Interval::Day => now + count * 86_400,
        Interval::Week => now + count * 7 * 86_400,
        Interval::Month => add_months(now, count),
        Interval::Year => add_months(now, count * 12),
    }
}

async fn apply(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let form = form::checked(&visit, body)?;
    let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionPause)).await?;
    if let Some(reason) = pause_refusal(&visit, &sub)? {
        let title = visit.lang.t("pause-title");
        return refused(visit, title, reason).await;
    }
    let options = intervals(&visit);
    let chosen = form.get("duration").and_then(|value| value.parse::<usize>().ok()).and_then(|i| options.get(i));
    if !options.is_empty() && chosen.is_none() {
        let error = visit.lang.t("pause-duration-missing");
        return form_page(visit, &sub, &form, Some(error), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let resumes_at = chosen.map(|option| resume_time(option, visit.now));
    let root = Chrome::of(&visit).root;
    let result = visit
        .command(async |ctx: &Ctx| {
            let params = SubscriptionPause { kind: Some("subscription".into()), ..SubscriptionPause::default() };
            run_pause(ctx, id, params, resumes_at).await
        })
        .await;
    if let Err(error) = result {
        drop(visit);
        let mut visit = Visit::begin(state, headers, unix_now()).await?;
        let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionPause)).await?;
        let message = api_error(&visit, &error);
        return form_page(visit, &sub, &form, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let response =
        crate::flows::finish(&mut visit, "subscription_paused", &format!("{root}?done=subscription_paused")).await?;
    visit.commit().await?;
    Ok(response)
}

async fn run_pause(ctx: &Ctx, id: &str, params: SubscriptionPause, resumes_at: Option<i64>) -> Result<(), ApiError> {
    let mut tx = ctx.tx().await;
    let mut sub = subscription_pause::pause_subscription(ctx, &mut **tx, id, params).await?;
    if resumes_at.is_some() {
        // Portico's bookkeeping only (the wire shape is unchanged): the engine resumes it then.
        sub.engine.resumes_at = resumes_at;
        tx.save(ctx.scope(), &sub).await?;
    }
    Ok(())
}

async fn restart(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    form::checked(&visit, body)?;
    let sub = own_subscription(&mut visit, id, None).await?;
    if !visit.configuration.features.subscription_pause.enabled {
        return Err(Refusal::not_found());
    }
    if !subscription_actions::actions(&visit.configuration.features, &sub).resume {
        let (title, text) = (visit.lang.t("resume-title"), visit.lang.t("resume-refused"));
        return refused(visit, title, text).await;
    }
    let root = Chrome::of(&visit).root;
    let result = if sub.status == Status::Paused {
        visit
            .command(async |ctx: &Ctx| {
                let mut tx = ctx.tx().await;
                subscription_pause::resume_subscription(ctx, &mut **tx, id, SubscriptionResume::default())
                    .await
                    .map(drop)
            })
            .await
    } else {
        // The merchant paused collection only: collecting again is what resuming means here.
        let params = SubscriptionUpdate { pause_collection: Patch::Clear, ..SubscriptionUpdate::default() };
        visit.command(async |ctx: &Ctx| run_update(ctx, id, params).await).await
    };
    if let Err(error) = result {
        drop(visit);
        let visit = Visit::begin(state, headers, unix_now()).await?;
        let (title, text) = (visit.lang.t("resume-title"), api_error(&visit, &error));
        return refused(visit, title, text).await;
    }
    visit.commit().await?;
    Ok(render::see_other(&format!("{root}?done=subscription_resumed")))
}
