use super::*;

/// Stripe's documented example for each type whose format we check, and the country it reports.
const CHECKED_EXAMPLES: &[(&str, &str, Option<&str>)] = &[
    ("eu_vat", "ATU12345678", Some("AT")),
    ("eu_vat", "BE0123456789", Some("BE")),
    ("eu_vat", "BG0123456789", Some("BG")),
    ("eu_vat", "HR12345678912", Some("HR")),
    ("eu_vat", "CY12345678Z", Some("CY")),
    ("eu_vat", "CZ1234567890", Some("CZ")),
    ("eu_vat", "DK12345678", Some("DK")),
    ("eu_vat", "EE123456789", Some("EE")),
    ("eu_vat", "FI12345678", Some("FI")),
    ("eu_vat", "FRAB123456789", Some("FR")),
    ("eu_vat", "DE123456789", Some("DE")),
    ("eu_vat", "EL123456789", Some("GR")),
    ("eu_vat", "HU12345678", Some("HU")),
    ("eu_vat", "IE1234567AB", Some("IE")),
    ("eu_vat", "IT12345678912", Some("IT")),
    ("eu_vat", "LV12345678912", Some("LV")),
    ("eu_vat", "LT123456789123", Some("LT")),
    ("eu_vat", "LU12345678", Some("LU")),
    ("eu_vat", "MT12345678", Some("MT")),
    ("eu_vat", "NL123456789B12", Some("NL")),
    ("eu_vat", "PL1234567890", Some("PL")),
    ("eu_vat", "PT123456789", Some("PT")),
    ("eu_vat", "RO1234567891", Some("RO")),
    ("eu_vat", "SK1234567891", Some("SK")),
    ("eu_vat", "SI12345678", Some("SI")),
    ("eu_vat", "ESA1234567Z", Some("ES")),
    ("eu_vat", "SE123456789123", Some("SE")),
    ("eu_vat", "XI123456789", Some("GB")),
    ("eu_oss_vat", "EU123456789", None),
    ("gb_vat", "GB123456789", Some("GB")),
    ("us_ein", "12-3456789", Some("US")),
    ("au_abn", "12345678912", Some("AU")),
    ("ca_bn", "123456789", Some("CA")),
    ("jp_cn", "1234567891234", Some("JP")),
    ("br_cnpj", "01.234.456/5432-10", Some("BR")),
    ("br_cpf", "123.456.789-87", Some("BR")),
    ("in_gst", "12ABCDE3456FGZH", Some("IN")),
];

/// Examples of the types we accept without a format check.
const OTHER_EXAMPLES: &[(&str, &str, &str)] = &[
    ("ad_nrt", "A-123456-Z", "AD"),
    ("ch_vat", "CHE-123.456.789 MWST", "CH"),
    ("cl_tin", "12.345.678-K", "CL"),
    ("mx_rfc", "ABC010203AB9", "MX"),
    ("no_vat", "123456789MVA", "NO"),
    ("za_vat", "4123456789", "ZA"),
    ("my_itn", "C 1234567890", "MY"),
];

#[test]
fn stripes_documented_examples_are_accepted_with_their_country() {
    for (tax_type, value, country) in CHECKED_EXAMPLES {
        let facts = validate(tax_type, value).unwrap_or_else(|e| panic!("{tax_type} {value}: {e}"));
        assert_eq!(facts.country.as_deref(), *country, "{tax_type} {value}");
    }
    for (tax_type, value, country) in OTHER_EXAMPLES {
        let facts = validate(tax_type, value).unwrap();
        assert_eq!(facts.country.as_deref(), Some(*country), "{tax_type}");
        assert_eq!(facts.normalized_value, *value, "values of unchecked types are kept as typed");
    }
}

#[test]
fn values_in_the_wrong_format_are_tax_id_invalid_on_value() {
    let cases = [
        ("eu_vat", "DE12345678"),
        ("eu_vat", "XX123456789"),
        ("eu_vat", "GB123456789"),
        ("eu_vat", "NL123456789012"),
        ("gb_vat", "123456789"),
        ("gb_vat", "GB1234567890"),
        ("us_ein", "12-345678"),
        ("us_ein", "123-456789"),
        ("au_abn", "1234567891"),
        ("ca_bn", "12345678A"),
        ("jp_cn", "123456789123"),
        ("br_cnpj", "01.234.456-5432/10"),
        ("br_cpf", "123.456.78-987"),
        ("in_gst", "12ABCDE3456FGXH"),
        ("ad_nrt", "   "),
    ];
    for (tax_type, value) in cases {
        let err = validate(tax_type, value).unwrap_err();
        assert_eq!(err.code, ParamCode::TaxIdInvalid, "{tax_type} {value}");
        assert_eq!(err.code.as_str(), Some("tax_id_invalid"));
        assert_eq!(err.param.as_deref(), Some("value"));
        assert_eq!(err.message, format!("Invalid value for {tax_type}."));
    }
}

#[test]
fn unknown_types_are_refused_on_type_with_the_valid_list() {
    let err = validate("xx_vat", "123").unwrap_err();
    assert_eq!(err.code, ParamCode::InvalidRequest);
    assert_eq!(err.param.as_deref(), Some("type"));
    assert!(err.message.starts_with("Invalid type: must be one of ad_nrt, ae_trn, "));
    assert!(err.message.ends_with(", zm_tin, or zw_tin"));
    assert!(validate("unknown", "123").is_err(), "Stripe reports `unknown` but never accepts it");
}

#[test]
fn an_empty_value_is_an_empty_parameter() {
    let err = validate("eu_vat", "").unwrap_err();
    assert_eq!(err.code, ParamCode::ParameterInvalidEmpty);
    assert_eq!(err.param.as_deref(), Some("value"));
}

#[test]
fn vat_numbers_are_stored_upper_case_without_spaces() {
    let facts = validate("eu_vat", " de 123 456 789 ").unwrap();
    assert_eq!(facts.normalized_value, "DE123456789");
    assert_eq!(validate("gb_vat", "gb 123 4567 89").unwrap().normalized_value, "GB123456789");
    assert_eq!(validate("us_ein", " 12-3456789 ").unwrap().normalized_value, "12-3456789");
    assert_eq!(validate("eu_vat", "GR123456789").unwrap().country.as_deref(), Some("GR"));
}

#[test]
fn check_digits_are_reported_but_do_not_refuse_the_value() {
    assert_eq!(validate("au_abn", "12345678912").unwrap().checksum_valid, Some(false));
    assert_eq!(validate("au_abn", "51 824 753 556").unwrap().checksum_valid, Some(true));
    assert_eq!(validate("br_cpf", "529.982.247-25").unwrap().checksum_valid, Some(true));
    assert_eq!(validate("br_cnpj", "11.222.333/0001-81").unwrap().checksum_valid, Some(true));
    assert_eq!(validate("br_cnpj", "01.234.456/5432-10").unwrap().checksum_valid, Some(false));
    assert_eq!(validate("eu_vat", "DE123456789").unwrap().checksum_valid, None);
}

#[test]
fn every_type_has_a_two_letter_country_prefix_and_is_listed_once() {
    let mut sorted = TYPES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), TYPES.len());
    for t in TYPES {
        assert_eq!(t.as_bytes()[2], b'_', "{t}");
        assert!(validate(t, "AB12").is_ok() || CHECKED_EXAMPLES.iter().any(|(c, _, _)| c == t), "{t}");
    }
}

#[test]
fn enum_lists_read_like_stripes() {
    assert_eq!(one_of(&["a"]), "a");
    assert_eq!(one_of(&["a", "b", "c"]), "a, b, or c");
}
