//! `GET /i/{invoice}/{token}/pdf`: the invoice as a PDF (Stripe's `invoice_pdf`), the same [`Summary`] as the
//! hosted page in the customer's language, set by [`crate::pdf`] in Noto Sans CJK. The font is looked for once
//! per process; without one the customer gets a localized 503 page and the log one line saying what to install.

use std::sync::OnceLock;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::context::unix_now;

use super::access::Hosted;
use super::summary::{self, Summary};
use crate::i18n::Lang;
use crate::pdf::{self, Fonts, InvoiceDocument, TableRow};
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};

/// The fonts, or why there are none (the message of [`pdf::PdfError`]).
fn fonts() -> &'static Result<Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().map_err(|error| error.to_string()))
}

#[derive(Template)]
#[template(path = "invoices_pdf_unavailable.html")]
struct Unavailable {
    chrome: Chrome,
    back: String,
}

impl Page for Unavailable {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// `GET /i/{invoice}/{token}/pdf`
pub async fn download(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let mut hosted = Hosted::begin(&state, &headers, &id, &token, unix_now(), false).await?;
        let (scope, invoice, lang) = (hosted.scope.clone(), hosted.invoice.clone(), hosted.lang.clone());
        let summary = summary::summarize(&lang, hosted.tx(), &scope, &invoice).await?;
        let chrome = hosted.chrome();
        let back = hosted.base();
        hosted.commit().await?;
        let fonts = match fonts() {
            Ok(fonts) => fonts,
            Err(error) => {
                tracing::error!(invoice.id = %invoice.id, %error, "invoice PDF unavailable");
                return Ok(render::html(StatusCode::SERVICE_UNAVAILABLE, &Unavailable { chrome, back }));
            }
        };
        let doc = document(&lang, &summary, &chrome);
        let bytes = pdf::render(&doc, fonts).map_err(Refusal::failed)?;
        Ok(pdf_response(bytes, &summary.number))
    }
    .await;
    result.unwrap_or_else(|refusal: Refusal| refusal.into_response())
}

fn pdf_response(bytes: Vec<u8>, number: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    // Invoice numbers are `{prefix}-{NNNN}`; anything else is left out of the file name rather than quoted.
    let safe: String = number.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"Invoice-{safe}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The printed invoice, every label from the customer's locale.
fn document(lang: &Lang, summary: &Summary, chrome: &Chrome) -> InvoiceDocument {
    let mut meta = vec![(lang.t("invoice-issued"), summary.issued.clone())];
    meta.extend(summary.due.clone().map(|due| (lang.t("invoice-due"), due)));
    meta.extend(summary.paid.clone().map(|paid| (lang.t("invoice-paid-on"), paid)));
    meta.push((lang.t("invoice-status"), summary.status.label.clone()));
    let rows = summary
        .lines
        .iter()
        .map(|line| TableRow {
            description: match &line.period {
                Some(period) => format!("{}\n{period}", line.description),
                None => line.description.clone(),
            },
            quantity: line.quantity.clone(),
            unit_price: line.unit_price.clone(),
            amount: line.amount.clone(),
        })
        .collect();
    let footer = [summary.memo.clone(), summary.footer.clone()].into_iter().flatten().collect::<Vec<_>>();
    InvoiceDocument {
        business_name: chrome.brand.business_name.clone(),
        brand_color: Some(chrome.brand.primary.clone()),
        logo: None,
        title: lang.t("invoice-title"),
        number: summary.number.clone(),
        meta,
        bill_to_label: lang.t("invoice-bill-to"),
        bill_to: summary.bill_to.clone(),
        table_header: TableRow {
            description: lang.t("invoice-column-description"),
            quantity: lang.t("invoice-column-quantity"),
            unit_price: lang.t("invoice-column-unit-price"),
            amount: lang.t("invoice-column-amount"),
        },
        rows,
        totals: summary.totals.clone(),
        footer: (!footer.is_empty()).then(|| footer.join("\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_the_invoice_number_and_shown_inline() {
        let response = pdf_response(b"%PDF-1.7".to_vec(), "ABCD1234-0001");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(response.headers()[header::CONTENT_DISPOSITION], "inline; filename=\"Invoice-ABCD1234-0001.pdf\"");
        let odd = pdf_response(Vec::new(), "A\"B\r\n/C");
        assert_eq!(odd.headers()[header::CONTENT_DISPOSITION], "inline; filename=\"Invoice-ABC.pdf\"");
    }
}
