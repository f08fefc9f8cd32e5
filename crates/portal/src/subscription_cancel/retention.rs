//! Cancellation deflection: before the cancellation is confirmed, a coupon offered to keep the subscription.
//! The coupon is the deep link's (`flow_data.subscription_cancel.retention.coupon_offer.coupon`) or else the
//! configuration's own (`portico_retention_coupon`, a Portico extension). It is offered only while it could be
//! redeemed on this subscription and is not on it already. Accepting adds it to the subscription's discounts as
//! a subscription update does (`customer.subscription.updated`) and keeps the subscription.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portico_api::AppState;
use portico_api::context::{Ctx, unix_now};
use portico_core::Patch;
use portico_core::billing::discounts::{Redemption, check_coupon};
use portico_core::objects::billing_portal::session::flow::FlowType;
use portico_core::objects::coupon::{Coupon, Duration};
use portico_core::objects::discount::{CouponTerms, Discount};
use portico_core::objects::subscription::{DiscountParams, Subscription, SubscriptionUpdate};
use portico_store::TxExt;

use super::{Summary, api_error, own_subscription, respond, run_update, summary};
use crate::context::Visit;
use crate::form;
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};

/// A coupon the customer may accept instead of canceling.
pub struct Offer {
    coupon: Coupon,
}

#[derive(Template)]
#[template(path = "subscription_cancel_offer.html")]
struct OfferPage {
    chrome: Chrome,
    summary: Summary,
    /// "50% off for 3 months"
    terms: String,
    name: Option<String>,
    error: Option<String>,
}

impl Page for OfferPage {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

impl Offer {
    /// The offer for `sub`, if there is one that could still be redeemed on it.
    pub async fn find(visit: &mut Visit, sub: &Subscription) -> Result<Option<Offer>, Refusal> {
        let from_flow = crate::flows::active(visit)
            .filter(|flow| flow.kind == FlowType::SubscriptionCancel)
            .and_then(|flow| flow.subscription_cancel.as_ref())
            .and_then(|cancel| cancel.retention.as_ref())
            .map(|retention| retention.coupon_offer.coupon.clone());
        let Some(id) = from_flow.or_else(|| visit.configuration.portico_retention_coupon.clone()) else {
            return Ok(None);
        };
        let scope = visit.scope.clone();
        let Some(coupon) = visit.tx().load::<Coupon>(&scope, &id).await? else { return Ok(None) };
        let redemption = Redemption {
            customer: &visit.customer.id,
            has_prior_transactions: false,
            currency: &sub.currency,
            target: "subscription",
            updating: true,
            now: visit.now,
        };
        if check_coupon(&coupon, false, &redemption).is_err() {
            return Ok(None);
        }
        for discount in &sub.discounts {
            let applied = visit.tx().load::<Discount>(&scope, discount).await?;
            if applied.is_some_and(|d| d.coupon() == Some(coupon.id.as_str())) {
                return Ok(None);
            }
        }
        Ok(Some(Offer { coupon }))
    }

    /// The coupon's terms in plain words, in the subscription's currency.
    fn terms(&self, lang: &Lang, currency: &str) -> String {
        let terms = CouponTerms::of(&self.coupon);
        let off = match (terms.percent_off, terms.amount_off_in(currency)) {
            (Some(percent), _) => lang.t1("retention-percent-off", "percent", &percent_text(percent)),
            (None, Some(amount)) => lang.t1("retention-amount-off", "amount", &lang.money(amount, currency)),
            (None, None) => lang.t("retention-discount"),
        };
        let duration = match self.coupon.duration {
            Duration::Once => lang.t("retention-once"),
            Duration::Forever => lang.t("retention-forever"),
            Duration::Repeating => lang.tn("retention-months", "count", self.coupon.duration_in_months.unwrap_or(1)),
        };
        format!("{off}{}{duration}", lang.t("retention-separator"))
    }
}

/// 50 → "50", 12.5 → "12.5".
fn percent_text(percent: f64) -> String {
    let text = format!("{percent:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub async fn show(mut visit: Visit, sub: &Subscription, offer: Offer) -> Result<Response, Refusal> {
    let page = page(&mut visit, sub, &offer, None).await?;
    visit.commit().await?;
    Ok(render::html(StatusCode::OK, &page))
}

async fn page(
    visit: &mut Visit,
    sub: &Subscription,
    offer: &Offer,
    error: Option<String>,
) -> Result<OfferPage, Refusal> {
    let summary = summary(visit, sub).await?;
    let terms = offer.terms(&visit.lang, &sub.currency);
    let name = offer.coupon.name.clone().filter(|name| !name.trim().is_empty());
    Ok(OfferPage { chrome: Chrome::of(visit), summary, terms, name, error })
}

/// `POST /p/subscriptions/{id}/cancel/retention`: accepts the offer; the subscription stays.
pub async fn accept(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(keep(&state, &headers, &id, &body).await)
}

async fn keep(state: &AppState, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, unix_now()).await?;
    form::checked(&visit, body)?;
    let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionCancel)).await?;
    if let Some(reason) = super::cancel_refusal(&visit, &sub)? {
        let title = visit.lang.t("retention-title");
        return super::refused(visit, title, reason).await;
    }
    let root = Chrome::of(&visit).root;
    let Some(offer) = Offer::find(&mut visit, &sub).await? else {
        // Expired or used up since the page was shown: straight on to the cancellation, saying so.
        let (title, text) = (visit.lang.t("retention-title"), visit.lang.t("retention-unavailable"));
        return super::refused(visit, title, text).await;
    };
    // The discounts it has stay; the offer's coupon joins them.
    let mut discounts: Vec<DiscountParams> = sub
        .discounts
        .iter()
        .map(|id| DiscountParams { discount: Some(id.clone()), ..DiscountParams::default() })
        .collect();
    discounts.push(DiscountParams { coupon: Some(offer.coupon.id.clone()), ..DiscountParams::default() });
    let params = SubscriptionUpdate { discounts: Patch::Set(discounts), ..SubscriptionUpdate::default() };
    if let Err(error) = visit.command(async |ctx: &Ctx| run_update(ctx, id, params).await).await {
        drop(visit);
        let mut visit = Visit::begin(state, headers, unix_now()).await?;
        let sub = own_subscription(&mut visit, id, Some(FlowType::SubscriptionCancel)).await?;
        let message = api_error(&visit, &error);
        let page = page(&mut visit, &sub, &offer, Some(message)).await?;
        visit.commit().await?;
        return Ok(render::html(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let response =
        crate::flows::finish(&mut visit, "subscription_kept", &format!("{root}?done=subscription_kept")).await?;
    visit.commit().await?;
    Ok(response)
}
