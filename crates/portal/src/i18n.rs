//! Localization of every portal string, money amount and date.
//!
//! Messages are Fluent files embedded at compile time (`locales/{locale}/*.ftl`, see `build.rs`); money,
//! numbers and dates are formatted from CLDR data by ICU4X. A request negotiates one [`Lang`] and every page
//! and template renders through it. Shipping a locale is adding its folder of `.ftl` files.

mod bundles;
mod dates;
mod money;
mod negotiate;
mod numbers;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::thread::LocalKey;

use fluent_bundle::FluentArgs;
use icu_locale_core::LanguageIdentifier;

use self::bundles::Messages;

/// The locale one request is rendered in, negotiated once per request.
///
/// Cheap to create and clone: the message bundles are built once per process, formatters once per thread
/// and locale.
#[derive(Debug, Clone)]
pub struct Lang {
    /// The shipped messages (`en`, `ja`, …).
    messages: &'static Messages,
    /// The locale money, numbers and dates follow: the shipped language with the region asked for (`en-GB`).
    locale: LanguageIdentifier,
    /// `locale` as text, for `<html lang>` and as the formatter caches' key.
    tag: Arc<str>,
}

impl Lang {
    /// The locale for a request: the session's `locale` (unless blank or `auto`), else the customer's
    /// `preferred_locales`, else the browser's `Accept-Language`, else English.
    ///
    /// Each candidate in that chain is matched against the shipped locales in turn; one we do not ship (a
    /// session created with `locale=de` before German ships) falls through to the next candidate rather
    /// than straight to English, so the customer still gets the best language we have for them.
    pub fn negotiate(
        session_locale: Option<&str>,
        preferred_locales: &[String],
        accept_language: Option<&str>,
    ) -> Lang {
        negotiate::candidates(session_locale, preferred_locales, accept_language)
            .find_map(|candidate| {
                let messages = bundles::find(&candidate)?;
                Some(Lang::new(messages, candidate))
            })
            .unwrap_or_else(Lang::english)
    }

    /// English as spoken in the US: the last resort of [`Lang::negotiate`].
    pub fn english() -> Lang {
        Lang::new(bundles::english(), icu_locale_core::langid!("en"))
    }

    fn new(messages: &'static Messages, locale: LanguageIdentifier) -> Lang {
        Lang { messages, tag: locale.to_string().into(), locale }
    }

    /// BCP 47 tag of the language the strings are in, for `<html lang>`.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The message `key`.
    pub fn t(&self, key: &str) -> String {
        self.message(key, None)
    }

    /// The message `key` with one string argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::with_capacity(1);
        args.set(name, value);
        self.message(key, Some(&args))
    }

    /// The message `key` with two string arguments.
    pub fn t2(&self, key: &str, (name, value): (&str, &str), (other, other_value): (&str, &str)) -> String {
        let mut args = FluentArgs::with_capacity(2);
        args.set(name, value);
        args.set(other, other_value);
        self.message(key, Some(&args))
    }

    /// The message `key` with one number argument (plural rules apply).
    pub fn tn(&self, key: &str, name: &str, value: i64) -> String {
        let mut args = FluentArgs::with_capacity(1);
        args.set(name, value);
        self.message(key, Some(&args))
    }

    /// `amount` in the currency's smallest unit (cents; yen for JPY), formatted for this locale.
    pub fn money(&self, amount: i64, currency: &str) -> String {
        money::format(&self.locale, &self.tag, amount, currency)
    }

    /// A rate in minor units given as decimal text, keeping fractions of a minor unit ("3.6" cents: "$0.036").
    pub fn money_rate(&self, minor: &str, currency: &str) -> String {
        money::format_rate(&self.locale, &self.tag, minor, currency)
    }

    /// A date (unix seconds, shown in UTC) formatted for this locale, medium length ("Nov 25, 2026").
    pub fn date(&self, unix: i64) -> String {
        dates::format(&self.locale, &self.tag, unix)
    }

    /// `key` in this locale, else in English (logged once: a test keeps shipped locales complete), else the key
    /// itself so a page never fails over a missing message.
    fn message(&self, key: &str, args: Option<&FluentArgs>) -> String {
        numbers::with_locale(&self.locale, &self.tag, || {
            if let Some(text) = self.messages.format(key, args) {
                return text;
            }
            bundles::warn_missing(self.messages, key);
            let english = bundles::english();
            if std::ptr::eq(self.messages, english) {
                return key.to_owned();
            }
            english.format(key, args).unwrap_or_else(|| key.to_owned())
        })
    }
}

