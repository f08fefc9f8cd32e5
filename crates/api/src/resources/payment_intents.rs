//! PaymentIntents: https://docs.stripe.com/api/payment_intents
//!
//! Confirming goes through [`portico_core::payments`]; [`record`] stores what a step did and emits its events,
//! for these handlers and for the billing engine alike. A declined confirmation answers 402 but keeps its
//! effects, as Stripe does: the intent's `last_payment_error`, the failed charge and their events.

use axum::extract::Path;
use axum::http::StatusCode;
use portico_core::objects::Object;
use portico_core::objects::payment_intent::{
    PaymentIntent, PaymentIntentConfirm, PaymentIntentCreate, PaymentIntentError, PaymentIntentStatus, check_ownership,
    off_session,
};
use portico_core::objects::payment_method::{CardRecord, DETACHED_REUSE, PaymentMethod};
use portico_core::objects::setup_intent::AuthenticationOutcome;
use portico_core::payments::{self, Attempt, Confirmation, Instrument, Outcome};
use portico_store::{Tx, TxExt};
use serde::Deserialize;
use serde_json::Value;

use super::{missing_reference, payment_methods};
use crate::context::{Ctx, error_keeping_changes};
use crate::error::{ApiError, ApiResult, ErrorType};
use crate::extract::{ListParams, Params};
use crate::respond;

/// Saves a new or changed attempt (PI, charge) and emits its events in the request's transaction:
/// `payment_intent.created` (new PI only), `charge.succeeded` / `charge.failed`, then
/// `payment_intent.succeeded` / `.payment_failed` / `.requires_action`. The 3-D Secure URL in `next_action`
/// is stored absolute, with this server's public address (see [`absolute_next_action`]).
pub async fn record(ctx: &Ctx, tx: &mut dyn Tx, attempt: &Attempt, new: bool) -> Result<(), ApiError> {
    let mut intent = std::borrow::Cow::Borrowed(&attempt.payment_intent);
    if intent.next_action.is_some() {
        absolute_next_action(ctx, intent.to_mut());
    }
    let intent = intent.as_ref();
    let created = if new {
        Some(respond::create(ctx, tx, intent, "payment_intent.created").await?)
    } else {
        tx.save(ctx.scope(), intent).await?;
        None
    };
    if let (Some(charge), Some(event)) = (&attempt.charge, attempt.charge_event()) {
        respond::create(ctx, tx, charge, event).await?;
    }
    match (attempt.payment_intent_event(), created) {
        (Some(event), Some(wire)) => respond::emit_wire(ctx, tx, event, &wire).await?,
        (Some(event), None) => respond::emit(ctx, tx, event, intent, None).await?,
        (None, _) => {}
    }
    Ok(())
}

/// The core leaves `next_action`'s 3-D Secure URL relative (it knows no address): prefixes it with this
/// server's public address. [`record`] stores it so; a handler answering with the intent does it too.
pub fn absolute_next_action(ctx: &Ctx, intent: &mut PaymentIntent) {
    let base = ctx.state().public_url.trim_end_matches('/');
    let Some(action) = intent.next_action.as_mut() else { return };
    if let Some(redirect) = action.redirect_to_url.as_mut()
        && redirect.url.starts_with('/')
    {
        redirect.url = format!("{base}{}", redirect.url);
    }
    if let Some(Value::String(url)) = action.use_stripe_sdk.as_mut().and_then(|sdk| sdk.get_mut("stripe_js"))
        && url.starts_with('/')
    {
        *url = format!("{base}{url}");
    }
}

/// The 402 for a declined attempt, carrying the charge, the intent and the payment method as Stripe's error
/// object does; `None` when the attempt was not declined.
pub fn declined(attempt: &Attempt) -> Option<ApiError> {
    let Outcome::Failed(error) = &attempt.outcome else { return None };
    let mut api = ApiError::from(error.clone()).with_extra("payment_intent", attempt.payment_intent.to_value());
    if let Some(charge) = &attempt.charge {
        api = api.with_extra("charge", Value::String(charge.id.clone()));
    }
    let payment_method = attempt.payment_intent.last_payment_error.as_ref().and_then(|e| e.payment_method.as_ref());
    if let Some(payment_method) = payment_method {
        api = api.with_extra("payment_method", payment_method.to_value());
    }
    Some(api)
}

