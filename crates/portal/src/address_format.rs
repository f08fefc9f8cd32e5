//! An address as its own country writes it, after the postal formats of CLDR and Google's libaddressinput:
//! "Springfield, IL 62701" in the United States, the postcode on its own line in the United Kingdom, postcode
//! before city in most of Europe, and from the prefecture down (〒 first) for Japan when the page is Japanese.
//! The country's name comes last (first in the Japanese order), in the page's language.

use portico_core::objects::address::Address;

use crate::billing::regions::Names;
use crate::i18n::Lang;

/// How a country's last lines put city, state (region, prefecture) and postal code together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// "Springfield, IL 62701".
    CityCommaStatePostal,
    /// "Toronto ON M5V 2T6", "Sydney NSW 2000".
    CityStatePostal,
    /// "London", then "SW1A 1AA".
    CityThenPostal,
    /// "10115 Berlin": the default.
    PostalCity,
    /// "〒100-0001", "東京都千代田区", then the street lines.
    JapaneseFromPrefecture,
}

fn layout(country: &str, lang: &Lang) -> Layout {
    match country {
        "US" | "PR" | "PH" => Layout::CityCommaStatePostal,
        "CA" | "AU" => Layout::CityStatePostal,
        "GB" | "IE" | "NZ" | "SG" | "HK" => Layout::CityThenPostal,
        "JP" if lang.tag().starts_with("ja") => Layout::JapaneseFromPrefecture,
        "JP" => Layout::CityCommaStatePostal,
        _ => Layout::PostalCity,
    }
}

/// The address's lines, without empty parts.
pub fn lines(lang: &Lang, address: &Address) -> Vec<String> {
    let part = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let (line1, line2, city, state, postal) = (
        part(&address.line1),
        part(&address.line2),
        part(&address.city),
        part(&address.state),
        part(&address.postal_code),
    );
    let code = part(&address.country).map(|code| code.to_ascii_uppercase());
    let country = code.as_deref().map(|code| Names::new(lang.tag()).of(code));
    let joined = |parts: &[&Option<String>], separator: &str| -> Option<String> {
        let present: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
        (!present.is_empty()).then(|| present.join(separator))
    };
    let streets = [line1, line2];
    let mut lines: Vec<Option<String>> = Vec::new();
    match layout(code.as_deref().unwrap_or_default(), lang) {
        Layout::JapaneseFromPrefecture => {
            lines.push(country);
            lines.push(postal.map(|postal| format!("〒{postal}")));
            lines.push(joined(&[&state, &city], ""));
            lines.extend(streets);
            return lines.into_iter().flatten().collect();
        }
        Layout::CityCommaStatePostal => {
            let state_postal = joined(&[&state, &postal], " ");
            lines.extend(streets);
            lines.push(joined(&[&city, &state_postal], ", "));
        }
        Layout::CityStatePostal => {
            lines.extend(streets);
            lines.push(joined(&[&city, &state, &postal], " "));
        }
        Layout::CityThenPostal => {
            lines.extend(streets);
            lines.push(joined(&[&city, &state], ", "));
            lines.push(postal);
        }
        Layout::PostalCity => {
            lines.extend(streets);
            lines.push(joined(&[&postal, &city], " "));
            lines.push(state);
        }
    }
    lines.push(country);
    lines.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(fields: [(&str, &str); 6]) -> Address {
        let map: serde_json::Map<String, serde_json::Value> =
            fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| ((*k).to_owned(), (*v).into())).collect();
        serde_json::from_value(map.into()).unwrap()
    }

    fn at(country: &str, line1: &str, city: &str, state: &str, postal: &str) -> Address {
        address([
            ("country", country),
            ("line1", line1),
            ("line2", ""),
            ("city", city),
            ("state", state),
            ("postal_code", postal),
        ])
    }

    #[test]
    fn each_country_puts_city_state_and_postcode_its_own_way() {
        let en = Lang::english();
        assert_eq!(
            lines(&en, &at("US", "1 Main St", "Springfield", "IL", "62701")),
            ["1 Main St", "Springfield, IL 62701", "United States"]
        );
        assert_eq!(
            lines(&en, &at("CA", "1 King St W", "Toronto", "ON", "M5H 1A1")),
            ["1 King St W", "Toronto ON M5H 1A1", "Canada"]
        );
        assert_eq!(
            lines(&en, &at("GB", "10 Downing St", "London", "", "SW1A 2AA")),
            ["10 Downing St", "London", "SW1A 2AA", "United Kingdom"]
        );
        assert_eq!(
            lines(&en, &at("DE", "Unter den Linden 1", "Berlin", "", "10117")),
            ["Unter den Linden 1", "10117 Berlin", "Germany"]
        );
    }

    #[test]
    fn a_japanese_page_writes_a_japanese_address_from_the_prefecture_down() {
        let ja = Lang::negotiate(Some("ja"), &[], None);
        let tokyo = address([
            ("country", "JP"),
            ("line1", "丸の内1-1"),
            ("line2", "丸の内ビル 5F"),
            ("city", "千代田区"),
            ("state", "東京都"),
            ("postal_code", "100-0005"),
        ]);
        assert_eq!(lines(&ja, &tokyo), ["日本", "〒100-0005", "東京都千代田区", "丸の内1-1", "丸の内ビル 5F"]);
        let en = Lang::english();
        assert_eq!(lines(&en, &tokyo), ["丸の内1-1", "丸の内ビル 5F", "千代田区, 東京都 100-0005", "Japan"]);
        assert_eq!(lines(&ja, &at("US", "1 Main St", "Springfield", "IL", "62701"))[2], "アメリカ合衆国");
    }

    #[test]
    fn missing_parts_leave_no_stray_separators() {
        let en = Lang::english();
        assert_eq!(lines(&en, &at("US", "", "", "", "94110")), ["94110", "United States"]);
        assert_eq!(lines(&en, &at("", "1 Main St", "Springfield", "", "")), ["1 Main St", "Springfield"]);
        assert_eq!(lines(&en, &at("XY", "", "", "", "")), ["XY"], "an unknown code is shown as given");
    }
}
