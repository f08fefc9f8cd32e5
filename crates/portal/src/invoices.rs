//! Invoices (spec 3.8): the portal's invoice history and paying an open invoice from it, and the pages every
//! finalized invoice has without a session: the hosted invoice page ([`hosted`]) and its PDF ([`document`]).
//!
//! The history lists finalized invoices only (never drafts), newest first, 20 a page; with the session's
//! `on_behalf_of`, only that business's. Everything is gated by `features.invoice_history.enabled`. Paying
//! runs the API's own `POST /v1/invoices/{id}/pay` logic in the visit's transaction ([`paying`]).

mod access;
pub(crate) mod challenge;
mod document;
mod hosted;
pub(crate) mod paying;
mod summary;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_core::objects::invoice::Invoice;
use portico_store::{FieldFilter, ListQuery, Scalar, TxExt};

pub use document::download;
pub use hosted::{
    authenticate as hosted_authenticate, challenge as hosted_challenge, pay as hosted_pay, show as hosted,
};

use self::challenge::Challenge;
use self::paying::{Attempted, Errors, Typed};
use crate::context::Visit;
use crate::form::{self, Form};
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::views::{self, InvoiceRow, PaymentMethodRow};

/// Invoices per page of the history.
const PAGE_SIZE: u32 = 20;
/// The statuses the history shows: finalized ones.
const SHOWN: [&str; 4] = ["open", "paid", "uncollectible", "void"];

#[derive(Template)]
#[template(path = "invoices.html")]
struct History {
    chrome: Chrome,
    invoices: Vec<Row>,
    /// `?after=` of the next (older) page.
    older: Option<String>,
    /// Whether this is a later page (a link back to the newest invoices).
    paged: bool,
    notice: Option<String>,
}

impl Page for History {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

struct Row {
    invoice: InvoiceRow,
    pdf: Option<String>,
    payable: bool,
}

/// `GET /p/invoices?after=in_…`
pub async fn list(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let query = Form::parse(query.unwrap_or_default().as_bytes());
    respond(history(&state, &headers, &query).await)
}

/// The session's invoice `id` if the history is enabled and the invoice is one it shows; otherwise 404, the
/// same for another customer's invoice, another business's, a draft and an id that does not exist.
async fn own_invoice(visit: &mut Visit, id: &str) -> Result<Invoice, Refusal> {
    enabled(visit)?;
    let scope = visit.scope.clone();
    let invoice = visit.tx().load::<Invoice>(&scope, id).await?.ok_or_else(Refusal::not_found)?;
    let on_behalf_of = &visit.session.on_behalf_of;
    let mine = invoice.customer == visit.customer.id
        && views::invoice_shown(&invoice)
        && (on_behalf_of.is_none() || &invoice.on_behalf_of == on_behalf_of);
    if mine { Ok(invoice) } else { Err(Refusal::not_found()) }
}

fn enabled(visit: &Visit) -> Result<(), Refusal> {
    if visit.configuration.features.invoice_history.enabled { Ok(()) } else { Err(Refusal::not_found()) }
}

async fn history(state: &AppState, headers: &HeaderMap, query: &Form) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    enabled(&visit)?;
    let after = query.get("after").map(str::to_owned);
    if let Some(after) = &after {
        own_invoice(&mut visit, after).await?;
    }
    let mut filters = vec![FieldFilter::one_of("status", SHOWN.map(str::to_owned).to_vec())];
    if let Some(on_behalf_of) = &visit.session.on_behalf_of {
        filters.push(FieldFilter::eq("on_behalf_of", Scalar::Str(on_behalf_of.clone())));
    }
    let list = ListQuery {
        limit: PAGE_SIZE,
        starting_after: after.clone(),
        customer: Some(visit.customer.id.clone()),
        filters,
        ..ListQuery::default()
    };
    let scope = visit.scope.clone();
    let (invoices, has_more) = visit.tx().list_typed::<Invoice>(&scope, &list).await?;
    let lang = visit.lang.clone();
    let rows: Vec<Row> = invoices
        .iter()
        .map(|invoice| Row {
            invoice: views::invoice_row(&lang, invoice),
            pdf: invoice.invoice_pdf.clone(),
            payable: summary::payable(invoice),
        })
        .collect();
    let notice = match query.get("done") {
        Some("paid") => Some(lang.t("invoice-done-paid")),
        _ => None,
    };
    let page = History {
        chrome: Chrome::of(&visit),
        older: has_more.then(|| invoices.last().map(|invoice| invoice.id.clone())).flatten(),
        invoices: rows,
        paged: after.is_some(),
        notice,
    };
    visit.commit().await?;
    Ok(render::html(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "invoices_pay.html")]
struct PayPage {
    chrome: Chrome,
    id: String,
    number: String,
    amount_due: String,
    due: Option<String>,
    hosted_url: Option<String>,
    saved: Vec<PaymentMethodRow>,
    typed: Typed,
    errors: Errors,
    /// Whether the customer may add a payment method in the portal.
    can_add: bool,
}

impl Page for PayPage {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// `GET /p/invoices/{id}/pay`: choose a saved payment method to pay an open invoice with.
pub async fn pay_form(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(
        async {
            let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
            let invoice = own_invoice(&mut visit, &id).await?;
            if !summary::payable(&invoice) {
                return Ok(render::see_other(&format!("{}invoices", Chrome::of(&visit).root)));
            }
            pay_page(visit, invoice, StatusCode::OK, Typed::default(), Errors::default()).await
        }
        .await,
    )
}

/// `POST /p/invoices/{id}/pay` with `payment_method`, one of the customer's.
pub async fn pay(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    respond(submit_payment(&state, &headers, &id, &body).await)
}

async fn submit_payment(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let form = form::checked(&visit, body)?;
    let invoice = own_invoice(&mut visit, id).await?;
    let root = Chrome::of(&visit).root;
    if !summary::payable(&invoice) {
        return Ok(render::see_other(&format!("{root}invoices")));
    }
    let typed = Typed::of(&form);
    let (lang, scope, customer) = (visit.lang.clone(), visit.scope.clone(), visit.customer.clone());
    let saved = paying::saved_methods(&lang, visit.tx(), &scope, &customer).await?;
    let method = match paying::chosen(&lang, &form, &saved) {
        Ok(method) => method.to_owned(),
        Err(errors) => return pay_page(visit, invoice, StatusCode::UNPROCESSABLE_ENTITY, typed, errors).await,
    };
    let result = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            paying::pay(ctx, &mut **tx, id, method).await
        })
        .await;
    match result {
        Ok(Attempted::Paid) => {
            visit.commit().await?;
            Ok(render::see_other(&format!("{root}invoices?done=paid")))
        }
        Ok(Attempted::RequiresAction) => {
            visit.commit().await?;
            Ok(render::see_other(&format!("{root}invoices/{id}/authenticate")))
        }
        Ok(Attempted::Declined(error)) => {
            // The failed attempt is kept, as the API keeps it; the page shows the invoice as it now is.
            visit.commit().await?;
            let mut visit = Visit::begin(state, headers, unix_now()).await?;
            let invoice = own_invoice(&mut visit, id).await?;
            let errors = on_choice(paying::api_errors(&lang, &error));
            pay_page(visit, invoice, StatusCode::PAYMENT_REQUIRED, typed, errors).await
        }
        Err(error) => {
            drop(visit);
            let mut visit = Visit::begin(state, headers, unix_now()).await?;
            let invoice = own_invoice(&mut visit, id).await?;
            let errors = on_choice(paying::api_errors(&lang, &error));
            pay_page(visit, invoice, StatusCode::UNPROCESSABLE_ENTITY, typed, errors).await
        }
    }
}

