//! SetupIntents: https://docs.stripe.com/api/setup_intents
//!
//! A declined confirmation answers 402 but keeps its effects, as Stripe does: the intent goes back to
//! `requires_payment_method` with `last_setup_error`, and `setup_intent.setup_failed` is recorded.

use axum::extract::Path;
use axum::http::StatusCode;
use portico_core::cards::{CardError, SetupOutcome};
use portico_core::objects::Object;
use portico_core::objects::payment_method::{DETACHED_REUSE, PaymentMethod, PaymentMethodData};
use portico_core::objects::setup_intent::{
    Attempt, AuthenticationOutcome, SetupIntent, SetupIntentCancel, SetupIntentConfirm, SetupIntentCreate,
    SetupIntentError, SetupIntentUpdate, Transition, Usage, check_ownership,
};
use portico_core::{ParamCode, ParamError};
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;

use super::payment_methods;
use crate::context::{Ctx, error_keeping_changes};
use crate::error::{ApiError, ApiResult, ErrorType};
use crate::extract::{ListParams, Params};
use crate::respond;

/// Loads a SetupIntent of the acting account; Stripe's 404 spells the noun as one word.
async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<SetupIntent, ApiError> {
    tx.load_for_update::<SetupIntent>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("setupintent", id, "intent"))
}

/// Maps a refusal to Stripe's error; the ones about the intent's state carry the intent itself.
fn refusal(error: SetupIntentError, intent: Option<&SetupIntent>) -> ApiError {
    let api = match error {
        SetupIntentError::Param(error) => ApiError::from(error),
        SetupIntentError::PaymentMethodTypesNoLongerSupported => {
            let message = SetupIntentError::PaymentMethodTypesNoLongerSupported.to_string();
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorType::InvalidRequestError,
                Some("payment_method_types_no_longer_supported"),
                message,
            )
            .with_param("payment_method_types")
        }
        SetupIntentError::UnexpectedState(message) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            Some("setup_intent_unexpected_state"),
            message,
        ),
    };
    with_intent(api, intent)
}

fn with_intent(error: ApiError, intent: Option<&SetupIntent>) -> ApiError {
    match intent.and_then(|intent| serde_json::to_value(intent).ok()) {
        Some(value) => error.with_extra("setup_intent", value),
        None => error,
    }
}

/// A customer the intent may name.
async fn check_customer(ctx: &Ctx, tx: &mut dyn Tx, customer: &str) -> Result<(), ApiError> {
    tx.get(ctx.scope(), "customer", customer)
        .await?
        .map(|_| ())
        .ok_or_else(|| ApiError::no_such("customer", customer, "customer"))
}

/// The payment method an intent request names: an id, a test token, or `payment_method_data` to create one.
async fn requested_payment_method(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: Option<String>,
    data: Option<PaymentMethodData>,
) -> Result<Option<PaymentMethod>, ApiError> {
    match (id, data) {
        (Some(_), Some(_)) => Err(ParamError::new(
            ParamCode::ParametersExclusive,
            "payment_method_data",
            "You may only specify one of these parameters: payment_method, payment_method_data.",
        )
        .into()),
        (Some(id), None) => Ok(Some(payment_methods::resolve(ctx, tx, &id, "payment_method").await?)),
        (None, Some(data)) => Ok(Some(payment_methods::create_from(ctx, tx, data.into()).await?)),
        (None, None) => Ok(None),
    }
}

/// What a confirmation was asked to do besides using a payment method.
struct ConfirmRequest {
    payment_method: Option<String>,
    return_url: Option<String>,
    use_stripe_sdk: bool,
}

/// Confirms `intent` (already stored) and records the outcome and its events. `Some(error)` when the card
/// was declined: the caller answers 402 and keeps the changes.
async fn run_confirm(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    intent: &mut SetupIntent,
    request: ConfirmRequest,
) -> Result<Option<ApiError>, ApiError> {
    let id = intent
        .confirmable(request.payment_method.as_deref(), request.return_url.as_deref())
        .map_err(|e| refusal(e, Some(intent)))?;
    let payment_method = payment_methods::load(ctx, tx, &id, "payment_method").await?;
    check_ownership(&payment_method.id, payment_method.customer.as_deref(), intent.customer.as_deref())
        .map_err(|e| refusal(e.into(), Some(intent)))?;
    let mut record = payment_methods::record(ctx, tx, &payment_method.id).await?;
    if record.detached && payment_method.customer.is_none() {
        return Err(with_intent(ApiError::invalid_request(DETACHED_REUSE).with_param("payment_method"), Some(intent)));
    }
    let outcome = if payment_method.is_expired(ctx.now()) {
        SetupOutcome::Failed(CardError::expired_card())
    } else {
        ctx.state().processor.setup(&record.facts, intent.usage == Usage::OffSession)
    };
    let transition = intent.record_outcome(Attempt {
        payment_method: &payment_method,
        outcome,
        return_url: request.return_url,
        use_stripe_sdk: request.use_stripe_sdk,
        authenticate_url: authenticate_url(ctx, &intent.id),
    });
    if transition == Transition::Succeeded {
        set_up(ctx, tx, intent, payment_method, &mut record).await?;
    }
    tx.save(ctx.scope(), &*intent).await?;
    respond::emit(ctx, tx, transition.event_type(), &*intent, None).await?;
    Ok(match transition {
        Transition::Declined(error) => Some(declined(error, intent)),
        _ => None,
    })
}

