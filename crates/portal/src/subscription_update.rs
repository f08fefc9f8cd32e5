//! Updating a subscription (spec §3.2–3.3, issue 6): choose among the configuration's prices, quantity and a
//! promotion code (`GET /p/subscriptions/{id}/update`), see the exact amounts before confirming
//! (`POST …/update`, the engine's preview at a pinned proration time), confirm (`POST …/update/confirm`, the
//! API's update logic with the same time, so the charge equals the preview). A change that charges at once
//! uses `payment_behavior=pending_if_incomplete`: a declined card leaves the subscription as it was, a card
//! asking for 3-D Secure goes through the challenge (`…/update/authenticate`) and the update applies once
//! paid. Downgrades under `schedule_at_period_end` wait for the period end in a subscription schedule.
//!
//! Deep links: `subscription_update` opens on the choose page, `subscription_update_confirm` on the preview of
//! the flow's item (`GET …/update/confirm`); success follows `after_completion` through [`flows::finish`].

mod change;
mod confirm;
mod pages;
mod rules;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::context::unix_now;
use portico_api::error::ApiError;
use portico_core::Timestamp;
use portico_core::objects::billing_portal::session::flow::FlowType;
use portico_core::objects::coupon::Coupon;
use portico_core::objects::invoice::Invoice;
use portico_core::objects::invoice_item::InvoiceItem;
use portico_core::objects::promotion_code::PromotionCode;
use portico_core::objects::subscription::{PaymentBehavior, Subscription};
use portico_store::{ListQuery, TxExt};

use self::change::{Choice, Discount, Terms};
use self::pages::{Choose, Errors, Hidden, OfferRow, Preview, QuantityField, Refused};
use self::rules::Options;

pub use self::confirm::{authenticate, challenge, confirm};
use crate::context::Visit;
use crate::flows;
use crate::form::{self, Form};
use crate::refusal::Refusal;
use crate::render::{self, Chrome};
use crate::views;

/// Promotion codes looked through for the one typed, a page at a time.
const CODES_PAGE: u32 = 100;

fn respond(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The session customer's subscription `id` (of the session's `on_behalf_of` account, when set); inside a deep
/// link, only the flow's own subscription. Anything else is the one 404.
async fn own_subscription(visit: &mut Visit, id: &str) -> Result<Subscription, Refusal> {
    if let Some(flow) = flows::active(visit) {
        let mine = match flow.kind {
            FlowType::SubscriptionUpdate => flow.subscription_update.as_ref().map(|f| f.subscription.as_str()),
            FlowType::SubscriptionUpdateConfirm => {
                flow.subscription_update_confirm.as_ref().map(|f| f.subscription.as_str())
            }
            _ => None,
        };
        if mine != Some(id) {
            return Err(Refusal::not_found());
        }
    }
    let scope = visit.scope.clone();
    let sub = visit.tx().load::<Subscription>(&scope, id).await?.ok_or_else(Refusal::not_found)?;
    let on_behalf_of = &visit.session.on_behalf_of;
    let mine = sub.customer == visit.customer.id && (on_behalf_of.is_none() || &sub.on_behalf_of == on_behalf_of);
    if mine { Ok(sub) } else { Err(Refusal::not_found()) }
}

/// The subscription with its options, or the page saying why it cannot be updated.
async fn updatable(visit: &mut Visit, id: &str) -> Result<Result<(Subscription, Options), Response>, Refusal> {
    let sub = own_subscription(visit, id).await?;
    let (scope, customer) = (visit.scope.clone(), visit.customer.clone());
    let method = rules::payment_method(visit.tx(), &scope, &sub, &customer).await?;
    let features = visit.configuration.features.subscription_update.clone();
    if let Some(reason) = rules::refusal(&visit.lang, &features, &sub, method.as_ref()) {
        return Ok(Err(render::html(StatusCode::CONFLICT, &Refused { chrome: Chrome::of(visit), reason })));
    }
    let (lang, configuration) = (visit.lang.clone(), visit.configuration.clone());
    let options = rules::options(&lang, visit.tx(), &scope, &configuration, &sub).await?;
    if !options.offers_a_change() {
        let reason = std::iter::once(lang.t("update-refused-nothing")).chain(options.missing).collect::<Vec<_>>();
        let refused = Refused { chrome: Chrome::of(visit), reason: reason.join(" ") };
        return Ok(Err(render::html(StatusCode::CONFLICT, &refused)));
    }
    Ok(Ok((sub, options)))
}

