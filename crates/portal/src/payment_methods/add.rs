//! Adding a card: a plain form whose details go, server-side, through Portico's own SetupIntent flow
//! (`POST /v1/setup_intents` with `payment_method_data[card]…`, `usage=off_session`, `confirm=true`).
//!
//! The card number and CVC live only in the request: they are never stored, logged, or shown again (a form
//! shown back after an error keeps the name, expiry and postal code, never the number or CVC).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_api::error::ApiError;
use portico_api::resources::setup_intents;
use portico_core::Patch;
use portico_core::cards::{self, Brand, CardErrorCode};
use portico_core::objects::payment_method::{
    AddressParams, BillingDetailsParams, CardParams, PaymentMethodData, Redacted,
};
use portico_core::objects::setup_intent::{SetupIntentCreate, SetupIntentStatus, Usage};

use super::{default_if_needed, enabled, respond};
use crate::context::Visit;
use crate::form::{self, Form};
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};

#[derive(Template)]
#[template(path = "payment_methods_new.html")]
pub(super) struct CardPage {
    chrome: Chrome,
    form: Typed,
    errors: Errors,
    /// Whether the new card will become the default (no default yet, or a `payment_method_update` flow).
    becomes_default: bool,
    test_mode: bool,
}

impl Page for CardPage {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// What the customer typed and may see again: never the number nor the CVC.
#[derive(Default)]
pub(super) struct Typed {
    pub name: String,
    pub expiry: String,
    pub postal_code: String,
}

/// A message per field, and one for the form when no field is to blame.
#[derive(Default)]
pub(super) struct Errors {
    pub name: Option<String>,
    pub number: Option<String>,
    pub expiry: Option<String>,
    pub cvc: Option<String>,
    pub form: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.name.is_some()
            || self.number.is_some()
            || self.expiry.is_some()
            || self.cvc.is_some()
            || self.form.is_some()
    }
}

/// `GET /p/payment-methods/new`
pub async fn new(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(show(&state, &headers).await)
}

/// `POST /p/payment-methods/new`
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    respond(submit(&state, &headers, &body).await)
}

async fn show(state: &AppState, headers: &HeaderMap) -> Result<Response, Refusal> {
    let visit = Visit::begin(state, headers, unix_now()).await?;
    enabled(&visit)?;
    card_page(visit, StatusCode::OK, Typed::default(), Errors::default()).await
}

/// The card form, committing the visit.
pub(super) async fn card_page(
    visit: Visit,
    status: StatusCode,
    form: Typed,
    errors: Errors,
) -> Result<Response, Refusal> {
    let flow = visit.session.flow.as_ref().is_some_and(|flow| {
        flow.kind == portico_core::objects::billing_portal::session::flow::FlowType::PaymentMethodUpdate
    });
    let page = CardPage {
        chrome: Chrome::of(&visit),
        form,
        errors,
        becomes_default: flow || visit.customer.invoice_settings.default_payment_method.is_none(),
        test_mode: !visit.scope.livemode,
    };
    visit.commit().await?;
    Ok(render::html(status, &page))
}

/// Card details that passed the form's own checks, ready for the API.
struct Card {
    name: String,
    number: String,
    exp_month: i64,
    exp_year: i64,
    cvc: String,
    postal_code: Option<String>,
}

async fn submit(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let form = form::checked(&visit, body)?;
    enabled(&visit)?;
    let typed = Typed {
        name: form.typed("name").to_owned(),
        expiry: form.typed("expiry").to_owned(),
        postal_code: form.typed("postal_code").to_owned(),
    };
    let card = match checked(&visit.lang, &form, visit.now) {
        Ok(card) => card,
        Err(errors) => return card_page(visit, StatusCode::UNPROCESSABLE_ENTITY, typed, errors).await,
    };
    let params = setup_params(card, visit.customer.id.clone());
    let result = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            setup_intents::create_intent(ctx, &mut **tx, params).await
        })
        .await;
    let (intent, declined) = match result {
        Ok(outcome) => outcome,
        Err(error) => return failed(state, headers, visit, typed, &error).await,
    };
    if let Some(error) = declined {
        // As Stripe does (and the API answers 402 keeping its changes): the declined SetupIntent stays, back in
        // `requires_payment_method` with `setup_intent.setup_failed` recorded; nothing was attached.
        let errors = api_errors(&visit.lang, &error);
        return card_page(visit, StatusCode::PAYMENT_REQUIRED, typed, errors).await;
    }
    let root = Chrome::of(&visit).root;
    match (intent.status, intent.payment_method.as_deref()) {
        (SetupIntentStatus::RequiresAction, _) => {
            visit.commit().await?;
            Ok(render::see_other(&format!("{root}payment-methods/authenticate/{}", intent.id)))
        }
        (SetupIntentStatus::Succeeded, Some(pm)) => {
            if let Err(error) = default_if_needed(&mut visit, pm).await {
                return failed(state, headers, visit, typed, &error).await;
            }
            let otherwise = format!("{root}payment-methods?done=added");
            let response = crate::flows::finish(&mut visit, "payment_method_added", &otherwise).await?;
            visit.commit().await?;
            Ok(response)
        }
        (status, _) => Err(Refusal::failed(format!("setup intent {} confirmed to {status:?}", intent.id))),
    }
}

