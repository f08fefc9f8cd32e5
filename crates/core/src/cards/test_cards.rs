//! Stripe's test tokens (`pm_card_visa`, `tok_chargeDeclined`, …) and the test card number behind each, so that
//! code written against Stripe's test mode runs unchanged here (<https://docs.stripe.com/testing>).

use super::{Brand, CardBehaviour, Funding, behaviour, country, expiry, funding, last4};

/// The card a test token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestCard {
    pub number: &'static str,
    /// Whether the token carries a CVC. Only the tokens whose documented outcome is a CVC failure do, so that
    /// they fail as Stripe's do; the rest leave `checks.cvc_check` null.
    pub cvc_supplied: bool,
}

impl TestCard {
    /// `card.brand`.
    pub fn brand(&self) -> Brand {
        Brand::of(self.number)
    }

    /// `card.funding`.
    pub fn funding(&self) -> Funding {
        funding(self.number)
    }

    /// `card.country`.
    pub fn country(&self) -> &'static str {
        country(self.number)
    }

    /// `card.last4`.
    pub fn last4(&self) -> &'static str {
        last4(self.number)
    }

    /// What the processor does with this card.
    pub fn behaviour(&self) -> CardBehaviour {
        behaviour(self.number)
    }
}

/// The card behind a `pm_card_…` PaymentMethod id or a `tok_…` token, or `None` when it is not one of Stripe's.
/// Both prefixes take the same names, as in Stripe's test mode (`pm_card_visa`, `tok_visa`).
pub fn test_token(token: &str) -> Option<TestCard> {
    let name = token.strip_prefix("pm_card_").or_else(|| token.strip_prefix("tok_"))?;
    TOKENS.iter().find(|(n, _)| *n == name).map(|(_, number)| TestCard {
        number,
        cvc_supplied: matches!(name, "cvcCheckFail" | "chargeDeclinedIncorrectCvc"),
    })
}

/// The expiry given to a card made from a test token: December of next year, so it is always in the future
/// and stays the same all year. Stripe picks a random future date; tests should not depend on it.
pub fn test_token_expiry(now: i64) -> (u32, i32) {
    (12, expiry::year_month(now).0 + 1)
}

