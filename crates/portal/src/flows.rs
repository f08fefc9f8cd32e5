//! Deep links (`flow_data`, spec §2.4): a session with a flow opens straight into its task, with the rest of
//! the portal hidden, and when the task succeeds `after_completion` decides what comes next: a redirect to
//! the merchant, a confirmation page (with the merchant's custom message), or the full portal.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_core::objects::billing_portal::session::flow::{AfterCompletionType, Flow, FlowType};
use portico_store::TxExt;

use crate::context::Visit;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};

/// The flow the session is in, unless it was completed and the session went on as the full portal.
pub fn active(visit: &Visit) -> Option<&Flow> {
    visit.session.flow.as_ref().filter(|_| visit.session.engine.flow_completed_at.is_none())
}

/// The task page a flow opens on, below the portal's root.
pub fn start_path(flow: &Flow) -> String {
    match flow.kind {
        FlowType::PaymentMethodUpdate => "payment-methods/new".into(),
        FlowType::CustomerUpdate => "billing".into(),
        FlowType::SubscriptionCancel => {
            format!("subscriptions/{}/cancel", flow.subscription_cancel.as_ref().map_or("", |c| &c.subscription))
        }
        FlowType::SubscriptionPause => {
            format!("subscriptions/{}/pause", flow.subscription_pause.as_ref().map_or("", |p| &p.subscription))
        }
        FlowType::SubscriptionUpdate => {
            format!("subscriptions/{}/update", flow.subscription_update.as_ref().map_or("", |u| &u.subscription))
        }
        FlowType::SubscriptionUpdateConfirm => format!(
            "subscriptions/{}/update/confirm",
            flow.subscription_update_confirm.as_ref().map_or("", |u| &u.subscription)
        ),
    }
}

/// What a task page answers once its action succeeded, before committing: inside a flow, whatever
/// `after_completion` says (and a `portal_homepage` flow is marked completed, so the session goes on as the
/// full portal); outside one, `otherwise` (the page's usual redirect). `done` names what happened, for the
/// confirmation page (`payment_method_added`, `subscription_canceled`, …).
pub async fn finish(visit: &mut Visit, done: &str, otherwise: &str) -> Result<Response, Refusal> {
    let root = crate::cookie::portal_path(&visit.state.public_url);
    let Some(flow) = active(visit).cloned() else { return Ok(render::see_other(otherwise)) };
    Ok(match flow.after_completion.kind {
        AfterCompletionType::Redirect => {
            let url = flow.after_completion.redirect.map(|r| r.return_url).unwrap_or_else(|| root.clone());
            render::see_other(&url)
        }
        AfterCompletionType::PortalHomepage => {
            visit.session.engine.flow_completed_at = Some(visit.now);
            let (scope, session) = (visit.scope.clone(), visit.session.clone());
            visit.tx().save(&scope, &session).await?;
            render::see_other(&root)
        }
        AfterCompletionType::HostedConfirmation => render::see_other(&format!("{root}done?what={done}")),
    })
}

#[derive(Template)]
#[template(path = "flow_done.html")]
struct Done {
    chrome: Chrome,
    title: String,
    detail: String,
    custom_message: Option<String>,
}

impl Page for Done {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// `GET /p/done?what=…`: the hosted confirmation of a completed flow.
pub async fn confirmation(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let what = uri.query().and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("what="))).unwrap_or("");
    match confirm(&state, &headers, what).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

async fn confirm(state: &AppState, headers: &HeaderMap, what: &str) -> Result<Response, Refusal> {
    let visit = Visit::begin(state, headers, portico_api::context::unix_now()).await?;
    let Some(flow) = visit.session.flow.clone() else { return Err(Refusal::not_found()) };
    let lang = &visit.lang;
    let detail = match what {
        "payment_method_added" => lang.t("done-payment-method-added"),
        "billing_updated" => lang.t("done-billing-updated"),
        "subscription_canceled" => lang.t("done-subscription-canceled"),
        "subscription_cancel_scheduled" => lang.t("done-subscription-cancel-scheduled"),
        "subscription_kept" => lang.t("done-subscription-kept"),
        "subscription_updated" => lang.t("done-subscription-updated"),
        "subscription_paused" => lang.t("done-subscription-paused"),
        _ => lang.t("done-generic"),
    };
    let custom_message = flow.after_completion.hosted_confirmation.and_then(|h| h.custom_message);
    let page = Done { title: lang.t("done-title"), detail, custom_message, chrome: Chrome::of(&visit) };
    visit.commit().await?;
    Ok(render::html(StatusCode::OK, &page))
}
