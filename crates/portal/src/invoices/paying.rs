//! Paying an open invoice, for the portal and the hosted invoice page alike: with a saved card of the
//! customer, or with a new card that is first created and attached to the customer (`POST /v1/payment_methods`
//! then `/attach`), then the API's own `POST /v1/invoices/{id}/pay` logic, all in the request's transaction.
//!
//! A declined card keeps the failed attempt (the charge, the PaymentIntent, `invoice.payment_failed`), as the
//! API and Stripe do; a card refused before any charge (invalid, or declined when attached) changes nothing.
//! Card numbers and security codes live only in the request: never stored, logged or shown back.

use portico_api::billing::collect::Collected;
use portico_api::context::Ctx;
use portico_api::error::ApiError;
use portico_api::resources::{invoices, payment_methods};
use portico_core::cards::{self, Brand, CardErrorCode};
use portico_core::objects::invoice::Invoice;
use portico_core::objects::payment_method::{CardParams, PaymentMethodCreate, Redacted};
use portico_core::objects::setup_intent::AuthenticationOutcome;
use portico_core::{Scope, Timestamp};
use portico_store::{ListQuery, StoreError, Tx, TxExt};

use crate::form::Form;
use crate::i18n::Lang;
use crate::views::{self, PaymentMethodRow};

/// Saved payment methods offered to pay with.
const MAX_METHODS: u32 = 100;

/// A new card's details that passed the form's own checks.
pub struct NewCard {
    number: String,
    exp_month: i64,
    exp_year: i64,
    cvc: String,
}

/// What the customer typed and may see again: never the number nor the security code.
#[derive(Default)]
pub struct Typed {
    pub payment_method: String,
    pub expiry: String,
}

impl Typed {
    pub fn of(form: &Form) -> Typed {
        Typed { payment_method: form.typed("payment_method").to_owned(), expiry: form.typed("expiry").to_owned() }
    }
}

/// A message per field, and one for the whole form when no field is to blame.
#[derive(Default)]
pub struct Errors {
    pub payment_method: Option<String>,
    pub number: Option<String>,
    pub expiry: Option<String>,
    pub cvc: Option<String>,
    pub form: Option<String>,
}

impl Errors {
    pub fn any(&self) -> bool {
        [&self.payment_method, &self.number, &self.expiry, &self.cvc, &self.form].iter().any(|e| e.is_some())
    }
}

/// How a payment attempt ended, for the page to answer. The attempt is kept in every case.
pub enum Attempted {
    Paid,
    /// The card asks for 3-D Secure: the challenge page follows.
    RequiresAction,
    /// Declined at the charge: the form shows why.
    Declined(ApiError),
}

/// The customer's saved cards, the default first.
pub async fn saved_methods(
    lang: &Lang,
    tx: &mut dyn Tx,
    scope: &Scope,
    customer: &portico_core::objects::customer::Customer,
) -> Result<Vec<PaymentMethodRow>, StoreError> {
    let query = ListQuery { limit: MAX_METHODS, customer: Some(customer.id.clone()), ..ListQuery::default() };
    let (methods, _) = tx.list_typed::<portico_core::objects::payment_method::PaymentMethod>(scope, &query).await?;
    let default = customer.invoice_settings.default_payment_method.as_deref();
    let mut rows: Vec<PaymentMethodRow> =
        methods.iter().filter(|pm| pm.card.is_some()).map(|pm| views::payment_method_row(lang, pm, default)).collect();
    rows.sort_by_key(|row| !row.is_default);
    Ok(rows)
}

/// A saved payment method chosen in the form, if it is one of `saved`.
pub fn chosen<'a>(lang: &Lang, form: &'a Form, saved: &[PaymentMethodRow]) -> Result<&'a str, Errors> {
    match form.get("payment_method") {
        Some(id) if saved.iter().any(|row| row.id == id) => Ok(id),
        _ => Err(Errors { payment_method: Some(lang.t("invoice-pay-error-choose")), ..Errors::default() }),
    }
}

