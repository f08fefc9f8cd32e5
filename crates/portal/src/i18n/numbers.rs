//! Numbers inside messages (`tn`'s count), written the request's way: `1,234,567` in `en`, `12,34,567` in
//! `en-IN`. Fluent's own output has no grouping at all.
//!
//! Fluent calls a plain `fn` that sees only the bundle, which is per language, not per region; the request's
//! locale reaches it through a thread-local set for the (synchronous) formatting of one message.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use fixed_decimal::Decimal;
use fluent_bundle::FluentValue;
use fluent_bundle::types::FluentNumberStyle;
use icu_decimal::DecimalFormatter;
use icu_locale_core::LanguageIdentifier;
use intl_memoizer::concurrent::IntlLangMemoizer;

thread_local! {
    static CURRENT: RefCell<Option<(LanguageIdentifier, Arc<str>)>> = const { RefCell::new(None) };
    static FORMATTERS: RefCell<HashMap<String, Option<DecimalFormatter>>> = RefCell::new(HashMap::new());
}

/// Runs `format` with `locale` as the one numbers in messages are written in.
pub(super) fn with_locale<R>(locale: &LanguageIdentifier, tag: &Arc<str>, format: impl FnOnce() -> R) -> R {
    let previous = CURRENT.replace(Some((locale.clone(), Arc::clone(tag))));
    let result = format();
    CURRENT.set(previous);
    result
}

/// Fluent's formatter hook: whole numbers with the current locale's digits and grouping; `None` leaves
/// anything else (fractions, `NUMBER()` options we do not map) to Fluent.
pub(super) fn fluent_formatter(value: &FluentValue<'_>, _: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else { return None };
    let options = &number.options;
    let plain = options.style == FluentNumberStyle::Decimal
        && options.use_grouping
        && options.minimum_fraction_digits.is_none()
        && options.minimum_integer_digits.is_none()
        && options.minimum_significant_digits.is_none()
        && options.maximum_significant_digits.is_none();
    // Integral and exactly representable: no rounding question arises.
    if !plain || number.value.fract() != 0.0 || number.value.abs() > 9_007_199_254_740_992.0 {
        return None;
    }
    let decimal = Decimal::from(number.value as i64);
    CURRENT.with_borrow(|current| {
        let (locale, tag) = current.as_ref()?;
        super::cached(
            &FORMATTERS,
            tag,
            || DecimalFormatter::try_new(locale.into(), Default::default()).ok(),
            |formatter| formatter.as_ref().map(|f| f.format(&decimal).to_string()),
        )
    })
}
