//! Places an invoice on A4 pages as a list of drawing operations, so page breaks are decided before anything is
//! written. Coordinates are points from the top-left corner; text is positioned by its baseline.

use super::layout::{Run, Shaper};
use super::{InvoiceDocument, TableRow};

pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
/// Lowest point content may reach: below it sit the page numbers.
const BOTTOM: f32 = PAGE_HEIGHT - 64.0;

pub(super) type Rgb = (u8, u8, u8);
const INK: Rgb = (26, 26, 26);
const MUTED: Rgb = (107, 114, 128);
const HAIRLINE: Rgb = (229, 231, 235);
const DEFAULT_ACCENT: Rgb = (55, 65, 81);

/// Right edges of the quantity, unit price and amount columns; the description takes what is left of them.
const QTY_RIGHT: f32 = RIGHT - 200.0;
const UNIT_RIGHT: f32 = RIGHT - 100.0;
const DESCRIPTION_WIDTH: f32 = QTY_RIGHT - 60.0 - MARGIN;

/// How a piece of text is set.
#[derive(Clone, Copy)]
pub(super) struct Style {
    pub(super) size: f32,
    pub(super) bold: bool,
    pub(super) color: Rgb,
}

const fn style(size: f32, bold: bool, color: Rgb) -> Style {
    Style { size, bold, color }
}

pub(super) enum Op {
    Text { x: f32, baseline: f32, style: Style, run: Run },
    Rect { x: f32, y: f32, width: f32, height: f32, color: Rgb },
    Logo { x: f32, y: f32, width: f32, height: f32 },
}