/// A succeeded setup saves the card to the intent's customer (Stripe's `payment_method.attached` comes
/// before `setup_intent.succeeded`) and remembers an off-session setup for later payments.
async fn set_up(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    intent: &SetupIntent,
    payment_method: PaymentMethod,
    record: &mut portico_core::objects::payment_method::CardRecord,
) -> Result<(), ApiError> {
    if let Some(customer) = &intent.customer {
        payment_methods::attach_checked(ctx, tx, payment_method, customer, false).await?;
    }
    if intent.usage == Usage::OffSession && !record.set_up_for_off_session {
        record.set_up_for_off_session = true;
        tx.save(ctx.scope(), &*record).await?;
    }
    Ok(())
}

/// The 402 for a declined card, carrying the intent and the payment method as Stripe's error object does.
fn declined(error: CardError, intent: &SetupIntent) -> ApiError {
    let payment_method =
        intent.last_setup_error.as_ref().and_then(|e| e.payment_method.as_ref()).map(PaymentMethod::to_value);
    let api = with_intent(ApiError::from(error), Some(intent));
    match payment_method {
        Some(value) => api.with_extra("payment_method", value),
        None => api,
    }
}

/// Where 3-D Secure is completed in test mode: Portico's test helper (there is no hosted challenge page).
fn authenticate_url(ctx: &Ctx, id: &str) -> String {
    format!("{}/v1/test_helpers/setup_intents/{id}/authenticate", ctx.state().public_url.trim_end_matches('/'))
}

/// The response after a confirmation: the intent, or the decline error with the changes kept.
async fn confirmed(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    intent: &SetupIntent,
    declined: Option<ApiError>,
    expand: &[String],
) -> ApiResult {
    match declined {
        Some(error) => Ok(error_keeping_changes(error)),
        None => respond::object(ctx, tx, intent, expand).await,
    }
}

/// https://docs.stripe.com/api/setup_intents/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<SetupIntentCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let (intent, declined) = create_intent(&ctx, &mut **tx, params).await?;
    confirmed(&ctx, &mut **tx, &intent, declined, &expand).await
}

/// Creates (and, with `confirm`, confirms) a SetupIntent in `tx`: the API's create and the portal's card form.
/// `Some(error)` beside the intent when the card was declined; the intent and its events are kept then.
pub async fn create_intent(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    mut params: SetupIntentCreate,
) -> Result<(SetupIntent, Option<ApiError>), ApiError> {
    params.validate().map_err(|e| refusal(e, None))?;
    if let Some(customer) = &params.customer {
        check_customer(ctx, tx, customer).await?;
    }
    let payment_method =
        requested_payment_method(ctx, tx, params.payment_method.take(), params.payment_method_data.take()).await?;
    if let Some(pm) = &payment_method {
        check_ownership(&pm.id, pm.customer.as_deref(), params.customer.as_deref())?;
    }
    params.payment_method = payment_method.map(|pm| pm.id);
    let request = ConfirmRequest {
        payment_method: None,
        return_url: params.return_url.clone(),
        use_stripe_sdk: params.use_stripe_sdk == Some(true),
    };
    let confirm = params.confirm == Some(true);
    let mut intent = SetupIntent::create(params, ctx.scope().livemode, ctx.now()).map_err(|e| refusal(e, None))?;
    tx.create(ctx.scope(), &intent).await?;
    respond::emit(ctx, tx, "setup_intent.created", &intent, None).await?;
    let declined = match confirm {
        // A refused confirmation undoes the create, so the error names no intent.
        true => run_confirm(ctx, tx, &mut intent, request).await.map_err(|mut e| {
            if let Some(extra) = e.extra.as_mut() {
                extra.remove("setup_intent");
            }
            e
        })?,
        false => None,
    };
    Ok((intent, declined))
}

/// https://docs.stripe.com/api/setup_intents/retrieve
pub async fn retrieve(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<super::IntentRetrieveParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let intent = tx
        .load::<SetupIntent>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("setupintent", &id, "intent"))?;
    params.check(&intent.client_secret, "SetupIntent")?;
    respond::object(&ctx, &mut **tx, &intent, &expand).await
}