/// Whether the choose page would have anything for `sub` to change to (the home page's "Update" button).
pub async fn offers_a_change(visit: &mut Visit, sub: &Subscription) -> Result<bool, Refusal> {
    let (lang, configuration, scope) = (visit.lang.clone(), visit.configuration.clone(), visit.scope.clone());
    Ok(rules::options(&lang, visit.tx(), &scope, &configuration, sub).await?.offers_a_change())
}

/// `GET /p/subscriptions/{id}/update`
pub async fn choose(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(
        async {
            let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
            let (sub, options) = match updatable(&mut visit, &id).await? {
                Ok(found) => found,
                Err(refused) => {
                    visit.commit().await?;
                    return Ok(refused);
                }
            };
            let choice =
                Choice { price: options.item.price.id.clone(), quantity: options.item.quantity, discount: None };
            let page = choose_page(&mut visit, &sub, &options, &choice, "", Errors::default()).await?;
            visit.commit().await?;
            Ok(render::html(StatusCode::OK, &page))
        }
        .await,
    )
}

async fn choose_page(
    visit: &mut Visit,
    sub: &Subscription,
    options: &Options,
    choice: &Choice,
    typed_code: &str,
    errors: Errors,
) -> Result<Choose, Refusal> {
    let lang = visit.lang.clone();
    let current = &options.item;
    let product = |name: Option<&str>| name.unwrap_or_default().to_owned();
    let current_label = format!(
        "{} · {}",
        product(options.current_product.as_ref().map(|p| p.name.as_str())),
        views::plan_label(&lang, &current.price, current.quantity)
    );
    let offers = options
        .offers
        .iter()
        .map(|offer| OfferRow {
            id: offer.price.id.clone(),
            product: offer.product.name.clone(),
            price: views::price_label(&lang, &offer.price),
            current: offer.price.id == current.price.id,
            checked: offer.price.id == choice.price,
        })
        .collect();
    let adjustable = options.offers.iter().filter_map(|o| o.quantity).collect::<Vec<_>>();
    let quantity = (options.quantity && !adjustable.is_empty()).then(|| {
        let bounds = options.quantity_bounds(&choice.price).or(adjustable.first().copied()).unwrap_or((0, None));
        QuantityField {
            value: if errors.quantity.is_some() { String::new() } else { choice.quantity.to_string() },
            min: bounds.0,
            max: bounds.1,
            hint: bounds_hint(&lang, bounds),
        }
    });
    let scope = visit.scope.clone();
    let mut discounts = Vec::new();
    for id in &sub.discounts {
        let discount = visit.tx().load::<portico_core::objects::discount::Discount>(&scope, id).await?;
        let Some(coupon) = discount.and_then(|d| d.source.coupon) else { continue };
        let name = visit.tx().load::<Coupon>(&scope, &coupon).await?.and_then(|c| c.name);
        discounts.push(name.unwrap_or(coupon));
    }
    let features = &visit.configuration.features.subscription_update;
    let trial_note = rules::ends_trial(features, sub).then(|| lang.t("update-trial-ends"));
    Ok(Choose {
        sub: sub.id.clone(),
        current: current_label,
        offers,
        price_allowed: options.price,
        quantity,
        promotion_code: options.promotion_code.then(|| typed_code.to_owned()),
        discounts,
        missing: options.missing.clone(),
        trial_note,
        errors,
        chrome: Chrome::of(visit),
    })
}

fn bounds_hint(lang: &crate::i18n::Lang, (min, max): (i64, Option<i64>)) -> String {
    match max {
        Some(max) => {
            format!("{} {}", lang.tn("update-quantity-min", "min", min), lang.tn("update-quantity-max", "max", max))
        }
        None => lang.tn("update-quantity-min", "min", min),
    }
}

