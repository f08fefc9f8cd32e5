use std::collections::BTreeMap;

use portico_core::patch::Patch;
use portico_core::{ParamCode, ParamError};
use serde::Deserialize;

use super::FormValue::{List, Map, Str};
use super::{FormMap, FormValue, decode, parse, take_expand};

fn s(text: &str) -> FormValue {
    Str(text.to_owned())
}

fn entry(key: &str, value: FormValue) -> (String, FormValue) {
    (key.to_owned(), value)
}

fn parsed(input: &str) -> FormMap {
    parse(input.as_bytes()).expect("parses")
}

fn parse_error(input: &str) -> ParamError {
    parse(input.as_bytes()).expect_err("is rejected")
}

fn decoded<T: serde::de::DeserializeOwned>(input: &str) -> Result<T, ParamError> {
    decode(parsed(input))
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Address {
    line1: String,
    city: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Interval {
    Day,
    Month,
    Week,
    Year,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Item {
    price: String,
    quantity: Option<u32>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Params {
    name: String,
    amount: Option<i64>,
    livemode: Option<bool>,
    interval: Option<Interval>,
    address: Option<Address>,
    #[serde(default)]
    items: Vec<Item>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    #[serde(default)]
    description: Patch<String>,
}

// ---- parse ----

#[test]
fn pairs_are_split_on_ampersands_and_equals_signs() {
    assert_eq!(parsed("a=1&b=two"), vec![entry("a", s("1")), entry("b", s("two"))]);
}

#[test]
fn plus_is_a_space_and_percent_escapes_are_decoded() {
    assert_eq!(parsed("q=a+b%20c%2Bd"), vec![entry("q", s("a b c+d"))]);
}

#[test]
fn percent_encoded_brackets_are_decoded_like_plain_ones() {
    assert_eq!(parsed("metadata%5Bfoo%5D=bar"), parsed("metadata[foo]=bar"));
    assert_eq!(parsed("expand%5B%5D=x"), parsed("expand[]=x"));
}

#[test]
fn empty_pairs_and_nameless_pairs_are_ignored() {
    assert_eq!(parsed("&&a=1&&=x&"), vec![entry("a", s("1"))]);
    assert_eq!(parsed(""), vec![]);
}

#[test]
fn a_key_without_equals_sign_has_an_empty_value() {
    assert_eq!(parsed("a&b="), vec![entry("a", s("")), entry("b", s(""))]);
}

#[test]
fn invalid_utf8_after_decoding_is_an_invalid_request() {
    for input in ["a=%FF", "%C3=1", "a=\u{0}%E2%82"] {
        let error = parse_error(input);
        assert_eq!(error.code, ParamCode::InvalidRequest);
        assert_eq!(error.message, "Invalid UTF-8 in request parameters.");
    }
    assert_eq!(parse(b"a=\xff").unwrap_err().message, "Invalid UTF-8 in request parameters.");
}

#[test]
fn bracketed_keys_nest_into_maps_in_order_first_seen() {
    assert_eq!(
        parsed("a[b][c]=1&a[d]=2&a[b][e]=3"),
        vec![entry("a", Map(vec![entry("b", Map(vec![entry("c", s("1")), entry("e", s("3"))])), entry("d", s("2"))]))]
    );
}

#[test]
fn empty_brackets_append_to_a_list() {
    assert_eq!(parsed("a[]=1&a[]=2"), vec![entry("a", List(vec![s("1"), s("2")]))]);
}

#[test]
fn indexed_lists_are_ordered_by_index_with_gaps_closed() {
    assert_eq!(
        parsed("a[7][x]=seven&a[0][x]=zero&a[3][x]=three"),
        vec![entry(
            "a",
            List(vec![
                Map(vec![entry("x", s("zero"))]),
                Map(vec![entry("x", s("three"))]),
                Map(vec![entry("x", s("seven"))]),
            ])
        )]
    );
}

#[test]
fn fields_of_one_indexed_item_gather_in_one_map() {
    assert_eq!(
        parsed("items[0][price]=p&items[1][price]=q&items[0][quantity]=2"),
        vec![entry(
            "items",
            List(
                vec![Map(vec![entry("price", s("p")), entry("quantity", s("2"))]), Map(vec![entry("price", s("q"))]),]
            )
        )]
    );
}

#[test]
fn huge_indexes_neither_allocate_nor_panic() {
    assert_eq!(parsed("a[18446744073709551615]=x&a[0]=y"), vec![entry("a", List(vec![s("y"), s("x")]))]);
    let error = parse_error("a[99999999999999999999999]=x");
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("a[99999999999999999999999]"));
}

#[test]
fn appended_items_merge_fields_until_one_repeats() {
    assert_eq!(
        parsed("a[][x]=1&a[][y]=2&a[][x]=3"),
        vec![entry("a", List(vec![Map(vec![entry("x", s("1")), entry("y", s("2"))]), Map(vec![entry("x", s("3"))])]))]
    );
}

#[test]
fn a_repeated_scalar_keeps_the_last_value() {
    assert_eq!(parsed("a=1&a=2&b[c]=x&b[c]=y"), vec![entry("a", s("2")), entry("b", Map(vec![entry("c", s("y"))]))]);
}

#[test]
fn mixing_list_items_with_object_keys_names_the_param() {
    for input in ["a[]=1&a[k]=2", "a[k]=2&a[0]=1", "x[a][0]=1&x[a][k]=2"] {
        let error = parse_error(input);
        assert_eq!(error.code, ParamCode::InvalidRequest, "{input}");
        assert!(error.message.contains("cannot be mixed"), "{input}: {}", error.message);
    }
    assert_eq!(parse_error("a[]=1&a[k]=2").param.as_deref(), Some("a"));
    assert_eq!(parse_error("x[a][0]=1&x[a][k]=2").param.as_deref(), Some("x[a]"));
}

#[test]
fn mixing_a_scalar_with_nested_params_names_the_param() {
    for input in ["a=1&a[k]=2", "a[k]=2&a=1", "a[]=1&a=2", "a=1&a[0]=2", "a[b]=1&a[b][c]=2"] {
        let error = parse_error(input);
        assert_eq!(error.code, ParamCode::InvalidRequest, "{input}");
        assert!(error.message.contains("both a value and"), "{input}: {}", error.message);
    }
    assert_eq!(parse_error("a=1&a[k]=2").param.as_deref(), Some("a"));
    assert_eq!(parse_error("a[b]=1&a[b][c]=2").param.as_deref(), Some("a[b]"));
}

#[test]
fn ten_bracket_levels_are_allowed_and_eleven_are_not() {
    let ten = format!("a{}=v", "[k]".repeat(10));
    assert!(parse(ten.as_bytes()).is_ok());
    let eleven = format!("a{}=v", "[k]".repeat(11));
    let error = parse_error(&eleven);
    assert_eq!(error.param.as_deref(), Some("a"));
    assert!(error.message.contains("at most 10 levels"), "{}", error.message);
}

#[test]
fn unbalanced_brackets_are_rejected() {
    for input in ["a[b=1", "a]=1", "a[b]c=1", "a[b[c]]=1", "[a]=1", "a[b]]=1", "a%5Bb=1"] {
        let error = parse_error(input);
        assert_eq!(error.code, ParamCode::InvalidRequest, "{input}");
        assert!(error.message.contains("unbalanced"), "{input}: {}", error.message);
    }
}

// ---- take_expand ----

#[test]
fn expand_paths_are_taken_from_every_form() {
    let mut map = parsed("expand[]=a&expand[0]=b&expand=c&name=x");
    let mut paths = take_expand(&mut map).expect("valid");
    paths.sort();
    assert_eq!(paths, ["a", "b", "c"]);
    assert_eq!(map, vec![entry("name", s("x"))]);
}

#[test]
fn indexed_expand_paths_keep_their_order() {
    let mut map = parsed("expand%5B1%5D=customer&expand%5B0%5D=data.invoice");
    assert_eq!(take_expand(&mut map).unwrap(), ["data.invoice", "customer"]);
}

#[test]
fn absent_or_empty_expand_is_no_paths() {
    assert_eq!(take_expand(&mut parsed("name=x")).unwrap(), Vec::<String>::new());
    assert_eq!(take_expand(&mut parsed("expand=")).unwrap(), Vec::<String>::new());
}

#[test]
fn expand_paths_must_be_non_empty_strings() {
    assert_eq!(take_expand(&mut parsed("expand[]=a&expand[]=")).unwrap_err().param.as_deref(), Some("expand[1]"));
    assert_eq!(take_expand(&mut parsed("expand[0][x]=a")).unwrap_err().param.as_deref(), Some("expand[0]"));
    assert_eq!(take_expand(&mut parsed("expand[x]=a")).unwrap_err().param.as_deref(), Some("expand"));
}

// ---- decode ----

#[test]
fn strings_become_numbers_booleans_enums_and_nested_structs() {
    let params: Params = decoded(
        "name=Jo&amount=-42&livemode=true&interval=month&address[line1]=1+Main&items[0][price]=p&items[0][quantity]=3\
         &metadata[order]=7",
    )
    .unwrap();
    assert_eq!(params.name, "Jo");
    assert_eq!(params.amount, Some(-42));
    assert_eq!(params.livemode, Some(true));
    assert_eq!(params.interval, Some(Interval::Month));
    assert_eq!(params.address, Some(Address { line1: "1 Main".to_owned(), city: None }));
    assert_eq!(params.items, vec![Item { price: "p".to_owned(), quantity: Some(3) }]);
    assert_eq!(params.metadata, BTreeMap::from([("order".to_owned(), "7".to_owned())]));
    assert_eq!(params.description, Patch::Absent);
}

#[test]
fn empty_string_is_none_and_clears_a_patch() {
    let params: Params = decoded("name=x&amount=&address=&description=&interval=").unwrap();
    assert_eq!((params.amount, params.address, params.interval), (None, None, None));
    assert_eq!(params.description, Patch::Clear);
    let params: Params = decoded("name=x&description=hi").unwrap();
    assert_eq!(params.description, Patch::Set("hi".to_owned()));
}

#[test]
fn empty_string_is_an_empty_list_or_map() {
    let params: Params = decoded("name=x&items=&metadata=").unwrap();
    assert!(params.items.is_empty() && params.metadata.is_empty());
}

#[test]
fn unknown_field_names_its_full_path() {
    let error = decoded::<Params>("name=x&address[line1]=a&address[zip]=1").unwrap_err();
    assert_eq!(error.code, ParamCode::ParameterUnknown);
    assert_eq!(error.param.as_deref(), Some("address[zip]"));
    assert_eq!(error.message, "Received unknown parameter: address[zip]");
    let error = decoded::<Params>("name=x&colour=red").unwrap_err();
    assert_eq!(error.message, "Received unknown parameter: colour");
    let error = decoded::<Params>("name=x&items[0][price]=p&items[1][price]=q&items[1][tax]=1").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("items[1][tax]"));
}

#[test]
fn missing_required_field_names_its_full_path() {
    let error = decoded::<Params>("amount=1").unwrap_err();
    assert_eq!(error, ParamError::missing("name"));
    assert_eq!(error.message, "Missing required param: name.");
    let error = decoded::<Params>("name=x&address[city]=Paris").unwrap_err();
    assert_eq!(error, ParamError::missing("address[line1]"));
    let error = decoded::<Params>("name=x&items[0][quantity]=1").unwrap_err();
    assert_eq!(error, ParamError::missing("items[0][price]"));
}

#[test]
fn integer_that_does_not_parse_is_parameter_invalid_integer() {
    let error = decoded::<Params>("name=x&amount=12abc").unwrap_err();
    assert_eq!(error.code, ParamCode::ParameterInvalidInteger);
    assert_eq!(error.param.as_deref(), Some("amount"));
    assert_eq!(error.message, "Invalid integer: 12abc");
    let error = decoded::<Params>("name=x&items[0][price]=p&items[0][quantity]=-1").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("items[0][quantity]"));
}

#[test]
fn bad_boolean_is_an_invalid_request() {
    let error = decoded::<Params>("name=x&livemode=yes").unwrap_err();
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("livemode"));
    assert_eq!(error.message, "Invalid boolean: yes");
}