pub(super) struct Composer<'a> {
    regular: &'a Shaper<'a>,
    bold: &'a Shaper<'a>,
    accent: Rgb,
    brand_band: bool,
    pub(super) pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Composer<'a> {
    pub(super) fn new(regular: &'a Shaper<'a>, bold: &'a Shaper<'a>, brand_color: Option<&str>) -> Self {
        let brand = brand_color.and_then(parse_hex);
        Composer {
            regular,
            bold,
            accent: brand.unwrap_or(DEFAULT_ACCENT),
            brand_band: brand.is_some(),
            pages: Vec::new(),
            y: 0.0,
        }
    }

    /// `logo` is the logo's pixel size when the document carries one that decoded.
    pub(super) fn compose(mut self, doc: &InvoiceDocument, logo: Option<(u32, u32)>) -> Vec<Vec<Op>> {
        self.new_page();
        self.header(doc, logo);
        self.parties(doc);
        self.table_header(&doc.table_header);
        for row in &doc.rows {
            self.row(doc, row);
        }
        self.totals(&doc.totals);
        if let Some(footer) = &doc.footer {
            self.footer(footer);
        }
        self.page_numbers();
        self.pages
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        if self.brand_band {
            self.rect(0.0, 0.0, PAGE_WIDTH, 8.0, self.accent);
        }
    }

    /// Starts a new page when `height` more points would run past the bottom margin.
    fn fits(&mut self, height: f32) -> bool {
        if self.y + height <= BOTTOM {
            return true;
        }
        self.new_page();
        false
    }

    fn op(&mut self, op: Op) {
        self.pages.last_mut().expect("compose starts with a page").push(op);
    }

    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Rgb) {
        self.op(Op::Rect { x, y, width, height, color });
    }

    fn place(&mut self, run: Run, x: f32, baseline: f32, style: Style) {
        self.op(Op::Text { x, baseline, style, run });
    }

    fn shaper(&self, bold: bool) -> &'a Shaper<'a> {
        if bold { self.bold } else { self.regular }
    }

    fn text(&mut self, text: &str, x: f32, baseline: f32, style: Style) {
        let run = self.shaper(style.bold).shape(text);
        self.place(run, x, baseline, style);
    }

    fn text_right(&mut self, text: &str, right: f32, baseline: f32, style: Style) {
        let run = self.shaper(style.bold).shape(text);
        let x = right - run.width(style.size);
        self.place(run, x, baseline, style);
    }

    /// Wrapped text from the current `y` down, breaking pages between lines.
    fn paragraph(&mut self, text: &str, x: f32, width: f32, leading: f32, style: Style) {
        let size = style.size;
        for run in self.shaper(style.bold).wrap(text, size, width) {
            self.fits(leading);
            self.y += leading;
            // Centres the em box (ascent 0.88, descent 0.12 in Noto Sans CJK) in the line.
            let baseline = self.y - (leading - size) / 2.0 - size * 0.12;
            self.place(run, x, baseline, style);
        }
    }

    fn header(&mut self, doc: &InvoiceDocument, logo: Option<(u32, u32)>) {
        let top = self.y;
        let mut left_bottom = top;
        if let Some((px_width, px_height)) = logo.filter(|&(w, h)| w > 0 && h > 0) {
            let scale = (44.0 / px_height as f32).min(180.0 / px_width as f32);
            let (width, height) = (px_width as f32 * scale, px_height as f32 * scale);
            self.op(Op::Logo { x: MARGIN, y: top, width, height });
            left_bottom += height + 10.0;
        }
        self.y = left_bottom;
        self.paragraph(&doc.business_name, MARGIN, 260.0, 20.0, style(15.0, true, INK));
        left_bottom = self.y;

        self.text_right(&doc.title, RIGHT, top + 22.0, style(24.0, true, self.accent));
        self.text_right(&doc.number, RIGHT, top + 42.0, style(10.5, false, MUTED));
        self.y = left_bottom.max(top + 48.0) + 26.0;
    }

    /// "Bill to" on the left, the meta rows (issued, due, status…) on the right.
    fn parties(&mut self, doc: &InvoiceDocument) {
        let top = self.y;
        self.paragraph(&doc.bill_to_label, MARGIN, 250.0, 15.0, style(9.0, true, MUTED));
        for (i, line) in doc.bill_to.iter().enumerate() {
            let first = i == 0;
            self.paragraph(line, MARGIN, 250.0, 15.0, style(if first { 11.0 } else { 10.0 }, first, INK));
        }
        let left_bottom = self.y;

        let label_x = RIGHT - 220.0;
        let mut baseline = top + 11.0;
        for (label, value) in &doc.meta {
            self.text(label, label_x, baseline, style(9.5, false, MUTED));
            self.text_right(value, RIGHT, baseline, style(9.5, false, INK));
            baseline += 15.0;
        }
        self.y = left_bottom.max(baseline) + 24.0;
    }

    fn table_header(&mut self, header: &TableRow) {
        let baseline = self.y + 10.0;
        let label = style(9.0, true, MUTED);
        self.text(&header.description, MARGIN, baseline, label);
        self.text_right(&header.quantity, QTY_RIGHT, baseline, label);
        self.text_right(&header.unit_price, UNIT_RIGHT, baseline, label);
        self.text_right(&header.amount, RIGHT, baseline, label);
        self.rect(MARGIN, self.y + 16.0, RIGHT - MARGIN, 1.0, self.accent);
        self.y += 19.0;
    }

    fn row(&mut self, doc: &InvoiceDocument, row: &TableRow) {
        const LEADING: f32 = 14.0;
        let lines = self.regular.wrap(&row.description, 10.0, DESCRIPTION_WIDTH);
        let height = lines.len().max(1) as f32 * LEADING + 10.0;
        if !self.fits(height) {
            let continued = format!("{} · {}", doc.business_name, doc.number);
            self.text(&continued, MARGIN, self.y + 8.0, style(8.5, false, MUTED));
            self.y += 24.0;
            self.table_header(&doc.table_header);
        }
        let body = style(10.0, false, INK);
        let first_baseline = self.y + 5.0 + 10.5;
        for (i, run) in lines.into_iter().enumerate() {
            self.place(run, MARGIN, first_baseline + i as f32 * LEADING, body);
        }
        self.text_right(&row.quantity, QTY_RIGHT, first_baseline, body);
        self.text_right(&row.unit_price, UNIT_RIGHT, first_baseline, body);
        self.text_right(&row.amount, RIGHT, first_baseline, body);
        self.y += height;
        self.rect(MARGIN, self.y - 0.5, RIGHT - MARGIN, 0.5, HAIRLINE);
    }

    /// The block stays whole; its last row (amount due, by Stripe's order) is set in bold above a rule.
    fn totals(&mut self, totals: &[(String, String)]) {
        const LEADING: f32 = 19.0;
        self.fits(totals.len() as f32 * LEADING + 24.0);
        self.y += 12.0;
        let label_x = RIGHT - 240.0;
        for (i, (label, value)) in totals.iter().enumerate() {
            let last = i + 1 == totals.len();
            if last && totals.len() > 1 {
                self.rect(label_x, self.y + 3.0, RIGHT - label_x, 0.75, INK);
                self.y += 4.0;
            }
            let size = if last { 11.0 } else { 10.0 };
            let baseline = self.y + 14.0;
            self.text(label, label_x, baseline, style(size, last, if last { INK } else { MUTED }));
            self.text_right(value, RIGHT, baseline, style(size, last, INK));
            self.y += LEADING;
        }
        self.y += 20.0;
    }

    fn footer(&mut self, footer: &str) {
        self.rect(MARGIN, self.y, RIGHT - MARGIN, 0.5, HAIRLINE);
        self.y += 8.0;
        self.paragraph(footer, MARGIN, RIGHT - MARGIN, 13.0, style(9.0, false, MUTED));
    }

    /// "2 / 3" needs no translation, so the renderer stays free of locales.
    fn page_numbers(&mut self) {
        let count = self.pages.len();
        if count < 2 {
            return;
        }
        for index in 0..count {
            let run = self.regular.shape(&format!("{} / {count}", index + 1));
            let x = (PAGE_WIDTH - run.width(8.0)) / 2.0;
            let op = Op::Text { x, baseline: PAGE_HEIGHT - 34.0, style: style(8.0, false, MUTED), run };
            self.pages[index].push(op);
        }
    }
}

/// `#RRGGBB` (the `#` optional); anything else falls back to the neutral accent.
fn parse_hex(color: &str) -> Option<Rgb> {
    let hex = color.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}