/// A command failed: everything it did is rolled back and the form shows again with the reason.
async fn failed(
    state: &AppState,
    headers: &HeaderMap,
    visit: Visit,
    typed: Typed,
    error: &ApiError,
) -> Result<Response, Refusal> {
    drop(visit);
    let visit = Visit::begin(state, headers, unix_now()).await?;
    let errors = api_errors(&visit.lang, error);
    card_page(visit, StatusCode::UNPROCESSABLE_ENTITY, typed, errors).await
}

/// The SetupIntent the API would be sent for this card: created for the customer, for later off-session
/// renewals, and confirmed at once.
fn setup_params(card: Card, customer: String) -> SetupIntentCreate {
    let billing_details = BillingDetailsParams {
        name: Patch::Set(card.name),
        address: match card.postal_code {
            Some(postal_code) => {
                Patch::Set(AddressParams { postal_code: Patch::Set(postal_code), ..AddressParams::default() })
            }
            None => Patch::Absent,
        },
        ..BillingDetailsParams::default()
    };
    SetupIntentCreate {
        customer: Some(customer),
        // The form takes cards only, so no redirect-based method (which would need a `return_url`) can come up.
        allowed_payment_method_types: Some(vec!["card".into()]),
        usage: Some(Usage::OffSession),
        confirm: Some(true),
        payment_method_data: Some(PaymentMethodData {
            kind: Some("card".into()),
            billing_details: Some(billing_details),
            card: Some(CardParams {
                number: Some(Redacted::new(card.number)),
                exp_month: Some(card.exp_month),
                exp_year: Some(card.exp_year),
                cvc: Some(Redacted::new(card.cvc)),
                ..CardParams::default()
            }),
            ..PaymentMethodData::default()
        }),
        ..SetupIntentCreate::default()
    }
}

/// The form's fields checked with the rules the API applies (so every mistake shows at once, each beside its
/// field), or the messages.
fn checked(lang: &Lang, form: &Form, now: i64) -> Result<Card, Errors> {
    let mut errors = Errors::default();
    let name = form.get("name");
    if name.is_none() {
        errors.name = Some(lang.t("pm-error-name-missing"));
    }
    let digits = match form.get("number") {
        None => {
            errors.number = Some(lang.t("pm-error-number-missing"));
            None
        }
        Some(number) => match cards::validate_number(number) {
            Ok(digits) => Some(digits),
            Err(error) => {
                errors.number = Some(card_message(lang, &error.code, None));
                None
            }
        },
    };
    let expiry = match form.get("expiry") {
        None => {
            errors.expiry = Some(lang.t("pm-error-expiry-missing"));
            None
        }
        Some(text) => match parse_expiry(text) {
            None => {
                errors.expiry = Some(lang.t("pm-error-expiry-format"));
                None
            }
            Some((month, year)) => match cards::validate_expiry(month, year, now) {
                Ok(_) => Some((month, year)),
                Err(error) => {
                    errors.expiry = Some(card_message(lang, &error.code, None));
                    None
                }
            },
        },
    };
    let cvc = form.get("cvc");
    match cvc {
        None => errors.cvc = Some(lang.t("pm-error-cvc-missing")),
        Some(cvc) => {
            let brand = digits.as_deref().map_or(Brand::Unknown, Brand::of);
            if let Err(error) = cards::validate_cvc(cvc, brand) {
                errors.cvc = Some(card_message(lang, &error.code, None));
            }
        }
    }
    match (name, digits, expiry, cvc) {
        (Some(name), Some(number), Some((exp_month, exp_year)), Some(cvc)) if !errors.any() => Ok(Card {
            name: name.to_owned(),
            number,
            exp_month,
            exp_year,
            cvc: cvc.to_owned(),
            postal_code: form.get("postal_code").map(str::to_owned),
        }),
        _ => Err(errors),
    }
}

