//! The candidates for a request's locale, best first: the session's explicit choice, the customer's
//! `preferred_locales`, then the browser's `Accept-Language` by quality. Matching them against the shipped
//! locales is `bundles::find`'s part.

use icu_locale_core::subtags::{Language, Variants};
use icu_locale_core::{LanguageIdentifier, Locale};

/// Entries of `Accept-Language` read at most: browsers send a handful, and the header is the client's to fill.
const MAX_ACCEPT_LANGUAGE_ENTRIES: usize = 32;

/// Every usable candidate in order of preference, parsed lazily: the header is only read when neither the
/// session nor the customer names a locale we ship.
pub(super) fn candidates<'a>(
    session_locale: Option<&'a str>,
    preferred_locales: &'a [String],
    accept_language: Option<&'a str>,
) -> impl Iterator<Item = LanguageIdentifier> + 'a {
    // `auto` is Stripe's "use the browser's language".
    let session = session_locale.map(str::trim).filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("auto"));
    let browser = std::iter::once(accept_language).flat_map(|header| header.map(by_quality).unwrap_or_default());
    session.into_iter().chain(preferred_locales.iter().map(String::as_str)).chain(browser).filter_map(parse)
}

/// The language tags of an `Accept-Language` header, highest quality first (ties keep the header's order),
/// without `*`, entries refused with `q=0` and entries whose quality does not parse.
fn by_quality(header: &str) -> Vec<&str> {
    let mut entries: Vec<(u16, &str)> = Vec::new();
    for entry in header.split(',').take(MAX_ACCEPT_LANGUAGE_ENTRIES) {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        if tag.is_empty() || tag == "*" {
            continue;
        }
        let mut quality = Some(1000);
        for param in parts {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            if name.trim().eq_ignore_ascii_case("q") {
                quality = parse_quality(value.trim());
            }
        }
        match quality {
            Some(0) | None => {}
            Some(q) => entries.push((q, tag)),
        }
    }
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    entries.into_iter().map(|(_, tag)| tag).collect()
}

/// A `q` value in thousandths, `None` unless it is a number from 0 to 1.
fn parse_quality(value: &str) -> Option<u16> {
    let q: f32 = value.parse().ok()?;
    (0.0..=1.0).contains(&q).then(|| (q * 1000.0).round() as u16)
}

/// A locale tag reduced to language, script and region, the parts that choose messages and formats; `None`
/// for what is not a tag or names no language (`und`). Accepts `en_GB` as some clients send it.
fn parse(raw: &str) -> Option<LanguageIdentifier> {
    let raw = raw.trim();
    let locale = Locale::try_from_str(&raw.replace('_', "-")).ok()?;
    let id = locale.id;
    if id.language == Language::UNKNOWN {
        return None;
    }
    Some(LanguageIdentifier { language: id.language, script: id.script, region: id.region, variants: Variants::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn negotiate(session: Option<&str>, preferred: &[&str], accept: Option<&str>) -> String {
        let preferred: Vec<String> = preferred.iter().map(|p| (*p).to_owned()).collect();
        Lang::negotiate(session, &preferred, accept).tag().to_owned()
    }

    #[test]
    fn the_session_locale_wins_over_the_customer_and_the_browser() {
        assert_eq!(negotiate(Some("ja"), &["en"], Some("en-US")), "ja");
        assert_eq!(negotiate(Some("en-GB"), &["ja"], Some("ja")), "en-GB");
    }

    #[test]
    fn a_blank_or_auto_session_locale_defers_to_the_customer() {
        assert_eq!(negotiate(Some("auto"), &["ja"], Some("en")), "ja");
        assert_eq!(negotiate(Some("AUTO"), &["ja"], None), "ja");
        assert_eq!(negotiate(Some(""), &["ja"], None), "ja");
        assert_eq!(negotiate(Some("  "), &["ja"], None), "ja");
        assert_eq!(negotiate(None, &["ja"], None), "ja");
    }

    #[test]
    fn the_customers_preferred_locales_are_tried_in_order() {
        assert_eq!(negotiate(None, &["ja", "en"], Some("en")), "ja");
        assert_eq!(negotiate(None, &["en", "ja"], Some("ja")), "en");
    }

    #[test]
    fn a_locale_we_do_not_ship_falls_through_to_the_next_candidate() {
        assert_eq!(negotiate(Some("de"), &["ja"], Some("en")), "ja");
        assert_eq!(negotiate(Some("de"), &["fr", "nl"], Some("ja-JP,en;q=0.5")), "ja-JP");
        assert_eq!(negotiate(Some("zh-TW"), &[], Some("de, ko;q=0.8")), "en");
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(negotiate(None, &[], Some("en;q=0.5, ja;q=0.9")), "ja");
        assert_eq!(negotiate(None, &[], Some("de-CH, de;q=0.9, ja;q=0.8, en;q=0.7")), "ja");
        assert_eq!(negotiate(None, &[], Some("en-GB;q=0.8, ja;q=0.8")), "en-GB");
    }

    #[test]
    fn wildcards_refusals_and_malformed_entries_are_ignored() {
        assert_eq!(by_quality("*, ja;q=0, en-GB;q=abc, en-AU;q=2, fr;q=0.3, de"), ["de", "fr"]);
        assert_eq!(negotiate(None, &[], Some("*;q=1, ja;q=0, en-GB;q=0.1")), "en-GB");
        assert_eq!(negotiate(None, &[], Some(";;,,=, -- ,ja;q=")), "en");
        assert_eq!(negotiate(None, &[], Some("x;q=0.9, ja-JP;Q=0.5")), "ja-JP");
    }

    #[test]
    fn without_any_usable_candidate_the_portal_is_in_english() {
        assert_eq!(negotiate(None, &[], None), "en");
        assert_eq!(negotiate(Some("und"), &["not a tag"], Some("")), "en");
    }

    #[test]
    fn the_region_is_kept_for_formatting_while_messages_come_from_the_language() {
        let gb = Lang::negotiate(Some("en-GB"), &[], None);
        assert_eq!(gb.tag(), "en-GB");
        assert_eq!(gb.t("portal-title"), "Billing portal");
        let ja = Lang::negotiate(None, &[], Some("ja-JP"));
        assert_eq!(ja.tag(), "ja-JP");
        assert_eq!(ja.t("portal-title"), "請求ポータル");
    }

    #[test]
    fn tags_are_canonicalised_and_stripped_to_language_script_and_region() {
        assert_eq!(negotiate(Some("EN-gb"), &[], None), "en-GB");
        assert_eq!(negotiate(Some("en_AU"), &[], None), "en-AU");
        assert_eq!(negotiate(None, &[], Some("ja-JP-u-ca-japanese")), "ja-JP");
        assert_eq!(negotiate(Some("es-419"), &["ja-Jpan-JP"], None), "ja-Jpan-JP");
    }

    #[test]
    fn every_stripe_locale_code_parses() {
        let stripe = "bg cs da de el en en-AU en-CA en-GB en-IE en-IN en-NZ en-SG es es-419 et fi fil fr fr-CA hr hu \
                      id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW";
        for code in stripe.split(' ') {
            assert_eq!(parse(code).map(|id| id.to_string()).as_deref(), Some(code));
        }
    }
}
