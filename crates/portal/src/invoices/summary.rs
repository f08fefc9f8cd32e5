//! An invoice as its customer reads it, every string localized: the hosted invoice page and the PDF show the
//! same [`Summary`]. Names of tax rates and coupons are read from the invoice's own scope.

use std::collections::BTreeMap;

use portico_core::Scope;
use portico_core::objects::TaxRate;
use portico_core::objects::address::Address;
use portico_core::objects::coupon::Coupon;
use portico_core::objects::discount::Discount;
use portico_core::objects::invoice::{Invoice, LineItem, Status};
use portico_core::objects::tax_rate::TaxBehavior;
use portico_store::{StoreError, Tx, TxExt};

use crate::address_format;
use crate::i18n::Lang;
use crate::views::{self, Badge};

pub struct Summary {
    pub number: String,
    pub status: Badge,
    /// Open with something left to pay: the page offers to pay it.
    pub payable: bool,
    pub issued: String,
    pub due: Option<String>,
    pub paid: Option<String>,
    /// Name, e-mail and address lines of the customer as the invoice recorded them.
    pub bill_to: Vec<String>,
    pub lines: Vec<Line>,
    /// Subtotal to amount due; the last one is the amount due.
    pub totals: Vec<(String, String)>,
    pub amount_due: String,
    pub total: String,
    /// The invoice's description (its memo) and footer, as the merchant wrote them.
    pub memo: Option<String>,
    pub footer: Option<String>,
}

pub struct Line {
    pub description: String,
    /// "Nov 25, 2026 – Dec 25, 2026" for lines that cover a period.
    pub period: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
}

/// Whether the customer can pay `invoice` now.
pub fn payable(invoice: &Invoice) -> bool {
    invoice.status == Status::Open && invoice.amount_remaining > 0
}

pub async fn summarize(lang: &Lang, tx: &mut dyn Tx, scope: &Scope, invoice: &Invoice) -> Result<Summary, StoreError> {
    let money = |amount: i64| lang.money(amount, &invoice.currency);
    let mut totals = vec![(lang.t("invoice-subtotal"), money(invoice.subtotal))];
    for discount in &invoice.total_discount_amounts {
        let label = match coupon_name(tx, scope, &discount.discount).await? {
            Some(name) => lang.t1("invoice-discount-named", "name", &name),
            None => lang.t("invoice-discount"),
        };
        totals.push((label, money(-discount.amount)));
    }
    for (rate, (amount, inclusive)) in taxes(invoice) {
        let name = match tx.load::<TaxRate>(scope, &rate).await? {
            Some(rate) => format!("{} ({}%)", rate.display_name, rate.percentage),
            None => lang.t("invoice-tax"),
        };
        let label = if inclusive { lang.t1("invoice-tax-included", "name", &name) } else { name };
        totals.push((label, money(amount)));
    }
    totals.push((lang.t("invoice-total"), money(invoice.total)));
    if invoice.starting_balance != 0 {
        totals.push((lang.t("invoice-applied-balance"), money(invoice.starting_balance)));
    }
    if invoice.amount_paid > 0 {
        totals.push((lang.t("invoice-amount-paid"), money(-invoice.amount_paid)));
    }
    let amount_due = money(invoice.amount_remaining);
    totals.push((lang.t("invoice-amount-due"), amount_due.clone()));
    Ok(Summary {
        number: invoice.number.clone().unwrap_or_default(),
        status: views::invoice_row(lang, invoice).status,
        payable: payable(invoice),
        issued: lang.date(invoice.status_transitions.finalized_at.unwrap_or(invoice.created)),
        due: invoice.due_date.map(|due| lang.date(due)),
        paid: invoice.status_transitions.paid_at.map(|paid| lang.date(paid)),
        bill_to: bill_to(lang, invoice),
        lines: invoice.lines.data.iter().map(|line| self::line(lang, line)).collect(),
        totals,
        amount_due,
        total: money(invoice.total),
        memo: invoice.description.clone().filter(|text| !text.trim().is_empty()),
        footer: invoice.footer.clone().filter(|text| !text.trim().is_empty()),
    })
}

/// Each tax rate's amount over all lines, and whether it is included in the prices.
fn taxes(invoice: &Invoice) -> BTreeMap<String, (i64, bool)> {
    let mut taxes = BTreeMap::new();
    for tax in &invoice.total_taxes {
        let entry = taxes.entry(tax.tax_rate_details.tax_rate.clone()).or_insert((0, false));
        entry.0 += tax.amount;
        entry.1 = tax.tax_behavior == TaxBehavior::Inclusive;
    }
    taxes
}

async fn coupon_name(tx: &mut dyn Tx, scope: &Scope, discount: &str) -> Result<Option<String>, StoreError> {
    let Some(discount) = tx.load::<Discount>(scope, discount).await? else { return Ok(None) };
    let Some(coupon) = discount.source.coupon else { return Ok(None) };
    let coupon = tx.load::<Coupon>(scope, &coupon).await?;
    Ok(coupon.map(|coupon| coupon.name.filter(|name| !name.trim().is_empty()).unwrap_or(coupon.id)))
}

fn bill_to(lang: &Lang, invoice: &Invoice) -> Vec<String> {
    let mut lines: Vec<String> = [&invoice.customer_name, &invoice.customer_email]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect();
    let address = invoice.customer_address.clone().and_then(|value| serde_json::from_value::<Address>(value).ok());
    lines.extend(address.as_ref().map(|address| address_format::lines(lang, address)).unwrap_or_default());
    lines
}

fn line(lang: &Lang, line: &LineItem) -> Line {
    let quantity = line.quantity.unwrap_or(1);
    // The price's rate as the line billed it, fractions of a cent included ("$0.036").
    let unit = match line.pricing.get("unit_amount_decimal").and_then(|value| value.as_str()) {
        Some(rate) => lang.money_rate(rate, &line.currency),
        None => lang.money(if quantity == 0 { line.amount } else { line.amount / quantity }, &line.currency),
    };
    let period = (line.period.end > line.period.start)
        .then(|| format!("{} – {}", lang.date(line.period.start), lang.date(line.period.end)));
    Line {
        description: line.description.clone().filter(|text| !text.trim().is_empty()).unwrap_or_else(|| "—".into()),
        period,
        quantity: quantity.to_string(),
        unit_price: unit,
        amount: lang.money(line.amount, &line.currency),
    }
}
