//! The update pages as typed askama structs, and turning the engine's invoice into the localized preview.

use std::collections::HashMap;

use askama::Template;
use portico_core::objects::invoice::{Invoice, LineItem};

use crate::i18n::Lang;
use crate::render::{Chrome, Page};

/// One price on the choose page.
pub struct OfferRow {
    pub id: String,
    pub product: String,
    pub price: String,
    pub current: bool,
    pub checked: bool,
}

/// The quantity field, when the customer may change it.
pub struct QuantityField {
    pub value: String,
    pub min: i64,
    pub max: Option<i64>,
    pub hint: String,
}

/// A message per field of the choose form, and one for the whole form.
#[derive(Default)]
pub struct Errors {
    pub price: Option<String>,
    pub quantity: Option<String>,
    pub promotion_code: Option<String>,
    pub form: Option<String>,
}

impl Errors {
    pub fn any(&self) -> bool {
        [&self.price, &self.quantity, &self.promotion_code, &self.form].iter().any(|e| e.is_some())
    }
}

#[derive(Template)]
#[template(path = "subscription_update.html")]
pub struct Choose {
    pub chrome: Chrome,
    pub sub: String,
    pub current: String,
    pub offers: Vec<OfferRow>,
    pub price_allowed: bool,
    pub quantity: Option<QuantityField>,
    pub promotion_code: Option<String>,
    pub discounts: Vec<String>,
    pub missing: Vec<String>,
    pub trial_note: Option<String>,
    pub errors: Errors,
}

impl Page for Choose {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// Why the subscription cannot be updated here.
#[derive(Template)]
#[template(path = "subscription_update_refused.html")]
pub struct Refused {
    pub chrome: Chrome,
    pub reason: String,
}

impl Page for Refused {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

pub struct Line {
    pub description: String,
    pub amount: String,
}

/// The signed choice the confirm form sends back.
pub struct Hidden {
    pub price: String,
    pub quantity: i64,
    pub discount: String,
    pub proration_date: i64,
    pub signature: String,
}

#[derive(Template)]
#[template(path = "subscription_update_preview.html")]
pub struct Preview {
    pub chrome: Chrome,
    pub sub: String,
    /// "Pro · $20.00 per month × 2"
    pub plan: String,
    pub due_now: String,
    pub lines: Vec<Line>,
    /// The next invoice: amount and date.
    pub next: Option<(String, String)>,
    /// The change waits for this date (a period-end change).
    pub scheduled: Option<String>,
    pub trial_ends: bool,
    pub discount: Option<String>,
    pub hidden: Hidden,
    /// The amounts were computed again (the previous preview had expired).
    pub refreshed: bool,
    /// The choose page, unless the deep link went straight to the confirmation.
    pub back: bool,
}

impl Page for Preview {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// A charge for the change that did not go through: the subscription stays as it was.
#[derive(Template)]
#[template(path = "subscription_update_declined.html")]
pub struct Declined {
    pub chrome: Chrome,
    pub message: String,
    /// Paying the change's open invoice with another card.
    pub pay_url: Option<String>,
    pub add_method: bool,
}

impl Page for Declined {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// Whether the engine marked `line` as a proration.
pub fn is_proration(line: &LineItem) -> bool {
    ["/subscription_item_details/proration", "/invoice_item_details/proration"]
        .iter()
        .any(|path| line.parent.pointer(path).and_then(|v| v.as_bool()) == Some(true))
}

/// The invoice's lines in the customer's words (the engine's descriptions are English): `names` maps price ids
/// to product names. With `prorations_only`, only the change's own prorations: neither the renewal's lines nor
/// the invoice items already `pending` from earlier changes.
pub fn lines(
    lang: &Lang,
    invoice: &Invoice,
    names: &HashMap<String, String>,
    prorations_only: bool,
    pending: &[String],
) -> Vec<Line> {
    let mut shown = Vec::new();
    for line in &invoice.lines.data {
        let proration = is_proration(line);
        let earlier = line
            .parent
            .pointer("/invoice_item_details/invoice_item")
            .and_then(|v| v.as_str())
            .is_some_and(|item| pending.iter().any(|p| p == item));
        if prorations_only && (!proration || earlier) {
            continue;
        }
        let price = line.pricing.pointer("/price_details/price").and_then(|v| v.as_str()).unwrap_or_default();
        let product = names.get(price).cloned().unwrap_or_default();
        let item = format!("{} × {product}", line.quantity.unwrap_or(1));
        let description = match (proration, line.amount < 0) {
            (true, true) => lang.t1("update-line-unused", "item", &item),
            (true, false) => lang.t1("update-line-remaining", "item", &item),
            (false, _) => item,
        };
        shown.push(Line { description, amount: lang.money(line.amount, &invoice.currency) });
    }
    let discount: i64 = invoice.total_discount_amounts.iter().map(|d| d.amount).sum();
    if discount != 0 && !prorations_only {
        shown.push(Line {
            description: lang.t("update-line-discount"),
            amount: lang.money(-discount, &invoice.currency),
        });
    }
    shown
}
