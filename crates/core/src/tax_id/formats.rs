//! Value formats for the tax id types Stripe checks, written as small patterns: `#` a digit, `@` a letter, `*`
//! a letter or digit, anything else itself. Values arrive upper-cased with whitespace removed.

/// Whether `value` matches the pattern exactly.
fn matches(value: &str, pattern: &str) -> bool {
    value.len() == pattern.len()
        && value.bytes().zip(pattern.bytes()).all(|(v, p)| match p {
            b'#' => v.is_ascii_digit(),
            b'@' => v.is_ascii_uppercase(),
            b'*' => v.is_ascii_uppercase() || v.is_ascii_digit(),
            literal => v == literal,
        })
}

fn digits(value: &str, lengths: &[usize]) -> bool {
    lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a (compacted) value has the format Stripe expects for its type. Types without a known format only
/// need to be non-empty, which the caller has checked.
pub(super) fn matches_type(tax_type: &str, value: &str) -> bool {
    match tax_type {
        "eu_vat" => eu_vat(value),
        "eu_oss_vat" => value.strip_prefix("EU").is_some_and(|rest| digits(rest, &[9])),
        "gb_vat" => value.strip_prefix("GB").is_some_and(|rest| digits(rest, &[9, 12])),
        "us_ein" => matches(value, "##-#######") || digits(value, &[9]),
        "au_abn" => digits(value, &[11]),
        "ca_bn" => digits(value, &[9]),
        "jp_cn" => digits(value, &[13]),
        "br_cnpj" => matches(value, "##.###.###/####-##") || digits(value, &[14]),
        "br_cpf" => matches(value, "###.###.###-##") || digits(value, &[11]),
        "in_gst" => matches(value, "##@@@@@####@*Z*"),
        _ => true,
    }
}

/// The ISO country of an EU VAT number's prefix. Greece writes `EL`; Northern Ireland's `XI` numbers are
/// British.
pub(super) fn eu_vat_country(value: &str) -> Option<&'static str> {
    let prefix = value.get(..2)?;
    EU_VAT.iter().find(|(p, _, _)| *p == prefix).map(|(_, country, _)| *country)
}

fn eu_vat(value: &str) -> bool {
    let Some((prefix, rest)) = value.split_at_checked(2) else { return false };
    let Some((_, _, patterns)) = EU_VAT.iter().find(|(p, _, _)| *p == prefix) else { return false };
    patterns.iter().any(|pattern| matches(rest, pattern))
}

/// Prefix, country, and the formats of what follows it (from the EU's VIES rules).
const EU_VAT: &[(&str, &str, &[&str])] = &[
    ("AT", "AT", &["U########"]),
    ("BE", "BE", &["0#########", "1#########"]),
    ("BG", "BG", &["#########", "##########"]),
    ("CY", "CY", &["########@"]),
    ("CZ", "CZ", &["########", "#########", "##########"]),
    ("DE", "DE", &["#########"]),
    ("DK", "DK", &["########"]),
    ("EE", "EE", &["#########"]),
    ("EL", "GR", &["#########"]),
    ("GR", "GR", &["#########"]),
    ("ES", "ES", &["*#######*"]),
    ("FI", "FI", &["########"]),
    ("FR", "FR", &["**#########"]),
    ("HR", "HR", &["###########"]),
    ("HU", "HU", &["########"]),
    ("IE", "IE", &["#######@", "#######@@", "#*#####@"]),
    ("IT", "IT", &["###########"]),
    ("LT", "LT", &["#########", "############"]),
    ("LU", "LU", &["########"]),
    ("LV", "LV", &["###########"]),
    ("MT", "MT", &["########"]),
    ("NL", "NL", &["#########B##"]),
    ("PL", "PL", &["##########"]),
    ("PT", "PT", &["#########"]),
    // Romania's numbers have no fixed length.
    ("RO", "RO", &["##", "###", "####", "#####", "######", "#######", "########", "#########", "##########"]),
    ("SE", "SE", &["############"]),
    ("SI", "SI", &["########"]),
    ("SK", "SK", &["##########"]),
    ("XI", "GB", &["#########", "############", "GD###", "HA###"]),
];