/// The customer's choice from the choose form, checked against the options; the promotion code looked up.
async fn chosen(visit: &mut Visit, options: &Options, form: &Form) -> Result<Choice, Errors> {
    let lang = visit.lang.clone();
    let mut errors = Errors::default();
    let current = &options.item;
    let price = match form.get("price") {
        Some(id) if options.offer(id).is_some() && (options.price || id == current.price.id) => id.to_owned(),
        None if !options.price => current.price.id.clone(),
        _ => {
            errors.price = Some(lang.t("update-error-price"));
            current.price.id.clone()
        }
    };
    let quantity = match (options.quantity_bounds(&price), form.get("quantity")) {
        (Some((min, max)), Some(typed)) => match typed.parse::<i64>() {
            Ok(q) if q >= min.max(1) && max.is_none_or(|max| q <= max) => q,
            Ok(_) => {
                errors.quantity = Some(lang.t("update-error-quantity-range"));
                current.quantity
            }
            Err(_) => {
                errors.quantity = Some(lang.t("update-error-quantity-invalid"));
                current.quantity
            }
        },
        (Some(_), None) if form.all("quantity").next().is_some() => {
            errors.quantity = Some(lang.t("update-error-quantity-invalid"));
            current.quantity
        }
        _ => current.quantity,
    };
    let discount = match form.get("promotion_code").filter(|_| options.promotion_code) {
        None => None,
        Some(code) => match promotion_code(visit, code).await {
            Ok(Some(promo)) if promo.restrictions.minimum_amount.is_some() => {
                errors.promotion_code = Some(lang.t("update-error-promo-minimum"));
                None
            }
            Ok(Some(promo)) => Some(Discount::PromotionCode(promo.id)),
            Ok(None) => {
                errors.promotion_code = Some(lang.t("update-error-promo-unknown"));
                None
            }
            Err(_) => {
                errors.form = Some(lang.t("update-error-failed"));
                None
            }
        },
    };
    if !errors.any() && price == current.price.id && quantity == current.quantity && discount.is_none() {
        errors.form = Some(lang.t("update-error-no-change"));
    }
    if errors.any() { Err(errors) } else { Ok(Choice { price, quantity, discount }) }
}

/// The active promotion code typed (case-insensitive), for this customer or for anyone.
async fn promotion_code(visit: &mut Visit, code: &str) -> Result<Option<PromotionCode>, Refusal> {
    let (scope, customer, now) = (visit.scope.clone(), visit.customer.id.clone(), visit.now);
    let mut query = ListQuery { limit: CODES_PAGE, ..ListQuery::default() };
    loop {
        let (page, more) = visit.tx().list_typed::<PromotionCode>(&scope, &query).await?;
        query.starting_after = page.last().map(|p| p.id.clone());
        for promo in page {
            let for_me = promo.customer.as_deref().is_none_or(|c| c == customer);
            if !promo.code.eq_ignore_ascii_case(code) || !for_me {
                continue;
            }
            let coupon = match &promo.promotion.coupon {
                Some(id) => visit.tx().load::<Coupon>(&scope, id).await?,
                None => None,
            };
            if promo.active_at(now, coupon.is_some_and(|c| c.valid_at(now))) {
                return Ok(Some(promo));
            }
        }
        if !more {
            return Ok(None);
        }
    }
}

/// How the change applies to `sub`.
fn terms(visit: &Visit, sub: &Subscription, options: &Options, choice: &Choice) -> Terms {
    let features = &visit.configuration.features.subscription_update;
    let item = &options.item;
    let to = options.offer(&choice.price).map_or(&item.price, |o| &o.price);
    let later = rules::at_period_end(features, &item.price, item.quantity, to, choice.quantity)
        && !rules::ends_trial(features, sub);
    Terms::of(features, rules::ends_trial(features, sub), later)
}

/// The preview's figures, computed in the visit's transaction (the caller rolls it back).
struct Figures {
    invoice: Invoice,
    /// The customer's invoice items already pending before this change.
    pending: Vec<String>,
    immediate: bool,
    next: Option<(i64, Timestamp)>,
    at: Timestamp,
}