/// Runs `with` on the formatter for `key`, making it first if this thread has none yet.
///
/// Per thread because ICU4X formatters are not `Sync` without its `sync` feature, and it keeps requests from
/// ever waiting on each other. Bounded, because keys carry the region of an `Accept-Language` header.
fn cached<V: 'static, R>(
    cache: &'static LocalKey<RefCell<HashMap<String, V>>>,
    key: &str,
    make: impl FnOnce() -> V,
    with: impl FnOnce(&V) -> R,
) -> R {
    const MAX_ENTRIES: usize = 256;
    cache.with_borrow_mut(|map| {
        if !map.contains_key(key) {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(key.to_owned(), make());
        }
        with(&map[key])
    })
}

#[cfg(test)]
mod tests {
    use super::Lang;

    fn lang(tag: &str) -> Lang {
        Lang::negotiate(Some(tag), &[], None)
    }

    #[test]
    fn messages_render_in_the_negotiated_language() {
        assert_eq!(lang("en").t("portal-title"), "Billing portal");
        assert_eq!(lang("ja").t("portal-title"), "請求ポータル");
        assert_eq!(lang("en-GB").t("portal-title"), "Billing portal");
    }

    #[test]
    fn string_arguments_are_inserted_without_unicode_isolation_marks() {
        let text = lang("en").t1("return-to", "business", "Acme");
        assert_eq!(text, "Return to Acme");
        assert_eq!(lang("ja").t1("return-to", "business", "Acme"), "Acme に戻る");
    }

    #[test]
    fn plural_rules_pick_the_form_for_the_count() {
        let en = lang("en");
        assert_eq!(en.tn("item-count", "count", 1), "1 item");
        assert_eq!(en.tn("item-count", "count", 2), "2 items");
        assert_eq!(en.tn("item-count", "count", 0), "0 items");
        assert_eq!(lang("ja").tn("item-count", "count", 1), "1 件");
    }

    #[test]
    fn counts_are_grouped_the_way_the_locale_writes_numbers() {
        assert_eq!(lang("en").tn("item-count", "count", 1234567), "1,234,567 items");
        assert_eq!(lang("en-IN").tn("item-count", "count", 1234567), "12,34,567 items");
        assert_eq!(lang("en").tn("item-count", "count", -3), "-3 items");
    }

    #[test]
    fn a_missing_key_comes_back_as_itself_in_every_locale() {
        // Through a variable so the test that scans code for keys does not find this one.
        let key = "no-such-message";
        assert_eq!(lang("en").t(key), key);
        assert_eq!(lang("ja").t(key), key);
        assert_eq!(lang("ja").tn(key, "count", 2), key);
        assert_eq!(lang("en").t1(key, "name", "x"), key);
    }

    #[test]
    fn a_missing_argument_leaves_the_rest_of_the_message() {
        let key = "return-to";
        assert_eq!(lang("en").t(key), "Return to {$business}");
    }

    #[test]
    fn attributes_are_addressed_as_message_dot_attribute() {
        // No shipped message has attributes yet; an unknown attribute is a missing key.
        let key = "portal-title.aria-label";
        assert_eq!(lang("en").t(key), key);
    }

    #[test]
    fn money_and_dates_follow_the_region_of_the_request() {
        let gb = lang("en-GB");
        assert_eq!(gb.tag(), "en-GB");
        assert_eq!(gb.date(1_795_564_800), "25 Nov 2026");
        assert_eq!(gb.money(123_450, "eur"), "€1,234.50");
    }

    #[test]
    fn lang_is_cheap_to_share_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Lang>();
        let ja = lang("ja");
        let text = std::thread::spawn(move || ja.money(1234, "jpy")).join().unwrap();
        assert_eq!(text, "￥1,234");
    }
}