/// The new-card form checked with the rules the API applies, every mistake beside its field at once.
pub fn new_card(lang: &Lang, form: &Form, now: Timestamp) -> Result<NewCard, Errors> {
    let mut errors = Errors::default();
    let digits = match form.get("number").map(cards::validate_number) {
        None => {
            errors.number = Some(lang.t("invoice-card-error-number-missing"));
            None
        }
        Some(Ok(digits)) => Some(digits),
        Some(Err(error)) => {
            errors.number = Some(card_message(lang, error.code, None));
            None
        }
    };
    let expiry = match form.get("expiry").map(parse_expiry) {
        None => {
            errors.expiry = Some(lang.t("invoice-card-error-expiry-missing"));
            None
        }
        Some(None) => {
            errors.expiry = Some(lang.t("invoice-card-error-expiry-format"));
            None
        }
        Some(Some((month, year))) => match cards::validate_expiry(month, year, now) {
            Ok(_) => Some((month, year)),
            Err(error) => {
                errors.expiry = Some(card_message(lang, error.code, None));
                None
            }
        },
    };
    let cvc = form.get("cvc");
    match cvc {
        None => errors.cvc = Some(lang.t("invoice-card-error-cvc-missing")),
        Some(cvc) => {
            if let Err(error) = cards::validate_cvc(cvc, digits.as_deref().map_or(Brand::Unknown, Brand::of)) {
                errors.cvc = Some(card_message(lang, error.code, None));
            }
        }
    }
    match (digits, expiry, cvc) {
        (Some(number), Some((exp_month, exp_year)), Some(cvc)) if !errors.any() => {
            Ok(NewCard { number, exp_month, exp_year, cvc: cvc.to_owned() })
        }
        _ => Err(errors),
    }
}