async fn figures(visit: &mut Visit, sub: &Subscription, choice: &Choice, terms: Terms) -> Result<Figures, ApiError> {
    let customer = visit.customer.clone();
    visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            portico_api::billing::customer_now(ctx, &mut **tx, &customer).await?;
            let at = ctx.now();
            let query = ListQuery { limit: 100, customer: Some(customer.id.clone()), ..ListQuery::default() };
            let (items, _) = tx.list_typed::<InvoiceItem>(ctx.scope(), &query).await?;
            let pending = items.into_iter().filter(|i| i.invoice.is_none()).map(|i| i.id).collect();
            change::add_discount(ctx, &mut **tx, sub, choice).await?;
            let sub = tx.load::<Subscription>(ctx.scope(), &sub.id).await?.unwrap_or_else(|| sub.clone());
            let invoice = change::preview(ctx, &mut **tx, &sub, choice, terms, at).await?;
            let immediate = !terms.at_period_end && invoice.billing_reason.as_deref() == Some("subscription_update");
            let period_end = sub.items.data.first().map_or(at, |i| i.current_period_end);
            let next = if terms.at_period_end {
                Some((invoice.amount_due, period_end))
            } else if immediate {
                // The renewal after the change: applied here, in a transaction that is rolled back.
                let applied =
                    change::apply(ctx, &mut **tx, &sub, choice, terms, at, PaymentBehavior::AllowIncomplete).await?;
                let after = change::upcoming(ctx, &mut **tx, &applied.id).await.ok();
                let end = applied.items.data.first().map_or(period_end, |i| i.current_period_end);
                after.map(|next| (next.amount_due, end))
            } else {
                Some((invoice.amount_due, period_end))
            };
            Ok(Figures { invoice, pending, immediate, next, at })
        })
        .await
}

/// An API refusal beside the choose form's field it concerns.
fn api_errors(lang: &crate::i18n::Lang, error: &ApiError) -> Errors {
    let param = error.param.as_deref().unwrap_or_default();
    let mut errors = Errors::default();
    if param.starts_with("discounts") {
        errors.promotion_code = Some(lang.t("update-error-promo-invalid"));
    } else if param.contains("quantity") {
        errors.quantity = Some(lang.t("update-error-quantity-invalid"));
    } else if param.contains("price") {
        errors.price = Some(lang.t("update-error-price"));
    } else {
        errors.form = Some(lang.t1("update-error-unknown", "message", &error.message));
    }
    errors
}

/// The preview page for `choice`, or the choose page with what went wrong. Nothing it computes is kept.
async fn preview_or_errors(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    choice: Option<Choice>,
    form: Option<&Form>,
    back: bool,
    refreshed: bool,
) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let (sub, options) = match updatable(&mut visit, id).await? {
        Ok(found) => found,
        Err(refused) => {
            visit.commit().await?;
            return Ok(refused);
        }
    };
    let typed_code = form.map_or("", |f| f.typed("promotion_code")).to_owned();
    let choice = match (choice, form) {
        (Some(choice), _) => Ok(choice),
        (None, Some(form)) => chosen(&mut visit, &options, form).await,
        (None, None) => Err(Errors::default()),
    };
    let choice = match choice {
        Ok(choice) => choice,
        Err(errors) => {
            drop(visit);
            return choose_again(state, headers, id, form, &typed_code, errors).await;
        }
    };
    let terms = terms(&visit, &sub, &options, &choice);
    let figures = match figures(&mut visit, &sub, &choice, terms).await {
        Ok(figures) => figures,
        Err(error) => {
            let errors = api_errors(&visit.lang, &error);
            drop(visit);
            return choose_again(state, headers, id, form, &typed_code, errors).await;
        }
    };
    let lang = visit.lang.clone();
    let mut names: HashMap<String, String> =
        options.offers.iter().map(|o| (o.price.id.clone(), o.product.name.clone())).collect();
    if let Some(product) = &options.current_product {
        names.insert(options.item.price.id.clone(), product.name.clone());
    }
    let offer = options.offer(&choice.price);
    let price = offer.map_or(&options.item.price, |o| &o.price);
    let product =
        offer.map(|o| o.product.name.clone()).or_else(|| options.current_product.as_ref().map(|p| p.name.clone()));
    let plan = format!("{} · {}", product.unwrap_or_default(), views::plan_label(&lang, price, choice.quantity));
    let invoice = &figures.invoice;
    let (due_now, lines) = if terms.at_period_end {
        (0, Vec::new())
    } else if figures.immediate {
        (invoice.amount_due, pages::lines(&lang, invoice, &names, false, &figures.pending))
    } else {
        (0, pages::lines(&lang, invoice, &names, true, &figures.pending))
    };
    let discount = match &choice.discount {
        Some(Discount::PromotionCode(_)) => Some(typed_code.trim().to_owned()).filter(|c| !c.is_empty()),
        Some(Discount::Coupon(id)) => Some(id.clone()),
        None => None,
    };
    let hidden = Hidden {
        price: choice.price.clone(),
        quantity: choice.quantity,
        discount: choice.discount.as_ref().map(Discount::field).unwrap_or_default(),
        proration_date: figures.at,
        signature: change::sign(&state.card_fingerprint_key, &visit.session.id, &sub.id, &choice, figures.at),
    };
    let page = Preview {
        sub: sub.id.clone(),
        plan,
        due_now: lang.money(due_now, &invoice.currency),
        lines,
        next: figures.next.map(|(amount, at)| (lang.money(amount, &invoice.currency), lang.date(at))),
        scheduled: terms.at_period_end.then(|| lang.date(options.item.current_period_end)),
        trial_ends: terms.ends_trial,
        discount,
        hidden,
        refreshed,
        back,
        chrome: Chrome::of(&visit),
    };
    // The preview wrote what it needed to compute (a discount, a trial run of the change): all rolled back. A
    // second transaction records the session's activity.
    drop(visit);
    Visit::begin(state, headers, unix_now()).await?.commit().await?;
    Ok(render::html(StatusCode::OK, &page))
}