/// The portal's form has one field: a card's refusal shows beside the choice of card.
fn on_choice(mut errors: Errors) -> Errors {
    if errors.payment_method.is_none() {
        errors.payment_method = [errors.form.take(), errors.number.take(), errors.expiry.take(), errors.cvc.take()]
            .into_iter()
            .flatten()
            .next();
    }
    errors
}

async fn pay_page(
    mut visit: Visit,
    invoice: Invoice,
    status: StatusCode,
    typed: Typed,
    errors: Errors,
) -> Result<Response, Refusal> {
    let (lang, scope, customer) = (visit.lang.clone(), visit.scope.clone(), visit.customer.clone());
    let saved = paying::saved_methods(&lang, visit.tx(), &scope, &customer).await?;
    let page = PayPage {
        chrome: Chrome::of(&visit),
        id: invoice.id.clone(),
        number: invoice.number.clone().unwrap_or_default(),
        amount_due: lang.money(invoice.amount_remaining, &invoice.currency),
        due: invoice.due_date.map(|due| lang.date(due)),
        hosted_url: invoice.hosted_invoice_url.clone(),
        saved,
        typed,
        errors,
        can_add: visit.configuration.features.payment_method_update.enabled,
    };
    visit.commit().await?;
    Ok(render::html(status, &page))
}

/// `GET /p/invoices/{id}/authenticate`: the test 3-D Secure challenge of the invoice's payment.
pub async fn challenge(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(
        async {
            let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
            let invoice = own_invoice(&mut visit, &id).await?;
            let (lang, scope) = (visit.lang.clone(), visit.scope.clone());
            let chrome = Chrome::of(&visit);
            let Some(card) = challenge::awaiting(&lang, visit.tx(), &scope, &invoice).await? else {
                return Ok(render::see_other(&format!("{}invoices", chrome.root)));
            };
            let action = format!("{}invoices/{id}/authenticate", chrome.root);
            let page = Challenge::new(chrome, action, card, &invoice, &lang);
            visit.commit().await?;
            Ok(render::html(StatusCode::OK, &page))
        }
        .await,
    )
}

/// `POST /p/invoices/{id}/authenticate` with `outcome=succeed|fail`.
pub async fn authenticate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(
        async {
            let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
            let form = form::checked(&visit, &body)?;
            own_invoice(&mut visit, &id).await?;
            let outcome = challenge::outcome(&form);
            let result = visit
                .command(async |ctx| {
                    let mut tx = ctx.tx().await;
                    paying::authenticate(ctx, &mut **tx, &id, outcome).await
                })
                .await;
            let root = Chrome::of(&visit).root;
            let lang = visit.lang.clone();
            match result {
                Ok((_, None)) => {
                    visit.commit().await?;
                    Ok(render::see_other(&format!("{root}invoices?done=paid")))
                }
                Ok((_, Some(failure))) => {
                    visit.commit().await?;
                    let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
                    let invoice = own_invoice(&mut visit, &id).await?;
                    let errors = on_choice(paying::authentication_errors(&lang, &failure));
                    pay_page(visit, invoice, StatusCode::PAYMENT_REQUIRED, Typed::default(), errors).await
                }
                Err(_) => Ok(render::see_other(&format!("{root}invoices"))),
            }
        }
        .await,
    )
}

fn respond(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}
