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
fn a_null_byte_in_a_key_or_a_value_is_an_invalid_request_naming_the_parameter() {
    let error = parse_error("name=a%00b");
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("name"));
    assert_eq!(error.message, "Request parameters must not contain null bytes (%00).");
    let error = parse_error("metadata[a%00]=b");
    assert_eq!((error.code, error.param), (ParamCode::InvalidRequest, None));
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
fn numeric_keys_stay_keys_as_sent_when_parsed() {
    assert_eq!(
        parsed("a[7][x]=seven&a[0][x]=zero&a[007]=y"),
        vec![entry(
            "a",
            Map(vec![
                entry("7", Map(vec![entry("x", s("seven"))])),
                entry("0", Map(vec![entry("x", s("zero"))])),
                entry("007", s("y")),
            ])
        )]
    );
}

#[test]
fn indexed_lists_are_ordered_by_index_with_gaps_closed() {
    let lists: BTreeMap<String, Vec<BTreeMap<String, String>>> =
        decoded("a[7][x]=seven&a[0][x]=zero&a[3][x]=three").unwrap();
    let xs: Vec<&str> = lists["a"].iter().map(|item| item["x"].as_str()).collect();
    assert_eq!(xs, ["zero", "three", "seven"]);
}

#[test]
fn fields_of_one_indexed_item_gather_in_one_map() {
    assert_eq!(
        parsed("items[0][price]=p&items[1][price]=q&items[0][quantity]=2"),
        vec![entry(
            "items",
            Map(vec![
                entry("0", Map(vec![entry("price", s("p")), entry("quantity", s("2"))])),
                entry("1", Map(vec![entry("price", s("q"))])),
            ])
        )]
    );
}

#[test]
fn numeric_metadata_keys_decode_into_a_map_with_the_keys_as_sent() {
    let params: Params = decoded("name=x&metadata[123]=x&metadata[7]=y&metadata[007]=z").unwrap();
    let expected = [("123", "x"), ("7", "y"), ("007", "z")].map(|(key, value)| (key.to_owned(), value.to_owned()));
    assert_eq!(params.metadata, BTreeMap::from(expected));
}

#[test]
fn indexed_items_sent_out_of_order_decode_into_an_ordered_list() {
    let params: Params = decoded("name=x&items[1][price]=b&items[0][price]=a&items[1][quantity]=2").unwrap();
    let expected = [Item { price: "a".to_owned(), quantity: None }, Item { price: "b".to_owned(), quantity: Some(2) }];
    assert_eq!(params.items, expected);
}

#[test]
fn indexed_tax_id_data_decodes_into_a_list_of_structs() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct TaxIdData {
        #[serde(rename = "type")]
        kind: String,
        value: String,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CustomerCreate {
        tax_id_data: Option<Vec<TaxIdData>>,
    }
    let params: CustomerCreate = decoded(
        "tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=DE123456789&tax_id_data[1][type]=gb_vat\
                 &tax_id_data[1][value]=GB123456789",
    )
    .unwrap();
    let kinds: Vec<&str> = params.tax_id_data.iter().flatten().map(|data| data.kind.as_str()).collect();
    assert_eq!(kinds, ["eu_vat", "gb_vat"]);
    let error = decoded::<CustomerCreate>("tax_id_data[0][type]=eu_vat").unwrap_err();
    assert_eq!(error, ParamError::missing("tax_id_data[0][value]"));
}

#[test]
fn errors_in_indexed_items_name_the_items_position() {
    let error = decoded::<Params>("name=x&items[9][price]=p&items[4][price]=q&items[9][tax]=1").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("items[1][tax]"));
    let error = decoded::<Params>("name=x&items[5][quantity]=1").unwrap_err();
    assert_eq!(error, ParamError::missing("items[0][price]"));
}

#[test]
fn numeric_keys_mixed_with_appended_items_make_one_list() {
    assert_eq!(parsed("a[1]=x&a[]=y&a[0]=z"), vec![entry("a", List(vec![s("z"), s("x"), s("y")]))]);
    assert_eq!(parsed("a[]=y&a[3]=x"), vec![entry("a", List(vec![s("x"), s("y")]))]);
    let one_two = Map(vec![entry("0", s("1")), entry("1", s("2"))]);
    assert_eq!(
        parsed("a[][0]=1&a[][1]=2&a[][0]=3"),
        vec![entry("a", List(vec![one_two, Map(vec![entry("0", s("3"))])]))]
    );
}

