//! Confirming a previewed change: the signed choice checked, the change applied (or scheduled), and what
//! happens when its charge does not go through at once: a decline explained, a 3-D Secure challenge.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_core::Timestamp;
use portico_core::objects::invoice::Invoice;
use portico_core::objects::payment_intent::{PaymentIntent, PaymentIntentStatus};
use portico_core::objects::subscription::{PaymentBehavior, Subscription};
use portico_store::TxExt;

use super::change::{self, Choice, Discount};
use super::pages::{Declined, Errors};
use super::{api_errors, choose_again, own_subscription, preview_or_errors, respond, terms, updatable};
use crate::context::Visit;
use crate::flows;
use crate::form::{self, Form};
use crate::invoices::challenge::{self, Challenge};
use crate::invoices::paying;
use crate::refusal::Refusal;
use crate::render::{self, Chrome};

/// The signed choice a confirm form sends back, if its signature holds.
fn signed(state: &AppState, visit: &Visit, sub: &str, form: &Form) -> Option<(Choice, Timestamp)> {
    let choice = Choice {
        price: form.get("price")?.to_owned(),
        quantity: form.get("quantity")?.parse().ok()?,
        discount: match form.get("discount") {
            Some(field) => Some(Discount::parse(field)?),
            None => None,
        },
    };
    let at = form.get("proration_date")?.parse().ok()?;
    let signature = form.get("signature")?;
    change::verify(&state.card_fingerprint_key, &visit.session.id, sub, &choice, at, signature).then_some((choice, at))
}

/// `POST /p/subscriptions/{id}/update/confirm`: applies the previewed change.
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(confirming(&state, &headers, &id, &body).await)
}

async fn confirming(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let form = form::checked(&visit, body)?;
    let (sub, options) = match updatable(&mut visit, id).await? {
        Ok(found) => found,
        Err(refused) => {
            visit.commit().await?;
            return Ok(refused);
        }
    };
    let lang = visit.lang.clone();
    let Some((choice, at)) = signed(state, &visit, id, &form) else {
        drop(visit);
        let errors = Errors { form: Some(lang.t("update-error-tampered")), ..Errors::default() };
        return choose_again(state, headers, id, None, "", errors).await;
    };
    // The choice must still be one the configuration offers (it may have changed since the preview).
    let offered = options.offer(&choice.price).is_some()
        && (choice.price == options.item.price.id || options.price)
        && match options.quantity_bounds(&choice.price) {
            Some((min, max)) => choice.quantity >= min.max(1) && max.is_none_or(|max| choice.quantity <= max),
            None => choice.quantity == options.item.quantity,
        };
    if !offered {
        drop(visit);
        let errors = Errors { form: Some(lang.t("update-error-tampered")), ..Errors::default() };
        return choose_again(state, headers, id, None, "", errors).await;
    }
    let terms = terms(&visit, &sub, &options, &choice);
    let customer = visit.customer.clone();
    let outcome = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            portico_api::billing::customer_now(ctx, &mut **tx, &customer).await?;
            if at > ctx.now() || ctx.now() - at > change::PREVIEW_TTL_SECS {
                return Ok(None);
            }
            change::add_discount(ctx, &mut **tx, &sub, &choice).await?;
            let sub = tx.load::<Subscription>(ctx.scope(), &sub.id).await?.unwrap_or_else(|| sub.clone());
            if terms.at_period_end {
                change::schedule(ctx, &mut **tx, &sub, &choice).await?;
                return Ok(Some(sub));
            }
            let applied =
                change::apply(ctx, &mut **tx, &sub, &choice, terms, at, PaymentBehavior::PendingIfIncomplete).await?;
            Ok(Some(applied))
        })
        .await;
    let root = Chrome::of(&visit).root;
    let applied = match outcome {
        Ok(Some(applied)) => applied,
        Ok(None) => {
            // Older than its time allows: the amounts are computed again at a new proration time.
            drop(visit);
            return preview_or_errors(state, headers, id, Some(choice), None, true, true).await;
        }
        Err(error) => {
            drop(visit);
            return choose_again(state, headers, id, None, "", api_errors(&lang, &error)).await;
        }
    };
    if applied.engine.pending.is_some() {
        return unpaid(visit, &applied, &root).await;
    }
    let response = flows::finish(&mut visit, "subscription_updated", &format!("{root}?done=subscription_updated")).await?;
    visit.commit().await?;
    Ok(response)
}

