//! The hosted invoice page (Stripe's `hosted_invoice_url`, `/i/{invoice}/{token}`): the invoice with the
//! merchant's branding, its PDF, and, while it is open, paying it with a saved card of the customer or a new
//! card, with a simulated 3-D Secure challenge when the card asks for one. No portal session: whoever holds
//! the link may use it ([`super::access`]); its forms carry a CSRF token made from the link's token.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_api::error::ErrorType;

use super::access::Hosted;
use super::challenge::{self, Challenge};
use super::paying::{self, Attempted, Errors, Typed};
use super::summary::{self, Summary};
use crate::csrf;
use crate::form::Form;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::views::PaymentMethodRow;

#[derive(Template)]
#[template(path = "hosted_invoice.html")]
struct HostedPage {
    chrome: Chrome,
    /// `/i/{invoice}/{token}`: the page's own address and its actions' prefix.
    base: String,
    summary: Summary,
    saved: Vec<PaymentMethodRow>,
    typed: Typed,
    errors: Errors,
    notice: Option<String>,
    test_mode: bool,
}

impl Page for HostedPage {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

type Link = Path<(String, String)>;

/// `GET /i/{invoice}/{token}`
pub async fn show(
    State(state): State<AppState>,
    Path((id, token)): Link,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Form::parse(query.unwrap_or_default().as_bytes());
    respond(
        async {
            let hosted = Hosted::begin(&state, &headers, &id, &token, unix_now(), false).await?;
            let notice = match query.get("done") {
                Some("paid") => Some(hosted.lang.t("invoice-done-paid")),
                _ => None,
            };
            page(hosted, StatusCode::OK, Typed::default(), Errors::default(), notice).await
        }
        .await,
    )
}

/// `POST /i/{invoice}/{token}/pay`: `method=saved` with `payment_method`, or `method=new` with the card.
pub async fn pay(State(state): State<AppState>, Path((id, token)): Link, headers: HeaderMap, body: Bytes) -> Response {
    respond(submit(&state, &headers, &id, &token, &body).await)
}

async fn submit(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    token: &str,
    body: &Bytes,
) -> Result<Response, Refusal> {
    let mut hosted = Hosted::begin(state, headers, id, token, unix_now(), true).await?;
    let form = Form::parse(body);
    if !hosted.csrf_ok(form.get(csrf::FIELD)) {
        return Err(Refusal::forged());
    }
    if !summary::payable(&hosted.invoice) {
        // Paid (or voided) meanwhile, in another tab perhaps: the page says so.
        return Ok(render::see_other(&hosted.base()));
    }
    let typed = Typed::of(&form);
    let lang = hosted.lang.clone();
    let saved_card = form.get("method") != Some("new");
    let customer = hosted.customer.id.clone();
    let result = if saved_card {
        let (scope, owner) = (hosted.scope.clone(), hosted.customer.clone());
        let saved = paying::saved_methods(&lang, hosted.tx(), &scope, &owner).await?;
        let method = match paying::chosen(&lang, &form, &saved) {
            Ok(method) => method.to_owned(),
            Err(errors) => return page(hosted, StatusCode::UNPROCESSABLE_ENTITY, typed, errors, None).await,
        };
        hosted
            .command(async |ctx| {
                let mut tx = ctx.tx().await;
                paying::pay(ctx, &mut **tx, id, method).await
            })
            .await
    } else {
        let card = match paying::new_card(&lang, &form, hosted.now) {
            Ok(card) => card,
            Err(errors) => return page(hosted, StatusCode::UNPROCESSABLE_ENTITY, typed, errors, None).await,
        };
        hosted
            .command(async |ctx| {
                let mut tx = ctx.tx().await;
                let method = paying::attach_new_card(ctx, &mut **tx, card, &customer).await?;
                paying::pay(ctx, &mut **tx, id, method).await
            })
            .await
    };
    let base = hosted.base();
    match result {
        Ok(Attempted::Paid) => {
            hosted.commit().await?;
            Ok(render::see_other(&format!("{base}?done=paid")))
        }
        Ok(Attempted::RequiresAction) => {
            hosted.commit().await?;
            Ok(render::see_other(&format!("{base}/authenticate")))
        }
        Ok(Attempted::Declined(error)) => {
            hosted.commit().await?;
            let errors = beside(paying::api_errors(&lang, &error), saved_card);
            let hosted = Hosted::begin(state, headers, id, token, unix_now(), false).await?;
            page(hosted, StatusCode::PAYMENT_REQUIRED, typed, errors, None).await
        }
        Err(error) => {
            // Nothing of a refused payment is kept: not even the new card.
            drop(hosted);
            let status = if error.kind == ErrorType::CardError {
                StatusCode::PAYMENT_REQUIRED
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = beside(paying::api_errors(&lang, &error), saved_card);
            let hosted = Hosted::begin(state, headers, id, token, unix_now(), false).await?;
            page(hosted, status, typed, errors, None).await
        }
    }
}

/// A decline of a saved card shows beside the card's choice; a new card's beside the card form.
fn beside(mut errors: Errors, saved_card: bool) -> Errors {
    if saved_card && errors.payment_method.is_none() {
        errors.payment_method = errors.form.take().or(errors.number.take());
    }
    errors
}

/// `GET /i/{invoice}/{token}/authenticate`: the test 3-D Secure challenge of the invoice's payment.
pub async fn challenge(State(state): State<AppState>, Path((id, token)): Link, headers: HeaderMap) -> Response {
    respond(
        async {
            let mut hosted = Hosted::begin(&state, &headers, &id, &token, unix_now(), false).await?;
            let (scope, invoice, lang) = (hosted.scope.clone(), hosted.invoice.clone(), hosted.lang.clone());
            let Some(card) = challenge::awaiting(&lang, hosted.tx(), &scope, &invoice).await? else {
                return Ok(render::see_other(&hosted.base()));
            };
            let page =
                Challenge::new(hosted.chrome(), format!("{}/authenticate", hosted.base()), card, &invoice, &lang);
            hosted.commit().await?;
            Ok(render::html(StatusCode::OK, &page))
        }
        .await,
    )
}

/// `POST /i/{invoice}/{token}/authenticate` with `outcome=succeed|fail`.
pub async fn authenticate(
    State(state): State<AppState>,
    Path((id, token)): Link,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(
        async {
            let mut hosted = Hosted::begin(&state, &headers, &id, &token, unix_now(), true).await?;
            let form = Form::parse(&body);
            if !hosted.csrf_ok(form.get(csrf::FIELD)) {
                return Err(Refusal::forged());
            }
            let outcome = challenge::outcome(&form);
            let result = hosted
                .command(async |ctx| {
                    let mut tx = ctx.tx().await;
                    paying::authenticate(ctx, &mut **tx, &id, outcome).await
                })
                .await;
            let base = hosted.base();
            let lang = hosted.lang.clone();
            match result {
                Ok((_, None)) => {
                    hosted.commit().await?;
                    Ok(render::see_other(&format!("{base}?done=paid")))
                }
                Ok((_, Some(failure))) => {
                    hosted.commit().await?;
                    let errors = paying::authentication_errors(&lang, &failure);
                    let hosted = Hosted::begin(&state, &headers, &id, &token, unix_now(), false).await?;
                    page(hosted, StatusCode::PAYMENT_REQUIRED, Typed::default(), errors, None).await
                }
                // No payment awaits authentication (already answered, in another tab perhaps).
                Err(_) => Ok(render::see_other(&base)),
            }
        }
        .await,
    )
}

/// The page, committing the request.
async fn page(
    mut hosted: Hosted,
    status: StatusCode,
    typed: Typed,
    errors: Errors,
    notice: Option<String>,
) -> Result<Response, Refusal> {
    let (scope, invoice, lang, customer) =
        (hosted.scope.clone(), hosted.invoice.clone(), hosted.lang.clone(), hosted.customer.clone());
    let summary = summary::summarize(&lang, hosted.tx(), &scope, &invoice).await?;
    let saved = match summary.payable {
        true => paying::saved_methods(&lang, hosted.tx(), &scope, &customer).await?,
        false => Vec::new(),
    };
    let page = HostedPage {
        chrome: hosted.chrome(),
        base: hosted.base(),
        summary,
        saved,
        typed,
        errors,
        notice,
        test_mode: !scope.livemode,
    };
    hosted.commit().await?;
    Ok(render::html(status, &page))
}

fn respond(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_card_decline_shows_beside_the_choice_of_card() {
        let errors = Errors { form: Some("declined".into()), ..Errors::default() };
        assert_eq!(beside(errors, true).payment_method.as_deref(), Some("declined"));
        let errors = Errors { form: Some("declined".into()), ..Errors::default() };
        assert_eq!(beside(errors, false).form.as_deref(), Some("declined"));
    }
}
