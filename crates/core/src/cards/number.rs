//! What a card number says about its card: whether it is well formed, its brand, funding and issuing country,
//! and a fingerprint that recognises the same card again without keeping the number.

use sha2::{Digest, Sha256};

use super::CardError;

/// Card networks, named as Stripe's `card.brand` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Brand {
    Amex,
    Diners,
    Discover,
    Jcb,
    Mastercard,
    Unionpay,
    Visa,
    Unknown,
}

impl Brand {
    /// `card.brand` and the entry of `card.networks.available`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Amex => "amex",
            Self::Diners => "diners",
            Self::Discover => "discover",
            Self::Jcb => "jcb",
            Self::Mastercard => "mastercard",
            Self::Unionpay => "unionpay",
            Self::Visa => "visa",
            Self::Unknown => "unknown",
        }
    }

    /// `card.display_brand`, which Stripe spells differently from `brand` for some networks.
    pub fn display_brand(self) -> &'static str {
        match self {
            Self::Amex => "american_express",
            Self::Diners => "diners_club",
            Self::Unionpay => "union_pay",
            Self::Unknown => "other",
            other => other.as_str(),
        }
    }

    /// Detects the network from the number's leading digits (its IIN range).
    pub fn of(number: &str) -> Self {
        let prefix = |len: usize| number.get(..len).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
        match (prefix(1), prefix(2), prefix(3), prefix(4)) {
            (_, 34 | 37, _, _) => Self::Amex,
            (_, 36 | 38 | 39, _, _) | (_, _, 300..=305, _) | (_, _, _, 3095) => Self::Diners,
            (_, _, _, 3528..=3589) => Self::Jcb,
            (4, _, _, _) => Self::Visa,
            (_, 51..=55, _, _) | (_, _, _, 2221..=2720) => Self::Mastercard,
            // 62 is UnionPay's even where Discover shares a range (622126–622925), as Stripe reports it.
            (_, 62 | 81, _, _) => Self::Unionpay,
            (_, 65, _, _) | (_, _, 644..=649, _) | (_, _, _, 6011) => Self::Discover,
            _ => Self::Unknown,
        }
    }

    /// Lengths the network issues, so a truncated number is refused before the Luhn check could pass by chance.
    fn valid_length(self, len: usize) -> bool {
        match self {
            Self::Visa => matches!(len, 13 | 16 | 19),
            Self::Mastercard => len == 16,
            Self::Amex => len == 15,
            Self::Diners => (14..=19).contains(&len),
            Self::Discover | Self::Jcb | Self::Unionpay => (16..=19).contains(&len),
            Self::Unknown => (12..=19).contains(&len),
        }
    }
}

/// `card.funding`, as Stripe reports it for its test numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Funding {
    Credit,
    Debit,
    Prepaid,
}

impl Funding {
    /// The value of `card.funding`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credit => "credit",
            Self::Debit => "debit",
            Self::Prepaid => "prepaid",
        }
    }
}

/// Checks a typed card number and returns it as bare digits. Spaces are allowed because people copy numbers
/// in groups of four; anything else that is not a digit is `invalid_number`, and a wrong length or a failed
/// Luhn check is `incorrect_number`, as Stripe answers.
pub fn validate_number(number: &str) -> Result<String, CardError> {
    let digits: String = number.chars().filter(|c| *c != ' ').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardError::invalid_number());
    }
    if !Brand::of(&digits).valid_length(digits.len()) || !luhn_valid(&digits) {
        return Err(CardError::incorrect_number());
    }
    Ok(digits)
}

/// The Luhn (mod 10) checksum every card number carries in its last digit, which catches any single mistyped
/// digit and most swaps of neighbours.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The last four digits, the only part of the number Stripe ever shows again.
pub fn last4(digits: &str) -> &str {
    &digits[digits.len().saturating_sub(4)..]
}