/// https://docs.stripe.com/api/setup_intents/update — Stripe has no `setup_intent.updated` event, so an
/// update records none.
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { mut params, expand }: Params<SetupIntentUpdate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut intent = load(&ctx, &mut **tx, &id).await?;
    if params.payment_method_types.is_some() {
        return Err(refusal(SetupIntentError::PaymentMethodTypesNoLongerSupported, Some(&intent)));
    }
    if let Some(customer) = &params.customer {
        check_customer(&ctx, &mut **tx, customer).await?;
    }
    let payment_method =
        requested_payment_method(&ctx, &mut **tx, params.payment_method.take(), params.payment_method_data.take())
            .await?;
    if let Some(pm) = &payment_method {
        let customer = params.customer.as_deref().or(intent.customer.as_deref());
        check_ownership(&pm.id, pm.customer.as_deref(), customer).map_err(|e| refusal(e.into(), Some(&intent)))?;
    }
    params.payment_method = payment_method.map(|pm| pm.id);
    let snapshot = intent.clone();
    intent.update(params).map_err(|e| refusal(e, Some(&snapshot)))?;
    tx.save(ctx.scope(), &intent).await?;
    respond::object(&ctx, &mut **tx, &intent, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    payment_method: Option<String>,
}

/// https://docs.stripe.com/api/setup_intents/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    if let Some(payment_method) = filters.payment_method {
        page.filters.push(FieldFilter::eq("payment_method", Scalar::Str(payment_method)));
    }
    let mut tx = ctx.tx().await;
    let (intents, has_more) = tx.list_typed::<SetupIntent>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, SetupIntent::KIND, "/v1/setup_intents", &intents, has_more, &expand).await
}

/// https://docs.stripe.com/api/setup_intents/confirm
pub async fn confirm(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<SetupIntentConfirm>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut intent = load(&ctx, &mut **tx, &id).await?;
    if params.client_secret.as_ref().is_some_and(|secret| *secret != intent.client_secret) {
        return Err(ApiError::invalid_request(
            "The client_secret provided does not match the client_secret associated with the SetupIntent.",
        )
        .with_param("client_secret"));
    }
    if let Some(options) = params.payment_method_options {
        intent.payment_method_options.apply(options)?;
    }
    let payment_method =
        requested_payment_method(&ctx, &mut **tx, params.payment_method, params.payment_method_data).await?;
    let request = ConfirmRequest {
        payment_method: payment_method.map(|pm| pm.id),
        return_url: params.return_url,
        use_stripe_sdk: params.use_stripe_sdk == Some(true),
    };
    let declined = run_confirm(&ctx, &mut **tx, &mut intent, request).await?;
    confirmed(&ctx, &mut **tx, &intent, declined, &expand).await
}

/// https://docs.stripe.com/api/setup_intents/cancel
pub async fn cancel(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<SetupIntentCancel>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut intent = load(&ctx, &mut **tx, &id).await?;
    let snapshot = intent.clone();
    intent.cancel(params.cancellation_reason).map_err(|e| refusal(e, Some(&snapshot)))?;
    tx.save(ctx.scope(), &intent).await?;
    respond::emit(&ctx, &mut **tx, "setup_intent.canceled", &intent, None).await?;
    respond::object(&ctx, &mut **tx, &intent, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthenticateParams {
    outcome: Option<AuthenticationOutcome>,
}

/// `POST /v1/test_helpers/setup_intents/{id}/authenticate` — a Portico extension, not a Stripe endpoint.
/// Stands in for the customer on the 3-D Secure page Stripe would host: `outcome=succeed` (the default)
/// completes an intent waiting in `requires_action`, `outcome=fail` sends it back to
/// `requires_payment_method` with `setup_intent_authentication_failure`, as a failed challenge does.
pub async fn authenticate(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<AuthenticateParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let intent = authenticate_intent(&ctx, &mut **tx, &id, params.outcome.unwrap_or_default()).await?;
    respond::object(&ctx, &mut **tx, &intent, &expand).await
}

/// The test helper's logic in `tx`, shared with the portal's simulated challenge page.
pub async fn authenticate_intent(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    outcome: AuthenticationOutcome,
) -> Result<SetupIntent, ApiError> {
    if ctx.scope().livemode {
        return Err(ApiError::invalid_request("Test helpers can only be used with a test mode key (sk_test_…)."));
    }
    let mut intent = load(ctx, tx, id).await?;
    intent.awaiting_authentication().map_err(|e| refusal(e, Some(&intent)))?;
    let pm_id = intent.payment_method.clone().ok_or_else(|| {
        ApiError::internal(format!("setup intent {id} awaits authentication without a payment method"))
    })?;
    let payment_method = payment_methods::load(ctx, tx, &pm_id, "payment_method").await?;
    let snapshot = intent.clone();
    let transition = intent.authenticate(outcome, &payment_method).map_err(|e| refusal(e, Some(&snapshot)))?;
    if transition == Transition::Succeeded {
        let mut record = payment_methods::record(ctx, tx, &pm_id).await?;
        set_up(ctx, tx, &intent, payment_method, &mut record).await?;
    }
    tx.save(ctx.scope(), &intent).await?;
    respond::emit(ctx, tx, transition.event_type(), &intent, None).await?;
    Ok(intent)
}
