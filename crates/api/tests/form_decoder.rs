//! Properties of the form decoder: no input makes it panic, every failure is a readable `ParamError`, and what
//! the official SDKs encode decodes back to the same parameters.

use std::collections::BTreeMap;

use portico_api::form::{FormMap, decode, parse, take_expand};
use portico_core::ParamError;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sample {
    name: String,
    amount: i64,
    description: Option<String>,
    livemode: Option<bool>,
    interval: Option<Interval>,
    address: Option<Address>,
    #[serde(default)]
    items: Vec<Item>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Interval {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Address {
    line1: String,
    city: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    price: String,
    quantity: Option<u32>,
    #[serde(default)]
    tax_rates: Vec<String>,
}

/// Everything a handler does with a request's parameters.
fn decode_request(input: &[u8]) -> Result<(Vec<String>, Sample), ParamError> {
    let mut map = parse(input)?;
    let expand = take_expand(&mut map)?;
    Ok((expand, decode(map)?))
}

fn assert_readable(result: Result<(Vec<String>, Sample), ParamError>) {
    if let Err(error) = result {
        assert!(!error.message.trim().is_empty(), "{error:?}");
        assert!(error.param.as_ref().is_none_or(|param| !param.is_empty()), "{error:?}");
    }
}

// ---- Encoding as stripe-python does: indexed arrays, `urlencode` with brackets escaped and `+` for spaces ----

/// How a test client spells lists and brackets.
#[derive(Debug, Clone, Copy)]
struct Style {
    indexed: bool,
    escape_brackets: bool,
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn push(pairs: &mut Vec<String>, style: Style, segments: &[&str], value: &str) {
    let (open, close) = if style.escape_brackets { ("%5B", "%5D") } else { ("[", "]") };
    let mut key = escape(segments[0]);
    for segment in &segments[1..] {
        key.push_str(&format!("{open}{}{close}", escape(segment)));
    }
    pairs.push(format!("{key}={}", escape(value)));
}

fn encode(sample: &Sample, style: Style) -> Vec<String> {
    let mut pairs = Vec::new();
    let index = |i: usize| if style.indexed { i.to_string() } else { String::new() };
    push(&mut pairs, style, &["name"], &sample.name);
    push(&mut pairs, style, &["amount"], &sample.amount.to_string());
    if let Some(description) = &sample.description {
        push(&mut pairs, style, &["description"], description);
    }
    if let Some(livemode) = sample.livemode {
        push(&mut pairs, style, &["livemode"], &livemode.to_string());
    }
    if let Some(interval) = sample.interval {
        push(&mut pairs, style, &["interval"], &format!("{interval:?}").to_lowercase());
    }
    if let Some(address) = &sample.address {
        push(&mut pairs, style, &["address", "line1"], &address.line1);
        if let Some(city) = &address.city {
            push(&mut pairs, style, &["address", "city"], city);
        }
    }
    for (i, item) in sample.items.iter().enumerate() {
        push(&mut pairs, style, &["items", &index(i), "price"], &item.price);
        if let Some(quantity) = item.quantity {
            push(&mut pairs, style, &["items", &index(i), "quantity"], &quantity.to_string());
        }
        for (j, rate) in item.tax_rates.iter().enumerate() {
            push(&mut pairs, style, &["items", &index(i), "tax_rates", &index(j)], rate);
        }
    }
    for (key, value) in &sample.metadata {
        push(&mut pairs, style, &["metadata", key], value);
    }
    pairs
}

// ---- Strategies ----

/// A string stripe-python would send as a value: anything but `None`'s empty spelling where `None` is meant, and
/// the null character, which is refused (`a_null_byte_anywhere_is_one_clear_error`).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>().prop_map(|text| text.replace('\0', "")), "[ -~]{0,12}", "[a-z ]{0,8}"]
}

fn non_empty_text() -> impl Strategy<Value = String> {
    text().prop_filter("non-empty", |text| !text.is_empty())
}

/// Metadata keys with no brackets, all-digit ones included: `metadata[123]` is the key `"123"`, not an index.
fn metadata_key() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z_ é&=+%][^\\[\\]\\x00]{0,10}", "[0-9]{1,25}"]
}