/// Stripe's debit and prepaid test numbers; every other card is reported as credit.
pub fn funding(digits: &str) -> Funding {
    const DEBIT: &[&str] =
        &["4000056655665556", "5200828282828210", "6011981111111113", "6200000000000047", "5555050360000080"];
    if digits == "5105105105105100" {
        Funding::Prepaid
    } else if DEBIT.contains(&digits) || digits.starts_with("400005") {
        // Stripe's `4000 05…` numbers are its debit cards (`tok_gb_debit`, the eftpos ones).
        Funding::Debit
    } else {
        Funding::Credit
    }
}

/// The issuing country (`card.country`). Stripe's country test cards carry the ISO 3166 numeric code in digits
/// 7–9 (`4000 0082 6…` is GB, `4000 0025 0…` FR); every other test card is American.
pub fn country(digits: &str) -> &'static str {
    let coded = ["400000", "400005", "555555", "555505"].iter().any(|p| digits.starts_with(p));
    coded
        .then(|| digits.get(6..9))
        .flatten()
        .and_then(|code| NUMERIC_COUNTRIES.iter().find(|(n, _)| *n == code))
        .map_or("US", |(_, alpha2)| alpha2)
}

#[rustfmt::skip]
const NUMERIC_COUNTRIES: &[(&str, &str)] = &[
    ("032", "AR"), ("036", "AU"), ("040", "AT"), ("056", "BE"), ("076", "BR"), ("100", "BG"), ("112", "BY"),
    ("124", "CA"), ("156", "CN"), ("158", "TW"), ("191", "HR"), ("196", "CY"), ("203", "CZ"), ("208", "DK"),
    ("233", "EE"), ("246", "FI"), ("250", "FR"), ("276", "DE"), ("292", "GI"), ("300", "GR"), ("344", "HK"),
    ("348", "HU"), ("356", "IN"), ("372", "IE"), ("380", "IT"), ("392", "JP"), ("428", "LV"), ("438", "LI"),
    ("440", "LT"), ("442", "LU"), ("458", "MY"), ("470", "MT"), ("484", "MX"), ("528", "NL"), ("554", "NZ"),
    ("578", "NO"), ("616", "PL"), ("620", "PT"), ("642", "RO"), ("702", "SG"), ("703", "SK"), ("705", "SI"),
    ("724", "ES"), ("752", "SE"), ("756", "CH"), ("764", "TH"), ("784", "AE"), ("826", "GB"), ("840", "US"),
];

