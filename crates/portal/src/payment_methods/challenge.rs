//! The simulated 3-D Secure challenge of test mode: a card that asks for authentication leaves its SetupIntent
//! in `requires_action`, and this page stands in for the bank's, running the same logic as
//! `POST /v1/test_helpers/setup_intents/{id}/authenticate` (outcome `succeed` or `fail`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_api::resources::setup_intents;
use portico_core::objects::payment_method::PaymentMethod;
use portico_core::objects::setup_intent::{AuthenticationOutcome, SetupIntent, SetupIntentStatus};
use portico_store::TxExt;

use super::add::{self, Typed};
use super::{default_if_needed, enabled, respond};
use crate::context::Visit;
use crate::form;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::views;

#[derive(Template)]
#[template(path = "payment_methods_authenticate.html")]
struct Challenge {
    chrome: Chrome,
    intent: String,
    /// "Visa •••• 3155"
    card: String,
}

impl Page for Challenge {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// `GET /p/payment-methods/authenticate/{seti_id}`
pub async fn challenge(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(show(&state, &headers, &id).await)
}

/// `POST /p/payment-methods/authenticate/{seti_id}` with `outcome=succeed|fail`.
pub async fn authenticate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(answer(&state, &headers, &id, &body).await)
}

/// The session customer's SetupIntent `id`; another customer's (or account's) is the same 404 as none.
async fn own_intent(visit: &mut Visit, id: &str) -> Result<SetupIntent, Refusal> {
    let scope = visit.scope.clone();
    let intent = visit.tx().load_for_update::<SetupIntent>(&scope, id).await?;
    intent.filter(|si| si.customer.as_deref() == Some(visit.customer.id.as_str())).ok_or_else(Refusal::not_found)
}

async fn card_of(visit: &mut Visit, intent: &SetupIntent) -> Result<Option<PaymentMethod>, Refusal> {
    let Some(pm) = &intent.payment_method else { return Ok(None) };
    let scope = visit.scope.clone();
    Ok(visit.tx().load::<PaymentMethod>(&scope, pm).await?)
}

async fn show(state: &AppState, headers: &HeaderMap, id: &str) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    enabled(&visit)?;
    let intent = own_intent(&mut visit, id).await?;
    let chrome = Chrome::of(&visit);
    if intent.status != SetupIntentStatus::RequiresAction || visit.scope.livemode {
        // Answered already (a reload, the back button): nothing is waiting here any more.
        visit.commit().await?;
        return Ok(render::see_other(&format!("{}payment-methods", chrome.root)));
    }
    let card = card_of(&mut visit, &intent).await?;
    let label = card.map(|pm| views::payment_method_row(&visit.lang, &pm, None).label).unwrap_or_default();
    let page = Challenge { chrome, intent: intent.id, card: label };
    visit.commit().await?;
    Ok(render::html(StatusCode::OK, &page))
}

async fn answer(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let form = form::checked(&visit, body)?;
    enabled(&visit)?;
    let intent = own_intent(&mut visit, id).await?;
    let root = Chrome::of(&visit).root;
    if intent.status != SetupIntentStatus::RequiresAction {
        visit.commit().await?;
        return Ok(render::see_other(&format!("{root}payment-methods")));
    }
    let outcome = match form.get("outcome") {
        Some("succeed") => AuthenticationOutcome::Succeed,
        Some("fail") => AuthenticationOutcome::Fail,
        _ => return Err(Refusal::not_found()),
    };
    // The card's details, to fill the form again if the challenge fails (never the number or CVC).
    let card = card_of(&mut visit, &intent).await?;
    let result = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            setup_intents::authenticate_intent(ctx, &mut **tx, id, outcome).await
        })
        .await;
    let intent = match result {
        Ok(intent) => intent,
        Err(error) => {
            drop(visit);
            let visit = Visit::begin(state, headers, unix_now()).await?;
            let errors = add::api_errors(&visit.lang, &error);
            return add::card_page(visit, StatusCode::UNPROCESSABLE_ENTITY, typed(card.as_ref()), errors).await;
        }
    };
    match (intent.status, intent.payment_method.as_deref()) {
        (SetupIntentStatus::Succeeded, Some(pm)) => {
            if let Err(error) = default_if_needed(&mut visit, pm).await {
                drop(visit);
                let visit = Visit::begin(state, headers, unix_now()).await?;
                let errors = add::api_errors(&visit.lang, &error);
                return add::card_page(visit, StatusCode::UNPROCESSABLE_ENTITY, typed(card.as_ref()), errors).await;
            }
            let otherwise = format!("{root}payment-methods?done=added");
            let response = crate::flows::finish(&mut visit, "payment_method_added", &otherwise).await?;
            visit.commit().await?;
            Ok(response)
        }
        // A failed challenge is kept, as Stripe keeps it (`setup_intent.setup_failed`); the form shows again.
        _ => {
            let errors = add::authentication_failed(&visit.lang);
            add::card_page(visit, StatusCode::UNPROCESSABLE_ENTITY, typed(card.as_ref()), errors).await
        }
    }
}

/// The form's fields as the failed card had them.
fn typed(card: Option<&PaymentMethod>) -> Typed {
    let Some(pm) = card else { return Typed::default() };
    Typed {
        name: pm.billing_details.name.clone().unwrap_or_default(),
        expiry: pm.card.as_ref().map(|c| format!("{:02}/{:02}", c.exp_month, c.exp_year % 100)).unwrap_or_default(),
        postal_code: pm.billing_details.address.postal_code.clone().unwrap_or_default(),
    }
}