/// `MM/YY`, `MM / YYYY` or `MMYY` as (month, year); the year as typed (the API reads `30` as 2030).
fn parse_expiry(text: &str) -> Option<(i64, i64)> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (month, year) = match compact.split_once(['/', '-']) {
        Some(parts) => parts,
        None if compact.len() == 4 || compact.len() == 6 => compact.split_at(2),
        None => return None,
    };
    let digits = |s: &str, lens: &[usize]| {
        (lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<i64>().ok()).flatten()
    };
    Some((digits(month, &[1, 2])?, digits(year, &[2, 4])?))
}

/// A card error in plain words, for the field it belongs to.
fn card_message(lang: &Lang, code: &CardErrorCode, decline_code: Option<&str>) -> String {
    match code {
        CardErrorCode::InvalidNumber => lang.t("pm-error-number-invalid"),
        CardErrorCode::IncorrectNumber => lang.t("pm-error-number-incorrect"),
        CardErrorCode::InvalidExpiryMonth => lang.t("pm-error-expiry-month"),
        CardErrorCode::InvalidExpiryYear => lang.t("pm-error-expiry-past"),
        CardErrorCode::InvalidCvc => lang.t("pm-error-cvc-invalid"),
        CardErrorCode::IncorrectCvc => lang.t("pm-decline-incorrect-cvc"),
        CardErrorCode::ExpiredCard => lang.t("pm-decline-expired"),
        CardErrorCode::ProcessingError => lang.t("pm-decline-processing"),
        CardErrorCode::AuthenticationRequired => lang.t("pm-decline-authentication"),
        // Stripe words every decline reason but insufficient funds alike, so the portal does too.
        CardErrorCode::CardDeclined => match decline_code {
            Some("insufficient_funds") => lang.t("pm-decline-insufficient-funds"),
            _ => lang.t("pm-decline-generic"),
        },
    }
}

/// Which field a card error belongs to (the API's `param`); declines without one go beside the number.
fn field_of<'a>(errors: &'a mut Errors, code: &CardErrorCode) -> &'a mut Option<String> {
    match code {
        CardErrorCode::InvalidExpiryMonth | CardErrorCode::InvalidExpiryYear | CardErrorCode::ExpiredCard => {
            &mut errors.expiry
        }
        CardErrorCode::InvalidCvc | CardErrorCode::IncorrectCvc => &mut errors.cvc,
        _ => &mut errors.number,
    }
}

/// The API's error beside its field; an unexpected one shows its (English) message on the form.
pub(super) fn api_errors(lang: &Lang, error: &ApiError) -> Errors {
    let mut errors = Errors::default();
    let code = error.code.and_then(|code| serde_json::from_value::<CardErrorCode>(code.into()).ok());
    match code {
        Some(code) => *field_of(&mut errors, &code) = Some(card_message(lang, &code, error.decline_code.as_deref())),
        None => errors.form = Some(lang.t1("pm-error-unknown", "message", &error.message)),
    }
    errors
}

/// A failed 3-D Secure challenge (`setup_intent_authentication_failure`), beside the number.
pub(super) fn authentication_failed(lang: &Lang) -> Errors {
    Errors { number: Some(lang.t("pm-decline-authentication-failed")), ..Errors::default() }
}

#[cfg(test)]
mod tests {
    use portico_core::cards::CardError;

    use super::*;

    #[test]
    fn expiry_dates_are_read_in_the_usual_spellings() {
        assert_eq!(parse_expiry("04/30"), Some((4, 30)));
        assert_eq!(parse_expiry(" 4 / 2030 "), Some((4, 2030)));
        assert_eq!(parse_expiry("0430"), Some((4, 30)));
        assert_eq!(parse_expiry("04-30"), Some((4, 30)));
        assert_eq!(parse_expiry("13/30"), Some((13, 30)));
        assert_eq!(parse_expiry("april"), None);
        assert_eq!(parse_expiry("04/3"), None);
        assert_eq!(parse_expiry("/30"), None);
    }

    #[test]
    fn declines_are_worded_as_stripe_words_them_and_land_beside_their_field() {
        let lang = Lang::english();
        let shown = |error: CardError| api_errors(&lang, &ApiError::from(error));
        let stolen = shown(CardError::declined("stolen_card"));
        assert_eq!(stolen.number, shown(CardError::declined("generic_decline")).number);
        assert_ne!(stolen.number, shown(CardError::declined("insufficient_funds")).number);
        let expired = shown(CardError::expired_card());
        assert!(expired.expiry.is_some() && expired.number.is_none());
        assert!(shown(CardError::incorrect_cvc()).cvc.is_some());
    }
}