#[test]
fn huge_indexes_neither_allocate_nor_panic() {
    let lists: BTreeMap<String, Vec<String>> = decoded("a[18446744073709551615]=x&a[0]=y").unwrap();
    assert_eq!(lists["a"], ["y", "x"]);
    assert_eq!(parsed("a[18446744073709551615]=x&a[]=y"), vec![entry("a", List(vec![s("x"), s("y")]))]);
    let keys: BTreeMap<String, BTreeMap<String, String>> = decoded("a[99999999999999999999999]=x").unwrap();
    assert_eq!(keys["a"]["99999999999999999999999"], "x");
    for error in [
        decoded::<BTreeMap<String, Vec<String>>>("a[99999999999999999999999]=x&a[0]=y").unwrap_err(),
        parse_error("a[99999999999999999999999]=x&a[]=y"),
        parse_error("a[]=y&a[99999999999999999999999]=x"),
    ] {
        assert_eq!(error.code, ParamCode::InvalidRequest);
        assert_eq!(error.param.as_deref(), Some("a[99999999999999999999999]"));
        assert!(error.message.starts_with("Invalid array index in a[99999999999999999999999]"), "{}", error.message);
    }
}

#[test]
fn two_spellings_of_one_index_are_rejected_where_a_list_is_expected() {
    let error = decoded::<BTreeMap<String, Vec<String>>>("a[7]=x&a[007]=y").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("a[007]"));
    assert_eq!(error.message, "Invalid a[007]: it repeats an earlier array index.");
    assert_eq!(parse_error("a[7]=x&a[007]=y&a[]=z").param.as_deref(), Some("a[007]"));
    // Inside a `[]` list both spellings name one item, as they always did.
    assert_eq!(parsed("a[]=z&a[7]=x&a[007]=y"), vec![entry("a", List(vec![s("y"), s("z")]))]);
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
fn mixing_appended_items_with_object_keys_names_the_param() {
    for input in ["a[]=1&a[k]=2", "a[k]=2&a[]=1", "a[0]=1&a[k]=2&a[]=3", "x[a][]=1&x[a][k]=2"] {
        let error = parse_error(input);
        assert_eq!(error.code, ParamCode::InvalidRequest, "{input}");
        assert!(error.message.contains("cannot be mixed"), "{input}: {}", error.message);
    }
    assert_eq!(parse_error("a[]=1&a[k]=2").param.as_deref(), Some("a"));
    assert_eq!(parse_error("x[a][]=1&x[a][k]=2").param.as_deref(), Some("x[a]"));
}

#[test]
fn indexes_mixed_with_object_keys_are_a_map_but_not_a_list() {
    assert_eq!(parsed("a[k]=2&a[0]=1"), vec![entry("a", Map(vec![entry("k", s("2")), entry("0", s("1"))]))]);
    let error = decoded::<BTreeMap<String, BTreeMap<String, Vec<String>>>>("x[a][0]=1&x[a][k]=2").unwrap_err();
    assert_eq!(error.code, ParamCode::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("x[a]"));
    assert_eq!(error.message, "Invalid x[a]: array items ([] or [0]) and object keys ([key]) cannot be mixed.");
    let error = decoded::<Params>("name=x&items[price]=p").unwrap_err();
    assert_eq!(error.message, "Invalid items: expected an array, received an object.");
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
fn indexed_expand_paths_are_ordered_by_index() {
    let mut map = parsed("expand[10]=c&expand[2]=b&expand[0]=a&expand=");
    assert_eq!(take_expand(&mut map).unwrap(), ["a", "b", "c"]);
    assert_eq!(take_expand(&mut parsed("expand[0]=a&expand=b")).unwrap(), ["a", "b"]);
    assert_eq!(take_expand(&mut parsed("expand=a")).unwrap(), ["a"]);
    assert_eq!(take_expand(&mut parsed("expand[]=a")).unwrap(), ["a"]);
    let error = take_expand(&mut parsed("expand[99999999999999999999999]=a")).unwrap_err();
    assert_eq!(error.param.as_deref(), Some("expand[99999999999999999999999]"));
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
    assert_eq!(take_expand(&mut parsed("expand[4]=a&expand[9]=")).unwrap_err().param.as_deref(), Some("expand[1]"));
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
    let value: serde_json::Value = decoded("a=1&b[c]=2&d[]=3&e[1]=4").unwrap();
    assert_eq!(value, serde_json::json!({"a": "1", "b": {"c": "2"}, "d": ["3"], "e": {"1": "4"}}));
}

#[test]
fn timestamp_ranges_stay_maps_of_their_operators() {
    let range = vec![entry("gt", s("1")), entry("lte", s("2"))];
    assert_eq!(parsed("created[gt]=1&created[lte]=2"), vec![entry("created", Map(range))]);
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
