//! Countries for the address forms and the tax id types, named in the visitor's language from CLDR (ICU4X's
//! compiled data) and sorted by that name.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use icu_experimental::displaynames::DisplayNamesOptions;
use icu_experimental::displaynames::multi::RegionDisplayNames;
use icu_locale_core::Locale;
use icu_locale_core::subtags::Region;

/// ISO 3166-1 alpha-2 codes, plus `XK` (Kosovo), which Stripe accepts in addresses.
#[rustfmt::skip]
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

/// Names of regions in one language.
pub struct Names {
    names: Option<RegionDisplayNames>,
}

impl Names {
    /// Names in the language of the BCP 47 `tag`; codes stand in for names when CLDR has no data.
    pub fn new(tag: &str) -> Names {
        let names = tag
            .parse::<Locale>()
            .ok()
            .and_then(|locale| RegionDisplayNames::try_new((&locale).into(), DisplayNamesOptions::default()).ok());
        Names { names }
    }

    /// The name of region `code` (`DE`, `EU`), or the code itself.
    pub fn of(&self, code: &str) -> String {
        let upper = code.to_ascii_uppercase();
        let name = Region::try_from_str(&upper).ok().and_then(|region| self.names.as_ref()?.of(region));
        name.map_or(upper, str::to_owned)
    }
}

/// `(value, name)` pairs of a `<select>`, in the order it shows them.
pub type Choices = Arc<Vec<(&'static str, String)>>;

/// Choices by language tag, each list made once per tag.
pub struct ChoiceCache(OnceLock<Mutex<HashMap<String, Choices>>>);

impl ChoiceCache {
    pub const fn new() -> ChoiceCache {
        ChoiceCache(OnceLock::new())
    }

    /// The choices for `tag`, made by `make` (given the tag's region names) the first time, sorted by name.
    pub fn get(&self, tag: &str, make: impl FnOnce(&Names) -> Vec<(&'static str, String)>) -> Choices {
        // Tags carry the region of an `Accept-Language` header: keep the cache from growing without bound.
        const MAX_TAGS: usize = 64;
        let cache = self.0.get_or_init(Mutex::default);
        if let Some(found) = cache.lock().expect("not poisoned").get(tag) {
            return found.clone();
        }
        let mut list = make(&Names::new(tag));
        list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        let list = Arc::new(list);
        let mut cache = cache.lock().expect("not poisoned");
        if cache.len() >= MAX_TAGS {
            cache.clear();
        }
        cache.insert(tag.to_owned(), list.clone());
        list
    }
}

/// `(code, name)` of every country, sorted by name in the language of `tag`.
pub fn countries(tag: &str) -> Choices {
    static CACHE: ChoiceCache = ChoiceCache::new();
    CACHE.get(tag, |names| COUNTRIES.iter().map(|code| (*code, names.of(code))).collect())
}

/// Whether `code` is one of [`COUNTRIES`].
pub fn is_country(code: &str) -> bool {
    COUNTRIES.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_named_in_the_visitors_language_and_sorted_by_name() {
        let en = countries("en");
        assert_eq!(en.len(), COUNTRIES.len());
        assert!(en.contains(&("DE", "Germany".to_owned())));
        assert!(en.windows(2).all(|pair| pair[0].1 <= pair[1].1));
        assert_eq!(Names::new("ja").of("jp"), "日本");
        assert_eq!(Names::new("en-GB").of("EU"), "European Union");
    }

    #[test]
    fn an_unknown_region_or_language_falls_back_to_the_code() {
        assert_eq!(Names::new("not a tag").of("fr"), "FR");
        assert_eq!(Names::new("en").of("Q1"), "Q1");
    }
}