fn sample() -> impl Strategy<Value = Sample> {
    let item = (text(), any::<Option<u32>>(), vec(text(), 0..3)).prop_map(|(price, quantity, tax_rates)| Item {
        price,
        quantity,
        tax_rates,
    });
    let address = (text(), proptest::option::of(non_empty_text())).prop_map(|(line1, city)| Address { line1, city });
    let interval = prop_oneof![Just(Interval::Day), Just(Interval::Week), Just(Interval::Month), Just(Interval::Year)];
    (
        (text(), any::<i64>(), proptest::option::of(non_empty_text()), any::<Option<bool>>()),
        (proptest::option::of(interval), proptest::option::of(address)),
        (vec(item, 0..4), btree_map(metadata_key(), text(), 0..4)),
    )
        .prop_map(|((name, amount, description, livemode), (interval, address), (items, metadata))| Sample {
            name,
            amount,
            description,
            livemode,
            interval,
            address,
            items,
            metadata,
        })
}

/// Keys built from the pieces that make parsing hard: deep nesting, huge indexes, escaped and unbalanced
/// brackets, invalid UTF-8 escapes.
fn hostile_key() -> impl Strategy<Value = String> {
    let root = prop_oneof![
        Just("name".to_owned()),
        Just("amount".to_owned()),
        Just("items".to_owned()),
        Just("metadata".to_owned()),
        Just("address".to_owned()),
        Just("expand".to_owned()),
        Just("livemode".to_owned()),
        "[a-z%\\[\\]]{0,4}",
    ];
    let segment = prop_oneof![
        Just("[]".to_owned()),
        (0u64..4).prop_map(|index| format!("[{index}]")),
        Just("[18446744073709551615]".to_owned()),
        Just("[18446744073709551616]".to_owned()),
        Just("[99999999999999999999999]".to_owned()),
        Just("[price]".to_owned()),
        Just("[quantity]".to_owned()),
        Just("[line1]".to_owned()),
        Just("[tax_rates]".to_owned()),
        Just("%5B".to_owned()),
        Just("%5D".to_owned()),
        Just("%5B0%5D".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("%FF".to_owned()),
        Just("%C3".to_owned()),
        Just("%".to_owned()),
        "\\[[a-z0-9]{0,3}\\]",
    ];
    (root, vec(segment, 0..14)).prop_map(|(root, segments)| root + &segments.concat())
}

fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("month".to_owned()),
        Just("-9223372036854775808".to_owned()),
        Just("9223372036854775808".to_owned()),
        Just("%FF%FE".to_owned()),
        Just("%E2%82".to_owned()),
        "[ -~]{0,8}",
    ]
}

fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    let pair = prop_oneof![
        4 => (hostile_key(), hostile_value()).prop_map(|(key, value)| format!("{key}={value}")),
        1 => hostile_key(),
        1 => Just(String::new()),
        1 => Just("=".to_owned()),
    ];
    vec(pair, 0..12).prop_map(|pairs| pairs.join("&").into_bytes())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_fail_readably(input in vec(any::<u8>(), 0..256)) {
        assert_readable(decode_request(&input));
    }

    #[test]
    fn hostile_bracket_keys_never_panic_and_fail_readably(input in hostile_body()) {
        assert_readable(decode_request(&input));
    }

    #[test]
    fn parsed_forms_decode_into_any_shape_without_panicking(input in hostile_body()) {
        if let Ok(map) = parse(&input) {
            for result in [
                decode::<serde_json::Value>(map.clone()).map(drop),
                decode::<BTreeMap<String, Vec<Item>>>(map.clone()).map(drop),
                decode::<BTreeMap<String, Option<i64>>>(map).map(drop),
            ] {
                if let Err(error) = result {
                    prop_assert!(!error.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn more_than_ten_bracket_levels_are_always_rejected(depth in 11usize..64, segment in "\\[[a-z0-9]{0,3}\\]") {
        let input = format!("a{}=v", segment.repeat(depth));
        let error = parse(input.as_bytes()).unwrap_err();
        prop_assert_eq!(error.param.as_deref(), Some("a"));
    }

    #[test]
    fn any_u64_index_is_accepted_without_allocating_by_value(indexes in vec(any::<u64>(), 1..8)) {
        let input: Vec<String> = indexes.iter().map(|index| format!("a[{index}]={index}")).collect();
        let map: FormMap = parse(input.join("&").as_bytes()).unwrap();
        let list: BTreeMap<String, Vec<u64>> = decode(map).unwrap();
        let mut expected = indexes.clone();
        expected.sort_unstable();
        expected.dedup();
        prop_assert_eq!(&list["a"], &expected);
    }

    #[test]
    fn numeric_keys_read_as_map_keys_or_as_sorted_indexes(indexes in btree_map(any::<u64>(), any::<u64>(), 1..8)) {
        let mut pairs: Vec<String> = indexes.iter().map(|(index, value)| format!("a[{index}]={value}")).collect();
        pairs.reverse();
        let body = pairs.join("&");
        let map: BTreeMap<String, BTreeMap<String, u64>> = decode(parse(body.as_bytes()).unwrap()).unwrap();
        let expected: BTreeMap<String, u64> =
            indexes.iter().map(|(index, value)| (index.to_string(), *value)).collect();
        prop_assert_eq!(&map["a"], &expected);
        let list: BTreeMap<String, Vec<u64>> = decode(parse(body.as_bytes()).unwrap()).unwrap();
        prop_assert_eq!(&list["a"], &indexes.into_values().collect::<Vec<_>>());
    }

    #[test]
    fn stripe_python_encoding_round_trips(sample in sample(), escape_brackets in any::<bool>()) {
        let body = encode(&sample, Style { indexed: true, escape_brackets }).join("&");
        let (expand, decoded) = decode_request(body.as_bytes()).unwrap();
        prop_assert!(expand.is_empty());
        prop_assert_eq!(decoded, sample);
    }

    #[test]
    fn indexed_params_decode_the_same_in_any_order(
        (sample, pairs) in sample().prop_flat_map(|sample| {
            let pairs = encode(&sample, Style { indexed: true, escape_brackets: true });
            (Just(sample), Just(pairs).prop_shuffle())
        })
    ) {
        let (_, decoded) = decode_request(pairs.join("&").as_bytes()).unwrap();
        prop_assert_eq!(decoded, sample);
    }

    #[test]
    fn bare_bracket_lists_round_trip(sample in sample()) {
        let body = encode(&sample, Style { indexed: false, escape_brackets: false }).join("&");
        prop_assert_eq!(decode_request(body.as_bytes()).unwrap().1, sample);
    }

    #[test]
    fn expand_paths_round_trip_in_every_form(paths in vec("[a-z_.]{1,12}", 0..5), indexed in any::<bool>()) {
        let mut pairs: Vec<String> = paths
            .iter()
            .enumerate()
            .map(|(i, path)| if indexed { format!("expand%5B{i}%5D={path}") } else { format!("expand[]={path}") })
            .collect();
        pairs.push("name=n&amount=1".to_owned());
        let (expand, _) = decode_request(pairs.join("&").as_bytes()).unwrap();
        prop_assert_eq!(expand, paths);
    }

    #[test]
    fn a_null_byte_anywhere_is_one_clear_error(before in "[a-z]{1,4}(\\[[a-z]{0,3}\\])?=?[a-z]{0,4}", after in "[a-z]{0,4}") {
        let error = parse(format!("{before}%00{after}").as_bytes()).unwrap_err();
        prop_assert_eq!(error.message, "Request parameters must not contain null bytes (%00).");
    }

    #[test]
    fn invalid_utf8_anywhere_is_one_clear_error(prefix in "[a-z=&]{0,6}", bad in "%(8[0-9A-F]|F[89A-F]|C[01])") {
        let error = parse(format!("{prefix}{bad}").as_bytes()).unwrap_err();
        prop_assert_eq!(error.message, "Invalid UTF-8 in request parameters.");
    }
}