/// The change's invoice was not paid: the update waits (the subscription unchanged). A card asking for
/// 3-D Secure goes to the challenge; a declined one is explained, with the ways to pay otherwise.
async fn unpaid(mut visit: Visit, sub: &Subscription, root: &str) -> Result<Response, Refusal> {
    let scope = visit.scope.clone();
    let invoice = match &sub.engine.pending {
        Some(pending) => visit.tx().load::<Invoice>(&scope, &pending.invoice).await?,
        None => None,
    };
    let intent = match invoice.as_ref().and_then(|i| i.engine.payment_intent.clone()) {
        Some(id) => visit.tx().load::<PaymentIntent>(&scope, &id).await?,
        None => None,
    };
    if intent.as_ref().is_some_and(|pi| pi.status == PaymentIntentStatus::RequiresAction) {
        visit.commit().await?;
        return Ok(render::see_other(&format!("{root}subscriptions/{}/update/authenticate", sub.id)));
    }
    let lang = visit.lang.clone();
    let message = intent
        .and_then(|pi| pi.last_payment_error)
        .and_then(|error| {
            let code = serde_json::from_value(error.code.clone().into()).ok()?;
            Some(paying::card_message(&lang, code, error.decline_code.as_deref()))
        })
        .unwrap_or_else(|| lang.t("update-declined-generic"));
    let page = declined(&visit, invoice.as_ref(), message);
    visit.commit().await?;
    Ok(render::html(StatusCode::PAYMENT_REQUIRED, &page))
}

fn declined(visit: &Visit, invoice: Option<&Invoice>, message: String) -> Declined {
    let chrome = Chrome::of(visit);
    let features = &visit.configuration.features;
    let pay_url = invoice.and_then(|invoice| {
        if features.invoice_history.enabled && chrome.navigation {
            Some(format!("{}invoices/{}/pay", chrome.root, invoice.id))
        } else {
            invoice.hosted_invoice_url.clone()
        }
    });
    Declined { message, pay_url, add_method: features.payment_method_update.enabled && chrome.navigation, chrome }
}

/// The open invoice a held update waits on, if the subscription is the customer's.
async fn held_invoice(visit: &mut Visit, id: &str) -> Result<Option<Invoice>, Refusal> {
    let sub = own_subscription(visit, id).await?;
    let scope = visit.scope.clone();
    Ok(match &sub.engine.pending {
        Some(pending) => visit.tx().load::<Invoice>(&scope, &pending.invoice).await?,
        None => None,
    })
}

/// `GET /p/subscriptions/{id}/update/authenticate`: the 3-D Secure challenge of the change's payment.
pub async fn challenge(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(
        async {
            let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
            let invoice = held_invoice(&mut visit, &id).await?;
            let (lang, scope) = (visit.lang.clone(), visit.scope.clone());
            let chrome = Chrome::of(&visit);
            let card = match &invoice {
                Some(invoice) => challenge::awaiting(&lang, visit.tx(), &scope, invoice).await?,
                None => None,
            };
            let (Some(invoice), Some(card)) = (invoice, card) else {
                visit.commit().await?;
                return Ok(render::see_other(&chrome.root));
            };
            let action = format!("{}subscriptions/{id}/update/authenticate", chrome.root);
            let page = Challenge::new(chrome, action, card, &invoice, &lang);
            visit.commit().await?;
            Ok(render::html(StatusCode::OK, &page))
        }
        .await,
    )
}

/// `POST /p/subscriptions/{id}/update/authenticate` with `outcome=succeed|fail`: paid, the update applies.
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
            let root = Chrome::of(&visit).root;
            let Some(invoice) = held_invoice(&mut visit, &id).await? else {
                visit.commit().await?;
                return Ok(render::see_other(&root));
            };
            let outcome = challenge::outcome(&form);
            let invoice_id = invoice.id.clone();
            let result = visit
                .command(async |ctx| {
                    let mut tx = ctx.tx().await;
                    paying::authenticate(ctx, &mut **tx, &invoice_id, outcome).await
                })
                .await;
            match result {
                Ok((_, None)) => {
                    let response = flows::finish(&mut visit, "subscription_updated", &format!("{root}?done=subscription_updated")).await?;
                    visit.commit().await?;
                    Ok(response)
                }
                Ok((paid, Some(failure))) => {
                    let lang = visit.lang.clone();
                    let errors = paying::authentication_errors(&lang, &failure);
                    let message = errors
                        .form
                        .or(errors.number)
                        .or(errors.cvc)
                        .or(errors.expiry)
                        .unwrap_or_else(|| lang.t("update-declined-generic"));
                    let page = declined(&visit, Some(&paid), message);
                    visit.commit().await?;
                    Ok(render::html(StatusCode::PAYMENT_REQUIRED, &page))
                }
                Err(_) => Ok(render::see_other(&root)),
            }
        }
        .await,
    )
}
