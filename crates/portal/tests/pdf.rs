//! Invoice PDFs read back to text (through the ToUnicode maps krilla writes), as a customer's viewer would.
//! Needs Noto Sans CJK: scripts/test installs fonts-noto-cjk when it is missing.

use std::sync::OnceLock;

use portico_portal::pdf::{self, Fonts, InvoiceDocument, TableRow};

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().unwrap_or_else(|error| panic!("{error}")))
}

fn row(description: &str, quantity: u32, unit_yen: u32) -> TableRow {
    TableRow {
        description: description.to_owned(),
        quantity: quantity.to_string(),
        unit_price: format!("¥{unit_yen}"),
        amount: format!("¥{}", quantity * unit_yen),
    }
}

fn invoice(rows: Vec<TableRow>) -> InvoiceDocument {
    InvoiceDocument {
        business_name: "Acme Cloud K.K.".to_owned(),
        brand_color: Some("#4F46E5".to_owned()),
        logo: None,
        title: "請求書".to_owned(),
        number: "INV-2024-0042".to_owned(),
        meta: vec![
            ("Issued".to_owned(), "2024-05-01".to_owned()),
            ("Due".to_owned(), "2024-05-31".to_owned()),
            ("Status".to_owned(), "Open".to_owned()),
        ],
        bill_to_label: "請求先".to_owned(),
        bill_to: vec![
            "山田 太郎".to_owned(),
            "taro@example.jp".to_owned(),
            "〒100-0005".to_owned(),
            "東京都千代田区丸の内1-1-1".to_owned(),
        ],
        table_header: TableRow {
            description: "Description".to_owned(),
            quantity: "Qty".to_owned(),
            unit_price: "Unit price".to_owned(),
            amount: "Amount".to_owned(),
        },
        rows,
        totals: vec![
            ("Subtotal".to_owned(), "¥9,800".to_owned()),
            ("Tax (10%)".to_owned(), "¥980".to_owned()),
            ("Amount due".to_owned(), "¥10,780".to_owned()),
        ],
        footer: Some("Thank you for your business. お支払いは期日までにお願いいたします。".to_owned()),
    }
}

/// The text of every page, with whitespace removed: extraction splits and spaces runs as it likes.
fn page_texts(bytes: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(bytes).expect("the output parses as a PDF");
    let pages = document.get_pages();
    pages
        .keys()
        .map(|&number| {
            let text = document.extract_text(&[number]).expect("text extracts");
            text.chars().filter(|c| !c.is_whitespace()).collect()
        })
        .collect()
}

#[test]
fn a_japanese_invoice_pdf_keeps_the_customer_name_address_number_and_total_as_text() {
    let doc = invoice(vec![row("Pro plan (monthly)", 1, 9800)]);
    let bytes = pdf::render(&doc, fonts()).unwrap();

    assert!(bytes.starts_with(b"%PDF"));
    assert!(bytes.len() < 100_000, "a one-page invoice is {} bytes: the font is not being subset", bytes.len());
    let pages = page_texts(&bytes);
    assert_eq!(pages.len(), 1);
    for expected in
        ["山田太郎", "東京都千代田区丸の内1-1-1", "請求書", "請求先", "INV-2024-0042", "¥10,780", "Proplan(monthly)"]
    {
        assert!(pages[0].contains(expected), "{expected:?} missing from page text {:?}", pages[0]);
    }
}

#[test]
fn a_sixty_line_invoice_pdf_continues_on_more_pages_with_the_table_header_repeated() {
    let rows = (1..=60).map(|i| row(&format!("Usage line {i}: API requests, region ap-northeast-1"), i, 3)).collect();
    let bytes = pdf::render(&invoice(rows), fonts()).unwrap();

    let pages = page_texts(&bytes);
    assert!(pages.len() >= 2, "60 lines fit on {} page(s)", pages.len());
    for (index, page) in pages.iter().enumerate() {
        assert!(page.contains("DescriptionQtyUnitpriceAmount"), "page {} has no table header: {page:?}", index + 1);
        assert!(page.contains(&format!("{}/{}", index + 1, pages.len())), "page {} is not numbered", index + 1);
    }
    let all = pages.concat();
    for i in 1..=60 {
        assert!(all.contains(&format!("Usageline{i}:")), "line {i} is missing");
    }
    assert!(pages.last().unwrap().contains("¥10,780"), "the totals close the last page");
}

#[test]
fn a_long_description_wraps_inside_its_column_in_the_pdf() {
    let long = "Enterprise support with a dedicated account manager, 24/7 phone line and a four-hour response \
                time on every severity-one incident, billed yearly; 年間サポート契約（専任担当者付き）を含みます";
    let bytes = pdf::render(&invoice(vec![row(long, 1, 120_000)]), fonts()).unwrap();

    let text = &page_texts(&bytes)[0];
    assert!(text.contains("Enterprisesupport") && text.contains("年間サポート契約"), "{text:?}");
}

#[test]
fn a_pdf_with_no_font_directory_names_the_package_to_install() {
    let missing = std::env::temp_dir().join("portico-no-fonts-here");
    assert!(Fonts::from_dir(&missing).unwrap().is_none());
    let message = pdf::PdfError::NoFont { searched: missing.display().to_string() }.to_string();
    assert!(message.contains("fonts-noto-cjk") && message.contains("PORTICO_PDF_FONT_DIR"), "{message}");
}