/// `MM/YY`, `MM / YYYY` or `MMYY` as (month, year), the year as typed (the API reads `30` as 2030).
fn parse_expiry(text: &str) -> Option<(i64, i64)> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (month, year) = match compact.split_once(['/', '-']) {
        Some(parts) => parts,
        None if compact.len() == 4 || compact.len() == 6 => compact.split_at(2),
        None => return None,
    };
    let number = |s: &str, lengths: &[usize]| {
        (lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    Some((number(month, &[1, 2])?, number(year, &[2, 4])?))
}

/// The new card created and attached to the invoice's customer (with its `payment_method.attached`), ready to
/// pay with: its id. The issuer checks it while attaching, so a declining card fails here, before any charge.
pub async fn attach_new_card(ctx: &Ctx, tx: &mut dyn Tx, card: NewCard, customer: &str) -> Result<String, ApiError> {
    let params = PaymentMethodCreate {
        kind: Some("card".into()),
        card: Some(CardParams {
            number: Some(Redacted::new(card.number)),
            exp_month: Some(card.exp_month),
            exp_year: Some(card.exp_year),
            cvc: Some(Redacted::new(card.cvc)),
            ..CardParams::default()
        }),
        ..PaymentMethodCreate::default()
    };
    let payment_method = payment_methods::create_from(ctx, tx, params).await?;
    payment_methods::attach_to_customer(ctx, tx, &payment_method.id, customer, "payment_method").await?;
    Ok(payment_method.id)
}

/// `POST /v1/invoices/{id}/pay` with `payment_method`, the customer present. An `Err` is a refusal that
/// changed nothing worth keeping: the caller rolls back.
pub async fn pay(ctx: &Ctx, tx: &mut dyn Tx, invoice: &str, payment_method: String) -> Result<Attempted, ApiError> {
    let params = invoices::PayParams { payment_method: Some(payment_method), ..invoices::PayParams::default() };
    let (_, collected) = invoices::pay_invoice(ctx, tx, invoice, params).await?;
    Ok(match collected {
        Some(Collected::Declined(error)) => Attempted::Declined(ApiError::from(error)),
        Some(Collected::RequiresAction) => Attempted::RequiresAction,
        _ => Attempted::Paid,
    })
}

/// The customer's answer to the 3-D Secure challenge of the invoice's payment: the invoice paid, or why not.
pub async fn authenticate(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &str,
    outcome: AuthenticationOutcome,
) -> Result<(Invoice, Option<ApiError>), ApiError> {
    invoices::complete_authentication(ctx, tx, invoice, outcome).await
}

/// A card error in plain words.
pub fn card_message(lang: &Lang, code: CardErrorCode, decline_code: Option<&str>) -> String {
    match code {
        CardErrorCode::InvalidNumber => lang.t("invoice-card-error-number-invalid"),
        CardErrorCode::IncorrectNumber => lang.t("invoice-card-error-number-incorrect"),
        CardErrorCode::InvalidExpiryMonth => lang.t("invoice-card-error-expiry-month"),
        CardErrorCode::InvalidExpiryYear => lang.t("invoice-card-error-expiry-past"),
        CardErrorCode::InvalidCvc => lang.t("invoice-card-error-cvc-invalid"),
        CardErrorCode::IncorrectCvc => lang.t("invoice-decline-incorrect-cvc"),
        CardErrorCode::ExpiredCard => lang.t("invoice-decline-expired"),
        CardErrorCode::ProcessingError => lang.t("invoice-decline-processing"),
        CardErrorCode::AuthenticationRequired => lang.t("invoice-decline-authentication"),
        // Stripe words every decline reason but insufficient funds alike, so the page does too.
        CardErrorCode::CardDeclined => match decline_code {
            Some("insufficient_funds") => lang.t("invoice-decline-insufficient-funds"),
            _ => lang.t("invoice-decline-generic"),
        },
    }
}

/// An API error beside the field it concerns (by its card `code`, else its `param`); anything unexpected shows
/// its (English) message on the form, as a last resort.
pub fn api_errors(lang: &Lang, error: &ApiError) -> Errors {
    let mut errors = Errors::default();
    let code = error.code.and_then(|code| serde_json::from_value::<CardErrorCode>(code.into()).ok());
    if let Some(code) = code {
        let message = Some(card_message(lang, code, error.decline_code.as_deref()));
        match code {
            CardErrorCode::InvalidExpiryMonth | CardErrorCode::InvalidExpiryYear | CardErrorCode::ExpiredCard => {
                errors.expiry = message
            }
            CardErrorCode::InvalidCvc | CardErrorCode::IncorrectCvc => errors.cvc = message,
            CardErrorCode::InvalidNumber | CardErrorCode::IncorrectNumber => errors.number = message,
            _ => errors.form = message,
        }
        return errors;
    }
    match (error.code, error.param.as_deref()) {
        (_, Some("payment_method")) => errors.payment_method = Some(lang.t("invoice-pay-error-choose")),
        (Some("invoice_already_paid"), _) => errors.form = Some(lang.t("invoice-pay-error-already-paid")),
        _ if error.message.contains("already paid") => errors.form = Some(lang.t("invoice-pay-error-already-paid")),
        _ => errors.form = Some(lang.t1("invoice-pay-error-unknown", "message", &error.message)),
    }
    errors
}

/// The message for a 3-D Secure challenge that did not end in a payment.
pub fn authentication_errors(lang: &Lang, error: &ApiError) -> Errors {
    match error.kind {
        portico_api::error::ErrorType::CardError => api_errors(lang, error),
        _ => Errors { form: Some(lang.t("invoice-decline-authentication-failed")), ..Errors::default() },
    }
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
        assert_eq!(parse_expiry("april"), None);
        assert_eq!(parse_expiry("04/3"), None);
    }

    #[test]
    fn declines_are_worded_as_stripe_words_them_and_land_beside_their_field() {
        let lang = Lang::english();
        let shown = |error: CardError| api_errors(&lang, &ApiError::from(error));
        let stolen = shown(CardError::declined("stolen_card"));
        assert_eq!(stolen.form, shown(CardError::declined("generic_decline")).form);
        assert_ne!(stolen.form, shown(CardError::declined("insufficient_funds")).form);
        assert!(shown(CardError::expired_card()).expiry.is_some());
        assert!(shown(CardError::incorrect_cvc()).cvc.is_some());
    }
}