/// Token names (after `pm_card_` / `tok_`) and their numbers.
const TOKENS: &[(&str, &str)] = &[
    // Brands.
    ("visa", "4242424242424242"),
    ("visa_debit", "4000056655665556"),
    ("mastercard", "5555555555554444"),
    ("mastercard_debit", "5200828282828210"),
    ("mastercard_prepaid", "5105105105105100"),
    ("amex", "378282246310005"),
    ("discover", "6011111111111117"),
    ("diners", "3056930009020004"),
    ("jcb", "3566002020360505"),
    ("unionpay", "6200000000000005"),
    ("visa_cartesBancaires", "4000002500001001"),
    ("mastercard_cartesBancaires", "5555552500001001"),
    ("visa_debit_eftposAuCoBranded", "4000050360000001"),
    ("mastercard_debit_eftposAuCoBranded", "5555050360000080"),
    // Countries.
    ("us", "4242424242424242"),
    ("ar", "4000000320000021"),
    ("br", "4000000760000002"),
    ("ca", "4000001240000000"),
    ("mx", "4000004840008001"),
    ("ae", "4000007840000001"),
    ("at", "4000000400000008"),
    ("be", "4000000560000004"),
    ("bg", "4000001000000000"),
    ("by", "4000001120000005"),
    ("hr", "4000001910000009"),
    ("cy", "4000001960000008"),
    ("cz", "4000002030000002"),
    ("dk", "4000002080000001"),
    ("ee", "4000002330000009"),
    ("fi", "4000002460000001"),
    ("fr", "4000002500000003"),
    ("de", "4000002760000016"),
    ("gi", "4000002920000005"),
    ("gr", "4000003000000030"),
    ("hu", "4000003480000005"),
    ("ie", "4000003720000005"),
    ("it", "4000003800000008"),
    ("lv", "4000004280000005"),
    ("li", "4000004380000004"),
    ("lt", "4000004400000000"),
    ("lu", "4000004420000006"),
    ("mt", "4000004700000007"),
    ("nl", "4000005280000002"),
    ("no", "4000005780000007"),
    ("pl", "4000006160000005"),
    ("pt", "4000006200000007"),
    ("ro", "4000006420000001"),
    ("si", "4000007050000006"),
    ("sk", "4000007030000001"),
    ("es", "4000007240000007"),
    ("se", "4000007520000008"),
    ("ch", "4000007560000009"),
    ("gb", "4000008260000000"),
    ("gb_debit", "4000058260000005"),
    ("gb_mastercard", "5555558265554449"),
    ("au", "4000000360000006"),
    ("cn", "4000001560000002"),
    ("hk", "4000003440000004"),
    ("in", "4000003560000008"),
    ("jp", "4000003920000003"),
    ("my", "4000004580000002"),
    ("nz", "4000005540000008"),
    ("sg", "4000007020000003"),
    ("th", "4000007640000003"),
    ("tw", "4000001580000008"),
    // Outcomes that succeed.
    ("bypassPending", "4000000000000077"),
    ("bypassPendingInternational", "4000003720000278"),
    ("domesticPricing", "4000000000000093"),
    ("avsFail", "4000000000000010"),
    ("avsLine1Fail", "4000000000000028"),
    ("avsZipFail", "4000000000000036"),
    ("avsUnchecked", "4000000000000044"),
    ("refundFail", "4000000000005126"),
    ("riskLevelElevated", "4000000000009235"),
    ("threeDSecureOptional", "4000000000003055"),
    ("amex_threeDSecureNotSupported", "378282246310005"),
    ("createDispute", "4000000000000259"),
    ("createDisputeProductNotReceived", "4000000000002685"),
    ("createDisputeInquiry", "4000000000001976"),
    // Declines.
    ("chargeDeclined", "4000000000000002"),
    ("visa_chargeDeclined", "4000000000000002"),
    ("chargeDeclinedInsufficientFunds", "4000000000009995"),
    ("visa_chargeDeclinedInsufficientFunds", "4000000000009995"),
    ("chargeDeclinedLostCard", "4000000000009987"),
    ("visa_chargeDeclinedLostCard", "4000000000009987"),
    ("chargeDeclinedStolenCard", "4000000000009979"),
    ("visa_chargeDeclinedStolenCard", "4000000000009979"),
    ("chargeDeclinedExpiredCard", "4000000000000069"),
    ("chargeDeclinedIncorrectCvc", "4000000000000127"),
    ("chargeDeclinedProcessingError", "4000000000000119"),
    ("chargeDeclinedVelocityLimitExceeded", "4000000000006975"),
    ("visa_chargeDeclinedVelocityLimitExceeded", "4000000000006975"),
    ("chargeDeclinedFraudulent", "4100000000000019"),
    ("radarBlock", "4100000000000019"),
    ("riskLevelHighest", "4000000000004954"),
    ("cvcCheckFail", "4000000000000101"),
    ("chargeCustomerFail", "4000000000000341"),
    // Authentication (3-D Secure).
    ("authenticationRequiredOnSetup", "4000002500003155"),
    ("authenticationRequired", "4000002760003184"),
    ("authenticationRequiredSetupForOffSession", "4000003800000446"),
    ("authenticationRequiredChargeDeclinedInsufficientFunds", "4000008260003178"),
    ("threeDSecure2Required", "4000000000003220"),
    ("threeDSecureRequired", "4000000000003063"),
    ("threeDSecureRequiredChargeDeclined", "4000008400001629"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::validate_number;

    #[test]
    fn every_token_stands_for_a_valid_card_number() {
        for (name, number) in TOKENS {
            assert_eq!(validate_number(number).as_deref(), Ok(*number), "{name}");
        }
        let mut names: Vec<_> = TOKENS.iter().map(|(n, _)| n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TOKENS.len(), "a token name is listed twice");
    }

    #[test]
    fn payment_method_and_legacy_tokens_name_the_same_cards() {
        let visa = test_token("pm_card_visa").unwrap();
        assert_eq!(visa.number, "4242424242424242");
        assert_eq!(test_token("tok_visa"), Some(visa));
        assert_eq!(
            (visa.brand(), visa.funding(), visa.country(), visa.last4()),
            (Brand::Visa, Funding::Credit, "US", "4242")
        );
        assert_eq!(test_token("tok_chargeDeclinedInsufficientFunds").unwrap().number, "4000000000009995");
        assert_eq!(test_token("pm_card_visa_chargeDeclined").unwrap().number, "4000000000000002");
        assert_eq!(test_token("pm_card_visa_nope"), None);
        assert_eq!(test_token("card_visa"), None);
    }

    #[test]
    fn brand_tokens_report_stripes_brand_and_funding() {
        let cases = [
            ("pm_card_visa_debit", Brand::Visa, Funding::Debit),
            ("pm_card_mastercard", Brand::Mastercard, Funding::Credit),
            ("pm_card_mastercard_debit", Brand::Mastercard, Funding::Debit),
            ("pm_card_mastercard_prepaid", Brand::Mastercard, Funding::Prepaid),
            ("pm_card_amex", Brand::Amex, Funding::Credit),
            ("pm_card_discover", Brand::Discover, Funding::Credit),
            ("pm_card_diners", Brand::Diners, Funding::Credit),
            ("pm_card_jcb", Brand::Jcb, Funding::Credit),
            ("pm_card_unionpay", Brand::Unionpay, Funding::Credit),
        ];
        for (token, brand, funding) in cases {
            let card = test_token(token).unwrap();
            assert_eq!((card.brand(), card.funding()), (brand, funding), "{token}");
        }
    }

    #[test]
    fn country_tokens_report_their_country() {
        for (token, country) in [("tok_gb", "GB"), ("pm_card_de", "DE"), ("pm_card_jp", "JP"), ("tok_br", "BR")] {
            assert_eq!(test_token(token).unwrap().country(), country, "{token}");
        }
        assert_eq!(test_token("tok_gb_debit").unwrap().funding(), Funding::Debit);
    }

    #[test]
    fn only_the_cvc_failure_tokens_carry_a_cvc() {
        assert!(test_token("pm_card_chargeDeclinedIncorrectCvc").unwrap().cvc_supplied);
        assert!(test_token("tok_cvcCheckFail").unwrap().cvc_supplied);
        assert!(!test_token("pm_card_visa").unwrap().cvc_supplied);
    }

    #[test]
    fn token_cards_expire_in_december_of_next_year() {
        assert_eq!(test_token_expiry(1_773_576_000), (12, 2027)); // 2026-03-15
        assert_eq!(test_token_expiry(1_798_761_599), (12, 2027)); // 2026-12-31T23:59:59Z
    }
}