/// Loads a PaymentIntent of the acting account for a change.
async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<PaymentIntent, ApiError> {
    tx.load_for_update::<PaymentIntent>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("payment_intent", id, "intent"))
}

/// Maps a refusal to Stripe's error; the ones about the intent's state carry the intent itself.
fn refusal(error: PaymentIntentError, intent: Option<&PaymentIntent>) -> ApiError {
    let api = match error {
        PaymentIntentError::Param(error) => ApiError::from(error),
        PaymentIntentError::PaymentMethodTypesNoLongerSupported => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            Some("payment_method_types_no_longer_supported"),
            PaymentIntentError::PaymentMethodTypesNoLongerSupported.to_string(),
        )
        .with_param("payment_method_types"),
        PaymentIntentError::UnexpectedState(message) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            Some("payment_intent_unexpected_state"),
            message,
        ),
    };
    match intent {
        Some(intent) => api.with_extra("payment_intent", intent.to_value()),
        None => api,
    }
}

/// A payment method the intent may be paid with (its customer's, or one without a customer that was never
/// detached from one), and the record of its card.
async fn check_usable(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    payment_method: &PaymentMethod,
    intent_customer: Option<&str>,
) -> Result<CardRecord, ApiError> {
    check_ownership(&payment_method.id, payment_method.customer.as_deref(), intent_customer)?;
    let record = payment_methods::record(ctx, tx, &payment_method.id).await?;
    if record.detached && payment_method.customer.is_none() {
        return Err(ApiError::invalid_request(DETACHED_REUSE).with_param("payment_method"));
    }
    Ok(record)
}

/// Confirms `intent` (already stored) with `card`, records the attempt and answers with the intent,
/// or with the decline (402) while keeping the changes.
async fn run_confirm(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    intent: &PaymentIntent,
    card: Instrument<'_>,
    options: &Confirmation,
    expand: &[String],
) -> ApiResult {
    let mut attempt = payments::confirm_with(&*ctx.state().processor, intent, card, options, ctx.now());
    absolute_next_action(ctx, &mut attempt.payment_intent);
    record(ctx, tx, &attempt, false).await?;
    match declined(&attempt) {
        Some(error) => Ok(error_keeping_changes(error)),
        None => respond::object(ctx, tx, &attempt.payment_intent, expand).await,
    }
}

/// What Stripe does with `off_session=true` on a PaymentIntent: the customer cannot authenticate, so a card
/// asking for 3-D Secure fails with `authentication_required` instead of waiting.
fn confirmation(off_session: bool, return_url: Option<String>) -> Confirmation {
    Confirmation { off_session, error_on_requires_action: off_session, return_url }
}

/// https://docs.stripe.com/api/payment_intents/create
pub async fn create(ctx: Ctx, Params { mut params, expand }: Params<PaymentIntentCreate>) -> ApiResult {
    params.validate().map_err(|e| refusal(e, None))?;
    let confirm = params.confirm == Some(true);
    let off_session = off_session(params.off_session.take().as_deref())?;
    let return_url = params.return_url.take();
    let requested = params.payment_method.take();
    let mut tx = ctx.tx().await;
    if let Some(customer) = &params.customer
        && tx.get(ctx.scope(), "customer", customer).await?.is_none()
    {
        return Err(missing_reference("customer", customer, "customer"));
    }
    let payment_method = match requested {
        Some(id) => Some(payment_methods::resolve(&ctx, &mut **tx, &id, "payment_method").await?),
        None => None,
    };
    let card_record = match &payment_method {
        Some(pm) => Some(check_usable(&ctx, &mut **tx, pm, params.customer.as_deref()).await?),
        None => None,
    };
    let mut intent = PaymentIntent::create(params, ctx.scope().livemode, ctx.now()).map_err(|e| refusal(e, None))?;
    if let Some(pm) = &payment_method {
        intent.payment_method = Some(pm.id.clone());
        intent.status = PaymentIntentStatus::RequiresConfirmation;
    }
    if confirm {
        // Refused before anything is stored, so the error names no intent.
        intent.confirmable(None, return_url.as_deref()).map_err(|e| refusal(e, None))?;
    }
    let created = Attempt { payment_intent: intent, charge: None, outcome: Outcome::RequiresPaymentMethod };
    record(&ctx, &mut **tx, &created, true).await?;
    match (&payment_method, &card_record) {
        (Some(payment_method), Some(record)) if confirm => {
            let options = confirmation(off_session, return_url);
            let card = Instrument { payment_method, record };
            run_confirm(&ctx, &mut **tx, &created.payment_intent, card, &options, &expand).await
        }
        _ => respond::object(&ctx, &mut **tx, &created.payment_intent, &expand).await,
    }
}