#[test]
fn unknown_enum_variant_lists_the_allowed_values() {
    let error = decoded::<Params>("name=x&interval=fortnight").unwrap_err();
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("interval"));
    assert_eq!(error.message, "Invalid interval: must be one of day, month, week, or year");
}

#[test]
fn enum_in_a_list_is_named_after_the_list() {
    let error = decoded::<BTreeMap<String, Vec<Interval>>>("allowed[0]=day&allowed[1]=hour").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("allowed[1]"));
    assert!(error.message.starts_with("Invalid allowed: must be one of"), "{}", error.message);
}

#[test]
fn an_object_where_a_string_is_expected_names_the_param() {
    let error = decoded::<Params>("name[first]=x").unwrap_err();
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("name"));
    assert_eq!(error.message, "Invalid name: expected a string, received an object.");
}

#[test]
fn a_string_where_an_object_or_list_is_expected_names_the_param() {
    let error = decoded::<Params>("name=x&address=somewhere").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("address"));
    assert_eq!(error.message, "Invalid address: expected an object, received a string.");
    let error = decoded::<Params>("name=x&items=p").unwrap_err();
    assert_eq!(error.message, "Invalid items: expected an array, received a string.");
    let error = decoded::<Params>("name=x&metadata[]=p").unwrap_err();
    assert_eq!(error.message, "Invalid metadata: expected an object, received an array.");
}