/// `card.fingerprint`: the same number gives the same 16 characters within an account, so duplicates can be
/// spotted, while the account's salt keeps the value useless for matching cards across accounts.
pub fn fingerprint(account_salt: &str, digits: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut hasher = Sha256::new();
    hasher.update(account_salt.as_bytes());
    // The separator keeps ("ab", "12…") and ("a", "b12…") apart.
    hasher.update(b"\0");
    hasher.update(digits.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let mut value = u128::from_be_bytes(bytes);
    (0..16)
        .map(|_| {
            let c = ALPHABET[(value % 62) as usize] as char;
            value /= 62;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn stripes_brand_test_numbers_get_their_brands() {
        let cases = [
            ("4242424242424242", Brand::Visa),
            ("4000056655665556", Brand::Visa),
            ("5555555555554444", Brand::Mastercard),
            ("2223003122003222", Brand::Mastercard),
            ("5200828282828210", Brand::Mastercard),
            ("5105105105105100", Brand::Mastercard),
            ("378282246310005", Brand::Amex),
            ("371449635398431", Brand::Amex),
            ("6011111111111117", Brand::Discover),
            ("6011000990139424", Brand::Discover),
            ("6011981111111113", Brand::Discover),
            ("3056930009020004", Brand::Diners),
            ("36227206271667", Brand::Diners),
            ("3566002020360505", Brand::Jcb),
            ("6200000000000005", Brand::Unionpay),
            ("6200000000000047", Brand::Unionpay),
            ("6205500000000000004", Brand::Unionpay),
        ];
        for (number, brand) in cases {
            assert_eq!(Brand::of(number), brand, "{number}");
            assert_eq!(validate_number(number).as_deref(), Ok(number), "{number}");
        }
        assert_eq!(Brand::Amex.display_brand(), "american_express");
        assert_eq!(Brand::Visa.display_brand(), "visa");
    }

    #[test]
    fn a_number_failing_luhn_is_incorrect() {
        let err = validate_number("4242424242424241").unwrap_err();
        assert_eq!(err.code.as_str(), "incorrect_number");
        assert_eq!(err.param.as_deref(), Some("number"));
        assert_eq!(err.message, "Your card number is incorrect.");
    }

    #[test]
    fn a_number_of_the_wrong_length_for_its_brand_is_incorrect() {
        let fifteen = (0..10).map(|d| format!("55555555555555{d}")).find(|n| luhn_valid(n)).unwrap();
        assert_eq!(validate_number(&fifteen).unwrap_err().code.as_str(), "incorrect_number");
        assert_eq!(validate_number("42").unwrap_err().code.as_str(), "incorrect_number");
    }

    #[test]
    fn letters_in_a_number_make_it_invalid_but_spaces_do_not() {
        assert_eq!(validate_number("4242-4242-4242-4242").unwrap_err().code.as_str(), "invalid_number");
        assert_eq!(validate_number("").unwrap_err().code.as_str(), "invalid_number");
        assert_eq!(validate_number("4242 4242 4242 4242").unwrap(), "4242424242424242");
    }

    #[test]
    fn debit_and_prepaid_test_numbers_say_so_and_others_are_credit() {
        assert_eq!(funding("4000056655665556"), Funding::Debit);
        assert_eq!(funding("5200828282828210"), Funding::Debit);
        assert_eq!(funding("4000058260000005"), Funding::Debit);
        assert_eq!(funding("5105105105105100"), Funding::Prepaid);
        assert_eq!(funding("4242424242424242"), Funding::Credit);
        assert_eq!(Funding::Prepaid.as_str(), "prepaid");
    }

    #[test]
    fn country_test_cards_carry_their_country_and_the_rest_are_american() {
        assert_eq!(country("4000008260000000"), "GB");
        assert_eq!(country("4000002500003155"), "FR");
        assert_eq!(country("4000003720000278"), "IE");
        assert_eq!(country("4000000760000002"), "BR");
        assert_eq!(country("4242424242424242"), "US");
        assert_eq!(country("4000056655665556"), "US");
        assert_eq!(country("4000000000000002"), "US");
    }

    #[test]
    fn last4_is_the_end_of_the_number() {
        assert_eq!(last4("4242424242424242"), "4242");
        assert_eq!(last4("378282246310005"), "0005");
    }

    #[test]
    fn fingerprints_match_within_an_account_and_differ_across_accounts() {
        let a = fingerprint("acct_a", "4242424242424242");
        assert_eq!(a, fingerprint("acct_a", "4242424242424242"));
        assert_ne!(a, fingerprint("acct_b", "4242424242424242"));
        assert_ne!(a, fingerprint("acct_a", "5555555555554444"));
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    proptest! {
        #[test]
        fn changing_one_digit_of_a_valid_number_breaks_luhn(
            body in "[0-9]{15}",
            position in 0usize..16,
            delta in 1u8..10,
        ) {
            let check = (0..10u8).map(|d| format!("{body}{d}")).find(|n| luhn_valid(n)).unwrap();
            let mut bytes = check.clone().into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            prop_assert!(!luhn_valid(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn exactly_one_check_digit_completes_any_body(body in "[0-9]{1,18}") {
            let valid = (0..10u8).filter(|d| luhn_valid(&format!("{body}{d}"))).count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        fn fingerprints_are_sixteen_base62_characters(salt in ".{0,20}", number in "[0-9]{12,19}") {
            let f = fingerprint(&salt, &number);
            prop_assert_eq!(f.len(), 16);
            prop_assert!(f.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
    }
}
