//! Invoice PDFs (Stripe's `invoice_pdf`): an [`InvoiceDocument`] of already-localized strings rendered to A4
//! pages with krilla. The renderer knows nothing of locales or money; the caller formats every string.
//!
//! Text is set in Noto Sans CJK so Japanese, Chinese and Korean names and addresses print as themselves; krilla
//! embeds only the glyphs used (about 15 KB per invoice) and writes ToUnicode maps, so the text can be copied
//! and searched. See [`Fonts::discover`] for where the font is looked for (`PORTICO_PDF_FONT_DIR` first).

mod compose;
mod fonts;
mod layout;

use std::path::PathBuf;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;

pub use fonts::{FONT_DIR_ENV, Fonts};

use compose::{Composer, Op, PAGE_HEIGHT, PAGE_WIDTH, Rgb};
use layout::Shaper;

/// Everything printed on an invoice, already localized and formatted.
#[derive(Debug, Clone, Default)]
pub struct InvoiceDocument {
    pub business_name: String,
    /// `#RRGGBB`: a band across the top of each page, the title and the table rule. Neutral grey without one.
    pub brand_color: Option<String>,
    /// PNG or JPEG bytes, drawn at most 44 pt high. An image that does not decode is left out rather than
    /// keeping the customer from their invoice.
    pub logo: Option<Vec<u8>>,
    /// "Invoice", "請求書", …
    pub title: String,
    pub number: String,
    /// Issued, due, status…: label on the left, value right-aligned.
    pub meta: Vec<(String, String)>,
    /// "Bill to", "請求先", …
    pub bill_to_label: String,
    /// Customer name (set in bold), e-mail, address lines.
    pub bill_to: Vec<String>,
    /// The column labels; repeated at the top of every page the table continues on.
    pub table_header: TableRow,
    pub rows: Vec<TableRow>,
    /// Subtotal, discounts, tax, total, amount paid, amount due; the last row is set in bold.
    pub totals: Vec<(String, String)>,
    /// Memo or footer, wrapped under the totals; `\n` starts a new line.
    pub footer: Option<String>,
}

/// One line of the table. Descriptions wrap (and may hold `\n`); the other columns are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct TableRow {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "no CJK-capable font for invoice PDFs (looked for NotoSansCJK-Regular.ttc in {searched}): install \
         fonts-noto-cjk (Debian, Ubuntu), google-noto-sans-cjk-fonts (Fedora), noto-fonts-cjk (Arch) or \
         font-noto-cjk (Alpine), or set PORTICO_PDF_FONT_DIR to a directory holding NotoSansCJK-Regular.ttc"
    )]
    NoFont { searched: String },
    #[error("could not read the invoice font {path}: {source}")]
    FontRead { path: PathBuf, source: std::io::Error },
    #[error("could not write the invoice PDF: {0}")]
    Write(String),
}

/// Renders `doc` as a PDF of one or more A4 pages.
pub fn render(doc: &InvoiceDocument, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let unparsable = || PdfError::Write("the font no longer parses".to_owned());
    let regular = Shaper::new(&fonts.regular).ok_or_else(unparsable)?;
    let bold = Shaper::new(&fonts.bold).ok_or_else(unparsable)?;
    let logo = doc.logo.as_deref().and_then(decode_logo);
    let pages = Composer::new(&regular, &bold, doc.brand_color.as_deref()).compose(doc, logo.as_ref().map(Image::size));

    let mut document = Document::new();
    let title = format!("{} {}", doc.title, doc.number);
    document.set_metadata(Metadata::new().title(title).creator("Portico".to_owned()));
    let settings =
        PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError::Write("page size".to_owned()))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op, &regular, &bold, logo.as_ref());
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn decode_logo(bytes: &[u8]) -> Option<Image> {
    let data = bytes.to_vec().into();
    if bytes.starts_with(b"\x89PNG") {
        Image::from_png(data, true).ok()
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        Image::from_jpeg(data, true).ok()
    } else {
        None
    }
}

fn draw(surface: &mut Surface, op: Op, regular: &Shaper, bold: &Shaper, logo: Option<&Image>) {
    match op {
        Op::Text { x, baseline, style, run } => {
            surface.set_fill(Some(fill(style.color)));
            let font = if style.bold { bold.font.clone() } else { regular.font.clone() };
            surface.draw_glyphs(Point::from_xy(x, baseline), &run.glyphs, font, &run.text, style.size, false);
        }
        Op::Rect { x, y, width, height, color } => {
            let mut path = PathBuilder::new();
            let Some(rect) = Rect::from_xywh(x, y, width, height) else { return };
            path.push_rect(rect);
            let Some(path) = path.finish() else { return };
            surface.set_fill(Some(fill(color)));
            surface.draw_path(&path);
        }
        Op::Logo { x, y, width, height } => {
            let (Some(image), Some(size)) = (logo, Size::from_wh(width, height)) else { return };
            surface.push_transform(&Transform::from_translate(x, y));
            surface.draw_image(image.clone(), size);
            surface.pop();
        }
    }
}

fn fill((r, g, b): Rgb) -> Fill {
    Fill { paint: rgb::Color::new(r, g, b).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}