/// https://docs.stripe.com/api/payment_intents/retrieve
pub async fn retrieve(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<super::IntentRetrieveParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let intent = tx
        .load::<PaymentIntent>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("payment_intent", &id, "intent"))?;
    params.check(&intent.client_secret, "PaymentIntent")?;
    respond::object(&ctx, &mut **tx, &intent, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
}

/// https://docs.stripe.com/api/payment_intents/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    let mut tx = ctx.tx().await;
    let (intents, has_more) = tx.list_typed::<PaymentIntent>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, PaymentIntent::KIND, "/v1/payment_intents", &intents, has_more, &expand).await
}

/// https://docs.stripe.com/api/payment_intents/confirm — only `payment_method`, `off_session` and
/// `return_url`: what a server confirming a card payment sends.
pub async fn confirm(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<PaymentIntentConfirm>,
) -> ApiResult {
    let off_session = off_session(params.off_session.as_deref())?;
    let mut tx = ctx.tx().await;
    let intent = load(&ctx, &mut **tx, &id).await?;
    let requested = match params.payment_method {
        Some(pm) => Some(payment_methods::resolve(&ctx, &mut **tx, &pm, "payment_method").await?),
        None => None,
    };
    let pm_id = intent
        .confirmable(requested.as_ref().map(|pm| pm.id.as_str()), params.return_url.as_deref())
        .map_err(|e| refusal(e, Some(&intent)))?;
    let payment_method = match requested {
        Some(pm) => pm,
        None => payment_methods::load(&ctx, &mut **tx, &pm_id, "payment_method").await?,
    };
    let record = check_usable(&ctx, &mut **tx, &payment_method, intent.customer.as_deref()).await?;
    let options = confirmation(off_session, params.return_url);
    let card = Instrument { payment_method: &payment_method, record: &record };
    run_confirm(&ctx, &mut **tx, &intent, card, &options, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthenticateParams {
    outcome: Option<AuthenticationOutcome>,
}

/// `POST /v1/test_helpers/payment_intents/{id}/authenticate` — a Portico extension, not a Stripe endpoint.
/// Stands in for the customer on the 3-D Secure page Stripe would host: `outcome=succeed` (the default) lets
/// the issuer decide on an intent waiting in `requires_action` (most cards are then charged, two test cards
/// are declined), `outcome=fail` sends it back to `requires_payment_method` with
/// `payment_intent_authentication_failure`. Answers with the intent either way: the customer, not the
/// merchant, made this request.
pub async fn authenticate(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<AuthenticateParams>,
) -> ApiResult {
    if ctx.scope().livemode {
        return Err(ApiError::invalid_request("Test helpers can only be used with a test mode key (sk_test_…)."));
    }
    let mut tx = ctx.tx().await;
    let attempt = authenticate_intent(&ctx, &mut **tx, &id, params.outcome.unwrap_or_default()).await?;
    respond::object(&ctx, &mut **tx, &attempt.payment_intent, &expand).await
}

/// The customer's answer to 3-D Secure on the intent `id`, recorded with its events (the test helper above,
/// and the hosted invoice page's challenge).
pub async fn authenticate_intent(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    outcome: AuthenticationOutcome,
) -> Result<Attempt, ApiError> {
    let intent = load(ctx, tx, id).await?;
    intent.awaiting_authentication().map_err(|e| refusal(e, Some(&intent)))?;
    let pm_id = intent.payment_method.clone().ok_or_else(|| {
        ApiError::internal(format!("payment intent {id} awaits authentication without a payment method"))
    })?;
    let payment_method = payment_methods::load(ctx, tx, &pm_id, "payment_method").await?;
    let attempt = match outcome {
        AuthenticationOutcome::Succeed => {
            let card_record = payment_methods::record(ctx, tx, &pm_id).await?;
            let card = Instrument { payment_method: &payment_method, record: &card_record };
            payments::complete_authentication(&*ctx.state().processor, &intent, card, ctx.now())
        }
        AuthenticationOutcome::Fail => payments::fail_authentication(&intent, &payment_method),
    };
    record(ctx, tx, &attempt, false).await?;
    Ok(attempt)
}