#[test]
fn decimals_and_wide_integers_parse_from_strings() {
    #[derive(Debug, Deserialize)]
    struct Numbers {
        ratio: f64,
        big: u64,
        small: u8,
    }
    let numbers: Numbers = decoded("ratio=12.5&big=18446744073709551615&small=255").unwrap();
    assert_eq!((numbers.ratio, numbers.big, numbers.small), (12.5, u64::MAX, 255));
    assert_eq!(decoded::<Numbers>("ratio=NaN&big=1&small=1").unwrap_err().message, "Invalid decimal: NaN");
    let error = decoded::<Numbers>("ratio=1&big=1&small=256").unwrap_err();
    assert_eq!((error.code, error.message.as_str()), (ParamCode::ParameterInvalidInteger, "Invalid integer: 256"));
}

#[test]
fn deserialize_any_reports_values_as_sent() {
    let value: serde_json::Value = decoded("a=1&b[c]=2&d[]=3").unwrap();
    assert_eq!(value, serde_json::json!({"a": "1", "b": {"c": "2"}, "d": ["3"]}));
}

#[test]
fn custom_messages_are_cleaned_up_and_name_the_param() {
    #[derive(Debug)]
    struct CustomerId;
    impl<'de> Deserialize<'de> for CustomerId {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let id = String::deserialize(deserializer)?;
            match id.starts_with("cus_") {
                true => Ok(CustomerId),
                false => Err(serde::de::Error::custom("must start with `cus_`.")),
            }
        }
    }
    let error = decoded::<BTreeMap<String, CustomerId>>("customer=x").unwrap_err();
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("customer"));
    assert_eq!(error.message, "Invalid customer: must start with cus_.");
}