/// The choose page again after a refused form, in a fresh transaction, the typed values kept.
async fn choose_again(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    form: Option<&Form>,
    typed_code: &str,
    errors: Errors,
) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    let (sub, options) = match updatable(&mut visit, id).await? {
        Ok(found) => found,
        Err(refused) => {
            visit.commit().await?;
            return Ok(refused);
        }
    };
    let choice = Choice {
        price: form.and_then(|f| f.get("price")).unwrap_or(&options.item.price.id).to_owned(),
        quantity: form.and_then(|f| f.get("quantity")).and_then(|q| q.parse().ok()).unwrap_or(options.item.quantity),
        discount: None,
    };
    let mut page = choose_page(&mut visit, &sub, &options, &choice, typed_code, errors).await?;
    if let (Some(field), Some(form)) = (page.quantity.as_mut(), form) {
        field.value = form.typed("quantity").to_owned();
    }
    visit.commit().await?;
    Ok(render::html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// `POST /p/subscriptions/{id}/update`: the preview of the chosen change.
pub async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(
        async {
            let visit = Visit::begin(&state, &headers, unix_now()).await?;
            let form = form::checked(&visit, &body)?;
            drop(visit);
            preview_or_errors(&state, &headers, &id, None, Some(&form), true, false).await
        }
        .await,
    )
}

/// The change a `subscription_update_confirm` deep link names (spec §2.4): its one item and discount.
fn flow_choice(visit: &Visit, sub: &Subscription) -> Option<Choice> {
    let flow = flows::active(visit)?.subscription_update_confirm.as_ref()?;
    let current = sub.items.data.first()?;
    let item = flow.items.first()?;
    let discount = flow.discounts.iter().flatten().next().and_then(|d| match (&d.coupon, &d.promotion_code) {
        (Some(coupon), _) => Some(Discount::Coupon(coupon.clone())),
        (None, Some(code)) => Some(Discount::PromotionCode(code.clone())),
        _ => None,
    });
    Some(Choice {
        price: item.price.clone().unwrap_or_else(|| current.price.id.clone()),
        quantity: item.quantity.unwrap_or(current.quantity),
        discount,
    })
}

/// `GET /p/subscriptions/{id}/update/confirm`: a `subscription_update_confirm` deep link's preview.
pub async fn confirm_page(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    respond(
        async {
            let mut visit = Visit::begin(&state, &headers, unix_now()).await?;
            let sub = own_subscription(&mut visit, &id).await?;
            let Some(choice) = flow_choice(&visit, &sub) else {
                let root = Chrome::of(&visit).root;
                visit.commit().await?;
                return Ok(render::see_other(&format!("{root}subscriptions/{id}/update")));
            };
            drop(visit);
            preview_or_errors(&state, &headers, &id, Some(choice), None, false, false).await
        }
        .await,
    )
}
